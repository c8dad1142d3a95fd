"""Elementwise operations and their vector-Jacobian products.

The Jacobian of an elementwise map is diagonal, so its VJP is an elementwise product:
``g * f'(x)``. A binary operation broadcasts its operands as NumPy does; broadcasting copies
entries, so the backward sums each operand's adjoint over the broadcast axes (``unbroadcast``).
"""

import numpy as np

from mlmath.autograd.tensor import as_tensor, record, unbroadcast

__all__ = ["add", "sub", "mul", "div", "power", "neg", "exp", "log", "tanh", "sigmoid", "relu"]


def _broadcast_shape(a, b, name):
    try:
        return np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(f"{name}: operands of shapes {a.shape} and {b.shape} do not "
                         "broadcast together.") from None


def add(a, b):
    """``a + b``, broadcasting.

    Parameters
    ----------
    a, b : Tensor or array_like
        The operands (an operand that is not a Tensor is a constant).

    Returns
    -------
    Tensor
    """
    a, b = as_tensor(a), as_tensor(b)
    _broadcast_shape(a, b, "add")

    def backward(g):  # d(a + b)/da = d(a + b)/db = I: the VJP passes g through
        return unbroadcast(g, a.shape), unbroadcast(g, b.shape)

    return record(a.data + b.data, (a, b), backward)


def sub(a, b):
    """``a - b``, broadcasting.

    Parameters
    ----------
    a, b : Tensor or array_like
        The operands.

    Returns
    -------
    Tensor
    """
    a, b = as_tensor(a), as_tensor(b)
    _broadcast_shape(a, b, "sub")

    def backward(g):  # VJP: (g, -g)
        return unbroadcast(g, a.shape), unbroadcast(-g, b.shape)

    return record(a.data - b.data, (a, b), backward)


def mul(a, b):
    """``a * b`` (elementwise), broadcasting.

    Parameters
    ----------
    a, b : Tensor or array_like
        The operands.

    Returns
    -------
    Tensor
    """
    a, b = as_tensor(a), as_tensor(b)
    _broadcast_shape(a, b, "mul")
    x, y = a.data, b.data  # the forward's arrays, kept for the backward

    def backward(g):  # VJP: (g * b, g * a)
        grad_a = unbroadcast(g * y, a.shape) if a.requires_grad else None
        grad_b = unbroadcast(g * x, b.shape) if b.requires_grad else None
        return grad_a, grad_b

    return record(x * y, (a, b), backward)


def div(a, b):
    """``a / b`` (elementwise), broadcasting.

    Parameters
    ----------
    a, b : Tensor or array_like
        The numerator and denominator.

    Returns
    -------
    Tensor
    """
    a, b = as_tensor(a), as_tensor(b)
    _broadcast_shape(a, b, "div")
    x, y = a.data, b.data

    def backward(g):  # VJP: (g / b, -g * a / b**2), the latter as (a / b) / b: b**2 may underflow
        return unbroadcast(g / y, a.shape), unbroadcast(-g * (x / y) / y, b.shape)

    return record(x / y, (a, b), backward)


def power(a, b):
    """``a ** b`` (elementwise), broadcasting; ``b`` may be a number or a Tensor.

    Parameters
    ----------
    a, b : Tensor or array_like
        The base and the exponent.

    Returns
    -------
    Tensor

    Notes
    -----
    The derivative in the exponent, ``a**b * log(a)``, is computed only when ``b`` requires
    grad (it is NaN for a negative base, as in torch). At the edges torch's conventions are
    kept: ``d(a**0)/da = 0`` for every ``a`` (also ``a = 0``, where ``0 * 0**-1`` would be NaN),
    and ``d(0**b)/db = 0`` for ``b >= 0`` (where ``0**b * log 0`` would be NaN or ``-inf``; for
    ``b > 0`` it is the limit as ``a -> 0+``).
    """
    a, b = as_tensor(a), as_tensor(b)
    _broadcast_shape(a, b, "power")
    x, y = a.data, b.data
    out = x**y

    def backward(g):  # VJP: (g * b * a**(b-1), g * a**b * log(a))
        grad_a = grad_b = None
        if a.requires_grad:  # exponent 0 where b = 0, so that b * a**(...) is 0 there
            grad_a = unbroadcast(g * y * x ** np.where(y == 0, 0.0, y - 1), a.shape)
        if b.requires_grad:  # log(1) = 0 where a = 0 <= b, so that the product is 0 there
            grad_b = unbroadcast(g * out * np.log(np.where((x == 0) & (y >= 0), 1.0, x)), b.shape)
        return grad_a, grad_b

    return record(out, (a, b), backward)


def neg(a):
    """``-a``.

    Parameters
    ----------
    a : Tensor

    Returns
    -------
    Tensor
    """

    def backward(g):  # VJP: -g
        return (-g,)

    return record(-a.data, (a,), backward)


def exp(a):
    """Elementwise ``exp(a)``.

    Parameters
    ----------
    a : Tensor

    Returns
    -------
    Tensor
    """
    out = np.exp(a.data)

    def backward(g):  # exp' = exp, VJP: g * exp(a)
        return (g * out,)

    return record(out, (a,), backward)


def log(a):
    """Elementwise natural logarithm (``-inf`` at 0, NaN below, as NumPy).

    Parameters
    ----------
    a : Tensor

    Returns
    -------
    Tensor
    """
    x = a.data

    def backward(g):  # VJP: g / a
        return (g / x,)

    return record(np.log(x), (a,), backward)


def tanh(a):
    """Elementwise hyperbolic tangent.

    Parameters
    ----------
    a : Tensor

    Returns
    -------
    Tensor
    """
    out = np.tanh(a.data)

    def backward(g):  # tanh' = 1 - tanh**2, VJP: g * (1 - out**2)
        return (g * (1.0 - out**2),)

    return record(out, (a,), backward)


def sigmoid(a):
    """Elementwise logistic sigmoid ``1 / (1 + exp(-a))``, without overflow for any ``a``.

    Parameters
    ----------
    a : Tensor

    Returns
    -------
    Tensor

    Notes
    -----
    With ``e = exp(-|a|)`` (never above 1), ``sigmoid(a) = 1 / (1 + e)`` for ``a >= 0`` and
    ``e / (1 + e)`` for ``a < 0``.
    """
    e = np.exp(-np.abs(a.data))
    out = np.where(a.data >= 0, 1.0, e) / (1.0 + e)

    def backward(g):  # sigmoid' = sigmoid (1 - sigmoid), VJP: g * out * (1 - out)
        return (g * out * (1.0 - out),)

    return record(out, (a,), backward)


def relu(a):
    """Elementwise ``max(a, 0)``.

    Parameters
    ----------
    a : Tensor

    Returns
    -------
    Tensor
    """
    x = a.data

    def backward(g):  # relu' = 1 where a > 0, else 0 (0 at a = 0, as torch): VJP g * [a > 0]
        return (g * (x > 0),)

    return record(np.maximum(x, 0.0), (a,), backward)
