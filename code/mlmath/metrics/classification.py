"""Metrics of hard predictions: the confusion matrix and everything computed from it."""

from numbers import Real

import numpy as np

from mlmath.metrics._validation import check_1d_pair, check_sample_weight_1d
from mlmath.validation import Interval, check_option, check_parameter

__all__ = [
    "confusion_matrix",
    "accuracy_score",
    "precision_recall_fscore_support",
    "precision_score",
    "recall_score",
    "f1_score",
    "fbeta_score",
]


def _labels(y_true, y_pred, labels):
    present = np.union1d(y_true, y_pred)
    if labels is None:
        return present
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError("labels must be a non-empty 1-D list of class labels.")
    if len(np.unique(labels)) != len(labels):
        raise ValueError(f"labels has repeated entries: {labels.tolist()!r}.")
    return labels


def confusion_matrix(y_true, y_pred, *, labels=None, sample_weight=None, normalize=None):
    """C[i, j] = (weighted) number of samples of true class ``labels[i]`` predicted ``labels[j]``.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
    labels : array-like of shape (n_classes,), default=None
        Row and column order (default: the sorted union of the labels seen). Samples whose true
        or predicted label is not listed are left out.
    sample_weight : array-like of shape (n_samples,), default=None
    normalize : {None, "true", "pred", "all"}, default=None
        Divide by row sums, column sums or the total (empty rows or columns give 0).

    Returns
    -------
    ndarray of shape (n_classes, n_classes)

    Notes
    -----
    Implements {eq}`eq-metrics-confusion` of the evaluation metrics chapter (and its K-class form).
    """
    check_option(normalize, "normalize", [None, "true", "pred", "all"], owner="confusion_matrix")
    y_true, y_pred = check_1d_pair(y_true, y_pred)
    w = check_sample_weight_1d(sample_weight, len(y_true))
    labels = _labels(y_true, y_pred, labels)
    k = len(labels)
    index = {label: i for i, label in enumerate(labels.tolist())}
    i = np.array([index.get(v, -1) for v in y_true.tolist()])
    j = np.array([index.get(v, -1) for v in y_pred.tolist()])
    keep = (i >= 0) & (j >= 0)
    cm = np.bincount(i[keep] * k + j[keep], weights=w[keep], minlength=k * k).reshape(k, k)
    if sample_weight is None:
        cm = cm.astype(np.int64)
    if normalize is None:
        return cm
    denom = {"true": cm.sum(axis=1, keepdims=True), "pred": cm.sum(axis=0, keepdims=True),
             "all": cm.sum()}[normalize]
    return np.divide(cm, denom, out=np.zeros(cm.shape), where=denom != 0)


def accuracy_score(y_true, y_pred, *, sample_weight=None):
    """Fraction (weighted) of samples whose predicted label equals the true one.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sample (default: one); the result is sum_i w_i [y_i = yhat_i] / sum_i w_i.

    Returns
    -------
    float
        In [0, 1].

    Notes
    -----
    The accuracy of {eq}`eq-metrics-rates` in the evaluation metrics chapter. As
    ``sklearn.metrics.accuracy_score`` for one-dimensional labels, without its ``normalize``
    parameter (``normalize=False``, the count of correct predictions, is not offered) and
    without multilabel input.
    """
    y_true, y_pred = check_1d_pair(y_true, y_pred)
    w = check_sample_weight_1d(sample_weight, len(y_true))
    return float(np.sum(w * (y_true == y_pred)) / w.sum())


def _divide(num, den, zero_division):
    return np.divide(num, den, out=np.full(np.shape(num), float(zero_division)), where=den != 0)


def precision_recall_fscore_support(y_true, y_pred, *, beta=1.0, labels=None, pos_label=1,
                                    average=None, sample_weight=None, zero_division=0.0):
    """Precision, recall, F-beta and support per class, or averaged.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
    beta : float, default=1.0
        Weight of recall in the F-score, F_beta = (1 + beta^2) P R / (beta^2 P + R).
    labels : array-like, default=None
        Classes to report (default: the sorted labels seen).
    pos_label : int, float, bool or str, default=1
        The positive class when ``average="binary"``.
    average : {None, "binary", "micro", "macro", "weighted"}, default=None
        ``None``: per-class arrays. ``"binary"``: the scores of ``pos_label`` only. ``"micro"``:
        from the pooled counts. ``"macro"``: the plain mean over classes. ``"weighted"``: the mean
        weighted by support.
    sample_weight : array-like of shape (n_samples,), default=None
    zero_division : float, default=0.0
        The value of a ratio whose denominator is zero (precision of a class never predicted,
        recall of a class absent from ``y_true``).

    Returns
    -------
    precision, recall, fbeta : float or ndarray of shape (n_classes,)
    support : ndarray of shape (n_classes,) or None
        Number of true samples per class (``None`` when averaged).

    Notes
    -----
    Implements {eq}`eq-metrics-rates`, {eq}`eq-metrics-fbeta` (in its count form, so that
    F-beta is defined when precision or recall is zero) and the averages
    {eq}`eq-metrics-averages` of the evaluation metrics chapter.
    """
    check_option(average, "average", [None, "binary", "micro", "macro", "weighted"])
    check_parameter(beta, "beta", [Interval(Real, 0, None)])
    y_true, y_pred = check_1d_pair(y_true, y_pred)
    if average == "binary":
        present = np.union1d(y_true, y_pred)
        if len(present) > 2:
            raise ValueError(f"average='binary' needs binary targets; got {len(present)} "
                             "classes. Choose average='micro', 'macro' or 'weighted'.")
        if pos_label not in present.tolist() and len(present) == 2:
            raise ValueError(f"pos_label={pos_label!r} is not a label: {present.tolist()!r}.")
        labels = [pos_label]
    w = check_sample_weight_1d(sample_weight, len(y_true))
    # Per listed class c: tp = w-count of (true c, predicted c); pred and true count every sample
    # predicted c, and every sample of class c, whatever the other label is.
    lab = _labels(y_true, y_pred, labels).tolist()
    tp = np.array([w[(y_true == c) & (y_pred == c)].sum() for c in lab])
    pred = np.array([w[y_pred == c].sum() for c in lab])
    true = np.array([w[y_true == c].sum() for c in lab])
    if average == "micro":
        tp, pred, true = tp.sum(), pred.sum(), true.sum()
    precision = _divide(tp, pred, zero_division)
    recall = _divide(tp, true, zero_division)
    b2 = beta**2
    f = _divide((1 + b2) * tp, b2 * true + pred, zero_division)
    if average is None:
        return precision, recall, f, true
    if average in ("binary", "micro"):
        return (*(float(np.ravel(v)[0]) for v in (precision, recall, f)), None)
    weights = true if average == "weighted" else None
    if weights is not None and weights.sum() == 0:
        return float(zero_division), float(zero_division), float(zero_division), None
    return (*(float(np.average(v, weights=weights)) for v in (precision, recall, f)), None)


def precision_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
                    sample_weight=None, zero_division=0.0):
    """TP / (TP + FP): of the samples predicted positive, the fraction that are.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like, default=None
        Classes to score (default: the sorted labels seen in ``y_true`` and ``y_pred``); ignored
        when ``average="binary"``.
    pos_label : int, float, bool or str, default=1
        The positive class when ``average="binary"``.
    average : {"binary", "micro", "macro", "weighted", None}, default="binary"
        ``"binary"``: the score of ``pos_label`` only. ``"micro"``: from the counts pooled over
        classes. ``"macro"``: the plain mean of the per-class scores. ``"weighted"``: their mean
        weighted by support. ``None``: one score per class.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sample in the counts (default: one).
    zero_division : float, default=0.0
        The value of a ratio whose denominator is zero (a class never predicted).

    Returns
    -------
    float or ndarray of shape (n_classes,)
        A float unless ``average=None``.

    Notes
    -----
    Computed by :func:`precision_recall_fscore_support`: {eq}`eq-metrics-rates` of the evaluation
    metrics chapter. As ``sklearn.metrics.precision_score`` for one-dimensional labels, except that
    ``zero_division`` is a number (scikit-learn's default ``"warn"`` gives the same 0.0 with a
    warning; this function does not warn) and there is no multilabel input (nor
    ``average="samples"``).
    """
    return precision_recall_fscore_support(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division)[0]


def recall_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
                 sample_weight=None, zero_division=0.0):
    """TP / (TP + FN): of the positive samples, the fraction predicted positive.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like, default=None
        Classes to score (default: the sorted labels seen in ``y_true`` and ``y_pred``); ignored
        when ``average="binary"``.
    pos_label : int, float, bool or str, default=1
        The positive class when ``average="binary"``.
    average : {"binary", "micro", "macro", "weighted", None}, default="binary"
        ``"binary"``: the score of ``pos_label`` only. ``"micro"``: from the counts pooled over
        classes. ``"macro"``: the plain mean of the per-class scores. ``"weighted"``: their mean
        weighted by support. ``None``: one score per class.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sample in the counts (default: one).
    zero_division : float, default=0.0
        The value of a ratio whose denominator is zero (a class absent from ``y_true``).

    Returns
    -------
    float or ndarray of shape (n_classes,)
        A float unless ``average=None``.

    Notes
    -----
    Computed by :func:`precision_recall_fscore_support`: {eq}`eq-metrics-rates` of the evaluation
    metrics chapter. As ``sklearn.metrics.recall_score`` for one-dimensional labels, except that
    ``zero_division`` is a number (scikit-learn's default ``"warn"`` gives the same 0.0 with a
    warning; this function does not warn) and there is no multilabel input (nor
    ``average="samples"``).
    """
    return precision_recall_fscore_support(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division)[1]


def fbeta_score(y_true, y_pred, *, beta, labels=None, pos_label=1, average="binary",
                sample_weight=None, zero_division=0.0):
    """The weighted harmonic mean (1 + beta^2) P R / (beta^2 P + R) of precision and recall.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    beta : float
        Weight of recall relative to precision, >= 0 (keyword only, no default, as in
        scikit-learn): ``beta=0`` gives precision, ``beta -> inf`` recall.
    labels : array-like, default=None
        Classes to score (default: the sorted labels seen in ``y_true`` and ``y_pred``); ignored
        when ``average="binary"``.
    pos_label : int, float, bool or str, default=1
        The positive class when ``average="binary"``.
    average : {"binary", "micro", "macro", "weighted", None}, default="binary"
        ``"binary"``: the score of ``pos_label`` only. ``"micro"``: from the counts pooled over
        classes. ``"macro"``: the plain mean of the per-class scores. ``"weighted"``: their mean
        weighted by support. ``None``: one score per class.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sample in the counts (default: one).
    zero_division : float, default=0.0
        The value of a ratio whose denominator is zero (no sample of the class, true or
        predicted).

    Returns
    -------
    float or ndarray of shape (n_classes,)
        A float unless ``average=None``.

    Notes
    -----
    Computed by :func:`precision_recall_fscore_support`: {eq}`eq-metrics-fbeta`, in its count form,
    of the evaluation metrics chapter. As ``sklearn.metrics.fbeta_score`` for one-dimensional
    labels, except that ``zero_division`` is a number (scikit-learn's default ``"warn"`` gives the
    same 0.0 with a warning; this function does not warn) and there is no multilabel input (nor
    ``average="samples"``).
    """
    return precision_recall_fscore_support(
        y_true, y_pred, beta=beta, labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division)[2]


def f1_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary", sample_weight=None,
             zero_division=0.0):
    """The harmonic mean 2 P R / (P + R) of precision and recall (F-beta with beta = 1).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like, default=None
        Classes to score (default: the sorted labels seen in ``y_true`` and ``y_pred``); ignored
        when ``average="binary"``.
    pos_label : int, float, bool or str, default=1
        The positive class when ``average="binary"``.
    average : {"binary", "micro", "macro", "weighted", None}, default="binary"
        ``"binary"``: the score of ``pos_label`` only. ``"micro"``: from the counts pooled over
        classes. ``"macro"``: the plain mean of the per-class scores. ``"weighted"``: their mean
        weighted by support. ``None``: one score per class.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sample in the counts (default: one).
    zero_division : float, default=0.0
        The value of a ratio whose denominator is zero (no sample of the class, true or
        predicted).

    Returns
    -------
    float or ndarray of shape (n_classes,)
        A float unless ``average=None``.

    Notes
    -----
    Computed by :func:`precision_recall_fscore_support`: {eq}`eq-metrics-fbeta` with beta = 1, in
    its count form, of the evaluation metrics chapter. As ``sklearn.metrics.f1_score`` for
    one-dimensional labels, except that ``zero_division`` is a number (scikit-learn's default
    ``"warn"`` gives the same 0.0 with a warning; this function does not warn) and there is no
    multilabel input (nor ``average="samples"``).
    """
    return fbeta_score(y_true, y_pred, beta=1.0, labels=labels, pos_label=pos_label,
                       average=average, sample_weight=sample_weight, zero_division=zero_division)
