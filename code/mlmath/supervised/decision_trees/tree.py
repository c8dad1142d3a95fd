r"""The tree structure (flat arrays, as scikit-learn's ``tree_``) and its prediction.

A binary tree of ``node_count`` nodes is stored as parallel arrays indexed by node: node 0 is the
root, nodes are numbered in depth-first preorder (a node, then its left subtree, then its right
subtree), a leaf has ``children_left == children_right == -1`` (and ``feature == -2``,
``threshold == -2.0``), and a sample goes left at an internal node when
``x[feature] <= threshold``. These are scikit-learn's conventions, so the arrays can be compared
with a fitted ``sklearn.tree.DecisionTreeClassifier().tree_`` one for one.

A tree is grown level by level by :func:`mlmath.supervised.decision_trees.growth.grow_tree`
and predicts one level per step (:meth:`Tree.apply`).
"""

from typing import NamedTuple

import numpy as np

__all__ = ["TREE_LEAF", "TREE_UNDEFINED", "Tree"]

TREE_LEAF = -1
TREE_UNDEFINED = -2


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
    missing_go_left : ndarray of shape (node_count,), bool, or None, default=None
        Where a missing value (NaN) goes at each node (histogram boosting learns it, see
        :mod:`mlmath.supervised.decision_trees.histogram`); ``None``: where
        ``NaN <= threshold`` sends it, i.e. right.
    """

    def __init__(self, children_left, children_right, feature, threshold, value, impurity,
                 n_node_samples, weighted_n_node_samples, n_features, missing_go_left=None):
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
        self.missing_go_left = missing_go_left

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
            x = flat[start + walk.feature[state]]
            go_left = x <= walk.threshold[state]
            if self.missing_go_left is not None:  # a NaN goes the learned way
                go_left |= np.isnan(x) & self.missing_go_left[state // 2]
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
            x = X[active, self.feature[at]]
            go_left = x <= self.threshold[at]
            if self.missing_go_left is not None:
                go_left |= np.isnan(x) & self.missing_go_left[at]
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
                    self.weighted_n_node_samples[idx], self.n_features,
                    None if self.missing_go_left is None else self.missing_go_left[idx])
