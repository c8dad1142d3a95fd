"""The histogram tree: brute-force best split, histogram subtraction, missing-value routing."""

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from mlmath.ensembles.histogram_boosting import bin_data, quantile_bin_edges, split_gain
from mlmath.supervised.decision_trees import HistogramBuilder, Tree, grow_histogram_tree


def _objective_min(g, h, lam, alpha):
    """min over v of sum(g v + h v^2 / 2) + lam v^2 / 2 + alpha |v|, numerically."""
    f = lambda v: np.sum(g * v + 0.5 * h * v * v) + 0.5 * lam * v * v + alpha * abs(v)  # noqa: E731
    res = minimize_scalar(f, bounds=(-1e3, 1e3), method="bounded",
                          options={"xatol": 1e-10})
    return res.fun, res.x


@pytest.mark.parametrize("lam, alpha", [(1.0, 0.0), (0.5, 0.7), (2.0, 3.0)])
def test_chosen_split_is_the_brute_force_best(lam, alpha):
    rng = np.random.default_rng(3)
    X = rng.integers(0, 5, size=(14, 3)).astype(float)
    g, h = rng.standard_normal(14) * 2, rng.uniform(0.2, 1.0, 14)
    best = (-np.inf, None)
    root, _ = _objective_min(g, h, lam, alpha)
    for j in range(3):
        for t in np.unique(X[:, j])[:-1]:
            left = X[:, j] <= t
            lo, _ = _objective_min(g[left], h[left], lam, alpha)
            ro, _ = _objective_min(g[~left], h[~left], lam, alpha)
            if root - lo - ro > best[0] + 1e-9:
                best = (root - lo - ro, (j, left))
    edges = quantile_bin_edges(X)
    tree = grow_histogram_tree(bin_data(X, edges), g, h, edges=edges, max_depth=1,
                               min_child_weight=0.0, reg_lambda=lam, reg_alpha=alpha)
    j, left = best[1]
    assert tree.feature[0] == j
    np.testing.assert_array_equal(tree.apply(X) == tree.children_left[0], left)
    # the recorded gain is twice the brute-force decrease of the objective (xgboost's scale)
    assert tree.gain[0] == pytest.approx(2 * best[0], abs=1e-6)
    assert tree.gain[0] == pytest.approx(
        split_gain(g[left].sum(), h[left].sum(), g[~left].sum(), h[~left].sum(), lam, alpha),
        rel=1e-12)


@pytest.mark.parametrize("integer", [True, False])
def test_histogram_subtraction_equals_direct_building(integer):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((500, 4))
    X[rng.random(X.shape) < 0.1] = np.nan
    edges = quantile_bin_edges(X, max_bin=16)
    builder = HistogramBuilder(bin_data(X, edges, max_bin=16), 16)
    if integer:
        gh = rng.integers(-5, 6, size=(500, 2)).astype(float)
    else:
        gh = np.column_stack([rng.standard_normal(500), rng.random(500)])
    parent = np.flatnonzero(rng.random(500) < 0.7)
    left = parent[rng.random(parent.size) < 0.3]
    right = np.setdiff1d(parent, left)
    direct = builder.build(gh, right, np.zeros(right.size, int), 1)
    subtracted = (builder.build(gh, parent, np.zeros(parent.size, int), 1)
                  - builder.build(gh, left, np.zeros(left.size, int), 1))
    if integer:
        np.testing.assert_array_equal(subtracted, direct)
    else:
        np.testing.assert_allclose(subtracted, direct, rtol=0, atol=1e-12)
    # several groups at once are the groups one at a time; the root counts every sample
    groups = rng.integers(0, 3, parent.size)
    both = builder.build(gh, parent, groups, 3)
    for k in range(3):
        one = builder.build(gh, parent[groups == k], np.zeros(np.sum(groups == k), int), 1)
        np.testing.assert_allclose(both[k], one[0], atol=1e-12)
    root = builder.build(gh)
    np.testing.assert_allclose(root[0].sum(axis=1), np.tile(gh.sum(0), (4, 1)), atol=1e-9)


def test_missing_go_left_routes_nan_and_default_is_right():
    args = (np.array([1, -1, -1]), np.array([2, -1, -1]), np.array([0, -2, -2]),
            np.array([0.5, -2.0, -2.0]), np.zeros((3, 1, 1)), np.zeros(3), np.ones(3, int),
            np.ones(3), 1)
    X = np.array([[0.0], [1.0], [np.nan]])
    np.testing.assert_array_equal(Tree(*args).apply(X), [1, 2, 2])
    left = Tree(*args, missing_go_left=np.array([True, False, False]))
    np.testing.assert_array_equal(left.apply(X), [1, 2, 1])
    np.testing.assert_array_equal(left.decision_path(X).toarray()[:, 1], [1, 0, 1])
    np.testing.assert_array_equal(left.apply(X.astype(np.float32)), [1, 2, 1])


def test_training_leaves_are_apply_on_raw_features_and_constraints_hold():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((3000, 5))
    X[:, 0] = np.round(X[:, 0], 1)
    X[rng.random(X.shape) < 0.15] = np.nan
    g, h = rng.standard_normal(3000) + np.nan_to_num(X[:, 1]), rng.uniform(0.1, 0.3, 3000)
    edges = quantile_bin_edges(X, max_bin=32)
    tree, leaves = grow_histogram_tree(bin_data(X, edges, max_bin=32), g, h, edges=edges,
                                       max_depth=5, min_child_weight=4.0, gamma=0.5,
                                       max_bin=32, return_leaves=True)
    np.testing.assert_array_equal(tree.apply(X), leaves)
    assert tree.missing_go_left.any() and not tree.missing_go_left.all()
    internal = tree.children_left >= 0
    assert np.all(tree.gain[internal] >= 0.5)
    assert np.all(tree.weighted_n_node_samples >= 4.0)
    # node sums are the sums of the samples reaching the node; leaf values -G / (H + lambda)
    for t in np.flatnonzero(~internal):
        G, H = g[leaves == t].sum(), h[leaves == t].sum()
        assert tree.weighted_n_node_samples[t] == pytest.approx(H)
        assert tree.value[t, 0, 0] == pytest.approx(-G / (H + 1.0))


def test_a_node_that_cannot_split_is_a_leaf():
    X = np.zeros((10, 2))
    edges = quantile_bin_edges(X)
    tree = grow_histogram_tree(bin_data(X, edges), np.arange(10.0), np.ones(10), edges=edges)
    assert tree.node_count == 1
    assert tree.value[0, 0, 0] == pytest.approx(-45.0 / 11.0)
