"""Log-loss, Brier score and reliability curves against scikit-learn on random inputs."""

import itertools

import numpy as np
import pytest
import sklearn.metrics as skm
from sklearn.calibration import calibration_curve as sk_calibration_curve

from mlmath.metrics import brier_score_loss, calibration_curve, log_loss


def _proba(seed, k, n=120):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    y[:k] = np.arange(k)
    logits = rng.normal(size=(n, k)) * 2 + np.eye(k)[y]
    return y, np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)


@pytest.mark.parametrize(
    ("seed", "k", "weights"), list(itertools.product(range(6), [2, 4], [0, 1]))
)
def test_log_loss_and_brier_equal_sklearn(seed, k, weights):
    y, p = _proba(seed, k)
    w = np.random.default_rng(seed).uniform(0.1, 2, len(y)) if weights else None
    assert log_loss(y, p, sample_weight=w) == pytest.approx(
        skm.log_loss(y, p, sample_weight=w), rel=1e-12)
    assert log_loss(y, p, normalize=False) == pytest.approx(
        skm.log_loss(y, p, normalize=False), rel=1e-12)
    assert brier_score_loss(y, p, sample_weight=w) == pytest.approx(
        skm.brier_score_loss(y, p, sample_weight=w), rel=1e-12)
    if k == 2:
        assert log_loss(y, p[:, 1]) == pytest.approx(skm.log_loss(y, p[:, 1]), rel=1e-12)
        assert brier_score_loss(y, p[:, 1], sample_weight=w) == pytest.approx(
            skm.brier_score_loss(y, p[:, 1], sample_weight=w), rel=1e-12)


def test_log_loss_with_labels_and_a_confident_mistake():
    p = np.array([[0.7, 0.2, 0.1], [0.0, 1.0, 0.0]])
    assert log_loss([0, 0], p, labels=[0, 1, 2]) == pytest.approx(
        skm.log_loss([0, 0], p, labels=[0, 1, 2]), rel=1e-12)
    assert np.isfinite(log_loss([0, 0], p, labels=[0, 1, 2]))


@pytest.mark.parametrize(("seed", "n_bins", "strategy"),
                         list(itertools.product(range(6), [3, 5, 10], ["uniform", "quantile"])))
def test_calibration_curve_equals_sklearn(seed, n_bins, strategy):
    y, p = _proba(seed, 2, n=300)
    ours = calibration_curve(y, p[:, 1], n_bins=n_bins, strategy=strategy)
    theirs = sk_calibration_curve(y, p[:, 1], n_bins=n_bins, strategy=strategy)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_calibration_curve_edges_and_empty_bins():
    y = np.array([0, 1, 1, 0, 1])
    p = np.array([0.0, 0.2, 0.2, 0.9, 1.0])
    ours = calibration_curve(y, p, n_bins=5)
    theirs = sk_calibration_curve(y, p, n_bins=5)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b)


def test_bad_input_is_refused():
    y, p = _proba(0, 3)
    with pytest.raises(ValueError, match="sum to 1"):
        log_loss(y, p * 0.5)
    with pytest.raises(ValueError, match="shape"):
        log_loss(y, p[:, :2])
    with pytest.raises(ValueError, match="one class"):
        log_loss([1, 1], [[0.2, 0.8], [0.1, 0.9]])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        brier_score_loss([0, 1], [0.5, 1.5])
    with pytest.raises(ValueError, match="strategy"):
        calibration_curve([0, 1], [0.2, 0.8], strategy="kmeans")
    with pytest.raises(ValueError, match="n_bins"):
        calibration_curve([0, 1], [0.2, 0.8], n_bins=0)


@pytest.mark.parametrize(
    "y",
    [[0, 0, 0], [1, 1, 1], [-1, -1, -1], [0, 1, 0], [-1, 1, 1], [1, 2, 1], [2, 2, 2],
     [-1, 0, 0], [0.0, 1.0, 1.0]],
)
def test_binary_brier_and_calibration_curve_choose_sklearns_positive_label(y):
    # pos_label=None means 1 for {0, 1} and {-1, 1}, also when y_true shows only one of them
    # (a y_true of 0s alone has no positive: it is not the larger label that becomes positive).
    p = np.array([0.1, 0.2, 0.1])
    assert brier_score_loss(y, p) == pytest.approx(skm.brier_score_loss(y, p), rel=1e-12)
    try:
        theirs = sk_calibration_curve(y, p, n_bins=2)
    except ValueError:
        with pytest.raises(ValueError, match="pos_label"):
            calibration_curve(y, p, n_bins=2)
    else:
        for a, b in zip(calibration_curve(y, p, n_bins=2), theirs, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-12)


def test_one_class_brier_and_calibration_curve():
    # The review's case: only negatives. scikit-learn: Brier 0.02, fraction of positives 0.
    assert brier_score_loss([0, 0, 0], [0.1, 0.2, 0.1]) == pytest.approx(0.02, rel=1e-12)
    frac, mean_pred = calibration_curve([0, 0, 0], [0.1, 0.2, 0.1], n_bins=2)
    np.testing.assert_array_equal(frac, [0.0])
    np.testing.assert_allclose(mean_pred, [0.4 / 3])


def test_string_labels_need_pos_label():
    y, p = np.array(["a", "b", "a"]), np.array([0.1, 0.8, 0.3])
    with pytest.raises(ValueError, match="pos_label"):
        brier_score_loss(y, p)
    with pytest.raises(ValueError, match="pos_label"):
        calibration_curve(y, p)
    assert brier_score_loss(y, p, pos_label="b") == pytest.approx(
        skm.brier_score_loss(y, p, pos_label="b"), rel=1e-12)
    for a, b in zip(calibration_curve(y, p, pos_label="b", n_bins=2),
                    sk_calibration_curve(y, p, pos_label="b", n_bins=2), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)
