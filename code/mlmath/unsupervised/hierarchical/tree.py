r"""The merge tree: SciPy's numbering of the merges, cutting the tree, the linkage matrix.

The fast algorithms find the merges out of order (the nearest-neighbour chain) or as the edges
of a spanning tree (Prim's algorithm). :func:`label_merges` sorts them by height and numbers the
clusters as SciPy and scikit-learn do: the leaves are ``0..n-1`` and the cluster made by the
``k``-th merge in height order is ``n + k``. :func:`cut_tree_labels` cuts the tree into a given
number of clusters; :func:`linkage_matrix` turns a fitted estimator into the matrix that
:func:`scipy.cluster.hierarchy.dendrogram` draws.
"""

import numba
import numpy as np
from sklearn.utils.validation import check_is_fitted

__all__ = ["label_merges", "cut_tree_labels", "linkage_matrix"]


@numba.njit(cache=True)
def _union_find_labels(pairs, n):  # pragma: no cover - compiled
    """Cluster ids of sorted merges by union–find.

    A union–find pass is inherently sequential (each merge joins the roots that the earlier
    merges produced), so it is compiled rather than vectorised; this is the loop of SciPy's
    ``label``.
    """
    parent = np.arange(2 * n - 1)
    size = np.ones(2 * n - 1)
    out = np.empty((n - 1, 3))
    for k in range(n - 1):
        roots = np.empty(2, dtype=np.int64)
        for s in range(2):
            r = pairs[k, s]
            while parent[r] != r:
                r = parent[r]
            node = pairs[k, s]  # path compression
            while parent[node] != r:
                nxt = parent[node]
                parent[node] = r
                node = nxt
            roots[s] = r
        a, b = min(roots[0], roots[1]), max(roots[0], roots[1])
        parent[a] = parent[b] = n + k
        size[n + k] = size[a] + size[b]
        out[k, 0], out[k, 1], out[k, 2] = a, b, size[n + k]
    return out


def label_merges(pairs, heights, n_samples):
    r"""Sort merges by height and number their clusters as SciPy does.

    Parameters
    ----------
    pairs : ndarray of shape (n_samples - 1, 2)
        Each merge given by two sample indices, one from each of the clusters it joins (any
        members will do: the clusters are found by union–find).
    heights : ndarray of shape (n_samples - 1,)
        The height of each merge.
    n_samples : int
        The number of leaves.

    Returns
    -------
    Z : ndarray of shape (n_samples - 1, 4)
        The linkage matrix: merges in increasing height (a stable sort, so merges of equal height
        keep the order in which they were found), children as cluster ids, smaller id first,
        height, size of the new cluster.

    Notes
    -----
    The numbering of {ref}`sec-hier-dendrogram` of the hierarchical clustering chapter.
    """
    order = np.argsort(heights, kind="stable")
    pairs = np.ascontiguousarray(np.asarray(pairs, dtype=np.int64)[order])
    Z = np.empty((n_samples - 1, 4))
    Z[:, 2] = np.asarray(heights, dtype=float)[order]
    if n_samples > 1:
        out = _union_find_labels(pairs, n_samples)
        Z[:, :2], Z[:, 3] = out[:, :2], out[:, 2]
    return Z


def cut_tree_labels(children, n_leaves, n_clusters):
    r"""Labels of the samples when the tree is cut into ``n_clusters`` clusters.

    The clusters are those that exist after the first ``n_leaves - n_clusters`` merges. Every
    leaf follows its parent pointers up to the last of these merges (pointer doubling: each pass
    replaces a pointer by its pointer's pointer, so ``log2`` of the depth passes suffice).

    Parameters
    ----------
    children : ndarray of shape (n_leaves - 1, 2)
        The merges in order, as in ``children_``.
    n_leaves : int
        Number of samples.
    n_clusters : int
        Number of clusters, ``1 <= n_clusters <= n_leaves``.

    Returns
    -------
    labels : ndarray of shape (n_leaves,)
        Cluster labels ``0..n_clusters-1``, numbered in the order of each cluster's smallest
        sample index.
    """
    n_merges = n_leaves - n_clusters
    parent = np.arange(n_leaves + n_merges)
    kept = np.asarray(children[:n_merges], dtype=np.intp)
    parent[kept[:, 0]] = parent[kept[:, 1]] = n_leaves + np.arange(n_merges)
    while True:
        up = parent[parent]
        if np.array_equal(up, parent):
            break
        parent = up
    roots = parent[:n_leaves]
    _, first, labels = np.unique(roots, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.intp)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[labels.ravel()]


def linkage_matrix(estimator):
    r"""The SciPy linkage matrix of a fitted :class:`AgglomerativeClustering`.

    Parameters
    ----------
    estimator : AgglomerativeClustering
        Fitted with ``compute_distances=True`` or a ``distance_threshold`` (either of the package
        or of scikit-learn), so that it has ``distances_``.

    Returns
    -------
    Z : ndarray of shape (n_samples - 1, 4)
        Children, heights and cluster sizes, the input of
        :func:`scipy.cluster.hierarchy.dendrogram`.
    """
    check_is_fitted(estimator, "children_")
    if not hasattr(estimator, "distances_"):
        raise ValueError("The estimator has no distances_: fit it with compute_distances=True "
                         "or with a distance_threshold.")
    children = np.asarray(estimator.children_, dtype=np.intp)
    n = children.shape[0] + 1
    size = np.ones(2 * n - 1)
    for k, (a, b) in enumerate(children):  # sizes depend on the earlier merges: sequential
        size[n + k] = size[a] + size[b]
    return np.column_stack([children, estimator.distances_, size[n:]]).astype(float)
