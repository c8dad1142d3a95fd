r"""Small convex quadratic programs solved through their KKT conditions.

The sections "Equality constraints and Lagrange multipliers", "Inequality constraints, duality
and the KKT conditions" and "A worked example: a small support vector machine" of the
optimisation chapter (``book/prerequisites/optimization.md``) derive the KKT system, the dual
function and the KKT conditions that these functions implement.
"""

from itertools import combinations
from numbers import Real

import numpy as np
import scipy.linalg

from mlmath.validation import Interval, as_finite_array, check_parameter

__all__ = ["solve_equality_qp", "qp_dual_function", "solve_qp_by_enumeration"]


def _symmetric_qp(F, c):
    """``F`` and ``c`` as finite arrays of shapes (d, d) and (d,), with ``F`` symmetric."""
    c = as_finite_array(c, "c", ndim=1)
    F = as_finite_array(F, "F", shape=(c.size, c.size))
    if not np.allclose(F, F.T, rtol=1e-10, atol=1e-12 * max(1.0, np.abs(F).max(initial=0.0))):
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
    F, c = _symmetric_qp(F, c)
    d = c.size
    b = as_finite_array(b, "b").reshape(-1)
    A = as_finite_array(A, "A")
    if A.size == 0:  # no constraints: an empty (0, d) matrix, however it was given
        A = A.reshape(0, d)
    A = as_finite_array(A, "A", shape=(b.size, d))
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
    F, c = _symmetric_qp(F, c)
    h = as_finite_array(h, "h", ndim=1)
    G = as_finite_array(G, "G", shape=(h.size, c.size))
    lam = as_finite_array(lam, "lam", ndim=(1, 2))
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
    tol = float(check_parameter(tol, "tol", [Interval(Real, 0, None, closed="left")],
                                owner="solve_qp_by_enumeration"))
    F, c = _symmetric_qp(F, c)
    h = as_finite_array(h, "h", ndim=1)
    G = as_finite_array(G, "G", shape=(h.size, c.size))
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

