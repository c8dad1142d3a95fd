r"""The k-means estimator :class:`KMeans` (Lloyd's algorithm) and the base it shares.

:class:`~mlmath.unsupervised.kmeans.minibatch.MiniBatchKMeans` lives in its own module and
shares the validation, seeding, prediction and transform of :class:`_BaseKMeans`. The steps are
the functions of :mod:`mlmath.unsupervised.kmeans.lloyd`.
"""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    ClusterMixin,
    TransformerMixin,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from mlmath.unsupervised.kmeans.lloyd import (
    assign,
    kmeans_plusplus,
    lloyd,
    random_init,
    scaled_tolerance,
    squared_distances,
)
from mlmath.validation import (
    Interval,
    Options,
    as_finite_array,
    check_sample_weight,
    check_squares_representable,
    validate_parameters,
)

__all__ = ["KMeans"]

_SAMPLE_WEIGHT_REASON = "sample_weight is not equivalent to removing/repeating samples."


class _CentresArray:
    """Constraint: an array-like of initial centres (a string is not one, whatever its length)."""

    def accepts(self, value):
        return not isinstance(value, str) and (hasattr(value, "__len__")
                                               or hasattr(value, "__array__"))

    def __str__(self):
        return "an array-like of shape (n_clusters, n_features)"


class _BaseKMeans(ClassNamePrefixFeaturesOutMixin, TransformerMixin, ClusterMixin,
                  BaseEstimator):
    """Shared validation, seeding, prediction and transform (not an estimator on its own)."""

    _parameter_constraints = {
        "n_clusters": [Interval(Integral, 1, None)],
        "init": [Options(["k-means++", "random"]), _CentresArray()],
        "n_init": [Options(["auto"]), Interval(Integral, 1, None)],
        "max_iter": [Interval(Integral, 1, None)],
        "tol": [Interval(Real, 0, None)],
        "random_state": ["random_state"],
    }

    def _expected_failed_checks(self):
        # the same exemption scikit-learn gives its own KMeans and MiniBatchKMeans
        return {"check_sample_weight_equivalence_on_dense_data": _SAMPLE_WEIGHT_REASON,
                "check_sample_weight_equivalence_on_sparse_data": _SAMPLE_WEIGHT_REASON}

    def _validate_fit_data(self, X, sample_weight):
        X = validate_data(self, X, dtype=np.float64, ensure_min_samples=1)
        if X.shape[0] < self.n_clusters:
            raise ValueError(f"n_samples={X.shape[0]} should be >= "
                             f"n_clusters={self.n_clusters}.")
        check_squares_representable(X)
        w = (np.ones(X.shape[0]) if sample_weight is None
             else check_sample_weight(sample_weight, X.shape[0]))
        if isinstance(self.init, str):
            init = None
        else:
            init = as_finite_array(self.init, "init", ndim=2)
            if init.shape != (self.n_clusters, X.shape[1]):
                raise ValueError(
                    f"The shape of the initial centers {init.shape} does not match "
                    f"(n_clusters, n_features) = {(self.n_clusters, X.shape[1])}: pass "
                    f"{self.n_clusters} rows of {X.shape[1]} features."
                )
        if self.n_init == "auto":
            n_init = 10 if isinstance(self.init, str) and self.init == "random" else 1
        else:
            n_init = self.n_init
        if init is not None and n_init != 1:
            warnings.warn(f"Explicit initial center position passed: performing only one init "
                          f"in {type(self).__name__} instead of n_init={n_init}.",
                          RuntimeWarning, stacklevel=3)
            n_init = 1
        return X, w, init, n_init

    def _seed(self, X, w, init, rng, X_sq):
        if init is not None:
            return init.copy()
        if self.init == "k-means++":
            return kmeans_plusplus(X, self.n_clusters, sample_weight=w, random_state=rng,
                                   X_sq=X_sq)[0]
        return random_init(X, self.n_clusters, sample_weight=w, random_state=rng)

    def _check_distinct(self):
        found = len(np.unique(self.labels_))
        if found < self.n_clusters:
            warnings.warn(f"Number of distinct clusters ({found}) found smaller than "
                          f"n_clusters ({self.n_clusters}). Possibly due to duplicate points "
                          "in X.", ConvergenceWarning, stacklevel=3)

    @property
    def _n_features_out(self):
        return self.cluster_centers_.shape[0]

    def predict(self, X):
        """The index of the nearest centre of every point.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The points.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return assign(X, self.cluster_centers_)[0]

    def transform(self, X):
        """Euclidean distances of every point to every centre.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The points.

        Returns
        -------
        distances : ndarray of shape (n_samples, n_clusters)
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return np.sqrt(squared_distances(X, self.cluster_centers_))

    def fit_transform(self, X, y=None, sample_weight=None):
        """Fit, then return the distances of the training points to the centres.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The training points.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the points.

        Returns
        -------
        distances : ndarray of shape (n_samples, n_clusters)
        """
        return self.fit(X, sample_weight=sample_weight).transform(X)

    def fit_predict(self, X, y=None, sample_weight=None):
        """Fit, then return the labels of the training points.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The training points.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the points.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        return self.fit(X, sample_weight=sample_weight).labels_

    def score(self, X, y=None, sample_weight=None):
        """Minus the inertia of ``X`` under the fitted centres (higher is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The points.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the points.

        Returns
        -------
        float
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        w = (np.ones(X.shape[0]) if sample_weight is None
             else check_sample_weight(sample_weight, X.shape[0]))
        return -float(assign(X, self.cluster_centers_)[1] @ w)


class KMeans(_BaseKMeans):
    r"""k-means clustering by Lloyd's algorithm, seeded by k-means++.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters.
    init : {"k-means++", "random"} or array-like of shape (n_clusters, n_features), \
default="k-means++"
        The seeding: greedy k-means++, ``n_clusters`` distinct points at random, or given
        centres.
    n_init : "auto" or int, default="auto"
        Number of seedings; the run of lowest inertia is kept. ``"auto"``: 10 for
        ``init="random"``, 1 otherwise (scikit-learn's rule).
    max_iter : int, default=300
        Most Lloyd iterations per run.
    tol : float, default=1e-4
        Relative tolerance: a run stops when the squared Frobenius norm of the centre shift is
        at most ``tol`` times the mean variance of the features (scikit-learn's rule).
    random_state : int, RandomState instance or None, default=None
        The random source of the seeding.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        The centres, always float64: input of any float type, float32 included, is converted
        to float64 (scikit-learn keeps float32 centres for float32 input).
    labels_ : ndarray of shape (n_samples,)
    inertia_ : float
        Sum of squared distances of the training points to their centres (weighted).
    n_iter_ : int
        Iterations of the run kept.
    n_features_in_ : int

    Notes
    -----
    Implements {prf:ref}`alg-kmeans-lloyd` of the k-means chapter: the objective
    {eq}`eq-kmeans-objective`, minimised by the steps {eq}`eq-kmeans-assign` and
    {eq}`eq-kmeans-update` until the rule {eq}`eq-kmeans-tol`.
    The data is centred before the iterations (and the centres shifted back after), as in
    scikit-learn, which keeps the distance expansion of
    :func:`~mlmath.unsupervised.kmeans.lloyd.squared_distances` accurate.
    """

    def __init__(self, n_clusters=8, *, init="k-means++", n_init="auto", max_iter=300,
                 tol=1e-4, random_state=None):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    def fit(self, X, y=None, sample_weight=None):
        """Cluster ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The training points.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the points.

        Returns
        -------
        self : KMeans
        """
        validate_parameters(self)
        X, w, init, n_init = self._validate_fit_data(X, sample_weight)
        rng = check_random_state(self.random_state)
        mean = X.mean(axis=0)
        Xc = X - mean                                          # centred copy
        init = None if init is None else init - mean
        X_sq = np.einsum("ij,ij->i", Xc, Xc)
        tol = scaled_tolerance(Xc, self.tol)
        best = None
        for _ in range(n_init):
            C0 = self._seed(Xc, w, init, rng, X_sq)
            C, labels, inert, n_iter = lloyd(Xc, C0, w, max_iter=self.max_iter, tol=tol,
                                             X_sq=X_sq)
            if best is None or inert < best[2]:
                best = (C, labels, inert, n_iter)
        C, self.labels_, self.inertia_, self.n_iter_ = best
        self.cluster_centers_ = C + mean
        self._check_distinct()
        return self
