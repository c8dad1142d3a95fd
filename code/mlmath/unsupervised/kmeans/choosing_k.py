r"""Choosing the number of clusters: the silhouette and the gap statistic.

The silhouette (Rousseeuw, 1987) of point :math:`i` compares its mean distance to its own
cluster, :math:`a_i`, with its mean distance to the nearest other cluster, :math:`b_i`:
:math:`s_i = (b_i - a_i) / \max(a_i, b_i)`. The gap statistic (Tibshirani, Walther and Hastie,
2001) compares :math:`\log W_K`, the log of the within-cluster sum of squares, with its mean
over data sets drawn uniformly from a box around the data, where there are no clusters.
"""

import numpy as np
from sklearn.utils import Bunch, check_random_state

from mlmath.unsupervised.kmeans.estimators import KMeans
from mlmath.unsupervised.kmeans.lloyd import squared_distances
from mlmath.validation import as_finite_array

__all__ = ["silhouette_samples", "silhouette_score", "gap_statistic"]

# rows of the (rows, n) block of distances computed at a time: about 32 MiB of float64
_BLOCK_FLOATS = 2**22


def _check_labels(X, labels):
    X = as_finite_array(X, "X", ndim=2)
    labels = np.asarray(labels)
    if labels.shape != (X.shape[0],):
        raise ValueError(f"labels has shape {labels.shape}; expected ({X.shape[0]},), one "
                         "label per row of X.")
    classes, codes = np.unique(labels, return_inverse=True)
    if not 2 <= classes.size <= X.shape[0] - 1:
        raise ValueError(f"Number of labels is {classes.size}. Valid values are 2 to "
                         f"n_samples - 1 (inclusive) = {X.shape[0] - 1}.")
    return X, codes.ravel(), classes.size


def silhouette_samples(X, labels):
    r"""The silhouette :math:`s_i = (b_i - a_i) / \max(a_i, b_i)` of every point (Euclidean).

    :math:`a_i` is the mean distance from point :math:`i` to the other points of its cluster,
    :math:`b_i` the smallest mean distance from it to the points of another cluster; a point
    alone in its cluster has :math:`s_i = 0`, as in scikit-learn. The distances are computed in
    blocks of rows, each block's per-cluster sums by one product with the one-hot matrix of the
    labels, so the memory is :math:`\mathcal{O}(n)` per block row and never :math:`n^2`; the
    time is :math:`\mathcal{O}(n^2 d)`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The points.
    labels : array-like of shape (n_samples,)
        Their clusters (any hashable labels; between 2 and ``n_samples - 1`` distinct values).

    Returns
    -------
    s : ndarray of shape (n_samples,)
        The silhouette of every point, in :math:`[-1, 1]`.

    Notes
    -----
    Implements {eq}`eq-kmeans-silhouette` of the k-means chapter.
    """
    X, codes, n_labels = _check_labels(X, labels)
    n = X.shape[0]
    onehot = np.zeros((n, n_labels))
    onehot[np.arange(n), codes] = 1.0                                    # (n, L)
    sizes = onehot.sum(axis=0)                                           # (L,)
    X_sq = np.einsum("ij,ij->i", X, X)
    rows = max(1, _BLOCK_FLOATS // n)
    s = np.empty(n)
    for a in range(0, n, rows):
        b = min(a + rows, n)
        D = np.sqrt(squared_distances(X[a:b], X, X_sq=X_sq[a:b], C_sq=X_sq))  # (m, n)
        sums = D @ onehot                                                # (m, L)
        own = codes[a:b]
        m = np.arange(b - a)
        own_size = sizes[own]
        a_i = sums[m, own] / np.maximum(own_size - 1, 1)                 # self excluded
        means = sums / sizes                                             # (m, L)
        means[m, own] = np.inf
        b_i = means.min(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            s_block = (b_i - a_i) / np.maximum(a_i, b_i)
        s_block[own_size == 1] = 0.0
        s[a:b] = np.nan_to_num(s_block)                                  # a_i = b_i = 0
    return s


def silhouette_score(X, labels, *, sample_size=None, random_state=None):
    """The mean silhouette over the points (or over a random sample of them).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The points.
    labels : array-like of shape (n_samples,)
        Their clusters.
    sample_size : int or None, default=None
        If given, the mean is taken over this many points drawn without replacement, their
        silhouettes computed within the sample (scikit-learn's rule).
    random_state : int, RandomState instance or None, default=None
        The random source of the sample.

    Returns
    -------
    float

    Notes
    -----
    Implements {eq}`eq-kmeans-silhouette` of the k-means chapter.
    """
    X, codes, _ = _check_labels(X, labels)
    if sample_size is not None:
        idx = check_random_state(random_state).permutation(X.shape[0])[:sample_size]
        X, codes = X[idx], codes[idx]
    return float(np.mean(silhouette_samples(X, codes)))


def _reference_sampler(X, reference):
    """A function drawing uniform data over the bounding box (or the PCA-aligned box) of X."""
    if reference == "box":
        low, high = X.min(axis=0), X.max(axis=0)
        return lambda rng: rng.uniform(low, high, size=X.shape)
    mean = X.mean(axis=0)
    _, _, Vt = np.linalg.svd(X - mean, full_matrices=False)              # (r, d)
    rotated = (X - mean) @ Vt.T                                          # (n, r)
    low, high = rotated.min(axis=0), rotated.max(axis=0)
    return lambda rng: rng.uniform(low, high, size=rotated.shape) @ Vt + mean


def gap_statistic(X, k_max=8, *, n_refs=10, reference="box", n_init=3, random_state=None):
    r"""The gap statistic of Tibshirani, Walther and Hastie (2001) for K = 1, ..., ``k_max``.

    For every :math:`K`, :math:`W_K` is the inertia of k-means on ``X`` and
    :math:`W^{*}_{Kr}` that on reference set :math:`r = 1, \dots, R` (``n_refs``), drawn
    uniformly over the bounding box of the columns of ``X`` (``reference="box"``) or over the
    box aligned with its principal axes (``"pca"``). Then
    :math:`\mathrm{Gap}(K) = \frac1R \sum_r \log W^{*}_{Kr} - \log W_K`,
    :math:`\mathrm{se}_K = \mathrm{sd}_K \sqrt{1 + 1/R}` with :math:`\mathrm{sd}_K` the standard
    deviation (divisor :math:`R`) of the :math:`\log W^{*}_{Kr}`, and the chosen :math:`K` is
    the smallest with :math:`\mathrm{Gap}(K) \ge \mathrm{Gap}(K+1) - \mathrm{se}_{K+1}`
    (``k_max`` if none is).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The points.
    k_max : int, default=8
        The largest number of clusters tried (at least 2, at most ``n_samples``).
    n_refs : int, default=10
        Number :math:`R` of reference data sets (at least 2).
    reference : {"box", "pca"}, default="box"
        The box the reference data are drawn from.
    n_init : int, default=3
        Seedings of every k-means run (k-means++).
    random_state : int, RandomState instance or None, default=None
        The random source of the reference data and of k-means.

    Returns
    -------
    result : Bunch
        ``ks`` (shape (k_max,)), ``log_w`` (:math:`\log W_K`), ``log_w_ref``
        (shape (k_max, n_refs)), ``gap``, ``s`` (both shape (k_max,)), ``k`` (the choice).

    Notes
    -----
    Implements {eq}`eq-kmeans-gap` and the rule {eq}`eq-kmeans-gap-rule` of the k-means
    chapter.
    """
    X = as_finite_array(X, "X", ndim=2)
    if not 2 <= k_max <= X.shape[0]:
        raise ValueError(f"k_max={k_max} must be at least 2 and at most "
                         f"n_samples={X.shape[0]}.")
    if n_refs < 2:
        raise ValueError(f"n_refs={n_refs} must be at least 2 (se_K needs a spread).")
    if reference not in ("box", "pca"):
        raise ValueError(f"reference={reference!r} must be 'box' or 'pca'.")
    rng = check_random_state(random_state)
    draw = _reference_sampler(X, reference)
    refs = [draw(rng) for _ in range(n_refs)]
    ks = np.arange(1, k_max + 1)

    def log_inertia(data, k):
        model = KMeans(k, n_init=n_init, random_state=rng).fit(data)
        return np.log(model.inertia_)

    log_w = np.array([log_inertia(X, k) for k in ks])
    log_w_ref = np.array([[log_inertia(R, k) for R in refs] for k in ks])  # (k_max, B)
    gap = log_w_ref.mean(axis=1) - log_w
    s = log_w_ref.std(axis=1) * np.sqrt(1 + 1 / n_refs)
    ok = np.flatnonzero(gap[:-1] >= gap[1:] - s[1:])
    k = int(ks[ok[0]]) if ok.size else int(k_max)
    return Bunch(ks=ks, log_w=log_w, log_w_ref=log_w_ref, gap=gap, s=s, k=k)
