"""Numerically stable elementary functions shared across the book.

Each function works on any float array, never overflows for large arguments and never returns
``nan`` for finite input: the exponentials are always taken of non-positive numbers.
"""

import numpy as np

__all__ = ["logsumexp", "softmax", "log_softmax", "sigmoid", "log_sigmoid"]


def _as_float_array(a, name):
    arr = np.asarray(a)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}.")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real, got a complex array.")
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    return arr


def _check_nonempty_axis(arr, axis, name):
    if arr.size == 0:
        raise ValueError(f"{name} is empty: the reduction is undefined for an empty array.")
    if axis is not None and arr.ndim == 0:
        raise ValueError(f"{name} is a scalar: there is no axis {axis} to reduce over.")


def logsumexp(a, axis=None, keepdims=False):
    r"""Compute :math:`\log \sum_k \exp(a_k)` without overflow.

    Uses :math:`\log\sum_k e^{a_k} = m + \log\sum_k e^{a_k - m}` with :math:`m = \max_k a_k`,
    so every exponential lies in :math:`(0, 1]`.

    Parameters
    ----------
    a : array-like
        Input values.
    axis : int or None, default=None
        Axis to reduce over; ``None`` reduces over all entries.
    keepdims : bool, default=False
        Keep the reduced axis with length one.

    Returns
    -------
    out : ndarray or float
        The log of the sum of exponentials. ``-inf`` entries in ``a`` contribute nothing; a
        slice of only ``-inf`` gives ``-inf``.
    """
    a = _as_float_array(a, "a")
    _check_nonempty_axis(a, axis, "a")
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
    if not keepdims:
        out = np.squeeze(out, axis=axis) if axis is not None else out.reshape(())
    return out if out.ndim else float(out)


def log_softmax(a, axis=-1):
    r"""Compute :math:`a_k - \log\sum_l \exp(a_l)` along ``axis``, stably.

    Parameters
    ----------
    a : array-like
        Scores (logits).
    axis : int, default=-1
        Axis along which the entries are normalised.

    Returns
    -------
    out : ndarray of the same shape as ``a``
    """
    a = _as_float_array(a, "a")
    _check_nonempty_axis(a, axis, "a")
    return a - logsumexp(a, axis=axis, keepdims=True)


def softmax(a, axis=-1):
    r"""Compute :math:`\exp(a_k) / \sum_l \exp(a_l)` along ``axis``, stably.

    Parameters
    ----------
    a : array-like
        Scores (logits).
    axis : int, default=-1
        Axis along which the entries sum to one.

    Returns
    -------
    out : ndarray of the same shape as ``a``
        Non-negative entries summing to one along ``axis``.
    """
    return np.exp(log_softmax(a, axis=axis))


def sigmoid(x):
    r"""Compute the logistic function :math:`1 / (1 + e^{-x})` without overflow.

    For :math:`x \ge 0` it evaluates :math:`1/(1+e^{-x})`; for :math:`x < 0` the equal form
    :math:`e^{x}/(1+e^{x})`, so the exponential is never of a positive number.

    Parameters
    ----------
    x : array-like or float

    Returns
    -------
    out : ndarray or float
        Values in :math:`[0, 1]`.
    """
    x = _as_float_array(x, "x")
    z = np.exp(-np.abs(x))
    out = np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))
    return out if out.ndim else float(out)


def log_sigmoid(x):
    r"""Compute :math:`\log(1 / (1 + e^{-x})) = -\log(1 + e^{-x})` without overflow.

    Uses :math:`-\log(1+e^{-x}) = \min(x, 0) - \log(1 + e^{-|x|})`.

    Parameters
    ----------
    x : array-like or float

    Returns
    -------
    out : ndarray or float
        Values in :math:`(-\infty, 0]`.
    """
    x = _as_float_array(x, "x")
    out = np.minimum(x, 0.0) - np.log1p(np.exp(-np.abs(x)))
    return out if out.ndim else float(out)
