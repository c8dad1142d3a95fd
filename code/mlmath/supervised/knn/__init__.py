"""The code of the chapter k-Nearest Neighbours (``book/supervised/knn.md``).

Its tests are under ``tests/supervised/knn/``.
"""

from mlmath.supervised.knn.distances import (
    METRICS,
    chunk_rows,
    chunk_words_per_row,
    effective_metric,
    kneighbors_brute,
    pairwise_distances,
    reduced_to_distance,
    rows_in_budget,
)
from mlmath.supervised.knn.estimators import (
    KNeighborsClassifier,
    KNeighborsRegressor,
    neighbor_weights,
)
from mlmath.supervised.knn.kd_tree import (
    KDTree,
)

__all__ = [
    "METRICS",
    "effective_metric",
    "reduced_to_distance",
    "pairwise_distances",
    "chunk_rows",
    "rows_in_budget",
    "chunk_words_per_row",
    "kneighbors_brute",
    "KNeighborsClassifier",
    "KNeighborsRegressor",
    "neighbor_weights",
    "KDTree",
]
