"""The code of the t-SNE chapter (``book/dimensionality_reduction/tsne.md``).

Its tests are under ``tests/dimensionality_reduction/tsne/``.
"""

from mlmath.dimensionality_reduction.tsne.affinities import (
    MACHINE_EPSILON,
    conditional_affinities,
    joint_affinities,
    joint_affinities_nn,
    nearest_neighbors,
)
from mlmath.dimensionality_reduction.tsne.barnes_hut import (
    attractive_forces,
    build_tree,
    kl_divergence_and_gradient_bh,
    repulsive_forces,
    upper_pairs,
)
from mlmath.dimensionality_reduction.tsne.estimators import TSNE, pca_initialisation
from mlmath.dimensionality_reduction.tsne.objective import (
    kl_divergence,
    kl_divergence_and_gradient,
    pairwise_sq_distances,
    student_t_affinities,
)
from mlmath.dimensionality_reduction.tsne.optimizer import gradient_descent

__all__ = [
    "MACHINE_EPSILON",
    "conditional_affinities",
    "joint_affinities",
    "nearest_neighbors",
    "joint_affinities_nn",
    "pairwise_sq_distances",
    "student_t_affinities",
    "kl_divergence",
    "kl_divergence_and_gradient",
    "build_tree",
    "repulsive_forces",
    "upper_pairs",
    "attractive_forces",
    "kl_divergence_and_gradient_bh",
    "gradient_descent",
    "pca_initialisation",
    "TSNE",
]
