"""ROC, AUC, precision-recall and average precision against sklearn.metrics on random inputs."""

import itertools

import numpy as np
import pytest
import sklearn.metrics as skm

from mlmath.metrics import (
    auc,
    average_precision_score,
    mann_whitney_auc,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)

SEEDS = range(8)


def _binary(seed, n=200, ties=False, weights=False):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]
    score = rng.normal(size=n) + y
    if ties:
        score = np.round(score, 1)
    w = rng.uniform(0.1, 3.0, n) if weights else None
    return y, score, w


@pytest.mark.parametrize(
    ("seed", "ties", "weights"), list(itertools.product(SEEDS, [0, 1], [0, 1]))
)
def test_roc_curve_equals_sklearn(seed, ties, weights):
    y, s, w = _binary(seed, ties=ties, weights=weights)
    for drop in (True, False):
        ours = roc_curve(y, s, sample_weight=w, drop_intermediate=drop)
        theirs = skm.roc_curve(y, s, sample_weight=w, drop_intermediate=drop)
        for a, b in zip(ours, theirs, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-12)
    assert roc_auc_score(y, s, sample_weight=w) == pytest.approx(
        skm.roc_auc_score(y, s, sample_weight=w), rel=1e-12)


@pytest.mark.parametrize(
    ("y", "s", "kept", "dropped"),
    [
        # (0.25, 0.5) lies on a horizontal segment between unequal steps: kept.
        ([1, 0, 0, 0, 0, 1], [6, 5, 4, 4, 4, 1], (0.25, 0.5), None),
        # (0.5, 0.5) lies between two equal diagonal steps: dropped.
        ([1, 0, 1, 0, 1, 0, 0, 1], [5, 5, 4, 4, 3, 3, 2, 1], None, (0.5, 0.5)),
    ],
)
def test_roc_curve_drops_only_points_between_equal_steps(y, s, kept, dropped):
    fpr, tpr, _ = roc_curve(y, s)
    full = roc_curve(y, s, drop_intermediate=False)
    points = set(zip(fpr.tolist(), tpr.tolist(), strict=True))
    if kept is not None:
        assert kept in points
    if dropped is not None:
        assert dropped in set(zip(full[0].tolist(), full[1].tolist(), strict=True))
        assert dropped not in points
    for a, b in zip((fpr, tpr), skm.roc_curve(y, s)[:2], strict=True):
        np.testing.assert_allclose(a, b)
    assert auc(fpr, tpr) == pytest.approx(auc(full[0], full[1]), rel=1e-12)


@pytest.mark.parametrize(("seed", "ties"), list(itertools.product(SEEDS, [0, 1])))
def test_auc_is_the_probability_that_a_positive_outscores_a_negative(seed, ties):
    y, s, _ = _binary(seed, n=120, ties=ties)
    pos, neg = s[y == 1], s[y == 0]
    # Brute force over all n+ n- pairs: P(s+ > s-) + P(s+ = s-) / 2.
    diff = pos[:, None] - neg[None, :]
    brute = np.mean(diff > 0) + 0.5 * np.mean(diff == 0)
    assert roc_auc_score(y, s) == pytest.approx(brute, rel=1e-12)
    assert mann_whitney_auc(y, s) == pytest.approx(brute, rel=1e-12)


@pytest.mark.parametrize(
    ("seed", "ties", "weights"), list(itertools.product(SEEDS, [0, 1], [0, 1]))
)
def test_precision_recall_curve_and_average_precision_equal_sklearn(seed, ties, weights):
    y, s, w = _binary(seed, ties=ties, weights=weights)
    ours = precision_recall_curve(y, s, sample_weight=w)
    theirs = skm.precision_recall_curve(y, s, sample_weight=w)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert average_precision_score(y, s, sample_weight=w) == pytest.approx(
        skm.average_precision_score(y, s, sample_weight=w), rel=1e-12)


def test_string_labels_with_pos_label():
    y, s, _ = _binary(0)
    labels = np.where(y == 1, "spam", "ham")
    ours = roc_curve(labels, s, pos_label="spam")
    theirs = skm.roc_curve(labels, s, pos_label="spam")
    np.testing.assert_allclose(ours[1], theirs[1])
    with pytest.raises(ValueError, match="pos_label"):
        roc_curve(labels, s)


@pytest.mark.parametrize("seed", SEEDS)
def test_multiclass_ovr_auc_equals_sklearn(seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 4, 300)
    logits = rng.normal(size=(300, 4)) + np.eye(4)[y]
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    for average in ("macro", "weighted"):
        assert roc_auc_score(y, p, multi_class="ovr", average=average) == pytest.approx(
            skm.roc_auc_score(y, p, multi_class="ovr", average=average), rel=1e-12)
    with pytest.raises(ValueError, match="multi_class='ovr'"):
        roc_auc_score(y, p)


def test_auc_trapezoid_and_direction():
    assert auc([0, 1], [0, 1]) == pytest.approx(0.5)
    assert auc([1, 0.5, 0], [1, 1, 1]) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="increasing nor decreasing"):
        auc([0, 1, 0.5], [0, 1, 1])


@pytest.mark.parametrize(
    ("y", "s", "match"),
    [
        ([0, 0, 0], [0.1, 0.2, 0.3], "No positive"),
        ([1, 1], [0.1, 0.2], "No negative"),
        ([0, 1, 2], [0.1, 0.2, 0.3], "3 classes"),
        ([0, 1], [0.1, np.nan], "NaN"),
        ([0, 1], [0.1], "different lengths"),
        ([[0, 1]], [[0.1, 0.2]], "one-dimensional"),
        ([], [], "empty"),
    ],
)
def test_bad_input_is_refused(y, s, match):
    with pytest.raises(ValueError, match=match):
        roc_curve(y, s)


@pytest.mark.parametrize(("seed", "ties"), list(itertools.product(SEEDS, [0, 1])))
def test_average_precision_is_the_mean_precision_at_the_positives_scores(seed, ties):
    # The chapter's reading of eq-metrics-ap: each positive adds 1/n_+ of recall at the
    # threshold equal to its own score, so AP averages the precision there over the positives.
    y, score, _ = _binary(seed, ties=bool(ties))
    precision_at = [np.mean(y[score >= s]) for s in score[y == 1]]
    np.testing.assert_allclose(average_precision_score(y, score), np.mean(precision_at),
                               rtol=1e-12)
