r"""The :math:`\epsilon`-neighbourhoods of all points, as one sparse (CSR) structure.

The neighbourhood :math:`N_\epsilon(\vx_i)` of {eq}`eq-dbscan-neighbourhood` is stored for all
``i`` at once in two arrays, as the rows of a compressed sparse row matrix: the indices of the
neighbours of point ``i`` are ``indices[indptr[i]:indptr[i + 1]]``. The memory is
:math:`O(n + P)` for :math:`P` neighbour pairs; no :math:`n \times n` array is ever formed. Two
searches produce it, with the same arithmetic (the same operations, rounded the same way), so
they return the same sets for every metric and every ``p``:

- ``"brute"``: the distances of a block of rows to all points, a block at a time within a
  memory budget; :math:`O(n^2 d)` time whatever :math:`\epsilon`. For the Euclidean distance
  the expansion by a matrix product decides the pairs it can decide with certainty, and the
  others are recomputed from the differences (:func:`_euclidean_brute`). For a Minkowski
  ``p`` other than 1, 2 and ``inf`` the powers are computed by a compiled loop
  (:func:`reduced_power_sums`) that calls the k-d tree's own ``reduced_add``.
- ``"kd_tree"``: the k-d tree of the k-nearest neighbours chapter
  (:class:`mlmath.supervised.knn.kd_tree.KDTree`), searched for all points within the radius by
  a compiled depth-first loop (:func:`radius_fill`).

A distance is compared with :math:`\epsilon` on the *reduced* scale (the sum of
:math:`|x_j - z_j|^p`, compared with :math:`\epsilon^p`; Chebyshev: the distance itself),
computed from the coordinate differences and summed coordinate by coordinate, as
scikit-learn's k-d tree does in its leaves. The computed value has a small error *relative to
the distance* (for the squared Euclidean distance at most about :math:`(d + 2) u` relative,
with :math:`u = 2^{-53}`), so a pair is misplaced only when its distance lies within about that
relative error of :math:`\epsilon`, and the relation is symmetric (:math:`|x_j - z_j| = |z_j - x_j|`
exactly). The relative bound assumes no underflow: when :math:`\epsilon^p` or the terms fall
below :math:`2^{-1022}` the rounding error is absolute (up to :math:`2^{-1075}` per operation),
and for example :math:`\epsilon = 10^{-170}` gives :math:`\epsilon^2 = 0` and makes points
:math:`1.5 \times 10^{-170}` apart neighbours (scikit-learn does the same).
scikit-learn's brute-force Euclidean search instead expands
:math:`\|\vx\|^2 - 2\vx^\top\vz + \|\vz\|^2`, whose error is relative to the squared norms and
can exceed :math:`\epsilon^2` when the points lie far from the origin. ``"auto"`` chooses the
search by scikit-learn's rule (:func:`auto_algorithm`), for speed only.
"""

import math

import numba
import numpy as np

from mlmath.supervised.knn.distances import effective_metric, rows_in_budget
from mlmath.supervised.knn.kd_tree import KDTree, box_lower_bound, reduced_add

__all__ = ["reduced_radius", "auto_algorithm", "radius_neighbourhoods", "radius_fill",
           "box_upper_bound", "reduced_power_sums"]


def reduced_radius(eps, p):
    r"""The radius on the reduced scale: :math:`\epsilon^p` (Chebyshev: :math:`\epsilon`).

    Parameters
    ----------
    eps : float
        The radius :math:`\epsilon > 0`.
    p : float
        Minkowski exponent, ``p >= 1`` or ``inf``.

    Returns
    -------
    float
        Infinite when :math:`\epsilon^p` exceeds the largest float (as ``eps * eps`` is for
        ``p = 2``): every finite distance is then within the radius.
    """
    if math.isinf(p):
        return float(eps)
    if p == 2.0:
        return float(eps) * float(eps)
    if p == 1.0:
        return float(eps)
    try:
        return float(eps) ** p
    except OverflowError:  # a radius beyond the largest float on the reduced scale: all within
        return math.inf


@numba.njit(cache=True, nogil=True)
def reduced_power_sums(Q, X, p):
    r"""Reduced Minkowski distances :math:`\sum_j |q_j - x_j|^p` for ``p`` not in {1, 2, inf}.

    The loop of :func:`radius_fill`'s leaf scan, run over all pairs: each power is the one the
    k-d tree computes (numba's ``g ** p``, through ``reduced_add``). It is compiled, not
    vectorised, for that reason only: NumPy's ``np.power`` is a different (vectorised)
    implementation whose result differs in the last bit for a few percent of the arguments,
    which would give the brute-force search and the tree different neighbourhoods for a
    distance at a representable :math:`\epsilon`.

    Parameters
    ----------
    Q : ndarray of shape (m, n_features)
    X : ndarray of shape (n, n_features)
    p : float
        Minkowski exponent, ``p >= 1``.

    Returns
    -------
    ndarray of shape (m, n)
        The sums over the coordinates in order, as :func:`radius_fill` computes them.
    """
    R = np.empty((Q.shape[0], X.shape[0]))
    for i in range(Q.shape[0]):
        for k in range(X.shape[0]):
            d = 0.0
            for j in range(Q.shape[1]):
                d = reduced_add(d, abs(Q[i, j] - X[k, j]), p)
            R[i, k] = d
    return R


def _reduced_exact(Q, X, p):
    """Reduced distances (m, n) between the rows of ``Q`` and ``X``, coordinate by coordinate.

    Sums ``|q_j - x_j|^p`` over ``j`` in order (the k-d tree's arithmetic); the temporaries
    are two (m, n) arrays. For p = 1, 2 and inf every operation is one correctly rounded
    NumPy operation, the same as the tree's; any other p goes to :func:`reduced_power_sums`.
    """
    if not (p in (1.0, 2.0) or math.isinf(p)):
        return reduced_power_sums(Q, X, float(p))
    R = np.zeros((Q.shape[0], X.shape[0]))
    T = np.empty_like(R)
    for j in range(Q.shape[1]):  # d passes, each an (m, n) array operation
        np.subtract(Q[:, j, None], X[None, :, j], out=T)
        np.abs(T, out=T)
        if math.isinf(p):
            np.maximum(R, T, out=R)
            continue
        if p == 2.0:
            np.multiply(T, T, out=T)
        R += T
    return R


def _csr(counts, parts):
    indptr = np.zeros(counts.size + 1, dtype=np.intp)
    np.cumsum(counts, out=indptr[1:])
    return indptr, np.concatenate(parts).astype(np.intp, copy=False)


def _brute(X, r, p, working_memory):
    n = X.shape[0]
    step = rows_in_budget(3 * n, working_memory)  # R, T and the mask of one row
    counts = np.empty(n, dtype=np.intp)
    parts = []
    for a in range(0, n, step):
        rows, cols = np.nonzero(_reduced_exact(X[a:a + step], X, p) <= r)
        counts[a:a + step] = np.bincount(rows, minlength=min(step, n - a))
        parts.append(cols)
    return _csr(counts, parts)


def _squared_differences(X, rows, cols):
    """``_reduced_exact`` for p = 2 on the pairs ``(rows[k], cols[k])`` only: the same sums."""
    s = np.zeros(rows.size)
    for j in range(X.shape[1]):
        t = X[rows, j] - X[cols, j]
        s += t * t
    return s


def _euclidean_brute(X, r, working_memory):
    r"""Euclidean brute force: the decisions of :func:`_reduced_exact`, at the speed of BLAS.

    For a block of rows, the squared distance :math:`s = \|\vx - \vz\|^2` is first estimated
    by the expansion: :math:`t = -2\vx^\top\vz + \|\vz\|^2`, one matrix product of
    :math:`[\vx, 1]` with :math:`[-2\vz, \|\vz\|^2]`, is compared with
    :math:`\epsilon^2 - \|\vx\|^2`. With :math:`u = 2^{-53}` (the unit roundoff), the error of
    :math:`t` is at most about :math:`(d + 2) u (\|\vx\|^2 + 3\|\vz\|^2)` in any summation
    order (Higham 2002, section 3.1), and the difference sum of :func:`_reduced_exact` is within
    about :math:`(d + 2) u s` of :math:`s`. A pair whose estimate clears the threshold by more
    than ``E``, a generous multiple of both bounds, is decided by the estimate: the difference
    sum decides it the same way. Every other pair (none on most data; all of them when the
    points lie far from the origin, where the expansion cancels) is recomputed from its
    coordinate differences exactly as :func:`_reduced_exact` does. The result is therefore
    that of the difference sums, and of the k-d tree, whatever the BLAS.
    """
    n, d = X.shape
    sq = np.einsum("ij,ij->i", X, X)
    # eps^2 near the underflow range (the relative bounds fail) or sums that could overflow
    if not (r > 2.0 ** -900 and sq.max() <= np.finfo(np.float64).max / 4.0 - r):  # no overflow
        return _brute(X, r, 2.0, working_memory)
    A = np.hstack([X, np.ones((n, 1))])
    B = np.hstack([-2.0 * X, sq[:, None]])  # A[i] @ B[j] = -2 x_i.x_j + |x_j|^2
    slack = 4.0 * (d + 4) * 2.0 ** -53  # > 2 (d + 2) u plus the rounding of the thresholds
    E = slack * (sq + sq.max() + r) + 4.0 * (d + 4) * np.finfo(np.float64).tiny
    t_in = (r * (1.0 - slack) - sq) - E  # t <= t_in: certainly a neighbour
    t_out = (r * (1.0 + slack) - sq) + E  # t > t_out: certainly not
    # Memory of a block of `step` rows, in 8-byte words per entry when every pair is a
    # candidate (far from the origin): t (1), the candidates' rows and cols (2), then t and
    # t_in at the candidates (2) and masks (< 1/4): under 6. After t is freed, rows, cols,
    # keep and unsure hold under 3.5, and the unsure pairs are recomputed `chunk` at a time,
    # about 8 words each (indices, gathered coordinates, sums): 2 words per entry.
    step = rows_in_budget(6 * n, working_memory)
    chunk = max(1, step * n // 4)
    counts = np.empty(n, dtype=np.intp)
    parts = []
    for a in range(0, n, step):
        t = A[a:a + step] @ B.T
        rows, cols = np.nonzero(t <= t_out[a:a + step, None])  # the candidates
        keep = t[rows, cols] <= t_in[a:a + step][rows]
        del t
        unsure = np.flatnonzero(~keep)  # usually none: recompute from the differences
        for u in range(0, unsure.size, chunk):
            v = unsure[u:u + chunk]
            keep[v] = _squared_differences(X, rows[v] + a, cols[v]) <= r
        counts[a:a + step] = np.bincount(rows[keep], minlength=min(step, n - a))
        parts.append(cols[keep])
    return _csr(counts, parts)


def auto_algorithm(n_samples, n_features):
    """The search scikit-learn's ``algorithm="auto"`` picks for DBSCAN (dense data, p >= 1).

    ``NearestNeighbors`` takes brute force when ``n_features > 15`` or when its default
    ``n_neighbors = 5`` is at least ``n_samples // 2`` (``n_samples <= 11``), and the k-d
    tree otherwise (scikit-learn 1.9.1, ``neighbors/_base.py``). Here the choice affects the
    speed only: both searches return the same neighbourhoods, for every metric and ``p``.

    Parameters
    ----------
    n_samples, n_features : int

    Returns
    -------
    {"brute", "kd_tree"}
    """
    return "brute" if n_features > 15 or 5 >= n_samples // 2 else "kd_tree"


@numba.njit(cache=True, nogil=True)
def box_upper_bound(q, lower, upper, p):
    """Reduced distance from ``q`` to the farthest point of the box ``[lower, upper]``.

    Parameters
    ----------
    q, lower, upper : ndarray of shape (n_features,)
    p : float

    Returns
    -------
    float
        An upper bound on the reduced distance from ``q`` to every point of the box.
    """
    r = 0.0
    for j in range(q.size):
        r = reduced_add(r, max(abs(q[j] - lower[j]), abs(q[j] - upper[j])), p)
    return r


@numba.njit(cache=True, nogil=True)
def radius_fill(Xp, perm, start, end, lower, upper, p, r, first, indptr, indices):
    """Neighbours within reduced radius ``r`` of the points ``Xp[perm]``, from row ``first`` on.

    For each point ``a`` (in the original order): a depth-first search of the tree that skips
    a node whose box lies farther than ``r`` (the box bound of the k-nearest
    neighbours chapter), takes every point of a node whose box lies within ``r`` without
    computing a distance, and otherwise scans a leaf point by point. The loop is compiled
    because it is sequential: the nodes visited depend on the comparisons made so far, and the
    interpreter's cost per node would exceed its :math:`O(d)` arithmetic.

    Parameters
    ----------
    Xp : ndarray of shape (n_samples, n_features)
        The points in the tree's node order (``data[perm]``).
    perm : ndarray of shape (n_samples,)
        Position in node order -> original index.
    start, end : ndarray of shape (n_nodes,)
    lower, upper : ndarray of shape (n_nodes, n_features)
        The tree's node ranges and boxes.
    p : float
    r : float
        The reduced radius (:func:`reduced_radius`).
    first : int
        The first point (original index) to search for.
    indptr : ndarray of shape (n_samples + 1,)
        ``indptr[first]`` is set on entry; filled for the rows done.
    indices : ndarray
        The output buffer, written from ``indptr[first]`` on.

    Returns
    -------
    int
        The number of points done: ``n_samples`` if all fitted in ``indices``, otherwise the
        first point whose neighbours did not fit (its row is not written).
    """
    n = Xp.shape[0]
    n_nodes = start.size
    first_leaf = n_nodes // 2
    inv = np.empty(n, dtype=np.intp)  # original index -> position in node order
    for i in range(n):
        inv[perm[i]] = i
    stack = np.empty(64, dtype=np.intp)
    cap = indices.size
    for a in range(first, n):
        q = Xp[inv[a]]
        pos = indptr[a]
        stack[0], top = 0, 1
        while top > 0:
            top -= 1
            v = stack[top]
            if box_lower_bound(q, lower[v], upper[v], p) > r:
                continue  # the whole box is outside the ball
            if box_upper_bound(q, lower[v], upper[v], p) <= r:  # the whole box is inside
                if pos + end[v] - start[v] > cap:
                    return a
                for i in range(start[v], end[v]):
                    indices[pos] = perm[i]
                    pos += 1
            elif v >= first_leaf:
                for i in range(start[v], end[v]):
                    d = 0.0
                    for j in range(q.size):
                        d = reduced_add(d, abs(q[j] - Xp[i, j]), p)
                    if d <= r:
                        if pos >= cap:
                            return a
                        indices[pos] = perm[i]
                        pos += 1
            else:
                stack[top], stack[top + 1] = 2 * v + 2, 2 * v + 1
                top += 2
        indptr[a + 1] = pos
    return n


def _kd_tree(X, r, p, leaf_size):
    tree = KDTree(X, leaf_size=leaf_size, p=p)
    n = X.shape[0]
    Xp = np.ascontiguousarray(X[tree.perm])
    indptr = np.zeros(n + 1, dtype=np.intp)
    indices = np.empty(max(16 * n, 1024), dtype=np.intp)
    done = 0
    while True:
        done = radius_fill(Xp, tree.perm, tree.start, tree.end, tree.lower, tree.upper,
                           float(p), float(r), done, indptr, indices)
        if done == n:
            return indptr, indices[:indptr[n]].copy()
        # out of room: double the buffer (amortised O(1) copies per pair) and resume
        grown = np.empty(2 * indices.size + n, dtype=np.intp)
        grown[:indptr[done]] = indices[:indptr[done]]
        indices = grown


def radius_neighbourhoods(X, eps, *, metric="euclidean", p=None, algorithm="auto",
                          leaf_size=30, working_memory=None):
    r"""The :math:`\epsilon`-neighbourhood {eq}`eq-dbscan-neighbourhood` of every point.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Finite float64 points.
    eps : float
        The radius :math:`\epsilon > 0`; a point at distance exactly ``eps`` is a neighbour.
    metric : {"euclidean", "manhattan", "chebyshev", "minkowski"}, default="euclidean"
    p : float or None, default=None
        Minkowski exponent (``p >= 1``) for ``"minkowski"``; ``None`` means 2.
    algorithm : {"auto", "brute", "kd_tree"}, default="auto"
        Both give the same sets; ``"auto"`` picks as scikit-learn does
        (:func:`auto_algorithm`): brute force for more than 15 features or at most 11 points,
        the k-d tree otherwise.
    leaf_size : int, default=30
        Leaf size of the k-d tree.
    working_memory : float, default=None
        Budget in MiB of one block of the brute-force search.

    Returns
    -------
    indptr : ndarray of shape (n_samples + 1,)
    indices : ndarray of shape (indptr[-1],)
        The neighbours of point ``i`` (itself included) are ``indices[indptr[i]:indptr[i+1]]``,
        in no particular order; ``j`` is a neighbour of ``i`` exactly when ``i`` is one of
        ``j``.

    Notes
    -----
    Implements {eq}`eq-dbscan-neighbourhood` of the DBSCAN chapter; memory
    :math:`O(n + P)` for :math:`P` pairs, time as in {ref}`sec-dbscan-complexity`.
    """
    _, p = effective_metric(metric, 2.0 if p is None else p)
    r = reduced_radius(eps, p)
    X = np.ascontiguousarray(X, dtype=np.float64)
    if algorithm == "auto":
        algorithm = auto_algorithm(*X.shape)
    if algorithm == "brute":
        if p == 2.0:
            return _euclidean_brute(X, r, working_memory)
        return _brute(X, r, p, working_memory)
    return _kd_tree(X, r, p, leaf_size)
