"""UMAP's layout: stochastic gradient descent with negative sampling, from scratch.

Each edge $(i, j)$ of the fuzzy graph is sampled once every $T v_{\\max}/(T v_{ij})$ epochs
(so $T v_{ij}/v_{\\max}$ times in $T$ epochs); each time, $\\vz_i$ and $\\vz_j$ take a clipped
step along the attractive term {eq}`eq-umap-attractive`, and $\\vz_i$ takes
``negative_sample_rate`` clipped steps along the repulsive term {eq}`eq-umap-repulsive`
against uniformly drawn points. As in umap-learn (0.5.12, Euclidean output), the start is first
mapped affinely onto $[0, 10]$ coordinate by coordinate, and the step size of epoch
$t = 0, \\dots, T - 1$ is $\\eta_t = \\eta_0 (1 - \\max(t - 1, 0)/T)$: umap-learn updates the
step size after each epoch, so its first two epochs both use $\\eta_0$.
"""

import warnings
from numbers import Integral, Real

import numba
import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import eigsh
from sklearn.utils import check_random_state

from mlmath.dimensionality_reduction.umap.curve import find_ab_params
from mlmath.dimensionality_reduction.umap.fuzzy_graph import fuzzy_simplicial_set
from mlmath.validation import Interval, as_finite_array, check_parameter

__all__ = [
    "epochs_per_sample",
    "spectral_layout",
    "prune_edges",
    "rescale_to_box",
    "optimize_layout",
    "umap_embedding",
]

CLIP = 4.0  # umap-learn's bound on every coordinate of a gradient step
EPS_REPULSIVE = 1e-3  # umap-learn's guard added to the squared distance of a negative sample


def epochs_per_sample(weights, n_epochs):
    """How many epochs pass between two samples of each edge: $v_{\\max} / v_{ij}$.

    Parameters
    ----------
    weights : array-like of shape (n_edges,)
        Positive edge memberships.
    n_epochs : int

    Returns
    -------
    ndarray of shape (n_edges,)
        The heaviest edge is sampled every epoch; an edge of weight $v$ about
        ``n_epochs * v / max(weights)`` times in all.

    Notes
    -----
    Implements the sampling rule of {prf:ref}`alg-umap-sgd` of the UMAP chapter.
    """
    w = as_finite_array(weights, "weights", ndim=1, min_size=1)
    if np.any(w <= 0):
        raise ValueError("edge weights must be positive.")
    n_samples = n_epochs * (w / w.max())
    return float(n_epochs) / n_samples


@numba.njit(cache=True)
def _clip(x):
    return max(-CLIP, min(CLIP, x))


@numba.njit(cache=True)
def _sgd(Z, head, tail, eps_per_sample, a, b, n_epochs, learning_rate, negative_sample_rate,
         seed):
    """The per-edge SGD loop (sequential: every step reads points the last step moved).

    numba compiles it because the updates of one epoch depend on each other in order and
    cannot be written as array operations without changing the algorithm.
    """
    np.random.seed(seed)  # noqa: NPY002 (numba's own generator, seeded inside the loop)
    n, q = Z.shape
    eps_per_negative = eps_per_sample / negative_sample_rate
    next_negative = eps_per_negative.copy()
    next_sample = eps_per_sample.copy()
    for t in range(n_epochs):
        eta = learning_rate * (1.0 - max(t - 1, 0) / n_epochs)  # umap-learn's update after an epoch
        for e in range(head.shape[0]):
            if next_sample[e] > t:
                continue
            i = head[e]
            j = tail[e]
            D = 0.0
            for c in range(q):
                D += (Z[i, c] - Z[j, c]) ** 2
            coeff = 0.0
            if D > 0.0:  # attractive step on both ends, minus the gradient of -log w_ij
                coeff = -2.0 * a * b * D ** (b - 1.0) / (1.0 + a * D**b)
            for c in range(q):
                g = _clip(coeff * (Z[i, c] - Z[j, c]))
                Z[i, c] += eta * g
                Z[j, c] -= eta * g
            next_sample[e] += eps_per_sample[e]
            n_neg = int((t - next_negative[e]) / eps_per_negative[e])
            for _ in range(n_neg):  # repulsive steps against uniform negative samples
                k = np.random.randint(n)  # noqa: NPY002 (numba's generator)
                if k == i:
                    continue
                D = 0.0
                for c in range(q):
                    D += (Z[i, c] - Z[k, c]) ** 2
                if D <= 0.0:
                    continue
                coeff = 2.0 * b / ((EPS_REPULSIVE + D) * (1.0 + a * D**b))
                for c in range(q):
                    Z[i, c] += eta * _clip(coeff * (Z[i, c] - Z[k, c]))
            next_negative[e] += n_neg * eps_per_negative[e]
    return Z


def spectral_layout(graph, n_components, random_state=None):
    """Laplacian eigenmaps of the graph, scaled to coordinates in $[-10, 10]$ with tiny noise.

    The eigenvectors of the $q + 1$ largest eigenvalues of $\\mathbf{D}^{-1/2}\\mathbf{V}
    \\mathbf{D}^{-1/2}$ (those of the smallest of the normalised Laplacian), the first (constant
    on a connected graph) dropped.

    Parameters
    ----------
    graph : scipy.sparse matrix of shape (n_samples, n_samples)
        Symmetric memberships; connected (a disconnected graph is refused).
    n_components : int
    random_state : int, RandomState or None, default=None
        Seeds the start vector's jitter and the noise.

    Returns
    -------
    ndarray of shape (n_samples, n_components)

    Notes
    -----
    The initialisation {prf:ref}`alg-umap-sgd` of the UMAP chapter starts from.
    """
    rng = check_random_state(random_state)
    G = sp.csr_matrix(graph)
    n_comp, _ = sp.csgraph.connected_components(G, directed=False)
    if n_comp > 1:
        raise ValueError(f"the graph has {n_comp} connected components; use init='random'.")
    deg = np.asarray(G.sum(axis=1)).ravel()
    inv_sqrt = 1.0 / np.sqrt(deg)
    M = sp.diags(inv_sqrt) @ G @ sp.diags(inv_sqrt)
    v0 = np.sqrt(deg) + 1e-3 * rng.uniform(size=deg.size)
    vals, vecs = eigsh(M, k=n_components + 1, which="LA", v0=v0, tol=1e-8)
    order = np.argsort(vals)[::-1]
    emb = vecs[:, order[1:n_components + 1]]
    emb = emb * (10.0 / np.abs(emb).max())
    return emb + rng.normal(scale=1e-4, size=emb.shape)


def prune_edges(graph, n_epochs):
    """Drop the edges sampled less than once in $T'$ epochs: $v_{ij} < v_{\\max}/T'$.

    Parameters
    ----------
    graph : scipy.sparse matrix of shape (n_samples, n_samples)
    n_epochs : int
        $T$. For $T \\le 10$ umap-learn prunes with its default number of epochs (500 for at
        most 10,000 samples, else 200) instead of $T$; so does this function.

    Returns
    -------
    scipy.sparse.coo_matrix of shape (n_samples, n_samples)

    Notes
    -----
    Step 5 of {prf:ref}`alg-umap-sgd` of the UMAP chapter.
    """
    G = sp.coo_matrix(graph, copy=True)
    default_epochs = 500 if G.shape[0] <= 10_000 else 200
    T_prune = n_epochs if n_epochs > 10 else default_epochs
    G.data[G.data < G.data.max() / float(T_prune)] = 0.0
    G.eliminate_zeros()
    return G


def rescale_to_box(Z, box=10.0):
    """Map every coordinate affinely onto ``[0, box]``, as umap-learn does before its SGD.

    Parameters
    ----------
    Z : array-like of shape (n_samples, n_components)
        A start (spectral, random or given).
    box : float, default=10.0

    Returns
    -------
    ndarray of shape (n_samples, n_components)
        Column $c$ becomes ``box * (Z[:, c] - min) / (max - min)``; a constant column becomes
        zero (umap-learn would divide by zero there).

    Notes
    -----
    Step 6 of {prf:ref}`alg-umap-sgd` of the UMAP chapter.
    """
    Z = np.asarray(Z, dtype=np.float64)
    lo = Z.min(axis=0)
    width = Z.max(axis=0) - lo
    return box * (Z - lo) / np.where(width > 0, width, 1.0)


def optimize_layout(Z0, graph, a, b, *, n_epochs=200, learning_rate=1.0, negative_sample_rate=5,
                    random_state=None):
    """Optimise an embedding of the fuzzy graph by SGD with negative sampling.

    Parameters
    ----------
    Z0 : array-like of shape (n_samples, n_components)
        The start; copied.
    graph : scipy.sparse matrix of shape (n_samples, n_samples)
        Symmetric memberships (both $(i, j)$ and $(j, i)$ are stored and sampled).
    a, b : float
        Curve parameters.
    n_epochs : int, default=200
    learning_rate : float, default=1.0
        $\\eta_0$.
    negative_sample_rate : int, default=5
        Negative samples per sampled edge.
    random_state : int, RandomState or None, default=None

    Returns
    -------
    ndarray of shape (n_samples, n_components)

    Notes
    -----
    Implements {prf:ref}`alg-umap-sgd` of the UMAP chapter.
    """
    Z = np.array(as_finite_array(Z0, "Z0", ndim=2, min_size=1), dtype=np.float64, order="C")
    T = int(check_parameter(n_epochs, "n_epochs", [Interval(Integral, 1, None)],
                            owner="optimize_layout"))
    eta0 = float(check_parameter(learning_rate, "learning_rate",
                                 [Interval(Real, 0.0, None, closed="neither")],
                                 owner="optimize_layout"))
    m = int(check_parameter(negative_sample_rate, "negative_sample_rate",
                            [Interval(Integral, 0, None)], owner="optimize_layout"))
    G = sp.coo_matrix(graph)
    if G.shape != (Z.shape[0], Z.shape[0]):
        raise ValueError(f"graph has shape {G.shape}; expected {(Z.shape[0], Z.shape[0])}.")
    keep = G.data > 0
    head = G.row[keep].astype(np.int64)
    tail = G.col[keep].astype(np.int64)
    eps = epochs_per_sample(G.data[keep], T)
    seed = int(check_random_state(random_state).randint(np.iinfo(np.int32).max))
    neg_rate = float(m) if m > 0 else 1e-300  # no negative sample ever falls due
    return _sgd(Z, head, tail, eps, float(a), float(b), T, eta0, neg_rate, seed)


def umap_embedding(X, n_components=2, *, n_neighbors=15, min_dist=0.1, spread=1.0,
                   metric="euclidean", n_epochs=None, learning_rate=1.0, init="spectral",
                   negative_sample_rate=5, local_connectivity=1.0, set_op_mix_ratio=1.0,
                   random_state=None):
    """UMAP from scratch: fuzzy graph, curve fit, pruning, initialisation and SGD.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    n_components : int, default=2
        $q$.
    n_neighbors : int, default=15
    min_dist : float, default=0.1
    spread : float, default=1.0
    metric : {"euclidean", "manhattan", "cosine"}, default="euclidean"
    n_epochs : int or None, default=None
        500 for at most 10,000 samples, else 200 (umap-learn's default).
    learning_rate : float, default=1.0
    init : {"spectral", "random"} or array-like of shape (n_samples, n_components)
        ``"spectral"`` falls back to ``"random"``, with a warning, when the graph is not
        connected (umap-learn lays the components out separately instead).
    negative_sample_rate : int, default=5
    local_connectivity : float, default=1.0
    set_op_mix_ratio : float, default=1.0
    random_state : int, RandomState or None, default=None

    Returns
    -------
    ndarray of shape (n_samples, n_components)
        The embedding $\\vz_1, \\dots, \\vz_n$ as rows.

    Notes
    -----
    Implements {prf:ref}`alg-umap-sgd` of the UMAP chapter, after {eq}`eq-umap-union`.
    """
    X = as_finite_array(X, "X", ndim=2, min_size=1)
    q = int(check_parameter(n_components, "n_components", [Interval(Integral, 1, None)],
                            owner="umap_embedding"))
    n = X.shape[0]
    if n < 3 or n_neighbors > n:
        raise ValueError(f"UMAP needs at least 3 samples and n_neighbors <= n_samples; "
                         f"got n_samples={n}, n_neighbors={n_neighbors}.")
    rng = check_random_state(random_state)
    a, b = find_ab_params(spread, min_dist)
    graph, _, _ = fuzzy_simplicial_set(X, n_neighbors, metric=metric,
                                       local_connectivity=local_connectivity,
                                       set_op_mix_ratio=set_op_mix_ratio)
    T = (500 if n <= 10_000 else 200) if n_epochs is None else n_epochs
    graph = prune_edges(graph, T)
    n_parts = sp.csgraph.connected_components(graph, directed=False)[0]
    if isinstance(init, str) and init == "spectral" and n_parts > 1:
        warnings.warn(f"the fuzzy graph has {n_parts} connected components, which Laplacian "
                      "eigenmaps cannot place; starting from init='random' instead.",
                      UserWarning, stacklevel=2)
        init = "random"
    if isinstance(init, str) and init == "spectral":
        Z0 = spectral_layout(graph, q, random_state=rng)
    elif isinstance(init, str) and init == "random":
        Z0 = rng.uniform(-10.0, 10.0, size=(n, q))
    elif isinstance(init, str):
        raise ValueError(f"init must be 'spectral', 'random' or an array; got {init!r}.")
    else:
        Z0 = as_finite_array(init, "init", shape=(n, q))
    Z0 = rescale_to_box(Z0)  # umap-learn maps every start onto [0, 10] per coordinate
    return optimize_layout(Z0, graph, a, b, n_epochs=T, learning_rate=learning_rate,
                           negative_sample_rate=negative_sample_rate, random_state=rng)
