"""The code of the chapter k-means (``book/unsupervised/kmeans.md``, not yet written).

Its tests are under ``tests/unsupervised/kmeans/``.
"""

from mlmath.unsupervised.kmeans.estimators import KMeans, MiniBatchKMeans
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
]
