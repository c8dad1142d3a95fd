r"""Feature binning: at most ``max_bin`` quantile bins per feature, and a bin for missing values.

A feature's non-missing values are cut at ascending edges :math:`e_0 < e_1 < \dots`; a value
:math:`x` falls in bin :math:`b` when :math:`e_{b-1} < x \le e_b` (with :math:`e_{-1} = -\infty`
and the last bin open above), so a split "bins :math:`\le b` left" is the real rule
:math:`x \le e_b` that :meth:`mlmath.supervised.decision_trees.Tree.apply` evaluates. A feature
with at most ``max_bin`` distinct values gets one bin per value (edges at the midpoints between
consecutive values, as scikit-learn's ``HistGradientBoosting*``); otherwise the edges are
(weighted) quantiles of the values, so the bins hold about equal weight. A missing value (NaN)
goes to bin ``max_bin``, after every bin of values.
"""

import numpy as np

__all__ = ["quantile_bin_edges", "bin_data"]


def _feature_edges(values, weights, max_bin):
    """Edges of one feature's non-missing ``values`` (at most ``max_bin - 1`` of them)."""
    if values.size == 0:
        return np.empty(0)
    uniform = np.all(weights == weights[0])
    if uniform:
        v = np.sort(values)
    else:
        order = np.argsort(values, kind="stable")
        v, weights = values[order], weights[order]
    new = np.flatnonzero(v[1:] != v[:-1]) + 1  # where a new distinct value starts
    if new.size < max_bin:  # at most max_bin distinct values: one bin each
        distinct = v[np.concatenate([[0], new])]
        return (distinct[:-1] + distinct[1:]) / 2.0
    cum = np.arange(1, v.size + 1, dtype=float) if uniform else np.cumsum(weights)
    targets = cum[-1] * np.arange(1, max_bin) / max_bin
    # the value at each weighted quantile is the upper edge of a bin (x <= edge falls in it)
    edges = np.unique(v[np.minimum(np.searchsorted(cum, targets, side="left"), v.size - 1)])
    return edges[edges < v[-1]]  # the largest value needs no edge above it


def quantile_bin_edges(X, max_bin=255, sample_weight=None):
    """Bin edges of every feature: at most ``max_bin`` bins of its non-missing values.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Features; NaN marks a missing value (ignored here).
    max_bin : int, default=255
        Most bins of non-missing values per feature (2 to 255).
    sample_weight : ndarray of shape (n_samples,) or None, default=None
        Weights of the quantiles (``None``: all equal).

    Returns
    -------
    list of ndarray
        Feature ``j``'s ascending edges, of shape ``(n_bins_j - 1,)`` with
        ``n_bins_j <= max_bin``.

    Notes
    -----
    Implements the binning {eq}`eq-xgb-bins` of the histogram boosting chapter.
    """
    X = np.asarray(X, dtype=float)
    if not 2 <= max_bin <= 255:
        raise ValueError(f"max_bin must be in [2, 255]; got {max_bin}.")
    w = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight, float)
    edges = []
    for col in np.ascontiguousarray(X.T):
        ok = ~np.isnan(col) & (w > 0)
        edges.append(_feature_edges(col[ok], w[ok], max_bin))
    return edges


def bin_data(X, edges, *, max_bin=255):
    """Bin index of every entry: :math:`b` with :math:`e_{b-1} < x \\le e_b`; NaN to ``max_bin``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    edges : list of ndarray
        From :func:`quantile_bin_edges`, one array per feature.
    max_bin : int, default=255
        Index of the missing-value bin (greater than every bin of values).

    Returns
    -------
    ndarray of shape (n_samples, n_features), uint8
        Monotone in each feature: a larger value never gets a smaller bin.

    Notes
    -----
    Implements the binning {eq}`eq-xgb-bins` of the histogram boosting chapter.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != len(edges):
        raise ValueError(f"X must have shape (n_samples, {len(edges)}); got {X.shape}.")
    binned = np.empty(X.shape[::-1], dtype=np.uint8)
    for j, (col, e) in enumerate(zip(np.ascontiguousarray(X.T), edges)):
        if e.size >= max_bin:
            raise ValueError(f"feature {j} has {e.size + 1} bins; max_bin is {max_bin}.")
        b = np.searchsorted(e, col, side="left")
        b[np.isnan(col)] = max_bin
        binned[j] = b
    return np.ascontiguousarray(binned.T)
