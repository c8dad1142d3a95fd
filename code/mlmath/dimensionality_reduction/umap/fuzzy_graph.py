"""The high-dimensional fuzzy graph of UMAP: exact neighbours, the local scales and the union.

For each point $\\vx_i$ the distance $\\rho_i$ to its nearest neighbour and the scale $\\sigma_i$
of {eq}`eq-umap-sigma` turn the distances to its $k$ nearest neighbours into membership
strengths {eq}`eq-umap-membership`, and the fuzzy union {eq}`eq-umap-union` symmetrises them.
The semantics (tolerances, the floor on $\\sigma_i$, the handling of zero distances) are those of
umap-learn's ``smooth_knn_dist`` and ``fuzzy_simplicial_set``; the bisection runs for all points
at once as array operations.
"""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from scipy.spatial.distance import cdist

from mlmath.validation import Interval, as_finite_array, check_option, check_parameter

__all__ = [
    "exact_knn",
    "smooth_knn_dist",
    "membership_strengths",
    "fuzzy_union",
    "fuzzy_simplicial_set",
]

SMOOTH_K_TOLERANCE = 1e-5  # umap-learn's tolerance on the sum of memberships
MIN_K_DIST_SCALE = 1e-3  # floor of sigma_i, as a fraction of the mean neighbour distance
_FLOAT32_MAX = float(np.finfo(np.float32).max)  # umap-learn's "no upper bound yet"


def exact_knn(X, n_neighbors, *, metric="euclidean"):
    """The exact ``n_neighbors`` nearest neighbours of every row of ``X``, itself included.

    Brute force over all pairs, in blocks of ``2**22 // max(n, k d)`` rows, so that the memory
    is ``O(n * k + n * d)`` floats (the output and the centred copy) plus a few working arrays of
    about ``2**22`` floats, whatever the metric (the Manhattan distances
    of a block come from scipy's ``cdist``, which never forms the ``(block, n, d)`` array of
    differences): for the small data sets of the chapter, where an approximate search is not
    needed. Euclidean candidates come from the expansion
    $\\lVert\\vx\\rVert^2 - 2\\vx^\\top\\vx' + \\lVert\\vx'\\rVert^2$ of the *centred* data (the
    distances do not change, and a large common offset no longer cancels catastrophically); the
    distances of the kept neighbours are then recomputed from direct differences.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data; finite.
    n_neighbors : int
        Neighbours per point, the point itself counted (as umap-learn counts them); at least 2
        and at most ``n_samples``.
    metric : {"euclidean", "manhattan", "cosine"}, default="euclidean"

    Returns
    -------
    indices : ndarray of shape (n_samples, n_neighbors)
        Neighbour indices, nearest first; column 0 is always the point itself, ahead of any
        duplicate of it.
    distances : ndarray of shape (n_samples, n_neighbors)
        The matching distances, non-decreasing along each row.

    Notes
    -----
    The input of {eq}`eq-umap-sigma` of the UMAP chapter.
    """
    check_option(metric, "metric", ["euclidean", "manhattan", "cosine"], owner="exact_knn")
    X = as_finite_array(X, "X", ndim=2, min_size=1)
    n = X.shape[0]
    k = check_parameter(n_neighbors, "n_neighbors", [Interval(Integral, 2, None)],
                        owner="exact_knn")
    if k > n:
        raise ValueError(f"n_neighbors={k} is larger than the number of samples, {n}.")
    if metric == "cosine":
        norms = np.linalg.norm(X, axis=1, keepdims=True)
        if np.any(norms == 0):
            raise ValueError("the cosine distance is undefined for a row of zeros.")
        Y = X / norms  # unit vectors: not centred, the cosine is not translation invariant
    elif metric == "euclidean":
        Y = X - X.mean(axis=0)  # translation invariant; removes a common offset
    else:
        Y = X
    sq = np.einsum("ij,ij->i", Y, Y)
    indices = np.empty((n, k), dtype=np.int64)
    distances = np.empty((n, k))
    # a block holds (block, n) distances and (block, k, d) differences: at most about 2**22 each
    block = max(1, 2**22 // max(n, k * X.shape[1]))
    for start in range(0, n, block):
        rows = slice(start, min(n, start + block))
        if metric == "manhattan":
            D = cdist(Y[rows], Y, metric="cityblock")  # (block, n), no (block, n, d) array
        else:  # squared Euclidean by the expansion, then the exact distance of the k kept
            D = sq[rows, None] - 2.0 * Y[rows] @ Y.T + sq[None, :]
            np.maximum(D, 0.0, out=D)
        own = np.arange(rows.start, rows.stop)
        D[np.arange(D.shape[0]), own] = -1.0  # the point itself comes first
        part = np.argpartition(D, k - 1, axis=1)[:, :k]
        part_d = np.take_along_axis(D, part, axis=1)
        order = np.argsort(part_d, axis=1, kind="stable")
        idx = np.take_along_axis(part, order, axis=1)
        indices[rows] = idx
        if metric == "manhattan":
            dist = np.abs(Y[rows, None, :] - Y[idx]).sum(axis=2)
        else:  # recompute the kept distances directly: the expansion cancels for close points
            diff = Y[rows, None, :] - Y[idx]
            dist = np.sqrt(np.einsum("ijk,ijk->ij", diff, diff))
        distances[rows] = dist
    if metric == "cosine":  # 1 - cos = |u - v|^2 / 2 for unit vectors
        distances = distances**2 / 2.0
    # re-sort after the exact recomputation (the expansion may swap near-ties); the stable
    # sort keeps the point itself ahead of its duplicates
    order = np.argsort(distances, axis=1, kind="stable")
    return np.take_along_axis(indices, order, axis=1), np.take_along_axis(distances, order, axis=1)


def smooth_knn_dist(distances, k, *, local_connectivity=1.0, n_iter=64, bandwidth=1.0):
    """The local connectivity $\\rho_i$ and scale $\\sigma_i$ of every point.

    $\\rho_i$ is the distance to the ``local_connectivity``-th nearest neighbour at a positive
    distance (interpolated for a fractional value). $\\sigma_i$ solves
    $\\sum_{j \\ge 2} \\exp(-\\max(0, \\Delta_{ij} - \\rho_i)/\\sigma_i) = \\log_2 k$ (the sum
    over the neighbours other than the point itself) by bisection, stopped when the sum is within
    ``1e-5`` of the target or after ``n_iter`` halvings; it is then floored at ``1e-3`` times the
    mean distance to the neighbours (of this point if $\\rho_i > 0$, of all points otherwise).

    Parameters
    ----------
    distances : array-like of shape (n_samples, n_neighbors)
        Distances to the neighbours, each row sorted, column 0 the point itself.
    k : float
        The target's argument, normally ``n_neighbors``.
    local_connectivity : float, default=1.0
        How many nearest neighbours are taken as fully connected; positive.
    n_iter : int, default=64
        Most bisection steps.
    bandwidth : float, default=1.0
        Multiplies the target $\\log_2 k$.

    Returns
    -------
    sigmas : ndarray of shape (n_samples,)
    rhos : ndarray of shape (n_samples,)

    Notes
    -----
    Implements {eq}`eq-umap-rho` and {eq}`eq-umap-sigma` of the UMAP chapter.
    """
    D = as_finite_array(distances, "distances", ndim=2, min_size=1)
    if np.any(D < 0):
        raise ValueError("distances must be non-negative.")
    lc = float(check_parameter(local_connectivity, "local_connectivity",
                               [Interval(Real, 0.0, None, closed="neither")],
                               owner="smooth_knn_dist"))
    n, m = D.shape
    target = np.log2(k) * bandwidth

    # rho_i: the (interpolated) local_connectivity-th positive distance
    positive = D > 0.0
    n_pos = positive.sum(axis=1)
    # positive distances moved to the front of each row, in order (rows are sorted)
    pos_sorted = np.where(positive, D, np.inf)
    pos_sorted = np.sort(pos_sorted, axis=1)
    index = int(np.floor(lc))
    frac = lc - index
    rhos = np.zeros(n)
    enough = n_pos >= lc
    if index > 0:
        lower = pos_sorted[:, min(index - 1, m - 1)]
        rhos[enough] = lower[enough]
        if frac > SMOOTH_K_TOLERANCE and index < m:
            upper = pos_sorted[:, index]
            step = np.where(np.isfinite(upper), upper - lower, np.nan)
            rhos[enough] += frac * step[enough]
    else:
        rhos[enough] = frac * pos_sorted[enough, 0]
    some = ~enough & (n_pos > 0)
    rhos[some] = np.max(np.where(positive, D, 0.0), axis=1)[some]

    # sigma_i: bisection on the sum of memberships, all points at once
    excess = D[:, 1:] - rhos[:, None]  # (n, m - 1)
    lo = np.zeros(n)
    hi = np.full(n, _FLOAT32_MAX)
    mid = np.ones(n)
    active = np.ones(n, dtype=bool)
    for _ in range(n_iter):
        if not active.any():
            break
        with np.errstate(over="ignore"):
            terms = np.where(excess > 0, np.exp(-excess / mid[:, None]), 1.0)
        psum = terms.sum(axis=1)
        done = np.abs(psum - target) < SMOOTH_K_TOLERANCE
        active &= ~done
        down = active & (psum > target)
        up = active & ~(psum > target)
        hi = np.where(down, mid, hi)
        lo = np.where(up, mid, lo)
        unbounded = hi >= _FLOAT32_MAX
        mid = np.where(down | (up & ~unbounded), (lo + hi) / 2.0,
                       np.where(up & unbounded, mid * 2.0, mid))
    sigmas = mid
    floor = np.where(rhos > 0.0, MIN_K_DIST_SCALE * D.mean(axis=1), MIN_K_DIST_SCALE * D.mean())
    sigmas = np.maximum(sigmas, floor)
    return sigmas, rhos


def membership_strengths(knn_indices, knn_dists, sigmas, rhos):
    """The directed membership strengths $v_{j|i}$ as a sparse matrix.

    $v_{j|i} = \\exp(-\\max(0, \\Delta_{ij} - \\rho_i)/\\sigma_i)$ for the neighbours $j \\ne i$
    of $i$, zero for the point itself and for non-neighbours.

    Parameters
    ----------
    knn_indices : array-like of int, shape (n_samples, n_neighbors)
    knn_dists : array-like of shape (n_samples, n_neighbors)
    sigmas : array-like of shape (n_samples,)
    rhos : array-like of shape (n_samples,)

    Returns
    -------
    scipy.sparse.csr_matrix of shape (n_samples, n_samples)
        Row $i$ holds $v_{j|i}$; not symmetric.

    Notes
    -----
    Implements {eq}`eq-umap-membership` of the UMAP chapter.
    """
    idx = np.asarray(knn_indices, dtype=np.int64)
    D = as_finite_array(knn_dists, "knn_dists", ndim=2)
    sigmas = np.asarray(sigmas, dtype=float)
    rhos = np.asarray(rhos, dtype=float)
    n, m = idx.shape
    excess = D - rhos[:, None]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        vals = np.where((excess <= 0) | (sigmas[:, None] == 0), 1.0,
                        np.exp(-excess / sigmas[:, None]))
    rows = np.repeat(np.arange(n), m)
    vals = np.where(idx == np.arange(n)[:, None], 0.0, vals).ravel()
    A = sp.csr_matrix((vals, (rows, idx.ravel())), shape=(n, n))
    A.eliminate_zeros()
    return A


def fuzzy_union(A, set_op_mix_ratio=1.0):
    """Symmetrise directed memberships by the fuzzy union (probabilistic t-conorm).

    Returns $r(\\mA + \\mA^\\top - \\mA \\circ \\mA^\\top) + (1 - r)\\,\\mA \\circ \\mA^\\top$ with
    $r$ = ``set_op_mix_ratio``: the union at $r = 1$, the intersection at $r = 0$.

    Parameters
    ----------
    A : scipy.sparse matrix of shape (n_samples, n_samples)
        Directed memberships, entries in $[0, 1]$.
    set_op_mix_ratio : float in [0, 1], default=1.0

    Returns
    -------
    scipy.sparse.csr_matrix of shape (n_samples, n_samples)
        Symmetric, entries in $[0, 1]$.

    Notes
    -----
    Implements {eq}`eq-umap-union` of the UMAP chapter.
    """
    r = float(check_parameter(set_op_mix_ratio, "set_op_mix_ratio", [Interval(Real, 0.0, 1.0)],
                              owner="fuzzy_union"))
    A = sp.csr_matrix(A)
    At = A.T.tocsr()
    prod = A.multiply(At)
    G = (r * (A + At - prod) + (1.0 - r) * prod).tocsr()
    G.eliminate_zeros()
    return G


def fuzzy_simplicial_set(X, n_neighbors=15, *, metric="euclidean", local_connectivity=1.0,
                         set_op_mix_ratio=1.0, knn=None):
    """UMAP's fuzzy graph of ``X``: exact neighbours, local scales, memberships, union.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    n_neighbors : int, default=15
        Neighbours per point, itself included.
    metric : {"euclidean", "manhattan", "cosine"}, default="euclidean"
    local_connectivity : float, default=1.0
    set_op_mix_ratio : float in [0, 1], default=1.0
    knn : tuple (indices, distances) or None, default=None
        Precomputed neighbours (as :func:`exact_knn` returns them); computed when ``None``.

    Returns
    -------
    graph : scipy.sparse.csr_matrix of shape (n_samples, n_samples)
        The symmetric membership strengths $v_{ij}$.
    sigmas : ndarray of shape (n_samples,)
    rhos : ndarray of shape (n_samples,)

    Notes
    -----
    Implements {eq}`eq-umap-membership` and {eq}`eq-umap-union` of the UMAP chapter.
    """
    if knn is None:
        knn = exact_knn(X, n_neighbors, metric=metric)
    indices, distances = knn
    sigmas, rhos = smooth_knn_dist(distances, float(n_neighbors),
                                   local_connectivity=local_connectivity)
    A = membership_strengths(indices, distances, sigmas, rhos)
    return fuzzy_union(A, set_op_mix_ratio), sigmas, rhos
