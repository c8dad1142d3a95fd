"""Threshold-free metrics of a score: ROC and precision-recall curves, AUC, average precision.

Every distinct score is a threshold, and sorting the scores once gives the cumulative true-
and false-positive counts at all of them.
"""

import numpy as np
from scipy.stats import rankdata

from mlmath.metrics._validation import binary_targets, check_1d_pair, check_sample_weight_1d
from mlmath.validation import check_option

__all__ = [
    "binary_counts_at_thresholds",
    "roc_curve",
    "auc",
    "roc_auc_score",
    "mann_whitney_auc",
    "precision_recall_curve",
    "average_precision_score",
]


def binary_counts_at_thresholds(y_true, y_score, *, pos_label=None, sample_weight=None):
    """Weighted false- and true-positive counts when predicting positive for ``score >= tau``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary labels.
    y_score : array-like of shape (n_samples,)
        Scores; larger means more likely positive.
    pos_label : int, float, bool or str, default=None
        The positive label (``None``: 1, for labels in {0, 1} or {-1, 1}).
    sample_weight : array-like of shape (n_samples,), default=None

    Returns
    -------
    fps, tps : ndarray of shape (n_thresholds,)
        Cumulative weighted counts, one entry per distinct score, in decreasing score order.
    thresholds : ndarray of shape (n_thresholds,)
        The distinct scores, decreasing.

    Notes
    -----
    One stable sort, O(n log n); the counts at all thresholds are cumulative sums: steps 1-3 of
    the ROC algorithm, the counts of {eq}`eq-metrics-roc` and {eq}`eq-metrics-empirical-cost`
    of the evaluation metrics chapter.
    """
    y_true, y_score = check_1d_pair(y_true, y_score, other_name="y_score", numeric_other=True)
    w = check_sample_weight_1d(sample_weight, len(y_true))
    positive = binary_targets(y_true, pos_label)
    order = np.argsort(-y_score, kind="stable")
    score, positive, w = y_score[order], positive[order], w[order]
    # The last index of each run of equal scores: all tied samples cross the threshold together.
    last = np.flatnonzero(np.r_[score[1:] != score[:-1], True])
    tps = np.cumsum(w * positive)[last]
    fps = np.cumsum(w * ~positive)[last]
    return fps, tps, score[last]


def roc_curve(y_true, y_score, *, pos_label=None, sample_weight=None, drop_intermediate=True):
    """Receiver operating characteristic: false- against true-positive rate over thresholds.

    Parameters
    ----------
    y_true, y_score, pos_label, sample_weight
        As in :func:`binary_counts_at_thresholds`.
    drop_intermediate : bool, default=True
        Drop every point after the first that lies between two equal steps, that is, where
        both second differences of the counts are zero (such a point is collinear with its
        neighbours, so the curve and its area do not change), as scikit-learn does. A point
        on a straight segment between unequal steps is kept.

    Returns
    -------
    fpr, tpr : ndarray of shape (n_points,)
        Increasing rates, starting at (0, 0) and ending at (1, 1).
    thresholds : ndarray of shape (n_points,)
        Decreasing; the first is ``inf`` (predict nothing positive).

    Notes
    -----
    ``fpr = FP(tau) / n_-`` and ``tpr = TP(tau) / n_+`` with ``FP(tau)``, ``TP(tau)`` the weighted
    counts of negatives and positives scored at least the threshold ``tau``, and ``n_-``, ``n_+``
    their totals: implements
    {eq}`eq-metrics-roc` of the evaluation metrics chapter.
    """
    fps, tps, thresholds = binary_counts_at_thresholds(
        y_true, y_score, pos_label=pos_label, sample_weight=sample_weight
    )
    if drop_intermediate and len(fps) > 2:
        corner = np.r_[True, (np.diff(fps, 2) != 0) | (np.diff(tps, 2) != 0), True]
        fps, tps, thresholds = fps[corner], tps[corner], thresholds[corner]
    fps, tps = np.r_[0.0, fps], np.r_[0.0, tps]
    thresholds = np.r_[np.inf, thresholds]
    if fps[-1] <= 0 or tps[-1] <= 0:
        missing = "negative" if fps[-1] <= 0 else "positive"
        raise ValueError(f"No {missing} sample in y_true: the ROC curve is undefined.")
    return fps / fps[-1], tps / tps[-1], thresholds


def auc(x, y):
    """Area under the piecewise-linear curve through ``(x[i], y[i])`` (the trapezoidal rule).

    ``x`` must be monotone (increasing or decreasing); the area is signed accordingly, so that it
    is the same in either direction (positive when ``y >= 0``). Applied to a ROC curve it gives
    {eq}`eq-metrics-auc-probability` of the evaluation metrics chapter.

    Parameters
    ----------
    x : array-like of shape (n_points,)
        Abscissae, monotone, at least two.
    y : array-like of shape (n_points,)
        Ordinates.

    Returns
    -------
    float
        sum_i |x[i+1] - x[i]| (y[i] + y[i+1]) / 2.

    Notes
    -----
    As ``sklearn.metrics.auc``.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or x.shape != y.shape or len(x) < 2:
        raise ValueError(f"x and y must be 1-D of equal length >= 2; got {x.shape}, {y.shape}.")
    dx = np.diff(x)
    if np.all(dx >= 0):
        direction = 1.0
    elif np.all(dx <= 0):
        direction = -1.0
    else:
        raise ValueError("x is neither increasing nor decreasing: the area is undefined.")
    return direction * float(np.sum(dx * (y[1:] + y[:-1]) / 2))


def mann_whitney_auc(y_true, y_score, *, pos_label=None):
    r"""AUC as the probability that a random positive outscores a random negative (ties: 1/2).

    The rank-sum (Mann-Whitney) form: with the average ranks :math:`\mathrm{rank}(s_i)` of the
    scores, AUC = (sum of the positives' ranks minus n_+(n_+ + 1)/2) / (n_+ n_-).
    Unweighted; equal to :func:`roc_auc_score` without sample weights.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary labels, with at least one positive and one negative.
    y_score : array-like of shape (n_samples,)
        Scores; larger means more likely positive. Only their order (and ties) matters.
    pos_label : int, float, bool or str, default=None
        The positive label (``None``: 1, for labels in {0, 1} or {-1, 1}).

    Returns
    -------
    float
        In [0, 1].

    Notes
    -----
    Implements {eq}`eq-metrics-mann-whitney` of the evaluation metrics chapter.
    """
    y_true, y_score = check_1d_pair(y_true, y_score, other_name="y_score", numeric_other=True)
    positive = binary_targets(y_true, pos_label)
    n_pos = int(positive.sum())
    n_neg = len(positive) - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("AUC needs at least one positive and one negative sample in y_true.")
    ranks = rankdata(y_score)  # average ranks for ties
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def roc_auc_score(y_true, y_score, *, average="macro", sample_weight=None, multi_class="raise",
                  labels=None):
    """Area under the ROC curve; one-vs-rest averaged for more than two classes.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
    y_score : array-like of shape (n_samples,) or (n_samples, n_classes)
        Binary: the score of the larger label. Multiclass: probabilities per class (columns in
        the order of ``labels``, default the sorted labels of ``y_true``).
    average : {"macro", "weighted"}, default="macro"
        Multiclass: the plain mean of the per-class AUCs, or weighted by class prevalence.
    sample_weight : array-like of shape (n_samples,), default=None
    multi_class : {"raise", "ovr"}, default="raise"
        Multiclass input must say ``"ovr"`` (each class against the rest).
    labels : array-like of shape (n_classes,), default=None

    Returns
    -------
    float

    Notes
    -----
    The trapezoidal area under {eq}`eq-metrics-roc`, equal to
    {eq}`eq-metrics-auc-probability` of the evaluation metrics chapter.
    """
    y_true = np.asarray(y_true)
    y_score = np.asarray(y_score, dtype=float)
    if y_score.ndim == 1:
        fpr, tpr, _ = roc_curve(
            y_true, y_score, sample_weight=sample_weight, drop_intermediate=False,
            pos_label=np.unique(y_true).max() if np.unique(y_true).size == 2 else None,
        )
        return auc(fpr, tpr)
    if multi_class != "ovr":
        raise ValueError("y_score has one column per class: pass multi_class='ovr' for the "
                         "one-vs-rest average (multi_class='raise' refuses multiclass input).")
    check_option(average, "average", ["macro", "weighted"], owner="roc_auc_score")
    classes = np.unique(y_true) if labels is None else np.asarray(labels)
    if y_score.shape != (len(y_true), len(classes)):
        raise ValueError(f"y_score must have shape ({len(y_true)}, {len(classes)}), one column "
                         f"per class; got {y_score.shape}.")
    if not np.allclose(y_score.sum(axis=1), 1.0):
        raise ValueError("Multiclass y_score must hold probabilities: rows must sum to 1.")
    w = check_sample_weight_1d(sample_weight, len(y_true))
    scores, prevalence = [], []
    for k, label in enumerate(classes):
        is_k = (y_true == label).astype(int)
        fpr, tpr, _ = roc_curve(is_k, y_score[:, k], sample_weight=sample_weight,
                                drop_intermediate=False)
        scores.append(auc(fpr, tpr))
        prevalence.append(w[is_k == 1].sum())
    weights = None if average == "macro" else np.asarray(prevalence)
    return float(np.average(scores, weights=weights))


def precision_recall_curve(y_true, y_score, *, pos_label=None, sample_weight=None):
    """Precision against recall over every threshold of the score.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary labels, with at least one positive.
    y_score : array-like of shape (n_samples,)
        Scores; larger means more likely positive.
    pos_label : int, float, bool or str, default=None
        The positive label (``None``: 1, for labels in {0, 1} or {-1, 1}).
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sample in the counts (default: one).

    Returns
    -------
    precision, recall : ndarray of shape (n_thresholds + 1,)
        Recall decreasing to 0; the last point is (recall 0, precision 1) by convention.
    thresholds : ndarray of shape (n_thresholds,)
        Increasing distinct scores.

    Notes
    -----
    ``precision = TP(tau) / (TP(tau) + FP(tau))`` (0 when nothing is predicted positive) and
    ``recall = TP(tau) / n_+``: implements {eq}`eq-metrics-pr` of the evaluation metrics chapter.
    As ``sklearn.metrics.precision_recall_curve`` with its default ``drop_intermediate=False``
    (the parameter is not offered: every threshold is kept).
    """
    fps, tps, thresholds = binary_counts_at_thresholds(
        y_true, y_score, pos_label=pos_label, sample_weight=sample_weight
    )
    if tps[-1] <= 0:
        raise ValueError("No positive sample in y_true: recall is undefined.")
    predicted = tps + fps
    precision = np.divide(tps, predicted, out=np.zeros_like(tps), where=predicted > 0)
    recall = tps / tps[-1]
    return (np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0], thresholds[::-1])


def average_precision_score(y_true, y_score, *, pos_label=1, sample_weight=None):
    """Average precision: precision at each threshold weighted by the recall it adds.

    AP = sum_t (R_t - R_{t-1}) P_t, a step-function area (no interpolation): implements
    {eq}`eq-metrics-ap` of the evaluation metrics chapter.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary labels, with at least one positive.
    y_score : array-like of shape (n_samples,)
        Scores; larger means more likely positive.
    pos_label : int, float, bool or str, default=1
        The positive label (``None`` also means 1, for labels in {0, 1} or {-1, 1}).
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sample in the counts (default: one).

    Returns
    -------
    float
        In [0, 1].

    Notes
    -----
    As ``sklearn.metrics.average_precision_score`` for binary labels; multilabel input and its
    ``average`` parameter are not offered.
    """
    precision, recall, _ = precision_recall_curve(
        y_true, y_score, pos_label=pos_label, sample_weight=sample_weight
    )
    return float(-np.sum(np.diff(recall) * precision[:-1]))
