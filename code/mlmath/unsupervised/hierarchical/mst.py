r"""Single linkage as a minimum spanning tree, by Prim's algorithm, in :math:`O(n)` memory.

Single linkage merges clusters in the order in which Kruskal's algorithm adds the edges of a
minimum spanning tree of the complete graph on the samples, with Euclidean edge lengths; the
merge heights are the lengths of the tree's edges. Any algorithm that finds a minimum spanning
tree therefore computes single linkage. Prim's needs no matrix of distances: it grows the tree
from one vertex, keeping for every vertex outside it the distance to its nearest vertex inside,
and the distances are computed one at a time, when a vertex joins.
"""

import numba
import numpy as np

from mlmath.unsupervised.hierarchical.tree import label_merges

__all__ = ["prim_mst", "mst_linkage"]


@numba.njit(cache=True)
def _prim(X):  # pragma: no cover - compiled
    """Prim's loop on the rows of a C-contiguous float64 ``X``.

    Compiled with numba because the loop is inherently sequential: each step starts from the
    vertex the previous step added, and the distances it updates decide the next vertex.
    Vectorising one step would leave a Python loop of ``n - 1`` iterations around it, and an
    ``(n, d)`` temporary array per step; the compiled loop needs three arrays of length ``n``.
    """
    n, d = X.shape
    edges = np.empty((max(n - 1, 0), 2), dtype=np.int64)
    lengths = np.empty(max(n - 1, 0))
    near = np.full(n, np.inf)  # distance of each outside vertex to the tree
    source = np.zeros(n, dtype=np.int64)  # its nearest vertex in the tree
    in_tree = np.zeros(n, dtype=np.bool_)
    u = 0  # the last vertex added; vertex 0 starts the tree
    in_tree[0] = True
    for k in range(n - 1):
        best, v = np.inf, -1
        for i in range(n):
            if in_tree[i]:
                continue
            s = 0.0
            for j in range(d):
                diff = X[i, j] - X[u, j]
                s += diff * diff
            dist = np.sqrt(s)
            if dist < near[i]:
                near[i] = dist
                source[i] = u
            if near[i] < best or v < 0:  # strict: the smallest index wins among ties
                best, v = near[i], i
        edges[k, 0], edges[k, 1], lengths[k] = source[v], v, best
        in_tree[v] = True
        u = v
    return edges, lengths


def prim_mst(X):
    r"""A minimum spanning tree of the samples, by Prim's algorithm.

    Each of the :math:`n - 1` steps updates every outside vertex's distance to the tree with
    its distance to the vertex just added, then adds the outside vertex nearest to the tree:
    :math:`O(nd)` operations per step, :math:`O(n^2 d)` time in all, and three arrays of length
    :math:`n` besides ``X`` (no distance matrix, no :math:`n \times d` temporary; ``X`` is
    copied only if it is not a C-contiguous float64 array). Among equally near vertices the
    one of smallest index joins first (SciPy's rule). The loop is compiled with numba: it is
    inherently sequential, each step starting from the vertex the previous one added.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The samples.

    Returns
    -------
    edges : ndarray of shape (n_samples - 1, 2)
        The tree's edges in the order Prim's algorithm adds them: ``edges[k, 1]`` is the vertex
        added at step ``k`` and ``edges[k, 0]`` its nearest vertex in the tree.
    lengths : ndarray of shape (n_samples - 1,)
        The Euclidean lengths of the edges.

    Notes
    -----
    Implements {prf:ref}`alg-hier-prim` of the hierarchical clustering chapter.
    """
    X = np.ascontiguousarray(X, dtype=np.float64)
    return _prim(X)


def mst_linkage(X):
    r"""Single-linkage clustering of ``X`` from its minimum spanning tree.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The samples.

    Returns
    -------
    Z : ndarray of shape (n_samples - 1, 4)
        The linkage matrix (as :func:`scipy.cluster.hierarchy.linkage` with
        ``method="single"`` returns it): Prim's edges sorted by length, the clusters they join
        found by union–find.

    Notes
    -----
    Implements {prf:ref}`thm-hier-single-mst` of the hierarchical clustering chapter.
    """
    X = np.ascontiguousarray(X, dtype=np.float64)
    edges, lengths = prim_mst(X)
    return label_merges(edges, lengths, X.shape[0])
