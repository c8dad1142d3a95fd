r"""Newton's method, pure and damped, with a Cholesky solve of the Newton system.

The section "Newton's method" of the optimisation chapter (``book/prerequisites/optimization.md``)
derives the step, proves local quadratic convergence and the global convergence of the damped
method; the damped method's line search is :func:`.gradient_descent.backtracking_line_search`.
"""

import numpy as np
import scipy.linalg

from mlmath.prerequisites.optimization.gradient_descent import (
    _COUNT,
    _NONNEGATIVE,
    _call_gradient,
    _nonempty_vector,
    backtracking_line_search,
)
from mlmath.validation import as_finite_array, check_callable, check_parameter

__all__ = ["newton_method"]


def newton_method(f, grad, hess, w0, *, damped=True, max_iter=50, tol=1e-10, c=1e-4,
                  shrink=0.5, return_steps=False):
    r"""Minimise a twice-differentiable convex function by Newton's method.

    Each iteration solves :math:`\nabla^2 f(\vw)\,\vv = -\nabla f(\vw)` for the Newton
    direction {eq}`eq-opt-newton-step` by a Cholesky factorisation and moves to
    :math:`\vw + \eta\vv`, with :math:`\eta = 1` (pure Newton, ``damped=False``) or the step of
    the Armijo backtracking line search {eq}`eq-opt-armijo` started at :math:`\eta_0 = 1`
    (damped Newton). Stops when :math:`\|\nabla f(\vw)\|_2 \le` ``tol``.

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
        Stop once the Euclidean norm of the gradient is at most ``tol``.
    c, shrink : float, default=1e-4, 0.5
        The Armijo constant and the reduction factor of the line search.
    return_steps : bool, default=False
        Also return the step size taken at each iteration.

    Returns
    -------
    path : ndarray of shape (n_iter + 1, d)
        The iterates; the last row is the solution.
    steps : ndarray of shape (n_iter,)
        The step sizes :math:`\eta_t`; only when ``return_steps``.

    Raises
    ------
    numpy.linalg.LinAlgError
        If a Hessian on the path is not positive definite (Newton's direction is then not
        defined as a minimiser of the quadratic model).
    """
    owner = "newton_method"
    for fn, name in ((f, "f"), (grad, "grad"), (hess, "hess")):
        check_callable(fn, name)
    check_parameter(damped, "damped", ["boolean"], owner=owner)
    max_iter = int(check_parameter(max_iter, "max_iter", [_COUNT], owner=owner))
    tol = float(check_parameter(tol, "tol", [_NONNEGATIVE], owner=owner))
    w = _nonempty_vector(w0, "w0")
    d = w.size
    path, steps = [w], []
    g = _call_gradient(grad, w)
    for _ in range(max_iter):
        if np.linalg.norm(g) <= tol or not np.any(g):
            break
        H = as_finite_array(hess(w), "hess(w)", shape=(d, d))
        try:
            factor = scipy.linalg.cho_factor(H, lower=True, check_finite=False)
        except np.linalg.LinAlgError as exc:
            raise np.linalg.LinAlgError(
                "The Hessian is not positive definite at the current iterate: Newton's method "
                "needs a strictly convex quadratic model (add a ridge term, or use gradient "
                "descent)."
            ) from exc
        direction = -scipy.linalg.cho_solve(factor, g, check_finite=False)
        if damped:
            eta = backtracking_line_search(f, g, w, direction, step0=1.0, c=c, shrink=shrink)
        else:
            eta = 1.0
        w = w + eta * direction
        path.append(w)
        steps.append(eta)
        g = _call_gradient(grad, w)
    path = np.asarray(path)
    return (path, np.asarray(steps)) if return_steps else path

