"""Level-by-level growth: tree invariants, stopping rules, feature draws, presorting, and
scikit-learn's own arrays."""

import numpy as np
import pytest
from sklearn.tree import DecisionTreeRegressor as SkRegressor

from mlmath.supervised.decision_trees.growth import grow_tree, presort, subset_presorted
from mlmath.supervised.decision_trees.impurity import CRITERIA
from mlmath.supervised.decision_trees.tree import TREE_LEAF


def _grow(X, y, name="squared_error", w=None, **kw):
    crit = CRITERIA[name]()
    w = np.ones(len(y)) if w is None else w
    k = int(y.max()) + 1 if crit.is_classification else None
    return grow_tree(X, crit.sample_terms(y, w, k), crit, **kw), crit.sample_stats(y, w, k)


def test_preorder_numbering_and_sample_counts():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = rng.integers(0, 3, 300)
    tree, stats = _grow(X, y, "gini")
    left, right = tree.children_left, tree.children_right
    inner = np.flatnonzero(left != TREE_LEAF)
    assert np.all(left[inner] == inner + 1)  # preorder: the left child comes next
    assert np.all(right[inner] > left[inner])
    np.testing.assert_array_equal(tree.n_node_samples[inner],
                                  tree.n_node_samples[left[inner]]
                                  + tree.n_node_samples[right[inner]])
    leaves = left == TREE_LEAF
    assert np.all(tree.feature[leaves] == -2) and np.all(tree.threshold[leaves] == -2.0)
    assert tree.n_node_samples[0] == 300 and tree.n_leaves == leaves.sum()
    # fully grown on distinct x: every leaf is pure, so training predictions are the labels
    np.testing.assert_array_equal(np.argmax(tree.predict(X)[:, 0], axis=1), y)


def test_stopping_rules():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(500, 5))
    y = rng.normal(size=500)
    tree, _ = _grow(X, y, max_depth=3)
    assert tree.max_depth == 3 and tree.n_leaves <= 8
    tree, _ = _grow(X, y, min_samples_leaf=20)
    assert tree.n_node_samples[tree.children_left == TREE_LEAF].min() >= 20
    tree, _ = _grow(X, y, min_samples_split=60)
    inner = tree.children_left != TREE_LEAF
    assert tree.n_node_samples[inner].min() >= 60
    tree, _ = _grow(X, y, min_impurity_decrease=0.01)
    w = tree.weighted_n_node_samples
    inner = np.flatnonzero(tree.children_left != TREE_LEAF)
    lc, rc = tree.children_left[inner], tree.children_right[inner]
    dec = (w[inner] * tree.impurity[inner] - w[lc] * tree.impurity[lc]
           - w[rc] * tree.impurity[rc]) / w[0]
    assert np.all(dec >= 0.01 - 1e-12)


def test_constant_target_gives_a_single_leaf():
    X = np.random.default_rng(3).normal(size=(50, 2))
    tree, _ = _grow(X, np.full(50, 0.1))
    assert tree.node_count == 1 and tree.max_depth == 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_tree_arrays_equal_scikit_learn_on_tie_free_data(seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(400, 6)).astype(np.float32)
    y = X[:, 0] ** 2 + np.sin(3 * X[:, 1]) + 0.3 * rng.normal(size=400)
    ours, _ = _grow(X, y, max_depth=5, min_samples_leaf=5)
    ref = SkRegressor(max_depth=5, min_samples_leaf=5, random_state=0).fit(X, y).tree_
    for name in ["children_left", "children_right", "feature", "n_node_samples"]:
        np.testing.assert_array_equal(getattr(ours, name), getattr(ref, name), err_msg=name)
    np.testing.assert_array_equal(ours.threshold, ref.threshold)
    np.testing.assert_allclose(ours.value, ref.value, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.impurity, ref.impurity, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(ours.compute_feature_importances(),
                               ref.compute_feature_importances(), atol=1e-10)


def test_max_features_draws_subsets_reproducibly():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(300, 8))
    y = X @ rng.normal(size=8)
    a, _ = _grow(X, y, max_features=2, random_state=np.random.RandomState(0))
    b, _ = _grow(X, y, max_features=2, random_state=np.random.RandomState(0))
    c, _ = _grow(X, y, max_features=2, random_state=np.random.RandomState(1))
    np.testing.assert_array_equal(a.feature, b.feature)
    assert not np.array_equal(a.feature, c.feature)


def test_a_node_whose_drawn_features_are_constant_draws_another():
    # as scikit-learn: only feature 5 varies, one feature is drawn per node, and the tree still
    # separates the classes at the root
    rng = np.random.default_rng(6)
    X = np.ones((100, 8))
    X[:, 5] = rng.normal(size=100)
    y = (X[:, 5] > 0).astype(int)
    for seed in range(5):
        tree, _ = _grow(X, y, "gini", max_features=1, random_state=np.random.RandomState(seed))
        assert tree.feature[0] == 5 and tree.n_leaves == 2


def _replayed_draws(XT, front, max_features, rng):
    """The draw of one level, recomputed independently: the ``max_features`` features of
    smallest random number (by rank), plus, where all of them are constant in the node, the
    non-constant feature of smallest random number."""
    d, n_seg = XT.shape[0], front.starts.size
    u = rng.random_sample((n_seg, d))  # the same numbers, in the same order, as the growth
    rank = np.argsort(np.argsort(u, axis=1, kind="stable"), axis=1, kind="stable")
    mask = (rank < max_features).T  # (d, n_seg)
    extended = np.zeros(n_seg, dtype=bool)
    for s, (a, b) in enumerate(zip(front.starts, front.starts + front.lengths)):
        x = XT[:, front.order[0, a:b]]  # the node's samples, every feature
        constant = x.max(axis=1) <= x.min(axis=1) + np.float32(1e-7)  # float32, as the growth
        if np.all(constant[mask[:, s]]) and not np.all(constant):
            mask[np.argmin(np.where(constant, np.inf, u[s])), s] = True
            extended[s] = True
    return mask, extended


@pytest.mark.parametrize("criterion, max_features", [("gini", 3), ("gini", 1),
                                                     ("squared_error", 4)])
def test_max_features_draws_are_replayed_and_the_drawn_scan_equals_the_masked_full_scan(
        monkeypatch, criterion, max_features):
    # every level's draw is recomputed from the same seed by the rank rule above and must equal
    # the growth's: exactly max_features features per node, one more only where all those are
    # constant in the node; and the scan of the gathered (r, m) layout must give the split of
    # scanning all d rows with the undrawn features masked (feature, position, threshold)
    from mlmath.supervised.decision_trees import growth, splitter

    rng = np.random.default_rng(7)
    X = rng.normal(size=(400, 9)).astype(np.float32)
    X[:, 2:5] = np.round(X[:, 2:5])  # few values: constant in many deep nodes
    X[:, 6] = 1.0  # constant everywhere
    X = np.asfortranarray(X)
    y = X[:, 0] + X[:, 3] - X[:, 7] + 0.5 * rng.normal(size=400)
    # integer regression targets: every sum is exact whatever the order of summation, so the
    # two scans must agree to the last bit (ties broken alike: first feature, first cut)
    y = (y > 0).astype(int) if criterion == "gini" else np.round(4 * y)
    replay, seen = np.random.RandomState(3), {"levels": 0, "extended": 0}
    draw, scan = growth._draw_features, splitter.best_splits

    def checked_draw(XT_, front, mf, rs):
        mask = draw(XT_, front, mf, rs)
        expected, extended = _replayed_draws(XT_, front, mf, replay)
        np.testing.assert_array_equal(mask, expected)
        np.testing.assert_array_equal(mask.sum(axis=0), max_features + extended)
        seen["levels"] += 1
        seen["extended"] += int(extended.sum())
        seen["front"], seen["mask"] = front, mask
        return mask

    def checked_scan(XT_, layout, starts, lengths, terms, crit, **kw):
        best = scan(XT_, layout, starts, lengths, terms, crit, **kw)
        front, mask = seen["front"], seen["mask"]
        full = scan(XT_, front.order, starts, lengths, terms, crit,
                    min_samples_leaf=kw["min_samples_leaf"],
                    min_weight_leaf=kw["min_weight_leaf"], feature_mask=mask)
        ok = np.isfinite(full.proxy)
        np.testing.assert_array_equal(np.isfinite(best.proxy), ok)
        assert np.all(mask[best.feature[ok], np.flatnonzero(ok)])  # a drawn feature
        np.testing.assert_array_equal(best.feature[ok], full.feature[ok])
        np.testing.assert_array_equal(best.pos[ok], full.pos[ok])
        np.testing.assert_array_equal(best.threshold[ok], full.threshold[ok])
        np.testing.assert_array_equal(best.proxy[ok], full.proxy[ok])
        return best

    monkeypatch.setattr(growth, "_draw_features", checked_draw)
    monkeypatch.setattr(growth, "best_splits", checked_scan)
    tree, _ = _grow(X, y, criterion, max_features=max_features,
                    random_state=np.random.RandomState(3))
    assert seen["levels"] >= 5 and tree.n_leaves > 20
    if max_features == 1:
        assert seen["extended"] > 0  # the extension was exercised
    inner = tree.children_left != TREE_LEAF
    assert np.unique(tree.feature[inner]).size > max_features  # nodes drew different features
    assert 6 not in tree.feature  # a constant feature never splits


def test_max_features_equal_to_d_is_the_full_scan():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(400, 9))
    y = (X[:, 0] + X[:, 4] - X[:, 7] + 0.5 * rng.normal(size=400) > 0).astype(int)
    full, _ = _grow(X, y, "gini")
    same, _ = _grow(X, y, "gini", max_features=9, random_state=np.random.RandomState(0))
    np.testing.assert_array_equal(full.feature, same.feature)
    np.testing.assert_array_equal(full.threshold, same.threshold)


def test_presort_reuse_gives_the_same_tree_and_leaves_the_array_unchanged():
    rng = np.random.default_rng(8)
    X = rng.normal(size=(500, 6)).astype(np.float32)
    X[:, 2] = np.round(X[:, 2])  # ties, ordered by index
    y = X[:, 0] - X[:, 2] + 0.3 * rng.normal(size=500)
    order = presort(X)
    assert order.dtype == np.uint16
    np.testing.assert_array_equal(order, np.argsort(X, axis=0, kind="stable").T)
    kept = order.copy()
    a, _ = _grow(np.asfortranarray(X), y, max_depth=6)
    b, _ = _grow(np.asfortranarray(X), y, max_depth=6, presorted=order)
    np.testing.assert_array_equal(order, kept)  # the caller's orders serve the next fit
    for attr in ("feature", "threshold", "value", "impurity", "n_node_samples"):
        np.testing.assert_array_equal(getattr(a, attr), getattr(b, attr))
    # a subset of the rows: its orders without a new sort
    keep = rng.random(500) < 0.6
    np.testing.assert_array_equal(subset_presorted(order, keep), presort(X[keep]))


def test_presort_in_float64_serves_float64_features():
    # ties in float32 that float64 orders otherwise: the default float32 order is refused, the
    # float64 one accepted and equal to the fit without it; other dtypes are refused
    X = np.array([[1.0], [1 + 1e-9], [1 - 1e-9], [2.0]])
    y = np.array([0.0, 1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="presorted"):
        _grow(X, y, presorted=presort(X))
    a, _ = _grow(X, y)
    b, _ = _grow(X, y, presorted=presort(X, dtype=np.float64))
    np.testing.assert_array_equal(a.threshold, b.threshold)
    with pytest.raises(ValueError, match="dtype"):
        presort(X, dtype=np.int64)


@pytest.mark.parametrize("bad", ["other_X", "repeated", "shape", "float", "range"])
def test_a_wrong_presorted_array_is_refused(bad):
    rng = np.random.default_rng(9)
    X = rng.normal(size=(50, 3))
    order = presort(X).astype(np.intp)
    if bad == "other_X":
        order = presort(rng.normal(size=(50, 3)))
    elif bad == "repeated":  # sorted, but not a permutation
        order[0] = order[0, 0]
        X[:, 0] = 1.0
    elif bad == "shape":
        order = order[:, :-1]
    elif bad == "float":
        order = order.astype(float)
    else:
        order[1, 0] = 50
    with pytest.raises(ValueError, match="presorted"):
        _grow(X, X[:, 0] + X[:, 1], presorted=order)


def test_the_drawn_layout_is_built_without_a_full_size_temporary():
    # the gathered (r, m) layout is built a few rows at a time: beyond the layout itself and
    # two int64 arrays of m entries (segment ids, columns), the peak stays within a few times
    # the 4 BLOCK_SIZE int64 indices of one block (measured: 1.8 times); the full r * m int64
    # indices built at once took 8 MB here, and their sum with the columns 8 MB more
    import tracemalloc

    from mlmath.supervised.decision_trees.growth import Frontier, _draw_features, _drawn_layout
    from mlmath.supervised.decision_trees.splitter import BLOCK_SIZE

    rng = np.random.default_rng(10)
    n, d = 40_000, 30
    XT = rng.normal(size=(d, n)).astype(np.float32)
    lengths = np.full(8, n // 8)
    order = presort(XT.T)
    front = Frontier(order, np.arange(8) * (n // 8), lengths, np.arange(8))
    drawn = _draw_features(XT, front, 25, np.random.RandomState(0))
    was_tracing = tracemalloc.is_tracing()  # e.g. under PYTHONTRACEMALLOC=1
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    layout, _, _ = _drawn_layout(front, drawn)
    peak = tracemalloc.get_traced_memory()[1] - base
    if not was_tracing:
        tracemalloc.stop()
    assert layout.shape == (25, n)
    assert peak <= layout.nbytes + 3 * 8 * 4 * BLOCK_SIZE + 2 * 8 * n
