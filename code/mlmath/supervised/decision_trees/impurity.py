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

import numpy as np
from scipy.special import xlogy

__all__ = [
    "Criterion",
    "Gini",
    "Entropy",
    "SquaredError",
    "CRITERIA",
    "gini_impurity",
    "entropy_impurity",
    "squared_error_impurity",
]


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
        """Per-sample statistics, shape ``(n_samples, S)``; their sum over a node is the node's."""
        raise NotImplementedError  # pragma: no cover

    def weight(self, stats):
        """Total sample weight :math:`W` of statistics ``(..., S)``."""
        raise NotImplementedError  # pragma: no cover

    def impurity(self, stats):
        """Impurity :math:`i` of statistics ``(..., S)``."""
        raise NotImplementedError  # pragma: no cover

    def value(self, stats):
        """The prediction stored in a node: class proportions ``(..., K)`` or mean ``(..., 1)``."""
        raise NotImplementedError  # pragma: no cover

    def proxy(self, left, right):
        """Split proxy to maximise; equals :math:`-(W_L i_L + W_R i_R)` plus a node constant.

        ``left`` and ``right`` hold the statistics ``proxy_columns`` on their **first** axis,
        shape ``(S', ...)``, so that each statistic is a contiguous plane.
        """
        raise NotImplementedError  # pragma: no cover

    def scan_terms(self, stats):
        """The proxy statistics of every sample as a few (statistic, value) terms.

        The split search sums, over blocks of samples, the statistics ``proxy_columns`` of each
        sample. A sample's statistics are mostly zeros for classification (a one-hot row), so
        they are passed as ``r`` terms per sample: term ``t`` adds ``vals[t, i]`` to statistic
        ``cols[t, i]``.

        Parameters
        ----------
        stats : ndarray of shape (n_samples, S)
            Per-sample statistics from :meth:`sample_stats`.

        Returns
        -------
        cols : ndarray of shape (r, n_samples), int, or None
            Statistic of each term; ``None`` means that term ``t`` goes to statistic ``t``.
        vals : ndarray of shape (r, n_samples)
            Value of each term.
        n_stats : int
            Number :math:`S'` of proxy statistics.
        """
        vals = np.ascontiguousarray(stats[:, self.proxy_columns].T)
        return None, vals, vals.shape[0]

    def node_impurity(self, sorted_stats, starts, node_stats):
        """Impurity of the segments ``[starts[k], starts[k+1])`` of ``sorted_stats`` (n, S)."""
        return self.impurity(node_stats)

    def weighted_impurity(self, stats):
        """:math:`W\\,i`, the weight times the impurity."""
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

    def scan_terms(self, stats):
        # one term per sample, its weight on its class: the scan's cost does not grow with K
        cls = np.argmax(stats, axis=1)
        return cls[None, :], stats[np.arange(stats.shape[0]), cls][None, :], stats.shape[1]


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

    def node_impurity(self, sorted_stats, starts, node_stats):
        # two passes (mean, then mean squared deviation): exact zero for a constant target,
        # where S2/W - (S1/W)^2 would leave rounding noise
        w = sorted_stats[:, 0]
        y = sorted_stats[:, 1] / w
        mean = node_stats[:, 1] / node_stats[:, 0]
        seg = np.repeat(np.arange(starts.size), np.diff(np.append(starts, w.size)))
        dev = np.add.reduceat(w * (y - mean[seg]) ** 2, starts)
        return dev / node_stats[:, 0]

    def proxy(self, left, right):
        with np.errstate(invalid="ignore", divide="ignore"):
            return left[1] ** 2 / left[0] + right[1] ** 2 / right[0]


CRITERIA = {
    "gini": Gini,
    "entropy": Entropy,
    "log_loss": Entropy,
    "squared_error": SquaredError,
}
