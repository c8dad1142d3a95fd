r"""The nearest-neighbour chain: :math:`O(n^2)` agglomeration for the reducible linkages.

Starting from any cluster, follow nearest neighbours (a chain :math:`C_1, C_2, \dots` with
:math:`C_{t+1}` the nearest neighbour of :math:`C_t`) until two clusters are each other's nearest
neighbour, merge them, and go on from what remains of the chain. For a reducible,
order-independent linkage (single, complete, average, Ward) the merges are those of the naive
algorithm, found in another order
(:func:`~mlmath.unsupervised.hierarchical.tree.label_merges` sorts them), and the chain is never
rebuilt from scratch: :math:`O(n^2)` time, on the condensed matrix of the :math:`n(n-1)/2`
pairwise distances, which it overwrites.
"""

import numba
import numpy as np

from mlmath.unsupervised.hierarchical.lance_williams import LINKAGES
from mlmath.unsupervised.hierarchical.tree import label_merges
from mlmath.validation import check_option

__all__ = ["REDUCIBLE_LINKAGES", "condensed_index", "nn_chain_linkage"]

#: The linkages the chain is correct for (centroid and median are not reducible).
REDUCIBLE_LINKAGES = ("single", "complete", "average", "ward")


@numba.njit(cache=True, inline="always")
def condensed_index(n, i, j):  # pragma: no cover - compiled
    """Position of the pair ``{i, j}``, ``i != j``, in a condensed distance matrix.

    Parameters
    ----------
    n : int
        Number of samples.
    i, j : int
        Two different sample indices.

    Returns
    -------
    int
        ``n*a - a*(a+1)//2 + b - a - 1`` with ``a = min(i, j)``, ``b = max(i, j)``: the pairs
        are stored row by row, ``(0,1), (0,2), ..., (0,n-1), (1,2), ...``.
    """
    if i > j:
        i, j = j, i
    return n * i - (i * (i + 1)) // 2 + (j - i - 1)


@numba.njit(cache=True)
def _lw(d_ca, d_cb, d_ab, n_a, n_b, n_c, code):  # pragma: no cover - compiled
    # the four reducible cases of lance_williams_update, in the same arithmetic
    if code == 0:
        return min(d_ca, d_cb)
    if code == 1:
        return max(d_ca, d_cb)
    if code == 2:
        return (n_a * d_ca + n_b * d_cb) / (n_a + n_b)
    t = 1.0 / (n_a + n_b + n_c)
    # clamped at 0: rounding can make the squared distance slightly negative
    return np.sqrt(max((n_c + n_a) * t * d_ca * d_ca + (n_c + n_b) * t * d_cb * d_cb
                       - n_c * t * d_ab * d_ab, 0.0))


@numba.njit(cache=True)
def _nn_chain(D, n, code):  # pragma: no cover - compiled
    """The chain loop (SciPy's order of scanning and of breaking ties).

    Compiled with numba because the loop is inherently sequential: every step of the chain
    starts from the cluster the previous step found, and every merge changes the distances the
    next step reads. Vectorising one step (one scan of a row of ``D``) would leave a Python loop
    of about ``3n`` iterations around it.
    """
    size = np.ones(n)
    chain = np.empty(n, dtype=np.int64)
    pairs = np.empty((n - 1, 2), dtype=np.int64)
    heights = np.empty(n - 1)
    length = 0
    for k in range(n - 1):
        if length == 0:  # start a new chain at the first active cluster
            for i in range(n):
                if size[i] > 0:
                    chain[0] = i
                    length = 1
                    break
        while True:
            x = chain[length - 1]
            # prefer the previous element of the chain among ties: the chain cannot cycle
            if length > 1:
                y = chain[length - 2]
                best = D[condensed_index(n, x, y)]
            else:
                y = -1
                best = np.inf
            for i in range(n):
                if size[i] == 0 or i == x:
                    continue
                d = D[condensed_index(n, x, i)]
                if d < best:
                    best = d
                    y = i
            if length > 1 and y == chain[length - 2]:
                break  # x and y are reciprocal nearest neighbours
            chain[length] = y
            length += 1
        length -= 2
        if x > y:
            x, y = y, x
        n_x, n_y = size[x], size[y]
        pairs[k, 0], pairs[k, 1], heights[k] = x, y, best
        size[x] = 0  # slot x is dropped; slot y holds the merged cluster
        size[y] = n_x + n_y
        for i in range(n):
            if size[i] == 0 or i == y:
                continue
            iy = condensed_index(n, i, y)
            D[iy] = _lw(D[condensed_index(n, i, x)], D[iy], best, n_x, n_y, size[i], code)
    return pairs, heights


def nn_chain_linkage(D, linkage, *, overwrite=False):
    r"""Agglomerative clustering by the nearest-neighbour chain, in :math:`O(n^2)` time.

    Parameters
    ----------
    D : ndarray of shape (n_samples * (n_samples - 1) // 2,)
        Condensed Euclidean distances, as :func:`scipy.spatial.distance.pdist` returns them.
    linkage : {"single", "complete", "average", "ward"}
        A reducible, order-independent linkage.
    overwrite : bool, default=False
        Let the algorithm overwrite ``D`` (a float64 contiguous array) instead of a copy: the
        estimator does this, so that fitting needs one condensed matrix, not two.

    Returns
    -------
    Z : ndarray of shape (n_samples - 1, 4)
        The linkage matrix (merges by increasing height, children as cluster ids, heights,
        sizes), as :func:`scipy.cluster.hierarchy.linkage` returns it.

    Notes
    -----
    Implements {prf:ref}`alg-hier-nn-chain` of the hierarchical clustering chapter; correct by
    {prf:ref}`thm-hier-nn-chain`.
    """
    check_option(linkage, "linkage", REDUCIBLE_LINKAGES, owner="nn_chain_linkage")
    D = np.asarray(D, dtype=np.float64)
    m = D.shape[0]
    n = int(round((1 + np.sqrt(1 + 8 * m)) / 2))
    if D.ndim != 1 or n * (n - 1) // 2 != m or n < 2:
        raise ValueError(f"D must be a condensed distance matrix of length n(n-1)/2 for some "
                         f"n >= 2; got shape {D.shape}.")
    if not overwrite or not D.flags.c_contiguous:
        D = D.copy()
    pairs, heights = _nn_chain(D, n, LINKAGES.index(linkage))
    return label_merges(pairs, heights, n)
