r"""The k-means estimators: :class:`KMeans` (Lloyd's algorithm) and :class:`MiniBatchKMeans`.

Both follow scikit-learn's API and defaults; their steps are the functions of
:mod:`mlmath.unsupervised.kmeans.lloyd`.
"""

import math
import warnings
from numbers import Integral, Real

import numpy as np
from scipy import sparse
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

__all__ = ["KMeans", "MiniBatchKMeans"]

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
    labels_ : ndarray of shape (n_samples,)
    inertia_ : float
        Sum of squared distances of the training points to their centres (weighted).
    n_iter_ : int
        Iterations of the run kept.
    n_features_in_ : int

    Notes
    -----
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


class MiniBatchKMeans(_BaseKMeans):
    r"""k-means on random mini-batches (Sculley, 2010), with scikit-learn's stopping rules.

    Every step draws ``batch_size`` points with replacement, assigns them to the nearest
    centre, and moves each centre towards the mean of its batch points with the per-centre
    learning rate :math:`1/n_j`, :math:`n_j` the (weighted) number of points it has received
    so far: :math:`\vc_j \leftarrow \vc_j + \frac{1}{n_j} \sum_{i \in B_j} w_i (\vx_i - \vc_j)`.
    The run stops after ``max_iter`` passes over the data, when the centres move less than the
    tolerance, or when an exponentially weighted average of the batch inertia has not improved
    for ``max_no_improvement`` consecutive steps.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters.
    init : {"k-means++", "random"} or array-like of shape (n_clusters, n_features), \
default="k-means++"
        The seeding, computed on a random subset of ``init_size`` points.
    max_iter : int, default=100
        Most passes over the data (the number of steps is ``max_iter * n_samples //
        batch_size``).
    batch_size : int, default=1024
        Points per step.
    tol : float, default=0.0
        Relative tolerance on the squared centre shift of one step (0 turns the rule off).
    max_no_improvement : int or None, default=10
        Steps without improvement of the smoothed batch inertia before stopping (``None``
        turns the rule off).
    init_size : int or None, default=None
        Points used for the seeding; ``None`` means ``3 * batch_size`` (at least
        ``n_clusters``, at most ``n_samples``).
    n_init : "auto" or int, default="auto"
        Number of seedings; the one of lowest inertia on a held-out subset is kept.
        ``"auto"``: 3 for ``init="random"``, 1 otherwise (scikit-learn's rule).
    reassignment_ratio : float, default=0.01
        Every ``10 * n_clusters`` points (and whenever a centre has received none), the centres
        whose count is below this fraction of the largest count are moved to random points of
        the batch (scikit-learn's rule; 0 turns it off).
    random_state : int, RandomState instance or None, default=None
        The random source of the seeding and of the batches.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
    labels_ : ndarray of shape (n_samples,)
    inertia_ : float
        Inertia of the training data under the final centres.
    n_iter_ : int
        Passes over the data (rounded up).
    n_steps_ : int
        Mini-batch steps run.
    n_features_in_ : int

    Notes
    -----
    scikit-learn's ``compute_labels`` and ``partial_fit`` are not implemented.
    """

    _parameter_constraints = {
        **_BaseKMeans._parameter_constraints,
        "batch_size": [Interval(Integral, 1, None)],
        "max_no_improvement": [Interval(Integral, 0, None), None],
        "init_size": [Interval(Integral, 1, None), None],
        "reassignment_ratio": [Interval(Real, 0, None)],
    }

    def __init__(self, n_clusters=8, *, init="k-means++", max_iter=100, batch_size=1024,
                 tol=0.0, max_no_improvement=10, init_size=None, n_init="auto",
                 reassignment_ratio=0.01, random_state=None):
        self.n_clusters = n_clusters
        self.init = init
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.tol = tol
        self.max_no_improvement = max_no_improvement
        self.init_size = init_size
        self.n_init = n_init
        self.reassignment_ratio = reassignment_ratio
        self.random_state = random_state

    def fit(self, X, y=None, sample_weight=None):
        """Cluster ``X`` by mini-batch steps.

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
        self : MiniBatchKMeans
        """
        validate_parameters(self)
        X, w, init, n_init = self._validate_fit_data(X, sample_weight)
        if self.n_init == "auto" and init is None and self.init == "random":
            n_init = 3
        rng = check_random_state(self.random_state)
        n = X.shape[0]
        batch = min(self.batch_size, n)
        tol = scaled_tolerance(X, self.tol)
        init_size = 3 * batch if self.init_size is None else self.init_size
        if init_size < self.n_clusters:
            init_size = 3 * self.n_clusters
        init_size = min(init_size, n)
        valid = rng.randint(0, n, init_size)
        X_valid, w_valid = X[valid], w[valid]
        best = None
        for _ in range(n_init):
            sub = rng.randint(0, n, init_size) if init_size < n else np.arange(n)
            if init is None and self.init == "k-means++":
                C0 = kmeans_plusplus(X[sub], self.n_clusters, sample_weight=w[sub],
                                     random_state=rng)[0]
            elif init is None:
                C0 = random_init(X[sub], self.n_clusters, sample_weight=w[sub],
                                 random_state=rng)
            else:
                C0 = init.copy()
            _, d2 = assign(X_valid, C0)
            inert = float(d2 @ w_valid)
            if best is None or inert < best[1]:
                best = (C0, inert)
        C = best[0]
        counts = np.zeros(self.n_clusters)
        ewa, ewa_min, no_improvement = None, None, 0
        n_steps = (self.max_iter * n) // batch
        step = 0
        since_reassign = 0
        p = w / w.sum()
        wb = np.ones(batch)
        for step in range(1, n_steps + 1):
            # batches drawn with probability proportional to the weights, then unit weights
            idx = rng.choice(n, batch, p=p, replace=True)
            Xb = X[idx]
            labels, d2 = assign(Xb, C)
            batch_inertia = float(d2.sum())
            C_new = self._step(Xb, wb, labels, C, counts)
            since_reassign += batch
            if np.any(counts == 0) or since_reassign >= 10 * self.n_clusters:
                since_reassign = 0
                self._reassign(Xb, C_new, counts, rng)
            shift = float(np.sum((C_new - C) ** 2)) if tol > 0 else 0.0
            C = C_new
            # scikit-learn's convergence rules; the first step is not judged
            if step == 1:
                continue
            batch_inertia /= batch
            alpha = min(batch * 2.0 / (n + 1), 1.0)
            ewa = batch_inertia if ewa is None else ewa * (1 - alpha) + batch_inertia * alpha
            if tol > 0 and shift <= tol:
                break
            if ewa_min is None or ewa < ewa_min:
                no_improvement, ewa_min = 0, ewa
            else:
                no_improvement += 1
            if self.max_no_improvement is not None and \
                    no_improvement >= self.max_no_improvement:
                break
        self.cluster_centers_ = C
        self.n_steps_ = step
        self.n_iter_ = int(math.ceil(step * batch / n))
        self.labels_, d2 = assign(X, C)
        self.inertia_ = float(d2 @ w)
        self._check_distinct()
        return self

    def _reassign(self, Xb, C, counts, rng):
        """scikit-learn's random reassignment of the centres that receive too few points."""
        if self.reassignment_ratio <= 0:
            return
        low = counts < self.reassignment_ratio * counts.max()
        if low.sum() > 0.5 * Xb.shape[0]:       # at most half a batch of new centres
            low[np.argsort(counts)[int(0.5 * Xb.shape[0]):]] = False
        if low.any():
            C[low] = Xb[rng.choice(Xb.shape[0], replace=False, size=int(low.sum()))]
            # the reassigned centres restart at the smallest count of the others
            counts[low] = np.min(counts[~low])

    @staticmethod
    def _step(Xb, wb, labels, C, counts):
        """One mini-batch update; ``counts`` is updated in place."""
        k = C.shape[0]
        wsum = np.bincount(labels, weights=wb, minlength=k)                 # (k,)
        n = Xb.shape[0]
        membership = sparse.csr_matrix((wb, (labels, np.arange(n))), shape=(k, n))
        sums = np.asarray(membership @ Xb)                                   # (k, d)
        hit = wsum > 0
        old = counts[hit]
        counts[hit] += wsum[hit]
        C_new = C.copy()
        C_new[hit] = (C[hit] * old[:, None] + sums[hit]) / counts[hit, None]
        return C_new
