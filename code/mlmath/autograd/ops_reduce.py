"""Reductions (sum, mean, max) and the softmax family, with their vector-Jacobian products.

A reduction's adjoint is spread back over the entries it reduced: each entry of a sum
contributes with derivative 1, of a mean with ``1/m``, of a maximum with 1 if it is the maximum
(shared equally among ties, as ``torch.amax``). Softmax, log-softmax and cross-entropy subtract
the maximum first, so that no exponential overflows.
"""

import numpy as np

from mlmath.autograd.tensor import Tensor, normalize_axes, record

__all__ = ["sum", "mean", "max", "softmax", "log_softmax", "cross_entropy"]


def _expand(g, shape, axes, keepdims):
    """The adjoint ``g`` of a reduction over ``axes``, broadcast back to the input's shape."""
    if not keepdims:
        g = np.expand_dims(g, axes)
    return np.broadcast_to(g, shape)


def sum(a, axis=None, keepdims=False):
    """Sum of the entries of ``a`` over ``axis``.

    Parameters
    ----------
    a : Tensor
    axis : int, tuple of int or None, default=None
        The axes summed over (``None``: all).
    keepdims : bool, default=False
        Whether the summed axes are kept with length 1.

    Returns
    -------
    Tensor
    """
    axes = normalize_axes(axis, a.ndim)

    def backward(g):  # every summand has derivative 1: VJP copies g along the summed axes
        return (_expand(g, a.shape, axes, keepdims),)

    return record(a.data.sum(axis=axes, keepdims=keepdims), (a,), backward)


def mean(a, axis=None, keepdims=False):
    """Mean of the entries of ``a`` over ``axis``.

    Parameters
    ----------
    a : Tensor
    axis : int, tuple of int or None, default=None
        The axes averaged over (``None``: all).
    keepdims : bool, default=False
        Whether the averaged axes are kept with length 1.

    Returns
    -------
    Tensor
    """
    axes = normalize_axes(axis, a.ndim)
    count = int(np.prod([a.shape[i] for i in axes]))

    def backward(g):  # each of the `count` entries has derivative 1/count
        return (_expand(g / count, a.shape, axes, keepdims),)

    return record(a.data.mean(axis=axes, keepdims=keepdims), (a,), backward)


def max(a, axis=None, keepdims=False):
    """Maximum of the entries of ``a`` over ``axis``.

    Parameters
    ----------
    a : Tensor
    axis : int, tuple of int or None, default=None
        The axes reduced (``None``: all).
    keepdims : bool, default=False
        Whether the reduced axes are kept with length 1.

    Returns
    -------
    Tensor

    Notes
    -----
    The gradient goes to the entries equal to the maximum, shared equally among ties
    (``torch.amax``'s convention; a subgradient where the maximum is not unique).
    """
    axes = normalize_axes(axis, a.ndim)
    x = a.data
    top = x.max(axis=axes, keepdims=True)

    def backward(g):  # VJP: g to the argmax entries, divided by the number of ties
        is_max = x == top
        share = is_max / is_max.sum(axis=axes, keepdims=True)
        return (share * _expand(g, a.shape, axes, keepdims),)

    out = top if keepdims else np.squeeze(top, axis=axes)
    return record(out, (a,), backward)


def softmax(a, axis=-1):
    """``exp(a) / sum(exp(a))`` along ``axis``, computed as ``exp(a - max a)`` (no overflow).

    Parameters
    ----------
    a : Tensor
    axis : int, default=-1
        The axis along which the result sums to one.

    Returns
    -------
    Tensor of ``a``'s shape

    Notes
    -----
    The backward implements {eq}`eq-backprop-softmax-vjp` of the chapter.
    """
    e = np.exp(a.data - a.data.max(axis=axis, keepdims=True))
    s = e / e.sum(axis=axis, keepdims=True)

    def backward(g):  # Jacobian diag(s) - s s^T, VJP: s * (g - <g, s>)
        return (s * (g - (g * s).sum(axis=axis, keepdims=True)),)

    return record(s, (a,), backward)


def _log_softmax(x, axis):
    """``x - logsumexp(x)`` along ``axis``, with the maximum subtracted first."""
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def log_softmax(a, axis=-1):
    """``a - log(sum(exp(a)))`` along ``axis``, without overflow.

    Parameters
    ----------
    a : Tensor
    axis : int, default=-1
        The axis of the softmax.

    Returns
    -------
    Tensor of ``a``'s shape

    Notes
    -----
    The backward implements {eq}`eq-backprop-log-softmax-vjp` of the chapter.
    """
    out = _log_softmax(a.data, axis)

    def backward(g):  # Jacobian I - 1 s^T (s = softmax), VJP: g - s * sum(g)
        return (g - np.exp(out) * g.sum(axis=axis, keepdims=True),)

    return record(out, (a,), backward)


def cross_entropy(logits, target):
    """Mean cross-entropy of integer class labels under the softmax of ``logits``.

    Equal to ``torch.nn.functional.cross_entropy(logits, target)`` (reduction "mean").

    Parameters
    ----------
    logits : Tensor of shape (n, K)
        Unnormalised log-probabilities of the ``K`` classes for ``n`` samples.
    target : ndarray of int, shape (n,)
        The class of each sample, in ``{0, ..., K-1}`` (not a Tensor).

    Returns
    -------
    Tensor of shape ()
        ``-(1/n) sum_i log softmax(logits_i)[target_i]``.

    Notes
    -----
    The backward is fused: with ``S`` the row-wise softmax and ``Y`` the one-hot targets, the
    gradient with respect to the logits is ``(S - Y) / n``, {eq}`eq-backprop-ce-softmax` of the
    chapter.
    """
    if not isinstance(logits, Tensor):
        raise TypeError(f"logits must be a Tensor; got {type(logits).__name__}.")
    if logits.ndim != 2:
        raise ValueError(f"logits must have shape (n, K); got shape {logits.shape}.")
    n, k = logits.shape
    if k == 0:
        raise ValueError(f"logits must have at least one class (K >= 1); got shape {logits.shape}.")
    if isinstance(target, Tensor):
        raise TypeError("target must be an integer ndarray of class labels, not a Tensor (a "
                        "Tensor holds float64): pass the labels as np.asarray(y, dtype=int).")
    target = np.asarray(target)
    if target.dtype == bool or not np.issubdtype(target.dtype, np.integer):
        raise ValueError(f"target must be an array of integer class labels; got dtype "
                         f"{target.dtype} (convert with .astype(int) if the values are whole).")
    if target.shape != (n,):
        raise ValueError(f"target must have shape ({n},) to match logits {logits.shape}; "
                         f"got {target.shape}.")
    if n == 0:
        raise ValueError("cross_entropy needs at least one sample; got n = 0.")
    if target.min() < 0 or target.max() >= k:
        raise ValueError(f"target labels must lie in {{0, ..., {k - 1}}}; got values from "
                         f"{target.min()} to {target.max()}.")
    rows = np.arange(n)
    log_p = _log_softmax(logits.data, axis=1)

    def backward(g):  # VJP: g * (softmax(logits) - onehot(target)) / n
        grad = np.exp(log_p)
        grad[rows, target] -= 1.0
        return (g * grad / n,)

    return record(-log_p[rows, target].mean(), (logits,), backward)
