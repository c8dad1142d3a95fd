"""The eps-neighbourhoods (mlmath.unsupervised.dbscan.neighbourhoods) against brute force."""

import tracemalloc
import warnings
from fractions import Fraction

import numpy as np
import pytest
from scipy.spatial.distance import cdist
from sklearn.neighbors import KDTree as SkKDTree
from sklearn.neighbors import NearestNeighbors

from mlmath.supervised.knn.kd_tree import KDTree
from mlmath.unsupervised.dbscan.neighbourhoods import (
    _brute,
    auto_algorithm,
    box_upper_bound,
    radius_neighbourhoods,
    reduced_power_sums,
    reduced_radius,
)

METRICS = [("euclidean", None, "euclidean", {}), ("manhattan", None, "cityblock", {}),
           ("chebyshev", None, "chebyshev", {}), ("minkowski", 3.0, "minkowski", {"p": 3.0})]


def _as_sets(indptr, indices):
    return [np.sort(indices[indptr[i]:indptr[i + 1]]) for i in range(indptr.size - 1)]


@pytest.mark.parametrize("algorithm", ["brute", "kd_tree"])
@pytest.mark.parametrize(("metric", "p", "scipy_metric", "kw"), METRICS,
                         ids=[m[0] for m in METRICS])
def test_neighbourhoods_equal_brute_force(algorithm, metric, p, scipy_metric, kw):
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(size=(300, 3)), rng.normal(3.0, 0.2, size=(100, 3))])
    for eps in [0.05, 0.4, 1.5, 50.0]:
        indptr, indices = radius_neighbourhoods(X, eps, metric=metric, p=p, algorithm=algorithm,
                                                leaf_size=8)
        D = cdist(X, X, scipy_metric, **kw)
        expected = [np.flatnonzero(row <= eps) for row in D]
        got = _as_sets(indptr, indices)
        mismatches = sum(not np.array_equal(g, e) for g, e in zip(got, expected))
        # random data: no distance lies within rounding error of eps, so the sets must agree
        assert mismatches == 0, (eps, mismatches)


@pytest.mark.parametrize("algorithm", ["brute", "kd_tree"])
def test_points_at_exactly_eps_are_neighbours_as_in_scikit_learn(algorithm):
    # an integer grid: many distances equal eps exactly
    g = np.arange(12.0)
    X = np.stack(np.meshgrid(g, g), axis=-1).reshape(-1, 2)
    for eps in [1.0, np.sqrt(2.0), 2.0, 5.0]:
        indptr, indices = radius_neighbourhoods(X, eps, algorithm=algorithm, leaf_size=5)
        ref = SkKDTree(X, leaf_size=5).query_radius(X, eps)
        for got, want in zip(_as_sets(indptr, indices), ref):
            np.testing.assert_array_equal(got, np.sort(want))


@pytest.mark.parametrize("algorithm", ["brute", "kd_tree"])
def test_every_point_is_its_own_neighbour_and_the_relation_is_symmetric(algorithm):
    rng = np.random.default_rng(1)
    for X, eps in [(rng.uniform(size=(500, 2)), 0.05),
                   (rng.integers(0, 4, size=(300, 20)) * 0.1, 0.3)]:  # many near-ties
        n = X.shape[0]
        indptr, indices = radius_neighbourhoods(X, eps, algorithm=algorithm)
        rows = np.repeat(np.arange(n), np.diff(indptr))
        pairs = set(zip(rows.tolist(), indices.tolist()))
        assert all((i, i) in pairs for i in range(n))
        assert all((j, i) in pairs for i, j in pairs)


def test_the_output_buffer_grows_when_neighbourhoods_are_large():
    # eps so large that everybody neighbours everybody: n^2 pairs, far beyond the first buffer
    X = np.random.default_rng(2).normal(size=(300, 2))
    indptr, indices = radius_neighbourhoods(X, 100.0, algorithm="kd_tree", leaf_size=4)
    assert indptr[-1] == 300 * 300
    assert all(np.array_equal(s, np.arange(300)) for s in _as_sets(indptr, indices))


def test_duplicates_and_a_single_point():
    X = np.zeros((50, 2))
    for algorithm in ["brute", "kd_tree"]:
        indptr, indices = radius_neighbourhoods(X, 1e-9, algorithm=algorithm)
        assert np.all(np.diff(indptr) == 50)
        indptr, indices = radius_neighbourhoods(X[:1], 1.0, algorithm=algorithm)
        assert indptr.tolist() == [0, 1] and indices.tolist() == [0]


def test_brute_force_in_small_memory_blocks_gives_the_same_structure():
    X = np.random.default_rng(3).normal(size=(400, 20))
    a = radius_neighbourhoods(X, 5.0, algorithm="brute")
    b = radius_neighbourhoods(X, 5.0, algorithm="brute", working_memory=0.01)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_reduced_radius_and_the_box_upper_bound():
    assert reduced_radius(3.0, 2.0) == 9.0
    assert reduced_radius(3.0, 1.0) == 3.0
    assert reduced_radius(3.0, np.inf) == 3.0
    assert reduced_radius(2.0, 3.0) == pytest.approx(8.0)
    rng = np.random.default_rng(4)
    X = rng.normal(size=(200, 3))
    tree = KDTree(X, leaf_size=10)
    for v in range(tree.start.size):
        pts = X[tree.perm[tree.start[v]:tree.end[v]]]
        for q in rng.normal(size=(5, 3)):
            for p in [1.0, 2.0, 3.0, np.inf]:
                ub = box_upper_bound(q, tree.lower[v], tree.upper[v], p)
                if np.isinf(p):
                    r = np.max(np.abs(pts - q), axis=1)
                else:
                    r = np.sum(np.abs(pts - q) ** p, axis=1)
                assert np.all(r <= ub * (1 + 1e-12))



def _exact_sets(X, eps):
    """The definition in exact rational arithmetic on the stored floats (small data only)."""
    F = [[Fraction(v) for v in row] for row in X]
    e2 = Fraction(eps) ** 2
    return [np.array([j for j in range(len(F))
                      if sum((a - b) ** 2 for a, b in zip(F[i], F[j])) <= e2])
            for i in range(len(F))]


def _sets_equal(a, b):
    return all(np.array_equal(g, w) for g, w in zip(a, b))


def test_brute_force_gives_the_difference_sums_and_the_kd_trees_sets():
    # 0.1-grids put many distances within rounding of eps, where the estimate by the expansion
    # cannot decide; at an offset of 1e8 it decides nothing and every pair is recomputed
    rng = np.random.default_rng(0)
    for trial in range(60):
        n, d = int(rng.integers(5, 300)), int(rng.integers(1, 30))
        X = rng.integers(0, 10, size=(n, d)) * 0.1 + (1e8 if trial % 3 == 0 else 0.0)
        eps = 0.1 * int(rng.integers(1, 6))
        brute = _as_sets(*radius_neighbourhoods(X, eps, algorithm="brute"))
        sums = _as_sets(*_brute(X, eps * eps, 2.0, None))  # the plain difference sums
        tree = _as_sets(*radius_neighbourhoods(X, eps, algorithm="kd_tree",
                                               leaf_size=int(rng.integers(1, 20))))
        assert _sets_equal(brute, sums) and _sets_equal(brute, tree), trial


def test_the_neighbourhoods_do_not_depend_on_an_offset_of_1e8():
    # continuous data: no distance lies within the rounding of the shifted coordinates of eps
    X = np.random.default_rng(5).normal(size=(200, 20))
    for algorithm in ["brute", "kd_tree"]:
        a = radius_neighbourhoods(X, 5.0, algorithm=algorithm)
        b = radius_neighbourhoods(X + 1e8, 5.0, algorithm=algorithm)
        np.testing.assert_array_equal(a[0], b[0])
        assert _sets_equal(_as_sets(*a), _as_sets(*b))
        assert 200 < a[0][-1] < 200 * 200  # neither empty nor everything


def test_the_reviewers_16_feature_line_is_computed_exactly():
    X = np.zeros((20, 16))
    X[:, 0] = np.arange(20) * 0.1
    exact = _exact_sets(X, 0.1)
    for algorithm in ["auto", "brute", "kd_tree"]:
        assert _sets_equal(_as_sets(*radius_neighbourhoods(X, 0.1, algorithm=algorithm)), exact)
    # scikit-learn's brute-force expansion misplaces pairs here (its k-d tree does not)
    sk = NearestNeighbors(radius=0.1, algorithm="brute").fit(X)
    assert not _sets_equal([np.sort(a) for a in sk.radius_neighbors(X, return_distance=False)],
                           exact)


def test_the_auto_rule_is_scikit_learns():
    assert auto_algorithm(1000, 16) == "brute" and auto_algorithm(1000, 15) == "kd_tree"
    assert auto_algorithm(11, 2) == "brute" and auto_algorithm(12, 2) == "kd_tree"


@pytest.mark.parametrize("p", [1.5, 2.5, 3.0, 7.0])
def test_brute_force_and_the_tree_agree_for_any_p_at_eps_equal_to_a_distance(p):
    # eps^p set to computed pairwise sums: every such pair sits exactly on the threshold, so a
    # power computed differently in the two searches (NumPy's np.power against the tree's
    # compiled g ** p) would split them
    rng = np.random.default_rng(6)
    X = rng.normal(size=(150, 4))
    R = reduced_power_sums(X, X, p)
    for _ in range(40):
        i, j = rng.integers(0, 150, 2)
        eps = R[i, j] ** (1.0 / p)
        brute = _as_sets(*radius_neighbourhoods(X, eps, metric="minkowski", p=p,
                                                algorithm="brute"))
        tree = _as_sets(*radius_neighbourhoods(X, eps, metric="minkowski", p=p,
                                               algorithm="kd_tree", leaf_size=4))
        assert _sets_equal(brute, tree), (p, i, j)


def test_the_reviewers_minkowski_3_pair_is_treated_alike_by_both_searches():
    X = np.array([[-0.5025665920171958, -1.0380641623107913, -1.2910285430172368,
                   0.10186286879000153],
                  [-1.0240394415157577, 0.6505089274690512, -0.10057718357575464,
                   0.4722094960293684]])
    eps = 1.8846662434800432
    got = {a: _as_sets(*radius_neighbourhoods(X, eps, metric="minkowski", p=3.0, algorithm=a))
           for a in ["brute", "kd_tree"]}
    assert _sets_equal(got["brute"], got["kd_tree"])


def test_reduced_power_sums_is_the_definition_to_rounding():
    rng = np.random.default_rng(7)
    Q, X = rng.normal(size=(7, 3)), rng.normal(size=(9, 3))
    np.testing.assert_allclose(reduced_power_sums(Q, X, 3.0),
                               cdist(Q, X, "minkowski", p=3.0) ** 3, rtol=1e-13)


def test_huge_coordinates_take_the_fallback_without_an_overflow_warning():
    # 4 (|x|^2 + eps^2) overflows though every square is representable; RuntimeWarnings are
    # errors under the test configuration
    X = np.array([[0.0, 0.0], [1e152, 0.0]]) + 8e153
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        indptr, indices = radius_neighbourhoods(X, 2e152, algorithm="brute")
    assert _sets_equal(_as_sets(indptr, indices), [np.array([0, 1]), np.array([0, 1])])
    # the test of that bound must not overflow itself: |x|^2 + eps^2 above the largest float
    for X, eps in [(np.array([[1.3e154, 0.0], [0.0, 0.0]]), 1e154),
                   (np.array([[9.4e153, 9.4e153], [0.0, 0.0]]), 1.3e154)]:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            indptr, indices = radius_neighbourhoods(X, eps, algorithm="brute")
        assert _sets_equal(_as_sets(indptr, indices), [np.array([0]), np.array([1])])


def test_far_from_the_origin_the_brute_force_blocks_stay_within_the_budget():
    # at 1e8 every pair is a candidate and is recomputed from its differences; the block is
    # sized for that worst case (the former sizing took about 5 MiB of a 1 MiB budget here)
    X = np.random.default_rng(8).normal(size=(1000, 20)) + 1e8
    tracemalloc.start()
    try:
        indptr, _ = radius_neighbourhoods(X, 3.0, algorithm="brute", working_memory=1.0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    fixed = 4 * X.nbytes  # X, the two stacked factors and the norms and thresholds
    assert peak < 2**20 + fixed, peak / 2**20
    assert 1000 <= indptr[-1] < 1000 * 1000


def test_underflow_the_documented_limit_of_the_relative_bound():
    # eps^2 = 1e-340 and (1.5e-170)^2 round to 0: the first three points become neighbours
    # although they are more than eps apart; scikit-learn decides the same way
    X = np.array([[0.0], [1.5e-170], [3e-170], [1e-150]])
    for algorithm in ["brute", "kd_tree"]:
        got = _as_sets(*radius_neighbourhoods(X, 1e-170, algorithm=algorithm))
        assert [g.tolist() for g in got] == [[0, 1, 2], [0, 1, 2], [0, 1, 2], [3]]
    sk = NearestNeighbors(radius=1e-170).fit(X).radius_neighbors(X, return_distance=False)
    assert [sorted(s.tolist()) for s in sk] == [[0, 1, 2], [0, 1, 2], [0, 1, 2], [3]]


def test_a_radius_beyond_the_float_range_on_the_reduced_scale_takes_every_point():
    # eps**3 overflows Python's float power; the reduced radius is then infinite, as eps*eps is
    X = np.random.default_rng(3).normal(size=(30, 3))
    for algorithm in ("brute", "kd_tree"):
        indptr, _ = radius_neighbourhoods(X, 1e110, metric="minkowski", p=3.0,
                                          algorithm=algorithm)
        assert np.all(np.diff(indptr) == len(X))
