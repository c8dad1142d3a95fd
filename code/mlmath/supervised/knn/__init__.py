"""The code of the chapter k-Nearest Neighbours (``book/supervised/knn.md``).

Its tests are under ``tests/supervised/knn/``.
"""

from mlmath.supervised.knn.distances import (
    METRICS,
    SEARCH_MEMORY_MIB,
    chunk_rows,
    chunk_words_per_row,
    effective_metric,
    k_smallest,
    kneighbors_brute,
    pairwise_distances,
    reduced_to_distance,
    rows_in_budget,
    run_chunks,
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
    "k_smallest",
    "run_chunks",
    "kneighbors_brute",
    "SEARCH_MEMORY_MIB",
    "KNeighborsClassifier",
    "KNeighborsRegressor",
    "neighbor_weights",
    "KDTree",
]
