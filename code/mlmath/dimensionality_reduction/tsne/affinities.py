r"""The input affinities of t-SNE: conditional :math:`p_{j\mid i}` calibrated to a perplexity,
their symmetrisation into the joint :math:`p_{ij}`, and the sparse nearest-neighbour version.

The bisection follows scikit-learn's ``_binary_search_perplexity`` step for step (start at
precision 1, double or halve until the target is bracketed, then halve the bracket; stop when the
entropy is within ``tol`` nats of :math:`\log` perplexity or after ``max_steps`` steps), but runs
on all points at once: each step is one array expression over the points still searching.
"""

import numpy as np
from scipy import sparse

__all__ = [
    "MACHINE_EPSILON",
    "conditional_affinities",
    "joint_affinities",
    "nearest_neighbors",
    "joint_affinities_nn",
]

MACHINE_EPSILON = np.finfo(np.float64).eps


def conditional_affinities(sq_distances, perplexity, *, tol=1e-5, max_steps=100):
    r"""Conditional affinities :math:`p_{j\mid i}` with each point's precision set by bisection.

    Row :math:`i` is :math:`p_{j\mid i} \propto \exp(-\tau_i d_{ij}^2)`, with the precision
    :math:`\tau_i` chosen so that the row's Shannon entropy (in nats) is within ``tol`` of
    :math:`\log \mathrm{Perp}^\star` for the target perplexity. A square input is a full
    matrix of squared distances and its diagonal is left out (:math:`p_{i\mid i} = 0`); a
    rectangular input of shape ``(n, k)`` holds the squared distances to each point's ``k``
    nearest neighbours.

    Parameters
    ----------
    sq_distances : ndarray of shape (n_samples, n_samples) or (n_samples, n_neighbors)
        Squared distances, non-negative.
    perplexity : float
        The target perplexity, > 0.
    tol : float, default=1e-5
        Tolerance on the entropy, in nats (scikit-learn's ``PERPLEXITY_TOLERANCE``).
    max_steps : int, default=100
        Most bisection steps per point (scikit-learn's ``n_steps``).

    Returns
    -------
    P : ndarray of shape (n_samples, n_columns)
        The conditional affinities; each row sums to one.
    beta : ndarray of shape (n_samples,)
        The precisions :math:`\tau_i`.

    Notes
    -----
    Implements {eq}`eq-tsne-conditional` and the bisection of {prf:ref}`alg-tsne-bisection` of
    the t-SNE chapter; the entropy is {eq}`eq-tsne-entropy`.
    """
    D = np.asarray(sq_distances, dtype=np.float64)
    n, m = D.shape
    full = n == m
    keep = ~np.eye(n, dtype=bool) if full else None
    target = np.log(perplexity)
    beta = np.ones(n)
    lo = np.full(n, -np.inf)
    hi = np.full(n, np.inf)
    P = np.zeros((n, m))
    active = np.arange(n)
    for _ in range(max_steps):
        if active.size == 0:
            break
        Da, b = D[active], beta[active]
        E = np.exp(-Da * b[:, None])                     # (n_active, m)
        if full:
            E *= keep[active]
        s = E.sum(axis=1)
        s[s == 0.0] = 1e-8                               # scikit-learn's EPSILON_DBL
        E /= s[:, None]
        H = np.log(s) + b * np.einsum("ij,ij->i", Da, E)  # entropy in nats
        P[active] = E
        diff = H - target
        searching = np.abs(diff) > tol
        too_flat = diff > 0                              # entropy too high: raise the precision
        # update the bracket and the precision of the points still searching
        lo_a, hi_a = lo[active], hi[active]
        lo_a = np.where(too_flat, b, lo_a)
        hi_a = np.where(too_flat, hi_a, b)
        up = np.where(np.isinf(hi_a), b * 2.0, (b + hi_a) / 2.0)
        down = np.where(np.isinf(lo_a), b / 2.0, (b + lo_a) / 2.0)
        new_b = np.where(too_flat, up, down)
        lo[active], hi[active] = lo_a, hi_a
        beta[active] = np.where(searching, new_b, b)
        active = active[searching]
    return P, beta


def joint_affinities(sq_distances, perplexity):
    r"""The joint affinities :math:`p_{ij} = (p_{j\mid i} + p_{i\mid j}) / (2n)` of exact t-SNE.

    Off-diagonal entries are floored at the machine epsilon, as scikit-learn does, so that the
    logarithm in the objective is finite; the diagonal is zero.

    Parameters
    ----------
    sq_distances : ndarray of shape (n_samples, n_samples)
        Squared distances between the samples.
    perplexity : float
        The target perplexity.

    Returns
    -------
    P : ndarray of shape (n_samples, n_samples)
        Symmetric, zero diagonal, sums to one.

    Notes
    -----
    Implements {eq}`eq-tsne-joint` of the t-SNE chapter.
    """
    C, _ = conditional_affinities(sq_distances, perplexity)
    P = C + C.T
    P /= max(P.sum(), MACHINE_EPSILON)
    P = np.maximum(P, MACHINE_EPSILON)
    np.fill_diagonal(P, 0.0)
    return P


def nearest_neighbors(X, n_neighbors, *, block=1024):
    r"""The ``n_neighbors`` nearest other samples of every sample, by brute force in row blocks.

    Squared distances through :math:`\lVert\vx\rVert^2 - 2\vx^\top\vx' + \lVert\vx'\rVert^2`
    (clipped at zero), a block of rows at a time, so memory is :math:`O(\text{block}\cdot n)`
    and time :math:`O(n^2 d)`. The expansion cancels catastrophically on data with a large
    offset: centre the rows first (the estimator does so).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The samples.
    n_neighbors : int
        How many neighbours, at most ``n_samples - 1``.
    block : int, default=1024
        Rows per block.

    Returns
    -------
    indices : ndarray of shape (n_samples, n_neighbors)
        Neighbour indices, nearest first; a sample is never its own neighbour.
    sq_distances : ndarray of shape (n_samples, n_neighbors)
        The squared distances to them.
    """
    n = X.shape[0]
    sq = np.einsum("ij,ij->i", X, X)
    idx = np.empty((n, n_neighbors), dtype=np.intp)
    dist = np.empty((n, n_neighbors))
    for a in range(0, n, block):
        b = min(a + block, n)
        D = sq[a:b, None] - 2.0 * (X[a:b] @ X.T) + sq[None, :]   # (rows, n)
        np.maximum(D, 0.0, out=D)
        D[np.arange(b - a), np.arange(a, b)] = np.inf           # never one's own neighbour
        part = np.argpartition(D, n_neighbors - 1, axis=1)[:, :n_neighbors]
        d = np.take_along_axis(D, part, axis=1)
        order = np.argsort(d, axis=1, kind="stable")
        idx[a:b] = np.take_along_axis(part, order, axis=1)
        dist[a:b] = np.take_along_axis(d, order, axis=1)
    return idx, dist


def joint_affinities_nn(indices, sq_distances, perplexity):
    r"""Sparse joint affinities over each point's nearest neighbours (Barnes–Hut t-SNE).

    The conditional affinities are calibrated over the ``k`` neighbours only
    (:math:`p_{j\mid i} = 0` for the others), then symmetrised and normalised as in
    :func:`joint_affinities`: the result has at most :math:`2nk` non-zeros.

    Parameters
    ----------
    indices : ndarray of shape (n_samples, n_neighbors)
        Each sample's neighbours.
    sq_distances : ndarray of shape (n_samples, n_neighbors)
        The squared distances to them.
    perplexity : float
        The target perplexity.

    Returns
    -------
    P : scipy.sparse.csr_array of shape (n_samples, n_samples)
        Symmetric, sums to one.

    Notes
    -----
    Implements {eq}`eq-tsne-joint` over the neighbour graph, as in
    {ref}`sec-tsne-barnes-hut` of the t-SNE chapter.
    """
    n, k = indices.shape
    C, _ = conditional_affinities(sq_distances, perplexity)
    rows = np.repeat(np.arange(n), k)
    Pc = sparse.csr_array((C.ravel(), (rows, indices.ravel())), shape=(n, n))
    P = (Pc + Pc.T).tocsr()
    P.sum_duplicates()
    P.sort_indices()
    P.data /= max(P.sum(), MACHINE_EPSILON)
    return P
