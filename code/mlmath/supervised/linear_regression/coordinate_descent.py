r"""Cyclic coordinate descent for the lasso and the elastic net.

The objective, with :math:`\alpha` = ``alpha`` and :math:`\rho` = ``l1_ratio``, is

.. math::

    P(\vw) = \frac{1}{2n}\|\vy - \mX\vw\|_2^2 + \alpha\rho\|\vw\|_1
             + \frac{\alpha(1-\rho)}{2}\|\vw\|_2^2,

{eq}`eq-linreg-enet-objective` of the linear regression chapter (:math:`\rho = 1` is the lasso,
{eq}`eq-linreg-lasso-objective`). The functions here fit no intercept: centre ``X`` and ``y``
first (the estimators in :mod:`mlmath.supervised.linear_regression.estimators` do).
"""

import warnings

import numba
import numpy as np
from sklearn.exceptions import ConvergenceWarning

__all__ = [
    "soft_threshold",
    "duality_gap",
    "cd_sweep",
    "enet_coordinate_descent",
    "alpha_max",
    "enet_path",
    "lasso_path",
]


def soft_threshold(z, gamma):
    r"""The soft-thresholding operator :math:`\soft_\gamma(z) = \sign(z)\max(|z| - \gamma, 0)`.

    Implements {eq}`eq-linreg-soft-threshold`: the minimiser of
    :math:`\tfrac12 (w - z)^2 + \gamma|w|`.

    Parameters
    ----------
    z : float or ndarray
    gamma : float
        Threshold :math:`\gamma \ge 0`.

    Returns
    -------
    float or ndarray
        Same shape as ``z``.
    """
    if gamma < 0:
        raise ValueError(f"gamma must be non-negative, got {gamma}.")
    return np.sign(z) * np.maximum(np.abs(z) - gamma, 0.0)


def duality_gap(X, y, w, alpha, l1_ratio=1.0):
    r"""Duality gap :math:`P(\vw) - D(\boldsymbol{\nu})` of the elastic net at ``w``.

    Implements {eq}`eq-linreg-duality-gap`, with :math:`\vr = \vy - \mX\vw`. The elastic net is
    the lasso, with strength :math:`\alpha\rho`, on the augmented data
    :math:`\tilde\mX = [\mX;\ \sqrt{n\alpha(1-\rho)}\,\mI]`, :math:`\tilde\vy = [\vy;\ \vzero]`,
    so its gap is the lasso's gap there: with :math:`\vu = \mX^\top\vr/n - \alpha(1-\rho)\vw`
    (``u`` below) and the dual point rescaled into the feasible set by
    :math:`\chi = \min(1, \alpha\rho/\|\vu\|_\infty)`,

    .. math::

        \frac{1+\chi^2}{2n}\|\vr\|_2^2 + \frac{(1+\chi^2)\alpha(1-\rho)}{2}\|\vw\|_2^2
        + \alpha\rho\|\vw\|_1 - \frac{\chi}{n}\vr^\top\vy .

    This is scikit-learn's criterion, so ``tol`` means the same in both. For :math:`\rho = 0`
    (pure ridge) the feasible set shrinks to a point and that bound is useless; the gap is then
    the strong-convexity bound :math:`\|\vu\|_2^2/(2\alpha)`, where :math:`\vu` is minus the
    gradient of the objective. For :math:`\alpha = 0` (least squares) :math:`\chi = 0` and the
    gap is :math:`P(\vw)` itself, a true but useless bound, so :func:`enet_coordinate_descent`
    stops on the gradient instead.

    The gap is non-negative, bounds :math:`P(\vw) - \min P` from above and is zero exactly at
    the minimiser.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    w : ndarray of shape (n_features,)
    alpha : float
    l1_ratio : float, default=1.0

    Returns
    -------
    gap : float
    """
    n = X.shape[0]
    a, c = alpha * l1_ratio, alpha * (1.0 - l1_ratio)
    r = y - X @ w
    u = X.T @ r / n - c * w
    if a == 0 and c > 0:  # pure ridge
        return float(u @ u / (2.0 * c))
    u_max = np.max(np.abs(u), initial=0.0)
    zeta = min(1.0, a / u_max) if u_max > 0 else 1.0
    gap = (0.5 * (1.0 + zeta**2) * ((r @ r) / n + c * (w @ w)) + a * np.abs(w).sum()
           - zeta * (r @ y) / n)
    return float(max(gap, 0.0))


@numba.njit(cache=True)
def cd_sweep(X, r, w, col_sq, l1_strength, l2_strength, coordinates):
    r"""One sweep of the coordinate update {eq}`eq-linreg-cd-update` over ``coordinates``.

    For each :math:`j` in turn: :math:`z_j = \tfrac1n\mX_{:,j}^\top\vr + a_j w_j`,
    :math:`w_j \leftarrow \soft_{\alpha\rho}(z_j)/(a_j + \alpha(1-\rho))`, and the residual
    :math:`\vr = \vy - \mX\vw` is refreshed in :math:`O(n)`. ``w`` and ``r`` are updated in
    place. The loop over coordinates is compiled with numba because it is inherently sequential
    (each update reads the residual left by the previous one): run by the interpreter it pays a
    fixed cost of a few microseconds per coordinate, which dominates the :math:`O(n)` arithmetic
    for small and moderate :math:`n`. The inner product :math:`\mX_{:,j}^\top\vr` is
    ``np.dot`` on a contiguous column, which numba hands to BLAS (``ddot``), so for large
    :math:`n` it is as fast as NumPy's; a plain compiled loop would not be, since without
    fast-math the compiler keeps the sum's order and does not vectorise it. Pass ``X`` in
    Fortran order (contiguous columns). It runs the same updates in the same order as the
    NumPy loop; only the rounding of the inner products may differ.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), Fortran order
    r : ndarray of shape (n_samples,)
        The residual :math:`\vy - \mX\vw`, updated in place.
    w : ndarray of shape (n_features,)
        The weights, updated in place.
    col_sq : ndarray of shape (n_features,)
        :math:`a_j = \tfrac1n\|\mX_{:,j}\|_2^2`; coordinates with :math:`a_j = 0` are skipped.
    l1_strength, l2_strength : float
        :math:`\alpha\rho` and :math:`\alpha(1-\rho)`.
    coordinates : ndarray of int
        The coordinates to update, in order.

    Returns
    -------
    max_change : float
        :math:`\max_j |w_j^{\text{new}} - w_j^{\text{old}}|` over the sweep.
    max_weight : float
        :math:`\max_j |w_j|` over the swept coordinates after the sweep.
    """
    n = X.shape[0]
    max_change, max_weight = 0.0, 0.0
    for j in coordinates:
        if col_sq[j] == 0.0:  # a zero column: its weight stays at 0
            continue
        w_old = w[j]
        # X_j^T r by BLAS (ddot); ascontiguousarray copies nothing for a Fortran-order X, and
        # only tells numba that the column is contiguous when X is also C-contiguous (n or d = 1)
        z = np.dot(np.ascontiguousarray(X[:, j]), r) / n + col_sq[j] * w_old
        if z > l1_strength:  # soft thresholding, {eq}`eq-linreg-soft-threshold`
            w_new = (z - l1_strength) / (col_sq[j] + l2_strength)
        elif z < -l1_strength:
            w_new = (z + l1_strength) / (col_sq[j] + l2_strength)
        else:
            w_new = 0.0
        w[j] = w_new
        if w_new != w_old:
            for i in range(n):
                r[i] -= X[i, j] * (w_new - w_old)
        max_change = max(max_change, abs(w_new - w_old))
        max_weight = max(max_weight, abs(w_new))
    return max_change, max_weight


def enet_coordinate_descent(X, y, alpha, l1_ratio=1.0, *, max_iter=1000, tol=1e-4, w0=None):
    r"""Minimise the elastic-net objective by cyclic coordinate descent with an active set.

    Each sweep updates coordinates in turn with {eq}`eq-linreg-cd-update`,

    .. math::

        z_j = \tfrac1n \mX_{:,j}^\top(\vr + \mX_{:,j} w_j), \qquad
        w_j \leftarrow \frac{\soft_{\alpha\rho}(z_j)}{\tfrac1n\|\mX_{:,j}\|_2^2 + \alpha(1-\rho)},

    keeping the residual :math:`\vr = \vy - \mX\vw` up to date in :math:`O(n)`
    (:func:`cd_sweep`). A full sweep visits every coordinate; the nonzero weights after it form
    the *active set*, which is swept alone until its weights stop moving (the largest change in
    a sweep at most ``tol`` times the largest weight) or until these sweeps have cost as much as
    a full one. Then a full sweep again, which lets any coordinate enter. Pass ``X`` in Fortran
    order (contiguous columns), as the estimators do, or it is copied once.

    It stops when the duality gap {eq}`eq-linreg-duality-gap` of the whole problem falls below
    ``tol * ||y||^2 / n``, the scale scikit-learn uses, so ``tol`` means what it means in
    :class:`sklearn.linear_model.Lasso`: the active set is a shortcut, the gap certifies every
    coordinate. The gap costs about as much as a full sweep, so, as scikit-learn does, it is
    evaluated only after a full sweep that passes a cheap test (no weight moved by more than
    ``tol`` times the largest :math:`|w_j|`, or every weight is zero), and after the last sweep
    allowed by ``max_iter``; the test only decides when to look, the gap decides when to stop.
    For ``alpha = 0`` (least squares) the gap is :math:`P(\vw)` itself and vanishes only on an
    exact fit, so it stops instead when the optimality condition :math:`\mX^\top\vr = \vzero`
    holds to ``tol``: :math:`|\mX_{:,j}^\top\vr| \le \text{tol}\,\|\mX_{:,j}\|_2\|\vy\|_2` for
    every column :math:`j`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    alpha : float
        Regularisation strength :math:`\alpha \ge 0`.
    l1_ratio : float, default=1.0
        Mix :math:`\rho \in [0, 1]`; 1 is the lasso.
    max_iter : int, default=1000
        Maximum number of sweeps (full sweeps and sweeps of the active set together).
    tol : float, default=1e-4
        Tolerance on the duality gap, relative to :math:`\|\vy\|_2^2/n` (for ``alpha = 0``, on
        the gradient, as above).
    w0 : ndarray of shape (n_features,), default=None
        Starting point (a warm start); zeros when ``None``. The weight of an all-zero column
        is set to zero, its coordinate minimiser whatever the other weights are.

    Returns
    -------
    w : ndarray of shape (n_features,)
    gap : float
        The duality gap at ``w``.
    n_iter : int
        Number of sweeps run.
    """
    n, d = X.shape
    X = np.asfortranarray(X, dtype=float)  # contiguous columns (no copy if X already has them)
    y = np.asarray(y, dtype=float)
    a, c = alpha * l1_ratio, alpha * (1.0 - l1_ratio)
    w = np.zeros(d) if w0 is None else np.array(w0, dtype=float)
    col_sq = np.einsum("ij,ij->j", X, X) / n  # a_j = (1/n)||X[:, j]||^2
    # A zero column leaves the fit alone: its weight meets only the penalty, smallest at 0.
    # Set it once (a warm start may not), then the sweeps skip that coordinate.
    w[col_sq == 0.0] = 0.0
    r = y - X @ w
    threshold = tol * (y @ y) / n
    least_squares = a == 0 and c == 0
    # For alpha = 0 (least squares) the scale chi is 0, so the gap is P(w) itself, which
    # vanishes only on an exact fit. Stop on the optimality condition X^T r = 0 instead, each
    # column relative to its scale: |X_j^T r| <= tol ||X_j|| ||y|| for every j.
    kkt_scale = np.sqrt(n * col_sq) * np.sqrt(y @ y)  # ||X_j|| ||y||

    def check(w):
        """The duality gap at w, and whether the stopping rule holds there."""
        gap = duality_gap(X, y, w, alpha, l1_ratio)
        if least_squares:
            return gap, bool(np.all(np.abs(X.T @ (y - X @ w)) <= tol * kkt_scale))
        return gap, gap <= threshold

    every = np.arange(d)
    n_iter = 0
    gap, done = check(w)
    while n_iter < max_iter and not done:
        # a full sweep: every coordinate may enter
        max_change, max_weight = cd_sweep(X, r, w, col_sq, a, c, every)
        n_iter += 1
        # The gap costs about as much as a sweep: evaluate it only when the weights have
        # settled, or after the last sweep allowed. It certifies every coordinate.
        if max_weight == 0.0 or max_change <= tol * max_weight or n_iter == max_iter:
            gap, done = check(w)
        active = np.flatnonzero(w)
        if done or n_iter == max_iter or active.size in (0, d):
            continue
        # Sweep the active set alone until its weights settle, or until these sweeps have
        # cost as much as one full sweep (d / |A| of them): a coordinate that should enter
        # waits at most that long for the next full sweep, which decides whether to look at
        # the gap.
        for _ in range(min(d // active.size, max_iter - n_iter)):
            max_change, max_weight = cd_sweep(X, r, w, col_sq, a, c, active)
            n_iter += 1
            if max_change <= tol * max_weight:
                break
        if n_iter == max_iter:  # the last sweep allowed was one of the active set
            gap, done = check(w)
    if not done and least_squares:
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.abs(X.T @ (y - X @ w))[col_sq > 0] / kkt_scale[col_sq > 0]
        warnings.warn(
            f"Coordinate descent (alpha=0, least squares) did not converge in "
            f"max_iter={max_iter} sweeps: max_j |X_j^T r| / (||X_j|| ||y||) = "
            f"{np.nanmax(ratio):.3g} > tol = {tol:.3g}. Increase max_iter or tol, standardise "
            "the features, or use LinearRegression.",
            ConvergenceWarning,
            stacklevel=2,
        )
    elif not done:
        warnings.warn(
            f"Coordinate descent did not converge in max_iter={max_iter} sweeps: duality gap "
            f"{gap:.3g} > tol * ||y||^2 / n = {threshold:.3g}. Increase max_iter or tol, or "
            "standardise the features.",
            ConvergenceWarning,
            stacklevel=2,
        )
    return w, gap, n_iter


def alpha_max(X, y, l1_ratio=1.0):
    r"""The smallest :math:`\alpha` at which the elastic-net solution is :math:`\vw = \vzero`.

    :math:`\alpha_{\max} = \|\mX^\top\vy\|_\infty / (n\rho)`: for every
    :math:`\alpha \ge \alpha_{\max}` zero satisfies the optimality condition.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    l1_ratio : float, default=1.0
        Must be positive: with :math:`\rho = 0` (ridge) no finite :math:`\alpha` gives zero.

    Returns
    -------
    float
    """
    if l1_ratio <= 0:
        raise ValueError("alpha_max is infinite for l1_ratio <= 0 (pure ridge).")
    return float(np.max(np.abs(X.T @ y), initial=0.0) / (X.shape[0] * l1_ratio))


def enet_path(X, y, *, l1_ratio=1.0, alphas=None, n_alphas=100, eps=1e-3, max_iter=1000,
              tol=1e-4):
    r"""Elastic-net solutions along a decreasing grid of :math:`\alpha`, with warm starts.

    The default grid has ``n_alphas`` values spaced evenly on a log scale from
    :func:`alpha_max` down to ``eps * alpha_max``; each fit starts from the previous solution,
    which is close, so the whole path costs a few full fits. No intercept is fitted: centre
    ``X`` and ``y`` first.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    l1_ratio : float, default=1.0
    alphas : array-like or int, default=None
        The grid, sorted in decreasing order if given; an int is the number of values of the
        default grid (scikit-learn 1.9's convention), which then replaces ``n_alphas``.
    n_alphas : int, default=100
    eps : float, default=1e-3
        Ratio of the smallest to the largest :math:`\alpha` of the default grid.
    max_iter, tol
        As in :func:`enet_coordinate_descent`.

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
        Decreasing.
    coefs : ndarray of shape (n_features, n_alphas)
        The solution for each :math:`\alpha`.
    """
    X = np.asfortranarray(X, dtype=float)  # once, not once per alpha
    y = np.asarray(y, dtype=float)
    if isinstance(alphas, (int, np.integer)) and not isinstance(alphas, bool):
        alphas, n_alphas = None, int(alphas)
    if alphas is None:
        top = alpha_max(X, y, l1_ratio)
        alphas = np.geomspace(top, top * eps, n_alphas) if top > 0 else np.zeros(n_alphas)
    else:
        alphas = np.sort(np.asarray(alphas, dtype=float))[::-1]
    coefs = np.empty((X.shape[1], alphas.size))
    w = np.zeros(X.shape[1])
    for k, alpha in enumerate(alphas):
        w, _, _ = enet_coordinate_descent(X, y, alpha, l1_ratio, max_iter=max_iter, tol=tol,
                                          w0=w)
        coefs[:, k] = w
    return alphas, coefs


def lasso_path(X, y, **kwargs):
    """The lasso path: :func:`enet_path` with ``l1_ratio=1``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    **kwargs
        ``alphas``, ``n_alphas``, ``eps``, ``max_iter``, ``tol``, as in :func:`enet_path`.

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
        Decreasing.
    coefs : ndarray of shape (n_features, n_alphas)
    """
    return enet_path(X, y, l1_ratio=1.0, **kwargs)
