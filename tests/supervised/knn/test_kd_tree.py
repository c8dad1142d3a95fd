"""Tests of mlmath.supervised.knn.kd_tree: exactness against brute force on many random sets and
Minkowski metrics, k and leaf sizes (including high dimension, where nearly every leaf is
visited), the invariants of the built tree, the pruning bound and the bounded max-heap of the
compiled search. (The growth of the
build time with n is measured by `make bench`, not by a timed test.)"""

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from mlmath.supervised.knn.distances import kneighbors_brute
from mlmath.supervised.knn.kd_tree import KDTree, box_lower_bound, heap_replace_top


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0, np.inf])
def test_query_equals_brute_force_on_many_random_sets(p):
    rng = np.random.default_rng(int(p) if np.isfinite(p) else 9)
    for trial in range(25):
        n = int(rng.integers(1, 400))
        d = int(rng.integers(1, 7))
        k = int(rng.integers(1, n + 1))
        leaf_size = int(rng.integers(1, 40))
        scale = rng.exponential(1.0, d)  # anisotropic data
        X = rng.standard_normal((n, d)) * scale
        Q = rng.standard_normal((int(rng.integers(1, 60)), d)) * scale
        tree = KDTree(X, leaf_size, p=p)
        dist, ind = tree.query(Q, k)
        dist_ref, ind_ref = kneighbors_brute(Q, X, k, metric="minkowski", p=p)
        np.testing.assert_array_equal(ind, ind_ref, err_msg=f"trial {trial}: n={n} d={d} k={k}")
        np.testing.assert_allclose(dist, dist_ref, rtol=1e-12, atol=1e-14)


def test_query_with_ties_returns_the_right_distances():
    # integer grid data: many equal distances; the neighbour sets may differ among ties, the
    # sorted distances may not
    rng = np.random.default_rng(1)
    X = rng.integers(0, 4, size=(300, 2)).astype(float)
    Q = rng.integers(0, 4, size=(50, 2)).astype(float)
    for p in [1.0, 2.0, np.inf]:
        dist, ind = KDTree(X, 5, p=p).query(Q, 12)
        D = cdist(Q, X, "minkowski", p=p) if np.isfinite(p) else cdist(Q, X, "chebyshev")
        np.testing.assert_allclose(dist, np.sort(D, axis=1)[:, :12])
        np.testing.assert_allclose(np.take_along_axis(D, ind, axis=1), dist)
        assert all(len(set(row)) == 12 for row in ind)  # no point listed twice


def test_chunked_queries_agree():
    rng = np.random.default_rng(2)
    X, Q = rng.standard_normal((1000, 3)), rng.standard_normal((700, 3))
    tree = KDTree(X, 10)
    full = tree.query(Q, 4)
    chunked = tree.query(Q, 4, working_memory=0.05)
    np.testing.assert_array_equal(full[1], chunked[1])
    np.testing.assert_array_equal(tree.query(Q, 4, return_distance=False), full[1])


@pytest.mark.parametrize("n, leaf_size", [(1, 30), (31, 30), (1000, 30), (777, 7), (64, 1)])
def test_tree_invariants(n, leaf_size):
    rng = np.random.default_rng(3)
    X = rng.standard_normal((n, 3)) * [1.0, 5.0, 0.2]
    t = KDTree(X, leaf_size)
    assert t.start.size == 2**t.n_levels - 1
    assert np.array_equal(np.sort(t.perm), np.arange(n))
    n_internal = 2 ** (t.n_levels - 1) - 1
    for v in range(t.start.size):
        pts = X[t.perm[t.start[v]:t.end[v]]]
        assert len(pts) >= 1
        np.testing.assert_array_equal(pts.min(axis=0), t.lower[v])  # tight bounding box
        np.testing.assert_array_equal(pts.max(axis=0), t.upper[v])
        if v < n_internal:
            left, right = 2 * v + 1, 2 * v + 2
            assert t.start[left] == t.start[v] and t.end[right] == t.end[v]
            assert t.end[left] == t.start[right]
            sizes = t.end[left] - t.start[left], t.end[right] - t.start[right]
            assert abs(sizes[0] - sizes[1]) <= 1  # a median split
            j = t.split_dim[v]
            spread = t.upper[v] - t.lower[v]
            assert spread[j] == spread.max()  # the widest coordinate
            assert X[t.perm[t.start[left]:t.end[left]], j].max() <= t.split_value[v]
            assert X[t.perm[t.start[right]:t.end[right]], j].min() == t.split_value[v]
    leaves = t.end[n_internal:] - t.start[n_internal:]
    # scikit-learn's level count: every leaf holds between leaf_size and 2 leaf_size points
    assert leaves.min() >= min(leaf_size, n)
    assert leaves.max() <= 2 * leaf_size or t.n_levels == 1


@pytest.mark.parametrize("p", [1.0, 2.0, 2.5, np.inf])
def test_box_lower_bound_is_a_lower_bound_and_tight(p):
    rng = np.random.default_rng(4)
    X = rng.standard_normal((500, 4))
    t = KDTree(X, 20, p=p)
    Q = rng.standard_normal((40, 4)) * 2
    for v in range(t.start.size):
        pts = X[t.perm[t.start[v]:t.end[v]]]
        lb = np.array([box_lower_bound(q, t.lower[v], t.upper[v], p) for q in Q])  # reduced
        D = cdist(Q, pts, "minkowski", p=p) if np.isfinite(p) else cdist(Q, pts, "chebyshev")
        R = D if not np.isfinite(p) else D**p
        assert np.all(lb <= R.min(axis=1) * (1 + 1e-12) + 1e-12)
    # a query inside a box has bound zero; the bound to a box's corner is the distance to it
    assert box_lower_bound(t.lower[0] / 2 + t.upper[0] / 2, t.lower[0], t.upper[0], p) == 0
    corner = t.lower[0] - 1.0  # one unit below the box in every coordinate
    assert box_lower_bound(corner, t.lower[0], t.upper[0], p) == (1.0 if np.isinf(p) else 4.0)


def test_bad_input():
    X = np.zeros((5, 2))
    with pytest.raises(ValueError, match="p >= 1"):
        KDTree(X, p=0.5)
    with pytest.raises(ValueError, match="leaf_size"):
        KDTree(X, 0)
    with pytest.raises(ValueError, match="non-empty 2-D"):
        KDTree(np.zeros(5))
    tree = KDTree(X)
    with pytest.raises(ValueError, match="k must be"):
        tree.query(X, 6)
    with pytest.raises(ValueError, match="shape"):
        tree.query(np.zeros((2, 3)), 1)


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0, np.inf])
@pytest.mark.parametrize("d", [20, 50])
def test_query_equals_brute_force_in_high_dimension(p, d):
    # at d >= 20 the search visits nearly every leaf: the heap is updated many times
    rng = np.random.default_rng(d)
    X = rng.standard_normal((600, d)) * np.linspace(1.0, 0.1, d)
    Q = rng.standard_normal((40, d)) * np.linspace(1.0, 0.1, d)
    for k, leaf_size in [(1, 1), (5, 30), (17, 7), (600, 40)]:
        dist, ind = KDTree(X, leaf_size, p=p).query(Q, k)
        dist_ref, ind_ref = kneighbors_brute(Q, X, k, metric="minkowski", p=p)
        np.testing.assert_array_equal(ind, ind_ref, err_msg=f"k={k} leaf_size={leaf_size}")
        np.testing.assert_allclose(dist, dist_ref, rtol=1e-12, atol=1e-14)


def test_heap_keeps_the_k_smallest():
    rng = np.random.default_rng(5)
    for k in [1, 2, 7, 16]:
        R, J = np.full(k, np.inf), np.zeros(k, dtype=np.intp)
        values = rng.permutation(200).astype(float)
        for i, r in enumerate(values):
            if r < R[0]:
                heap_replace_top(R, J, r, i)
            assert R[0] == R.max()  # the root is the k-th smallest so far
        np.testing.assert_array_equal(np.sort(R), np.arange(k))
        np.testing.assert_array_equal(values[J], R)


def test_pruning_saves_distances_in_low_dimension():
    rng = np.random.default_rng(6)
    X, Q = rng.uniform(size=(4000, 2)), rng.uniform(size=(200, 2))
    tree = KDTree(X, 30)
    counts = tree.n_distances(Q, 5)
    assert counts.shape == (200,) and np.all(counts >= 5)
    assert counts.mean() < 0.05 * 4000  # a few leaves, not the whole data set
    # with k = n nothing can be pruned: every point is scanned exactly once
    np.testing.assert_array_equal(KDTree(X[:300], 30).n_distances(Q, 300), 300)


def test_threads_give_the_same_result():
    rng = np.random.default_rng(8)
    X, Q = rng.standard_normal((2000, 5)), rng.standard_normal((900, 5))
    tree = KDTree(X, 10)
    one = tree.query(Q, 3, working_memory=0.01)
    two = tree.query(Q, 3, working_memory=0.01, n_jobs=2)
    np.testing.assert_array_equal(one[1], two[1])
    np.testing.assert_array_equal(one[0], two[0])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_points_and_queries_are_refused(bad):
    # Old code: accepted; a NaN query returned the same point k times.
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 3))
    X_bad = X.copy()
    X_bad[7, 1] = bad
    with pytest.raises(ValueError, match=r"X \(the points to index\).*NaN or infinity"):
        KDTree(X_bad)
    tree = KDTree(X)
    with pytest.raises(ValueError, match=r"X \(the queries\).*NaN or infinity"):
        tree.query(X_bad[5:9], 3)
    with pytest.raises(ValueError, match=r"X \(the queries\)"):
        tree.n_distances(X_bad[5:9], 3)
