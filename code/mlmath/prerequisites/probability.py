r"""The multivariate Gaussian and the limit theorems, computed.

The probability chapter (``book/prerequisites/probability.md``) derives every formula used here:
sampling a Gaussian through the Cholesky factor of its covariance, its log-density, its marginals
and conditionals (the Schur complement), and the running mean and Kolmogorov distance that
illustrate the law of large numbers and the central limit theorem. The docstrings name the
equations they implement.
"""

from numbers import Integral

import numpy as np
import scipy.linalg
from sklearn.utils import check_random_state

from mlmath.validation import Interval, as_finite_array, check_callable, check_parameter

__all__ = [
    "sample_mvn",
    "mvn_logpdf",
    "gaussian_marginal",
    "gaussian_conditional",
    "running_mean",
    "kolmogorov_distance",
]

# relative tolerance of the symmetry and semidefiniteness checks, scaled by the largest entry
_SYMMETRY_RTOL = 1e-10
_PSD_RTOL = 1e-10


# ---------------------------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------------------------

def _check_mean_cov(mean, cov):
    """Validate a mean vector and a symmetric covariance matrix of matching size."""
    mean = as_finite_array(mean, "mean", ndim=1)
    d = mean.shape[0]
    cov = as_finite_array(cov, "cov", ndim=2)
    if cov.shape != (d, d):
        raise ValueError(
            f"cov must have shape ({d}, {d}) to match mean of length {d}, got {cov.shape}."
        )
    scale = max(np.max(np.abs(cov)), np.finfo(float).tiny)
    asym = np.max(np.abs(cov - cov.T))
    if asym > _SYMMETRY_RTOL * scale:
        raise ValueError(
            f"cov must be symmetric; its largest asymmetry |cov - cov.T| is {asym:.3g}."
        )
    return mean, (cov + cov.T) / 2


def _cholesky(cov, name="cov"):
    """Lower Cholesky factor of a symmetric matrix, or a ValueError if it is not definite."""
    try:
        return np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        smallest = np.linalg.eigvalsh(cov)[0]
        raise ValueError(
            f"{name} must be positive definite (its smallest eigenvalue is {smallest:.3g}): "
            "the density, its logarithm and the conditional need the inverse covariance."
        ) from None


def _check_psd(cov):
    """Refuse a symmetric matrix with a negative eigenvalue: it is no random vector's covariance."""
    eigval = np.linalg.eigvalsh(cov)
    if eigval[0] < -_PSD_RTOL * max(abs(eigval[-1]), np.finfo(float).tiny):
        raise ValueError(
            "cov must be positive semidefinite: it has the negative eigenvalue "
            f"{eigval[0]:.3g}, so no random vector has it as covariance."
        )
    return eigval


def _check_indices(idx, d, name):
    arr = np.asarray(idx)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1 or arr.size == 0 or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name} must be a non-empty 1-D array of integer indices, got {idx!r}.")
    if np.any(arr < 0) or np.any(arr >= d):
        raise ValueError(f"{name} must hold indices in [0, {d - 1}], got {arr.tolist()}.")
    if np.unique(arr).size != arr.size:
        raise ValueError(f"{name} must not repeat an index, got {arr.tolist()}.")
    return arr.astype(np.intp)


# ---------------------------------------------------------------------------------------------
# the multivariate Gaussian
# ---------------------------------------------------------------------------------------------

def sample_mvn(mean, cov, n_samples, random_state=None):
    r"""Draw samples of :math:`\Normal(\boldsymbol\mu, \boldsymbol\Sigma)` via a covariance factor.

    Implements {eq}`eq-prob-mvn-sampling` of the probability chapter: with
    :math:`\boldsymbol\Sigma = \mathbf{L}\mathbf{L}^\top` and
    :math:`\vz \sim \Normal(\vzero, \mI_d)`, :math:`\boldsymbol\mu + \mathbf{L}\vz` has mean
    :math:`\boldsymbol\mu` and covariance
    :math:`\boldsymbol\Sigma`. :math:`\mathbf{L}` is the Cholesky factor when
    :math:`\boldsymbol\Sigma \succ 0`; for a singular positive semidefinite covariance (a degenerate
    Gaussian, with no density) it is :math:`\mQ\boldsymbol\Lambda^{1/2}` from the
    eigendecomposition :math:`\boldsymbol\Sigma = \mQ\boldsymbol\Lambda\mQ^\top`.

    Parameters
    ----------
    mean : array-like of shape (d,)
        The mean :math:`\boldsymbol\mu`.
    cov : array-like of shape (d, d)
        The covariance :math:`\boldsymbol\Sigma`: symmetric positive semidefinite.
    n_samples : int
        Number of samples, at least 1.
    random_state : int, RandomState instance or None, default=None
        Seed of the standard normal draws.

    Returns
    -------
    X : ndarray of shape (n_samples, d)
        One sample per row.

    Raises
    ------
    ValueError
        If ``cov`` is not symmetric, not positive semidefinite, or does not match ``mean``.
    """
    n_samples = int(check_parameter(n_samples, "n_samples", [Interval(Integral, 1, None)],
                                    owner="sample_mvn"))
    mean, cov = _check_mean_cov(mean, cov)
    try:
        factor = np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        _check_psd(cov)
        eigval, eigvec = np.linalg.eigh(cov)
        factor = eigvec * np.sqrt(np.clip(eigval, 0.0, None))  # Q Lambda^{1/2}
    rng = check_random_state(random_state)
    Z = rng.standard_normal((int(n_samples), mean.shape[0]))  # (n, d), rows z_i^T
    return mean + Z @ factor.T  # row i: (mu + L z_i)^T


def mvn_logpdf(X, mean, cov):
    r"""Log-density of :math:`\Normal(\boldsymbol\mu, \boldsymbol\Sigma)` via a Cholesky factor.

    Implements {eq}`eq-prob-mvn-logpdf` of the probability chapter:
    :math:`\log p(\vx) = -\frac12\lVert \mathbf{L}^{-1}(\vx - \boldsymbol\mu)\rVert_2^2
    - \sum_j \log L_{jj} - \frac d2\log(2\pi)`, with one triangular solve and no inverse or
    determinant formed, so it neither overflows nor underflows where the density does.

    Parameters
    ----------
    X : array-like of shape (n_samples, d) or (d,)
        Points at which to evaluate the log-density.
    mean : array-like of shape (d,)
    cov : array-like of shape (d, d)
        Symmetric positive definite covariance.

    Returns
    -------
    logpdf : ndarray of shape (n_samples,), or float for a single point
    """
    mean, cov = _check_mean_cov(mean, cov)
    d = mean.shape[0]
    single = np.ndim(X) == 1
    X = as_finite_array(np.atleast_2d(X) if single else X, "X", ndim=2)
    if X.shape[1] != d:
        raise ValueError(f"X must have {d} columns to match mean, got shape {X.shape}.")
    L = _cholesky(cov)
    Z = scipy.linalg.solve_triangular(L, (X - mean).T, lower=True)  # (d, n): L^{-1}(x_i - mu)
    out = -0.5 * np.sum(Z**2, axis=0) - np.sum(np.log(np.diag(L))) - 0.5 * d * np.log(2 * np.pi)
    return float(out[0]) if single else out


def gaussian_marginal(mean, cov, idx):
    r"""Mean and covariance of the marginal of a Gaussian on the coordinates ``idx``.

    Implements {eq}`eq-prob-mvn-marginal` of the probability chapter: the marginal of
    :math:`\vx_1` is :math:`\Normal(\boldsymbol\mu_1, \boldsymbol\Sigma_{11})`, the sub-vector and
    the sub-block.

    Parameters
    ----------
    mean : array-like of shape (d,)
    cov : array-like of shape (d, d)
        Symmetric covariance.
    idx : array-like of int, shape (k,)
        The coordinates kept, in the order wanted.

    Returns
    -------
    mean_marginal : ndarray of shape (k,)
    cov_marginal : ndarray of shape (k, k)
    """
    mean, cov = _check_mean_cov(mean, cov)
    _check_psd(cov)
    idx = _check_indices(idx, mean.shape[0], "idx")
    return mean[idx], cov[np.ix_(idx, idx)]


def gaussian_conditional(mean, cov, idx_given, x_given):
    r"""Mean and covariance of :math:`\vx_1 \mid \vx_2 = \mathbf{a}` for a joint Gaussian.

    Implements {eq}`eq-prob-mvn-conditional` of the probability chapter:
    :math:`\boldsymbol\mu_{1|2} = \boldsymbol\mu_1
    + \boldsymbol\Sigma_{12}\boldsymbol\Sigma_{22}^{-1}(\mathbf{a} - \boldsymbol\mu_2)` and
    :math:`\boldsymbol\Sigma_{1|2} = \boldsymbol\Sigma_{11} -
    \boldsymbol\Sigma_{12}\boldsymbol\Sigma_{22}^{-1}\boldsymbol\Sigma_{21}`, the Schur complement,
    with :math:`\boldsymbol\Sigma_{22}^{-1}` applied through its Cholesky factor. Only the observed
    block :math:`\boldsymbol\Sigma_{22}` must be positive definite: for a singular
    :math:`\boldsymbol\Sigma` (a degenerate Gaussian) the chapter shows that
    :math:`\vx_1 - \boldsymbol\mu_{1|2}` is independent of :math:`\vx_2`, with mean zero and
    covariance :math:`\boldsymbol\Sigma_{1|2}`, so the same formulas hold.

    Parameters
    ----------
    mean : array-like of shape (d,)
    cov : array-like of shape (d, d)
        Symmetric covariance whose block on ``idx_given`` is positive definite.
    idx_given : array-like of int, shape (k,)
        The observed coordinates :math:`\vx_2` (at most ``d - 1`` of them).
    x_given : array-like of shape (k,) or (m, k)
        Their observed values :math:`\mathbf{a}`; several rows give several conditionals.

    Returns
    -------
    cond_mean : ndarray of shape (d - k,) or (m, d - k)
        :math:`\boldsymbol\mu_{1|2}` over the remaining coordinates, in increasing order.
    cond_cov : ndarray of shape (d - k, d - k)
        :math:`\boldsymbol\Sigma_{1|2}`, the same for every observed value.
    """
    mean, cov = _check_mean_cov(mean, cov)
    _check_psd(cov)
    d = mean.shape[0]
    given = _check_indices(idx_given, d, "idx_given")
    if given.size == d:
        raise ValueError("idx_given must leave at least one coordinate unobserved.")
    free = np.setdiff1d(np.arange(d), given)
    single = np.ndim(x_given) <= 1
    A = (as_finite_array(np.atleast_1d(x_given), "x_given", ndim=1)[None, :] if single
         else as_finite_array(x_given, "x_given", ndim=2))
    if A.shape[1] != given.size:
        raise ValueError(
            f"x_given must have {given.size} entries per row, one per index of idx_given, "
            f"got shape {np.shape(x_given)}."
        )
    S12 = cov[np.ix_(free, given)]
    L22 = _cholesky(cov[np.ix_(given, given)], name="the block of cov on idx_given")
    gain = scipy.linalg.cho_solve((L22, True), S12.T).T  # (d1, k): Sigma12 Sigma22^{-1}
    cond_mean = mean[free] + (A - mean[given]) @ gain.T  # (m, d1)
    cond_cov = cov[np.ix_(free, free)] - gain @ S12.T
    cond_cov = (cond_cov + cond_cov.T) / 2
    return (cond_mean[0] if single else cond_mean), cond_cov


# ---------------------------------------------------------------------------------------------
# the limit theorems
# ---------------------------------------------------------------------------------------------

def running_mean(x, axis=0):
    r"""The sample means :math:`\bar x_t = \frac1t\sum_{s=1}^t x_s` for :math:`t = 1, \dots, n`.

    Implements {eq}`eq-prob-sample-mean` of the probability chapter for every prefix at once: a
    cumulative sum divided by :math:`t`.

    Parameters
    ----------
    x : array-like of shape (n, ...)
        Draws along ``axis``.
    axis : int, default=0
        The axis that counts the draws.

    Returns
    -------
    means : ndarray of the shape of ``x``
        Entry :math:`t - 1` along ``axis`` is the mean of the first :math:`t` draws.
    """
    check_parameter(axis, "axis", [Interval(Integral, None, None)], owner="running_mean")
    arr = as_finite_array(x, "x")
    if arr.ndim == 0 or arr.size == 0:
        raise ValueError(f"x must be a non-empty array with at least one axis, got {arr.shape}.")
    if not -arr.ndim <= axis < arr.ndim:
        raise ValueError(f"axis {axis} is out of range for x with {arr.ndim} dimensions.")
    counts = np.arange(1, arr.shape[axis] + 1, dtype=np.float64)
    shape = [1] * arr.ndim
    shape[axis] = -1
    return np.cumsum(arr, axis=axis) / counts.reshape(shape)


def kolmogorov_distance(samples, cdf):
    r"""The Kolmogorov distance of the empirical cdf of a sample to a cdf.

    Implements {eq}`eq-prob-kolmogorov-sample` of the probability chapter, the distance
    {eq}`eq-prob-kolmogorov` :math:`\Delta(\hat F_m, F)` for the empirical cdf :math:`\hat F_m`
    of a sample of size :math:`m`. It jumps from :math:`(i-1)/m` to :math:`i/m` at
    :math:`z_{(i)}`, the :math:`i`-th of the sorted sample :math:`z_{(1)} \le \dots \le z_{(m)}`,
    and is constant in between, where a continuous :math:`F` is non-decreasing, so the supremum
    is attained at a jump or approached just before one:
    :math:`\max_i \max\big(i/m - F(z_{(i)}),\, F(z_{(i)}) - (i-1)/m\big)`.

    Parameters
    ----------
    samples : array-like of shape (m,)
        The sample.
    cdf : callable
        The continuous cdf :math:`F`, vectorised: ``cdf(z)`` returns values in ``[0, 1]``.

    Returns
    -------
    distance : float
        In :math:`[0, 1]`.
    """
    check_callable(cdf, "cdf")
    z = np.sort(as_finite_array(samples, "samples", ndim=1))
    F = np.asarray(cdf(z), dtype=np.float64)
    if F.shape != z.shape:
        raise ValueError(f"cdf returned shape {F.shape}; expected {z.shape}, one value per sample.")
    if not np.all((F >= 0) & (F <= 1)):
        raise ValueError("cdf must return values in [0, 1].")
    m = z.shape[0]
    i = np.arange(1, m + 1)
    return float(max(np.max(i / m - F), np.max(F - (i - 1) / m)))
