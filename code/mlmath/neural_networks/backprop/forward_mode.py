r"""Forward-mode automatic differentiation with dual numbers.

A dual number :math:`v + \dot v\,\tau` with :math:`\tau^2 = 0` carries a value :math:`v` and a
tangent :math:`\dot v`, the directional derivative of :math:`v` along one input direction (the
chapter writes :math:`\tau` for the dual unit). Every operation below maps the pair by the chain
rule (the tangent rule :math:`\dot v_i = \sum_{j} \partial_j \psi_i \, \dot v_j`, with
:math:`\psi_i` the elementary operation of node :math:`i`), so one evaluation of a function on
dual inputs returns its value and one Jacobian-vector product. Values and tangents are float64
arrays of the same shape; operations act elementwise, plus ``sum`` and indexing, which are
enough to write small functions of a vector.
"""

import numpy as np

from mlmath.validation import as_finite_array

__all__ = ["Dual", "jvp", "jacobian_forward"]


class Dual:
    r"""A dual number (or an array of them): a value and its tangent.

    Parameters
    ----------
    value : array-like
        The primal value :math:`v`.
    tangent : array-like, default=0.0
        The tangent :math:`\dot v`, broadcast to the shape of ``value``.

    Notes
    -----
    Implements the tangent rule {eq}`eq-backprop-tangent` of the backpropagation chapter, one
    elementary operation at a time.
    """

    __slots__ = ("value", "tangent")

    def __init__(self, value, tangent=0.0):
        self.value = np.array(value, dtype=np.float64)
        self.tangent = np.broadcast_to(np.asarray(tangent, dtype=np.float64),
                                       self.value.shape).copy()

    def __repr__(self):
        return f"Dual(value={self.value!r}, tangent={self.tangent!r})"

    # arithmetic: (u + u' e) op (w + w' e), the e^2 terms dropped
    def __add__(self, other):
        other = _lift(other)
        return Dual(self.value + other.value, self.tangent + other.tangent)

    __radd__ = __add__

    def __neg__(self):
        return Dual(-self.value, -self.tangent)

    def __sub__(self, other):
        return self + (-_lift(other))

    def __rsub__(self, other):
        return _lift(other) + (-self)

    def __mul__(self, other):
        other = _lift(other)
        return Dual(self.value * other.value,
                    self.tangent * other.value + self.value * other.tangent)

    __rmul__ = __mul__

    def __truediv__(self, other):
        other = _lift(other)
        quotient = self.value / other.value
        return Dual(quotient, (self.tangent - quotient * other.tangent) / other.value)

    def __rtruediv__(self, other):
        return _lift(other) / self

    def __pow__(self, exponent):
        if isinstance(exponent, Dual):  # u^w = exp(w log u), for u > 0
            return (exponent * self.log()).exp()
        p = float(exponent)
        if p == 0.0:  # u^0 = 1 is constant: tangent 0 (p u^(p-1) would be 0 * inf = NaN at u = 0)
            return Dual(np.ones_like(self.value), np.zeros_like(self.tangent))
        return Dual(self.value ** p, p * self.value ** (p - 1.0) * self.tangent)

    def __getitem__(self, index):
        return Dual(self.value[index], self.tangent[index])

    # elementary functions: value phi(u), tangent phi'(u) u'
    def exp(self):
        """Elementwise exponential."""
        e = np.exp(self.value)
        return Dual(e, e * self.tangent)

    def log(self):
        """Elementwise natural logarithm."""
        return Dual(np.log(self.value), self.tangent / self.value)

    def sin(self):
        """Elementwise sine."""
        return Dual(np.sin(self.value), np.cos(self.value) * self.tangent)

    def cos(self):
        """Elementwise cosine."""
        return Dual(np.cos(self.value), -np.sin(self.value) * self.tangent)

    def tanh(self):
        """Elementwise hyperbolic tangent."""
        t = np.tanh(self.value)
        return Dual(t, (1.0 - t * t) * self.tangent)

    def sigmoid(self):
        """Elementwise logistic sigmoid, without overflow and with full relative accuracy.

        With ``e = exp(-|u|)`` (never above 1), the value is ``1 / (1 + e)`` for ``u >= 0`` and
        ``e / (1 + e)`` for ``u < 0``, and the derivative ``s (1 - s)`` is ``e / (1 + e)**2`` on
        both sides: no difference of nearly equal numbers, so small values keep their digits.
        """
        with np.errstate(under="ignore"):  # exp(-|u|) -> 0 for |u| > 745 is the right limit
            e = np.exp(-np.abs(self.value))
            slope = e / (1.0 + e) ** 2
        s = np.where(self.value >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
        return Dual(s, slope * self.tangent)

    def sum(self):
        """Sum of all entries (a linear map: the tangent is summed too)."""
        return Dual(self.value.sum(), self.tangent.sum())


def _lift(x):
    """A constant as a dual number with tangent zero."""
    return x if isinstance(x, Dual) else Dual(x, 0.0)


def jvp(f, x, v):
    r"""Value and Jacobian-vector product of ``f`` at ``x`` along ``v``, in one forward pass.

    Parameters
    ----------
    f : callable
        Maps a :class:`Dual` of shape (n,) to a :class:`Dual` (scalar or of shape (m,)), using
        the operations of :class:`Dual` only.
    x : array-like of shape (n,)
        The point.
    v : array-like of shape (n,)
        The input direction.

    Returns
    -------
    value : ndarray of shape () or (m,)
        :math:`f(\vx)`.
    tangent : ndarray of shape () or (m,)
        :math:`\mJ_f(\vx)\,\vv`.

    Notes
    -----
    Implements {eq}`eq-backprop-tangent` of the backpropagation chapter with the input tangents
    seeded to ``v``.
    """
    x = as_finite_array(x, "x", ndim=1, min_size=1)
    v = as_finite_array(v, "v", ndim=1, shape=(x.shape[0],))
    out = f(Dual(x, v))
    if not isinstance(out, Dual):
        raise TypeError(f"f must return a Dual; got {type(out).__name__}.")
    return out.value, out.tangent


def jacobian_forward(f, x):
    r"""The Jacobian of ``f`` at ``x`` by forward mode: one pass per input direction.

    Parameters
    ----------
    f : callable
        As in :func:`jvp`.
    x : array-like of shape (n,)

    Returns
    -------
    ndarray of shape (m, n), or (n,) when ``f`` is scalar
        Column :math:`j` is :math:`\mJ_f(\vx)\,\ve_j`, the result of pass :math:`j`.

    Notes
    -----
    Implements the forward-mode cost count of {eq}`eq-backprop-mode-costs` of the
    backpropagation chapter: ``n`` evaluations of {eq}`eq-backprop-tangent`.
    """
    x = as_finite_array(x, "x", ndim=1, min_size=1)
    columns = [jvp(f, x, e)[1] for e in np.eye(x.shape[0])]
    return np.stack(columns, axis=-1)
