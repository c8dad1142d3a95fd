r"""The bias–variance decomposition: by simulation over training sets, and in closed form for ridge.

The bias–variance chapter (``book/theory/bias_variance.md``) derives the decomposition
:math:`\E[(y - \hat f_D(\vx))^2] = \sigma^2 + \text{bias}^2 + \text{variance}` and the bias and
covariance of the ridge estimator under a fixed design; the functions here measure the first by
drawing many training sets and evaluate the second exactly.
"""

from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from mlmath.validation import (
    Interval,
    as_finite_array,
    check_callable,
    check_nonnegative_float,
    check_parameter,
    check_positive_int,
)

__all__ = [
    "BiasVariance",
    "bias_variance_decomposition",
    "ridge_bias_variance",
    "ridge_coef_mse",
    "ridge_coef_mse_derivative",
]


@dataclass(frozen=True)
class BiasVariance:
    r"""The terms of the decomposition {eq}`eq-bv-decomposition` at each test point.

    Parameters
    ----------
    bias2 : ndarray of shape (n_test,)
        Squared bias :math:`(f(\vx) - \E_D\hat f_D(\vx))^2`.
    variance : ndarray of shape (n_test,)
        Variance :math:`\Var_D \hat f_D(\vx)` over training sets.
    noise : float
        Noise variance :math:`\sigma^2`.
    expected_error : ndarray of shape (n_test,)
        Expected squared error :math:`\E_{D,\varepsilon}[(y - \hat f_D(\vx))^2]`: measured
        directly by the simulation, or equal to ``bias2 + variance + noise`` in closed form.
    """

    bias2: np.ndarray
    variance: np.ndarray
    noise: float
    expected_error: np.ndarray

    @property
    def total(self):
        """``bias2 + variance + noise`` at each test point, shape (n_test,)."""
        return self.bias2 + self.variance + self.noise

    @property
    def mean_bias2(self):
        """Squared bias averaged over the test points."""
        return float(np.mean(self.bias2))

    @property
    def mean_variance(self):
        """Variance averaged over the test points."""
        return float(np.mean(self.variance))

    @property
    def mean_expected_error(self):
        """Expected squared error averaged over the test points."""
        return float(np.mean(self.expected_error))

    @property
    def mean_total(self):
        """``bias2 + variance + noise`` averaged over the test points."""
        return float(np.mean(self.total))


# ---------------------------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------------------------

def _nonempty(a, name, ndim):
    """``a`` as a finite, non-empty float array with ``ndim`` dimensions."""
    arr = as_finite_array(a, name, ndim=ndim)
    if arr.size == 0:
        raise ValueError(f"{name} must be a non-empty {ndim}-D array, got shape {arr.shape}.")
    return arr


def _alphas(alpha, owner):
    """One ridge strength ``>= 0``, or a 1-D array of them (to plot against alpha)."""
    if np.ndim(alpha) == 0:
        check_parameter(alpha, "alpha", [Interval(Real, 0, None, closed="left")], owner=owner)
    arr = as_finite_array(alpha, "alpha", ndim=(0, 1))
    if np.any(arr < 0):
        raise ValueError(f"alpha must hold numbers >= 0, got {alpha!r}.")
    return arr


def _ridge_inputs(X, coef, noise_std, owner):
    """The design, the true coefficients and the noise level of the ridge computations."""
    noise_std = check_nonnegative_float(noise_std, "noise_std", owner=owner)
    X = _nonempty(X, "X", 2)
    coef = _nonempty(coef, "coef", 1)
    if coef.shape[0] != X.shape[1]:
        raise ValueError(f"coef must have X.shape[1] = {X.shape[1]} entries, "
                         f"got {coef.shape[0]}.")
    return X, coef, noise_std


# ---------------------------------------------------------------------------------------------
# the decomposition by simulation
# ---------------------------------------------------------------------------------------------

def bias_variance_decomposition(make_estimator, f, sample_x, noise_std, n_train, n_datasets,
                                x_test, random_state=None):
    r"""Bias², variance, noise and expected squared error, measured over many training sets.

    Draws ``n_datasets`` independent training sets :math:`D = \{(\vx_i, y_i)\}_{i=1}^{n}`, with
    :math:`\vx_i` from ``sample_x`` and :math:`y_i = f(\vx_i) + \varepsilon_i`,
    :math:`\varepsilon_i \sim \Normal(0, \sigma^2)`; fits a fresh estimator on each and predicts
    at the fixed test points. With each training set it also draws fresh test targets
    :math:`y = f(\vx) + \varepsilon`, independent of :math:`D`, so that the expected error is
    measured directly rather than computed from the decomposition.

    Parameters
    ----------
    make_estimator : callable
        ``make_estimator()`` returns an unfitted regressor with ``fit(X, y)`` and
        ``predict(X)``; called once per training set.
    f : callable
        The regression function: ``f(X)`` maps an array of shape (m, d) to shape (m,).
    sample_x : callable
        ``sample_x(m, rng)`` returns m inputs of shape (m, d), drawn with the NumPy
        ``Generator`` ``rng``.
    noise_std : float
        Standard deviation :math:`\sigma \ge 0` of the Gaussian noise.
    n_train : int
        Size :math:`n \ge 1` of each training set.
    n_datasets : int
        Number of training sets, at least 2.
    x_test : array-like of shape (n_test, d)
        The test points :math:`\vx` at which the terms are evaluated.
    random_state : int, numpy.random.Generator or None, default=None
        Seed of the draws (inputs, noise); a ``bool`` is refused. The draws do not depend on the
        estimator, so one seed gives every estimator the same training sets and test noise.

    Returns
    -------
    BiasVariance
        Per test point: ``bias2`` and ``variance`` of the predictions across training sets
        (variance with divisor ``n_datasets``), ``noise`` :math:`= \sigma^2`, and the directly
        measured ``expected_error``, the mean over training sets of
        :math:`(y - \hat f_D(\vx))^2`.

    Notes
    -----
    Measures the terms of {eq}`eq-bv-decomposition` of the bias–variance chapter; averaging the
    returned arrays over test points drawn from the input distribution estimates
    {eq}`eq-bv-integrated`. With the divisor ``n_datasets``, the mean of
    :math:`(f(\vx) - \hat f_D(\vx))^2` over the training sets equals ``bias2 + variance``
    exactly; ``expected_error`` differs from ``bias2 + variance + noise`` only by Monte Carlo
    error (the cross term and the sample mean of :math:`\varepsilon^2`).
    """
    owner = "bias_variance_decomposition"
    for fn, name in ((make_estimator, "make_estimator"), (f, "f"), (sample_x, "sample_x")):
        check_callable(fn, name)
    noise_std = check_nonnegative_float(noise_std, "noise_std", owner=owner)
    n_train = check_positive_int(n_train, "n_train", owner=owner)
    n_datasets = int(check_parameter(n_datasets, "n_datasets", [Interval(Integral, 2, None)],
                                     owner=owner))  # two data sets at least, for a variance
    check_parameter(random_state, "random_state",
                    [None, Interval(Integral, 0, None), np.random.Generator], owner=owner)
    x_test = _nonempty(x_test, "x_test", 2)
    rng = np.random.default_rng(random_state)

    f_test = np.asarray(f(x_test), dtype=float)  # (n_test,)
    if f_test.shape != (x_test.shape[0],):
        raise ValueError(f"f(x_test) must have shape ({x_test.shape[0]},), got {f_test.shape}.")
    n_test = x_test.shape[0]
    preds = np.empty((n_datasets, n_test))
    sq_err = np.empty((n_datasets, n_test))
    for s in range(n_datasets):
        X = np.asarray(sample_x(n_train, rng), dtype=float)
        if X.ndim != 2 or X.shape != (n_train, x_test.shape[1]):
            raise ValueError(f"sample_x(n_train, rng) must return shape "
                             f"({n_train}, {x_test.shape[1]}), got {X.shape}.")
        y = np.asarray(f(X), dtype=float) + noise_std * rng.standard_normal(n_train)
        preds[s] = make_estimator().fit(X, y).predict(x_test)
        y_test = f_test + noise_std * rng.standard_normal(n_test)  # fresh, independent of D
        sq_err[s] = (y_test - preds[s]) ** 2

    mean_pred = preds.mean(axis=0)
    return BiasVariance(bias2=(f_test - mean_pred) ** 2, variance=preds.var(axis=0),
                        noise=noise_std**2, expected_error=sq_err.mean(axis=0))


# ---------------------------------------------------------------------------------------------
# ridge regression in closed form (fixed design)
# ---------------------------------------------------------------------------------------------

def ridge_bias_variance(X, coef, noise_std, alpha, X_test):
    r"""Exact bias² and variance of ridge predictions under a fixed design.

    The model is :math:`\vy = \mX\vw^\star + \veps` with :math:`\E\veps = \vzero`,
    :math:`\Cov\veps = \sigma^2\mI`, and the estimator
    :math:`\hat\vw_\alpha = (\mX^\top\mX + \alpha\mI)^{-1}\mX^\top\vy` (no intercept).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The fixed training inputs :math:`\mX`.
    coef : array-like of shape (n_features,)
        The true weights :math:`\vw^\star`.
    noise_std : float
        Noise standard deviation :math:`\sigma \ge 0`.
    alpha : float
        Ridge strength :math:`\alpha \ge 0`; with ``alpha=0``, ``X`` must have full column rank.
    X_test : array-like of shape (n_test, n_features)
        Test inputs :math:`\vx`.

    Returns
    -------
    BiasVariance
        ``bias2`` :math:`= (\alpha\,\vx^\top\mA^{-1}\vw^\star)^2` and ``variance``
        :math:`= \sigma^2\vx^\top\mA^{-1}\mX^\top\mX\mA^{-1}\vx` with
        :math:`\mA = \mX^\top\mX + \alpha\mI`; ``noise`` :math:`=\sigma^2`;
        ``expected_error`` is their sum.

    Notes
    -----
    Implements {eq}`eq-bv-ridge-mean`, {eq}`eq-bv-ridge-cov` and {eq}`eq-bv-ridge-point` of the
    bias–variance chapter.
    """
    X, coef, noise_std = _ridge_inputs(X, coef, noise_std, "ridge_bias_variance")
    alpha = check_nonnegative_float(alpha, "alpha", owner="ridge_bias_variance")
    X_test = _nonempty(X_test, "X_test", 2)
    if X_test.shape[1] != X.shape[1]:
        raise ValueError(f"X_test must have {X.shape[1]} columns, got {X_test.shape[1]}.")
    gram = X.T @ X  # (d, d)
    A = gram + alpha * np.eye(X.shape[1])
    if np.linalg.matrix_rank(A) < X.shape[1]:
        raise ValueError("X^T X + alpha I is singular: use alpha > 0 or an X of full column "
                         "rank.")
    B = np.linalg.solve(A, X_test.T)  # (d, n_test), column t is A^{-1} x_t (A is symmetric)
    bias = -alpha * (B.T @ coef)  # x^T (E w_hat - w*) = -alpha x^T A^{-1} w*
    variance = noise_std**2 * np.einsum("it,ij,jt->t", B, gram, B)
    noise = noise_std**2
    return BiasVariance(bias2=bias**2, variance=variance, noise=noise,
                        expected_error=bias**2 + variance + noise)


def _ridge_spectrum(X, coef):
    """Eigenvalues lambda_j of X^T X and the coordinates c_j of coef in its eigenvectors."""
    lam, V = np.linalg.eigh(X.T @ X)
    return np.clip(lam, 0.0, None), V.T @ coef


def ridge_coef_mse(X, coef, noise_std, alpha):
    r"""Mean squared error :math:`\E\|\hat\vw_\alpha - \vw^\star\|_2^2` of the ridge weights.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The fixed design; it must have full column rank (all eigenvalues of
        :math:`\mX^\top\mX` positive).
    coef : array-like of shape (n_features,)
        The true weights :math:`\vw^\star`.
    noise_std : float
        Noise standard deviation :math:`\sigma \ge 0`.
    alpha : float or array-like of shape (n_alphas,)
        Ridge strengths :math:`\alpha \ge 0`.

    Returns
    -------
    float or ndarray of shape (n_alphas,)
        :math:`\sum_j (\alpha^2c_j^2 + \sigma^2\lambda_j)/(\lambda_j + \alpha)^2`, with
        :math:`\lambda_j` the eigenvalues of :math:`\mX^\top\mX` and
        :math:`c_j = \vv_j^\top\vw^\star` the coordinates of :math:`\vw^\star` in its
        eigenvectors :math:`\vv_j`.

    Notes
    -----
    Implements {eq}`eq-bv-ridge-mse` of the bias–variance chapter.
    """
    X, coef, noise_std = _ridge_inputs(X, coef, noise_std, "ridge_coef_mse")
    alphas = _alphas(alpha, "ridge_coef_mse")
    lam, c = _ridge_spectrum(X, coef)
    if lam.min() <= 1e-12 * max(lam.max(), 1.0):
        raise ValueError("X must have full column rank (X^T X has a zero eigenvalue).")
    a = alphas[..., None]  # (n_alphas, 1) or (1,)
    mse = np.sum((a**2 * c**2 + noise_std**2 * lam) / (lam + a) ** 2, axis=-1)
    return float(mse) if alphas.ndim == 0 else mse


def ridge_coef_mse_derivative(X, coef, noise_std, alpha):
    r"""Derivative in :math:`\alpha` of the ridge weights' mean squared error.

    Parameters
    ----------
    X, coef, noise_std, alpha
        As in :func:`ridge_coef_mse`.

    Returns
    -------
    float or ndarray of shape (n_alphas,)
        :math:`\sum_j 2\lambda_j(\alpha c_j^2 - \sigma^2)/(\lambda_j + \alpha)^3`, with
        :math:`\lambda_j` and :math:`c_j` as in :func:`ridge_coef_mse`; at
        :math:`\alpha = 0` it is :math:`-2\sigma^2\sum_j \lambda_j^{-2} < 0` whenever
        :math:`\sigma > 0`.

    Notes
    -----
    Implements {eq}`eq-bv-ridge-mse-derivative` of the bias–variance chapter.
    """
    X, coef, noise_std = _ridge_inputs(X, coef, noise_std, "ridge_coef_mse_derivative")
    alphas = _alphas(alpha, "ridge_coef_mse_derivative")
    lam, c = _ridge_spectrum(X, coef)
    if lam.min() <= 1e-12 * max(lam.max(), 1.0):
        raise ValueError("X must have full column rank (X^T X has a zero eigenvalue).")
    a = alphas[..., None]
    deriv = np.sum(2 * lam * (a * c**2 - noise_std**2) / (lam + a) ** 3, axis=-1)
    return float(deriv) if alphas.ndim == 0 else deriv
