r"""Core points, the connected components of the core graph, and the border points.

From the neighbourhoods (:mod:`mlmath.unsupervised.dbscan.neighbourhoods`):

1. the core points, whose (weighted) neighbourhood count reaches ``min_samples``
   ({eq}`eq-dbscan-core`);
2. the connected components of the core graph, whose edges join core points within
   :math:`\epsilon` of each other, by union-find (:func:`union_edges`); the components are
   numbered in the order of their smallest core index;
3. each border point (not core, with a core neighbour) takes the smallest cluster number among
   its core neighbours ({eq}`eq-dbscan-border-rule`), every other point is noise, ``-1``.

Numbering and rule 3 give scikit-learn's labels exactly whenever it finds the same
neighbourhoods and core points: its depth-first search visits
the points in index order, starts a new cluster at each core point not yet labelled (the
smallest core index of its component), and labels the whole cluster, border points included,
before the next one starts, so a border point joins the first cluster that reaches it
({prf:ref}`prop-dbscan-sklearn-order`).
"""

import math

import numba
import numpy as np

__all__ = ["core_mask", "union_edges", "core_components", "assign_border", "dbscan_labels"]


def core_mask(indptr, indices, min_samples, sample_weight=None):
    r"""Which points are core points.

    With weights, the test :math:`\sum_{j \in N_\epsilon(\vx_i)} w_j \ge m` of
    {eq}`eq-dbscan-core` is decided exactly, for the stored (binary) weights: each row is first
    summed in floating point (``np.bincount``), whose error is at most
    :math:`\frac{(c-1)u}{1-(c-1)u} \sum_j w_j` for :math:`c` non-negative terms, with the
    unit roundoff :math:`u = 2^{-53}` (Higham 2002, section 4.2, where this factor is written
    :math:`\gamma_{c-1}`);
    only the rows whose rounded sum lies within (twice) that bound of ``min_samples`` are
    summed again exactly, by ``math.fsum`` of the weights and ``-min_samples``, whose correctly
    rounded result has the sign of the exact difference.

    Parameters
    ----------
    indptr, indices : ndarray
        The neighbourhoods, as returned by
        :func:`~mlmath.unsupervised.dbscan.neighbourhoods.radius_neighbourhoods`.
    min_samples : float
        The threshold on the (weighted) number of neighbours, the point itself included.
    sample_weight : ndarray of shape (n_samples,) or None
        Non-negative weights; ``None`` counts every neighbour once.

    Returns
    -------
    is_core : ndarray of shape (n_samples,), bool

    Notes
    -----
    Implements {eq}`eq-dbscan-core` of the DBSCAN chapter.
    """
    n = indptr.size - 1
    sizes = np.diff(indptr)
    if sample_weight is None:
        return sizes >= min_samples
    rows = np.repeat(np.arange(n), sizes)
    sums = np.bincount(rows, weights=sample_weight[indices], minlength=n)
    u = 2.0 ** -53
    c = sizes.astype(np.float64)
    bound = 2.0 * c * u / (1.0 - c * u) * sums  # twice Higham's gamma_c times the sum: a margin
    is_core = sums >= min_samples
    for i in np.flatnonzero(np.abs(sums - min_samples) <= bound):  # near ties only
        terms = sample_weight[indices[indptr[i]:indptr[i + 1]]].tolist()
        is_core[i] = math.fsum(terms + [-float(min_samples)]) >= 0.0
    return is_core


@numba.njit(cache=True, nogil=True)
def union_edges(parent, a, b):
    """Union-find over the edges ``(a[e], b[e])``; afterwards every root is its set's minimum.

    ``parent`` starts as the identity. For each edge, find the two roots (halving the path
    on the way: every node visited is linked to its grandparent) and link the larger root
    under the smaller one. Each root is then the smallest index of its set, so the sets come
    out numbered by their smallest member. The loop is compiled because it is sequential:
    every union changes the trees the next find walks, and no array expression replaces it
    without many passes (label propagation needs as many passes as the longest path).

    Parameters
    ----------
    parent : ndarray of shape (n_samples,)
        The forest, updated in place; on exit ``parent[i]`` is ``i``'s root.
    a, b : ndarray of shape (n_edges,)
        The edges.

    Returns
    -------
    None
    """
    for e in range(a.size):
        u, v = a[e], b[e]
        while parent[u] != u:  # find, with path halving
            parent[u] = parent[parent[u]]
            u = parent[u]
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        if u < v:
            parent[v] = u
        elif v < u:
            parent[u] = v
    for i in range(parent.size):  # point every node at its root (roots come first by index)
        parent[i] = parent[parent[i]]


def core_components(indptr, indices, is_core):
    """The connected components of the core graph, numbered by their smallest core index.

    Parameters
    ----------
    indptr, indices : ndarray
        The neighbourhoods.
    is_core : ndarray of shape (n_samples,), bool

    Returns
    -------
    labels : ndarray of shape (n_samples,)
        The component number of every core point, ``0, 1, ...`` in the order of the
        components' smallest core index; ``-1`` for the other points.
    """
    n = indptr.size - 1
    rows = np.repeat(np.arange(n), np.diff(indptr))
    keep = is_core[rows] & is_core[indices] & (rows < indices)  # each core-core edge once
    parent = np.arange(n)
    union_edges(parent, rows[keep], indices[keep])
    labels = np.full(n, -1, dtype=np.intp)
    roots = parent[is_core]
    # a root is its component's smallest index, so sorting the roots orders the components
    labels[is_core] = np.searchsorted(np.unique(roots), roots)
    return labels


def assign_border(indptr, indices, is_core, core_labels):
    """Give every non-core point with a core neighbour the smallest label among them.

    Parameters
    ----------
    indptr, indices : ndarray
        The neighbourhoods.
    is_core : ndarray of shape (n_samples,), bool
    core_labels : ndarray of shape (n_samples,)
        As returned by :func:`core_components`.

    Returns
    -------
    labels : ndarray of shape (n_samples,)
        The cluster of every point, ``-1`` for noise.

    Notes
    -----
    Implements {eq}`eq-dbscan-border-rule` of the DBSCAN chapter.
    """
    n = indptr.size - 1
    rows = np.repeat(np.arange(n), np.diff(indptr))
    sel = ~is_core[rows] & is_core[indices]  # (border point, core neighbour) pairs
    best = np.full(n, np.iinfo(np.intp).max, dtype=np.intp)
    np.minimum.at(best, rows[sel], core_labels[indices[sel]])
    labels = core_labels.copy()
    border = ~is_core & (best < np.iinfo(np.intp).max)
    labels[border] = best[border]
    return labels


def dbscan_labels(indptr, indices, min_samples, sample_weight=None):
    """DBSCAN's labels and core points from the neighbourhoods.

    Parameters
    ----------
    indptr, indices : ndarray
        The neighbourhoods.
    min_samples : float
    sample_weight : ndarray of shape (n_samples,) or None

    Returns
    -------
    labels : ndarray of shape (n_samples,)
        Cluster numbers ``0, 1, ...`` (in scikit-learn's order), ``-1`` for noise.
    is_core : ndarray of shape (n_samples,), bool

    Notes
    -----
    Implements {prf:ref}`alg-dbscan` of the DBSCAN chapter.
    """
    is_core = core_mask(indptr, indices, min_samples, sample_weight)
    labels = assign_border(indptr, indices, is_core,
                           core_components(indptr, indices, is_core))
    return labels, is_core
