r"""Newton's method, pure and damped, with a Cholesky solve of the Newton system.

The section "Newton's method" of the optimisation chapter (``book/prerequisites/optimization.md``)
derives the step, proves local quadratic convergence and the global convergence of the damped
method; the damped method's line search is :func:`.gradient_descent.backtracking_line_search`.
"""

from typing import NamedTuple

import numpy as np
import scipy.linalg

from mlmath.prerequisites.optimization.gradient_descent import (
    _COUNT,
    _NONNEGATIVE,
    _call_gradient,
    _nonempty_vector,
    backtracking_line_search,
)
from mlmath.validation import Options, as_finite_array, check_callable, check_parameter

__all__ = ["newton_method", "NewtonResult", "cholesky_newton_direction"]


class NewtonResult(NamedTuple):
    """What :func:`newton_method` returns with ``full_output=True``.

    Parameters
    ----------
    path : ndarray of shape (n_iter + 1, d)
        The iterates; ``path[-1]`` is the solution.
    steps : ndarray of shape (n_iter,)
        The step sizes taken.
    values : ndarray of shape (n_iter + 1,)
        The objective at each iterate (NaN where it was not evaluated: pure Newton never
        evaluates ``f``).
    converged : bool
        Whether a stopping test was met (gradient below ``tol``, or a predicted decrease at
        rounding level) rather than the iteration or line-search limit.
    """

    path: np.ndarray
    steps: np.ndarray
    values: np.ndarray
    converged: bool


def cholesky_newton_direction(H, g):
    r"""The Newton direction :math:`-\nabla^2 f(\vw)^{-1}\nabla f(\vw)` by a Cholesky solve.

    Parameters
    ----------
    H : ndarray of shape (d, d)
        The Hessian, positive definite.
    g : ndarray of shape (d,)
        The gradient.

    Returns
    -------
    ndarray of shape (d,)

    Raises
    ------
    numpy.linalg.LinAlgError
        If ``H`` is not positive definite.
    """
    try:
        factor = scipy.linalg.cho_factor(H, lower=True, check_finite=False)
    except np.linalg.LinAlgError as exc:
        raise np.linalg.LinAlgError(
            "The Hessian is not positive definite at the current iterate: Newton's method "
            "needs a strictly convex quadratic model (add a ridge term, or use gradient "
            "descent)."
        ) from exc
    return -scipy.linalg.cho_solve(factor, g, check_finite=False)


def newton_method(f, grad, hess, w0, *, damped=True, max_iter=50, tol=1e-10, c=1e-4,
                  shrink=0.5, return_steps=False, norm=2, solve=None, max_halvings=60,
                  full_output=False):
    r"""Minimise a twice-differentiable convex function by Newton's method.

    Each iteration solves :math:`\nabla^2 f(\vw)\,\vv = -\nabla f(\vw)` for the Newton
    direction {eq}`eq-opt-newton-step` by a Cholesky factorisation and moves to
    :math:`\vw + \eta\vv`, with :math:`\eta = 1` (pure Newton, ``damped=False``) or the step of
    the Armijo backtracking line search {eq}`eq-opt-armijo` started at :math:`\eta_0 = 1`
    (damped Newton). Stops when :math:`\|\nabla f(\vw)\|_2 \le` ``tol``.

    The same loop serves the book's solvers (logistic regression, the squared-hinge linear SVM)
    through four keywords: the norm of the stopping test, the linear solve, the line search's
    budget, and ``full_output``.

    Parameters
    ----------
    f : callable
        The objective, ``f(w) -> float`` (used by the line search only).
    grad : callable
        The gradient, ``grad(w) -> ndarray of shape (d,)``.
    hess : callable
        The Hessian, ``hess(w) -> ndarray of shape (d, d)``, positive definite along the path.
    w0 : array-like of shape (d,)
        The starting point.
    damped : bool, default=True
        Use the backtracking line search (globally convergent on strongly convex functions);
        ``False`` always takes the full step (converges only from close enough).
    max_iter : int, default=50
        The most iterations run.
    tol : float, default=1e-10
        Stop once the norm of the gradient is at most ``tol``.
    c, shrink : float, default=1e-4, 0.5
        The Armijo constant and the reduction factor of the line search.
    return_steps : bool, default=False
        Also return the step size taken at each iteration.
    norm : {2, inf}, default=2
        The norm of the gradient in the stopping test (scikit-learn's solvers use the largest
        entry, ``inf``).
    solve : callable, optional
        ``solve(H, g) -> direction``; default :func:`cholesky_newton_direction`.
    max_halvings : int, default=60
        The most step reductions of one line search.
    full_output : bool, default=False
        Return a :class:`NewtonResult`, and stop instead of raising where a solver must: when
        no step passes the line search (``converged=False``), and when the predicted decrease
        :math:`-\nabla f^\top\vv` is at rounding level, at most
        :math:`4\epsilon_{\mathrm{mach}}\max(|f(\vw)|, 1)`, so that no step can be verified
        to lower :math:`f` (``converged=True``).

    Returns
    -------
    path : ndarray of shape (n_iter + 1, d)
        The iterates; the last row is the solution.
    steps : ndarray of shape (n_iter,)
        The step sizes :math:`\eta_t`; only when ``return_steps``.
    result : NewtonResult
        Instead of the above, when ``full_output``.

    Raises
    ------
    numpy.linalg.LinAlgError
        If a Hessian on the path is not positive definite (Newton's direction is then not
        defined as a minimiser of the quadratic model) and ``solve`` is the default.
    RuntimeError
        If no step passes the line search (unless ``full_output``).
    """
    owner = "newton_method"
    for fn, name in ((f, "f"), (grad, "grad"), (hess, "hess")):
        check_callable(fn, name, owner=owner)
    check_parameter(damped, "damped", ["boolean"], owner=owner)
    max_iter = int(check_parameter(max_iter, "max_iter", [_COUNT], owner=owner))
    tol = float(check_parameter(tol, "tol", [_NONNEGATIVE], owner=owner))
    check_parameter(norm, "norm", [Options([2, np.inf])], owner=owner)
    solve = cholesky_newton_direction if solve is None else check_callable(
        solve, "solve", owner=owner)
    w = _nonempty_vector(w0, "w0")
    d = w.size
    path, steps = [w], []
    f_w = float(f(w)) if full_output and damped else np.nan
    values = [f_w]
    g = _call_gradient(grad, w)
    converged = False
    for _ in range(max_iter):
        if np.linalg.norm(g, ord=norm) <= tol or not np.any(g):
            converged = True
            break
        H = as_finite_array(hess(w), "hess(w)", shape=(d, d))
        direction = solve(H, g)
        if full_output and damped and -(g @ direction) <= 4 * np.finfo(float).eps * max(
                abs(f_w), 1.0):
            converged = True  # the predicted decrease is at rounding level
            break
        if damped:
            try:
                eta = backtracking_line_search(
                    f, g, w, direction, f_w=None if np.isnan(f_w) else f_w, step0=1.0, c=c,
                    shrink=shrink, max_halvings=max_halvings)
            except RuntimeError:
                if not full_output:
                    raise
                break  # no verifiable decrease: stop here, not converged
        else:
            eta = 1.0
        w = w + eta * direction
        path.append(w)
        steps.append(eta)
        f_w = float(f(w)) if full_output and damped else np.nan
        values.append(f_w)
        g = _call_gradient(grad, w)
    else:
        converged = bool(np.linalg.norm(g, ord=norm) <= tol)
    path = np.asarray(path)
    if full_output:
        return NewtonResult(path, np.asarray(steps), np.asarray(values), converged)
    return (path, np.asarray(steps)) if return_steps else path
