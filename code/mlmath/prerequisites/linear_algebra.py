r"""Linear algebra: Gram–Schmidt, projections, power iteration, low-rank approximation, kappa.

The linear algebra chapter (``book/prerequisites/linear_algebra.md``) derives every formula here
and proves the results the functions rely on; the docstrings name the equations they implement.
Least squares and the pseudo-inverse live in
:mod:`mlmath.supervised.linear_regression.least_squares`
(:func:`~mlmath.supervised.linear_regression.least_squares.lstsq_svd` is the minimum-norm solution
:math:`\mA^{+}\vy`); nothing here repeats them.
"""

import warnings
from numbers import Integral

import numpy as np
import scipy.linalg
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state

from mlmath.validation import (
    Interval,
    as_finite_array,
    check_bool,
    check_nonnegative_float,
    check_option,
    check_parameter,
    check_positive_int,
)

__all__ = [
    "gram_schmidt",
    "projection_matrix",
    "rayleigh_quotient",
    "power_iteration",
    "low_rank_approximation",
    "condition_number",
]


def _numerical_rank_cutoff(s, shape, rtol):
    """Singular values at or below this are treated as zero."""
    if rtol is None:
        rtol = np.finfo(float).eps * max(shape)
    return rtol * (s[0] if s.size else 0.0)


def gram_schmidt(A, *, method="modified"):
    r"""Orthonormalise the columns of ``A`` by Gram–Schmidt: the thin QR factorisation.

    Implements {eq}`eq-la-gram-schmidt` and {eq}`eq-la-qr` of the linear algebra chapter:
    column :math:`j` of :math:`\mQ` is :math:`\mA_{:,j}` minus its projections on the earlier
    columns, normalised, and :math:`\mR` collects the coefficients, so that
    :math:`\mA = \mQ\mR`. The ``"classical"`` variant computes every coefficient
    :math:`r_{ij} = \vq_i^\top\mA_{:,j}` from the original column; the ``"modified"`` one from the
    column already stripped of its components along :math:`\vq_1, \dots, \vq_{i-1}`, which is the
    same number in exact arithmetic and loses far less orthogonality in floating point.

    Parameters
    ----------
    A : array-like of shape (n, d)
        A matrix with linearly independent columns (so :math:`n \ge d`).
    method : {"modified", "classical"}, default="modified"
        The variant of the algorithm.

    Returns
    -------
    Q : ndarray of shape (n, d)
        Orthonormal columns spanning :math:`\col(\mA)`.
    R : ndarray of shape (d, d)
        Upper triangular with a positive diagonal.

    Raises
    ------
    numpy.linalg.LinAlgError
        If a column of ``A`` is (numerically) a combination of the earlier ones.
    """
    A = as_finite_array(A, "A", ndim=2)
    method = check_option(method, "method", ["modified", "classical"], owner="gram_schmidt")
    n, d = A.shape
    if d == 0 or n < d:
        raise ValueError(f"A must have at least one column and n >= d; got shape {A.shape}.")
    Q = A.copy()
    R = np.zeros((d, d))
    scale = np.linalg.norm(A, axis=0)  # (d,)
    for j in range(d):
        v = Q[:, j]  # (n,) a view: updated in place
        if method == "classical":
            R[:j, j] = Q[:, :j].T @ A[:, j]
            v -= Q[:, :j] @ R[:j, j]
        else:
            for i in range(j):
                R[i, j] = Q[:, i] @ v
                v -= R[i, j] * Q[:, i]
        R[j, j] = np.linalg.norm(v)
        if R[j, j] <= np.finfo(float).eps * max(n, d) * max(scale[j], 1e-300):
            raise np.linalg.LinAlgError(
                f"Column {j} of A is (numerically) a linear combination of the columns before "
                "it: A does not have full column rank, and Gram–Schmidt cannot normalise."
            )
        v /= R[j, j]
    return Q, R


def projection_matrix(A, *, rtol=None):
    r"""The orthogonal projection matrix onto the column space of ``A``.

    Implements {eq}`eq-la-projection-matrix` of the linear algebra chapter,
    :math:`\mathbf{P} = \mA(\mA^\top\mA)^{-1}\mA^\top`, in the form
    :math:`\mathbf{P} = \mU_r\mU_r^\top` of {eq}`eq-la-projection-svd`, which needs no inverse
    and also holds when ``A`` is rank deficient (then :math:`\mU_r` holds the left singular
    vectors of the :math:`r = \rank(\mA)` nonzero singular values).

    Parameters
    ----------
    A : array-like of shape (n, d)
    rtol : float, default=None
        Singular values at most ``rtol * s_max`` count as zero; ``None`` means
        ``eps * max(n, d)``.

    Returns
    -------
    P : ndarray of shape (n, n)
        Symmetric and idempotent, with :math:`\mathbf{P}\mA = \mA`.
    """
    A = as_finite_array(A, "A", ndim=2)
    if rtol is not None:
        rtol = check_nonnegative_float(rtol, "rtol", owner="projection_matrix")
    U, s, _ = np.linalg.svd(A, full_matrices=False)
    U_r = U[:, s > _numerical_rank_cutoff(s, A.shape, rtol)]  # (n, r)
    return U_r @ U_r.T


def _check_symmetric(A, name):
    A = as_finite_array(A, name, ndim=2)
    if A.shape[0] != A.shape[1] or A.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty square matrix, got shape {A.shape}.")
    if not np.allclose(A, A.T, rtol=1e-10, atol=1e-12 * max(np.abs(A).max(), 1e-300)):
        raise ValueError(f"{name} must be symmetric.")
    return A


def rayleigh_quotient(A, x):
    r"""The Rayleigh quotient :math:`q(\vx) = \vx^\top\mA\vx / \vx^\top\vx`.

    Implements {eq}`eq-la-rayleigh` of the linear algebra chapter (where the letter :math:`q` is
    local to the chapter).

    Parameters
    ----------
    A : array-like of shape (d, d)
        A symmetric matrix.
    x : array-like of shape (d,)
        A nonzero vector.

    Returns
    -------
    q : float
        A number between :math:`\lambda_{\min}(\mA)` and :math:`\lambda_{\max}(\mA)`.
    """
    A = _check_symmetric(A, "A")
    x = as_finite_array(x, "x", ndim=1)
    if x.shape != (A.shape[0],):
        raise ValueError(f"x must have shape ({A.shape[0]},), got {x.shape}.")
    xx = float(x @ x)
    if xx == 0.0:
        raise ValueError("x must be nonzero: the Rayleigh quotient of 0 is undefined.")
    return float(x @ A @ x) / xx


def power_iteration(A, *, v0=None, max_iter=1000, tol=1e-10, random_state=None,
                    return_history=False):
    r"""The dominant eigenpair of a symmetric matrix by power iteration.

    Iterates {eq}`eq-la-power-iteration`,
    :math:`\vv^{(t+1)} = \mA\vv^{(t)}/\|\mA\vv^{(t)}\|_2`, and estimates the eigenvalue by the
    Rayleigh quotient :math:`\lambda^{(t)} = \vv^{(t)\top}\mA\vv^{(t)}`. When
    :math:`|\lambda_1| > |\lambda_2|` the angle to the eigenvector shrinks like
    :math:`|\lambda_2/\lambda_1|^t` and the eigenvalue error like
    :math:`|\lambda_2/\lambda_1|^{2t}` ({eq}`eq-la-power-rate`). Stops when the residual
    :math:`\|\mA\vv^{(t)} - \lambda^{(t)}\vv^{(t)}\|_2 \le \text{tol}\cdot\|\mA\|_F`.

    Parameters
    ----------
    A : array-like of shape (d, d)
        A symmetric matrix.
    v0 : array-like of shape (d,), default=None
        The starting vector; random (from ``random_state``) when ``None``.
    max_iter : int, default=1000
        The most iterations.
    tol : float, default=1e-10
        Relative tolerance on the eigen-residual.
    random_state : int, Generator, RandomState or None, default=None
        Seeds the random starting vector.
    return_history : bool, default=False
        Also return the iterates and their Rayleigh quotients.

    Returns
    -------
    eigenvalue : float
        The Rayleigh quotient of the last iterate.
    eigenvector : ndarray of shape (d,)
        The last iterate, of unit norm.
    n_iter : int
        Iterations run.
    vectors : ndarray of shape (n_iter + 1, d)
        The iterates :math:`\vv^{(0)}, \dots, \vv^{(T)}`; only with ``return_history``.
    values : ndarray of shape (n_iter + 1,)
        Their Rayleigh quotients; only with ``return_history``.
    """
    A = _check_symmetric(A, "A")
    d = A.shape[0]
    max_iter = check_positive_int(max_iter, "max_iter", owner="power_iteration")
    tol = check_nonnegative_float(tol, "tol", owner="power_iteration")
    check_bool(return_history, "return_history", owner="power_iteration")
    if v0 is None:
        v = check_random_state(random_state).standard_normal(d)
    else:
        v = as_finite_array(v0, "v0", ndim=1)
        if v.shape != (d,):
            raise ValueError(f"v0 must have shape ({d},), got {v.shape}.")
    norm = np.linalg.norm(v)
    if norm == 0.0:
        raise ValueError("v0 must be nonzero.")
    v = v / norm
    threshold = tol * np.linalg.norm(A)
    Av = A @ v
    lam = float(v @ Av)
    vectors, values = [v], [lam]
    n_iter = 0
    while np.linalg.norm(Av - lam * v) > threshold and n_iter < max_iter:
        v = Av / np.linalg.norm(Av)  # nonzero: else the residual ||Av - lam v|| would be 0
        Av = A @ v
        lam = float(v @ Av)
        n_iter += 1
        if return_history:
            vectors.append(v)
            values.append(lam)
    if np.linalg.norm(Av - lam * v) > threshold:
        warnings.warn(
            f"Power iteration did not converge in max_iter={max_iter} iterations; the ratio "
            "|lambda_2 / lambda_1| may be close to 1 (or the two largest |eigenvalues| equal).",
            ConvergenceWarning,
            stacklevel=2,
        )
    if return_history:
        return lam, v, n_iter, np.asarray(vectors), np.asarray(values)
    return lam, v, n_iter


def low_rank_approximation(A, k):
    r"""The best rank-``k`` approximation of ``A``: its SVD truncated to ``k`` terms.

    Implements {eq}`eq-la-truncated-svd` of the linear algebra chapter,
    :math:`\mA_k = \sum_{j=1}^{k} s_j\vu_j\vv_j^\top`, which by the Eckart–Young theorem
    minimises :math:`\|\mA - \mathbf{B}\|_2` and :math:`\|\mA - \mathbf{B}\|_F` over the
    matrices :math:`\mathbf{B}` of rank at most :math:`k`, with the errors
    :math:`s_{k+1}` and :math:`(\sum_{j>k}s_j^2)^{1/2}`.

    Parameters
    ----------
    A : array-like of shape (n, d)
    k : int
        The rank, :math:`0 \le k \le \min(n, d)`.

    Returns
    -------
    A_k : ndarray of shape (n, d)
    """
    k = int(check_parameter(k, "k", [Interval(Integral, 0, None)], owner="low_rank_approximation"))
    A = as_finite_array(A, "A", ndim=2)
    if not 0 <= k <= min(A.shape):
        raise ValueError(f"k must satisfy 0 <= k <= min(n, d) = {min(A.shape)}, got {k}.")
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return (U[:, :k] * s[:k]) @ Vt[:k]


def condition_number(A):
    r"""The 2-norm condition number :math:`\kappa(\mA) = s_{\max}/s_{\min}`.

    Implements {eq}`eq-la-condition-number` of the linear algebra chapter. For a rectangular
    ``A`` the smallest of its :math:`\min(n, d)` singular values is used. The result is ``inf``
    only when that computed singular value is exactly zero; a numerically rank-deficient matrix
    (one whose smallest singular value is zero in exact arithmetic but is computed as a tiny
    roundoff-level number) gives a large finite value, of order :math:`1/\epsilon_{\mathrm{mach}}`
    or more. For a square system, :math:`\kappa` bounds the relative
    change of the solution per relative change of the right-hand side
    ({eq}`eq-la-perturbation`). For least squares with ``A`` of full column rank it does not
    suffice: the sensitivity also depends on the angle :math:`\vartheta` between :math:`\vy` and
    :math:`\col(\mA)`, and is of order :math:`\kappa + \kappa^2\tan\vartheta`
    ({eq}`eq-la-ls-sensitivity`), so :math:`\kappa` alone describes it only when the residual is
    small.

    Parameters
    ----------
    A : array-like of shape (n, d)

    Returns
    -------
    kappa : float
        At least 1; ``inf`` only when the computed :math:`s_{\min}` is exactly ``0.0``.
    """
    A = as_finite_array(A, "A", ndim=2)
    if A.size == 0:
        raise ValueError(f"A must be non-empty, got shape {A.shape}.")
    s = scipy.linalg.svdvals(A, check_finite=False)
    if s[-1] == 0.0:
        return float("inf")
    return float(s[0] / s[-1])
