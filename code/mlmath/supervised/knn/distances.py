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
    and its ``argpartition`` indices with the ``k`` kept indices (``2 n + k``), or the
    ``k x d`` differences of the kept neighbours with their indices and squared distances
    (``k d + 2 k``), or the four arrays of length ``k`` of the final sort (``4 k``)
    ({eq}`eq-knn-chunk-rows` of the k-nearest neighbours chapter). The count is exact for the
    Euclidean distance and an upper bound for the others.

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


def k_smallest(R, k, *, group=16):
    """Column indices of the ``k`` smallest entries of every row of ``R``.

    A row's ``k`` smallest entries lie at or below the ``k``-th smallest of its *group minima*:
    split the ``n`` columns into ``b = n // group`` groups (column ``j`` in group ``j mod b``)
    and take the minimum of each group; ``k`` groups have a minimum at or below the ``k``-th
    smallest minimum ``tau``, so at least ``k`` entries are ``<= tau``
    ({eq}`eq-knn-group-threshold` of the k-nearest neighbours chapter). The minima cost one
    pass over the row, the selection of ``tau`` works on ``b`` numbers instead of ``n``, and
    the few entries ``<= tau`` (about ``k`` for data in random order) are sorted by (value,
    index). A chunk in which some row has more than ``b`` candidates (many tied entries) is
    handled by ``np.argpartition`` over whole rows instead, as is a row too short for the
    groups (``b < 2 k``).

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
        The columns of the ``k`` smallest entries of each row; on the grouped path ordered by
        (value, column), the ``k`` first in that order; on the ``argpartition`` path in no
        particular order, ties at the ``k``-th value resolved by ``argpartition``.
    """
    m, n = R.shape
    b = n // group
    if k == n:
        return np.broadcast_to(np.arange(n), R.shape).copy()
    if b >= 2 * k:
        G = R[:, :group * b].reshape(m, group, b).min(axis=1)  # (m, b) group minima
        for a in range(group * b, n, b):  # the last n mod group columns join the first groups
            w = min(b, n - a)
            np.minimum(G[:, :w], R[:, a:a + w], out=G[:, :w])
        tau = np.partition(G, k - 1, axis=1)[:, k - 1]  # (m,) the threshold
        del G
        below = R <= tau[:, None]  # (m, n) booleans
        if int(below.sum(axis=1).max()) <= b:
            flat = np.flatnonzero(below)  # candidates, row by row, columns increasing
            del below
            rows = flat // n
            order = np.lexsort((R.ravel()[flat], rows))  # stable: ties stay by column
            flat = flat[order]
            first = np.searchsorted(rows[order], np.arange(m))  # each row's first candidate
            return flat[first[:, None] + np.arange(k)] - n * np.arange(m)[:, None]
        del below
    return np.argpartition(R, k - 1, axis=1)[:, :k].copy()  # copy: the (m, n) block is freed


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
    slices = [slice(a, min(a + step, n_rows)) for a in range(0, n_rows, step)]
    if n_jobs in (None, 1) or len(slices) == 1:
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
        ``n_neighbors``-th distance, which enter is the search's own (deterministic) choice.

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
