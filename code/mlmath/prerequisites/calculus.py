r"""Numerical derivatives and the second-order (Newton) step of boosting.

The calculus chapter (``book/prerequisites/calculus.md``) derives the matrix-calculus identities
that the book uses and checks each of them with the central-difference derivatives defined here:
:func:`numerical_gradient`, :func:`numerical_jacobian` and :func:`numerical_hessian`, and the
relative error of an analytic gradient, :func:`check_gradient`. The step sizes are the ones the
chapter derives from the trade-off between truncation and rounding error. The last two functions
are the closed forms of the chapter's second-order expansion of a loss in the prediction: the
optimal value of a leaf, :func:`leaf_weight`, and the gain of a split, :func:`split_gain`.
"""

from numbers import Real

import numpy as np

from mlmath.validation import Interval, as_finite_array, check_callable, check_parameter

__all__ = [
    "numerical_gradient",
    "numerical_jacobian",
    "numerical_hessian",
    "check_gradient",
    "leaf_weight",
    "split_gain",
]

EPS = np.finfo(np.float64).eps


# ---------------------------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------------------------

def _point(x, name, *, ndim=None):
    """``x`` as a finite, non-empty float array (a derivative needs a point to be taken at)."""
    arr = as_finite_array(x, name, ndim=ndim)
    if arr.size == 0:
        raise ValueError(f"{name} is empty.")
    return arr


_STEP = [None, Interval(Real, 0, None, closed="neither")]


def _steps(x, h, power):
    """Per-coordinate steps: ``h`` if given, else ``eps**power * max(1, |x_j|)``."""
    if h is not None:
        return np.full(x.shape, h)
    return EPS**power * np.maximum(1.0, np.abs(x))


def _scalar_value(f, x, name="f"):
    value = np.asarray(f(x), dtype=np.float64)
    if value.size != 1:
        raise ValueError(f"{name} must return a scalar, got an array of shape {value.shape}.")
    return float(value.reshape(()))


# ---------------------------------------------------------------------------------------------
# numerical derivatives
# ---------------------------------------------------------------------------------------------

def numerical_gradient(f, x, h=None):
    r"""Gradient of a scalar function by central differences.

    Parameters
    ----------
    f : callable
        ``f(x) -> float`` for an array ``x`` of the shape of ``x`` (a vector or a matrix).
    x : array-like of any shape
        The point, finite.
    h : float or None, default=None
        The step. ``None`` uses :math:`h_j = \epsilon_{\mathrm{mach}}^{1/3}\max(1, |x_j|)` per
        entry, the step that balances truncation and rounding error.

    Returns
    -------
    grad : ndarray of the shape of ``x``
        Entry ``j`` is :math:`(f(x + h_j e_j) - f(x - h_j e_j)) / (2 h_j)`: the gradient in the
        book's layout (same shape as ``x``).

    Notes
    -----
    Implements the central difference {eq}`eq-calc-central-difference` with the step
    {eq}`eq-calc-optimal-step` of the calculus chapter; costs ``2 x.size`` calls of ``f``.
    """
    check_callable(f, "f")
    x = _point(x, "x")
    steps = _steps(x, check_parameter(h, "h", _STEP, owner="numerical_gradient"), 1.0 / 3.0)
    flat, hs = x.ravel(), steps.ravel()
    grad = np.empty(flat.size)
    for j in range(flat.size):
        xp, xm = flat.copy(), flat.copy()
        xp[j] += hs[j]
        xm[j] -= hs[j]
        grad[j] = (_scalar_value(f, xp.reshape(x.shape))
                   - _scalar_value(f, xm.reshape(x.shape))) / (xp[j] - xm[j])
    return grad.reshape(x.shape)


def numerical_jacobian(f, x, h=None):
    r"""Jacobian of a vector (or matrix) valued function by central differences.

    Parameters
    ----------
    f : callable
        ``f(x) -> array`` of any fixed shape, for ``x`` of the shape of ``x``.
    x : array-like of any shape
        The point, finite.
    h : float or None, default=None
        The step; ``None`` uses :math:`\epsilon_{\mathrm{mach}}^{1/3}\max(1, |x_j|)` per entry.

    Returns
    -------
    jac : ndarray of shape (m, d)
        ``jac[k, j]`` is :math:`\partial f_k / \partial x_j`, with ``m = f(x).size`` and
        ``d = x.size``; matrices are flattened in row-major (C) order, as ``ravel`` does.

    Notes
    -----
    The layout is the Jacobian's {eq}`eq-calc-jacobian` (one row per output); each column is a
    central difference {eq}`eq-calc-central-difference`.
    """
    check_callable(f, "f")
    x = _point(x, "x")
    steps = _steps(x, check_parameter(h, "h", _STEP, owner="numerical_jacobian"), 1.0 / 3.0)
    flat, hs = x.ravel(), steps.ravel()
    m = np.asarray(f(x), dtype=np.float64).size
    jac = np.empty((m, flat.size))
    for j in range(flat.size):
        xp, xm = flat.copy(), flat.copy()
        xp[j] += hs[j]
        xm[j] -= hs[j]
        fp = np.asarray(f(xp.reshape(x.shape)), dtype=np.float64).ravel()
        fm = np.asarray(f(xm.reshape(x.shape)), dtype=np.float64).ravel()
        if fp.size != m or fm.size != m:
            raise ValueError("f must return arrays of one fixed size.")
        jac[:, j] = (fp - fm) / (xp[j] - xm[j])
    return jac


def numerical_hessian(f, x, h=None):
    r"""Hessian of a scalar function of a vector by central differences.

    Parameters
    ----------
    f : callable
        ``f(x) -> float`` for ``x`` of shape (d,).
    x : array-like of shape (d,)
        The point, finite.
    h : float or None, default=None
        The step; ``None`` uses :math:`h_j = \epsilon_{\mathrm{mach}}^{1/4}\max(1, |x_j|)`, the
        step that balances the :math:`O(h^2)` truncation error against the
        :math:`O(\epsilon_{\mathrm{mach}}/h^2)` rounding error of a second difference.

    Returns
    -------
    hess : ndarray of shape (d, d)
        Symmetric; entry :math:`(j, k)` is
        :math:`[f(x + h_j e_j + h_k e_k) - f(x + h_j e_j - h_k e_k) - f(x - h_j e_j + h_k e_k)
        + f(x - h_j e_j - h_k e_k)] / (4 h_j h_k)`.

    Notes
    -----
    The formula is the central difference {eq}`eq-calc-central-difference` applied twice, once
    in each coordinate; it is symmetric in :math:`(j, k)` as the Hessian
    {eq}`eq-calc-hessian` is. Costs :math:`2d(d+1)` calls of ``f``.
    """
    check_callable(f, "f")
    x = _point(x, "x", ndim=1)
    hs = _steps(x, check_parameter(h, "h", _STEP, owner="numerical_hessian"), 0.25)
    d = x.size
    E = np.diag(hs)
    hess = np.empty((d, d))
    for j in range(d):
        for k in range(j, d):
            value = (_scalar_value(f, x + E[j] + E[k]) - _scalar_value(f, x + E[j] - E[k])
                     - _scalar_value(f, x - E[j] + E[k]) + _scalar_value(f, x - E[j] - E[k]))
            hess[j, k] = hess[k, j] = value / (4.0 * hs[j] * hs[k])
    return hess


def check_gradient(f, grad, x, h=None):
    r"""Relative error between an analytic gradient and its central-difference approximation.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``.
    grad : callable
        ``grad(x) -> array`` of the shape of ``x``: the gradient to check.
    x : array-like of any shape
        The point, finite.
    h : float or None, default=None
        The step of :func:`numerical_gradient`.

    Returns
    -------
    error : float
        :math:`\|g - \hat g\| / \max(\|g\|, \|\hat g\|)`, with :math:`g` = ``grad(x)`` and
        :math:`\hat g` the numerical gradient (0 when both vanish). A correct gradient gives
        about :math:`\epsilon_{\mathrm{mach}}^{2/3} \approx 10^{-10}` or less on a well-scaled
        problem; a wrong one, a number of order one.

    Notes
    -----
    The accuracy to expect is the bound {eq}`eq-calc-total-error` of the calculus chapter.
    """
    check_callable(grad, "grad")
    x = _point(x, "x")
    numeric = numerical_gradient(f, x, h)
    analytic = np.asarray(grad(x), dtype=np.float64)
    if analytic.shape != x.shape:
        raise ValueError(f"grad must return an array of shape {x.shape}, got {analytic.shape}.")
    scale = max(np.linalg.norm(analytic), np.linalg.norm(numeric))
    if scale == 0.0:
        return 0.0
    return float(np.linalg.norm(analytic - numeric) / scale)


# ---------------------------------------------------------------------------------------------
# the second-order step of boosting
# ---------------------------------------------------------------------------------------------

def _gradients_hessians(g, h, alpha, owner):
    """The per-sample first and second derivatives of a convex loss, and the ridge weight."""
    g = _point(g, "g", ndim=1)
    h = _point(h, "h", ndim=1)
    if g.shape != h.shape:
        raise ValueError(f"g and h must have the same shape, got {g.shape} and {h.shape}.")
    if np.any(h < 0):
        raise ValueError("h must be non-negative (second derivatives of a convex loss).")
    alpha = float(check_parameter(alpha, "alpha", [Interval(Real, 0, None, closed="left")],
                                  owner=owner))
    return g, h, alpha


def _leaf_score(G, H, alpha):
    if H + alpha <= 0:
        raise ValueError("the sum of h plus alpha must be > 0: the quadratic has no minimiser.")
    return G * G / (H + alpha)


def leaf_weight(g, h, alpha=0.0):
    r"""Optimal value of one leaf under the second-order model of the loss.

    Parameters
    ----------
    g : array-like of shape (n_leaf,)
        First derivatives :math:`\ell'_i` of the loss in the prediction, for the samples of the
        leaf (XGBoost's :math:`g_i`).
    h : array-like of shape (n_leaf,)
        Second derivatives :math:`\ell''_i \ge 0` (XGBoost's :math:`h_i`).
    alpha : float, default=0.0
        L2 penalty on the leaf value (XGBoost's ``reg_lambda``); :math:`H + \alpha` must be > 0.

    Returns
    -------
    c : float
        The minimiser :math:`-G/(H + \alpha)` of :math:`Gc + \frac12(H + \alpha)c^2`, with
        :math:`G = \sum_i \ell'_i`, :math:`H = \sum_i \ell''_i`.
    objective : float
        The minimum value, :math:`-\frac12 G^2/(H + \alpha)`.

    Notes
    -----
    Implements {eq}`eq-calc-leaf-weight` of the calculus chapter (Chen and Guestrin, 2016).
    """
    g, h, alpha = _gradients_hessians(g, h, alpha, "leaf_weight")
    G, H = g.sum(), h.sum()
    score = _leaf_score(G, H, alpha)
    return float(-G / (H + alpha)), float(-0.5 * score)


def split_gain(g, h, left, alpha=0.0, min_split_loss=0.0):
    r"""Decrease of the second-order objective when a leaf is split in two.

    Parameters
    ----------
    g, h : array-like of shape (n_leaf,)
        First and second derivatives of the loss for the samples of the leaf (``h >= 0``).
    left : array-like of bool, shape (n_leaf,)
        ``True`` for the samples sent to the left child; both children must be non-empty.
    alpha : float, default=0.0
        L2 penalty on the leaf values (XGBoost's ``reg_lambda``).
    min_split_loss : float, default=0.0
        Cost :math:`\vartheta \ge 0` of one extra leaf (XGBoost's ``gamma``).

    Returns
    -------
    gain : float
        :math:`\frac12\big[G_L^2/(H_L+\alpha) + G_R^2/(H_R+\alpha) - G^2/(H+\alpha)\big]
        - \vartheta`; the split lowers the regularised objective exactly when the gain is positive.

    Notes
    -----
    Implements {eq}`eq-calc-split-gain` of the calculus chapter (Chen and Guestrin, 2016).
    """
    g, h, alpha = _gradients_hessians(g, h, alpha, "split_gain")
    left = np.asarray(left)
    if left.dtype != np.bool_ or left.shape != g.shape:
        raise ValueError(f"left must be a boolean array of shape {g.shape}.")
    if left.all() or not left.any():
        raise ValueError("left must send at least one sample to each child.")
    zeta = float(check_parameter(min_split_loss, "min_split_loss",
                                 [Interval(Real, 0, None, closed="left")], owner="split_gain"))
    scores = [_leaf_score(g[m].sum(), h[m].sum(), alpha) for m in (left, ~left)]
    parent = _leaf_score(g.sum(), h.sum(), alpha)
    return float(0.5 * (scores[0] + scores[1] - parent) - zeta)
