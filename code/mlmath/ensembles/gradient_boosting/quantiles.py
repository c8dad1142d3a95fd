r"""Weighted quantiles, of one sample and of many groups at once (the leaves of a tree).

The quantile is the *inverted* empirical distribution function: the smallest value :math:`v` whose
cumulative weight reaches the fraction :math:`q` of the total,

.. math:: Q_q = \min\Bigl\{ v_{(m)} : \sum_{l \le m} \omega_{(l)} \ge q \sum_l \omega_l \Bigr\},

with the values sorted, :math:`v_{(1)} \le v_{(2)} \le \dots`. It minimises the weighted pinball
loss (the gradient boosting chapter, {eq}`eq-gb-quantile-leaf`), and it is what scikit-learn's
``_weighted_percentile`` computes (its default ``average=False``), so that the leaf values of the
absolute, Huber and quantile losses agree with scikit-learn's to the last bit.
"""

import numpy as np

__all__ = ["weighted_quantile", "grouped_weighted_quantile"]


def _rank(q, total):
    """The cumulative weight to reach: scikit-learn computes ``(100 q) / 100 * total``."""
    return (100.0 * q) / 100.0 * total


def weighted_quantile(values, weights, q):
    """The weighted ``q``-quantile (inverted cdf) of one sample.

    Parameters
    ----------
    values : ndarray of shape (n,)
    weights : ndarray of shape (n,)
        Non-negative, not all zero.
    q : float
        Level in ``(0, 1)``.

    Returns
    -------
    float
    """
    return float(grouped_weighted_quantile(values, weights, np.zeros(len(values), np.intp), 1,
                                           q)[0])


def grouped_weighted_quantile(values, weights, groups, n_groups, q):
    r"""The weighted ``q``-quantile of the values of every group, all groups in one sort.

    Parameters
    ----------
    values : ndarray of shape (n,)
    weights : ndarray of shape (n,)
        Non-negative weights.
    groups : ndarray of shape (n,), int
        Group of each value, in ``[0, n_groups)``.
    n_groups : int
    q : float
        Level in ``(0, 1)``.

    Returns
    -------
    ndarray of shape (n_groups,)
        The quantile of each group; 0 for a group of zero total weight.

    Notes
    -----
    One ``lexsort`` by (group, value), :math:`O(n \log n)`. The cumulative weights restart at
    each group and are compared with :math:`q` times the group's total. With integer weights
    (unweighted data, subsampling masks) the sums are exact, and all groups are done at once
    with one ``cumsum`` and one ``minimum.reduceat``; other weights are summed group by group,
    in the order scikit-learn sums them, so that a tie between a cumulative weight and the
    target is decided the same way.
    """
    values = np.asarray(values, dtype=float)
    weights = np.asarray(weights, dtype=float)
    out = np.zeros(n_groups)
    if values.size == 0:
        return out
    order = np.lexsort((values, groups))
    g, v, w = groups[order], values[order], weights[order]
    present, starts = np.unique(g, return_index=True)
    ends = np.append(starts[1:], g.size)
    total = np.add.reduceat(w, starts)
    rank = _rank(q, total)
    if np.all(w == np.round(w)) and total.sum() < 2.0**52:  # exact integer arithmetic
        cum = np.cumsum(w)
        before = np.concatenate([[0.0], cum[:-1]])[starts]
        within = cum - np.repeat(before, ends - starts)  # restarts at each group
        pos = np.where(within >= np.repeat(rank, ends - starts), np.arange(g.size), g.size)
        first = np.minimum.reduceat(pos, starts)
    else:
        first = np.empty(starts.size, dtype=np.intp)
        for m, (a, b) in enumerate(zip(starts, ends)):
            cdf = np.cumsum(w[a:b])
            first[m] = a + np.searchsorted(cdf, _rank(q, cdf[-1]))
    first = np.minimum(first, ends - 1)  # rounding may leave the total just short of the rank
    out[present] = np.where(total > 0, v[first], 0.0)
    return out
