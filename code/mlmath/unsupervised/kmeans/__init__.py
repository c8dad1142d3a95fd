"""The code of the chapter k-means (``book/unsupervised/kmeans.md``).

Its tests are under ``tests/unsupervised/kmeans/``.
"""

from mlmath.unsupervised.kmeans.choosing_k import (
    gap_statistic,
    silhouette_samples,
    silhouette_score,
)
from mlmath.unsupervised.kmeans.estimators import KMeans
from mlmath.unsupervised.kmeans.lloyd import (
    assign,
    inertia,
    kmeans_plusplus,
    lloyd,
    lloyd_step,
    random_init,
    scaled_tolerance,
    squared_distances,
    update_centers,
)
from mlmath.unsupervised.kmeans.minibatch import MiniBatchKMeans, minibatch_step

__all__ = [
    "squared_distances",
    "assign",
    "inertia",
    "update_centers",
    "lloyd_step",
    "lloyd",
    "kmeans_plusplus",
    "random_init",
    "scaled_tolerance",
    "KMeans",
    "MiniBatchKMeans",
    "minibatch_step",
    "silhouette_samples",
    "silhouette_score",
    "gap_statistic",
]
