r"""The tree structure (flat arrays, as scikit-learn's ``tree_``), its growth and prediction.

A binary tree of ``node_count`` nodes is stored as parallel arrays indexed by node: node 0 is the
root, nodes are numbered in depth-first preorder (a node, then its left subtree, then its right
subtree), a leaf has ``children_left == children_right == -1`` (and ``feature == -2``,
``threshold == -2.0``), and a sample goes left at an internal node when
``x[feature] <= threshold``. These are scikit-learn's conventions, so the arrays can be compared
with a fitted ``sklearn.tree.DecisionTreeClassifier().tree_`` one for one.

Growth is level by level (:func:`grow_tree`): all nodes of one depth are split together by
:func:`mlmath.supervised.decision_trees.splitter.best_splits`, then their samples are
partitioned stably, so every step is an :math:`O(nd)` array operation and the Python loop runs
over depths, not nodes.
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

__all__ = ["TREE_LEAF", "TREE_UNDEFINED", "Tree", "grow_tree"]

TREE_LEAF = -1
TREE_UNDEFINED = -2
EPSILON = np.finfo(np.float64).eps


class WalkTables(NamedTuple):
    """The node arrays that :meth:`Tree.apply` reads, indexed by ``2 * node (+ 1)``."""

    child: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    is_leaf: np.ndarray


class Tree:
    """A fitted binary tree as flat NumPy arrays.

    The structure (children, features, thresholds) must not change after construction: the
    counts below and the tables of :meth:`apply` are derived from it once; ``value`` may.

    Parameters
    ----------
    children_left, children_right : ndarray of shape (node_count,), int
        Child node ids, ``-1`` at leaves.
    feature : ndarray of shape (node_count,), int
        Split feature, ``-2`` at leaves.
    threshold : ndarray of shape (node_count,)
        Split threshold, ``-2.0`` at leaves.
    value : ndarray of shape (node_count, 1, n_values)
        Class proportions (classification) or mean target (regression, ``n_values = 1``).
        Writable: a later chapter (gradient boosting) overwrites leaf values, see
        :meth:`set_leaf_values`.
    impurity : ndarray of shape (node_count,)
    n_node_samples : ndarray of shape (node_count,), int
    weighted_n_node_samples : ndarray of shape (node_count,)
    n_features : int
    """

    def __init__(self, children_left, children_right, feature, threshold, value, impurity,
                 n_node_samples, weighted_n_node_samples, n_features):
        self.children_left = children_left
        self.children_right = children_right
        self.feature = feature
        self.threshold = threshold
        self.value = value
        self.impurity = impurity
        self.n_node_samples = n_node_samples
        self.weighted_n_node_samples = weighted_n_node_samples
        self.n_features = n_features
        self.node_count = children_left.size
        self.n_leaves = int(np.count_nonzero(children_left == TREE_LEAF))
        self.max_depth = int(self.node_depth().max())
        self._walks = {}  # the tables of apply, per threshold type (walk_tables)

    def node_depth(self):
        """Depth of every node (root 0), shape ``(node_count,)``."""
        depth = np.zeros(self.node_count, dtype=np.intp)
        frontier = np.array([0])
        level = 0
        while frontier.size:
            depth[frontier] = level
            internal = frontier[self.children_left[frontier] != TREE_LEAF]
            frontier = np.concatenate([self.children_left[internal],
                                       self.children_right[internal]])
            level += 1
        return depth

    def apply(self, X):
        """Leaf id of every sample, one vectorised step per depth level.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,), int

        Notes
        -----
        Implements the prediction rule {eq}`eq-tree-predictor` of the decision trees chapter in
        :math:`O(n\\,\\text{depth})` time. A sample's state is twice its node, so that
        ``state + go_left`` indexes the child table of :meth:`walk_tables`, in which a leaf is its
        own child: a sample that has reached its leaf stays there, and the finished samples are
        dropped only every four levels, once at least half of those still walking have
        finished.
        """
        X = np.ascontiguousarray(X)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            # the flat index below would silently read the next row's features
            raise ValueError(f"X must have shape (n_samples, {self.n_features}); got {X.shape}.")
        walk = self.walk_tables(X.dtype)
        n = X.shape[0]
        flat = X.ravel()  # x_ij is flat[i * n_features + j]
        rows = np.arange(n)  # the samples still walking,
        start = rows * X.shape[1]  # where their features start in flat,
        state = np.zeros(n, dtype=np.intp)  # and twice their current node
        leaf = np.empty(n, dtype=np.intp)
        for level in range(1, self.max_depth + 1):
            go_left = flat[start + walk.feature[state]] <= walk.threshold[state]
            state = walk.child[state + go_left]
            if level % 4 == 0 or level == self.max_depth:  # drop the finished samples,
                done = walk.is_leaf[state]
                if 2 * np.count_nonzero(done) >= state.size:  # if they are half or more
                    leaf[rows[done]] = state[done] // 2
                    keep = ~done
                    rows, start, state = rows[keep], start[keep], state[keep]
                    if not rows.size:
                        break
        leaf[rows] = state // 2
        return leaf

    def walk_tables(self, dtype):
        """The node arrays that :meth:`apply` reads, indexed by ``2 * node + go_left``.

        Built on the first call for each threshold type and kept: the structure of a tree does
        not change after construction (only ``value`` may).

        Parameters
        ----------
        dtype : numpy dtype
            Type of the features; float32 features are compared with float32 thresholds.

        Returns
        -------
        WalkTables
            ``child`` (``2 *`` the left child at ``2t + 1``, the right one at ``2t``; a leaf
            :math:`t` has ``2t`` at both), and ``feature``, ``threshold``, ``is_leaf`` of node
            :math:`t` at ``2t`` and ``2t + 1`` (feature 0 at leaves).
        """
        dtype = np.float32 if dtype == np.float32 else np.float64
        walk = self._walks.get(dtype)
        if walk is None:
            leaf = self.children_left == TREE_LEAF
            own = np.arange(self.node_count)
            child = np.empty(2 * self.node_count, dtype=np.intp)
            child[0::2] = 2 * np.where(leaf, own, self.children_right)  # x > threshold
            child[1::2] = 2 * np.where(leaf, own, self.children_left)  # x <= threshold
            # rounded down to a float32 where it is not one: for a float32 x, x <= the largest
            # float32 <= threshold exactly when x <= threshold, so no feature is widened
            # (a threshold beyond float32's range, only possible in a hand-built tree, becomes
            # +-inf or the largest float32, which decide the same way)
            with np.errstate(over="ignore"):
                threshold = self.threshold.astype(dtype)
                above = threshold > self.threshold
                threshold[above] = np.nextafter(threshold[above], -np.inf)
            walk = WalkTables(child, np.repeat(np.where(leaf, 0, self.feature), 2),
                              np.repeat(threshold, 2), np.repeat(leaf, 2))
            self._walks[dtype] = walk
        return walk

    def predict(self, X):
        """Stored value of each sample's leaf.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, 1, n_values)
        """
        return self.value[self.apply(X)]

    def decision_path(self, X):
        """Node indicator matrix: entry ``(i, t)`` is 1 when sample ``i`` passes node ``t``.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_samples, node_count)
        """
        from scipy.sparse import csr_matrix

        n = X.shape[0]
        rows, cols = [np.arange(n)], [np.zeros(n, dtype=np.intp)]
        node = np.zeros(n, dtype=np.intp)
        active = np.arange(n)
        while active.size:
            at = node[active]
            internal = self.children_left[at] != TREE_LEAF
            active, at = active[internal], at[internal]
            go_left = X[active, self.feature[at]] <= self.threshold[at]
            node[active] = np.where(go_left, self.children_left[at], self.children_right[at])
            rows.append(active)
            cols.append(node[active])
        rows, cols = np.concatenate(rows), np.concatenate(cols)
        return csr_matrix((np.ones(rows.size, dtype=np.intp), (rows, cols)),
                          shape=(n, self.node_count))

    def set_leaf_values(self, leaf_values):
        """Overwrite the value of every leaf (used by gradient boosting to refit leaves).

        Parameters
        ----------
        leaf_values : ndarray of shape (node_count,) or (node_count, n_values)
            New values; entries at internal nodes are ignored.
        """
        leaf = self.children_left == TREE_LEAF
        vals = np.asarray(leaf_values, dtype=float).reshape(self.node_count, -1)
        self.value[leaf, 0, :] = vals[leaf]

    def compute_feature_importances(self, normalize=True):
        """Mean decrease in impurity (MDI) of every feature.

        Parameters
        ----------
        normalize : bool, default=True
            Divide by the sum, so that the importances add up to one (unless all are zero).

        Returns
        -------
        ndarray of shape (n_features,)

        Notes
        -----
        Implements {eq}`eq-tree-mdi` of the decision trees chapter.
        """
        internal = np.flatnonzero(self.children_left != TREE_LEAF)
        wi = self.weighted_n_node_samples * self.impurity
        decrease = (wi[internal] - wi[self.children_left[internal]]
                    - wi[self.children_right[internal]])
        imp = np.bincount(self.feature[internal], weights=decrease,
                          minlength=self.n_features)
        imp = imp / self.weighted_n_node_samples[0]
        total = imp.sum()
        if normalize and total > 0.0:
            imp = imp / total
        return imp

    def subtree(self, keep_leaf):
        """The tree in which the nodes flagged by ``keep_leaf`` become leaves.

        Parameters
        ----------
        keep_leaf : ndarray of shape (node_count,), bool
            New leaves; their descendants are removed.

        Returns
        -------
        Tree
            Same preorder numbering among the kept nodes.
        """
        left, right = self.children_left.copy(), self.children_right.copy()
        left[keep_leaf] = TREE_LEAF
        right[keep_leaf] = TREE_LEAF
        kept = np.zeros(self.node_count, dtype=bool)
        frontier = np.array([0])
        while frontier.size:
            kept[frontier] = True
            internal = frontier[left[frontier] != TREE_LEAF]
            frontier = np.concatenate([left[internal], right[internal]])
        new_id = np.cumsum(kept) - 1
        idx = np.flatnonzero(kept)
        left, right = left[idx], right[idx]
        is_leaf = left == TREE_LEAF
        left = np.where(is_leaf, TREE_LEAF, new_id[left])
        right = np.where(is_leaf, TREE_LEAF, new_id[right])
        feature = np.where(is_leaf, TREE_UNDEFINED, self.feature[idx])
        threshold = np.where(is_leaf, float(TREE_UNDEFINED), self.threshold[idx])
        return Tree(left, right, feature, threshold, self.value[idx].copy(),
                    self.impurity[idx], self.n_node_samples[idx],
                    self.weighted_n_node_samples[idx], self.n_features)


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
        for rows in row_blocks(d, m_old, 4 * BLOCK_SIZE):  # in place: no second (d, m) array
            self.order[rows, :m] = self.order[rows][:, columns]
        lengths = self.lengths[mask]
        return Frontier(self.order[:, :m], _starts(lengths), lengths,
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
    rank = np.argsort(np.argsort(rng.random_sample((front.starts.size, d)), axis=1), axis=1).T
    mask = rank < max_features  # (d, n_seg)
    none_usable = ~np.any(mask & ~constant, axis=0)
    if np.any(none_usable):  # add the first non-constant feature in the random order
        r = np.where(constant, d, rank)
        first = np.argmin(r, axis=0)
        cols = np.flatnonzero(none_usable)
        mask[first[cols], cols] = True
    return mask


def grow_tree(X, terms, criterion, *, max_depth=None, min_samples_split=2,
              min_samples_leaf=1, min_weight_leaf=0.0, max_features=None,
              min_impurity_decrease=0.0, random_state=None):
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
    order = np.empty((d, n), dtype=np.min_scalar_type(max(n - 1, 0)))
    for j in range(d):
        order[j] = np.argsort(XT[j], kind="stable")
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
        mask = None
        if max_features is not None and max_features < d:
            mask = _draw_features(XT, front, max_features, random_state)
        best = best_splits(XT, front.order, front.starts, front.lengths, terms,
                           criterion, min_samples_leaf=min_samples_leaf,
                           min_weight_leaf=min_weight_leaf, feature_mask=mask)
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
        goes_left[s0] = XT[feature[seg], s0] <= threshold[seg]
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
    # a few bytes of temporaries per column: blocks 4 times larger than the scan's
    for rows in row_blocks(d, m, 4 * BLOCK_SIZE):
        o = order[rows]
        is_left = goes_left[o]  # (b, m); every row has sum(n_left) left samples
        lefts, rights = o[is_left], o[~is_left]
        o[:, to_left] = lefts.reshape(o.shape[0], -1)
        o[:, ~to_left] = rights.reshape(o.shape[0], -1)
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
