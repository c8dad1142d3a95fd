"""Metrics of predicted probabilities: log-loss, the Brier score and the reliability curve."""

from numbers import Integral

import numpy as np

from mlmath.metrics._validation import (
    binary_targets,
    check_1d_pair,
    check_sample_weight_1d,
    has_default_positive,
)
from mlmath.validation import Interval, check_option, check_parameter

__all__ = ["log_loss", "brier_score_loss", "calibration_curve"]


def _probability_matrix(y_true, y_proba, labels):
    """One-hot targets and a probability matrix with one column per class (sorted labels)."""
    y_true = np.asarray(y_true)
    if y_true.ndim != 1 or y_true.size == 0:
        raise ValueError(f"y_true must be a non-empty 1-D array; got shape {y_true.shape}.")
    p = np.asarray(y_proba, dtype=float)
    classes = np.unique(y_true) if labels is None else np.unique(np.asarray(labels))
    if not np.all(np.isin(y_true, classes)):
        raise ValueError("y_true has labels that are not in labels.")
    if len(classes) < 2:
        raise ValueError(f"y_true has one class ({classes.tolist()!r}): pass labels=[...] with "
                         "every class, or the probabilities cannot be matched to classes.")
    if p.ndim == 1:
        if len(classes) != 2:
            raise ValueError("A 1-D y_proba means binary probabilities of the larger label; "
                             f"got {len(classes)} classes.")
        p = np.column_stack([1 - p, p])
    if p.shape != (len(y_true), len(classes)):
        raise ValueError(f"y_proba must have shape ({len(y_true)}, {len(classes)}); "
                         f"got {p.shape}.")
    if not np.all(np.isfinite(p)) or np.any(p < 0) or np.any(p > 1):
        raise ValueError("y_proba must hold probabilities in [0, 1] (no NaN or infinity).")
    if not np.allclose(p.sum(axis=1), 1.0, rtol=0, atol=np.sqrt(np.finfo(float).eps)):
        raise ValueError("The rows of y_proba must sum to 1.")
    onehot = (y_true[:, None] == classes[None, :]).astype(float)
    return onehot, p


def log_loss(y_true, y_proba, *, normalize=True, sample_weight=None, labels=None):
    """Cross-entropy -sum_i sum_k y_ik log p_ik (mean over samples when ``normalize``).

    Probabilities are clipped to [eps, 1 - eps] (eps the float64 machine epsilon) so a confident
    mistake costs about 36 nats rather than infinity.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
    y_proba : array-like of shape (n_samples,) or (n_samples, n_classes)
        1-D: the probability of the larger of two labels. 2-D: columns in sorted label order.
    normalize : bool, default=True
    sample_weight : array-like of shape (n_samples,), default=None
    labels : array-like, default=None
        All classes, when ``y_true`` does not show every one.

    Returns
    -------
    float

    Notes
    -----
    Implements {eq}`eq-metrics-logloss` of the evaluation metrics chapter.
    """
    onehot, p = _probability_matrix(y_true, y_proba, labels)
    w = check_sample_weight_1d(sample_weight, len(onehot))
    eps = np.finfo(float).eps
    per_sample = -np.sum(onehot * np.log(np.clip(p, eps, 1 - eps)), axis=1)
    total = np.sum(w * per_sample)
    return float(total / w.sum() if normalize else total)


def brier_score_loss(y_true, y_proba, *, sample_weight=None, pos_label=None, labels=None):
    """Mean squared distance between the probability vector and the one-hot target.

    Binary input (a 1-D ``y_proba``, the probability of ``pos_label``) gives the classical
    (1/n) sum_i (p_i - y_i)^2. ``pos_label=None`` means 1 for labels in {0, 1} or {-1, 1}, also
    when ``y_true`` shows a single one of them, and otherwise the larger of two numeric labels,
    as scikit-learn does; string labels need ``pos_label``. A 2-D ``y_proba`` gives
    (1/n) sum_i sum_k (p_ik - y_ik)^2, halved when there are two classes so that both forms of
    binary input agree (the two squared errors of a binary row are equal).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_proba : array-like of shape (n_samples,) or (n_samples, n_classes)
        1-D: the predicted probability of ``pos_label`` (two classes at most). 2-D: one column
        per class, in sorted label order (of ``labels`` when given), rows summing to one.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sample in the mean (default: one).
    pos_label : int, float, bool or str, default=None
        The positive label of a 1-D ``y_proba`` (``None``: as described above); unused for a
        2-D ``y_proba``.
    labels : array-like of shape (n_classes,), default=None
        All classes of a 2-D ``y_proba``, when ``y_true`` does not show every one.

    Returns
    -------
    float
        0 for certain, correct forecasts; at most 1 for two classes, 2 for more.

    Notes
    -----
    Implements {eq}`eq-metrics-brier` of the evaluation metrics chapter. As
    ``sklearn.metrics.brier_score_loss`` with its default ``scale_by_half="auto"``; the
    ``scale_by_half`` parameter itself is not offered (the unscaled binary score is twice this
    one).
    """
    y_true_arr = np.asarray(y_true)
    p = np.asarray(y_proba, dtype=float)
    if p.ndim == 1:
        y_true_arr, p = check_1d_pair(y_true_arr, p, other_name="y_proba", numeric_other=True)
        classes = np.unique(y_true_arr)
        if len(classes) > 2:
            raise ValueError("A 1-D y_proba is binary; y_true has more than two classes.")
        if pos_label is None and classes.dtype.kind in "biuf" and not has_default_positive(classes):
            pos_label = classes.max()  # numeric labels other than {0, 1}, {-1, 1}: the larger
        positive = binary_targets(y_true_arr, pos_label)
        if np.any(p < 0) or np.any(p > 1):
            raise ValueError("y_proba must hold probabilities in [0, 1].")
        w = check_sample_weight_1d(sample_weight, len(p))
        return float(np.average((p - positive) ** 2, weights=w))
    onehot, p = _probability_matrix(y_true_arr, p, labels)
    w = check_sample_weight_1d(sample_weight, len(onehot))
    scale = 0.5 if onehot.shape[1] == 2 else 1.0
    return float(scale * np.average(np.sum((p - onehot) ** 2, axis=1), weights=w))


def calibration_curve(y_true, y_prob, *, pos_label=None, n_bins=5, strategy="uniform"):
    """Reliability curve: the frequency of positives against the mean predicted probability.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary labels.
    y_prob : array-like of shape (n_samples,)
        Predicted probabilities of ``pos_label``.
    pos_label : int, float, bool or str, default=None
        The positive label (``None``: 1, for labels in {0, 1} or {-1, 1}, also when ``y_true``
        shows a single one of them, as scikit-learn requires).
    n_bins : int, default=5
    strategy : {"uniform", "quantile"}, default="uniform"
        Equal-width bins on [0, 1], or bins holding equal numbers of samples.

    Returns
    -------
    prob_true, prob_pred : ndarray of shape (n_nonempty_bins,)
        Per non-empty bin: the fraction of positives and the mean predicted probability. A
        calibrated model has prob_true close to prob_pred.

    Notes
    -----
    The points of a reliability diagram: per bin, the ``f_g`` and ``o_g`` of the reliability
    term of {eq}`eq-metrics-murphy` in the evaluation metrics chapter.
    """
    check_parameter(n_bins, "n_bins", [Interval(Integral, 1, None)], owner="calibration_curve")
    check_option(strategy, "strategy", ["uniform", "quantile"], owner="calibration_curve")
    y_true, y_prob = check_1d_pair(y_true, y_prob, other_name="y_prob", numeric_other=True)
    if np.any(y_prob < 0) or np.any(y_prob > 1):
        raise ValueError("y_prob must hold probabilities in [0, 1].")
    classes = np.unique(y_true)
    if len(classes) > 2:
        raise ValueError(f"calibration_curve is binary; y_true has {len(classes)} classes.")
    positive = binary_targets(y_true, pos_label).astype(float)
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    else:  # "quantile"
        edges = np.percentile(y_prob, np.linspace(0, 100, n_bins + 1))
    # Bin b holds edges[b] < p <= edges[b + 1]; the first bin also holds p == edges[0].
    bins = np.searchsorted(edges[1:-1], y_prob, side="left")
    count = np.bincount(bins, minlength=n_bins)
    sum_true = np.bincount(bins, weights=positive, minlength=n_bins)
    sum_prob = np.bincount(bins, weights=y_prob, minlength=n_bins)
    nonempty = count > 0
    return sum_true[nonempty] / count[nonempty], sum_prob[nonempty] / count[nonempty]
