r"""The estimator :class:`GaussianMixture`, fitted by EM in log space.

Its steps are the functions of :mod:`~mlmath.unsupervised.gaussian_mixtures.em`; the
k-means initialisation is the book's own :class:`~mlmath.unsupervised.kmeans.KMeans`.
"""

import math
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, DensityMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from mlmath.unsupervised.gaussian_mixtures.cholesky import (
    COVARIANCE_TYPES,
    precision_cholesky_from_precisions,
    precisions_from_cholesky,
)
from mlmath.unsupervised.gaussian_mixtures.em import em, estimate_log_resp, m_step
from mlmath.unsupervised.gaussian_mixtures.log_density import log_gaussian_density
from mlmath.unsupervised.kmeans import KMeans, kmeans_plusplus
from mlmath.validation import (
    Interval,
    Options,
    as_finite_array,
    check_squares_representable,
    validate_parameters,
)

__all__ = ["GaussianMixture", "n_parameters"]


def n_parameters(n_components, n_features, covariance_type):
    r"""Number of free parameters :math:`M` of a Gaussian mixture.

    :math:`K - 1` weights (they sum to one), :math:`Kd` mean entries, and
    :math:`Kd(d+1)/2` (full), :math:`d(d+1)/2` (tied), :math:`Kd` (diagonal) or :math:`K`
    (spherical) covariance entries.

    Parameters
    ----------
    n_components : int
    n_features : int
    covariance_type : {"full", "tied", "diag", "spherical"}

    Returns
    -------
    int

    Notes
    -----
    Implements {eq}`eq-gmm-n-parameters` of the Gaussian mixtures chapter.
    """
    K, d = n_components, n_features
    cov = {"full": K * d * (d + 1) // 2, "tied": d * (d + 1) // 2, "diag": K * d,
           "spherical": K}[covariance_type]
    return int(K - 1 + K * d + cov)


class GaussianMixture(DensityMixin, BaseEstimator):
    r"""A Gaussian mixture fitted by expectation-maximisation, in log space.

    Parameters
    ----------
    n_components : int, default=1
        :math:`K`, the number of components.
    covariance_type : {"full", "tied", "diag", "spherical"}, default="full"
        One covariance matrix per component; one shared by all; one diagonal per component;
        one variance per component.
    tol : float, default=1e-3
        EM stops when the mean log-likelihood per sample changes by less than ``tol``.
    reg_covar : float, default=1e-6
        :math:`\tau`, added to every variance (the diagonal of every covariance) in the M step.
    max_iter : int, default=100
        Most EM iterations per initialisation (0: keep the initial parameters).
    n_init : int, default=1
        Initialisations; the one with the largest final mean log-likelihood is kept.
    init_params : {"kmeans", "k-means++", "random", "random_from_data"}, default="kmeans"
        Initial responsibilities: the labels of one k-means run (the book's ``KMeans``,
        ``n_init=1``); one-hot on ``K`` k-means++ seeds; uniform random numbers, normalised;
        or one-hot on ``K`` distinct random points. One M step turns them into parameters.
    weights_init : array-like of shape (n_components,), default=None
        Initial weights (replace those of ``init_params``).
    means_init : array-like of shape (n_components, n_features), default=None
        Initial means.
    precisions_init : array-like, default=None
        Initial precisions (inverse covariances), of shape ``(K,)``, ``(d, d)``, ``(K, d)`` or
        ``(K, d, d)`` for the spherical, tied, diagonal and full types.
    random_state : int, RandomState instance or None, default=None
        The random source of the initialisation and of :meth:`sample`.
    warm_start : bool, default=False
        Start a new ``fit`` from the current parameters (one initialisation, ``n_init``
        ignored).

    Attributes
    ----------
    weights_ : ndarray of shape (n_components,)
    means_ : ndarray of shape (n_components, n_features)
    covariances_ : ndarray
        Shape as ``precisions_init``.
    precisions_ : ndarray
        The inverse covariances, same shape.
    precisions_cholesky_ : ndarray
        Upper Cholesky factors :math:`\mathbf{C}_k` of the precisions, same shape.
    converged_ : bool
    n_iter_ : int
        EM iterations of the initialisation kept.
    lower_bound_ : float
        The mean log-likelihood computed by the last E step of the kept run, that is, of the
        parameters before its last M step (scikit-learn's convention).
    lower_bounds_ : list of float
        The mean log-likelihood of every E step of the kept run.
    n_features_in_ : int

    Notes
    -----
    Implements {prf:ref}`alg-gmm-em` of the Gaussian mixtures chapter. Differences from
    scikit-learn: float32 input is computed in float64; the variances of the tied, diagonal
    and spherical types come from centred deviations rather than
    :math:`\overline{x^2} - \bar x^2`; the k-means initialisation uses the book's
    ``KMeans``, whose random stream differs from scikit-learn's (with the same
    ``weights_init``, ``means_init`` and ``precisions_init`` the iterates are the same);
    with ``init_params`` "k-means++" or "random_from_data" and the tied type, the initial
    covariance is the weighted MLE of the seeds (the floor), where scikit-learn's formula,
    which assumes responsibilities that sum to one per point, gives a much larger one, so the
    two may reach different optima; with ``init_params`` "k-means++" or "random_from_data"
    (one-hot responsibilities on ``K`` seeds) the initial weights are
    :math:`N_k/\sum_l N_l = 1/K`, where scikit-learn divides them by :math:`n` so that they
    sum to :math:`K/n`. A common factor of the weights cancels in the responsibilities, so
    this changes no later parameter, but the first entry of
    ``lower_bounds_`` (the mean log-likelihood of the initial parameters) is higher by
    :math:`\log(n/K)` than with scikit-learn's weights; ``verbose`` and ``verbose_interval``
    are not implemented.
    """

    _parameter_constraints = {
        "n_components": [Interval(Integral, 1, None)],
        "covariance_type": [Options(COVARIANCE_TYPES)],
        "tol": [Interval(Real, 0.0, None)],
        "reg_covar": [Interval(Real, 0.0, None)],
        "max_iter": [Interval(Integral, 0, None)],
        "n_init": [Interval(Integral, 1, None)],
        "init_params": [Options(["kmeans", "k-means++", "random", "random_from_data"])],
        "weights_init": ["array-like", None],
        "means_init": ["array-like", None],
        "precisions_init": ["array-like", None],
        "random_state": ["random_state"],
        "warm_start": ["boolean"],
    }

    def __init__(self, n_components=1, *, covariance_type="full", tol=1e-3, reg_covar=1e-6,
                 max_iter=100, n_init=1, init_params="kmeans", weights_init=None,
                 means_init=None, precisions_init=None, random_state=None, warm_start=False):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.weights_init = weights_init
        self.means_init = means_init
        self.precisions_init = precisions_init
        self.random_state = random_state
        self.warm_start = warm_start

    # -- validation ------------------------------------------------------------------------
    def _check_initial_parameters(self, d):
        K, kind = self.n_components, self.covariance_type
        weights = means = precisions = None
        if self.weights_init is not None:
            weights = as_finite_array(self.weights_init, "weights_init", shape=(K,))
            if np.any(weights < 0) or np.any(weights > 1):
                raise ValueError("The parameter 'weights_init' should be in the range [0, 1]; "
                                 f"got values from {weights.min():g} to {weights.max():g}.")
            if abs(weights.sum() - 1.0) > 1e-8:
                raise ValueError("The parameter 'weights_init' should sum to one; got "
                                 f"sum(weights_init) = {weights.sum():.10g}.")
        if self.means_init is not None:
            means = as_finite_array(self.means_init, "means_init", shape=(K, d))
        if self.precisions_init is not None:
            shape = {"full": (K, d, d), "tied": (d, d), "diag": (K, d), "spherical": (K,)}[kind]
            precisions = as_finite_array(self.precisions_init, "precisions_init", shape=shape)
            if kind in ("diag", "spherical"):
                if np.any(precisions <= 0):
                    raise ValueError(f"'{kind} precision' (precisions_init) should be positive.")
            else:
                mats = precisions.reshape(-1, d, d)
                if not (np.allclose(mats, np.swapaxes(mats, 1, 2))
                        and np.all(np.linalg.eigvalsh(mats) > 0)):
                    raise ValueError(f"'{kind} precision' (precisions_init) should be "
                                     "symmetric, positive-definite.")
        return weights, means, precisions

    # -- initialisation --------------------------------------------------------------------
    def _initial_resp(self, X, rng):
        n, K = X.shape[0], self.n_components
        resp = np.zeros((n, K))
        if self.init_params == "kmeans":
            labels = KMeans(n_clusters=K, n_init=1, random_state=rng).fit(X).labels_
            resp[np.arange(n), labels] = 1.0
        elif self.init_params == "k-means++":
            _, indices = kmeans_plusplus(X, K, random_state=rng)
            resp[indices, np.arange(K)] = 1.0
        elif self.init_params == "random":
            resp = rng.uniform(size=(n, K))
            resp /= resp.sum(axis=1, keepdims=True)
        else:  # "random_from_data"
            resp[rng.choice(n, size=K, replace=False), np.arange(K)] = 1.0
        return resp

    def _initialize(self, X, rng, given):
        weights0, means0, precisions0 = given
        kind = self.covariance_type
        params = None
        if weights0 is None or means0 is None or precisions0 is None:
            params = m_step(X, self._initial_resp(X, rng), self.reg_covar, kind)
        weights = params[0] if weights0 is None else weights0
        means = params[1] if means0 is None else means0
        if precisions0 is None:
            covariances, chol = params[2], params[3]
        else:
            chol = precision_cholesky_from_precisions(precisions0, kind)
            covariances = _covariances_from_precisions(precisions0, kind)
        return weights, means, covariances, chol

    # -- fitting ---------------------------------------------------------------------------
    def fit(self, X, y=None):
        """Estimate the parameters by EM (``n_init`` times, keeping the best run).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        self : GaussianMixture
        """
        self.fit_predict(X, y)
        return self

    def fit_predict(self, X, y=None):
        """Fit, then return the most probable component of every training point.

        A final E step follows the last M step, so the labels equal ``predict(X)`` after
        ``fit(X)`` for any ``max_iter`` and ``tol``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        validate_parameters(self)
        X = validate_data(self, X, dtype=np.float64, ensure_min_samples=2)
        n, d = X.shape
        if n < self.n_components:
            raise ValueError(f"Expected n_samples >= n_components but got n_components = "
                             f"{self.n_components}, n_samples = {n}.")
        check_squares_representable(X)
        given = self._check_initial_parameters(d)
        kind = self.covariance_type
        warm = self.warm_start and hasattr(self, "converged_")
        n_init = 1 if warm else self.n_init
        rng = check_random_state(self.random_state)
        best = None
        for _ in range(n_init):
            if warm:
                start = (self.weights_, self.means_, self.covariances_, self.precisions_cholesky_)
                start_bound = self.lower_bound_
            else:
                start = self._initialize(X, rng, given)
                start_bound = -np.inf
            if self.max_iter == 0:
                run = (start, 0, -np.inf, False, [])
            else:
                run = em(X, start, kind, reg_covar=self.reg_covar, tol=self.tol,
                         max_iter=self.max_iter, lower_bound=start_bound)
            if best is None or run[2] > best[2]:
                best = run
        params, self.n_iter_, self.lower_bound_, self.converged_, self.lower_bounds_ = best
        if not self.converged_ and self.max_iter > 0:
            warnings.warn("Best performing initialization did not converge. Try different "
                          "init parameters, or increase max_iter, tol, or check for degenerate "
                          "data.", ConvergenceWarning, stacklevel=2)
        self.weights_, self.means_, self.covariances_, self.precisions_cholesky_ = params
        self.precisions_ = precisions_from_cholesky(self.precisions_cholesky_, kind)
        _, log_resp = estimate_log_resp(X, *self._model())
        return np.argmax(log_resp, axis=1)

    def _model(self):
        return (self.weights_, self.means_, self.precisions_cholesky_, self.covariance_type)

    # -- prediction ------------------------------------------------------------------------
    def _validate(self, X):
        check_is_fitted(self)
        return validate_data(self, X, dtype=np.float64, reset=False)

    def score_samples(self, X):
        r"""Log-density :math:`\log p(\vx_i \mid \hat\vtheta)` of every point.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        return estimate_log_resp(self._validate(X), *self._model())[0]

    def score(self, X, y=None):
        """Mean log-density of the points (the per-sample log-likelihood).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        float
        """
        return float(np.mean(self.score_samples(X)))

    def predict_proba(self, X):
        r"""Responsibilities :math:`p(z = k \mid \vx_i, \hat\vtheta)`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_components)
        """
        return np.exp(estimate_log_resp(self._validate(X), *self._model())[1])

    def predict(self, X):
        """The most probable component of every point.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        X = self._validate(X)
        weighted = log_gaussian_density(X, self.means_, self.precisions_cholesky_,
                                        self.covariance_type) + np.log(self.weights_)
        return np.argmax(weighted, axis=1)          # the normaliser is the same for every k

    def sample(self, n_samples=1):
        r"""Draw points from the fitted mixture: a component by its weight, then a Gaussian.

        The random source is ``random_state`` (an int gives the same draws at every call, as
        in scikit-learn; the draws themselves differ from scikit-learn's).

        Parameters
        ----------
        n_samples : int, default=1

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
        labels : ndarray of shape (n_samples,)
            The component of every point, sorted.
        """
        check_is_fitted(self)
        if not isinstance(n_samples, Integral) or isinstance(n_samples, bool) or n_samples < 1:
            raise ValueError(f"Invalid value for 'n_samples': {n_samples!r}. The sampling "
                             "requires at least one sample.")
        rng = check_random_state(self.random_state)
        K, d = self.means_.shape
        counts = rng.multinomial(n_samples, self.weights_ / self.weights_.sum())
        labels = np.repeat(np.arange(K), counts)
        Z = rng.standard_normal((n_samples, d))
        kind = self.covariance_type
        if kind in ("full", "tied"):
            covs = self.covariances_ if kind == "full" else np.broadcast_to(
                self.covariances_, (K, d, d))
            L = np.linalg.cholesky(covs)                               # (K, d, d)
            X = self.means_[labels] + np.einsum("ij,ikj->ik", Z, L[labels])
        else:
            std = np.sqrt(self.covariances_)
            std = std[:, None] if kind == "spherical" else std
            X = self.means_[labels] + Z * np.broadcast_to(std, (K, d))[labels]
        return X, labels

    def _n_parameters(self):
        return n_parameters(self.n_components, self.means_.shape[1], self.covariance_type)

    def bic(self, X):
        r"""Bayesian information criterion :math:`-2\mathcal L + M\log n` (lower is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        float

        Notes
        -----
        Implements {eq}`eq-gmm-bic` of the Gaussian mixtures chapter.
        """
        X = self._validate(X)
        return -2.0 * self.score(X) * X.shape[0] + self._n_parameters() * math.log(X.shape[0])

    def aic(self, X):
        r"""Akaike information criterion :math:`-2\mathcal L(\hat\vtheta) + 2M` (lower is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        float

        Notes
        -----
        Implements {eq}`eq-gmm-aic` of the Gaussian mixtures chapter.
        """
        X = self._validate(X)
        return -2.0 * self.score(X) * X.shape[0] + 2.0 * self._n_parameters()


def _covariances_from_precisions(precisions, covariance_type):
    """The covariances of given precisions (only for the initial parameters)."""
    if covariance_type in ("diag", "spherical"):
        return 1.0 / precisions
    return np.linalg.inv(precisions)
