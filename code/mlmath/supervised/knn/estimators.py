r"""k-nearest-neighbour classification and regression.

Both estimators store the training set at ``fit`` (and build a k-d tree when asked or when
``algorithm="auto"`` finds it worthwhile), and do their work at prediction time: find the ``k``
nearest training points of every query (:mod:`mlmath.supervised.knn.distances` by brute force in
memory-bounded chunks, or :mod:`mlmath.supervised.knn.kd_tree`), then vote or average.
"""

import math
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from mlmath.supervised.knn.distances import METRICS, effective_metric, kneighbors_brute
from mlmath.supervised.knn.kd_tree import KDTree
from mlmath.validation import (
    Interval,
    Options,
    check_positive_int,
    check_sample_weight,
    check_squares_representable,
    encode_class_labels,
    validate_parameters,
)

__all__ = ["KNeighborsClassifier", "KNeighborsRegressor", "neighbor_weights"]


def neighbor_weights(dist, weights):
    """Voting weights of the neighbours, as scikit-learn computes them.

    Parameters
    ----------
    dist : ndarray of shape (n_queries, n_neighbors)
        Distances to the neighbours.
    weights : {"uniform", "distance"} or callable
        ``"uniform"``: every neighbour counts once (returns ``None``). ``"distance"``: weight
        :math:`1/\\operatorname{dist}(\\vx, \\vx_{(a)})`; a query that coincides with one or
        more training points gives those points weight 1 and every other neighbour weight 0. A
        callable maps the distance array to a weight array of the same shape.

    Returns
    -------
    ndarray of shape (n_queries, n_neighbors) or None

    Notes
    -----
    Implements {eq}`eq-knn-distance-weights` of the k-nearest neighbours chapter.
    """
    if isinstance(weights, str) and weights == "uniform":
        return None
    if isinstance(weights, str) and weights == "distance":
        with np.errstate(divide="ignore"):
            w = 1.0 / dist
        inf_mask = np.isinf(w)
        inf_row = np.any(inf_mask, axis=1)
        w[inf_row] = inf_mask[inf_row]  # exact matches take all the weight, equally
        return w
    w = np.asarray(weights(dist), dtype=float)
    if w.shape != dist.shape:
        raise ValueError(
            f"The weights callable must return an array of shape {dist.shape}, got {w.shape}."
        )
    return w


class _KNeighborsBase(BaseEstimator):
    """Shared fitting and neighbour search (not an estimator on its own)."""

    _parameter_constraints = {
        "n_neighbors": [Interval(Integral, 1, None)],
        "weights": [Options(["uniform", "distance"]), "callable"],
        "algorithm": [Options(["auto", "brute", "kd_tree"])],
        "leaf_size": [Interval(Integral, 1, None)],
        "p": [Interval(Real, 1, math.inf)],  # p < 1 gives no metric; inf is Chebyshev
        "metric": [Options(list(METRICS))],
        "n_jobs": [None, Integral],
    }

    def __init__(self, n_neighbors=5, *, weights="uniform", algorithm="auto", leaf_size=30, p=2,
                 metric="minkowski", n_jobs=None):
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.p = p
        self.metric = metric
        self.n_jobs = n_jobs

    def _fit(self, X, sample_weight):
        self._sample_weight = (None if sample_weight is None
                               else check_sample_weight(sample_weight, X.shape[0]))
        self.effective_metric_, p = effective_metric(self.metric, self.p)
        self.effective_metric_params_ = {"p": p} if self.effective_metric_ == "minkowski" else {}
        self._p = p
        # the distances raise differences to the power p (squares them, for Euclidean): data
        # whose powers overflow or underflow would give arbitrary neighbours
        check_squares_representable(X, p=p)
        self._fit_X = X
        self.n_samples_fit_ = X.shape[0]
        if self.algorithm == "auto":
            # scikit-learn's rule: the tree pays off for few features and small k
            use_tree = X.shape[1] <= 15 and self.n_neighbors < X.shape[0] // 2
            self._fit_method = "kd_tree" if use_tree else "brute"
        else:
            self._fit_method = self.algorithm
        self._tree = (KDTree(X, self.leaf_size, p=p) if self._fit_method == "kd_tree" else None)

    def kneighbors(self, X=None, n_neighbors=None, return_distance=True):
        """Find the nearest training points of each query.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features), default=None
            The queries. ``None`` queries the training points themselves, and a point is then
            not counted as its own neighbour.
        n_neighbors : int, default=None
            Number of neighbours; ``None`` uses the constructor's ``n_neighbors``.
        return_distance : bool, default=True

        Returns
        -------
        neigh_dist : ndarray of shape (n_queries, n_neighbors)
            Distances to the neighbours, increasing along each row (only when
            ``return_distance``).
        neigh_ind : ndarray of shape (n_queries, n_neighbors)
            Indices of the neighbours in the training set.

        Notes
        -----
        Implements the search of {prf:ref}`alg-knn-brute` or {prf:ref}`alg-knn-kd-query` of
        the k-nearest neighbours chapter.
        """
        check_is_fitted(self)
        if n_neighbors is None:
            n_neighbors = self.n_neighbors
        n_neighbors = check_positive_int(n_neighbors, "n_neighbors")
        query_is_train = X is None
        if query_is_train:
            X = self._fit_X
            n_neighbors += 1  # the point itself comes back first; it is removed below
        else:
            X = validate_data(self, X, dtype=np.float64, reset=False)
            check_squares_representable(X, p=self._p, underflow=False)
        if n_neighbors > self.n_samples_fit_:
            relation = "<" if query_is_train else "<="
            n_shown = n_neighbors - 1 if query_is_train else n_neighbors
            raise ValueError(
                f"Expected n_neighbors {relation} n_samples_fit, but n_neighbors = {n_shown}, "
                f"n_samples_fit = {self.n_samples_fit_}, n_samples = {X.shape[0]}: there are "
                f"not enough training points for that many neighbours."
            )
        if self._tree is not None:
            dist, ind = self._tree.query(X, n_neighbors, n_jobs=self.n_jobs)
        else:
            dist, ind = kneighbors_brute(X, self._fit_X, n_neighbors, metric="minkowski",
                                         p=self._p, n_jobs=self.n_jobs)
        if query_is_train:
            # Drop each point from its own list; if it has more than n_neighbors exact
            # duplicates it may not be listed, and the first entry is dropped instead.
            mask = ind != np.arange(X.shape[0])[:, None]
            no_self = np.all(mask, axis=1)
            mask[no_self, 0] = False
            ind = ind[mask].reshape(X.shape[0], n_neighbors - 1)
            dist = dist[mask].reshape(X.shape[0], n_neighbors - 1)
        return (dist, ind) if return_distance else ind


    def _neighbors_and_weights(self, X):
        """Neighbour indices and their voting weights (``None`` when all are equal).

        Without sample weights: the ``k`` nearest points and the weights of
        :func:`neighbor_weights`. With sample weights ``omega_i``, a point counts as
        ``omega_i`` copies of itself ({eq}`eq-knn-sample-weights`): the neighbours are taken
        in the order the search returns them until their weights sum to ``k``, the last one's
        weight cut so that the sum is exactly ``k`` (all points when their total is below
        ``k``), and each one's weight is that (cut) sample weight times its distance weight.
        """
        uniform = isinstance(self.weights, str) and self.weights == "uniform"
        if self._sample_weight is None:
            dist, ind = self.kneighbors(X)
            return ind, None if uniform else neighbor_weights(dist, self.weights)
        k = self.n_neighbors
        n_max = self.n_samples_fit_ - (X is None)  # the most neighbours a query can have
        kk = min(k, n_max)
        while True:  # search more neighbours until every query's weights sum to k
            dist, ind = self.kneighbors(X, n_neighbors=kk)
            s = self._sample_weight[ind]  # (m, kk)
            before = np.cumsum(s, axis=1) - s  # weight of the closer neighbours
            if kk == n_max or np.all(before[:, -1] + s[:, -1] >= k):
                break
            kk = min(2 * kk, n_max)
        t = np.clip(k - before, 0.0, s)  # the cut sample weights, summing to k
        if uniform:
            w = t
        else:
            # neighbours of weight 0 do not exist for the distance weights either
            w = t * neighbor_weights(np.where(t > 0, dist, np.inf), self.weights) \
                if isinstance(self.weights, str) else t * neighbor_weights(dist, self.weights)
        if np.any(np.all(w == 0, axis=1)):
            raise ValueError(
                "All the neighbours of some query have weight zero (their sample weights, "
                "times their distance weights, are 0), so their vote or mean is undefined. "
                "Give those training points a positive weight."
            )
        return ind, w


class KNeighborsClassifier(ClassifierMixin, _KNeighborsBase):
    """Classifier by a (weighted) vote of the k nearest training points.

    Parameters
    ----------
    n_neighbors : int, default=5
        Number of neighbours ``k`` that vote.
    weights : {"uniform", "distance"} or callable, default="uniform"
        ``"uniform"``: one vote each. ``"distance"``: votes weighted by the inverse distance
        (exact matches take all the weight). A callable maps an array of distances to an array
        of weights of the same shape.
    algorithm : {"auto", "brute", "kd_tree"}, default="auto"
        Neighbour search: chunked exhaustive search, or a k-d tree. ``"auto"`` takes the tree
        when there are at most 15 features and ``n_neighbors < n_samples // 2`` (scikit-learn's
        rule), else brute force.
    leaf_size : int, default=30
        Leaf size of the k-d tree.
    p : float, default=2
        Exponent of the Minkowski metric, ``p >= 1`` (``inf`` allowed); 1 is the Manhattan and 2
        the Euclidean distance.
    metric : {"minkowski", "euclidean", "manhattan", "chebyshev"}, default="minkowski"
        Distance; the named metrics ignore ``p``.
    n_jobs : int, default=None
        Threads that search the neighbours of the chunks of queries in parallel (``None``: 1;
        ``-1``: all cores), as in scikit-learn. The results are the same for every value.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int
    n_samples_fit_ : int
    effective_metric_ : str
        The metric computed (``"minkowski"`` with ``p = 2`` is ``"euclidean"``, and so on).
    effective_metric_params_ : dict
        ``{"p": p}`` for a general Minkowski metric, else empty.

    Notes
    -----
    Implements the rule {eq}`eq-knn-rule` with the weights {eq}`eq-knn-distance-weights` of the
    k-nearest neighbours chapter. Ties in the vote go to the class that comes first in
    ``classes_``, as in scikit-learn.
    """

    def fit(self, X, y, sample_weight=None):
        """Store the training set (and build the k-d tree when it is used).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels (integers, strings, ...).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each training point: its vote is multiplied by it
            ({eq}`eq-knn-sample-weights`). ``None`` (or all ones) gives scikit-learn's
            results, whose ``KNeighborsClassifier`` has no sample weights. A point of weight 0
            takes no slot among the neighbours and does not vote.

        Returns
        -------
        self : object
        """
        validate_parameters(self)
        X, y = validate_data(self, X, y, dtype=np.float64)
        self.classes_, self._y = encode_class_labels(y)
        self._fit(X, sample_weight)
        return self

    def predict_proba(self, X):
        """Share of the (weighted) votes of the neighbours for each class.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features), or None
            ``None``: the training points, each without itself.

        Returns
        -------
        proba : ndarray of shape (n_queries, n_classes)
            Columns in the order of ``classes_``.
        """
        check_is_fitted(self)
        ind, w = self._neighbors_and_weights(X)
        m, k = ind.shape
        n_classes = self.classes_.size
        if w is None:
            w = np.ones((m, k))
        elif np.any(np.all(w == 0, axis=1)):
            raise ValueError(
                "All neighbors of some sample is getting zero weights. Please modify 'weights' "
                "to avoid this case if you are using a user-defined function."
            )
        # votes[i, c] = sum of the weights of the neighbours of query i in class c, one
        # bincount over the flattened (query, class) pairs
        cells = (np.arange(m)[:, None] * n_classes + self._y[ind]).ravel()
        votes = np.bincount(cells, weights=w.ravel(), minlength=m * n_classes)
        votes = votes.reshape(m, n_classes)
        return votes / votes.sum(axis=1, keepdims=True)

    def predict(self, X):
        """Predict the class with the largest (weighted) vote.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features), or None
            ``None``: the training points, each without itself.

        Returns
        -------
        y_pred : ndarray of shape (n_queries,)
        """
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class KNeighborsRegressor(RegressorMixin, _KNeighborsBase):
    """Regressor by the (weighted) mean of the targets of the k nearest training points.

    Parameters
    ----------
    n_neighbors : int, default=5
        Number of neighbours ``k`` averaged.
    weights : {"uniform", "distance"} or callable, default="uniform"
        As in :class:`KNeighborsClassifier`.
    algorithm : {"auto", "brute", "kd_tree"}, default="auto"
    leaf_size : int, default=30
    p : float, default=2
    metric : {"minkowski", "euclidean", "manhattan", "chebyshev"}, default="minkowski"
    n_jobs : int, default=None
        Threads over the chunks of queries; the results are the same for every value.

    Attributes
    ----------
    n_features_in_ : int
    n_samples_fit_ : int
    effective_metric_ : str
    effective_metric_params_ : dict

    Notes
    -----
    Implements {eq}`eq-knn-regression` of the k-nearest neighbours chapter.
    """

    def fit(self, X, y, sample_weight=None):
        """Store the training set (and build the k-d tree when it is used).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each training point: its target enters the neighbours'
            weighted mean with that weight ({eq}`eq-knn-sample-weights`). ``None`` (or all
            ones) gives scikit-learn's results.

        Returns
        -------
        self : object
        """
        validate_parameters(self)
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True, multi_output=True)
        self._y = y.astype(np.float64)
        self._fit(X, sample_weight)
        return self

    def predict(self, X):
        """Predict the (weighted) mean target of the neighbours.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features), or None
            ``None``: the training points, each without itself.

        Returns
        -------
        y_pred : ndarray of shape (n_queries,) or (n_queries, n_targets)
        """
        check_is_fitted(self)
        ind, w = self._neighbors_and_weights(X)
        Y = self._y[ind]  # (m, k) or (m, k, n_targets)
        if w is None:
            return Y.mean(axis=1)
        if Y.ndim == 3:
            w = w[:, :, None]
        return (Y * w).sum(axis=1) / w.sum(axis=1)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
