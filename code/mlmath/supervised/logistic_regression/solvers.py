r"""Three minimisers of a smooth convex objective (plus an L1 term): L-BFGS, Newton, FISTA.

The solvers of the book's logistic regression chapter (``book/supervised/logistic_regression.md``).
Each takes the objective as a function ``fun(theta) -> (value, gradient)`` and returns a
``SolverResult``; none knows about logistic regression, so each is tested on problems with a
known answer.
"""

from typing import NamedTuple

import numpy as np
import scipy.linalg
import scipy.optimize

from mlmath.prerequisites.optimization import cholesky_newton_direction, newton_method
from mlmath.supervised.linear_regression.coordinate_descent import soft_threshold

__all__ = ["SolverResult", "lbfgs", "newton", "fista"]


class SolverResult(NamedTuple):
    """What a solver returns.

    Parameters
    ----------
    theta : ndarray of shape (n_params,)
        The last iterate.
    n_iter : int
        Iterations done.
    converged : bool
        Whether the stopping rule was met within ``max_iter`` iterations.
    history : list of float
        Objective value at the start and after every iteration (empty unless requested).
    """

    theta: np.ndarray
    n_iter: int
    converged: bool
    history: list


def lbfgs(fun, theta0, *, tol=1e-4, max_iter=100, history=False):
    r"""Minimise ``fun`` with SciPy's L-BFGS-B, with scikit-learn's settings.

    Stops when the largest entry of the gradient is at most ``tol`` (SciPy's ``gtol``) or the
    relative decrease of the objective falls below :math:`64\epsilon_{\text{mach}}`. It stops
    unconverged after ``max_iter`` iterations, or earlier when the line search finds no step;
    SciPy's limit on the number of evaluations is raised above what ``max_iter`` iterations can
    use (at most about :math:`2(\text{maxls} + 1)` each), so it is never the reason, and fewer
    than ``max_iter`` iterations without convergence always means a failed line search.

    Parameters
    ----------
    fun : callable
        ``fun(theta)`` returns ``(value, gradient of shape (n_params,))``.
    theta0 : ndarray of shape (n_params,)
    tol : float, default=1e-4
    max_iter : int, default=100
    history : bool, default=False
        Record the objective after every iteration.

    Returns
    -------
    SolverResult

    Notes
    -----
    Uses SciPy's L-BFGS-B (Liu and Nocedal's limited-memory BFGS, memory 10, with bounds
    unused), which keeps the limited-memory matrix of {prf:ref}`alg-logreg-lbfgs` of the
    logistic regression chapter in a compact form; the two-loop recursion of that algorithm is
    not implemented here.
    """
    hist = [fun(theta0)[0]] if history else []

    def callback(intermediate_result):
        hist.append(float(intermediate_result.fun))

    res = scipy.optimize.minimize(
        fun, theta0, method="L-BFGS-B", jac=True,
        callback=callback if history else None,
        options={"maxiter": max_iter, "maxls": 50, "gtol": tol,
                 "ftol": 64 * np.finfo(float).eps, "maxfun": max(15000, 110 * max_iter)},
    )
    n_iter = min(int(res.nit), max_iter)
    return SolverResult(res.x, n_iter, bool(res.status == 0), hist)


def _newton_direction(H, g):
    r"""The Newton direction: solve :math:`\mathbf H\boldsymbol\delta = -\mathbf g`.

    By a Cholesky factorisation when :math:`\mathbf H` is positive definite (the usual case);
    when the factorisation fails (:math:`\mathbf H` singular or not numerically positive
    definite, for instance without penalty and with collinear features) by least squares,
    :math:`\boldsymbol\delta = -\mathbf H^{+}\mathbf g`, the minimum-norm solution, which
    is still a direction of non-increase for a positive semidefinite :math:`\mathbf H`.

    Parameters
    ----------
    H : ndarray of shape (n_params, n_params)
        The (symmetric) Hessian, plus :math:`\mathbf N\mathbf N^\top` for the multinomial model.
    g : ndarray of shape (n_params,)
        The gradient.

    Returns
    -------
    ndarray of shape (n_params,)
    """
    try:
        return cholesky_newton_direction(H, g)
    except np.linalg.LinAlgError:
        return -np.linalg.lstsq(H, g, rcond=None)[0]


def newton(fun, hess, theta0, *, tol=1e-4, max_iter=100, null_basis=None, history=False):
    r"""Damped Newton's method with the backtracking (Armijo) line search.

    The optimisation chapter's
    :func:`~mlmath.prerequisites.optimization.newton_method`, run in its solver mode
    (``full_output=True``) with the stopping test on the largest gradient entry and a solve
    that falls back to least squares on a singular Hessian.
    Each iteration solves :math:`\nabla^2 J(\vtheta)\,\boldsymbol\delta = -\mathbf g` and takes
    the largest step size :math:`\eta \in \{1, \frac12, \frac14, \dots, 2^{-40}\}` with
    :math:`J(\vtheta + \eta\boldsymbol\delta) \le J(\vtheta)
    + 10^{-4}\, \eta\, \mathbf g^\top\boldsymbol\delta`, found by the optimisation chapter's
    :func:`~mlmath.prerequisites.optimization.backtracking_line_search`.
    Stops, reporting convergence, when :math:`\|\mathbf g\|_\infty \le` ``tol``, or when
    :math:`-\mathbf g^\top\boldsymbol\delta \le 4\epsilon_{\mathrm{mach}}\max(|J|, 1)`: the
    predicted decrease is at rounding level, and no step can be verified to lower :math:`J`.
    Stops without convergence when no step size passes the test.

    Parameters
    ----------
    fun : callable
        ``fun(theta)`` returns ``(value, gradient)``.
    hess : callable
        ``hess(theta)`` returns the Hessian, of shape (n_params, n_params).
    theta0 : ndarray of shape (n_params,)
        The starting point.
    tol : float, default=1e-4
        Stop once the largest entry of the gradient is at most ``tol``.
    max_iter : int, default=100
        The most iterations.
    null_basis : ndarray of shape (n_params, n_flat), default=None
        Orthonormal columns spanning directions along which the objective is constant (the
        Hessian's null space, orthogonal to every gradient). :math:`\mathbf N\mathbf N^\top`,
        with :math:`\mathbf N` this matrix, is added to the Hessian, which makes it invertible
        without changing the step.
    history : bool, default=False
        Record the objective at every iterate.

    Returns
    -------
    SolverResult
        The solution, the iterations run, whether it converged, and the recorded objectives.

    Notes
    -----
    Implements {prf:ref}`alg-logreg-newton` of the logistic regression chapter.
    """
    last = {}  # the latest evaluation: fun returns J and its gradient together

    def evaluate(th):
        if "theta" not in last or not np.array_equal(last["theta"], th):
            last["theta"], (last["f"], last["g"]) = th, fun(th)

    def value(th):
        evaluate(th)
        return last["f"]

    def gradient(th):
        evaluate(th)
        return last["g"]

    def hessian(th):
        H = hess(th)
        return H if null_basis is None else H + null_basis @ null_basis.T

    res = newton_method(value, gradient, hessian, np.array(theta0, dtype=float),
                        max_iter=max_iter, tol=tol, norm=np.inf, solve=_newton_direction,
                        max_halvings=40, full_output=True)
    return SolverResult(res.path[-1], len(res.steps), res.converged,
                        res.values.tolist() if history else [])


def fista(fun, theta0, *, lipschitz, l1=0.0, l1_mask=None, tol=1e-4, max_iter=100,
          accelerated=True, history=False):
    r"""Proximal gradient descent (ISTA) or its accelerated form (FISTA) with restarts.

    Minimises :math:`F(\vtheta) = f(\vtheta) + \alpha_1\sum_{j \in \mathcal M}|\theta_j|` for a
    smooth convex :math:`f` whose gradient is :math:`L`-Lipschitz, :math:`\mathcal M` the
    entries in the L1 term: each step is
    :math:`\vtheta^{+} = \soft_{\alpha_1/L}\big(\vv - \nabla f(\vv)/L\big)` (soft thresholding
    of the entries in :math:`\mathcal M` only), at the extrapolated point :math:`\vv` of Beck
    and Teboulle.
    The momentum restarts when it points uphill (O'Donoghue and Candès's gradient test, a
    heuristic: Beck and Teboulle's :math:`O(1/t^2)` bound is proved for FISTA without restart,
    and no rate is proved for this restarted variant).
    Stops when the gradient mapping :math:`L\|\vv - \vtheta^{+}\|_\infty \le` ``tol``; with
    ``l1 = 0`` and ``accelerated=False`` it is plain gradient descent with step
    :math:`1/L`.

    Parameters
    ----------
    fun : callable
        ``fun(theta)`` returns ``(f(theta), gradient)`` of the smooth part.
    theta0 : ndarray of shape (n_params,)
    lipschitz : float
        A Lipschitz constant :math:`L` of the gradient of the smooth part.
    l1 : float, default=0.0
        The L1 strength :math:`\alpha_1 \ge 0`.
    l1_mask : ndarray of shape (n_params,), default=None
        1.0 for entries in the L1 term, 0.0 for the others (intercepts); ``None``: all.
    tol : float, default=1e-4
    max_iter : int, default=100
    accelerated : bool, default=True
    history : bool, default=False
        Record :math:`F` after every iteration (costs one more evaluation each).

    Returns
    -------
    SolverResult

    Notes
    -----
    Implements {prf:ref}`alg-logreg-fista` of the logistic regression chapter.
    """
    theta = np.array(theta0, dtype=float)
    mask = np.ones_like(theta) if l1_mask is None else np.asarray(l1_mask, dtype=float)
    step = 1.0 / lipschitz

    def F(th):
        return fun(th)[0] + l1 * np.sum(np.abs(th * mask))

    def prox(z):
        return np.where(mask > 0, soft_threshold(z, step * l1), z)

    hist = [F(theta)] if history else []
    v, t = theta.copy(), 1.0
    for it in range(1, max_iter + 1):
        _, g = fun(v)
        new = prox(v - step * g)
        if np.max(np.abs(v - new)) * lipschitz <= tol:
            theta = new
            if history:
                hist.append(F(theta))
            return SolverResult(theta, it, True, hist)
        if accelerated:
            if (v - new) @ (new - theta) > 0:            # momentum points uphill: restart
                t = 1.0
            t_next = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
            v = new + ((t - 1.0) / t_next) * (new - theta)
            t = t_next
        else:
            v = new
        theta = new
        if history:
            hist.append(F(theta))
    return SolverResult(theta, max_iter, False, hist)
