r"""The DBSCAN estimator, scikit-learn's API, the labels of scikit-learn's ``DBSCAN``."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.utils.validation import validate_data

from mlmath.supervised.knn.distances import effective_metric
from mlmath.unsupervised.dbscan.components import dbscan_labels
from mlmath.unsupervised.dbscan.neighbourhoods import radius_neighbourhoods
from mlmath.validation import (
    Interval,
    Options,
    check_sample_weight,
    check_squares_representable,
    validate_parameters,
)

__all__ = ["DBSCAN"]


class DBSCAN(ClusterMixin, BaseEstimator):
    r"""Density-based spatial clustering of applications with noise (Ester et al. 1996).

    Parameters
    ----------
    eps : float, default=0.5
        The radius :math:`\epsilon > 0` of a neighbourhood (a point at distance exactly
        ``eps`` is a neighbour).
    min_samples : int, default=5
        A point is a core point when its neighbourhood, itself included, holds at least
        ``min_samples`` points (or that much weight, with ``sample_weight``).
    metric : {"euclidean", "manhattan", "chebyshev", "minkowski"}, default="euclidean"
    algorithm : {"auto", "brute", "kd_tree"}, default="auto"
        The neighbourhood search; both compute each distance from the coordinate differences,
        with the same operations, and give the same neighbourhoods for every metric and
        ``p``. ``"auto"`` picks as scikit-learn does (brute force for more than 15 features or
        at most 11 points, the k-d tree otherwise), for speed.
    leaf_size : int, default=30
        Leaf size of the k-d tree.
    p : float or None, default=None
        Minkowski exponent ``p >= 1`` for ``metric="minkowski"``; ``None`` means 2.

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
        Cluster of every training point, ``0, 1, ...``; noise is ``-1``.
    core_sample_indices_ : ndarray of shape (n_core_samples,)
        Indices of the core points, increasing.
    components_ : ndarray of shape (n_core_samples, n_features)
        The core points.
    n_features_in_ : int

    Notes
    -----
    Implements {prf:ref}`alg-dbscan` of the DBSCAN chapter: neighbourhoods
    {eq}`eq-dbscan-neighbourhood`, core points {eq}`eq-dbscan-core`, components of the core
    graph and the border rule {eq}`eq-dbscan-border-rule`. The labels are scikit-learn's,
    numbers included ({prf:ref}`prop-dbscan-sklearn-order`), whenever the neighbourhoods and
    core points are the same, which holds whenever no pair has a squared distance (another
    metric: a reduced distance :math:`\sum_j |x_j - z_j|^p` against :math:`\epsilon^p`) that
    differs from :math:`\epsilon^2` by less than the error bound of either computation, and
    for weights whose sums are exact (the core test is decided exactly; scikit-learn rounds
    its sums). For
    the package, which computes distances from the differences, and for scikit-learn's k-d
    tree that bound is a few relative rounding errors of :math:`\epsilon^2` (barring
    underflow); for scikit-learn's brute-force Euclidean search (more than 15 features or at
    most 11 points), which expands :math:`\|\vx\|^2 - 2\vx^\top\vz + \|\vz\|^2`, it is about
    :math:`d\,\epsilon_{\mathrm{mach}}(\|\vx\|^2 + \|\vz\|^2)`, which exceeds
    :math:`\epsilon^2` when the points lie far from the origin. Not implemented from
    scikit-learn: ``metric="precomputed"``, callable metrics, ``metric_params``,
    ``algorithm="ball_tree"``, sparse input, ``n_jobs``, negative sample weights.
    """

    _parameter_constraints = {
        "eps": [Interval(Real, 0.0, None, closed="neither")],
        "min_samples": [Interval(Integral, 1, None)],
        "metric": [Options(["euclidean", "manhattan", "chebyshev", "minkowski"])],
        "algorithm": [Options(["auto", "brute", "kd_tree"])],
        "leaf_size": [Interval(Integral, 1, None)],
        "p": [Interval(Real, 1.0, None), None],
    }

    def __init__(self, eps=0.5, *, min_samples=5, metric="euclidean", algorithm="auto",
                 leaf_size=30, p=None):
        self.eps = eps
        self.min_samples = min_samples
        self.metric = metric
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.p = p

    def fit(self, X, y=None, sample_weight=None):
        """Cluster the points.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Finite points (converted to float64).
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; a neighbourhood's weight is compared with ``min_samples``.

        Returns
        -------
        self : DBSCAN
        """
        validate_parameters(self)
        X = validate_data(self, X, dtype=np.float64, ensure_min_samples=1)
        _, p = effective_metric(self.metric, 2.0 if self.p is None else self.p)
        check_squares_representable(X, p=p, underflow=False)
        sw = None if sample_weight is None else check_sample_weight(sample_weight, X.shape[0])
        indptr, indices = radius_neighbourhoods(X, self.eps, metric=self.metric, p=p,
                                                algorithm=self.algorithm,
                                                leaf_size=self.leaf_size)
        self.labels_, is_core = dbscan_labels(indptr, indices, self.min_samples, sw)
        self.core_sample_indices_ = np.flatnonzero(is_core)
        self.components_ = X[self.core_sample_indices_].copy()
        return self

    def fit_predict(self, X, y=None, sample_weight=None):
        """Cluster the points and return their labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            ``labels_``; noise is ``-1``.
        """
        return self.fit(X, sample_weight=sample_weight).labels_
