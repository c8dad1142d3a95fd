r"""The vectorised split search of CART: every node of a level, every feature, every threshold.

The samples of the nodes being split are laid out in a ``(d, m)`` array ``order``: row ``j``
lists sample indices sorted by feature ``j`` *within* each node, and every node occupies the same
column range ``[start, start + length)`` in every row (a *segment*). One cumulative sum along the
rows then gives, for every feature and every cut position at once, the statistics of the left
child (the decision trees chapter, {eq}`eq-tree-cumsum-stats`); the right child's follow by
subtraction, and the criterion's proxy scores all candidates in one array expression.
"""

import numpy as np

__all__ = ["FEATURE_THRESHOLD", "segment_ids", "best_splits", "split_threshold"]

# Two values closer than this are treated as equal (no threshold between them), as in
# scikit-learn's splitter.
FEATURE_THRESHOLD = 1e-7
# Largest number of floats in one temporary array of the scan (16 MB); more features are
# scanned in blocks.
BLOCK_SIZE = 2**21


def segment_ids(lengths):
    """Segment index of every column: ``[0]*lengths[0] + [1]*lengths[1] + ...``.

    Parameters
    ----------
    lengths : ndarray of shape (n_segments,)

    Returns
    -------
    ndarray of shape (sum(lengths),)
    """
    return np.repeat(np.arange(lengths.size), lengths)


def split_threshold(lo, hi):
    """Midpoint threshold between consecutive distinct values ``lo < hi``, as scikit-learn.

    ``lo/2 + hi/2`` never overflows; if rounding makes it equal to ``hi`` (or infinite) the
    threshold is ``lo``, so that ``x <= threshold`` holds for ``lo`` and fails for ``hi``.

    Parameters
    ----------
    lo, hi : ndarray of the same shape

    Returns
    -------
    ndarray
    """
    t = lo / 2.0 + hi / 2.0
    return np.where((t == hi) | np.isinf(t), lo, t)


def best_splits(values, order, starts, lengths, sample_stats, criterion, *,
                min_samples_leaf=1, feature_mask=None):
    r"""Best split of every segment over all features and thresholds.

    Parameters
    ----------
    values : ndarray of shape (d, m)
        ``values[j, q]`` is feature ``j`` of sample ``order[j, q]``: sorted within each segment.
    order : ndarray of shape (d, m), int
        Sample indices, sorted by each feature within each segment.
    starts, lengths : ndarray of shape (n_segments,)
        Column range of each segment (contiguous, in order, covering ``[0, m)``).
    sample_stats : ndarray of shape (n_samples, S)
        Per-sample sufficient statistics of ``criterion``; only the columns
        ``criterion.proxy_columns`` enter the scan over all cuts.
    criterion : Criterion
    min_samples_leaf : int, default=1
        A cut is allowed only if both children keep at least this many samples.
    feature_mask : ndarray of shape (d, n_segments) of bool, default=None
        Features each segment may split on; ``None`` allows all.

    Returns
    -------
    dict
        ``feature`` (n_segments,), ``pos`` (n_segments,) the column of the last sample that
        goes left, ``proxy`` (n_segments,) the best proxy (``-inf`` when no cut is allowed),
        ``left`` and ``right`` (n_segments, S) the children's statistics, ``threshold``
        (n_segments,).

    Notes
    -----
    Implements {eq}`eq-tree-cumsum-stats` and {prf:ref}`alg-tree-split-search` of the decision
    trees chapter: :math:`O(dmS)` time and memory for the whole level.
    """
    d, m = order.shape
    n_seg = starts.size
    seg = segment_ids(lengths)  # (m,)
    ends = starts + lengths
    nz = starts > 0
    # left statistics of every cut, one (d, m) plane per statistic: cumulative sums along the
    # sorted rows, restarted at each segment by subtracting the sum before the segment; the
    # right statistics are the segment's total minus the left ones
    stats = np.ascontiguousarray(sample_stats[:, criterion.proxy_columns].T)  # (S', n)
    score = np.empty((d, m))
    # features in blocks, so that the (S', rows, m) temporaries stay below BLOCK_SIZE numbers
    rows_per_block = max(1, BLOCK_SIZE // (stats.shape[0] * m))
    for r0 in range(0, d, rows_per_block):
        rows = slice(r0, r0 + rows_per_block)
        left = np.cumsum(stats[:, order[rows]], axis=2)  # (S', rows, m)
        before = np.zeros(left.shape[:2] + (n_seg,))
        before[:, :, nz] = left[:, :, starts[nz] - 1]
        left -= before[:, :, seg]  # stats of columns [start, q]
        right = left[:, :, ends - 1][:, :, seg] - left
        with np.errstate(invalid="ignore", divide="ignore"):
            score[rows] = criterion.proxy(left, right)

    # which cuts are allowed
    q = np.arange(m)
    n_left = q - starts[seg] + 1
    n_right = ends[seg] - 1 - q
    ok = np.zeros((d, m), dtype=bool)
    ok[:, :-1] = values[:, 1:] > values[:, :-1] + FEATURE_THRESHOLD
    ok &= (n_left >= min_samples_leaf) & (n_right >= min_samples_leaf)  # n_right >= 1 too
    if feature_mask is not None:
        ok &= feature_mask[:, seg]
    score[~ok] = -np.inf

    # best per segment: first feature, then first column, reaching the maximum
    seg_max = np.maximum.reduceat(score, starts, axis=1)  # (d, n_seg)
    feature = np.argmax(seg_max, axis=0)
    best = seg_max[feature, np.arange(n_seg)]
    on_best = score[feature[seg], q] == best[seg]
    pos = np.minimum.reduceat(np.where(on_best, q, m), starts)
    pos = np.minimum(pos, ends - 1)  # segments without any allowed cut
    lo, hi = values[feature, pos], values[feature, np.minimum(pos + 1, m - 1)]

    # all statistics of the chosen children, from the chosen feature's row only: O(m S)
    full = np.cumsum(sample_stats[order[feature[seg], q]], axis=0)  # (m, S)
    full_before = np.zeros((n_seg, full.shape[1]))
    full_before[nz] = full[starts[nz] - 1]
    left_best = full[pos] - full_before
    return {
        "feature": feature,
        "pos": pos,
        "proxy": best,
        "left": left_best,
        "right": full[ends - 1] - full_before - left_best,
        "threshold": split_threshold(lo, hi),
    }
