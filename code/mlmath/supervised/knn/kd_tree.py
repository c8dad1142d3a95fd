r"""A k-d tree stored as flat arrays, built level by level and queried for many points at once.

The tree is complete and balanced: node ``v`` has children ``2v + 1`` and ``2v + 2``, and the
points of a node are a contiguous slice ``perm[start[v]:end[v]]`` of one permutation of the
data. The build sorts every coordinate once, then keeps the points of every node sorted along
every coordinate: all the nodes of a level are split at the median of their widest coordinate
by one stable partition of the sorted orders, in O(n d) time per level and O(d n log n) in all
({prf:ref}`prop-knn-build-cost`). Each node keeps the bounding box of its points, from which the
lower bound {eq}`eq-knn-box-bound` of the k-nearest neighbours chapter prunes whole subtrees at
query time (Bentley 1975; Friedman, Bentley and Finkel 1977).
"""

import math

import numpy as np
import sklearn

from mlmath.supervised.knn.distances import effective_metric, reduced_to_distance

__all__ = ["KDTree"]


def _reduce(G, p):
    """Reduced Minkowski norm over the last axis: sum of |g|^p, or the max for p = inf."""
    if math.isinf(p):
        return G.max(axis=-1)
    if p == 2.0:
        return np.einsum("...j,...j->...", G, G)
    if p == 1.0:
        return G.sum(axis=-1)
    return (G**p).sum(axis=-1)


class KDTree:
    """k-d tree for exact k-nearest-neighbour queries under a Minkowski metric.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The points to index (float64, finite).
    leaf_size : int, default=30
        The tree has ``n_levels = 1 + floor(log2(max(1, (n - 1) / leaf_size)))`` levels, as
        scikit-learn's ``KDTree``, so a leaf holds between ``leaf_size`` and
        ``2 * leaf_size`` points (all ``n`` when ``n <= leaf_size``).
    metric : {"minkowski", "euclidean", "manhattan", "chebyshev"}, default="minkowski"
    p : float, default=2.0
        Minkowski exponent, ``p >= 1`` (``inf`` allowed).

    Attributes
    ----------
    data : ndarray of shape (n_samples, n_features)
        The indexed points, in their original order.
    perm : ndarray of shape (n_samples,)
        The permutation that makes every node's points contiguous.
    start, end : ndarray of shape (n_nodes,)
        Node ``v`` holds the points ``data[perm[start[v]:end[v]]]``.
    lower, upper : ndarray of shape (n_nodes, n_features)
        The bounding box of each node's points.
    split_dim : ndarray of shape (n_nodes,)
        Coordinate split at each internal node (-1 at leaves).
    split_value : ndarray of shape (n_nodes,)
        Smallest value of that coordinate in the right child.
    n_levels : int

    Notes
    -----
    Implements {prf:ref}`alg-knn-kd-build` and {prf:ref}`alg-knn-kd-query` of the k-nearest
    neighbours chapter; the pruning uses {eq}`eq-knn-box-bound`.
    """

    def __init__(self, X, leaf_size=30, *, metric="minkowski", p=2.0):
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[0] < 1:
            raise ValueError(f"X must be a non-empty 2-D array, got shape {X.shape}.")
        if int(leaf_size) < 1:
            raise ValueError(f"leaf_size must be >= 1, got {leaf_size}.")
        self.metric, self.p = effective_metric(metric, p)
        if not self.p >= 1:
            raise ValueError(f"The k-d tree needs a metric, p >= 1; got p={p}.")
        self.data = X
        self.leaf_size = int(leaf_size)
        self._build()

    def _build(self):
        X = self.data
        n, d = X.shape
        n_lev = int(np.log2(max(1.0, (n - 1) / self.leaf_size)) + 1)
        n_nodes = 2**n_lev - 1
        self.n_levels = n_lev
        self.start = np.zeros(n_nodes, dtype=np.intp)
        self.end = np.zeros(n_nodes, dtype=np.intp)
        self.lower = np.empty((n_nodes, d))
        self.upper = np.empty((n_nodes, d))
        self.split_dim = np.full(n_nodes, -1, dtype=np.intp)
        self.split_value = np.full(n_nodes, np.nan)
        self.end[0] = n
        # order[:, j]: the points sorted by coordinate j (ties by index), and kept so within
        # every node: the slice order[start[v]:end[v], j] is node v's points sorted by x_j
        order = np.argsort(X, axis=0, kind="stable")  # (n, d), the only sort
        cols = np.arange(d)
        for level in range(n_lev):
            nodes = np.arange(2**level - 1, 2 ** (level + 1) - 1)  # the nodes of this level
            s, e = self.start[nodes], self.end[nodes]
            # a node's box: the first and the last point of each sorted column
            self.lower[nodes] = X[order[s], cols]
            self.upper[nodes] = X[order[e - 1], cols]
            if level == n_lev - 1:
                break
            dim = np.argmax(self.upper[nodes] - self.lower[nodes], axis=1)  # widest coordinate
            mid = s + (e - s) // 2
            seg = np.repeat(np.arange(nodes.size), e - s)  # node (in the level) of each position
            # the median split: a point goes left if it is among the first mid - s of its node
            # along the node's split coordinate
            goes_left = np.empty(n, dtype=bool)
            goes_left[order[np.arange(n), dim[seg]]] = np.arange(n) < mid[seg]
            # stable partition of every column, node by node, all at once: a point keeps its
            # order among the points going the same way (a counting sort with two keys)
            left = goes_left[order]  # (n, d)
            n_left = np.cumsum(left, axis=0) - left  # left points before each position...
            n_left -= n_left[s][seg]  # ...within its node
            before = np.arange(n)[:, None] - s[seg][:, None]  # positions before it in its node
            new_pos = np.where(left, s[seg][:, None] + n_left,
                               mid[seg][:, None] + before - n_left)
            new_order = np.empty_like(order)
            np.put_along_axis(new_order, new_pos, order, axis=0)
            order = new_order
            self.split_dim[nodes] = dim
            self.split_value[nodes] = X[order[mid, dim], dim]  # smallest x_j of the right child
            left_child, right_child = 2 * nodes + 1, 2 * nodes + 2
            self.start[left_child], self.end[left_child] = s, mid
            self.start[right_child], self.end[right_child] = mid, e
        self.perm = order[:, 0]
        self._Xp = X[self.perm]

    # --- queries ---------------------------------------------------------------------------

    def _box_lower_bound(self, Q, nodes):
        """Reduced lower bound {eq}`eq-knn-box-bound` from each row of Q to each node's box."""
        # Delta_j = max(lower_j - x_j, 0, x_j - upper_j): at most one difference is positive
        G = np.maximum(self.lower[nodes] - Q, Q - self.upper[nodes])  # (P, d)
        np.maximum(G, 0.0, out=G)
        return _reduce(G, self.p)

    def _scan(self, Q, nodes, width):
        """Reduced distances from each row of Q (a, d) to the points of its node: (a, width)."""
        pos = self.start[nodes][:, None] + np.arange(width)  # (a, width)
        valid = pos < self.end[nodes][:, None]
        pos = np.where(valid, pos, 0)
        diff = self._Xp[pos] - Q[:, None, :]  # (a, width, d)
        if self.p != 2.0:  # the squares of p = 2 need no absolute value
            np.abs(diff, out=diff)
        R = _reduce(diff, self.p)  # (a, width)
        R[~valid] = np.inf
        return R, pos

    def query(self, X, k=1, *, return_distance=True, working_memory=None):
        """The ``k`` nearest indexed points of every row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features)
        k : int, default=1
            ``1 <= k <= n_samples``.
        return_distance : bool, default=True
        working_memory : float, default=None
            Memory budget in MiB for one chunk of queries; ``None`` reads scikit-learn's
            ``working_memory`` setting.

        Returns
        -------
        dist : ndarray of shape (n_queries, k)
            Only when ``return_distance``; increasing along each row.
        ind : ndarray of shape (n_queries, k)
            Indices into ``data``, ordered by (distance, index). Among points tied at the
            ``k``-th distance, which enter is the search's own (deterministic) choice.
        """
        Q = np.asarray(X, dtype=float)
        n, d = self.data.shape
        if Q.ndim != 2 or Q.shape[1] != d:
            raise ValueError(f"X must have shape (n_queries, {d}), got {Q.shape}.")
        k = int(k)
        if not 1 <= k <= n:
            raise ValueError(f"k must be in [1, {n}] (the number of points), got {k}.")
        sizes = self.end - self.start
        # the deepest level whose every node holds at least k points: the first guess
        level_k = max(lv for lv in range(self.n_levels)
                      if sizes[2**lv - 1:2 ** (lv + 1) - 1].min() >= k)
        width_k = int(sizes[2**level_k - 1:2 ** (level_k + 1) - 1].max())
        n_leaves = 2 ** (self.n_levels - 1)
        width_leaf = int(sizes[n_leaves - 1:].max())
        if working_memory is None:
            working_memory = sklearn.get_config()["working_memory"]
        per_query = 8 * (d + 2) * max(4 * n_leaves, width_k + k, width_leaf + k)
        step = max(1, int(working_memory * 2**20 // per_query))
        dist = np.empty((Q.shape[0], k))
        ind = np.empty((Q.shape[0], k), dtype=np.intp)
        for a in range(0, Q.shape[0], step):
            R, J = self._query_chunk(Q[a:a + step], k, level_k, width_k, width_leaf)
            J = self.perm[J]  # positions in node order -> original indices
            order = np.lexsort((J, R), axis=-1)
            dist[a:a + step] = reduced_to_distance(np.take_along_axis(R, order, axis=1), self.p)
            ind[a:a + step] = np.take_along_axis(J, order, axis=1)
        return (dist, ind) if return_distance else ind

    def _query_chunk(self, Q, k, level_k, width_k, width_leaf):
        m = Q.shape[0]
        rows = np.arange(m)
        # 1. Descend to the node of level `level_k` containing each query and take the k
        #    nearest of its points: k candidates, and an upper bound on the k-th distance.
        own = np.zeros(m, dtype=np.intp)
        for _ in range(level_k):
            dim = self.split_dim[own]
            own = 2 * own + 1 + (Q[rows, dim] >= self.split_value[own])
        R, pos = self._scan(Q, own, width_k)
        top = np.argpartition(R, k - 1, axis=1)[:, :k]
        R = np.take_along_axis(R, top, axis=1)  # (m, k) reduced distances, unordered
        J = np.take_along_axis(pos, top, axis=1)  # (m, k) positions in node order
        kth = R.max(axis=1)  # current k-th smallest reduced distance of each query
        # 2. Walk down the levels with the (query, node) pairs whose box may hold a point
        #    closer than the current k-th neighbour; the first guess's node is done already.
        qi, nodes = rows, np.zeros(m, dtype=np.intp)
        for level in range(self.n_levels):
            lb = self._box_lower_bound(Q[qi], nodes)
            keep = lb < kth[qi]
            if level == level_k:
                keep &= nodes != own[qi]
            qi, nodes, lb = qi[keep], nodes[keep], lb[keep]
            if level < self.n_levels - 1:
                qi = np.repeat(qi, 2)
                nodes = (2 * nodes[:, None] + np.array([1, 2])).ravel()
        # 3. Visit the surviving leaves in rounds: in round r every query scans its r-th
        #    closest leaf (by box bound), if that bound is still below its k-th distance.
        by_query = np.lexsort((lb, qi))
        qi, nodes, lb = qi[by_query], nodes[by_query], lb[by_query]
        rank = np.arange(qi.size) - np.searchsorted(qi, qi, side="left")
        by_round = np.argsort(rank, kind="stable")
        bounds = np.searchsorted(rank[by_round], np.arange(rank.max(initial=-1) + 2))
        for r in range(bounds.size - 1):
            sel = by_round[bounds[r]:bounds[r + 1]]
            q_r, n_r = qi[sel], nodes[sel]
            active = lb[sel] < kth[q_r]
            q_r, n_r = q_r[active], n_r[active]
            if q_r.size == 0:
                continue
            Rn, posn = self._scan(Q[q_r], n_r, width_leaf)  # (a, width_leaf)
            allR = np.concatenate([R[q_r], Rn], axis=1)  # merge with the running top-k
            allI = np.concatenate([J[q_r], posn], axis=1)
            top = np.argpartition(allR, k - 1, axis=1)[:, :k]
            R[q_r] = np.take_along_axis(allR, top, axis=1)
            J[q_r] = np.take_along_axis(allI, top, axis=1)
            kth[q_r] = R[q_r].max(axis=1)
        return R, J
