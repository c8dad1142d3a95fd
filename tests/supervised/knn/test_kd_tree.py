"""Tests of mlmath.supervised.knn.kd_tree: exactness against brute force on many random sets and
Minkowski metrics, the invariants of the built tree and the pruning bound. (The growth of the
build time with n is measured by `make bench`, not by a timed test.)"""

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from mlmath.supervised.knn.distances import kneighbors_brute
from mlmath.supervised.knn.kd_tree import KDTree


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
        lb = t._box_lower_bound(Q, np.full(len(Q), v))  # reduced distances
        D = cdist(Q, pts, "minkowski", p=p) if np.isfinite(p) else cdist(Q, pts, "chebyshev")
        R = D if not np.isfinite(p) else D**p
        assert np.all(lb <= R.min(axis=1) * (1 + 1e-12) + 1e-12)
    # a query inside a box has bound zero; the bound to a box's corner is the distance to it
    assert np.all(t._box_lower_bound(t.lower[:1] / 2 + t.upper[:1] / 2, np.array([0])) == 0)


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
