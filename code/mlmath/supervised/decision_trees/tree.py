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

import numpy as np

from mlmath.supervised.decision_trees.splitter import best_splits, segment_ids

__all__ = ["TREE_LEAF", "TREE_UNDEFINED", "Tree", "grow_tree"]

TREE_LEAF = -1
TREE_UNDEFINED = -2
EPSILON = np.finfo(np.float64).eps


class Tree:
    """A fitted binary tree as flat NumPy arrays.

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
        :math:`O(n\\,\\text{depth})` time.
        """
        node = np.zeros(X.shape[0], dtype=np.intp)
        active = np.arange(X.shape[0])
        while active.size:
            at = node[active]
            internal = self.children_left[at] != TREE_LEAF
            active, at = active[internal], at[internal]
            go_left = X[active, self.feature[at]] <= self.threshold[at]
            node[active] = np.where(go_left, self.children_left[at], self.children_right[at])
        return node

    def predict(self, X):
        """Stored value of each sample's leaf, shape ``(n_samples, 1, n_values)``."""
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


def _draw_features(values, starts, lengths, max_features, rng):
    """Random features per segment: ``max_features`` of them, plus one non-constant if needed."""
    d = values.shape[0]
    ends = starts + lengths
    constant = values[:, ends - 1] <= values[:, starts] + 1e-7  # (d, n_seg)
    rank = np.argsort(np.argsort(rng.random_sample((starts.size, d)), axis=1), axis=1).T
    mask = rank < max_features  # (d, n_seg)
    none_usable = ~np.any(mask & ~constant, axis=0)
    if np.any(none_usable):  # add the first non-constant feature in the random order
        r = np.where(constant, d, rank)
        first = np.argmin(r, axis=0)
        cols = np.flatnonzero(none_usable)
        mask[first[cols], cols] = True
    return mask


def grow_tree(X, sample_stats, criterion, *, max_depth=None, min_samples_split=2,
              min_samples_leaf=1, max_features=None, min_impurity_decrease=0.0,
              random_state=None):
    r"""Grow a CART tree level by level.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Features (the estimators pass float32 values, as scikit-learn).
    sample_stats : ndarray of shape (n_samples, S)
        Per-sample sufficient statistics of ``criterion`` (weights folded in).
    criterion : Criterion
    max_depth : int or None
    min_samples_split, min_samples_leaf : int
    max_features : int or None
        Features drawn at random per node; ``None`` uses all.
    min_impurity_decrease : float
        A node splits only if :math:`\frac{W_t}{W}(i_t - \frac{W_L}{W_t}i_L - \frac{W_R}{W_t}i_R)`
        is at least this.
    random_state : numpy.random.RandomState or None

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
    XT = np.ascontiguousarray(X.T, dtype=np.float64)  # (d, n)
    order = np.argsort(XT, axis=1, kind="stable")  # (d, n): presorted once
    max_depth = np.iinfo(np.intp).max if max_depth is None else max_depth
    starts, lengths = np.array([0]), np.array([n])
    ids = np.array([0])
    next_id, depth = 1, 0
    total_weight = criterion.weight(sample_stats.sum(axis=0))
    chunks = []  # per level: (ids, stats, n) and split info
    left_of, right_of, feat_of, thr_of = [], [], [], []

    while ids.size:
        sorted_stats = sample_stats[order[0]]
        node_stats = np.add.reduceat(sorted_stats, starts, axis=0)  # (n_seg, S)
        imp = criterion.node_impurity(sorted_stats, starts, node_stats)
        chunks.append((ids, node_stats, imp, lengths))
        can = ((depth < max_depth) & (lengths >= min_samples_split)
               & (lengths >= 2 * min_samples_leaf) & (imp > EPSILON))
        if not np.any(can):
            break
        order, starts, lengths, ids, node_stats, imp = _keep_segments(
            can, order, starts, lengths, ids, node_stats, imp)
        values = np.take_along_axis(XT, order, axis=1)  # (d, m), sorted in each segment
        mask = None
        if max_features is not None and max_features < d:
            mask = _draw_features(values, starts, lengths, max_features, random_state)
        best = best_splits(values, order, starts, lengths, sample_stats, criterion,
                           min_samples_leaf=min_samples_leaf, feature_mask=mask)
        w_node = criterion.weight(node_stats)
        children = (criterion.weighted_impurity(best["left"])
                    + criterion.weighted_impurity(best["right"]))
        improvement = (w_node * imp - children) / total_weight
        splits = np.isfinite(best["proxy"]) & (improvement + EPSILON >= min_impurity_decrease)
        if not np.any(splits):
            break
        k = int(np.count_nonzero(splits))
        parent_ids = ids[splits]
        new_left = next_id + 2 * np.arange(k)
        left_of.append((parent_ids, new_left))
        right_of.append((parent_ids, new_left + 1))
        feat_of.append((parent_ids, best["feature"][splits]))
        thr_of.append((parent_ids, best["threshold"][splits]))
        next_id += 2 * k

        # stable partition of every row of `order` into left and right children
        seg = segment_ids(lengths)
        goes_left = np.zeros(n, dtype=bool)
        s0 = order[0]
        goes_left[s0] = XT[best["feature"][seg], s0] <= best["threshold"][seg]
        order, starts, lengths, ids, _, _ = _keep_segments(
            splits, order, starts, lengths, ids, node_stats, imp)
        order, starts, lengths = _partition(order, starts, lengths, goes_left)
        ids = np.arange(next_id - 2 * k, next_id)
        depth += 1

    return _assemble(chunks, left_of, right_of, feat_of, thr_of, next_id, criterion, d)


def _keep_segments(keep, order, starts, lengths, ids, node_stats, imp):
    """Drop the columns of the segments not flagged in ``keep`` (they became leaves)."""
    if np.all(keep):
        return order, starts, lengths, ids, node_stats, imp
    order = order[:, np.repeat(keep, lengths)]
    lengths = lengths[keep]
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    return order, starts, lengths, ids[keep], node_stats[keep], imp[keep]


def _partition(order, starts, lengths, goes_left):
    r"""Split every segment of every row into its left part then its right part, stably.

    Implements {eq}`eq-tree-partition`: a left sample at column :math:`q` of segment
    :math:`[a, b)` moves to :math:`a + (\#\text{left in } [a, q))`, a right one to
    :math:`a + n_L + (\#\text{right in } [a, q))`.
    """
    d, m = order.shape
    seg = segment_ids(lengths)
    is_left = goes_left[order]  # (d, m)
    cum = np.cumsum(is_left, axis=1)  # lefts in [0, q]
    before = np.zeros((d, starts.size), dtype=cum.dtype)
    nz = starts > 0
    before[:, nz] = cum[:, starts[nz] - 1]
    lefts_upto = cum - before[:, seg]  # lefts in [a, q]
    n_left = lefts_upto[0, starts + lengths - 1]  # (n_seg,), the same in every row
    a = starts[seg]
    rel = np.arange(m) - a
    new_pos = np.where(is_left, a + lefts_upto - 1, a + n_left[seg] + rel - lefts_upto)
    new_order = np.empty_like(order)
    np.put_along_axis(new_order, new_pos, order, axis=1)
    new_lengths = np.column_stack([n_left, lengths - n_left]).ravel()
    new_starts = np.concatenate([[0], np.cumsum(new_lengths)[:-1]])
    return new_order, new_starts, new_lengths


def _assemble(chunks, left_of, right_of, feat_of, thr_of, node_count, criterion, d):
    """Flat arrays in breadth-first ids, then renumbered in depth-first preorder."""
    left = np.full(node_count, TREE_LEAF, dtype=np.intp)
    right = np.full(node_count, TREE_LEAF, dtype=np.intp)
    feature = np.full(node_count, TREE_UNDEFINED, dtype=np.intp)
    threshold = np.full(node_count, float(TREE_UNDEFINED))
    for (p, lv), (_, rv), (_, fv), (_, tv) in zip(left_of, right_of, feat_of, thr_of):
        left[p], right[p], feature[p], threshold[p] = lv, rv, fv, tv
    ids = np.concatenate([c[0] for c in chunks])
    stats = np.concatenate([c[1] for c in chunks])
    impurity = np.empty(node_count)
    value = np.empty((node_count, 1, criterion.value(stats[:1]).shape[-1]))
    n_samples = np.empty(node_count, dtype=np.intp)
    impurity[ids] = np.concatenate([c[2] for c in chunks])
    value[ids, 0] = criterion.value(stats)
    n_samples[ids] = np.concatenate([c[3] for c in chunks])
    weighted = np.empty(node_count)
    weighted[ids] = criterion.weight(stats)

    # preorder ids: subtree sizes bottom-up, then positions top-down, one level at a time
    levels = [c[0] for c in chunks]
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
