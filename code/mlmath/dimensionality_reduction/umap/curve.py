"""UMAP's low-dimensional similarity $\\psi(r) = 1/(1 + a r^{2b})$ and the fit of $(a, b)$.

umap-learn chooses $(a, b)$ by least squares against the offset exponential
{eq}`eq-umap-target` on 300 equally spaced distances in $[0, 3\\vartheta]$; here the fit is a
small Levenberg-Marquardt iteration with the analytic Jacobian {eq}`eq-umap-ab-jacobian`.
"""

from numbers import Real

import numpy as np

from mlmath.validation import Interval, check_parameter

__all__ = ["low_dim_similarity", "target_similarity", "find_ab_params"]


def low_dim_similarity(r, a, b):
    """The similarity $\\psi(r) = 1 / (1 + a r^{2b})$ of two embedded points at distance $r$.

    Parameters
    ----------
    r : array-like
        Non-negative distances.
    a, b : float
        Positive curve parameters.

    Returns
    -------
    ndarray
        Same shape as ``r``, values in $(0, 1]$.

    Notes
    -----
    Implements {eq}`eq-umap-psi` of the UMAP chapter.
    """
    r = np.asarray(r, dtype=float)
    return 1.0 / (1.0 + a * r ** (2.0 * b))


def target_similarity(r, min_dist, spread):
    """The target curve: one up to ``min_dist``, then $\\exp(-(r - \\tau)/\\vartheta)$.

    Parameters
    ----------
    r : array-like
        Non-negative distances.
    min_dist : float
        $\\tau \\ge 0$.
    spread : float
        $\\vartheta > 0$.

    Returns
    -------
    ndarray
        Same shape as ``r``.

    Notes
    -----
    Implements {eq}`eq-umap-target` of the UMAP chapter.
    """
    r = np.asarray(r, dtype=float)
    return np.where(r < min_dist, 1.0, np.exp(-(r - min_dist) / spread))


def find_ab_params(spread=1.0, min_dist=0.1, *, max_iter=200, tol=1e-12):
    """Least-squares fit of $(a, b)$ so that $\\psi$ follows the target curve.

    Minimises $\\sum_m (\\psi(r_m) - \\chi(r_m))^2$ over 300 equally spaced $r_m \\in
    [0, 3\\vartheta]$ (umap-learn's grid) by Levenberg-Marquardt, started at $a = b = 1$ (as
    scipy's ``curve_fit`` is).

    Parameters
    ----------
    spread : float, default=1.0
        $\\vartheta > 0$.
    min_dist : float, default=0.1
        $\\tau$, with $0 \\le \\tau \\le \\vartheta$.
    max_iter : int, default=200
    tol : float, default=1e-12
        Stop when a step changes the residual sum of squares by less than ``tol`` relative.

    Returns
    -------
    a, b : float

    Notes
    -----
    Implements {eq}`eq-umap-ab-fit` with the Jacobian {eq}`eq-umap-ab-jacobian` of the UMAP
    chapter.
    """
    spread = float(check_parameter(spread, "spread", [Interval(Real, 0.0, None, closed="neither")],
                                   owner="find_ab_params"))
    min_dist = float(check_parameter(min_dist, "min_dist", [Interval(Real, 0.0, None)],
                                     owner="find_ab_params"))
    if min_dist > spread:
        raise ValueError(f"min_dist={min_dist} must not exceed spread={spread}.")
    r = np.linspace(0.0, 3.0 * spread, 300)
    chi = target_similarity(r, min_dist, spread)
    pos = r > 0
    log_r = np.zeros_like(r)
    log_r[pos] = np.log(r[pos])

    def residual_and_jacobian(theta):
        a, b = theta
        p = np.zeros_like(r)
        p[pos] = r[pos] ** (2.0 * b)  # r^{2b}, zero at r = 0
        psi = 1.0 / (1.0 + a * p)
        J = np.empty((r.size, 2))
        J[:, 0] = -p * psi**2  # d psi / d a
        J[:, 1] = -2.0 * a * p * log_r * psi**2  # d psi / d b
        return psi - chi, J

    theta = np.array([1.0, 1.0])
    res, J = residual_and_jacobian(theta)
    cost = res @ res
    damping = 1e-3
    for _ in range(max_iter):
        g = J.T @ res
        H = J.T @ J
        step = np.linalg.solve(H + damping * np.diag(np.diag(H)), -g)
        trial = theta + step
        if trial[0] <= 0 or trial[1] <= 0:
            damping *= 10.0
            continue
        res_t, J_t = residual_and_jacobian(trial)
        cost_t = res_t @ res_t
        if cost_t < cost:
            converged = cost - cost_t <= tol * cost
            theta, res, J, cost = trial, res_t, J_t, cost_t
            damping = max(damping / 10.0, 1e-12)
            if converged:
                break
        else:
            damping *= 10.0
            if damping > 1e12:
                break
    return float(theta[0]), float(theta[1])
