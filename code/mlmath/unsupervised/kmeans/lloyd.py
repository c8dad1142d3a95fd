r"""Lloyd's algorithm for k-means, its distances, and k-means++ seeding.

The objective is the inertia :math:`\sum_i w_i \min_k \lVert \vx_i - \boldsymbol\mu_k \rVert^2`.
Lloyd's algorithm alternates two steps, each of which can only lower it: assign every point to its
nearest centre, then move every centre to the (weighted) mean of its points. Everything here is
vectorised over the samples: one step is a handful of matrix products.
"""

import numpy as np
from scipy import sparse

__all__ = [
    "squared_distances",
    "assign",
    "inertia",
    "update_centers",
    "lloyd_step",
    "lloyd",
    "kmeans_plusplus",
    "random_init",
    "scaled_tolerance",
]

# An entry of the expansion is recomputed directly when it is below this fraction of
# ||x||^2 + ||c||^2: its rounding error is at most about d * eps * (||x||^2 + ||c||^2), so the
# entries kept have a relative error at most about d * eps * 1e4 (2.2e-12 d: below 1e-9 for d up
# to about 450).
_CANCELLATION_RATIO = 1e-4

# Up to this many centres the assignment finds the nearest one by a running minimum over the
# centres, beyond it by np.argmin (see _nearest_centres).
_RUNNING_MIN_CENTRES = 16


def squared_distances(X, C, *, X_sq=None, C_sq=None):
    r"""Squared Euclidean distances between the rows of ``X`` and of ``C``.

    Computed by the expansion :math:`\lVert \vx - \vc \rVert^2 = \lVert \vx \rVert^2
    - 2 \vx^\top \vc + \lVert \vc \rVert^2`, one matrix product for all pairs. In floating point
    the expansion subtracts numbers of size :math:`\lVert \vx \rVert^2 + \lVert \vc \rVert^2` and
    its absolute error is a few :math:`\epsilon (\lVert \vx \rVert^2 + \lVert \vc \rVert^2)`:
    when the distance is small next to the norms (points close to a centre far from the origin)
    the result can lose every digit, even turn negative. Two remedies are possible, centring the
    data first or recomputing the doubtful entries; this function does the second, because it
    is correct for *any* input, including the queries of ``predict`` that lie far from the
    training mean, whereas centring helps only when the data sits around its own mean. Negative
    results are clipped at 0, and every entry below ``1e-4`` times
    :math:`\lVert \vx \rVert^2 + \lVert \vc \rVert^2` is recomputed exactly as
    :math:`\sum_f (x_f - c_f)^2` (for those pairs alone, so the cost stays one matrix product
    when the data is well centred). :class:`~mlmath.unsupervised.kmeans.KMeans` also centres
    its data, as scikit-learn does, so that the recomputation is rarely needed.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The points.
    C : ndarray of shape (n_centers, n_features)
        The centres.
    X_sq : ndarray of shape (n_samples,), default=None
        The squared norms of the rows of ``X``, if already known.
    C_sq : ndarray of shape (n_centers,), default=None
        The squared norms of the rows of ``C``, if already known.

    Returns
    -------
    D : ndarray of shape (n_samples, n_centers)
        ``D[i, j]`` is the squared distance between ``X[i]`` and ``C[j]`` (in column-major
        order: the transpose of the contiguous ``(n_centers, n_samples)`` array it is built as).

    Notes
    -----
    Implements {eq}`eq-kmeans-expansion` of the k-means chapter, with the guard of
    {eq}`eq-kmeans-guard`.
    """
    X_sq = np.einsum("ij,ij->i", X, X) if X_sq is None else X_sq
    C_sq = np.einsum("ij,ij->i", C, C) if C_sq is None else C_sq
    # built as the transpose, one row per centre, so that every step below runs along the long
    # axis of the points (NumPy pays a fixed cost per row: many short rows are slow)
    D = (-2.0 * C) @ X.T                            # (k, n); times -2 is exact
    D += X_sq[None, :]
    D += C_sq[:, None]
    np.maximum(D, 0.0, out=D)
    # a point can need the guard only if its smallest entry is below
    # ratio * (||x||^2 + max ||c||^2): find those points first (one pass), then test their
    # entries exactly
    suspect = np.flatnonzero(D.min(axis=0) <= _CANCELLATION_RATIO * (X_sq + C_sq.max()))
    if suspect.size:
        scale = C_sq[:, None] + X_sq[None, suspect]                      # (k, s)
        cols, r = np.nonzero(D[:, suspect] <= _CANCELLATION_RATIO * scale)
        rows = suspect[r]
        # exact recomputation, in blocks that keep the (m, d) temporary near 8 MiB
        step = max(1, 2**20 // max(X.shape[1], 1))
        for a in range(0, rows.size, step):
            r, c = rows[a:a + step], cols[a:a + step]
            diff = X[r] - C[c]                       # (m, d)
            D[c, r] = np.einsum("ij,ij->i", diff, diff)
    return D.T                                       # (n, k), a view


def _nearest_centres(X, C2, C_sq, labels, values):
    r"""Nearest centre of every point by :math:`\lVert \vc \rVert^2 - 2 \vx^\top \vc`.

    NumPy's ``argmin`` along the rows of the ``(m, K)`` matrix pays a fixed cost per row, which
    dominates when there are few centres. Up to ``_RUNNING_MIN_CENTRES`` centres the minimum is
    therefore a running minimum over the centres on the ``(K, m)`` matrix, ``K`` vectorised
    passes over the points; with many centres (from about 30, depending on the machine)
    ``argmin`` is the faster, and the threshold of 16 is a conservative choice between the two.
    Both give the lowest index on ties.

    Parameters
    ----------
    X : ndarray of shape (m, n_features)
        The points.
    C2 : ndarray of shape (n_centers, n_features)
        ``-2`` times the centres.
    C_sq : ndarray of shape (n_centers,)
        Squared norms of the centres.
    labels : ndarray of shape (m,), dtype intp
        Filled with the index of the nearest centre.
    values : ndarray of shape (m,)
        Filled with :math:`\lVert \vc \rVert^2 - 2 \vx^\top \vc` at the nearest centre.
    """
    k = C2.shape[0]
    if k > _RUNNING_MIN_CENTRES:
        E = X @ C2.T                                 # (m, k)
        E += C_sq
        np.argmin(E, axis=1, out=labels)
        values[:] = E[np.arange(E.shape[0]), labels]
        return
    E = C2 @ X.T                                     # (k, m)
    E += C_sq[:, None]
    values[:] = E[0]
    nearest = np.zeros(X.shape[0], dtype=np.uint8)   # small integers: fast passes
    for j in range(1, k):
        closer = E[j] < values           # strict: the lowest index wins a tie, as in argmin
        np.minimum(values, E[j], out=values)
        # j increases, so the nearest centre is the last, hence the largest, j found closer
        np.maximum(nearest, closer * np.uint8(j), out=nearest)
    labels[:] = nearest


def assign(X, C, *, X_sq=None):
    """Index of the nearest centre of every point, and the squared distance to it.

    The rows are processed in blocks of ``max(256, 2**18 // n_centers)``, so the temporaries
    stay near 2 MiB whatever ``n_samples`` is.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The points.
    C : ndarray of shape (n_centers, n_features)
        The centres.
    X_sq : ndarray of shape (n_samples,), default=None
        Squared norms of the rows of ``X``, if already known.

    Returns
    -------
    labels : ndarray of shape (n_samples,)
        The nearest centre (the one of lowest index on ties).
    d2 : ndarray of shape (n_samples,)
        The squared distance to it.

    Notes
    -----
    Implements the assignment step {eq}`eq-kmeans-assign` of the k-means chapter.
    """
    n = X.shape[0]
    X_sq = np.einsum("ij,ij->i", X, X) if X_sq is None else X_sq
    C_sq = np.einsum("ij,ij->i", C, C)
    C2 = -2.0 * C                                    # exact: a power of two
    bound = _CANCELLATION_RATIO * C_sq.max()
    labels = np.empty(n, dtype=np.intp)
    d2 = np.empty(n)
    rows = max(256, 2**18 // max(C.shape[0], 1))
    for a in range(0, n, rows):
        b = min(a + rows, n)
        lab, near = labels[a:b], d2[a:b]             # views: filled in place
        # ||x||^2 is the same for every centre: rank the centres by ||c||^2 - 2 x.c
        _nearest_centres(X[a:b], C2, C_sq, lab, near)
        near += X_sq[a:b]
        np.maximum(near, 0.0, out=near)
        # rows where an entry may have lost its digits (the guard of squared_distances):
        # recompute their whole row exactly
        suspect = np.flatnonzero(near <= _CANCELLATION_RATIO * X_sq[a:b] + bound)
        if suspect.size:
            D = squared_distances(X[a:b][suspect], C, X_sq=X_sq[a:b][suspect], C_sq=C_sq)
            lab[suspect] = np.argmin(D, axis=1)
            near[suspect] = D[np.arange(suspect.size), lab[suspect]]
    return labels, d2


def inertia(X, C, labels, sample_weight=None):
    r"""The k-means objective :math:`\sum_i w_i \lVert \vx_i - \boldsymbol\mu_{z_i} \rVert^2`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The points.
    C : ndarray of shape (n_centers, n_features)
        The centres.
    labels : ndarray of shape (n_samples,)
        The centre each point is assigned to.
    sample_weight : ndarray of shape (n_samples,), default=None
        Weights of the points (all 1 when ``None``).

    Returns
    -------
    float

    Notes
    -----
    Implements the objective {eq}`eq-kmeans-objective` of the k-means chapter.
    """
    # in blocks of rows: a fresh (n, d) temporary costs more to allocate than to fill
    n = X.shape[0]
    d2 = np.empty(n)
    step = max(256, 2**14 // max(X.shape[1], 1))
    for a in range(0, n, step):
        diff = X[a:a + step] - C[labels[a:a + step]]
        d2[a:a + step] = np.einsum("ij,ij->i", diff, diff)
    return float(d2.sum() if sample_weight is None else d2 @ sample_weight)


def update_centers(X, labels, sample_weight, C_old, *, return_labels=False):
    """The update step: every centre moves to the weighted mean of its points.

    Clusters of zero weight after the assignment ("empty") are handled by scikit-learn 1.9.1's
    rules (``_relocate_empty_clusters_dense`` and ``_average_centers`` in
    ``sklearn/cluster/_k_means_common.pyx``), ported step for step:

    1. the squared distance of every point to its own centre in ``C_old`` is computed directly;
       if all are 0 (every point sits on its centre: more clusters than distinct points), there
       is nothing to gain and no point is relocated;
    2. otherwise the ``m`` points farthest from their centres (``m`` the number of empty
       clusters) are selected by ``np.argpartition(d2, -m)[:-m - 1:-1]``, an order that is not
       sorted by distance beyond the first, and handed in that order to the empty clusters taken
       by increasing index: each leaves its cluster (whose sum and weight lose it, even if that
       cluster is thereby emptied) and becomes the only point of the empty one;
    3. the means are formed; every cluster still of zero weight (skipped in 1, or emptied in 2)
       gets the centre of the heaviest cluster (the one of lowest index on ties).

    In step 3 scikit-learn 1.9.1 copies the heaviest cluster's *sum* instead of its mean when
    that cluster has a larger index than the empty one (its loop has not divided it yet); this
    function copies the mean in every case.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The points.
    labels : ndarray of shape (n_samples,)
        The assignment computed with ``C_old``.
    sample_weight : ndarray of shape (n_samples,)
        Weights of the points.
    C_old : ndarray of shape (n_centers, n_features)
        The centres the assignment was made with.
    return_labels : bool, default=False
        Also return the partition after the relocation, the one whose means ``C_new`` holds.

    Returns
    -------
    C_new : ndarray of shape (n_centers, n_features)
        The new centres.
    relocated_labels : ndarray of shape (n_samples,)
        ``labels`` with every relocated point given its new cluster (only if ``return_labels``).
        :func:`lloyd` itself, like scikit-learn, keeps comparing the labels of the assignment.

    Notes
    -----
    Implements the update step {eq}`eq-kmeans-update` of the k-means chapter, with the
    relocation of empty clusters of step 1.2 of {prf:ref}`alg-kmeans-lloyd`.
    """
    k = C_old.shape[0]
    weight = np.bincount(labels, weights=sample_weight, minlength=k)     # (k,)
    # the weighted sums of every cluster as one sparse product: (k, n) @ (n, d), the membership
    # matrix built column by column (one entry per point: its weight, in its cluster's row), so
    # that no sorting of the labels is needed
    n = X.shape[0]
    membership = sparse.csc_array((sample_weight, labels, np.arange(n + 1)), shape=(k, n))
    sums = membership @ X                                                # (k, d)
    empty = np.flatnonzero(weight == 0)
    relocated = labels.copy() if return_labels else labels
    if empty.size:
        diff = X - C_old[labels]
        d2 = np.einsum("ij,ij->i", diff, diff)                           # (n,)
        if d2.max() > 0:                 # else every point is on its centre: no relocation
            far = np.argpartition(d2, -empty.size)[:-empty.size - 1:-1]
            for new_id, i in zip(empty, far):
                old_id = labels[i]
                w = sample_weight[i]
                sums[old_id] -= X[i] * w
                sums[new_id] = X[i] * w
                weight[new_id] = w
                weight[old_id] -= w
                if return_labels:
                    relocated[i] = new_id
    C_new = sums
    nonzero = weight > 0
    C_new[nonzero] *= 1.0 / weight[nonzero, None]    # times the reciprocal, as scikit-learn
    if not nonzero.all():                # still empty: the centre of the heaviest cluster
        C_new[~nonzero] = C_new[np.argmax(weight)]
    return (C_new, relocated) if return_labels else C_new


def lloyd_step(X, C, sample_weight, *, X_sq=None):
    """One iteration of Lloyd's algorithm: assign, then update.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The points.
    C : ndarray of shape (n_centers, n_features)
        The current centres.
    sample_weight : ndarray of shape (n_samples,)
        Weights of the points.
    X_sq : ndarray of shape (n_samples,), default=None
        Squared norms of the rows of ``X``, if already known.

    Returns
    -------
    C_new : ndarray of shape (n_centers, n_features)
        The centres after the update.
    labels : ndarray of shape (n_samples,)
        The assignment to ``C``.

    Notes
    -----
    Implements {eq}`eq-kmeans-assign` then {eq}`eq-kmeans-update` of the k-means chapter.
    """
    labels, _ = assign(X, C, X_sq=X_sq)
    return update_centers(X, labels, sample_weight, C), labels


def scaled_tolerance(X, tol):
    """scikit-learn's stopping threshold: ``tol`` times the mean variance of the features.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The data.
    tol : float
        The relative tolerance.

    Returns
    -------
    float

    Notes
    -----
    The threshold of the stopping rule {eq}`eq-kmeans-tol` of the k-means chapter.
    """
    return 0.0 if tol == 0 else float(np.mean(np.var(X, axis=0)) * tol)


def lloyd(X, C_init, sample_weight=None, *, max_iter=300, tol=0.0, X_sq=None):
    r"""Lloyd's algorithm from the centres ``C_init``, stopped as scikit-learn stops it.

    The iteration stops when an assignment repeats (a fixed point: the centres can no longer
    move), or when the centre shift :math:`\lVert C_{t+1} - C_t \rVert_F^2` is at most ``tol``
    (an *absolute* threshold: pass :func:`scaled_tolerance` for scikit-learn's relative ``tol``;
    scikit-learn compares the *squared* Frobenius norm, and so does this function), or after
    ``max_iter`` iterations. Unless it stopped at a fixed point, the points are reassigned to
    the final centres, so that the labels and the inertia returned belong to the centres
    returned.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The points.
    C_init : ndarray of shape (n_centers, n_features)
        The initial centres.
    sample_weight : ndarray of shape (n_samples,), default=None
        Weights of the points (all 1 when ``None``).
    max_iter : int, default=300
        Most iterations.
    tol : float, default=0.0
        Absolute threshold on the squared Frobenius norm of the centre shift.
    X_sq : ndarray of shape (n_samples,), default=None
        Squared norms of the rows of ``X``, if already known.

    Returns
    -------
    C : ndarray of shape (n_centers, n_features)
        The final centres.
    labels : ndarray of shape (n_samples,)
        The nearest centre of every point.
    inertia : float
        The objective at ``(C, labels)``.
    n_iter : int
        The number of iterations run.

    Notes
    -----
    Implements the loop of {prf:ref}`alg-kmeans-lloyd` of the k-means chapter, stopped by
    {eq}`eq-kmeans-tol`.
    """
    sample_weight = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    X_sq = np.einsum("ij,ij->i", X, X) if X_sq is None else X_sq
    C = np.array(C_init, dtype=float)
    labels_old = None
    strict = False
    n_iter = 0
    for it in range(1, max_iter + 1):
        n_iter = it
        C_new, labels = lloyd_step(X, C, sample_weight, X_sq=X_sq)
        shift = float(np.sum((C_new - C) ** 2))
        C = C_new
        if labels_old is not None and np.array_equal(labels, labels_old):
            strict = True   # same assignment twice: the update reproduced the same centres
            break
        if shift <= tol:
            break
        labels_old = labels
    if not strict:
        labels, _ = assign(X, C, X_sq=X_sq)
    return C, labels, inertia(X, C, labels, sample_weight), n_iter


def kmeans_plusplus(X, n_clusters, *, sample_weight=None, random_state=None,
                    n_local_trials=None, X_sq=None):
    r"""k-means++ seeding (Arthur and Vassilvitskii, 2007), greedy as in scikit-learn.

    The first centre is a point drawn with probability proportional to its weight; every next
    one is drawn with probability proportional to :math:`w_i D(\vx_i)^2`, the weighted squared
    distance to the nearest centre chosen so far. The greedy variant draws ``n_local_trials``
    candidates (``2 + int(log k)`` by default, scikit-learn's choice) and keeps the one that
    lowers the potential :math:`\sum_i w_i D(\vx_i)^2` most. Plain k-means++ is
    ``n_local_trials=1``; its expected inertia is within :math:`8(\ln k + 2)` of the optimum.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The points.
    n_clusters : int
        Number of centres.
    sample_weight : ndarray of shape (n_samples,), default=None
        Weights of the points (all 1 when ``None``).
    random_state : int, RandomState instance or None, default=None
        The random source.
    n_local_trials : int, default=None
        Candidates per centre; ``None`` means ``2 + int(log(n_clusters))``.
    X_sq : ndarray of shape (n_samples,), default=None
        Squared norms of the rows of ``X``, if already known.

    Returns
    -------
    centers : ndarray of shape (n_clusters, n_features)
        The seeds.
    indices : ndarray of shape (n_clusters,)
        Their rows in ``X``.

    Notes
    -----
    Implements the :math:`D^2` sampling {eq}`eq-kmeans-d2-sampling` of the k-means chapter.
    """
    from sklearn.utils import check_random_state

    rng = check_random_state(random_state)
    n, d = X.shape
    w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    X_sq = np.einsum("ij,ij->i", X, X) if X_sq is None else X_sq
    trials = 2 + int(np.log(n_clusters)) if n_local_trials is None else n_local_trials
    centers = np.empty((n_clusters, d))
    indices = np.full(n_clusters, -1, dtype=int)
    first = rng.choice(n, p=w / w.sum())
    centers[0], indices[0] = X[first], first
    # distances with the points as rows, so that the guard of squared_distances looks at the
    # few points near a candidate only
    closest = squared_distances(X, X[first:first + 1], X_sq=X_sq)[:, 0]   # (n,)
    potential = closest @ w
    for c in range(1, n_clusters):
        draws = rng.uniform(size=trials) * potential
        candidates = np.searchsorted(np.cumsum(w * closest), draws)
        np.clip(candidates, None, n - 1, out=candidates)
        to_candidates = squared_distances(X, X[candidates], X_sq=X_sq,
                                          C_sq=X_sq[candidates])         # (n, trials)
        np.minimum(closest[:, None], to_candidates, out=to_candidates)
        potentials = w @ to_candidates                                   # (trials,)
        best = int(np.argmin(potentials))
        potential, closest = potentials[best], to_candidates[:, best].copy()
        centers[c], indices[c] = X[candidates[best]], candidates[best]
    return centers, indices


def random_init(X, n_clusters, *, sample_weight=None, random_state=None):
    """``n_clusters`` distinct points drawn with probability proportional to their weight.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The points.
    n_clusters : int
        Number of centres.
    sample_weight : ndarray of shape (n_samples,), default=None
        Weights of the points (all 1 when ``None``).
    random_state : int, RandomState instance or None, default=None
        The random source.

    Returns
    -------
    centers : ndarray of shape (n_clusters, n_features)
        The seeds.
    """
    from sklearn.utils import check_random_state

    rng = check_random_state(random_state)
    w = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    seeds = rng.choice(X.shape[0], size=n_clusters, replace=False, p=w / w.sum())
    return X[seeds].copy()
