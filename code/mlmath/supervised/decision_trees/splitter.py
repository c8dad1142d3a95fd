r"""The vectorised split search of CART: every node of a level, every feature, every threshold.

The samples of the nodes being split are laid out in a ``(d, m)`` array ``order``: row ``j``
lists sample indices sorted by feature ``j`` *within* each node, and every node occupies the same
column range ``[start, start + length)`` in every row (a *segment*). A cut can only fall between
two distinct values, so the statistics are summed once per **block** of columns between two
allowed cuts (one ``bincount`` per row of terms, whatever the number of classes), and one
cumulative sum over the blocks then gives, for every feature and every allowed cut at once, the
statistics of the left child (the decision trees chapter, {eq}`eq-tree-cumsum-stats`); the right
child's follow by subtraction, and the criterion's proxy scores all candidates in one array
expression. The per-sample statistics come as :class:`~.impurity.SampleTerms` (a class and a
weight per sample for classification), so no array of ``m`` rows by ``K`` classes is formed.
"""

from typing import NamedTuple

import numpy as np

from mlmath.supervised.decision_trees.impurity import segment_sums

__all__ = ["FEATURE_THRESHOLD", "BestSplits", "segment_ids", "row_blocks", "best_splits",
           "split_threshold"]

# Two values closer than this are treated as equal (no threshold between them), as in
# scikit-learn's splitter, where it is a float32 constant added to float32 features: the sum is
# rounded to float32, so values one float32 step apart in [1, 2) (1.2e-7) count as equal too.
FEATURE_THRESHOLD = np.float32(1e-7)
# Largest number of columns (features x samples) scanned at once: the temporaries of the scan
# take about a hundred bytes per column, so a block takes about 3 MB, and at most four times
# the number of samples (scikit-learn's own memory is O(n)); the features are scanned a few rows
# at a time (always at least one whole row).
BLOCK_SIZE = 2**15


def row_blocks(d, m, max_columns):
    """Slices of the rows of a ``(d, m)`` layout, each of at most ``max_columns`` columns.

    Parameters
    ----------
    d, m : int
        Rows (features) and columns of the layout.
    max_columns : int
        Largest number of columns (rows times ``m``) in one block; a block holds at least one
        whole row.

    Returns
    -------
    list of slice
    """
    rows = max(1, max_columns // max(m, 1))
    return [slice(r0, min(r0 + rows, d)) for r0 in range(0, d, rows)]


class BestSplits(NamedTuple):
    """The best split of every segment, as found by :func:`best_splits`.

    Parameters
    ----------
    feature : ndarray of shape (n_segments,), int
        Feature of the split.
    pos : ndarray of shape (n_segments,), int
        Column of the last sample that goes left (in the chosen feature's row).
    proxy : ndarray of shape (n_segments,)
        Best value of the criterion's proxy; ``-inf`` when no cut is allowed.
    left, right : ndarray of shape (n_segments, S)
        Sufficient statistics of the two children.
    threshold : ndarray of shape (n_segments,)
        A sample goes left when its feature value is ``<= threshold``.
    """

    feature: np.ndarray
    pos: np.ndarray
    proxy: np.ndarray
    left: np.ndarray
    right: np.ndarray
    threshold: np.ndarray


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


def _cumulative_stats(o, bound, cols, vals, n_stats, at=None):
    """Proxy statistics cumulated along each row of ``o``, at every block end.

    Parameters
    ----------
    o : ndarray of shape (b, m), int
        Rows of the sample layout.
    bound : ndarray of shape (b * m,), bool
        Block ends (allowed cuts and segment ends), row after row.
    cols, vals, n_stats
        The proxy terms of :meth:`Criterion.proxy_terms`; two statistics without ``cols`` may
        come as one complex plane ``vals[0] + 1j * vals[1]`` of shape ``(n_samples,)``.
    at : ndarray of shape (n_block_ends,), int, default=None
        ``np.flatnonzero(bound)``, if the caller has it.

    Returns
    -------
    cum : ndarray of shape (n_stats, n_block_ends)
        Cumulative statistics at the block ends.
    per_row : bool
        Whether the cumulation restarts at each row (otherwise it runs on across the rows).

    Notes
    -----
    One term per statistic (regression, two statistics): one cumulative sum per statistic along
    the rows, read at the block ends. Classification (one term per sample, its weight on its
    class): the statistics of each block come from one ``bincount`` over the samples, whatever
    ``K``, and are cumulated over the blocks only, so the ``K``-fold work is per block, not per
    sample.
    """
    if cols is None:
        at = np.flatnonzero(bound) if at is None else at
        if vals.ndim == 1:  # (W, S1) as one complex number: one gather and one cumsum, not two
            z = np.cumsum(vals[o], axis=1).ravel().take(at)  # the same sums, part by part
            return np.stack([z.real, z.imag]), True
        planes = vals[:, o]  # (S', b, m)
        # take by indices: several times faster in NumPy than the boolean mask [:, bound]
        return np.cumsum(planes, axis=2).reshape(n_stats, -1).take(at, axis=1), True
    block = np.cumsum(bound) - bound  # block of every column
    n_blocks = int(block[-1]) + 1
    o = o.ravel()
    sums = np.bincount(cols[o] * n_blocks + block, weights=vals[0, o],
                       minlength=n_stats * n_blocks)
    return np.cumsum(sums.reshape(n_stats, n_blocks), axis=1), False


def best_splits(XT, order, starts, lengths, terms, criterion, *,
                min_samples_leaf=1, min_weight_leaf=0.0, feature_mask=None,
                row_features=None):
    r"""Best split of every segment over all features and thresholds.

    Parameters
    ----------
    XT : ndarray of shape (d, n_samples)
        The features, one row per feature (float32, as the estimators pass them, or float64).
    order : ndarray of shape (r, m), int
        Sample indices, sorted within each segment by the feature of the row: feature ``j`` in
        row ``j`` (``r = d``), or ``row_features[j, s]`` in row ``j`` of segment ``s``.
    starts, lengths : ndarray of shape (n_segments,)
        Column range of each segment (contiguous, in order, covering ``[0, m)``).
    terms : SampleTerms
        Per-sample sufficient statistics of ``criterion``
        (:meth:`Criterion.sample_terms`); only the proxy statistics
        (:meth:`Criterion.proxy_terms`) enter the scan over all cuts.
    criterion : Criterion
        The split criterion.
    min_samples_leaf : int, default=1
        A cut is allowed only if both children keep at least this many samples.
    min_weight_leaf : float, default=0.0
        ... and at least this total sample weight.
    feature_mask : ndarray of shape (r, n_segments) of bool, default=None
        Rows each segment may split on; ``None`` allows all.
    row_features : ndarray of shape (r, n_segments), int, default=None
        Feature of each row of ``order`` in each segment, increasing down a segment's rows
        (the features a node drew, so that a level costs :math:`O(rm)`, not :math:`O(dm)`);
        ``None``: row ``j`` is feature ``j``.

    Returns
    -------
    BestSplits
        Feature, position, proxy, children's statistics and threshold of each segment's best
        split (the first feature, then the first cut, reaching the maximum proxy).

    Notes
    -----
    Implements {eq}`eq-tree-cumsum-stats` and {prf:ref}`alg-tree-split-search` of the decision
    trees chapter: :math:`O(dm)` time for the block sums, plus :math:`O(S)` per block, plus
    :math:`O(m + S)` per segment for the chosen children's statistics, in temporaries of at
    most ``max(BLOCK_SIZE, m)`` columns.
    """
    d, m = order.shape  # d rows: features, or a segment's drawn features (row_features)
    n_seg = starts.size
    seg = segment_ids(lengths)  # (m,)
    ends = starts + lengths
    q = np.arange(m)
    # the cuts that min_samples_leaf allows (the same in every row; never after a segment's
    # last column), and the columns that close a segment
    size_ok = (q - starts[seg] + 1 >= min_samples_leaf) & (ends[seg] - 1 - q >= min_samples_leaf)
    last = np.zeros(m, dtype=bool)
    last[ends - 1] = True
    cols, vals, n_stats = criterion.proxy_terms(terms)
    if row_features is not None:
        XT_flat = np.ascontiguousarray(XT).ravel()  # a view when XT is C-contiguous (as grown)
    if cols is None and n_stats == 2:  # regression: (W, S1) as complex pairs (_cumulative_stats)
        vals = vals[0] + 1j * vals[1]
    seg_max = np.empty((d, n_seg))  # best proxy of every (feature, segment)
    seg_pos = np.empty((d, n_seg), dtype=np.intp)  # and its first column
    for rows in row_blocks(d, m, min(BLOCK_SIZE, 4 * XT.shape[1])):
        o = order[rows]  # (b, m)
        b = o.shape[0]
        if row_features is None:
            x = np.take_along_axis(XT[rows], o, axis=1)
        else:  # x[k, q] = XT[row_features[k, seg[q]], o[k, q]], by flat index (take: faster)
            x = XT_flat.take((row_features[rows] * XT.shape[1]).take(seg, axis=1) + o)
        # allowed cuts: between two distinct values, with enough samples on both sides; the
        # comparison is made in the features' precision (float32 from the estimators, as in
        # scikit-learn)
        cut = np.zeros((b, m), dtype=bool)
        cut[:, :-1] = x[:, 1:] > x[:, :-1] + FEATURE_THRESHOLD
        del x
        cut &= size_ok
        if feature_mask is not None:
            cut &= feature_mask[rows].take(seg, axis=1)
        # blocks of columns ending at an allowed cut or at a segment's end, and the cumulative
        # statistics at the end of every block
        bound = (cut | last).ravel()
        del cut
        at = np.flatnonzero(bound)
        cum, per_row = _cumulative_stats(o, bound, cols, vals, n_stats, at)  # (S', n_blocks)
        qb = at % m  # column of every block end
        closes = last[qb]  # block ends that close a (feature, segment) pair
        pair_end = np.flatnonzero(closes)  # (b * n_seg,)
        pair_start = np.concatenate([[0], pair_end[:-1] + 1])
        n_ends = pair_end - pair_start + 1  # block ends of every pair
        before = np.zeros((n_stats, pair_end.size))
        before[:, 1:] = cum[:, pair_end[:-1]]  # restart at each segment
        if per_row:
            before[:, ::n_seg] = 0.0  # the sums restart at each row by themselves
        right = np.repeat(cum[:, pair_end] - before, n_ends, axis=1)  # the segment's total
        left = cum
        left -= np.repeat(before, n_ends, axis=1)
        right -= left
        with np.errstate(invalid="ignore", divide="ignore"):
            score = criterion.proxy(left, right)
        if min_weight_leaf > 0.0:
            light = ((criterion.weight(left.T) < min_weight_leaf)
                     | (criterion.weight(right.T) < min_weight_leaf))
            score[light] = -np.inf
        del left, right, cum
        score[pair_end] = -np.inf  # a segment's end is not a cut
        # best of every pair, and the first column that reaches it
        best = np.maximum.reduceat(score, pair_start)
        on_best = score == np.repeat(best, n_ends)
        first = np.minimum.reduceat(np.where(on_best, qb, m), pair_start)
        seg_max[rows] = best.reshape(b, n_seg)
        seg_pos[rows] = first.reshape(b, n_seg)

    # best per segment: first feature (row), then first column, reaching the maximum
    row = np.argmax(seg_max, axis=0)
    best = seg_max[row, np.arange(n_seg)]
    pos = np.minimum(seg_pos[row, np.arange(n_seg)], ends - 1)
    feature = row if row_features is None else row_features[row, np.arange(n_seg)]
    lo = XT[feature, order[row, pos]].astype(np.float64)
    hi = XT[feature, order[row, np.minimum(pos + 1, m - 1)]].astype(np.float64)

    # all statistics of the chosen children (the regression scan lacks S_2): one bincount over
    # the chosen feature's row, each sample counted in its segment's left or right half,
    # O(m + n_seg S) with no (m, S) array
    side = 2 * seg + (q > pos[seg])
    children = segment_sums(terms, order[row[seg], q], side, 2 * n_seg)  # (2 n_seg, S)
    return BestSplits(
        feature=feature,
        pos=pos,
        proxy=best,
        left=children[0::2],
        right=children[1::2],
        threshold=split_threshold(lo, hi),
    )
