"""Tests of mlmath.supervised.knn.distances: distances against SciPy, brute-force neighbours against
a full sort, the chunk size and the memory bound, and the cancellation of the expansion."""

import tracemalloc

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from mlmath.supervised.knn.distances import (
    chunk_rows,
    chunk_words_per_row,
    effective_metric,
    k_smallest,
    kneighbors_brute,
    pairwise_distances,
    reduced_to_distance,
    rows_in_budget,
)

CASES = [("euclidean", 2.0), ("manhattan", 1.0), ("chebyshev", np.inf), ("minkowski", 3.0),
         ("minkowski", 1.5)]


def _scipy(X, Z, metric, p):
    if metric == "minkowski":
        return cdist(X, Z, "minkowski", p=p)
    return cdist(X, Z, {"euclidean": "euclidean", "manhattan": "cityblock",
                        "chebyshev": "chebyshev"}[metric])


@pytest.mark.parametrize("metric, p", CASES)
def test_pairwise_distances_match_scipy(metric, p):
    rng = np.random.default_rng(0)
    X, Z = rng.standard_normal((30, 7)), rng.standard_normal((45, 7))
    np.testing.assert_allclose(pairwise_distances(X, Z, metric=metric, p=p),
                               _scipy(X, Z, metric, p), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("metric, p", CASES)
@pytest.mark.parametrize("k", [1, 4, 60])
def test_kneighbors_brute_matches_a_full_sort(metric, p, k):
    rng = np.random.default_rng(1)
    X, Z = rng.standard_normal((80, 5)), rng.standard_normal((60, 5))
    D = _scipy(X, Z, metric, p)
    ind_ref = np.argsort(D, axis=1, kind="stable")[:, :k]
    dist, ind = kneighbors_brute(X, Z, k, metric=metric, p=p)
    np.testing.assert_array_equal(ind, ind_ref)
    np.testing.assert_allclose(dist, np.take_along_axis(D, ind_ref, axis=1), rtol=1e-12)
    assert np.all(np.diff(dist, axis=1) >= 0)


def test_small_chunks_give_the_same_answer():
    rng = np.random.default_rng(2)
    X, Z = rng.standard_normal((500, 4)), rng.standard_normal((300, 4))
    assert chunk_rows(300, 0.01) < 500  # several chunks
    full = kneighbors_brute(X, Z, 7)
    chunked = kneighbors_brute(X, Z, 7, working_memory=0.01)
    np.testing.assert_array_equal(full[1], chunked[1])
    np.testing.assert_array_equal(full[0], chunked[0])
    np.testing.assert_array_equal(kneighbors_brute(X, Z, 7, return_distance=False), full[1])


def test_chunk_rows_formula():
    # 8 * m * (d + max(2 n + k, k d + 2 k, 4 k)) bytes must fit in the budget
    assert chunk_words_per_row(1000, 5, 3) == 3 + 2005
    assert chunk_words_per_row(10, 10, 1000) == 1000 + 10_020
    assert chunk_words_per_row(50, 40, 1) == 1 + 160
    assert chunk_rows(1000, 1) == 2**20 // (8 * 2000)
    assert chunk_rows(10, 1, n_neighbors=10, n_features=1000) == 2**20 // (8 * 11_020)
    assert chunk_rows(10**9, 1) == 1
    with pytest.raises(ValueError, match="working_memory"):
        chunk_rows(10, 0)


@pytest.mark.parametrize("n, k, d, ties", [(2000, 5, 5, False), (300, 300, 4, False),
                                           (50, 40, 1, False), (200, 10, 64, False),
                                           (2000, 5, 5, True)])
def test_peak_memory_is_within_the_counted_bound(n, k, d, ties):
    # Euclidean search: the peak of the traced NumPy allocations is at most the returned
    # arrays, the centred copy of Z with its squared norms, and m * chunk_words_per_row(n, k, d)
    # words for a chunk of m rows, up to NumPy's fixed-size internal buffers (a few hundred KiB
    # at most). The bound is reached, within k words per row, when every row selects over the
    # whole row (every distance tied: identical training points), and the group-minima path
    # stays below it.
    rng = np.random.default_rng(6)
    Z, X = rng.standard_normal((n, d)), rng.standard_normal((3000, d))
    if ties:
        Z = np.ones_like(Z)  # every distance tied: the argpartition path
    budget = 2.0
    m = chunk_rows(n, budget, n_neighbors=k, n_features=d)
    assert m < len(X)  # several chunks
    tracemalloc.start()
    kneighbors_brute(X, Z, k, working_memory=budget)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    counted = 8 * (2 * len(X) * k + n * d + n + m * chunk_words_per_row(n, k, d))
    assert peak <= counted + 2**18, (peak, counted)
    if ties:  # the bound is reached within k words per row
        assert peak >= counted - 8 * m * k, (peak, counted)
    assert m * 8 * chunk_words_per_row(n, k, d) <= budget * 2**20


def test_peak_memory_stays_bounded_as_the_query_set_grows():
    rng = np.random.default_rng(3)
    Z = rng.standard_normal((2000, 3))
    budget = 2.0  # MiB
    peaks = []
    for n_queries in [500, 2000, 8000]:
        X = rng.standard_normal((n_queries, 3))
        tracemalloc.start()
        kneighbors_brute(X, Z, 5, working_memory=budget)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        output = n_queries * 5 * 16  # the returned distances and indices
        peaks.append(peak - output)
    fixed = 8 * (2000 * 3 + 2000)  # the centred copy of Z and its squared norms
    assert max(peaks) < budget * 2**20 + fixed + 2**18, peaks
    assert peaks[-1] < 1.05 * peaks[0] + 2**16  # does not grow with the number of queries
    # without chunking the (8000, 2000) block alone would need 8000 * 2000 * 8 bytes = 122 MiB


@pytest.mark.parametrize("p", [1.0, 3.0, 2.0])
def test_peak_memory_does_not_grow_with_the_queries_for_every_p(p):
    # Old code, p = 1 or 3: the validation of the queries built |X| and |X|^p, (m, d)
    # temporaries (4 MiB at m = 16000 here, against a 0.5 MiB budget), so the peak grew with m.
    rng = np.random.default_rng(8)
    Z = rng.standard_normal((300, 16))
    peaks = []
    for n_queries in [1000, 4000, 16000]:
        X = rng.standard_normal((n_queries, 16))
        tracemalloc.start()
        kneighbors_brute(X, Z, 5, metric="minkowski", p=p, working_memory=0.5)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        peaks.append(peak - n_queries * 5 * 16)  # minus the returned distances and indices
    assert peaks[-1] < 1.05 * peaks[0] + 2**16, peaks
    assert max(peaks) < 0.5 * 2**20 + 8 * 300 * 17 + 2**18 + 2**20, peaks  # chunk + validation


def test_expansion_cancellation_is_handled():
    # Far from the origin, ||x||^2 - 2 x.z + ||z||^2 loses every digit of a small distance;
    # centring and recomputing the k survivors' distances from the differences recovers them.
    rng = np.random.default_rng(4)
    Z = 1e8 + rng.standard_normal((50, 3))
    X = 1e8 + rng.standard_normal((20, 3))
    naive = (X**2).sum(1)[:, None] - 2 * X @ Z.T + (Z**2).sum(1)[None, :]
    exact = cdist(X, Z)
    assert np.max(np.abs(np.sqrt(np.maximum(naive, 0)) - exact)) > 1.0  # the naive way fails
    dist, ind = kneighbors_brute(X, Z, 5)
    np.testing.assert_array_equal(ind, np.argsort(exact, axis=1)[:, :5])
    np.testing.assert_allclose(dist, np.sort(exact, axis=1)[:, :5], rtol=1e-9)


def test_identical_points_have_distance_exactly_zero():
    rng = np.random.default_rng(5)
    Z = rng.standard_normal((40, 6)) * 1e3
    dist, ind = kneighbors_brute(Z, Z, 1)
    np.testing.assert_array_equal(ind[:, 0], np.arange(40))
    np.testing.assert_array_equal(dist, 0.0)


def test_effective_metric_and_reduced_distance():
    assert effective_metric("minkowski", 2) == ("euclidean", 2.0)
    assert effective_metric("minkowski", 1) == ("manhattan", 1.0)
    assert effective_metric("minkowski", np.inf) == ("chebyshev", np.inf)
    assert effective_metric("minkowski", 3) == ("minkowski", 3.0)
    assert effective_metric("manhattan", 7) == ("manhattan", 1.0)
    np.testing.assert_allclose(reduced_to_distance(np.array([8.0]), 3.0), [2.0])
    with pytest.raises(ValueError, match="metric"):
        effective_metric("cosine", 2)


def test_bad_n_neighbors():
    Z = np.zeros((3, 2))
    with pytest.raises(ValueError, match="n_neighbors"):
        kneighbors_brute(Z, Z, 4)
    with pytest.raises(ValueError, match="n_neighbors"):
        kneighbors_brute(Z, Z, 0)


@pytest.mark.parametrize("metric,p", [("euclidean", 2.0), ("minkowski", 3.0)])
def test_distances_refuse_inputs_whose_powers_overflow(metric, p):
    # Old code: every distance inf, and kneighbors_brute returned arbitrary neighbours.
    rng = np.random.default_rng(0)
    X, Z = rng.normal(size=(4, 3)), rng.normal(size=(20, 3))
    for A, B in [(X * 1e160, Z), (X, Z * 1e160)]:
        with pytest.raises(ValueError, match="overflow.*StandardScaler"):
            pairwise_distances(A, B, metric=metric, p=p)
        with pytest.raises(ValueError, match="overflow.*StandardScaler"):
            kneighbors_brute(A, B, 3, metric=metric, p=p)
    with pytest.raises(ValueError, match="too small"):
        kneighbors_brute(X, Z * 1e-200, 3, metric=metric, p=p)


def test_rows_in_budget_is_shared_by_the_chunked_searches():
    # 1 MiB of 8-byte words is 131072 words: 1024 rows of 128 words, never fewer than one row
    assert rows_in_budget(128, 1.0) == 1024
    assert rows_in_budget(10**9, 1.0) == 1
    with pytest.raises(ValueError, match="working_memory"):
        rows_in_budget(10, 0)
    assert chunk_rows(100, 1.0, n_neighbors=3, n_features=4) == rows_in_budget(
        chunk_words_per_row(100, 3, 4), 1.0)


def _first_k_by_value_then_column(R, k):
    """Reference: the k first columns of each row in (value, column) order, sorted by column."""
    order = np.lexsort((np.broadcast_to(np.arange(R.shape[1]), R.shape), R), axis=-1)
    return np.sort(order[:, :k], axis=1)


@pytest.mark.parametrize("seed", range(6))
def test_k_smallest_breaks_ties_by_column_whatever_the_path(seed):
    # Rows with few candidates take the group-minima path, rows with many tied values fall
    # back to a selection over the whole row: both give the k first in (value, column) order.
    rng = np.random.default_rng(seed)
    m, n, k = 40, 700, 5
    R = rng.random((m, n))
    R[::3] = rng.integers(0, 3, size=(len(R[::3]), n))  # heavy ties: these rows fall back
    R[1::7] = np.round(R[1::7], 2)  # a few ties
    J = k_smallest(R, k)
    np.testing.assert_array_equal(np.sort(J, axis=1), _first_k_by_value_then_column(R, k))
    np.testing.assert_array_equal(np.sort(k_smallest(R, 40), axis=1),  # n_grp < 2k: no groups
                                  _first_k_by_value_then_column(R, 40))


@pytest.mark.parametrize("metric, p", CASES)
def test_a_querys_neighbours_do_not_depend_on_the_other_queries(metric, p):
    # Old code: one row with many tied candidates sent its whole chunk to argpartition, which
    # broke the ties of every other row differently (a query alone got [33 58 129], the same
    # query with that row in its chunk [33 293 355]). Small integers: every distance is exact
    # (the column means of Z are 0, so centring is exact too), only the ties matter.
    rng = np.random.default_rng(7)
    A = rng.integers(-3, 4, size=(300, 3)).astype(float)
    Z = np.r_[A, -A]  # 600 points, many duplicates
    X = rng.integers(-3, 4, size=(60, 3)).astype(float)
    X[::4] = 0.0  # queries with a great many points at the k-th distance
    k = 6
    together = kneighbors_brute(X, Z, k, metric=metric, p=p)[1]
    for i in range(len(X)):
        alone = kneighbors_brute(X[i:i + 1], Z, k, metric=metric, p=p)[1]
        np.testing.assert_array_equal(alone[0], together[i])
    D = _scipy(X, Z, metric, p)
    D = np.round(D, 9)  # SciPy's roots of equal sums can differ in the last bit
    ref = np.lexsort((np.broadcast_to(np.arange(len(Z)), D.shape), D), axis=-1)[:, :k]
    np.testing.assert_array_equal(together, ref)  # the k first by (distance, index)
