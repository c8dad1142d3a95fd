"""Input checks shared by the metrics: one-dimensional, equal length, finite, non-empty."""

import numpy as np

from mlmath.validation import check_sample_weight

__all__ = ["check_1d_pair", "check_sample_weight_1d", "binary_targets", "has_default_positive"]


def check_1d_pair(y_true, y_other, *, other_name="y_pred", numeric_other=False):
    """Return ``y_true`` and ``y_other`` as 1-D arrays of equal, non-zero length.

    Raises ``ValueError`` naming the problem (shape, length, emptiness, NaN or infinity in a
    numeric array) rather than returning a silently wrong score.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels or values.
    y_other : array-like of shape (n_samples,)
        The array compared with ``y_true``: predictions, scores or probabilities.
    other_name : str, default="y_pred"
        The name of ``y_other`` in the error messages.
    numeric_other : bool, default=False
        Require ``y_other`` to be numeric (bool, integer or float) and return it as float64.

    Returns
    -------
    y_true : ndarray of shape (n_samples,)
        Unchanged dtype.
    y_other : ndarray of shape (n_samples,)
        Float64 when ``numeric_other``, otherwise its own dtype.
    """
    y_true = np.asarray(y_true)
    y_other = np.asarray(y_other)
    for name, arr in (("y_true", y_true), (other_name, y_other)):
        if arr.ndim != 1:
            raise ValueError(f"{name} must be one-dimensional; got shape {arr.shape}.")
        if arr.size == 0:
            raise ValueError(f"{name} is empty: a metric needs at least one sample.")
        if arr.dtype.kind in "fc" and not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} contains NaN or infinity.")
    if len(y_true) != len(y_other):
        raise ValueError(
            f"y_true and {other_name} have different lengths: {len(y_true)} and {len(y_other)}."
        )
    if numeric_other:
        if y_other.dtype.kind not in "biuf":
            raise ValueError(f"{other_name} must be numeric; got dtype {y_other.dtype}.")
        y_other = y_other.astype(float)
    return y_true, y_other


def check_sample_weight_1d(sample_weight, n_samples):
    """Unit weights when ``None``; else finite, non-negative, not all zero, one per sample.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,), float or None
        The weights; ``None`` gives ones and a float gives every sample that weight (see
        :func:`mlmath.validation.check_sample_weight`).
    n_samples : int
        The number of samples the weights must match.

    Returns
    -------
    ndarray of shape (n_samples,)
        Float64 weights.
    """
    return check_sample_weight(sample_weight, n_samples)

def has_default_positive(labels):
    """Whether the sorted distinct ``labels`` are {0, 1}, {-1, 1} or a single one of 0, 1, -1.

    Then ``pos_label=None`` means 1, as in scikit-learn (a lone 0 or -1 has no positive sample).

    Parameters
    ----------
    labels : ndarray of shape (n_labels,)
        The sorted distinct labels of ``y_true`` (as ``np.unique`` returns them).

    Returns
    -------
    bool
        ``False`` for non-numeric labels.
    """
    if labels.dtype.kind not in "biuf":
        return False
    return labels.tolist() in ([0, 1], [-1, 1], [0], [1], [-1])


def binary_targets(y_true, pos_label):
    """Boolean array ``y_true == pos_label`` for a target with at most two labels.

    ``pos_label=None`` means 1, and the labels must then be numeric ``{0, 1}``, ``{-1, 1}`` or a
    single one of them, as scikit-learn requires.

    Parameters
    ----------
    y_true : ndarray of shape (n_samples,)
        Labels, at most two distinct values.
    pos_label : int, float, bool, str or None
        The positive label. With two labels in ``y_true`` it must be one of them; with one it
        may be absent (then no sample is positive).

    Returns
    -------
    ndarray of bool of shape (n_samples,)
        ``True`` where the sample is positive.
    """
    labels = np.unique(y_true)
    if len(labels) > 2:
        raise ValueError(
            f"A binary metric got {len(labels)} classes in y_true: {labels.tolist()!r}."
        )
    if pos_label is None:
        if not has_default_positive(labels):
            raise ValueError(
                f"y_true takes values {labels.tolist()!r}: pass pos_label to say which label is "
                "the positive class (pos_label=None means 1 for labels in {0, 1} or {-1, 1})."
            )
        pos_label = 1
    elif pos_label not in labels.tolist() and len(labels) == 2:
        raise ValueError(f"pos_label={pos_label!r} is not a label of y_true: {labels.tolist()!r}.")
    return y_true == pos_label
