"""The vectorised split search against an exhaustive search computed from scratch."""

import numpy as np
import pytest

from mlmath.supervised.decision_trees.impurity import CRITERIA
from mlmath.supervised.decision_trees.splitter import best_splits, segment_ids, split_threshold


def _layout(X, segments):
    """XT and order arrays for the given list of sample-index arrays (one per node)."""
    rows = []
    for j in range(X.shape[1]):
        rows.append(np.concatenate([s[np.argsort(X[s, j], kind="stable")] for s in segments]))
    order = np.array(rows)
    lengths = np.array([len(s) for s in segments])
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    return np.ascontiguousarray(X.T), order, starts, lengths


def _brute_force(X, y, w, idx, crit, n_classes, min_samples_leaf):
    """Best weighted children impurity over every feature and threshold, from scratch."""
    best = np.inf
    for j in range(X.shape[1]):
        xs = np.unique(X[idx, j])
        for lo, hi in zip(xs[:-1], xs[1:]):
            go = X[idx, j] <= (lo + hi) / 2
            nl, nr = go.sum(), (~go).sum()
            if nl < min_samples_leaf or nr < min_samples_leaf:
                continue
            total = 0.0
            for part in (idx[go], idx[~go]):
                if crit.is_classification:
                    counts = np.bincount(y[part], weights=w[part], minlength=n_classes)
                    p = counts / counts.sum()
                    imp = (1 - np.sum(p**2) if crit.name == "gini"
                           else -np.sum(p[p > 0] * np.log2(p[p > 0])))
                else:
                    m = np.average(y[part], weights=w[part])
                    imp = np.average((y[part] - m) ** 2, weights=w[part])
                total += w[part].sum() * imp
            best = min(best, total)
    return best


@pytest.mark.parametrize("name", ["gini", "entropy", "squared_error"])
@pytest.mark.parametrize("min_samples_leaf", [1, 3])
@pytest.mark.parametrize("block_size", [2**13, 40])  # all features at once, one per block
def test_best_split_equals_exhaustive_search(name, min_samples_leaf, block_size, monkeypatch):
    # the scan sums the statistics per block of equal values and cumulates them at the allowed
    # cuts only; the exhaustive search recounts every candidate partition from scratch
    import mlmath.supervised.decision_trees.splitter as splitter

    monkeypatch.setattr(splitter, "BLOCK_SIZE", block_size)
    rng = np.random.default_rng(0)
    crit = CRITERIA[name]()
    for _ in range(15):
        n, d = 40, 3
        X = rng.integers(0, 8, size=(n, d)).astype(float)  # repeated values: ties in x
        w = rng.uniform(0.2, 3.0, n)
        if crit.is_classification:
            y = rng.integers(0, 10, n)  # ten classes, some absent from some nodes
            stats, terms = crit.sample_stats(y, w, 10), crit.sample_terms(y, w, 10)
        else:
            y = rng.normal(size=n)
            stats, terms = crit.sample_stats(y, w), crit.sample_terms(y, w)
        perm = rng.permutation(n)
        segments = [perm[:7], perm[7:25], perm[25:]]  # three nodes at once
        XT, order, starts, lengths = _layout(X, segments)
        res = best_splits(XT, order, starts, lengths, terms, crit,
                          min_samples_leaf=min_samples_leaf)
        for k, idx in enumerate(segments):
            expected = _brute_force(X, y, w, idx, crit, 10, min_samples_leaf)
            if not np.isfinite(expected):
                assert res.proxy[k] == -np.inf
                continue
            found = (crit.weighted_impurity(res.left[k])
                     + crit.weighted_impurity(res.right[k]))
            assert found == pytest.approx(expected, rel=1e-9, abs=1e-9)
            # the returned split really is that partition
            f, t = res.feature[k], res.threshold[k]
            go = X[idx, f] <= t
            np.testing.assert_allclose(stats[idx[go]].sum(0), res.left[k], atol=1e-9)
            np.testing.assert_allclose(stats[idx[~go]].sum(0), res.right[k], atol=1e-9)
            assert go.sum() >= min_samples_leaf and (~go).sum() >= min_samples_leaf


def test_feature_mask_is_respected_and_no_cut_gives_minus_infinity():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 4))
    crit = CRITERIA["gini"]()
    terms = crit.sample_terms(rng.integers(0, 2, 30), np.ones(30), 2)
    segments = [np.arange(15), np.arange(15, 30)]
    XT, order, starts, lengths = _layout(X, segments)
    mask = np.zeros((4, 2), dtype=bool)
    mask[2, 0] = mask[3, 1] = True
    res = best_splits(XT, order, starts, lengths, terms, crit, feature_mask=mask)
    assert list(res.feature) == [2, 3]
    res = best_splits(XT, order, starts, lengths, terms, crit, min_samples_leaf=8)
    assert np.all(res.proxy == -np.inf)  # 15 samples cannot give two leaves of 8


def test_constant_feature_and_near_equal_values_are_not_split():
    X = np.array([[1.0, 0.0], [1.0, 1e-8], [1.0, 2e-8], [1.0, 3.0]])
    crit = CRITERIA["gini"]()
    terms = crit.sample_terms(np.array([0, 1, 0, 1]), np.ones(4), 2)
    XT, order, starts, lengths = _layout(X, [np.arange(4)])
    res = best_splits(XT, order, starts, lengths, terms, crit)
    assert res.feature[0] == 1 and res.pos[0] == 2  # only between 2e-8 and 3
    assert res.threshold[0] == pytest.approx(1.5)


@pytest.mark.parametrize("name", ["gini", "squared_error"])
def test_values_one_float32_step_apart_are_equal_as_in_scikit_learn(name):
    # scikit-learn adds its float32 FEATURE_THRESHOLD = 1e-7 to float32 features in float32:
    # 1 + 1e-7 rounds up to the next float32 after 1, so the two values count as equal (in
    # float64, 1 + 1e-7 lies below it and they would be split)
    from sklearn import tree as skt

    from mlmath.supervised.decision_trees.estimators import (
        DecisionTreeClassifier,
        DecisionTreeRegressor,
    )

    a = np.float32(1.0)
    X = np.array([[a], [np.nextafter(a, np.float32(2))]] * 2, dtype=np.float32)
    y = np.array([0, 1, 0, 1])
    ours, ref = ((DecisionTreeClassifier(), skt.DecisionTreeClassifier()) if name == "gini"
                 else (DecisionTreeRegressor(), skt.DecisionTreeRegressor()))
    assert ours.fit(X, y).tree_.node_count == ref.fit(X, y).tree_.node_count == 1
    # three float32 steps of 6e-8 in [0.5, 1) are 1.8e-7 > 1e-7 apart: split by both
    b = np.float32(0.7)
    X = np.array([[b], [b + np.float32(3 * 2**-24)]], dtype=np.float32)
    assert ours.fit(X, y[:2]).tree_.node_count == ref.fit(X, y[:2]).tree_.node_count == 3


def test_split_threshold_is_the_midpoint_and_separates():
    lo = np.array([1.0, -3.0, 1e308, np.nextafter(1.0, 0)])
    hi = np.array([2.0, 5.0, 1.7e308, 1.0])
    t = split_threshold(lo, hi)
    assert t[0] == 1.5 and t[1] == 1.0
    assert np.all(lo <= t) and np.all(t < hi)  # no overflow, the adjacent pair keeps lo


def test_segment_ids():
    np.testing.assert_array_equal(segment_ids(np.array([2, 0, 3])), [0, 0, 2, 2, 2])


def test_scanning_features_in_blocks_gives_the_same_splits(monkeypatch):
    import mlmath.supervised.decision_trees.splitter as splitter

    rng = np.random.default_rng(2)
    X = rng.normal(size=(80, 7))
    crit = CRITERIA["entropy"]()
    terms = crit.sample_terms(rng.integers(0, 4, 80), rng.uniform(0.5, 2, 80), 4)
    XT, order, starts, lengths = _layout(X, [np.arange(30), np.arange(30, 80)])
    whole = best_splits(XT, order, starts, lengths, terms, crit)
    monkeypatch.setattr(splitter, "BLOCK_SIZE", 2 * 80)  # two features per block
    blocks = best_splits(XT, order, starts, lengths, terms, crit)
    for key in ["feature", "pos", "threshold"]:
        np.testing.assert_array_equal(getattr(whole, key), getattr(blocks, key))
    for key in ["proxy", "left", "right"]:  # cumulated over other rows: equal up to rounding
        np.testing.assert_allclose(getattr(whole, key), getattr(blocks, key), rtol=1e-12)


@pytest.mark.parametrize("name", ["gini", "squared_error"])
def test_drawn_rows_layout_equals_exhaustive_search_over_the_drawn_features(name):
    # each segment scans only its own drawn features, gathered into an (r, m) layout: row k of
    # segment s is feature row_features[k, s]; a padding row (rows_ok False) is never chosen
    rng = np.random.default_rng(3)
    crit = CRITERIA[name]()
    for _ in range(10):
        n, d = 45, 6
        X = rng.integers(0, 6, size=(n, d)).astype(float)
        w = rng.uniform(0.2, 3.0, n)
        y = rng.integers(0, 4, n) if crit.is_classification else rng.normal(size=n)
        terms = crit.sample_terms(y, w, 4) if crit.is_classification else crit.sample_terms(y, w)
        perm = rng.permutation(n)
        segments = [perm[:10], perm[10:30], perm[30:]]
        XT, order, starts, lengths = _layout(X, segments)
        drawn = [np.sort(rng.choice(d, 2 + (k == 1), replace=False)) for k in range(3)]
        r = 3
        row_features = np.array([np.resize(f, r) for f in drawn]).T  # (r, n_seg), padded
        rows_ok = np.array([np.arange(r) < f.size for f in drawn]).T
        seg = segment_ids(lengths)
        layout = order[row_features[:, seg], np.arange(seg.size)]
        res = best_splits(XT, layout, starts, lengths, terms, crit, feature_mask=rows_ok,
                          row_features=row_features)
        full = best_splits(XT, order, starts, lengths, terms, crit,
                           feature_mask=np.array([np.isin(np.arange(d), f) for f in drawn]).T)
        for k, idx in enumerate(segments):
            expected = _brute_force(X[:, drawn[k]], y, w, idx, crit, 4, 1)
            found = crit.weighted_impurity(res.left[k]) + crit.weighted_impurity(res.right[k])
            assert found == pytest.approx(expected, rel=1e-9, abs=1e-9)
            assert res.feature[k] in drawn[k]
            go = X[idx, res.feature[k]] <= res.threshold[k]
            np.testing.assert_allclose(crit.sample_stats(y, w, 4)[idx[go]].sum(0)
                                       if crit.is_classification
                                       else crit.sample_stats(y, w)[idx[go]].sum(0),
                                       res.left[k], atol=1e-9)
        # the same splits as masking the full (d, m) layout (first feature, then first cut)
        np.testing.assert_array_equal(res.feature, full.feature)
        np.testing.assert_array_equal(res.threshold, full.threshold)


def test_the_complex_cumulative_sum_is_bit_for_bit_the_two_real_ones():
    # the regression scan cumulates (W, S1) as W + i S1: complex addition adds the parts
    # separately, so each part must equal its own real cumulative sum exactly
    from mlmath.supervised.decision_trees.splitter import _cumulative_stats

    rng = np.random.default_rng(3)
    w, s = rng.uniform(0.1, 3.0, 300), rng.normal(size=300) * 1e6
    o = np.stack([rng.permutation(300) for _ in range(3)])
    bound = rng.random(900) < 0.3
    bound[299::300] = True
    cum, per_row = _cumulative_stats(o, bound, None, w + 1j * s, 2)
    real, _ = _cumulative_stats(o, bound, None, np.stack([w, s]), 2)
    assert per_row
    np.testing.assert_array_equal(cum, real)
