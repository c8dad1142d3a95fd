r"""Impurity criteria of CART: Gini, entropy and squared error, on sufficient statistics.

A criterion never looks at samples one by one. Every quantity a tree needs, the impurity of a
node, its prediction and the quality of a split, is a function of a short vector of **sufficient
statistics** that is a *sum over the node's samples*: the weighted class counts
:math:`(N_1, \dots, N_K)` for classification, the three sums
:math:`(\sum_i \omega_i, \sum_i \omega_i y_i, \sum_i \omega_i y_i^2)` for regression. Sums can be
accumulated along a sorted order with one cumulative sum, which is what makes the split search
of :mod:`mlmath.supervised.decision_trees.splitter` vectorised (the decision trees chapter,
{eq}`eq-tree-cumsum-stats`).

Every function takes statistics of shape ``(..., S)`` and works on any leading shape.
"""

from typing import NamedTuple

import numpy as np
from scipy.special import xlogy

__all__ = [
    "SampleTerms",
    "segment_sums",
    "Criterion",
    "Gini",
    "Entropy",
    "SquaredError",
    "CRITERIA",
    "gini_impurity",
    "entropy_impurity",
    "squared_error_impurity",
]


class SampleTerms(NamedTuple):
    r"""The per-sample statistics of a criterion, as a few (statistic, value) terms per sample.

    Sample :math:`i` adds ``vals[t, i]`` to statistic ``t`` (``cols is None``, regression: three
    terms :math:`\omega_i, \omega_i y_i, \omega_i y_i^2`), or its weight ``vals[0, i]`` to
    statistic ``cols[i]``, its class (classification: one term, instead of a one-hot row of
    length :math:`K`). The dense per-sample array :meth:`Criterion.sample_stats` is never formed
    by the growth, so that its memory and work do not grow with :math:`K`.

    Parameters
    ----------
    cols : ndarray of shape (n_samples,), int, or None
        Statistic that each sample's (single) term goes to; ``None``: term ``t`` goes to
        statistic ``t``.
    vals : ndarray of shape (r, n_samples)
        Value of each term (``r = 1`` with ``cols``, else ``r = S``).
    n_stats : int
        Number ``S`` of statistics.
    """

    cols: np.ndarray
    vals: np.ndarray
    n_stats: int


def segment_sums(terms, samples, seg, n_seg):
    r"""Statistics of groups of samples: group ``g`` sums the terms of ``samples[seg == g]``.

    Parameters
    ----------
    terms : SampleTerms
        The per-sample statistics.
    samples : ndarray of shape (m,), int
        Sample indices.
    seg : ndarray of shape (m,), int
        Group of each entry of ``samples``, in ``[0, n_seg)``.
    n_seg : int
        Number of groups.

    Returns
    -------
    ndarray of shape (n_seg, S)
        One ``bincount`` per term: :math:`O(m + n_{\text{seg}} S)` operations, with no
        :math:`mS` array for classification.
    """
    if terms.cols is None:
        return np.column_stack([np.bincount(seg, weights=v[samples], minlength=n_seg)
                                for v in terms.vals]).reshape(n_seg, -1)
    S = terms.n_stats
    flat = np.bincount(seg * S + terms.cols[samples], weights=terms.vals[0, samples],
                       minlength=n_seg * S)
    return flat.reshape(n_seg, S)


def gini_impurity(counts):
    r"""Gini impurity :math:`1 - \sum_k p_k^2` of weighted class counts.

    Parameters
    ----------
    counts : ndarray of shape (..., K)
        Non-negative weighted class counts :math:`N_k`; the proportions are
        :math:`p_k = N_k / \sum_l N_l`.

    Returns
    -------
    ndarray of shape (...)

    Notes
    -----
    Implements {eq}`eq-tree-gini` of the decision trees chapter.
    """
    counts = np.asarray(counts, dtype=float)
    total = counts.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return 1.0 - np.einsum("...k,...k->...", counts, counts) / total**2


def entropy_impurity(counts):
    r"""Entropy :math:`-\sum_k p_k \log_2 p_k` (in bits) of weighted class counts.

    Parameters
    ----------
    counts : ndarray of shape (..., K)

    Returns
    -------
    ndarray of shape (...)

    Notes
    -----
    Implements {eq}`eq-tree-entropy` of the decision trees chapter (with :math:`0\log 0 = 0`).
    """
    counts = np.asarray(counts, dtype=float)
    total = counts.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = counts / total
    return -xlogy(p, p).sum(axis=-1) / np.log(2.0)


def squared_error_impurity(stats):
    r"""Weighted variance :math:`\frac{1}{W}\sum_i \omega_i (y_i - \bar y)^2` from three sums.

    Parameters
    ----------
    stats : ndarray of shape (..., 3)
        :math:`(W, \sum_i \omega_i y_i, \sum_i \omega_i y_i^2)` with :math:`W = \sum_i \omega_i`.

    Returns
    -------
    ndarray of shape (...)

    Notes
    -----
    Implements {eq}`eq-tree-mse` of the decision trees chapter, through the identity
    :math:`\frac1W\sum_i\omega_i(y_i - \bar y)^2 = \frac{S_2}{W} - \big(\frac{S_1}{W}\big)^2`.
    """
    stats = np.asarray(stats, dtype=float)
    w, s1, s2 = stats[..., 0], stats[..., 1], stats[..., 2]
    with np.errstate(invalid="ignore", divide="ignore"):
        return s2 / w - (s1 / w) ** 2


class Criterion:
    """A split criterion seen through its sufficient statistics.

    Subclasses define the per-sample statistics (whose sums over a node are the node's
    statistics), the node weight, the impurity, the prediction, and the **split proxy**: a
    function of the two children's statistics that differs from minus the children's weighted
    impurity :math:`-(W_L\\,i_L + W_R\\,i_R)` by a quantity that is the same for every split of
    the node, so maximising it finds the best split with fewer operations.
    """

    name = ""
    is_classification = False
    proxy_columns = slice(None)  # the statistics the proxy needs

    def sample_stats(self, y, sample_weight, n_classes=None):
        """Per-sample statistics, dense; their sum over a node is the node's statistics.

        Parameters
        ----------
        y : ndarray of shape (n_samples,)
            Encoded classes ``0, ..., K-1`` or float targets.
        sample_weight : ndarray of shape (n_samples,)
            Weights.
        n_classes : int, default=None
            Number of classes ``K`` (classification only).

        Returns
        -------
        ndarray of shape (n_samples, S)
            Row ``i`` is :math:`\\omega_i\\mathbf e_{y_i}` (classification) or
            :math:`\\omega_i(1, y_i, y_i^2)` (regression). For the chapter and the tests; the
            growth uses the compact :meth:`sample_terms`.
        """
        raise NotImplementedError  # pragma: no cover

    def weight(self, stats):
        """Total sample weight :math:`W` of statistics.

        Parameters
        ----------
        stats : ndarray of shape (..., S)

        Returns
        -------
        ndarray of shape (...)
        """
        raise NotImplementedError  # pragma: no cover

    def impurity(self, stats):
        """Impurity :math:`i` of statistics.

        Parameters
        ----------
        stats : ndarray of shape (..., S)

        Returns
        -------
        ndarray of shape (...)
        """
        raise NotImplementedError  # pragma: no cover

    def value(self, stats):
        """The prediction stored in a node: class proportions or mean target.

        Parameters
        ----------
        stats : ndarray of shape (..., S)

        Returns
        -------
        ndarray of shape (..., K) or (..., 1)
        """
        raise NotImplementedError  # pragma: no cover

    def proxy(self, left, right):
        """Split proxy to maximise; equals :math:`-(W_L i_L + W_R i_R)` plus a node constant.

        Parameters
        ----------
        left, right : ndarray of shape (S', ...)
            The children's statistics ``proxy_columns``, on the **first** axis, so that each
            statistic is a contiguous plane.

        Returns
        -------
        ndarray of shape (...)
        """
        raise NotImplementedError  # pragma: no cover

    def sample_terms(self, y, sample_weight, n_classes=None):
        """Per-sample statistics as terms (:class:`SampleTerms`), what the growth consumes.

        Parameters
        ----------
        y : ndarray of shape (n_samples,)
            Encoded classes ``0, ..., K-1`` or float targets.
        sample_weight : ndarray of shape (n_samples,)
            Weights :math:`\\omega_i`.
        n_classes : int, default=None
            Number of classes ``K`` (classification only).

        Returns
        -------
        SampleTerms
        """
        vals = np.ascontiguousarray(self.sample_stats(y, sample_weight, n_classes).T)
        return SampleTerms(None, vals, vals.shape[0])

    def proxy_terms(self, terms):
        """The terms of the proxy statistics ``proxy_columns`` only, for the split scan.

        Parameters
        ----------
        terms : SampleTerms
            From :meth:`sample_terms`.

        Returns
        -------
        cols : ndarray of shape (n_samples,), int, or None
        vals : ndarray of shape (r, n_samples)
        n_stats : int
            Number :math:`S'` of proxy statistics.
        """
        vals = terms.vals[self.proxy_columns]
        return None, vals, vals.shape[0]

    def node_impurity(self, terms, samples, seg, node_stats):
        """Impurity of groups of samples (the nodes of a level).

        Parameters
        ----------
        terms : SampleTerms
            The per-sample statistics.
        samples : ndarray of shape (m,), int
            The nodes' samples, node after node.
        seg : ndarray of shape (m,), int
            Node of each entry of ``samples``.
        node_stats : ndarray of shape (n_nodes, S)
            The nodes' statistics (:func:`segment_sums`).

        Returns
        -------
        ndarray of shape (n_nodes,)
        """
        return self.impurity(node_stats)

    def weighted_impurity(self, stats):
        """:math:`W\\,i`, the weight times the impurity.

        Parameters
        ----------
        stats : ndarray of shape (..., S)

        Returns
        -------
        ndarray of shape (...)
        """
        return self.weight(stats) * self.impurity(stats)


def _sum(planes):
    """Sum of the planes ``planes[0] + planes[1] + ...`` (faster than ``sum(axis=0)`` for few)."""
    acc = planes[0].copy()
    for plane in planes[1:]:
        acc += plane
    return acc


def _sum_sq(planes):
    """Sum of the squared planes."""
    acc = planes[0] * planes[0]
    for plane in planes[1:]:
        acc += plane * plane
    return acc


class _ClassCounts(Criterion):
    is_classification = True

    def sample_stats(self, y, sample_weight, n_classes=None):
        # one-hot times weight: row i is omega_i e_{y_i}, shape (n, K)
        out = np.zeros((y.shape[0], n_classes))
        out[np.arange(y.shape[0]), y] = sample_weight
        return out

    def weight(self, stats):
        return stats.sum(axis=-1)

    def value(self, stats):
        return stats / stats.sum(axis=-1, keepdims=True)

    def sample_terms(self, y, sample_weight, n_classes=None):
        # one term per sample, its weight on its class: no (n, K) array, whatever K
        w = np.asarray(sample_weight, dtype=np.float64)
        return SampleTerms(np.asarray(y, dtype=np.intp), w[None, :], int(n_classes))

    def proxy_terms(self, terms):
        return terms.cols, terms.vals, terms.n_stats  # the proxy needs all K counts


class Gini(_ClassCounts):
    r"""Gini impurity. Proxy :math:`\sum_k N_{Lk}^2/W_L + \sum_k N_{Rk}^2/W_R`.

    Notes
    -----
    Implements {eq}`eq-tree-gini` and the proxy {eq}`eq-tree-gini-proxy` of the decision trees
    chapter: :math:`W_L i_L + W_R i_R = W - \sum_k N_{Lk}^2/W_L - \sum_k N_{Rk}^2/W_R`.
    """

    name = "gini"

    def impurity(self, stats):
        return gini_impurity(stats)

    def proxy(self, left, right):
        with np.errstate(invalid="ignore", divide="ignore"):
            return _sum_sq(left) / _sum(left) + _sum_sq(right) / _sum(right)


class Entropy(_ClassCounts):
    r"""Entropy in bits. Proxy :math:`\sum_k N_{Lk}\log_2 N_{Lk} - W_L\log_2 W_L` + right side.

    Notes
    -----
    Implements {eq}`eq-tree-entropy` of the decision trees chapter:
    :math:`W\,H = W\log_2 W - \sum_k N_k \log_2 N_k`.
    """

    name = "entropy"

    def impurity(self, stats):
        return entropy_impurity(stats)

    def proxy(self, left, right):
        wl, wr = _sum(left), _sum(right)
        nats = (_sum(xlogy(left, left)) - xlogy(wl, wl)
                + _sum(xlogy(right, right)) - xlogy(wr, wr))
        return nats / np.log(2.0)


class SquaredError(Criterion):
    r"""Squared error (variance). Proxy :math:`S_{1L}^2/W_L + S_{1R}^2/W_R`.

    Notes
    -----
    Implements {eq}`eq-tree-mse` and the proxy {eq}`eq-tree-mse-proxy` of the decision trees
    chapter: :math:`W\,i = S_2 - S_1^2/W`, and the :math:`S_2` terms of the children add up to
    the parent's.
    """

    name = "squared_error"
    proxy_columns = [0, 1]  # W and S1: the S2 terms cancel in the comparison of splits

    def sample_stats(self, y, sample_weight, n_classes=None):
        wy = sample_weight * y
        return np.column_stack([sample_weight, wy, wy * y])  # (n, 3)

    def weight(self, stats):
        return stats[..., 0]

    def impurity(self, stats):
        return squared_error_impurity(stats)

    def value(self, stats):
        return stats[..., 1:2] / stats[..., 0:1]

    def node_impurity(self, terms, samples, seg, node_stats):
        # two passes (mean, then mean squared deviation): exact zero for a constant target,
        # where S2/W - (S1/W)^2 would leave rounding noise
        w = terms.vals[0, samples]
        y = terms.vals[1, samples] / w
        mean = node_stats[:, 1] / node_stats[:, 0]
        dev = np.bincount(seg, weights=w * (y - mean[seg]) ** 2, minlength=node_stats.shape[0])
        return dev / node_stats[:, 0]

    def proxy(self, left, right):
        with np.errstate(invalid="ignore", divide="ignore"):
            return left[1] ** 2 / left[0] + right[1] ** 2 / right[0]


# the subclasses' methods implement the contracts documented on Criterion
for _cls in (_ClassCounts, Gini, Entropy, SquaredError):
    for _name, _member in vars(_cls).items():
        if callable(_member) and not _name.startswith("_") and not _member.__doc__:
            _member.__doc__ = getattr(Criterion, _name).__doc__
del _cls, _name, _member

CRITERIA = {
    "gini": Gini,
    "entropy": Entropy,
    "log_loss": Entropy,
    "squared_error": SquaredError,
}
