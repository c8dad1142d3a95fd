r"""A k-d tree stored as flat arrays, built level by level, searched depth first by a compiled loop.

The tree is complete and balanced: node ``v`` has children ``2v + 1`` and ``2v + 2``, and the
points of a node are a contiguous slice ``perm[start[v]:end[v]]`` of one permutation of the
data. The build sorts every coordinate once, then keeps the points of every node sorted along
every coordinate: all the nodes of a level are split at the median of their widest coordinate
by one stable partition of the sorted orders, in O(n d) time per level and O(d n log n) in all
({prf:ref}`prop-knn-build-cost`). Each node keeps the bounding box of its points, from which the
lower bound {eq}`eq-knn-box-bound` of the k-nearest neighbours chapter prunes whole subtrees at
query time (Bentley 1975; Friedman, Bentley and Finkel 1977). The query of one point is a
branch-and-bound search whose bound changes after every leaf, a sequential loop compiled with
numba (:func:`query_points`)."""

import math

import numba
import numpy as np

from mlmath.supervised.knn.distances import (
    effective_metric,
    reduced_to_distance,
    rows_in_budget,
    run_chunks,
)

__all__ = ["KDTree"]


class KDTree:
    """k-d tree for exact k-nearest-neighbour queries under a Minkowski metric.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The points to index (float64); NaN or infinity raises a ``ValueError``.
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
        if not np.all(np.isfinite(X)):
            raise ValueError("X (the points to index) contains NaN or infinity; the k-d tree "
                             "needs finite points.")
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

    def query(self, X, k=1, *, return_distance=True, working_memory=None, n_jobs=None):
        """The ``k`` nearest indexed points of every row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features)
        k : int, default=1
            ``1 <= k <= n_samples``.
        return_distance : bool, default=True
        working_memory : float, default=None
            Memory budget in MiB for one chunk of queries; ``None`` takes the smaller of
            scikit-learn's ``working_memory`` setting and ``SEARCH_MEMORY_MIB`` (a block near
            the caches).
        n_jobs : int or None, default=None
            Threads over the chunks of queries (``run_chunks``; the compiled search releases
            the GIL); the result is the same for every ``n_jobs``.

        Returns
        -------
        dist : ndarray of shape (n_queries, k)
            Only when ``return_distance``; increasing along each row.
        ind : ndarray of shape (n_queries, k)
            Indices into ``data``, ordered by (distance, index). Among points tied at the
            ``k``-th distance, which enter is the search's own (deterministic) choice.
        """
        Q, k = self._check_query(X, k)
        dist = np.empty((Q.shape[0], k))
        ind = np.empty((Q.shape[0], k), dtype=np.intp)

        def one_chunk(rows):
            R, J, _ = self._search(Q[rows], k)
            J = self.perm[J]  # positions in node order -> original indices
            order = np.lexsort((J, R), axis=-1)
            dist[rows] = reduced_to_distance(np.take_along_axis(R, order, axis=1), self.p)
            ind[rows] = np.take_along_axis(J, order, axis=1)

        # per query: the k candidates, their order and the sorted copies (8-byte words)
        step = rows_in_budget(6 * k + Q.shape[1], working_memory)
        run_chunks(one_chunk, Q.shape[0], step, n_jobs)
        return (dist, ind) if return_distance else ind

    def n_distances(self, X, k=1):
        """How many training points the search for the ``k`` nearest computes a distance to.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features)
        k : int, default=1

        Returns
        -------
        counts : ndarray of shape (n_queries,)
            For each query, the number of points scanned in the leaves it visits (brute force
            computes ``n_samples``).
        """
        Q, k = self._check_query(X, k)
        return self._search(Q, k)[2]

    def _check_query(self, X, k):
        Q = np.asarray(X, dtype=float)
        n, d = self.data.shape
        if Q.ndim != 2 or Q.shape[1] != d:
            raise ValueError(f"X must have shape (n_queries, {d}), got {Q.shape}.")
        if not np.all(np.isfinite(Q)):
            raise ValueError("X (the queries) contains NaN or infinity; a query must be "
                             "finite to have nearest neighbours.")
        k = int(k)
        if not 1 <= k <= n:
            raise ValueError(f"k must be in [1, {n}] (the number of points), got {k}.")
        return Q, k

    def _search(self, Q, k):
        """Reduced distances and node-order positions of the k nearest (unsorted), and counts."""
        m = Q.shape[0]
        R = np.full((m, k), np.inf)
        J = np.zeros((m, k), dtype=np.intp)
        counts = np.zeros(m, dtype=np.intp)
        query_points(np.ascontiguousarray(Q), self._Xp, self.start, self.end, self.lower,
                     self.upper, float(self.p), R, J, counts)
        return R, J, counts


@numba.njit(cache=True, nogil=True)
def reduced_add(r, g, p):
    r"""Add the coordinate gap ``g >= 0`` to the reduced Minkowski distance ``r``.

    Parameters
    ----------
    r : float
        The reduced distance over the coordinates so far.
    g : float
        The gap :math:`|x_j - z_j|` (or :math:`\Delta_j`) of the next coordinate.
    p : float
        Minkowski exponent, ``p >= 1`` or ``inf``.

    Returns
    -------
    float
        :math:`r + g^p` for finite ``p`` (:math:`r + g^2` for ``p = 2``), :math:`\max(r, g)`
        for ``p = inf``.
    """
    if p == 2.0:
        return r + g * g
    if p == 1.0:
        return r + g
    if math.isinf(p):
        return max(r, g)
    return r + g**p


@numba.njit(cache=True, nogil=True)
def box_lower_bound(q, lower, upper, p):
    """Reduced lower bound {eq}`eq-knn-box-bound` from the point ``q`` to the box
    ``[lower, upper]``: the reduced distance to the nearest point of the box.

    Parameters
    ----------
    q, lower, upper : ndarray of shape (n_features,)
    p : float

    Returns
    -------
    float
    """
    r = 0.0
    for j in range(q.size):
        # Delta_j = max(lower_j - q_j, 0, q_j - upper_j): at most one difference is positive
        r = reduced_add(r, max(lower[j] - q[j], 0.0, q[j] - upper[j]), p)
    return r


@numba.njit(cache=True, nogil=True)
def heap_replace_top(R, J, r, i):
    """Replace the largest entry ``R[0]`` of the max-heap ``(R, J)`` by ``(r, i)``, ``r < R[0]``.

    The entry sifts down from the root, each step to the larger child, until both children
    are at most ``r``: the heap stays ordered (every ``R[a] >= R[2a + 1], R[2a + 2]``), so
    ``R[0]`` is always the current ``k``-th smallest distance. ``O(log k)`` steps.

    Parameters
    ----------
    R : ndarray of shape (k,)
        Reduced distances ordered as a max-heap, updated in place.
    J : ndarray of shape (k,)
        The positions of their points, moved with them.
    r : float
        The new reduced distance, ``r < R[0]``.
    i : int
        Its point's position.

    Returns
    -------
    None
    """
    k = R.size
    a = 0
    while 2 * a + 1 < k:
        c = 2 * a + 1  # the larger child
        if c + 1 < k and R[c + 1] > R[c]:
            c += 1
        if R[c] <= r:
            break
        R[a], J[a] = R[c], J[c]  # move the child up
        a = c
    R[a], J[a] = r, i


@numba.njit(cache=True, nogil=True)
def query_points(Q, Xp, start, end, lower, upper, p, R, J, counts):
    """Depth-first branch-and-bound search of the tree for each row of ``Q``.

    For each query: visit the nodes depth first, the child whose box is nearer first; at a
    leaf, compute the reduced distance to each of its points and keep the ``k`` smallest in the
    max-heap ``(R[q], J[q])``; skip a node whose box bound {eq}`eq-knn-box-bound` is not below
    the current ``k``-th distance ``R[q, 0]``. The loop is compiled with numba because it is
    inherently sequential: which node comes next, and whether it is skipped, depends on the
    bound left by every leaf scanned before it, and in a Python loop the interpreter's cost per
    node exceeds the :math:`O(d)` arithmetic of its bound.

    Parameters
    ----------
    Q : ndarray of shape (n_queries, n_features)
    Xp : ndarray of shape (n_samples, n_features)
        The points in node order (``data[perm]``).
    start, end : ndarray of shape (n_nodes,)
        The node ranges; the tree is complete, nodes ``n_nodes // 2`` and above are leaves.
    lower, upper : ndarray of shape (n_nodes, n_features)
        The boxes.
    p : float
    R : ndarray of shape (n_queries, k)
        Filled with ``inf`` on entry; on exit the reduced distances of each query's ``k``
        nearest points, as a max-heap (unsorted).
    J : ndarray of shape (n_queries, k)
        On exit, their positions in node order.
    counts : ndarray of shape (n_queries,)
        On exit, the number of distances computed for each query.
    """
    n_nodes = start.size
    first_leaf = n_nodes // 2
    depth = 1
    while 2**depth - 1 < n_nodes:
        depth += 1
    stack = np.empty(depth + 1, dtype=np.intp)  # nodes still to visit, and their bounds
    stack_bound = np.empty(depth + 1)
    for a in range(Q.shape[0]):
        q, Ra, Ja = Q[a], R[a], J[a]
        stack[0], stack_bound[0], top = 0, box_lower_bound(q, lower[0], upper[0], p), 1
        while top > 0:
            top -= 1
            v, bound = stack[top], stack_bound[top]
            if bound >= Ra[0]:  # prune: no point of the box beats the k-th neighbour
                continue
            if v >= first_leaf:  # a leaf: scan its points
                for i in range(start[v], end[v]):
                    r = 0.0
                    for j in range(q.size):
                        r = reduced_add(r, abs(q[j] - Xp[i, j]), p)
                    if r < Ra[0]:
                        heap_replace_top(Ra, Ja, r, i)
                counts[a] += end[v] - start[v]
            else:  # push the farther child first, so that the nearer one is visited first
                left, right = 2 * v + 1, 2 * v + 2
                b_left = box_lower_bound(q, lower[left], upper[left], p)
                b_right = box_lower_bound(q, lower[right], upper[right], p)
                if b_left <= b_right:
                    stack[top], stack_bound[top] = right, b_right
                    stack[top + 1], stack_bound[top + 1] = left, b_left
                else:
                    stack[top], stack_bound[top] = left, b_left
                    stack[top + 1], stack_bound[top + 1] = right, b_right
                top += 2
