r"""Gradient descent on any differentiable function, and the Armijo backtracking line search.

The sections "Gradient descent" and "Line search" of the optimisation chapter
(``book/prerequisites/optimization.md``) derive the update, prove its rates and prove that
backtracking terminates; the docstrings name the equations they implement. Least squares has
its own specialised gradient descent,
:func:`mlmath.supervised.linear_regression.least_squares.gradient_descent`; the function here
takes any gradient. :func:`backtracking_line_search` is also the line search of the damped
Newton method (:mod:`.newton`) and of the book's solvers that reuse it.
"""

from numbers import Integral, Real

import numpy as np

from mlmath.validation import Interval, Options, as_finite_array, check_callable, check_parameter

__all__ = ["gradient_descent", "backtracking_line_search"]


def _call_gradient(grad, w):
    """``grad(w)`` as a float array of the shape of ``w``; refuse a non-finite gradient."""
    g = np.asarray(grad(w), dtype=np.float64)
    if g.shape != w.shape:
        raise ValueError(f"grad returned shape {g.shape}; expected {w.shape}, the shape of w.")
    if not np.all(np.isfinite(g)):
        raise FloatingPointError(
            "The gradient is not finite: the iterates diverged (is the step size below 2/L?) "
            "or grad was called outside the domain of f."
        )
    return g


def _nonempty_vector(w, name):
    """``w`` as a finite, non-empty 1-D float array (there is nothing to minimise over ``R^0``)."""
    w = as_finite_array(w, name, ndim=1)
    if w.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array; got shape {w.shape}.")
    return w


# The parameter constraints shared by the chapter's iterative methods (also used by .newton).
_POSITIVE = Interval(Real, 0, None, closed="neither")
_NONNEGATIVE = Interval(Real, 0, None, closed="left")
_OPEN_UNIT = Interval(Real, 0, 1, closed="neither")
_COUNT = Interval(Integral, 0, None, closed="left")


def backtracking_line_search(f, grad_w, w, direction, *, f_w=None, step0=1.0, c=1e-4,
                             shrink=0.5, max_halvings=60):
    r"""Largest step :math:`\eta = \eta_0 s^k` satisfying the Armijo condition.

    Implements {eq}`eq-opt-armijo` of the optimisation chapter: starting from ``step0``, the
    step is multiplied by ``shrink`` (:math:`s`) until
    :math:`f(\vw + \eta\vv) \le f(\vw) + c\,\eta\,\nabla f(\vw)^\top\vv`, which terminates for
    every descent direction :math:`\vv` (the backtracking lemma of the chapter).

    Parameters
    ----------
    f : callable
        The objective, ``f(w) -> float``.
    grad_w : ndarray of shape (d,)
        The gradient :math:`\nabla f(\vw)` at ``w``.
    w : ndarray of shape (d,)
        The current point.
    direction : ndarray of shape (d,)
        A descent direction :math:`\vv`, with :math:`\nabla f(\vw)^\top\vv < 0`.
    f_w : float, default=None
        :math:`f(\vw)` if already known (saves one evaluation).
    step0 : float, default=1.0
        The first step tried, :math:`\eta_0 > 0`.
    c : float, default=1e-4
        The Armijo constant, :math:`0 < c < 1`.
    shrink : float, default=0.5
        The factor :math:`0 < s < 1` by which a rejected step is multiplied.
    max_halvings : int, default=60
        The most reductions tried before giving up.

    Returns
    -------
    step : float
        The accepted step :math:`\eta`.

    Raises
    ------
    ValueError
        If ``direction`` is not a descent direction, or an argument is invalid.
    RuntimeError
        If no step is accepted after ``max_halvings`` reductions (``f`` or ``grad_w`` wrong).
    """
    owner = "backtracking_line_search"
    check_callable(f, "f")
    step = float(check_parameter(step0, "step0", [_POSITIVE], owner=owner))
    c = float(check_parameter(c, "c", [_OPEN_UNIT], owner=owner))
    shrink = float(check_parameter(shrink, "shrink", [_OPEN_UNIT], owner=owner))
    max_halvings = int(check_parameter(max_halvings, "max_halvings", [_COUNT], owner=owner))
    w = as_finite_array(w, "w", ndim=1)
    grad_w = as_finite_array(grad_w, "grad_w", ndim=1)
    direction = as_finite_array(direction, "direction", ndim=1)
    if grad_w.shape != w.shape or direction.shape != w.shape:
        raise ValueError(
            f"w, grad_w and direction must have the same shape; got {w.shape}, "
            f"{grad_w.shape} and {direction.shape}."
        )
    slope = float(grad_w @ direction)
    if not slope < 0:
        raise ValueError(
            f"direction is not a descent direction: grad_w @ direction = {slope:.3g} must be "
            "< 0 (at a stationary point there is nothing to search)."
        )
    f_w = float(f(w)) if f_w is None else float(f_w)
    for _ in range(max_halvings + 1):
        with np.errstate(over="ignore", invalid="ignore"):
            f_new = float(f(w + step * direction))
        if f_new <= f_w + c * step * slope:  # NaN or inf compares False: the step shrinks
            return step
        step *= shrink
    raise RuntimeError(
        f"No step satisfied the Armijo condition after {max_halvings} reductions; check that "
        "grad_w is the gradient of f at w."
    )


def gradient_descent(grad, w0, step, *, f=None, max_iter=1000, tol=1e-8):
    r"""Minimise a differentiable function by gradient descent; return every iterate.

    Iterates {eq}`eq-opt-gd-update`,
    :math:`\vw^{(t+1)} = \vw^{(t)} - \eta_t\nabla f(\vw^{(t)})`, with a constant step
    :math:`\eta_t = \eta` (the rates {eq}`eq-opt-gd-sublinear-rate` and
    {eq}`eq-opt-gd-linear-rate` hold for :math:`\eta = 1/L`) or a step chosen at every iteration
    by :func:`backtracking_line_search`. Stops when :math:`\|\nabla f(\vw^{(t)})\|_2 \le`
    ``tol`` or after ``max_iter`` iterations.

    Parameters
    ----------
    grad : callable
        The gradient, ``grad(w) -> ndarray of shape (d,)``.
    w0 : array-like of shape (d,)
        The starting point :math:`\vw^{(0)}`.
    step : float or "backtracking"
        A constant step size :math:`\eta > 0`, or ``"backtracking"`` for the Armijo line search
        (then ``f`` is required).
    f : callable, default=None
        The objective, needed only by the line search.
    max_iter : int, default=1000
        The most iterations run.
    tol : float, default=1e-8
        Stop once the Euclidean norm of the gradient is at most ``tol`` (``0`` runs
        ``max_iter`` iterations unless the gradient vanishes exactly).

    Returns
    -------
    path : ndarray of shape (n_iter + 1, d)
        The iterates :math:`\vw^{(0)}, \dots, \vw^{(T)}`; the last row is the solution.

    Raises
    ------
    FloatingPointError
        If the gradient stops being finite (a constant step that is too large diverges).
    """
    owner = "gradient_descent"
    check_callable(grad, "grad")
    check_parameter(step, "step", [_POSITIVE, Options(["backtracking"])], owner=owner)
    line_search = step == "backtracking"
    if line_search and f is None:
        raise ValueError("step='backtracking' needs the objective: pass f=...")
    max_iter = int(check_parameter(max_iter, "max_iter", [_COUNT], owner=owner))
    tol = float(check_parameter(tol, "tol", [_NONNEGATIVE], owner=owner))
    w = _nonempty_vector(w0, "w0")
    path = [w]
    g = _call_gradient(grad, w)
    for _ in range(max_iter):
        with np.errstate(over="ignore"):  # a huge finite gradient has an infinite norm: go on
            if np.linalg.norm(g) <= tol or not np.any(g):
                break
        eta = backtracking_line_search(f, g, w, -g) if line_search else step
        with np.errstate(over="ignore", invalid="ignore"):
            w = w - eta * g
        path.append(w)
        g = _call_gradient(grad, w)
    return np.asarray(path)

