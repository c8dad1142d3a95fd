r"""Pairwise distances and brute-force nearest neighbours, in chunks of bounded memory.

The Euclidean distances use the expansion
:math:`\|\vx - \vz\|_2^2 = \|\vx\|_2^2 - 2\vx^\top\vz + \|\vz\|_2^2`, one matrix product for a
whole block of queries ({eq}`eq-knn-sq-expansion` of the k-nearest neighbours chapter); the
other Minkowski distances accumulate one feature at a time. Queries are processed in chunks
whose rows are chosen so that the temporary arrays stay within a memory budget of a few MiB
({eq}`eq-knn-chunk-rows`), and each chunk is reduced at once to its ``k`` nearest neighbours
by a threshold on group minima ({eq}`eq-knn-group-threshold`); the chunks can run on several
threads.
"""

import math

import numpy as np
import sklearn
from joblib import Parallel, delayed

from mlmath.validation import check_squares_representable

__all__ = [
    "METRICS",
    "effective_metric",
    "reduced_to_distance",
    "pairwise_distances",
    "chunk_rows",
    "rows_in_budget",
    "chunk_words_per_row",
    "k_smallest",
    "run_chunks",
    "kneighbors_brute",
    "SEARCH_MEMORY_MIB",
]

# metric name -> the Minkowski exponent it stands for
METRICS = {"euclidean": 2.0, "manhattan": 1.0, "chebyshev": math.inf, "minkowski": None}

#: Default budget (MiB) of one chunk of a chunked computation (a neighbour search, the SVM's
#: decision function): a block of a few MiB stays near the processor's caches, where the passes
#: over it run at cache speed, not memory speed, and the memory used does not grow with the
#: number of queries.
SEARCH_MEMORY_MIB = 8

def effective_metric(metric, p):
    """The metric actually computed, as scikit-learn's ``effective_metric_``.

    ``"minkowski"`` with ``p = 1``, ``2`` or ``inf`` becomes ``"manhattan"``, ``"euclidean"`` or
    ``"chebyshev"``; the named metrics ignore ``p``.

    Parameters
    ----------
    metric : {"minkowski", "euclidean", "manhattan", "chebyshev"}
    p : float
        Minkowski exponent, ``p >= 1`` (``inf`` allowed); used with ``"minkowski"`` only.

    Returns
    -------
    name : str
        One of ``"euclidean"``, ``"manhattan"``, ``"chebyshev"``, ``"minkowski"``.
    p : float
        The exponent of that metric (``inf`` for Chebyshev).
    """
    if metric not in METRICS:
        raise ValueError(f"The 'metric' parameter must be one of {list(METRICS)}; got {metric!r}.")
    if metric != "minkowski":
        return metric, METRICS[metric]
    p = float(p)
    for name, q in METRICS.items():
        if q == p:
            return name, q
    return "minkowski", p


def reduced_to_distance(R, p):
    """Turn reduced distances into distances.

    The *reduced* distance is :math:`\\sum_j |x_j - z_j|^p` for finite ``p`` and the distance
    itself for ``p = inf``; it is an increasing function of the distance, so nearest neighbours
    can be found on it and the root taken for the ``k`` survivors only.

    Parameters
    ----------
    R : ndarray
        Reduced distances (non-negative).
    p : float

    Returns
    -------
    ndarray
        Distances, same shape as ``R``.
    """
    if math.isinf(p):
        return R
    if p == 2.0:
        return np.sqrt(R)
    if p == 1.0:
        return R
    return R ** (1.0 / p)


def _reduced_block(Q, Z, p, Z_sq_norms=None):
    """Reduced distances between the rows of ``Q`` (m, d) and ``Z`` (n, d): shape (m, n).

    Euclidean: squared distances by the expansion, clipped at zero. Other ``p``: one feature at
    a time, so the temporaries are (m, n), never (m, n, d).
    """
    if p == 2.0:
        if Z_sq_norms is None:
            Z_sq_norms = np.einsum("ij,ij->i", Z, Z)
        R = Q @ Z.T  # (m, n)
        R *= -2.0
        R += np.einsum("ij,ij->i", Q, Q)[:, None]
        R += Z_sq_norms[None, :]
        np.maximum(R, 0.0, out=R)  # rounding can make a tiny squared distance negative
        return R
    m, n = Q.shape[0], Z.shape[0]
    R = np.zeros((m, n))
    T = np.empty((m, n))
    for j in range(Q.shape[1]):  # a loop over the d features; each step is an (m, n) operation
        np.subtract(Q[:, j, None], Z[None, :, j], out=T)
        np.abs(T, out=T)
        if math.isinf(p):
            np.maximum(R, T, out=R)
        else:
            if p != 1.0:
                np.power(T, p, out=T)
            R += T
    return R


def pairwise_distances(X, Z, *, metric="euclidean", p=2.0):
    """Distances between every row of ``X`` and every row of ``Z``.

    Parameters
    ----------
    X : ndarray of shape (n_queries, n_features)
    Z : ndarray of shape (n_samples, n_features)
    metric : {"euclidean", "manhattan", "chebyshev", "minkowski"}, default="euclidean"
    p : float, default=2.0
        Exponent of ``"minkowski"``, ``p >= 1``.

    Returns
    -------
    D : ndarray of shape (n_queries, n_samples)

    Notes
    -----
    Implements {eq}`eq-knn-minkowski`; the Euclidean case uses {eq}`eq-knn-sq-expansion` of the
    k-nearest neighbours chapter. The whole matrix is built at once: for large inputs use
    :func:`kneighbors_brute`, which works in chunks.
    """
    _, p = effective_metric(metric, p)
    X = np.asarray(X, dtype=float)
    Z = np.asarray(Z, dtype=float)
    check_squares_representable(X, p=p, underflow=False)  # else inf or 0: meaningless
    check_squares_representable(Z, p=p)
    return reduced_to_distance(_reduced_block(X, Z, p), p)


def chunk_words_per_row(n_samples, n_neighbors, n_features):
    """Peak number of 8-byte words that one query row of a chunk holds in ``kneighbors_brute``.

    With ``n`` fitted points, ``k`` neighbours and ``d`` features the NumPy arrays of one chunk
    take, per query row, at most ``d + max(2 n + k, k d + 2 k, 4 k)`` words: the centred
    queries (``d``, Euclidean only) and, at the worst moment of each phase, the distance row
    and the temporaries of its selection (``2 n + k`` at most: the row's partitioned copy, or
    its masks, running counts and kept indices), or the ``k x d`` differences of the kept
    neighbours with their indices and squared distances (``k d + 2 k``), or the four arrays of
    length ``k`` of the final sort (``4 k``) ({eq}`eq-knn-chunk-rows` of the k-nearest
    neighbours chapter). The count is an upper bound; for the Euclidean distance it is
    reached, within ``k`` words per row, when every row of a chunk falls back to the
    selection over the whole row (:func:`k_smallest`).

    Parameters
    ----------
    n_samples, n_neighbors, n_features : int
        ``n``, ``k`` and ``d``.

    Returns
    -------
    int
    """
    n, k, d = int(n_samples), int(n_neighbors), int(n_features)
    return d + max(2 * n + k, k * d + 2 * k, 4 * k)


def rows_in_budget(words_per_row, working_memory=None):
    """How many rows of ``words_per_row`` 8-byte words fit in a memory budget (at least one).

    Parameters
    ----------
    words_per_row : int
        Temporaries of one row, in 8-byte words.
    working_memory : float, default=None
        Budget in MiB; ``None`` takes the smaller of scikit-learn's ``working_memory`` setting
        (``sklearn.get_config()``, 1024 MiB unless changed) and :data:`SEARCH_MEMORY_MIB`.

    Returns
    -------
    int
    """
    working_memory = _search_memory(working_memory)
    if not working_memory > 0:
        raise ValueError(f"working_memory must be positive (MiB), got {working_memory}.")
    return max(1, int(working_memory * 2**20 // (8 * max(int(words_per_row), 1))))


def chunk_rows(n_samples, working_memory=None, *, n_neighbors=0, n_features=0):
    """Number of query rows per chunk so that the temporaries fit in ``working_memory`` MiB.

    One chunk of ``m`` queries holds at most ``8 * m * chunk_words_per_row(n, k, d)`` bytes
    of temporary arrays ({eq}`eq-knn-chunk-rows`), so ``m`` is the budget divided by
    ``8 * chunk_words_per_row(n, k, d)``, at least 1.

    Parameters
    ----------
    n_samples : int
        Number of fitted points ``n``.
    working_memory : float, default=None
        Budget in MiB; ``None`` takes the smaller of scikit-learn's ``working_memory`` setting
        (``sklearn.get_config()``, 1024 MiB unless changed) and :data:`SEARCH_MEMORY_MIB`.
    n_neighbors : int, default=0
        ``k``.
    n_features : int, default=0
        ``d``.

    Returns
    -------
    int
    """
    words = chunk_words_per_row(max(int(n_samples), 1), n_neighbors, n_features)
    return rows_in_budget(words, working_memory)


def _first_k(R, k):
    """Columns of the ``k`` first entries of each row of ``R`` in (value, column) order.

    ``np.partition`` finds each row's ``k``-th smallest value ``t`` in linear time
    (introselect); the row's entries ``<= t`` are taken, and where more than ``k`` of them
    are (entries tied at ``t``), the tied ones of largest columns are dropped. Every row is
    handled on its own: its result depends on its entries only.

    Parameters
    ----------
    R : ndarray of shape (m, n)
        Finite values.
    k : int
        ``1 <= k <= n``.

    Returns
    -------
    J : ndarray of shape (m, k)
        In increasing column order within each row.
    """
    m, n = R.shape
    t = np.partition(R, k - 1, axis=1)[:, k - 1].copy()  # (m,) each row's k-th smallest
    take = R <= t[:, None]  # (m, n): at least k per row
    extra = np.count_nonzero(take, axis=1) - k  # entries tied at t beyond the k slots
    for i in np.flatnonzero(extra):  # rows with ties at t, one at a time: O(n) temporaries
        take[i, np.flatnonzero(R[i] == t[i])[-extra[i]:]] = False  # drop the last tied ones
    return (np.flatnonzero(take) % n).reshape(m, k)  # exactly k per row, row by row


def k_smallest(R, k, *, group=16):
    """Column indices of the ``k`` smallest entries of every row of ``R``, ties by column.

    A row's ``k`` smallest entries lie at or below the ``k``-th smallest of its *group minima*:
    split the ``n`` columns into ``n_grp = n // group`` groups (column ``j`` in group
    ``j mod n_grp``) and take the minimum of each group; ``k`` groups have a minimum at or
    below the ``k``-th smallest minimum ``tau_g``, so at least ``k`` entries are ``<= tau_g``
    ({eq}`eq-knn-group-threshold` of the k-nearest neighbours chapter). The minima cost one
    pass over the row, the selection of ``tau_g`` works on ``n_grp`` numbers instead of ``n``,
    and the entries ``<= tau_g`` (about ``k`` for data in random order, at most
    ``(group + 1) k`` when the group minima are distinct) are the row's candidates, among which
    :func:`_first_k` selects. A row with more than ``min((group + 1) k, n_grp)`` candidates
    (group minima tied at ``tau_g``: duplicated points) falls back to :func:`_first_k` over the
    whole row, as does every row when the groups are too few (``n_grp < 2 k``). The decision
    is taken row by row, and both ways select the same entries (the ``k`` first in (value,
    column) order), so a row's result never depends on the other rows of ``R``.

    Parameters
    ----------
    R : ndarray of shape (m, n)
        Finite values (reduced distances).
    k : int
        ``1 <= k <= n``.
    group : int, default=16
        Number of columns per group.

    Returns
    -------
    J : ndarray of shape (m, k)
        The columns of the ``k`` first entries of each row in (value, column) order: the ``k``
        smallest, ties at the ``k``-th value going to the smallest columns; within a row in
        increasing column order.
    """
    m, n = R.shape
    n_grp = n // group
    if k == n:
        return np.broadcast_to(np.arange(n), R.shape).copy()
    if n_grp < 2 * k:
        return _first_k(R, k)
    G = R[:, :group * n_grp].reshape(m, group, n_grp).min(axis=1)  # (m, n_grp) group minima
    for a in range(group * n_grp, n, n_grp):  # the last n mod group columns join the first groups
        width = min(n_grp, n - a)
        np.minimum(G[:, :width], R[:, a:a + width], out=G[:, :width])
    tau = np.partition(G, k - 1, axis=1)[:, k - 1]  # (m,) the thresholds tau_g
    del G
    below = R <= tau[:, None]  # (m, n) booleans: the candidates
    count = np.count_nonzero(below, axis=1)  # (m,) candidates per row, >= k
    grouped = count <= min((group + 1) * k, n_grp)  # the others fall back, row by row
    J = np.empty((m, k), dtype=np.intp)
    if np.any(grouped):
        below[~grouped] = False
        flat = np.flatnonzero(below)  # the candidates, row by row, columns increasing
        del below
        rows = flat // n
        slot = np.cumsum(grouped) - 1  # each grouped row's place among the grouped rows
        first = np.cumsum(count[grouped]) - count[grouped]  # its first candidate in flat
        pos = np.arange(flat.size) - first[slot[rows]]  # each candidate's place in its row
        width = int(count[grouped].max())
        P = np.full((first.size, width), np.inf)  # (m_grouped, width) candidates, padded
        P[slot[rows], pos] = R.ravel()[flat]
        C = np.zeros((first.size, width), dtype=np.intp)  # their columns
        C[slot[rows], pos] = flat - n * rows
        del flat, rows, pos
        J[grouped] = np.take_along_axis(C, _first_k(P, k), axis=1)
        del P, C
    else:
        del below
    if not np.all(grouped):
        if not np.any(grouped):
            return _first_k(R, k)
        for i in np.flatnonzero(~grouped):  # one row at a time: O(n) temporaries
            J[i] = _first_k(R[i:i + 1], k)[0]
    return J


def _search_memory(working_memory):
    """The budget (MiB) of one chunk of a search: ``working_memory``, or by default the smaller
    of scikit-learn's ``working_memory`` setting and :data:`SEARCH_MEMORY_MIB`."""
    if working_memory is None:
        return min(sklearn.get_config()["working_memory"], SEARCH_MEMORY_MIB)
    return working_memory


def run_chunks(fn, n_rows, step, n_jobs=None):
    """Call ``fn(rows)`` for consecutive slices of ``step`` rows, on ``n_jobs`` threads.

    The slices are the same whatever ``n_jobs``, and each call writes its own rows of the
    output, so the result does not depend on ``n_jobs``.

    Parameters
    ----------
    fn : callable
        Called with one ``slice`` of rows; its return value is ignored.
    n_rows : int
        Total number of rows.
    step : int
        Rows per slice.
    n_jobs : int or None, default=None
        Number of threads (joblib's convention: ``None`` and 1 run in the calling thread,
        ``-1`` uses every core). NumPy releases the GIL in its array loops and BLAS calls, so
        threads run the chunks in parallel.

    Returns
    -------
    None
    """
    slices = (slice(a, min(a + step, n_rows)) for a in range(0, n_rows, step))  # lazily
    if n_jobs in (None, 1) or n_rows <= step:
        for rows in slices:
            fn(rows)
        return
    Parallel(n_jobs=n_jobs, backend="threading")(delayed(fn)(rows) for rows in slices)


def kneighbors_brute(X, Z, n_neighbors, *, metric="euclidean", p=2.0, working_memory=None,
                     return_distance=True, n_jobs=None):
    """The ``n_neighbors`` nearest rows of ``Z`` for every row of ``X``, by exhaustive search.

    Queries are processed in chunks of :func:`chunk_rows` rows. For each chunk the reduced
    distances to all of ``Z`` are computed, :func:`k_smallest` selects the ``k`` smallest of
    each row, and only those ``k`` are sorted. In the Euclidean case the ``k`` selected
    distances are recomputed from the differences, which removes the cancellation error of the
    expansion from the returned distances.

    Parameters
    ----------
    X : ndarray of shape (n_queries, n_features)
    Z : ndarray of shape (n_samples, n_features)
    n_neighbors : int
        ``1 <= n_neighbors <= n_samples``.
    metric : {"euclidean", "manhattan", "chebyshev", "minkowski"}, default="euclidean"
    p : float, default=2.0
    working_memory : float, default=None
        Memory budget of the temporaries of one chunk in MiB (see :func:`chunk_rows`); ``None``
        takes the smaller of scikit-learn's ``working_memory`` setting and
        :data:`SEARCH_MEMORY_MIB`, a block that stays near the processor's caches.
    return_distance : bool, default=True
    n_jobs : int or None, default=None
        Threads over the chunks (:func:`run_chunks`); each holds one chunk's temporaries. The
        result is the same for every ``n_jobs``.

    Returns
    -------
    dist : ndarray of shape (n_queries, n_neighbors)
        Only when ``return_distance``; increasing along each row.
    ind : ndarray of shape (n_queries, n_neighbors)
        Indices into ``Z``, ordered by (distance, index). Among points tied at the
        ``n_neighbors``-th computed (reduced) distance, those of smallest index enter; a
        query's neighbours do not depend on the other queries, except, for ``p = 2``, through
        the rounding of the matrix product of its chunk, which can separate two copies of one
        point and so decide which of tied points enter.

    Notes
    -----
    Implements {prf:ref}`alg-knn-brute` with {eq}`eq-knn-sq-expansion` and
    {eq}`eq-knn-chunk-rows` of the k-nearest neighbours chapter.
    """
    _, p = effective_metric(metric, p)
    X = np.asarray(X, dtype=float)
    Z = np.asarray(Z, dtype=float)
    check_squares_representable(X, p=p, underflow=False)  # else arbitrary neighbours
    check_squares_representable(Z, p=p)
    n_q, n = X.shape[0], Z.shape[0]
    k = int(n_neighbors)
    if not 1 <= k <= n:
        raise ValueError(f"n_neighbors must be in [1, {n}] (the number of points), got {k}.")
    shift = None
    if p == 2.0:
        # Translating both sets by the same vector changes no distance but shrinks the norms,
        # and with them the rounding error of the expansion (see the chapter). The training
        # points are centred once, the queries chunk by chunk.
        shift = Z.mean(axis=0)
        Z = Z - shift
    Z_sq = np.einsum("ij,ij->i", Z, Z) if p == 2.0 else None
    dist = np.empty((n_q, k))
    ind = np.empty((n_q, k), dtype=np.intp)

    def one_chunk(rows):
        Q = X[rows] - shift if p == 2.0 else X[rows]  # (m, d); a view unless centred
        R = _reduced_block(Q, Z, p, Z_sq)  # (m, n)
        J = k_smallest(R, k)  # (m, k)
        if p == 2.0:  # exact squared distances of the k survivors, from the differences
            del R
            diff = Z[J]  # (m, k, d), the only array of that size
            np.subtract(Q[:, None, :], diff, out=diff)
            Rk = np.einsum("mkd,mkd->mk", diff, diff)
            del diff
        else:
            Rk = np.take_along_axis(R, J, axis=1)
            del R
        order = np.lexsort((J, Rk), axis=-1)  # by distance, ties by index
        ind[rows] = np.take_along_axis(J, order, axis=1)
        del J
        Rk = np.take_along_axis(Rk, order, axis=1)
        del order
        dist[rows] = reduced_to_distance(Rk, p)

    step = chunk_rows(n, working_memory, n_neighbors=k, n_features=X.shape[1])
    run_chunks(one_chunk, n_q, step, n_jobs)
    return (dist, ind) if return_distance else ind
