"""The evaluation metrics chapter's results, checked on the package by independent computation.

Each test names the proposition or theorem of ``book/theory/evaluation_metrics.md`` it checks.
"""

import numpy as np
import pytest
import sklearn.model_selection as sk_ms

from mlmath.metrics import (
    accuracy_score,
    brier_score_loss,
    f1_score,
    fbeta_score,
    log_loss,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)
from mlmath.metrics.ranking import binary_counts_at_thresholds
from mlmath.model_selection import StratifiedKFold


def _binary(seed, n=150, ties=False):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]
    s = rng.normal(size=n) + y
    return y, (np.round(s, 1) if ties else s)


@pytest.mark.parametrize("seed", range(4))
def test_fbeta_is_the_weighted_harmonic_mean_of_precision_and_recall(seed):
    # prop-metrics-fbeta, part 1: 1/F = lambda/P + (1 - lambda)/R with lambda = 1/(1 + beta^2).
    y, s = _binary(seed)
    pred = (s > 0.3).astype(int)
    p, r = precision_score(y, pred), recall_score(y, pred)
    for beta in [0.5, 1.0, 2.0, 3.0]:
        lam = 1 / (1 + beta**2)
        assert fbeta_score(y, pred, beta=beta) == pytest.approx(1 / (lam / p + (1 - lam) / r))
        assert min(p, r) <= fbeta_score(y, pred, beta=beta) <= max(p, r)
    assert f1_score(y, pred) == pytest.approx(fbeta_score(y, pred, beta=1.0))


@pytest.mark.parametrize("seed", range(4))
def test_micro_averages_and_weighted_recall_are_accuracy(seed):
    # prop-metrics-micro.
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 4, 300)
    pred = np.where(rng.random(300) < 0.6, y, rng.integers(0, 4, 300))
    acc = accuracy_score(y, pred)
    for metric in (precision_score, recall_score, f1_score):
        assert metric(y, pred, average="micro") == pytest.approx(acc)
    assert recall_score(y, pred, average="weighted") == pytest.approx(acc)


@pytest.mark.parametrize(("seed", "ties"), [(0, False), (1, True), (2, False), (3, True)])
def test_counts_at_thresholds_equal_brute_force(seed, ties):
    # Steps 1-3 of alg-metrics-roc against counting, threshold by threshold.
    y, s = _binary(seed, ties=ties)
    fps, tps, thresholds = binary_counts_at_thresholds(y, s)
    np.testing.assert_array_equal(thresholds, np.unique(s)[::-1])
    np.testing.assert_array_equal(tps, [np.sum((s >= t) & (y == 1)) for t in thresholds])
    np.testing.assert_array_equal(fps, [np.sum((s >= t) & (y == 0)) for t in thresholds])


@pytest.mark.parametrize(("seed", "ties"), [(0, False), (1, True)])
def test_roc_curve_is_invariant_under_increasing_maps(seed, ties):
    # prop-metrics-roc-invariance.
    y, s = _binary(seed, ties=ties)
    fpr, tpr, _ = roc_curve(y, s)
    for g in (np.exp, lambda v: v**3 + v, lambda v: 1 / (1 + np.exp(-2 * v))):
        fpr_g, tpr_g, _ = roc_curve(y, g(s))
        np.testing.assert_allclose(fpr_g, fpr)
        np.testing.assert_allclose(tpr_g, tpr)
    # Reversing the score gives 1 - AUC (exercise ex-metrics-1).
    assert roc_auc_score(y, -s) == pytest.approx(1 - roc_auc_score(y, s))


def test_log_loss_and_brier_are_strictly_proper():
    # thm-metrics-proper, binary case: the expected score over y ~ Bernoulli(q) is smallest at
    # p = q on a fine grid of forecasts p, and the Brier excess is (p - q)^2.
    grid = np.linspace(0.001, 0.999, 999)
    y = np.array([0, 1])
    for q in [0.05, 0.3, 0.5, 0.77]:
        w = np.array([1 - q, q])
        expected_log = [log_loss(y, np.full(2, p), sample_weight=w) for p in grid]
        expected_brier = np.array([brier_score_loss(y, np.full(2, p), sample_weight=w)
                                   for p in grid])
        assert grid[np.argmin(expected_log)] == pytest.approx(q, abs=1e-3)
        assert grid[np.argmin(expected_brier)] == pytest.approx(q, abs=1e-3)
        np.testing.assert_allclose(expected_brier - q * (1 - q), (grid - q) ** 2, atol=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_murphy_decomposition_of_the_brier_score(seed):
    # thm-metrics-murphy on forecasts with finitely many values.
    rng = np.random.default_rng(seed)
    q = rng.random(2000)
    y = (rng.random(2000) < q).astype(int)
    f = np.clip(np.round(q + rng.normal(0, 0.1, 2000), 1), 0, 1)
    values, group, counts = np.unique(f, return_inverse=True, return_counts=True)
    o_m = np.bincount(group, weights=y) / counts
    o = y.mean()
    reliability = np.sum(counts * (values - o_m) ** 2) / y.size
    resolution = np.sum(counts * (o_m - o) ** 2) / y.size
    refinement = np.sum(counts * o_m * (1 - o_m)) / y.size
    bs = brier_score_loss(y, f)
    assert bs == pytest.approx(reliability + refinement, rel=1e-12)
    assert bs == pytest.approx(reliability - resolution + o * (1 - o), rel=1e-12)


@pytest.mark.parametrize(("n", "k", "seed"), [(300, 7, 0), (101, 5, 1), (120, 4, 2)])
def test_stratified_fold_class_counts_are_sklearns(n, k, seed):
    # prop-metrics-fold-prevalence: floor(n_c / k) or ceil(n_c / k) of class c per fold, the
    # sizes scikit-learn's StratifiedKFold gives (up to which fold receives the extra sample).
    y = np.random.default_rng(seed).choice(3, size=n, p=[0.6, 0.3, 0.1])
    ours = np.array([np.bincount(y[te], minlength=3)
                     for _, te in StratifiedKFold(k).split(np.zeros((n, 1)), y)])
    theirs = np.array([np.bincount(y[te], minlength=3)
                       for _, te in sk_ms.StratifiedKFold(k).split(np.zeros((n, 1)), y)])
    np.testing.assert_array_equal(np.sort(ours, axis=0), np.sort(theirs, axis=0))
    counts = np.bincount(y, minlength=3)
    assert np.all((ours == counts // k) | (ours == -(-counts // k)))
