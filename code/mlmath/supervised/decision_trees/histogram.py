r"""Histogram trees: the package's tree grown on binned features with gradient statistics.

An extension of :mod:`mlmath.supervised.decision_trees.tree` for second-order boosting
(``book/ensembles/histogram_boosting.md``): the features are small integers (bins, see
:mod:`mlmath.ensembles.histogram_boosting.binning`), every sample carries a gradient
:math:`g_i` and a hessian :math:`h_i`, and a node is summarised by its histogram, the sums of
:math:`g_i` and :math:`h_i` over its samples in every (feature, bin). The best split of a node is
read from the prefix sums of its histogram, trying the missing-value bin on either side (the
split search is :mod:`mlmath.supervised.decision_trees.histogram_splits`); a level builds the
histograms of the smaller child of every split by one sparse product and gets each sibling's
by subtraction from the parent's. The result is the package's flat-array
:class:`~mlmath.supervised.decision_trees.tree.Tree`, with real thresholds (the bins' upper
edges) and the learned direction of missing values in ``missing_go_left``, so
:meth:`Tree.apply` predicts on raw features.
"""

import numpy as np
import scipy.sparse as sp

from mlmath.supervised.decision_trees.histogram_splits import (
    Scratch,
    best_histogram_splits,
    node_scores,
    node_values,
)
from mlmath.supervised.decision_trees.tree import TREE_LEAF, TREE_UNDEFINED, Tree

__all__ = ["HistogramBuilder", "grow_histogram_tree"]

RT_EPS = 1e-6  # xgboost's kRtEps: a split must gain more than this


class HistogramBuilder:
    r"""Gradient and hessian histograms of groups of samples on fixed binned features.

    Sample :math:`i`'s entry in feature :math:`j` has the code :math:`jB + b_{ij}`
    (:math:`B` bins per feature: the most bins of values any feature has, then one for
    missing values, so that features with few distinct values make narrow histograms); the
    histograms of :math:`m` disjoint groups are the product :math:`A^\top W` of the sparse
    0/1 matrix :math:`A` (samples by group-offset codes, :math:`d` ones per row) with the
    :math:`(n_s, 2)` matrix of the samples' :math:`(g_i, h_i)`: one pass over the
    :math:`n_s d` codes, both statistics at once.

    Parameters
    ----------
    binned : ndarray of shape (n_samples, n_features), uint8
    max_bin : int
        Index of the missing-value bin in ``binned``.

    Attributes
    ----------
    missing : int
        Index of the missing-value bin in the histograms (the most bins of values of a
        feature, at most ``max_bin``).
    n_bins : int
        ``missing + 1``.
    """

    def __init__(self, binned, max_bin):
        n, d = binned.shape
        self.n_features = d
        values = binned[binned != max_bin]
        self.missing = int(values.max()) + 1 if values.size else 1
        self.n_bins = self.missing + 1
        self.codes = np.where(binned == max_bin, self.missing, binned).astype(np.int32)
        self.codes += (np.arange(d, dtype=np.int32) * self.n_bins)[None, :]
        self._ones = np.ones(n * d)
        self._indptr = np.arange(0, n * d + 1, d, dtype=np.int32)
        self.scratch = Scratch()  # work arrays of the split search, reused by every tree
        self._root = sp.csc_matrix((self._ones, self.codes.ravel(), self._indptr),
                                   shape=(d * self.n_bins, n))

    def build(self, gh, rows=None, group=None, n_groups=1):
        """Histograms of ``n_groups`` groups of samples.

        Parameters
        ----------
        gh : ndarray of shape (n_samples, 2)
            Gradient and hessian of every sample.
        rows : ndarray of shape (n_s,) or None
            The samples to count (``None``: all, one group).
        group : ndarray of shape (n_s,) or None
            Group of each of ``rows``, in ``0 .. n_groups - 1``.
        n_groups : int

        Returns
        -------
        ndarray of shape (n_groups, n_features, n_bins, 2)
            Sums of :math:`g` (last index 0) and :math:`h` (1) per group, feature and bin.

        Notes
        -----
        Implements the histogram {eq}`eq-xgb-histogram` of the histogram boosting chapter.
        """
        d, nb = self.n_features, self.n_bins
        if rows is None:
            A, W = self._root, gh
        else:
            m = rows.size
            codes = np.take(self.codes, rows, axis=0,
                            out=self.scratch.get("codes", (m, d), np.int32))
            codes += (group.astype(np.int32) * (d * nb))[:, None]
            A = sp.csc_matrix((self._ones[:m * d], codes.ravel(), self._indptr[:m + 1]),
                              shape=(n_groups * d * nb, m))
            W = np.take(gh, rows, axis=0, out=self.scratch.get("gh", (m, 2)))
        return np.asarray(A @ W).reshape(n_groups, d, nb, 2)


def _threshold_table(edges, max_bin):
    """Real threshold of "bins <= b go left", shape (d, max_bin); +inf past the last edge."""
    table = np.full((len(edges), max_bin), np.inf)
    for j, e in enumerate(edges):
        table[j, :e.size] = e
    return table



def grow_histogram_tree(binned, g, h, *, edges, max_depth=6, min_child_weight=1.0,
                        reg_lambda=1.0, reg_alpha=0.0, gamma=0.0, learning_rate=1.0,
                        max_bin=255, feature_mask=None, builder=None, return_leaves=False):
    r"""Grow a second-order regression tree level by level on binned features.

    Parameters
    ----------
    binned : ndarray of shape (n_samples, n_features), uint8
        Bins from :func:`mlmath.ensembles.histogram_boosting.binning.bin_data` (missing values
        in bin ``max_bin``).
    g, h : ndarray of shape (n_samples,)
        Gradients and hessians of the loss at the current scores (sample weights folded in).
    edges : list of ndarray
        The bin edges of every feature (the thresholds of the fitted tree).
    max_depth : int, default=6
        Deepest level (the root is depth 0).
    min_child_weight : float, default=1.0
        Least hessian sum :math:`H` of a child.
    reg_lambda, reg_alpha : float, default=1.0, 0.0
        L2 and L1 penalties on leaf values.
    gamma : float, default=0.0
        Least gain :math:`Q_L + Q_R - Q_P` worth a split.
    learning_rate : float, default=1.0
        Multiplies every node value :math:`v^*` (the shrinkage :math:`\eta`).
    max_bin : int, default=255
        Index of the missing-value bin.
    feature_mask : ndarray of shape (n_features,), bool, or None
        Features the tree may split on (``None``: all).
    builder : HistogramBuilder or None
        A builder of ``binned`` kept across trees (``None``: made here).
    return_leaves : bool, default=False
        Also return the leaf of every training sample.

    Returns
    -------
    tree : Tree
        ``value[t, 0, 0]`` is :math:`\eta v^*` of node :math:`t`, ``weighted_n_node_samples``
        its hessian sum (xgboost's cover), ``impurity`` its minimised objective
        :math:`-\tfrac12 Q(G, H)`, ``missing_go_left`` the learned default directions, and the
        extra array ``gain`` (node_count,) the gain :math:`Q_L + Q_R - Q_P` of each split
        (0 at leaves). ``gain`` is an attribute of this tree only, set after construction:
        the methods of :class:`Tree` that build a new tree (``subtree``, used by
        cost-complexity pruning) do not carry it. The boosters never prune their trees; they
        read ``gain`` for ``feature_importances_``.
    leaves : ndarray of shape (n_samples,), int
        Only with ``return_leaves``: the leaf (node id) of each sample.

    Notes
    -----
    Implements {prf:ref}`alg-xgb-tree` of the histogram boosting chapter: leaf values
    {eq}`eq-xgb-leaf-weight`, gains {eq}`eq-xgb-gain`, histograms {eq}`eq-xgb-histogram` with
    the smaller child built and its sibling by subtraction. Conventions are ``xgboost``'s
    (``tree_method="hist"``, depth-wise growth): a split needs a gain above ``1e-6`` and at
    least ``gamma``, both children a hessian sum of at least ``min_child_weight``; a node
    whose hessian sum is below ``min_child_weight`` has value 0.
    """
    n, d = binned.shape
    g = np.asarray(g, dtype=float)
    h = np.asarray(h, dtype=float)
    if builder is None:
        builder = HistogramBuilder(binned, max_bin)
    thresholds = _threshold_table(edges, max(builder.missing, max_bin))
    lam, alpha, mcw = float(reg_lambda), float(reg_alpha), float(min_child_weight)

    # per level: node ids (breadth-first), sums (m, 2), counts, histograms (m, d, B, 2); the
    # nodes of a level below the root are ordered as the k smaller children, then their k
    # siblings, so that the siblings' histograms are one subtraction of contiguous blocks
    active = np.arange(n)  # the samples of the nodes that may still split,
    row_start = active * d  # where their bins start in binned.ravel(),
    slot = np.zeros(n, dtype=np.intp)  # their node's index in the level,
    leaf_of = np.zeros(n, dtype=np.intp)  # and every sample's leaf (breadth-first id)
    flat = binned.ravel()
    ids = np.array([0])
    GH = np.array([[g.sum(), h.sum()]])
    counts = np.array([n])
    gh = np.column_stack([g, h])
    hist = builder.build(gh) if max_depth > 0 else None
    rec_ids, rec_GH, rec_n = [ids], [GH], [counts]
    parents, feats, thrs, mlefts, gains = [], [], [], [], []
    next_id, depth = 1, 0
    while depth < max_depth and ids.size:
        gain, feature, b, mleft, LG, LH = best_histogram_splits(
            hist[..., 0], hist[..., 1], GH[:, 0], GH[:, 1], builder.missing, lam, alpha, mcw,
            feature_mask, builder.scratch)
        split = (gain > RT_EPS) & (gain >= gamma)
        if not np.any(split):
            break
        k = int(np.count_nonzero(split))
        all_split = k == ids.size
        f, bb, ml = feature[split], b[split], mleft[split]
        parents.append(ids[split])
        feats.append(f)
        thrs.append(np.where(bb < 0, -np.inf, thresholds[f, np.maximum(bb, 0)]))
        mlefts.append(ml)
        gains.append(gain[split])
        left_id = next_id + 2 * np.arange(k)  # the right child is left_id + 1
        next_id += 2 * k

        # partition: each sample's node among the split ones, then its side; the samples of
        # a node that stays a leaf are dropped (their leaf is recorded)
        if all_split:
            s = slot
        else:
            slot_of = np.full(ids.size, -1, dtype=np.intp)
            slot_of[split] = np.arange(k)
            s = slot_of[slot]
            kept = s >= 0
            leaf_of[active[~kept]] = ids[slot[~kept]]
            active, row_start, s = active[kept], row_start[kept], s[kept]
        bins = flat[row_start + f[s]]
        go_left = bins <= bb[s]  # the missing bin is above every bb
        if np.any(ml):
            go_left |= (bins == max_bin) & ml[s]
        child = 2 * s + ~go_left  # 2s: left child of split node s, 2s + 1: right
        n_child = np.bincount(child, minlength=2 * k)
        n_left, n_parent = n_child[0::2], counts[split]
        small_left = n_left <= n_parent - n_left  # the left child is the smaller
        # level slot of each child: the smaller children first, then their siblings
        slot_of_child = np.empty(2 * k, dtype=np.intp)
        slot_of_child[0::2] = np.where(small_left, 0, k) + np.arange(k)
        slot_of_child[1::2] = np.where(small_left, k, 0) + np.arange(k)
        slot = slot_of_child[child]
        in_small = slot < k

        L = np.column_stack([LG[split], LH[split]])
        R = GH[split] - L
        sl = small_left[:, None]
        GH = np.concatenate([np.where(sl, L, R), np.where(sl, R, L)])
        ids = np.concatenate([left_id + ~small_left, left_id + small_left])
        counts = np.concatenate([np.where(small_left, n_left, n_parent - n_left),
                                 np.where(small_left, n_parent - n_left, n_left)])
        rec_ids.append(ids)
        rec_GH.append(GH)
        rec_n.append(counts)
        depth += 1
        if depth < max_depth:  # histograms of the children: the smaller built, subtraction
            parent_hist = hist
            if not all_split:  # (k, d, B, 2)
                parent_hist = np.take(hist, np.flatnonzero(split), axis=0,
                                      out=builder.scratch.get("parent", (k,) + hist.shape[1:]))
            small_hist = builder.build(gh, active[in_small], slot[in_small], k)
            hist = builder.scratch.get(f"hist{depth % 2}", (2 * k,) + hist.shape[1:])
            hist[:k] = small_hist
            np.subtract(parent_hist, small_hist, out=hist[k:])

    leaf_of[active] = ids[slot]
    tree, preorder = _assemble(rec_ids, rec_GH, rec_n, parents, feats, thrs, mlefts, gains,
                               next_id, d, lam, alpha, mcw, learning_rate)
    if return_leaves:
        return tree, preorder[leaf_of]
    return tree


def _assemble(rec_ids, rec_GH, rec_n, parents, feats, thrs, mlefts, gains, node_count, d,
              lam, alpha, mcw, learning_rate):
    """Flat arrays in breadth-first ids, then renumbered in depth-first preorder.

    Returns the tree (with its extra ``gain`` array) and the map from breadth-first ids to
    preorder ids (which :func:`grow_histogram_tree` uses for ``return_leaves``).
    """
    left = np.full(node_count, TREE_LEAF, dtype=np.intp)
    right = np.full(node_count, TREE_LEAF, dtype=np.intp)
    feature = np.full(node_count, TREE_UNDEFINED, dtype=np.intp)
    threshold = np.full(node_count, float(TREE_UNDEFINED))
    mleft = np.zeros(node_count, dtype=bool)
    gain = np.zeros(node_count)
    next_child = 1
    for p, f, t, ml, gn in zip(parents, feats, thrs, mlefts, gains):
        kids = next_child + 2 * np.arange(p.size)
        next_child += 2 * p.size
        left[p], right[p] = kids, kids + 1
        feature[p], threshold[p], mleft[p], gain[p] = f, t, ml, gn
    ids = np.concatenate(rec_ids)
    GH = np.concatenate(rec_GH)
    n_samples = np.empty(node_count, dtype=np.intp)
    n_samples[ids] = np.concatenate(rec_n)
    G, H = np.empty(node_count), np.empty(node_count)
    G[ids], H[ids] = GH[:, 0], GH[:, 1]
    value = learning_rate * node_values(G, H, lam, alpha, mcw)
    impurity = -0.5 * node_scores(G, H, lam, alpha, 0.0)

    # preorder ids: subtree sizes bottom-up, then positions top-down, one level at a time
    size = np.ones(node_count, dtype=np.intp)
    for lev in reversed(rec_ids):
        inner = lev[left[lev] != TREE_LEAF]
        size[inner] += size[left[inner]] + size[right[inner]]
    pre = np.zeros(node_count, dtype=np.intp)
    for lev in rec_ids:
        inner = lev[left[lev] != TREE_LEAF]
        pre[left[inner]] = pre[inner] + 1
        pre[right[inner]] = pre[inner] + 1 + size[left[inner]]
    perm = np.empty(node_count, dtype=np.intp)
    perm[pre] = np.arange(node_count)  # perm[new id] = old id
    is_leaf = left[perm] == TREE_LEAF
    tree = Tree(np.where(is_leaf, TREE_LEAF, pre[left[perm]]),
                np.where(is_leaf, TREE_LEAF, pre[right[perm]]),
                feature[perm], threshold[perm], value[perm].reshape(-1, 1, 1),
                impurity[perm], n_samples[perm], H[perm], d,
                missing_go_left=mleft[perm])
    tree.gain = gain[perm]  # an extra attribute: see grow_histogram_tree's Returns
    return tree, pre
