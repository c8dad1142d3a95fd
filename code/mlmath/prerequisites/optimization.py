r"""Smooth optimisation: gradient descent, backtracking line search, Newton's method, and QPs.

The functions minimise a differentiable :math:`f: \R^d \to \R` given as Python callables, or
solve small convex quadratic programs through their KKT conditions. The optimisation chapter
(``book/prerequisites/optimization.md``) derives every update and proves its rate; the docstrings
name the equations they implement. Least squares has its own specialised gradient descent,
:func:`mlmath.supervised.linear_regression.least_squares.gradient_descent`; the function here takes
any gradient.
"""

from itertools import combinations
from numbers import Integral, Real

import numpy as np
import scipy.linalg

from mlmath.numerics import log_sigmoid, sigmoid

__all__ = [
    "gradient_descent",
    "backtracking_line_search",
    "newton_method",
    "solve_equality_qp",
    "qp_dual_function",
    "solve_qp_by_enumeration",
    "logistic_objective",
]


# ---------------------------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------------------------

def _as_finite_vector(w, name):
    arr = np.asarray(w)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number)
                                   or np.issubdtype(arr.dtype, np.bool_)):
        raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}.")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real, got a complex array.")
    arr = arr.astype(np.float64)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {arr.shape}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinity.")
    return arr


def _as_finite_matrix(A, name, shape=None):
    arr = np.asarray(A)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number)
                                   or np.issubdtype(arr.dtype, np.bool_)):
        raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}.")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real, got a complex array.")
    arr = arr.astype(np.float64)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array, got shape {arr.shape}.")
    if shape is not None and arr.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got {arr.shape}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinity.")
    return arr


def _check_positive(value, name, *, upper=None, closed_upper=False):
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}.")
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value}.")
    if upper is not None and (value > upper or (value == upper and not closed_upper)):
        bound = "<=" if closed_upper else "<"
        raise ValueError(f"{name} must be {bound} {upper}, got {value}.")
    return value


def _check_max_iter(max_iter):
    if isinstance(max_iter, bool) or not isinstance(max_iter, Integral):
        raise TypeError(f"max_iter must be an int, got {type(max_iter).__name__}.")
    if max_iter < 0:
        raise ValueError(f"max_iter must be >= 0, got {max_iter}.")
    return int(max_iter)


def _call_gradient(grad, w):
    g = np.asarray(grad(w), dtype=np.float64)
    if g.shape != w.shape:
        raise ValueError(f"grad returned shape {g.shape}; expected {w.shape}, the shape of w.")
    if not np.all(np.isfinite(g)):
        raise FloatingPointError(
            "The gradient is not finite: the iterates diverged (is the step size below 2/L?) "
            "or grad was called outside the domain of f."
        )
    return g


def _call_value(f, w):
    return float(f(w))


# ---------------------------------------------------------------------------------------------
# gradient descent and line search
# ---------------------------------------------------------------------------------------------

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
    w = _as_finite_vector(w, "w")
    grad_w = _as_finite_vector(grad_w, "grad_w")
    direction = _as_finite_vector(direction, "direction")
    if grad_w.shape != w.shape or direction.shape != w.shape:
        raise ValueError(
            f"w, grad_w and direction must have the same shape; got {w.shape}, "
            f"{grad_w.shape} and {direction.shape}."
        )
    step = _check_positive(step0, "step0")
    c = _check_positive(c, "c", upper=1.0)
    shrink = _check_positive(shrink, "shrink", upper=1.0)
    max_halvings = _check_max_iter(max_halvings)
    slope = float(grad_w @ direction)
    if not slope < 0:
        raise ValueError(
            f"direction is not a descent direction: grad_w @ direction = {slope:.3g} must be "
            "< 0 (at a stationary point there is nothing to search)."
        )
    f_w = _call_value(f, w) if f_w is None else float(f_w)
    for _ in range(max_halvings + 1):
        with np.errstate(over="ignore", invalid="ignore"):
            f_new = _call_value(f, w + step * direction)
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
    w = _as_finite_vector(w0, "w0")
    line_search = isinstance(step, str)
    if line_search:
        if step != "backtracking":
            raise ValueError(f"step must be a positive number or 'backtracking'; got {step!r}.")
        if f is None:
            raise ValueError("step='backtracking' needs the objective: pass f=...")
    else:
        step = _check_positive(step, "step")
    max_iter = _check_max_iter(max_iter)
    if isinstance(tol, bool) or not isinstance(tol, Real) or not tol >= 0:
        raise ValueError(f"tol must be a number >= 0, got {tol!r}.")
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


# ---------------------------------------------------------------------------------------------
# Newton's method
# ---------------------------------------------------------------------------------------------

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
    w = _as_finite_vector(w0, "w0")
    if not isinstance(damped, bool):
        raise TypeError(f"damped must be a bool, got {type(damped).__name__}.")
    max_iter = _check_max_iter(max_iter)
    if isinstance(tol, bool) or not isinstance(tol, Real) or not tol >= 0:
        raise ValueError(f"tol must be a number >= 0, got {tol!r}.")
    d = w.size
    path, steps = [w], []
    g = _call_gradient(grad, w)
    for _ in range(max_iter):
        if np.linalg.norm(g) <= tol or not np.any(g):
            break
        H = _as_finite_matrix(hess(w), "hess(w)", shape=(d, d))
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


# ---------------------------------------------------------------------------------------------
# quadratic programs
# ---------------------------------------------------------------------------------------------

def _check_qp(F, c):
    c = _as_finite_vector(c, "c")
    F = _as_finite_matrix(F, "F", shape=(c.size, c.size))
    if not np.allclose(F, F.T, rtol=1e-10, atol=1e-12 * max(1.0, np.abs(F).max())):
        raise ValueError("F must be symmetric.")
    return F, c


def solve_equality_qp(F, c, A, b):
    r"""Minimise a quadratic subject to linear equality constraints, through the KKT system.

    The problem is :math:`\min_{\vw} \frac12\vw^\top\mathbf{F}\vw + \mathbf{c}^\top\vw` subject to
    :math:`\mA\vw = \mathbf{b}` {eq}`eq-opt-eq-qp`.

    Solves the KKT system {eq}`eq-opt-kkt-system`,
    :math:`\begin{bmatrix}\mathbf{F} & \mA^\top\\ \mA & \mathbf{0}\end{bmatrix}
    \begin{bmatrix}\vw\\ \boldsymbol{\nu}\end{bmatrix} =
    \begin{bmatrix}-\mathbf{c}\\ \mathbf{b}\end{bmatrix}`, which is non-singular exactly when
    :math:`\mA` has full row rank and :math:`\mathbf{F}` is positive definite on the null space of
    :math:`\mA` (for :math:`\mathbf{F} \succeq 0`); its solution is then the unique minimiser.

    Parameters
    ----------
    F : ndarray of shape (d, d)
        Symmetric positive semidefinite matrix.
    c : ndarray of shape (d,)
    A : ndarray of shape (p, d)
        Constraint matrix; ``p = 0`` rows gives the unconstrained problem.
    b : ndarray of shape (p,)

    Returns
    -------
    w : ndarray of shape (d,)
        The minimiser.
    nu : ndarray of shape (p,)
        The Lagrange multipliers :math:`\boldsymbol{\nu}` of the equality constraints.

    Raises
    ------
    numpy.linalg.LinAlgError
        If the KKT matrix is singular (dependent constraints, or a direction of the feasible set
        along which the objective is flat, so the minimiser is not unique or does not exist).
    """
    F, c = _check_qp(F, c)
    d = c.size
    b = np.asarray(b, dtype=np.float64).reshape(-1)
    if not np.all(np.isfinite(b)):
        raise ValueError("b contains NaN or infinity.")
    A = np.asarray(A, dtype=np.float64)
    if A.size == 0:  # no constraints: an empty (0, d) matrix, however it was given
        A = A.reshape(0, d)
    A = _as_finite_matrix(A, "A", shape=(b.size, d))
    p = b.size
    K = np.zeros((d + p, d + p))
    K[:d, :d] = F
    K[:d, d:] = A.T
    K[d:, :d] = A
    rhs = np.concatenate([-c, b])
    # A symmetric indefinite system; refuse a (numerically) singular one rather than return an
    # arbitrary solution.
    scale = max(1.0, np.abs(K).max())
    s = scipy.linalg.svdvals(K, check_finite=False)
    if s[-1] <= np.finfo(float).eps * (d + p) * max(s[0], scale) * 10:
        raise np.linalg.LinAlgError(
            "The KKT matrix is singular: the rows of A are linearly dependent, or F is not "
            "positive definite on the null space of A (the minimiser is not unique)."
        )
    sol = scipy.linalg.solve(K, rhs, assume_a="sym", check_finite=False)
    return sol[:d], sol[d:]


def qp_dual_function(F, c, G, h, lam):
    r"""Dual function of a QP with linear inequality constraints.

    The primal problem is :math:`\min \frac12\vw^\top\mathbf{F}\vw + \mathbf{c}^\top\vw` subject to
    :math:`\mathbf{G}\vw \le \mathbf{b}` (the chapter's :math:`\mathbf{b}` is the argument
    ``h``). Implements {eq}`eq-opt-qp-dual`,
    :math:`D(\boldsymbol{\lambda}) = -\frac12\mathbf{u}^\top\mathbf{F}^{-1}\mathbf{u}
    - \mathbf{b}^\top\boldsymbol{\lambda}` with
    :math:`\mathbf{u} = \mathbf{c} + \mathbf{G}^\top\boldsymbol{\lambda}`, the minimum of the
    Lagrangian over :math:`\vw`, for positive definite :math:`\mathbf{F}`.

    Parameters
    ----------
    F : ndarray of shape (d, d)
        Symmetric positive definite.
    c : ndarray of shape (d,)
    G : ndarray of shape (m, d)
    h : ndarray of shape (m,)
        The right-hand side :math:`\mathbf{b}` of the constraints.
    lam : ndarray of shape (m,) or (k, m)
        One vector of multipliers, or a stack of ``k`` of them.

    Returns
    -------
    D : float or ndarray of shape (k,)
    """
    F, c = _check_qp(F, c)
    h = _as_finite_vector(h, "h")
    G = _as_finite_matrix(G, "G", shape=(h.size, c.size))
    lam = np.asarray(lam, dtype=np.float64)
    if lam.shape[-1:] != (h.size,) or lam.ndim > 2:
        raise ValueError(f"lam must have shape ({h.size},) or (k, {h.size}); got {lam.shape}.")
    try:
        factor = scipy.linalg.cho_factor(F, lower=True, check_finite=False)
    except np.linalg.LinAlgError as exc:
        raise np.linalg.LinAlgError(
            "F must be positive definite for the dual function to have this closed form."
        ) from exc
    u = c + lam @ G  # (..., d): c + G^T lam for each lam
    v = scipy.linalg.cho_solve(factor, np.atleast_2d(u).T, check_finite=False).T
    D = -0.5 * np.sum(np.atleast_2d(u) * v, axis=-1) - np.atleast_2d(lam) @ h
    return float(D[0]) if lam.ndim == 1 else D


def solve_qp_by_enumeration(F, c, G, h, *, tol=1e-9):
    r"""Solve a small convex QP with inequality constraints by checking the KKT conditions.

    Minimises :math:`\frac12\vw^\top\mathbf{F}\vw + \mathbf{c}^\top\vw` subject to
    :math:`\mathbf{G}\vw \le \mathbf{b}` (the chapter's :math:`\mathbf{b}` is the argument
    ``h``). For every candidate set :math:`S` of active
    constraints (smallest sets first) it solves the equality-constrained QP with
    :math:`\mathbf{G}_S\vw = \mathbf{b}_S` by :func:`solve_equality_qp` and accepts the first
    solution that satisfies all the KKT conditions {eq}`eq-opt-kkt` (primal feasibility,
    :math:`\boldsymbol{\lambda} \ge 0`; stationarity and complementary slackness hold by
    construction). By the sufficiency theorem of the chapter that point is a global minimiser.
    The cost grows like :math:`2^m`: a teaching tool for small :math:`m`, not a solver.

    Parameters
    ----------
    F : ndarray of shape (d, d)
        Symmetric positive semidefinite.
    c : ndarray of shape (d,)
    G : ndarray of shape (m, d)
    h : ndarray of shape (m,)
        The right-hand side :math:`\mathbf{b}` of the constraints.
    tol : float, default=1e-9
        Tolerance, relative to the data's scale, on feasibility and on the sign of the
        multipliers.

    Returns
    -------
    w : ndarray of shape (d,)
        A minimiser.
    lam : ndarray of shape (m,)
        Its multipliers :math:`\boldsymbol{\lambda} \ge 0`, zero for inactive constraints.
    active : tuple of int
        The indices of the constraints treated as active.

    Raises
    ------
    ValueError
        If no active set passes the checks (the problem is infeasible or unbounded), or
        ``m > 20``.
    """
    F, c = _check_qp(F, c)
    h = _as_finite_vector(h, "h")
    G = _as_finite_matrix(G, "G", shape=(h.size, c.size))
    m, d = G.shape
    if m > 20:
        raise ValueError(f"Enumerating the 2^m active sets is for m <= 20; got m = {m}.")
    scale = max(1.0, np.abs(G).max(), np.abs(h).max(), np.abs(F).max(), np.abs(c).max())
    for size in range(0, min(m, d) + 1):
        for active in combinations(range(m), size):
            idx = list(active)
            try:
                w, lam_s = solve_equality_qp(F, c, G[idx], h[idx])
            except np.linalg.LinAlgError:
                continue
            if np.all(G @ w - h <= tol * scale) and np.all(lam_s >= -tol * scale):
                lam = np.zeros(m)
                lam[idx] = np.maximum(lam_s, 0.0)
                return w, lam, active
    raise ValueError(
        "No active set satisfies the KKT conditions: the QP is infeasible, or unbounded below, "
        "or its minimiser needs more than d active constraints with a singular KKT system."
    )


# ---------------------------------------------------------------------------------------------
# a test problem: regularised logistic loss
# ---------------------------------------------------------------------------------------------

def logistic_objective(X, y, alpha=0.0):
    r"""The regularised logistic loss, its gradient and its Hessian, as three callables.

    Implements {eq}`eq-opt-logistic-loss`,
    :math:`J(\vw) = \frac1n\sum_i \log\big(1 + e^{-y_i\vx_i^\top\vw}\big) +
    \frac\alpha2\|\vw\|_2^2` with labels :math:`y_i \in \{-1, +1\}`, its gradient and its
    Hessian {eq}`eq-opt-logistic-hessian`, used in the chapter as a smooth convex test function.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    y : ndarray of shape (n,)
        Labels in :math:`\{-1, +1\}`.
    alpha : float, default=0.0
        Strength :math:`\alpha \ge 0` of the ridge term (``alpha > 0`` makes :math:`J`
        :math:`\alpha`-strongly convex).

    Returns
    -------
    f, grad, hess : callable
        :math:`J`, :math:`\nabla J` and :math:`\nabla^2 J` as functions of ``w`` of shape (d,).
    """
    X = _as_finite_matrix(X, "X")
    y = _as_finite_vector(y, "y")
    if y.size != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.size} entries.")
    if not np.all(np.isin(y, (-1.0, 1.0))):
        raise ValueError("y must contain labels -1 and +1 only.")
    if isinstance(alpha, bool) or not isinstance(alpha, Real) or not (0 <= alpha < np.inf):
        raise ValueError(f"alpha must be a finite number >= 0, got {alpha!r}.")
    n = X.shape[0]
    Xy = X * y[:, None]  # row i is y_i x_i

    def f(w):
        return float(-np.mean(log_sigmoid(Xy @ w)) + 0.5 * alpha * (w @ w))

    def grad(w):
        return -Xy.T @ sigmoid(-(Xy @ w)) / n + alpha * w

    def hess(w):
        p = sigmoid(X @ w)
        return (X.T * (p * (1.0 - p))) @ X / n + alpha * np.eye(X.shape[1])

    return f, grad, hess
