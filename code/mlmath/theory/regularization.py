r"""Regularisation seen from several sides: spectral filters, early stopping, noise injection.

The code of the book's regularisation chapter (``book/theory/regularization.md``). Every
function works with the **averaged** least-squares objective
:math:`J(\vw) = \frac{1}{2n}\|\vy - \mX\vw\|_2^2` of the linear regression chapter, whose Hessian
is :math:`\frac1n\mX^\top\mX` with eigenvalues :math:`\lambda_j = s_j^2/n`, and with the averaged
ridge objective :math:`J(\vw) + \frac\alpha2\|\vw\|_2^2`, which is scikit-learn's ``Ridge`` with
strength :math:`n\alpha` (see the notation page, "How the objectives are scaled"). No intercept
is fitted: centre ``X`` and ``y`` first.
"""

import warnings
from numbers import Integral

import numpy as np
import scipy.optimize
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state, check_X_y

from mlmath.supervised.linear_regression.coordinate_descent import (
    alpha_max,
    enet_coordinate_descent,
)
from mlmath.supervised.linear_regression.least_squares import (
    gradient_descent,
    lipschitz_constant,
    lstsq_svd,
    ridge_svd,
)
from mlmath.validation import (
    Interval,
    as_finite_array,
    check_callable,
    check_nonnegative_float,
    check_option,
    check_parameter,
    check_positive_int,
)

__all__ = [
    "gd_spectral_filter",
    "ridge_spectral_filter",
    "spectral_filter_solution",
    "early_stopping_path",
    "noise_augmented_least_squares",
    "penalty_for_radius",
]


def _eigenvalues(eigenvalues):
    r"""Eigenvalues of :math:`\mX^\top\mX/n`: finite and non-negative (any shape)."""
    lam = as_finite_array(eigenvalues, "eigenvalues")
    if np.any(lam < 0):
        raise ValueError(
            f"eigenvalues must be non-negative (those of X^T X / n), got min {lam.min():.3g}."
        )
    return lam


_N_ITER = [Interval(Integral, 0, None)]


def gd_spectral_filter(eigenvalues, step_size, n_iter):
    r"""Filter factors :math:`g_t(\lambda_j) = 1 - (1 - \eta\lambda_j)^t` of early stopping.

    Implements {eq}`eq-reg-gd-filter`: after :math:`t` steps of gradient descent from
    :math:`\vw^{(0)} = \vzero` on the averaged least-squares objective, the component of the
    iterate along the :math:`j`-th eigenvector of :math:`\frac1n\mX^\top\mX` is the
    least-squares component multiplied by this factor.

    Parameters
    ----------
    eigenvalues : array-like of shape (k,)
        Eigenvalues :math:`\lambda_j \ge 0` of :math:`\frac1n\mX^\top\mX`.
    step_size : float
        The step :math:`\eta > 0`.
    n_iter : int
        The number of steps :math:`t \ge 0`.

    Returns
    -------
    ndarray of shape (k,)

    Notes
    -----
    Implements {eq}`eq-reg-gd-filter` of the regularisation chapter.
    """
    lam = _eigenvalues(eigenvalues)
    eta = check_nonnegative_float(step_size, "step_size", strict=True,
                                  owner="gd_spectral_filter")
    t = int(check_parameter(n_iter, "n_iter", _N_ITER, owner="gd_spectral_filter"))
    return 1.0 - (1.0 - eta * lam) ** t


def ridge_spectral_filter(eigenvalues, alpha):
    r"""Filter factors :math:`r_\alpha(\lambda_j) = \lambda_j / (\lambda_j + \alpha)` of ridge.

    Implements {eq}`eq-reg-ridge-filter` (averaged convention: the ridge objective
    :math:`J(\vw) + \frac\alpha2\|\vw\|_2^2`). A zero eigenvalue gets the factor 0, also when
    :math:`\alpha = 0` (the minimum-norm convention).

    Parameters
    ----------
    eigenvalues : array-like of shape (k,)
        Eigenvalues :math:`\lambda_j \ge 0` of :math:`\frac1n\mX^\top\mX`.
    alpha : float
        Regularisation strength :math:`\alpha \ge 0`.

    Returns
    -------
    ndarray of shape (k,)

    Notes
    -----
    Implements {eq}`eq-reg-ridge-filter` of the regularisation chapter.
    """
    lam = _eigenvalues(eigenvalues)
    alpha = check_nonnegative_float(alpha, "alpha", owner="ridge_spectral_filter")
    denom = lam + alpha
    return np.divide(lam, denom, out=np.zeros_like(lam), where=denom > 0)


def spectral_filter_solution(X, y, spectral_filter):
    r"""The spectral-filter estimate :math:`\sum_j \psi(\lambda_j)\,(\vu_j^\top\vy/s_j)\,\vv_j`.

    Implements {eq}`eq-reg-spectral-form`: with the thin SVD :math:`\mX = \mU\mS\mV^\top` and
    :math:`\lambda_j = s_j^2/n`, each least-squares component :math:`(\vu_j^\top\vy/s_j)\,\vv_j`
    is multiplied by the filter factor :math:`\psi(\lambda_j)`. Components with :math:`s_j = 0`
    (to working precision) are left out.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    spectral_filter : callable
        Maps the eigenvalues, an array of shape ``(r,)`` with :math:`r = \min(n, d)`, to the
        filter factors, an array of the same shape; for instance
        ``lambda lam: ridge_spectral_filter(lam, alpha)``.

    Returns
    -------
    w : ndarray of shape (n_features,)

    Notes
    -----
    Implements {eq}`eq-reg-spectral-form` of the regularisation chapter.
    """
    X, y = check_X_y(X, y, dtype=np.float64, y_numeric=True)
    check_callable(spectral_filter, "spectral_filter")
    n = X.shape[0]
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    factors = np.asarray(spectral_filter(s**2 / n), dtype=float)
    if factors.shape != s.shape:
        raise ValueError(
            f"spectral_filter must return shape {s.shape}, got {factors.shape}."
        )
    if not np.all(np.isfinite(factors)):
        raise ValueError("spectral_filter returned NaN or inf factors.")
    keep = s > np.finfo(float).eps * max(X.shape) * (s[0] if s.size else 0.0)
    coef = np.zeros_like(s)
    coef[keep] = factors[keep] * (U[:, keep].T @ y) / s[keep]
    return Vt.T @ coef


def early_stopping_path(X, y, step_size, n_iter):
    r"""Every iterate of gradient descent on least squares from zero, up to ``n_iter`` steps.

    Runs :func:`mlmath.supervised.linear_regression.least_squares.gradient_descent` (the update
    {eq}`eq-linreg-gd-update`) for exactly ``n_iter`` steps, without its stopping rule. Row
    :math:`t` of the result is the iterate {eq}`eq-reg-gd-iterate`, the early-stopped estimate
    after :math:`t` steps.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    step_size : float
        The step :math:`\eta`, with :math:`0 < \eta < 2/L`, :math:`L = \lambda_{\max}`
        (the chapter's filter bounds assume :math:`\eta \le 1/L`).
    n_iter : int
        Number of steps :math:`T \ge 0`.

    Returns
    -------
    path : ndarray of shape (n_iter + 1, n_features)
        The iterates :math:`\vw^{(0)} = \vzero, \vw^{(1)}, \dots, \vw^{(T)}`.

    Notes
    -----
    Implements {eq}`eq-reg-gd-iterate` of the regularisation chapter, by iterating the update
    rather than by the formula.
    """
    X, y = check_X_y(X, y, dtype=np.float64, y_numeric=True)
    eta = check_nonnegative_float(step_size, "step_size", strict=True,
                                  owner="early_stopping_path")
    T = int(check_parameter(n_iter, "n_iter", _N_ITER, owner="early_stopping_path"))
    L = lipschitz_constant(X)
    if L > 0 and eta >= 2.0 / L:
        raise ValueError(
            f"step_size must be below 2/L = {2.0 / L:.4g} for gradient descent to converge, "
            f"got {eta:.4g}."
        )
    if T == 0:
        return np.zeros((1, X.shape[1]))
    with warnings.catch_warnings():  # running all T steps is the point: no early exit warning
        warnings.simplefilter("ignore", ConvergenceWarning)
        _, n_done, path = gradient_descent(X, y, step_size=eta, max_iter=T, tol=0.0,
                                           return_path=True)
    if n_done < T:  # the gradient vanished exactly: every later iterate is the same point
        path = np.vstack([path, np.repeat(path[-1:], T - n_done, axis=0)])
    return path


def noise_augmented_least_squares(X, y, noise_std, *, n_copies=100, random_state=None):
    r"""Least squares on ``n_copies`` copies of the data with Gaussian noise added to ``X``.

    Stacks :math:`\mX + \mathbf{E}_1, \dots, \mX + \mathbf{E}_m` (entries of each
    :math:`\mathbf{E}_k` drawn independently from :math:`\Normal(0, \sigma_x^2)`) over
    :math:`m` copies of :math:`\vy` and returns the minimum-norm least-squares solution. By
    {eq}`eq-reg-noise-objective` its objective is, in expectation, the ridge objective with
    :math:`\alpha = \sigma_x^2` (averaged convention), and the estimate tends to that ridge
    solution as :math:`m \to \infty`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    noise_std : float
        Standard deviation :math:`\sigma_x \ge 0` of the input noise.
    n_copies : int, default=100
        Number :math:`m \ge 1` of noisy copies.
    random_state : int, numpy.random.Generator, RandomState or None, default=None
        Seed of the noise.

    Returns
    -------
    w : ndarray of shape (n_features,)

    Notes
    -----
    The limit is {eq}`eq-reg-noise-objective` of the regularisation chapter.
    """
    X, y = check_X_y(X, y, dtype=np.float64, y_numeric=True)
    sigma = check_nonnegative_float(noise_std, "noise_std", owner="noise_augmented_least_squares")
    m = check_positive_int(n_copies, "n_copies", owner="noise_augmented_least_squares")
    rng = random_state if isinstance(random_state, np.random.Generator) \
        else check_random_state(random_state)
    n, d = X.shape
    X_aug = (X[None] + sigma * rng.standard_normal((m, n, d))).reshape(m * n, d)  # (m n, d)
    y_aug = np.tile(y, m)  # (m n,)
    return lstsq_svd(X_aug, y_aug)


def _penalised_solution(X, y, alpha, penalty, tol=1e-12):
    n = X.shape[0]
    if penalty == "l2":
        w = ridge_svd(X, y, n * alpha)  # averaged strength alpha = sum-convention n * alpha
        return w, float(np.linalg.norm(w))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        w, _, _ = enet_coordinate_descent(X, y, alpha, 1.0, max_iter=100_000, tol=tol)
    return w, float(np.abs(w).sum())


def _min_l1_least_squares(X, w_ls):
    """A least-squares solution of smallest l1 norm, by a linear program.

    The least-squares solutions are the ``w`` with ``X w = X w_ls``; writing
    ``w = w_plus - w_minus`` with both parts non-negative, the smallest ``sum(w_plus + w_minus)``
    under that equality is the smallest l1 norm among them.
    """
    d = X.shape[1]
    res = scipy.optimize.linprog(np.ones(2 * d), A_eq=np.hstack([X, -X]), b_eq=X @ w_ls,
                                 bounds=[(0, None)] * (2 * d), method="highs")
    if res.status != 0:  # pragma: no cover - the problem is feasible (w_ls) and bounded below
        raise RuntimeError(f"linear program for the smallest l1 norm failed: {res.message}")
    return res.x[:d] - res.x[d:]


def penalty_for_radius(X, y, radius, *, penalty="l2", rtol=1e-9, max_iter=200):
    r"""The strength :math:`\alpha` whose penalised solution solves the constrained problem.

    For the constrained problem :math:`\min J(\vw)` subject to :math:`\|\vw\| \le` ``radius``,
    with :math:`\|\cdot\|` the 2-norm or the 1-norm, finds by bisection on
    :math:`\log\alpha` the :math:`\alpha \ge 0` at which the penalised solution
    (:math:`J + \frac\alpha2\|\vw\|_2^2` or :math:`J + \alpha\|\vw\|_1`) has norm ``radius``.
    In the chapter's {eq}`eq-reg-constrained`, :math:`\Omega(\vw) \le B`, the ball is the
    L1 ball with ``radius`` :math:`= B` for the lasso, and for ridge,
    :math:`\Omega = \frac12\|\vw\|_2^2`, the L2 ball with ``radius`` :math:`= \sqrt{2B}`.
    The norm of the penalised solution is a non-increasing ({eq}`eq-reg-monotone`) and
    continuous function of :math:`\alpha > 0` (``prop-reg-path`` of the regularisation
    chapter), so bisection on a bracket finds such an :math:`\alpha`, and by
    ``thm-reg-penalty-constraint`` that solution solves the constrained problem. When a
    least-squares solution already has norm at most ``radius``, the constraint is not binding,
    :math:`\alpha = 0`, and that solution is returned: the minimum-norm one if it qualifies,
    otherwise (``"l1"`` with ``X`` not of full column rank) the one of smallest 1-norm,
    found by a linear program; the lasso path tends to its norm as :math:`\alpha \to 0`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    radius : float
        The radius :math:`> 0` of the ball (:math:`B` for ``"l1"``, :math:`\sqrt{2B}` for
        ``"l2"``).
    penalty : {"l2", "l1"}, default="l2"
    rtol : float, default=1e-9
        Stop when :math:`\|\hat\vw_\alpha\|` is within ``rtol * radius`` of ``radius``, or when
        the bracket of :math:`\alpha` is as narrow as the arithmetic allows. (For ``"l1"`` each
        lasso is solved by coordinate descent to a duality gap of
        :math:`10^{-12}\|\vy\|_2^2/n`.)
    max_iter : int, default=200
        Maximum number of bisection steps.

    Returns
    -------
    alpha : float
        The strength, averaged convention (``Ridge(alpha=n * alpha)`` for ``"l2"``,
        ``Lasso(alpha=alpha)`` for ``"l1"``).
    w : ndarray of shape (n_features,)
        The penalised solution at ``alpha``.

    Notes
    -----
    Implements the correspondence between {eq}`eq-reg-penalised` and {eq}`eq-reg-constrained`
    of the regularisation chapter.
    """
    X, y = check_X_y(X, y, dtype=np.float64, y_numeric=True)
    radius = check_nonnegative_float(radius, "radius", strict=True, owner="penalty_for_radius")
    check_option(penalty, "penalty", ["l2", "l1"], owner="penalty_for_radius")
    rtol = check_nonnegative_float(rtol, "rtol", strict=True, owner="penalty_for_radius")
    max_iter = check_positive_int(max_iter, "max_iter", owner="penalty_for_radius")
    w_ls = lstsq_svd(X, y)
    norm_ls = float(np.linalg.norm(w_ls) if penalty == "l2" else np.abs(w_ls).sum())
    if norm_ls <= radius:
        return 0.0, w_ls
    if penalty == "l1" and np.linalg.matrix_rank(X) < X.shape[1]:
        # Several least-squares solutions: the lasso path tends, as alpha -> 0, to the smallest
        # l1 norm among them (prop-reg-path), which may be below that of the minimum-norm one.
        w_l1 = _min_l1_least_squares(X, w_ls)
        if np.abs(w_l1).sum() <= radius:
            return 0.0, w_l1
    # bracket: norm(lo) > radius >= norm(hi)
    hi = alpha_max(X, y) if penalty == "l1" else max(lipschitz_constant(X), 1.0)
    w_hi, norm_hi = _penalised_solution(X, y, hi, penalty)
    while norm_hi > radius:
        hi *= 10.0
        w_hi, norm_hi = _penalised_solution(X, y, hi, penalty)
    lo = hi * 1e-3
    while _penalised_solution(X, y, lo, penalty)[1] <= radius:
        lo *= 1e-3
        if lo < 1e-300:
            raise RuntimeError("could not bracket alpha: the path does not reach the radius.")
    alpha, w = hi, w_hi
    for _ in range(max_iter):
        alpha = np.sqrt(lo * hi)
        w, norm = _penalised_solution(X, y, alpha, penalty)
        if abs(norm - radius) <= rtol * radius or hi <= lo * (1.0 + 1e-13):
            break
        if norm > radius:
            lo = alpha
        else:
            hi = alpha
    else:
        warnings.warn(f"penalty_for_radius: no alpha within rtol={rtol:g} in max_iter="
                      f"{max_iter} bisection steps.", ConvergenceWarning, stacklevel=2)
    return float(alpha), w
