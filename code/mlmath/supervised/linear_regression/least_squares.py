r"""Least-squares solvers: normal equations, QR, SVD, gradient descent, and ridge.

Every function solves a problem without intercept (centre :math:`\mX` and :math:`\vy` first, as
:mod:`mlmath.supervised.linear_regression.base` does) and accepts ``y`` of shape ``(n,)`` or
``(n, k)`` (``k`` problems sharing :math:`\mX`). The book derives each one in the linear
regression chapter.
"""

import warnings

import numpy as np
import scipy.linalg
from sklearn.exceptions import ConvergenceWarning

__all__ = [
    "lstsq_normal_equations",
    "lstsq_qr",
    "lstsq_svd",
    "squared_loss",
    "squared_loss_gradient",
    "lipschitz_constant",
    "gradient_descent",
    "ridge_cholesky",
    "ridge_svd",
]


def lstsq_normal_equations(X, y):
    r"""Solve :math:`\mX^\top\mX\vw = \mX^\top\vy` by a Cholesky factorisation.

    Implements {eq}`eq-linreg-normal-equations` of the linear regression chapter. Costs
    :math:`O(nd^2 + d^3)` and squares the condition number: prefer :func:`lstsq_qr` or
    :func:`lstsq_svd` when :math:`\mX` is ill-conditioned.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,) or (n_samples, n_targets)

    Returns
    -------
    w : ndarray of shape (n_features,) or (n_features, n_targets)

    Raises
    ------
    numpy.linalg.LinAlgError
        If :math:`\mX^\top\mX` is singular to working precision (``X`` lacks full column rank).
    """
    gram = X.T @ X
    try:
        factor = scipy.linalg.cho_factor(gram, lower=True, check_finite=False)
    except np.linalg.LinAlgError as exc:
        raise np.linalg.LinAlgError(
            "X^T X is not positive definite: X does not have full column rank, so the normal "
            "equations have no unique solution. Use solver='svd' for the minimum-norm solution."
        ) from exc
    return scipy.linalg.cho_solve(factor, X.T @ y, check_finite=False)


def lstsq_qr(X, y):
    r"""Solve least squares through the thin QR factorisation :math:`\mX = \mQ\mR`.

    Implements {eq}`eq-linreg-qr-solution`: :math:`\vw = \mR^{-1}\mQ^\top\vy`, by back
    substitution. Requires full column rank and :math:`n \ge d`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,) or (n_samples, n_targets)

    Returns
    -------
    w : ndarray of shape (n_features,) or (n_features, n_targets)

    Raises
    ------
    numpy.linalg.LinAlgError
        If ``X`` has fewer rows than columns or is rank deficient.
    """
    n, d = X.shape
    if n < d:
        raise np.linalg.LinAlgError(
            f"QR least squares needs n_samples >= n_features, got {n} < {d}. "
            "Use solver='svd' for the minimum-norm solution."
        )
    Q, R = np.linalg.qr(X, mode="reduced")
    diag = np.abs(np.diag(R))
    if diag.size and diag.min() <= np.finfo(float).eps * max(n, d) * diag.max():
        raise np.linalg.LinAlgError(
            "X is rank deficient (R has a zero on its diagonal), so the least-squares solution "
            "is not unique. Use solver='svd' for the minimum-norm solution."
        )
    return scipy.linalg.solve_triangular(R, Q.T @ y, lower=False, check_finite=False)


def lstsq_svd(X, y, *, rcond=None):
    r"""Minimum-norm least-squares solution :math:`\vw = \mV\mS^{+}\mU^\top\vy`.

    Implements {eq}`eq-linreg-svd-solution`: singular values below ``rcond * s_max`` are
    treated as zero, which gives the minimum-norm minimiser when :math:`\mX` is rank deficient.
    For a tall :math:`\mX` (:math:`n \ge 2d`) the SVD is that of the triangular factor of a QR
    decomposition, as the chapter explains: same singular values and right singular vectors,
    without forming the :math:`n \times d` matrices :math:`\mathbf Q` or :math:`\mU`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,) or (n_samples, n_targets)
    rcond : float, default=None
        Relative cut-off for small singular values; ``None`` means
        ``eps * max(n_samples, n_features)``.

    Returns
    -------
    w : ndarray of shape (n_features,) or (n_features, n_targets)
    """
    n, d = X.shape
    if n >= 2 * d > 0:
        # Tall X: the SVD of the triangular factor of X = QR is one of X, since
        # X = (Q U_R) S V^T; U^T y = U_R^T (Q^T y), and Q^T y is applied from the Householder
        # reflectors, so neither Q nor U (n x d each) is ever formed.
        Qty, R = scipy.linalg.qr_multiply(X, np.atleast_2d(y.T), mode="right")
        U_R, s, Vt = np.linalg.svd(R)
        Uty = U_R.T @ Qty.T
        Uty = Uty[:, 0] if y.ndim == 1 else Uty
    else:
        U, s, Vt = np.linalg.svd(X, full_matrices=False)
        Uty = U.T @ y
    if rcond is None:
        rcond = np.finfo(float).eps * max(X.shape)
    keep = s > rcond * (s[0] if s.size else 0.0)
    s_inv = np.zeros_like(s)
    s_inv[keep] = 1.0 / s[keep]
    return Vt.T @ (s_inv[:, None] * Uty if Uty.ndim == 2 else s_inv * Uty)


def squared_loss(X, y, w):
    r"""The least-squares objective :math:`J(\vw) = \frac{1}{2n}\|\vy - \mX\vw\|_2^2`.

    Implements {eq}`eq-linreg-objective`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    w : ndarray of shape (n_features,) or (..., n_features)
        One weight vector, or a stack of them (for contour plots).

    Returns
    -------
    J : float or ndarray of shape (...)
    """
    residual = y - np.asarray(w) @ X.T  # (..., n)
    return 0.5 * np.mean(residual**2, axis=-1)


def squared_loss_gradient(X, y, w):
    r"""Gradient :math:`\nabla J(\vw) = \frac{1}{n}\mX^\top(\mX\vw - \vy)`.

    Implements {eq}`eq-linreg-gradient`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    w : ndarray of shape (n_features,)

    Returns
    -------
    grad : ndarray of shape (n_features,)
    """
    return X.T @ (X @ w - y) / X.shape[0]


def lipschitz_constant(X):
    r"""Lipschitz constant :math:`L = \lambda_{\max}(\mX^\top\mX)/n` of :math:`\nabla J`.

    Computed as :math:`s_{\max}(\mX)^2/n` from the largest singular value of ``X``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)

    Returns
    -------
    L : float
    """
    if X.size == 0:
        return 0.0
    s_max = scipy.linalg.svdvals(X, check_finite=False)[0]
    return float(s_max**2 / X.shape[0])


def gradient_descent(X, y, *, step_size=None, max_iter=1000, tol=1e-8, w0=None,
                     return_path=False):
    r"""Minimise :math:`J(\vw) = \frac{1}{2n}\|\vy - \mX\vw\|_2^2` by gradient descent.

    Iterates {eq}`eq-linreg-gd-update`,
    :math:`\vw^{(t+1)} = \vw^{(t)} - \eta\nabla J(\vw^{(t)})`, which converges for every
    :math:`0 < \eta < 2/L` (the convergence theorem of the linear regression chapter). Stops
    when :math:`\|\nabla J(\vw^{(t)})\|_\infty \le
    \text{tol}\cdot\|\nabla J(\vw^{(0)})\|_\infty`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,) or (n_samples, n_targets)
    step_size : float, default=None
        The step :math:`\eta`; ``None`` uses :math:`1/L` from :func:`lipschitz_constant`.
    max_iter : int, default=1000
        Maximum number of iterations.
    tol : float, default=1e-8
        Relative tolerance on the gradient's largest entry.
    w0 : ndarray of shape (n_features,), default=None
        Starting point; zeros when ``None``.
    return_path : bool, default=False
        Also return every iterate.

    Returns
    -------
    w : ndarray of shape (n_features,) or (n_features, n_targets)
    n_iter : int
        Number of iterations run.
    path : ndarray of shape (n_iter + 1, n_features)
        The iterates :math:`\vw^{(0)}, \dots, \vw^{(T)}`; only when ``return_path``.
    """
    n, d = X.shape
    if step_size is None:
        L = lipschitz_constant(X)
        step_size = 1.0 / L if L > 0 else 1.0
    w = np.zeros((d,) + y.shape[1:]) if w0 is None else np.array(w0, dtype=float)
    if w.shape != (d,) + y.shape[1:]:
        raise ValueError(f"w0 must have shape {(d,) + y.shape[1:]}, got {w.shape}.")
    path = [w.copy()] if return_path else None
    Xty = X.T @ y / n
    grad = X.T @ (X @ w) / n - Xty
    threshold = tol * np.max(np.abs(grad), initial=0.0)  # relative to the first gradient
    n_iter = 0
    while n_iter < max_iter and np.max(np.abs(grad), initial=0.0) > threshold:
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is checked below
            w = w - step_size * grad
            grad = X.T @ (X @ w) / n - Xty
        n_iter += 1
        if return_path:
            path.append(w.copy())
        if not np.all(np.isfinite(grad)):
            raise FloatingPointError(
                f"Gradient descent diverged at iteration {n_iter}: step_size={step_size:.4g} "
                "is too large (it must be below 2/L, see lipschitz_constant)."
            )
    else:
        if np.max(np.abs(grad), initial=0.0) > threshold:
            warnings.warn(
                f"Gradient descent did not converge in max_iter={max_iter} iterations "
                f"(gradient norm {np.max(np.abs(grad)):.3g} > {threshold:.3g}); increase "
                "max_iter or standardise the features to improve the conditioning.",
                ConvergenceWarning,
                stacklevel=2,
            )
    if return_path:
        return w, n_iter, np.asarray(path)
    return w, n_iter


def ridge_cholesky(X, y, alpha):
    r"""Ridge solution :math:`\vw = (\mX^\top\mX + \alpha\mI)^{-1}\mX^\top\vy` by Cholesky.

    Implements {eq}`eq-linreg-ridge-closed-form`. When :math:`n < d` it solves the equal
    :math:`n\times n` system :math:`\vw = \mX^\top(\mX\mX^\top + \alpha\mI)^{-1}\vy` instead,
    {eq}`eq-linreg-ridge-push-through` (the push-through identity).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,) or (n_samples, n_targets)
    alpha : float
        Regularisation strength :math:`\alpha > 0` (``alpha = 0`` works when ``X`` has full
        rank in the smaller dimension).

    Returns
    -------
    w : ndarray of shape (n_features,) or (n_features, n_targets)
    """
    n, d = X.shape
    # scipy only warns on a numerically singular system: refuse it rather than return an
    # arbitrary one of infinitely many solutions.
    with warnings.catch_warnings():
        warnings.simplefilter("error", scipy.linalg.LinAlgWarning)
        try:
            if n >= d:
                A = X.T @ X
                A[np.diag_indices_from(A)] += alpha
                return scipy.linalg.solve(A, X.T @ y, assume_a="pos", check_finite=False)
            K = X @ X.T
            K[np.diag_indices_from(K)] += alpha
            return X.T @ scipy.linalg.solve(K, y, assume_a="pos", check_finite=False)
        except (np.linalg.LinAlgError, scipy.linalg.LinAlgWarning) as exc:
            raise np.linalg.LinAlgError(
                "The ridge system is singular (alpha=0 with a rank-deficient X); use alpha > 0 "
                "or solver='svd' for the minimum-norm solution."
            ) from exc


def ridge_svd(X, y, alpha):
    r"""Ridge solution through the SVD: :math:`\vw = \mV\diag(s_j/(s_j^2+\alpha))\mU^\top\vy`.

    Implements {eq}`eq-linreg-ridge-svd`: each component of the least-squares fit along the
    :math:`j`-th singular direction is shrunk by :math:`s_j^2/(s_j^2 + \alpha)`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,) or (n_samples, n_targets)
    alpha : float
        Regularisation strength :math:`\alpha \ge 0`; with ``alpha = 0`` this is the
        minimum-norm least-squares solution.

    Returns
    -------
    w : ndarray of shape (n_features,) or (n_features, n_targets)
    """
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    tiny = s <= np.finfo(float).eps * max(X.shape) * (s[0] if s.size else 0.0)
    denom = s**2 + alpha
    factor = np.where(tiny & (alpha == 0), 0.0, s / np.where(denom > 0, denom, 1.0))
    Uty = U.T @ y
    return Vt.T @ (factor[:, None] * Uty if Uty.ndim == 2 else factor * Uty)
