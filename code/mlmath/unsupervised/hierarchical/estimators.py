r"""The estimator :class:`AgglomerativeClustering`, with scikit-learn's API and conventions.

Single linkage is computed from a minimum spanning tree (:mod:`.mst`, :math:`O(n)` memory); the
other three linkages by the nearest-neighbour chain (:mod:`.nn_chain`) on the condensed distance
matrix. Both give SciPy's linkage matrix, whose first two columns are ``children_`` and whose
third is ``distances_``.
"""

from numbers import Integral, Real

import numpy as np
from scipy.spatial.distance import pdist
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.utils.validation import validate_data

from mlmath.unsupervised.hierarchical.mst import mst_linkage
from mlmath.unsupervised.hierarchical.nn_chain import nn_chain_linkage
from mlmath.unsupervised.hierarchical.tree import cut_tree_labels
from mlmath.validation import (
    Interval,
    Options,
    check_squares_representable,
    validate_parameters,
)

__all__ = ["AgglomerativeClustering", "agglomerate"]


def agglomerate(X, linkage):
    r"""The full merge tree of ``X`` under a linkage, as SciPy's linkage matrix.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The samples (float64, finite, at least two).
    linkage : {"ward", "complete", "average", "single"}
        The linkage.

    Returns
    -------
    Z : ndarray of shape (n_samples - 1, 4)
        Merges in increasing height: the two children (cluster ids, smaller first; leaves are
        ``0..n-1`` and the ``k``-th merge makes cluster ``n + k``), the height, the size.

    Notes
    -----
    Single linkage by {prf:ref}`alg-hier-prim`, the others by {prf:ref}`alg-hier-nn-chain` of
    the hierarchical clustering chapter.
    """
    if linkage == "single":
        return mst_linkage(X)
    return nn_chain_linkage(pdist(X), linkage, overwrite=True)


class AgglomerativeClustering(ClusterMixin, BaseEstimator):
    r"""Agglomerative (bottom-up hierarchical) clustering with Euclidean distances.

    Parameters
    ----------
    n_clusters : int or None, default=2
        Number of clusters to cut the tree into; ``None`` when ``distance_threshold`` is given.
    metric : {"euclidean"}, default="euclidean"
        The distance between samples. Only the Euclidean distance is implemented (scikit-learn
        also accepts other metrics for the linkages other than Ward).
    linkage : {"ward", "complete", "average", "single"}, default="ward"
        The distance between clusters: Ward's (the increase of the within-cluster sum of
        squares, as a distance), the largest, the mean or the smallest distance between their
        samples.
    distance_threshold : float or None, default=None
        Cut the tree at this height instead: the clusters are those joined by merges of height
        below it. Requires ``n_clusters=None``.
    compute_distances : bool, default=False
        Store the merge heights in ``distances_`` (always stored with a ``distance_threshold``).

    Attributes
    ----------
    n_clusters_ : int
        Number of clusters found.
    labels_ : ndarray of shape (n_samples,)
        Cluster of every sample, numbered in the order of each cluster's first sample.
    n_leaves_ : int
        Number of leaves of the tree (the number of samples).
    n_connected_components_ : int
        Always 1: the estimator has no connectivity constraint.
    children_ : ndarray of shape (n_samples - 1, 2)
        The merges in order: row ``k`` holds the two clusters merged at step ``k``, which form
        cluster ``n_samples + k``; an id below ``n_samples`` is a sample.
    distances_ : ndarray of shape (n_samples - 1,)
        The height of each merge, as :func:`scipy.cluster.hierarchy.linkage` reports it (for
        Ward: :math:`\sqrt{2 n_A n_B / (n_A + n_B)}\,\lVert \bar\vx_A - \bar\vx_B \rVert_2`).
        Only with ``compute_distances=True`` or a ``distance_threshold``.
    n_features_in_ : int
        Number of features seen in ``fit``.

    Notes
    -----
    scikit-learn's ``connectivity``, ``memory``, ``compute_full_tree`` and non-Euclidean metrics
    are not implemented: the full tree is always computed. Implements the chapter's
    {prf:ref}`alg-hier-prim` (single) and {prf:ref}`alg-hier-nn-chain` (the others), with heights
    {eq}`eq-hier-linkages` and {eq}`eq-hier-ward-distance`.
    """

    _parameter_constraints = {
        "n_clusters": [Interval(Integral, 1, None), None],
        "metric": [Options(["euclidean"])],
        "linkage": [Options(["ward", "complete", "average", "single"])],
        "distance_threshold": [Interval(Real, 0, None), None],
        "compute_distances": ["boolean"],
    }

    def __init__(self, n_clusters=2, *, metric="euclidean", linkage="ward",
                 distance_threshold=None, compute_distances=False):
        self.n_clusters = n_clusters
        self.metric = metric
        self.linkage = linkage
        self.distance_threshold = distance_threshold
        self.compute_distances = compute_distances

    def fit(self, X, y=None):
        """Build the merge tree of ``X`` and cut it.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The samples, at least two.
        y : None
            Ignored.

        Returns
        -------
        self : AgglomerativeClustering
        """
        validate_parameters(self)
        if (self.n_clusters is None) == (self.distance_threshold is None):
            raise ValueError("Exactly one of n_clusters and distance_threshold has to be set, "
                             "and the other needs to be None.")
        X = validate_data(self, X, dtype=np.float64, ensure_min_samples=2)
        n = X.shape[0]
        if self.n_clusters is not None and self.n_clusters > n:
            raise ValueError(f"Cannot extract more clusters than samples: n_clusters="
                             f"{self.n_clusters} for {n} samples.")
        check_squares_representable(X)
        Z = agglomerate(X, self.linkage)
        self.children_ = Z[:, :2].astype(np.intp)
        heights = Z[:, 2]
        if self.distance_threshold is not None:
            self.n_clusters_ = int(np.count_nonzero(heights >= self.distance_threshold)) + 1
        else:
            self.n_clusters_ = int(self.n_clusters)
        if self.distance_threshold is not None or self.compute_distances:
            self.distances_ = heights
        self.n_leaves_ = n
        self.n_connected_components_ = 1
        self.labels_ = cut_tree_labels(self.children_, n, self.n_clusters_)
        return self

    def fit_predict(self, X, y=None):
        """Fit, then return the cluster labels of the samples.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The samples.
        y : None
            Ignored.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        return self.fit(X).labels_
