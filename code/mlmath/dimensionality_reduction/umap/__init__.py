"""The code of the chapter UMAP (``book/dimensionality_reduction/umap.md``).

From-scratch versions of the pieces the chapter derives: the fuzzy graph, the curve
$1/(1 + a r^{2b})$, the cross-entropy and its gradients, and the SGD layout. The chapter uses
umap-learn as the estimator; these functions are checked against its internals. Tests are
under ``tests/dimensionality_reduction/umap/``.
"""

from mlmath.dimensionality_reduction.umap.curve import (
    find_ab_params,
    low_dim_similarity,
    target_similarity,
)
from mlmath.dimensionality_reduction.umap.fuzzy_graph import (
    exact_knn,
    fuzzy_simplicial_set,
    fuzzy_union,
    membership_strengths,
    smooth_knn_dist,
)
from mlmath.dimensionality_reduction.umap.layout import (
    epochs_per_sample,
    optimize_layout,
    prune_edges,
    rescale_to_box,
    spectral_layout,
    umap_embedding,
)
from mlmath.dimensionality_reduction.umap.objective import (
    attractive_gradient,
    cross_entropy,
    cross_entropy_gradient,
    repulsive_gradient,
)

__all__ = [
    "exact_knn",
    "smooth_knn_dist",
    "membership_strengths",
    "fuzzy_union",
    "fuzzy_simplicial_set",
    "low_dim_similarity",
    "target_similarity",
    "find_ab_params",
    "cross_entropy",
    "cross_entropy_gradient",
    "attractive_gradient",
    "repulsive_gradient",
    "epochs_per_sample",
    "spectral_layout",
    "prune_edges",
    "rescale_to_box",
    "optimize_layout",
    "umap_embedding",
]
