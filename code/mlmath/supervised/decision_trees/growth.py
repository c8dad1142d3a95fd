r"""Growth of a CART tree, level by level.

The result is a :class:`~mlmath.supervised.decision_trees.tree.Tree` of flat arrays. All
nodes of one depth are split together by
:func:`mlmath.supervised.decision_trees.splitter.best_splits`, then their samples are
partitioned stably (:func:`_partition`), so every step is an :math:`O(nd)` array operation and
the Python loop runs over depths, not nodes. The features are sorted once (:func:`presort`);
an ensemble that fits many trees on the same features sorts once and passes the orders on
(:func:`subset_presorted` keeps those of a subset of the rows, still sorted).
"""

from typing import NamedTuple

import numpy as np

from mlmath.supervised.decision_trees.impurity import segment_sums
from mlmath.supervised.decision_trees.splitter import (
    BLOCK_SIZE,
    FEATURE_THRESHOLD,
    best_splits,
    row_blocks,
    segment_ids,
)
from mlmath.supervised.decision_trees.tree import TREE_LEAF, TREE_UNDEFINED, Tree

__all__ = ["grow_tree", "presort", "subset_presorted"]

EPSILON = np.finfo(np.float64).eps


class Frontier(NamedTuple):
    """The nodes of one depth that may still be split, and the layout of their samples.

    Attributes
    ----------
    order : ndarray of shape (d, m), int
        Row ``j`` lists the nodes' samples sorted by feature ``j`` within each node.
    starts, lengths : ndarray of shape (n_nodes,)
        The column range (segment) of each node, the same in every row.
    ids : ndarray of shape (n_nodes,), int
        Node ids (breadth-first; renumbered in preorder at the end).
    stats : ndarray of shape (n_nodes, S) or None
        Sufficient statistics of each node (``None`` until computed).
    impurity : ndarray of shape (n_nodes,) or None
        Impurity of each node (``None`` until computed).
    """

    order: np.ndarray
    starts: np.ndarray
    lengths: np.ndarray
    ids: np.ndarray
    stats: np.ndarray = None
    impurity: np.ndarray = None

    def keep(self, mask):
        """The frontier without the nodes not flagged in ``mask`` (they become leaves).

        Parameters
        ----------
        mask : ndarray of shape (n_nodes,), bool

        Returns
        -------
        Frontier
        """
        if np.all(mask):
            return self
        columns = np.repeat(mask, self.lengths)
        m = int(np.count_nonzero(columns))
        d, m_old = self.order.shape
        kept = np.flatnonzero(columns)  # take by indices: several times faster than a mask
        # compacted in place into the first d*m entries of the same buffer, so that the
        # result is again a contiguous (d, m) array (no strided view, no second (d, m) array):
        # row j moves to [j m, (j + 1) m), which ends before row j + 1 starts, at (j + 1) m_old
        order = self.order  # C-contiguous as grown; a copy otherwise (then compacted in it)
        flat = (order if order.flags.c_contiguous else np.ascontiguousarray(order)).reshape(-1)
        for rows in row_blocks(d, m_old, 4 * BLOCK_SIZE):
            block = flat[rows.start * m_old:rows.stop * m_old].reshape(-1, m_old).take(kept, axis=1)
            flat[rows.start * m:rows.stop * m] = block.ravel()
        lengths = self.lengths[mask]
        return Frontier(flat[:d * m].reshape(d, m), _starts(lengths), lengths,
                        self.ids[mask], self.stats[mask], self.impurity[mask])


class NodeRecord(NamedTuple):
    """What a level of growth records about its nodes (kept for the flat tree arrays)."""

    ids: np.ndarray
    stats: np.ndarray
    impurity: np.ndarray
    n_samples: np.ndarray


class SplitRecord(NamedTuple):
    """What a level of growth records about its splits: parents, rule, and the children's ids."""

    parents: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    left_child: np.ndarray  # the right child is left_child + 1


def _starts(lengths):
    """First column of each segment."""
    return np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.intp)


def _draw_features(XT, front, max_features, rng):
    """Random features per segment: ``max_features`` of them, plus one non-constant if needed."""
    d = XT.shape[0]
    ends = front.starts + front.lengths
    first = np.take_along_axis(XT, front.order[:, front.starts], axis=1)
    last = np.take_along_axis(XT, front.order[:, ends - 1], axis=1)
    constant = last <= first + FEATURE_THRESHOLD  # (d, n_seg), in float32 as scikit-learn
    u = rng.random_sample((front.starts.size, d)).T  # (d, n_seg): the random order
    # the max_features smallest of each column: those at most its max_features-th smallest
    mask = u <= np.partition(u, max_features - 1, axis=0)[max_features - 1]
    none_usable = ~np.any(mask & ~constant, axis=0)
    if np.any(none_usable):  # add the first non-constant feature in the random order
        first = np.argmin(np.where(constant, np.inf, u), axis=0)
        cols = np.flatnonzero(none_usable)
        mask[first[cols], cols] = True
    return mask


def _drawn_layout(front, drawn):
    """The rows of ``front.order`` that each segment drew, gathered into an ``(r, m)`` layout.

    Parameters
    ----------
    front : Frontier
    drawn : ndarray of shape (d, n_segments), bool
        The features each segment drew (:func:`_draw_features`).

    Returns
    -------
    layout : ndarray of shape (r, m), int
        Row ``k`` of segment ``s`` is the row of ``front.order`` of the ``k``-th feature that
        ``s`` drew (in increasing feature order), so that the scan reads ``r * m`` columns,
        not ``d * m``; ``r`` is the largest number of features a segment drew.
    rows_ok : ndarray of shape (r, n_segments), bool
        False on the padding rows of a segment that drew fewer than ``r`` features.
    row_features : ndarray of shape (r, n_segments), int
        Feature of each row in each segment (a padding row repeats the segment's first).
    """
    seg_of, feat = np.nonzero(drawn.T)  # by segment, then increasing feature
    count = np.bincount(seg_of, minlength=front.ids.size)
    r = int(count.max())
    k = np.arange(seg_of.size) - np.repeat(_starts(count), count)  # rank within its segment
    row_features = np.repeat(feat[_starts(count)][None, :], r, axis=0)
    row_features[k, seg_of] = feat
    rows_ok = np.zeros(row_features.shape, dtype=bool)
    rows_ok[k, seg_of] = True
    seg = segment_ids(front.lengths)
    m = seg.size
    # layout[k, q] = order[row_features[k, seg[q]], q], by flat index (NumPy's take is several
    # times faster than the equivalent fancy index order[row_features[:, seg], arange(m)]),
    # a block of rows at a time, so that the int64 indices never take more than
    # max(4 BLOCK_SIZE, m) entries (a block holds at least one whole row)
    flat = front.order.reshape(-1)  # a view: Frontier keeps its order C-contiguous
    layout = np.empty((r, m), dtype=front.order.dtype)
    q = np.arange(m)
    for rows in row_blocks(r, m, 4 * BLOCK_SIZE):
        index = (row_features[rows] * m).take(seg, axis=1)
        index += q
        layout[rows] = flat.take(index)
    return layout, (None if np.all(rows_ok) else rows_ok), row_features


def presort(X, dtype=np.float32):
    """The sorted order of every feature, to reuse across fits on the same ``X``.

    Growing a tree begins by sorting each feature, :math:`O(dn\\log n)`; an ensemble that fits
    many trees on the same features (gradient boosting: new targets, same ``X``) can sort once
    and pass the result as ``presorted`` to :func:`grow_tree` or to the estimators' ``fit``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The features.
    dtype : {numpy.float32, numpy.float64}, default=numpy.float32
        The precision the features are sorted in, which must be that of the ``X`` the tree is
        grown on, so that ties are ordered exactly as the growth's own sort orders them:
        float32 for the estimators (they convert ``X`` to float32, as scikit-learn), float64 for
        :func:`grow_tree` on float64 features (two values that differ in float64 but round to
        the same float32 are ordered by index in float32 and by value in float64).

    Returns
    -------
    ndarray of shape (n_features, n_samples), unsigned int
        Row ``j`` lists the samples in increasing order of feature ``j`` (ties by index), in the
        smallest unsigned type that holds ``n_samples - 1``.
    """
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-d array; got shape {X.shape}.")
    if np.dtype(dtype) not in (np.float32, np.float64):
        raise ValueError(f"dtype must be numpy.float32 or numpy.float64; got {dtype!r}.")
    # each feature contiguous, as validate_data(dtype=np.float32, order="F") in the estimators
    return _sort_rows(np.asfortranarray(X, dtype=dtype).T)


def _sort_rows(XT):
    """Stable argsort of every row of ``XT`` (d, n), as the smallest unsigned type that fits."""
    d, n = XT.shape
    order = np.empty((d, n), dtype=np.min_scalar_type(max(n - 1, 0)))
    for j in range(d):  # one feature at a time: no (d, n) int64 temporary
        order[j] = np.argsort(XT[j], kind="stable")
    return order


def subset_presorted(presorted, keep):
    """The sorted orders of the samples flagged in ``keep``, renumbered, in :math:`O(dn)`.

    A subsequence of a sorted list is sorted: a tree fitted on a subset of the rows (the
    estimators drop the samples of zero weight) needs no new sort.

    Parameters
    ----------
    presorted : ndarray of shape (n_features, n_samples), int
        From :func:`presort`.
    keep : ndarray of shape (n_samples,), bool
        The samples kept.

    Returns
    -------
    ndarray of shape (n_features, n_kept), unsigned int
        Row ``j`` lists the kept samples, numbered ``0, ..., n_kept - 1`` in their original
        order, in increasing order of feature ``j``.
    """
    d = presorted.shape[0]
    n_kept = int(np.count_nonzero(keep))
    new_id = (np.cumsum(keep) - 1).astype(np.min_scalar_type(max(n_kept - 1, 0)))
    return new_id[presorted[keep[presorted]]].reshape(d, n_kept)


def _check_presorted(XT, order):
    """Raise ``ValueError`` unless every row of ``order`` is a permutation sorting ``XT``'s.

    One pass over the :math:`dn` entries, a few times cheaper than the sort it replaces.
    """
    order = np.asarray(order)
    d, n = XT.shape
    if order.shape != (d, n) or not np.issubdtype(order.dtype, np.integer):
        raise ValueError(f"presorted must be an integer array of shape {(d, n)}, from "
                         f"presort(X) on the same X; got {order.dtype} {order.shape}.")
    if n and (order.min() < 0 or order.max() >= n):
        raise ValueError("presorted holds indices outside [0, n_samples): it must come from "
                         "presort(X) on the same X.")
    seen = np.empty(n, dtype=bool)
    for j in range(d):
        x = XT[j, order[j]]
        seen[:] = False
        seen[order[j]] = True
        if not (np.all(x[1:] >= x[:-1]) and np.all(seen)):
            raise ValueError(f"presorted does not sort feature {j} of X: it must come from "
                             "presort(X) on the same X (and the same rows).")


def grow_tree(X, terms, criterion, *, max_depth=None, min_samples_split=2,
              min_samples_leaf=1, min_weight_leaf=0.0, max_features=None,
              min_impurity_decrease=0.0, random_state=None, presorted=None):
    r"""Grow a CART tree level by level.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Features (the estimators pass float32 values, as scikit-learn, in Fortran order so that
        each feature is contiguous).
    terms : SampleTerms
        Per-sample sufficient statistics of ``criterion`` (weights folded in), from
        :meth:`Criterion.sample_terms`.
    criterion : Criterion
        The split criterion.
    max_depth : int or None
        Deepest level allowed; ``None`` for no limit.
    min_samples_split, min_samples_leaf : int
        Fewest samples to split a node, and to keep in each child.
    min_weight_leaf : float
        Least total sample weight to keep in each child.
    max_features : int or None
        Features drawn at random per node; ``None`` uses all.
    min_impurity_decrease : float
        A node splits only if :math:`\frac{W_t}{W}(i_t - \frac{W_L}{W_t}i_L - \frac{W_R}{W_t}i_R)`
        is at least this.
    random_state : numpy.random.RandomState or None
        Source of the feature draws (used only with ``max_features``).
    presorted : ndarray of shape (n_features, n_samples), int, or None
        The sorted orders of ``X`` (:func:`presort`, with ``dtype`` that of ``X``: the default
        float32 for float32 ``X``, ``dtype=np.float64`` for float64 ``X``), to skip the sort
        when many trees are grown on the same features; checked to sort ``X`` (one pass), so a
        float32 order of float64 features is refused where it orders float32 ties otherwise
        than their float64 values. ``None``: sort here.

    Returns
    -------
    Tree

    Notes
    -----
    Implements {prf:ref}`alg-tree-grow` of the decision trees chapter: presort once,
    :math:`O(dn\log n)`, then :math:`O(dn)` per level, including the stable partition
    {eq}`eq-tree-partition`.
    """
    n, d = X.shape
    XT = X.T if X.flags.f_contiguous else np.ascontiguousarray(X.T)  # (d, n)
    # presorted once, one feature at a time; the sample indices are stored in the smallest
    # unsigned integer type that holds them (2 bytes up to 65,536 samples, not 8)
    if presorted is None:
        order = _sort_rows(XT)
    else:
        _check_presorted(XT, presorted)
        # partitioned in place below: a copy, so that the caller's stays valid
        order = np.array(presorted, dtype=np.min_scalar_type(max(n - 1, 0)), order="C")
    max_depth = np.iinfo(np.intp).max if max_depth is None else max_depth
    front = Frontier(order, starts=np.array([0]), lengths=np.array([n]), ids=np.array([0]))
    del order
    next_id, depth = 1, 0
    total_weight = criterion.weight(segment_sums(terms, np.arange(n), np.zeros(n, np.intp), 1))[0]
    nodes, splits = [], []  # one NodeRecord and one SplitRecord per level

    while front.ids.size:
        samples, seg = front.order[0], segment_ids(front.lengths)
        stats = segment_sums(terms, samples, seg, front.ids.size)  # (n_nodes, S): bincounts
        front = front._replace(
            stats=stats, impurity=criterion.node_impurity(terms, samples, seg, stats))
        nodes.append(NodeRecord(front.ids, front.stats, front.impurity, front.lengths))
        can = ((depth < max_depth) & (front.lengths >= min_samples_split)
               & (front.lengths >= 2 * min_samples_leaf) & (front.impurity > EPSILON)
               & (criterion.weight(front.stats) >= 2 * min_weight_leaf))
        if not np.any(can):
            break
        front = front.keep(can)
        layout, rows_ok, row_features = front.order, None, None
        if max_features is not None and max_features < d:
            layout, rows_ok, row_features = _drawn_layout(
                front, _draw_features(XT, front, max_features, random_state))
        best = best_splits(XT, layout, front.starts, front.lengths, terms,
                           criterion, min_samples_leaf=min_samples_leaf,
                           min_weight_leaf=min_weight_leaf, feature_mask=rows_ok,
                           row_features=row_features)
        del layout
        children = criterion.weighted_impurity(best.left) + criterion.weighted_impurity(best.right)
        improvement = (criterion.weight(front.stats) * front.impurity - children) / total_weight
        split = np.isfinite(best.proxy) & (improvement + EPSILON >= min_impurity_decrease)
        if not np.any(split):
            break
        k = int(np.count_nonzero(split))
        feature, threshold = best.feature[split], best.threshold[split]
        splits.append(SplitRecord(front.ids[split], feature, threshold,
                                  left_child=next_id + 2 * np.arange(k)))
        next_id += 2 * k

        # stable partition of every row of `order` into left and right children
        front = front.keep(split)
        seg = segment_ids(front.lengths)
        s0 = front.order[0]
        goes_left = np.zeros(n, dtype=bool)
        x = np.ascontiguousarray(XT).ravel().take(feature.take(seg) * n + s0)  # XT[f[seg], s0]
        goes_left[s0] = x <= threshold.take(seg)
        front = Frontier(*_partition(front.order, front.starts, front.lengths, goes_left),
                         ids=np.arange(next_id - 2 * k, next_id))
        depth += 1

    return _assemble(nodes, splits, next_id, criterion, d)


def _partition(order, starts, lengths, goes_left):
    r"""Split every segment of every row into its left part then its right part, stably.

    Implements {eq}`eq-tree-partition`. A segment :math:`[a, b)` sends the same :math:`n_L`
    samples left in every row, so its left child occupies the columns :math:`[a, a + n_L)` and
    its right child :math:`[a + n_L, b)` in every row: taking each row's left samples in order
    (and its right ones) and writing them to these fixed columns partitions all rows at once.
    ``order`` is overwritten, a block of rows at a time.
    """
    d, m = order.shape
    n_left = np.add.reduceat(goes_left[order[0]].astype(np.intp), starts)  # (n_seg,)
    new_lengths = np.column_stack([n_left, lengths - n_left]).ravel()
    to_left = segment_ids(new_lengths) % 2 == 0  # columns of left children, the same in each row
    to_right = ~to_left
    # a few bytes of temporaries per column: blocks 4 times larger than the scan's
    for rows in row_blocks(d, m, 4 * BLOCK_SIZE):
        o = order[rows]
        is_left = goes_left[o].ravel()  # (b m,); every row has sum(n_left) left samples
        # np.compress, not o[is_left]: the same selection, several times faster in NumPy
        lefts, rights = np.compress(is_left, o), np.compress(~is_left, o)
        o[:, to_left] = lefts.reshape(o.shape[0], -1)
        o[:, to_right] = rights.reshape(o.shape[0], -1)
    return order, _starts(new_lengths), new_lengths


def _assemble(nodes, splits, node_count, criterion, d):
    """Flat arrays in breadth-first ids, then renumbered in depth-first preorder."""
    left = np.full(node_count, TREE_LEAF, dtype=np.intp)
    right = np.full(node_count, TREE_LEAF, dtype=np.intp)
    feature = np.full(node_count, TREE_UNDEFINED, dtype=np.intp)
    threshold = np.full(node_count, float(TREE_UNDEFINED))
    for sp in splits:
        left[sp.parents], right[sp.parents] = sp.left_child, sp.left_child + 1
        feature[sp.parents], threshold[sp.parents] = sp.feature, sp.threshold
    ids = np.concatenate([rec.ids for rec in nodes])
    stats = np.concatenate([rec.stats for rec in nodes])
    impurity = np.empty(node_count)
    value = np.empty((node_count, 1, criterion.value(stats[:1]).shape[-1]))
    n_samples = np.empty(node_count, dtype=np.intp)
    impurity[ids] = np.concatenate([rec.impurity for rec in nodes])
    value[ids, 0] = criterion.value(stats)
    n_samples[ids] = np.concatenate([rec.n_samples for rec in nodes])
    weighted = np.empty(node_count)
    weighted[ids] = criterion.weight(stats)

    # preorder ids: subtree sizes bottom-up, then positions top-down, one level at a time
    levels = [rec.ids for rec in nodes]
    size = np.ones(node_count, dtype=np.intp)
    for lev in reversed(levels):
        inner = lev[left[lev] != TREE_LEAF]
        size[inner] += size[left[inner]] + size[right[inner]]
    pre = np.zeros(node_count, dtype=np.intp)
    for lev in levels:
        inner = lev[left[lev] != TREE_LEAF]
        pre[left[inner]] = pre[inner] + 1
        pre[right[inner]] = pre[inner] + 1 + size[left[inner]]
    perm = np.empty(node_count, dtype=np.intp)
    perm[pre] = np.arange(node_count)  # perm[new id] = old id
    is_leaf = left[perm] == TREE_LEAF
    return Tree(
        np.where(is_leaf, TREE_LEAF, pre[left[perm]]),
        np.where(is_leaf, TREE_LEAF, pre[right[perm]]),
        feature[perm], threshold[perm], value[perm], impurity[perm], n_samples[perm],
        weighted[perm], d,
    )
