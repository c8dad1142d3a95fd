r"""Mini-batch k-means (Sculley, 2010): :class:`MiniBatchKMeans`.

Every step moves each centre towards the mean of the batch points assigned to it, with the
per-centre learning rate :math:`1/c_k` (:math:`c_k` the weight the centre has received so far,
the points of the current step included),
so that every centre is the running mean of all the points it was ever given.
"""

import math
from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.utils import check_random_state
from sklearn.utils.validation import validate_data

from mlmath.unsupervised.kmeans.estimators import _BaseKMeans
from mlmath.unsupervised.kmeans.lloyd import (
    assign,
    kmeans_plusplus,
    random_init,
    scaled_tolerance,
)
from mlmath.validation import (
    Interval,
    check_sample_weight,
    check_squares_representable,
    validate_parameters,
)

__all__ = ["MiniBatchKMeans", "minibatch_step"]


def minibatch_step(Xb, wb, labels, C, counts):
    r"""One mini-batch update with the per-centre learning rate :math:`1/c_k`.

    Centre :math:`k` has received the weight :math:`c_k` before the step (the chapter's
    :math:`c_k` is the count after it) and receives the
    weights :math:`w_i` of the batch points :math:`\mathcal{B}_k` assigned to it; its new position
    is the weighted mean of everything it has received,
    :math:`\boldsymbol\mu_k \leftarrow (c_k \boldsymbol\mu_k + \sum_{i \in \mathcal{B}_k} w_i
    \vx_i) / (c_k + \sum_{i \in \mathcal{B}_k} w_i)`, the same as the step
    :math:`\boldsymbol\mu_k + \eta_i (\vx_i - \boldsymbol\mu_k)` with
    :math:`\eta_i = w_i / c_k` applied point by point (``c_k`` increased by :math:`w_i` before
    each point's step).
    Centres that receive no point stay where they are.

    Parameters
    ----------
    Xb : ndarray of shape (batch_size, n_features)
        The batch.
    wb : ndarray of shape (batch_size,)
        Weights of the batch points.
    labels : ndarray of shape (batch_size,)
        The nearest centre of every batch point.
    C : ndarray of shape (n_clusters, n_features)
        The centres before the step (not modified).
    counts : ndarray of shape (n_clusters,)
        The weight :math:`c_k` each centre has received before the step; updated in place.

    Returns
    -------
    C_new : ndarray of shape (n_clusters, n_features)
        The centres after the step.

    Notes
    -----
    Implements {eq}`eq-kmeans-minibatch` of the k-means chapter.
    """
    k = C.shape[0]
    wsum = np.bincount(labels, weights=wb, minlength=k)                 # (k,)
    n = Xb.shape[0]
    # one entry per point (column), as in update_centers
    membership = sparse.csc_array((wb, labels, np.arange(n + 1)), shape=(k, n))
    sums = membership @ Xb                                               # (k, d)
    hit = wsum > 0
    old = counts[hit]
    counts[hit] += wsum[hit]
    C_new = C.copy()
    C_new[hit] = (C[hit] * old[:, None] + sums[hit]) / counts[hit, None]
    return C_new


class MiniBatchKMeans(_BaseKMeans):
    r"""k-means on random mini-batches (Sculley, 2010), with scikit-learn's stopping rules.

    Every step draws ``batch_size`` points with replacement, assigns them to the nearest
    centre, and moves each centre towards the mean of its batch points with the per-centre
    learning rate :math:`1/c_k`, :math:`c_k` the (weighted) number of points it has received
    so far, the current batch included (:func:`minibatch_step`). The run stops after
    ``max_iter`` passes over the data, when the centres move less than the tolerance, or when
    an exponentially weighted average of the batch inertia has not improved for
    ``max_no_improvement`` consecutive steps.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters.
    init : {"k-means++", "random"} or array-like of shape (n_clusters, n_features), \
default="k-means++"
        The seeding, computed on a random subset of ``init_size`` points.
    max_iter : int, default=100
        Most passes over the data (the number of steps is ``max_iter * n_samples //
        batch_size``).
    batch_size : int, default=1024
        Points per step.
    tol : float, default=0.0
        Relative tolerance on the squared centre shift of one step (0 turns the rule off).
    max_no_improvement : int or None, default=10
        Steps without improvement of the smoothed batch inertia before stopping (``None``
        turns the rule off).
    init_size : int or None, default=None
        Points used for the seeding; ``None`` means ``3 * batch_size`` (at least
        ``3 * n_clusters`` when that is smaller than ``n_clusters``, at most ``n_samples``).
    n_init : "auto" or int, default="auto"
        Number of seedings; the one of lowest inertia on a held-out subset is kept.
        ``"auto"``: 3 for ``init="random"``, 1 otherwise (scikit-learn's rule).
    reassignment_ratio : float, default=0.01
        Every ``10 * n_clusters`` points (and whenever a centre has received none), the centres
        whose count is below this fraction of the largest count are moved to random points of
        the batch (scikit-learn's rule; 0 turns it off).
    random_state : int, RandomState instance or None, default=None
        The random source of the seeding and of the batches.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        The centres, always float64: input of any float type, float32 included, is converted
        to float64 (scikit-learn keeps float32 centres for float32 input).
    labels_ : ndarray of shape (n_samples,)
    inertia_ : float
        Inertia of the training data (of the last batch, after ``partial_fit``) under the final
        centres.
    n_iter_ : int
        Passes over the data (rounded up); set by ``fit`` only.
    n_steps_ : int
        Mini-batch steps run.
    n_features_in_ : int

    Notes
    -----
    Implements {eq}`eq-kmeans-minibatch` of the k-means chapter. scikit-learn's
    ``compute_labels`` (labels are always computed) and ``verbose`` are not implemented.
    """

    _parameter_constraints = {
        **_BaseKMeans._parameter_constraints,
        "batch_size": [Interval(Integral, 1, None)],
        "max_no_improvement": [Interval(Integral, 0, None), None],
        "init_size": [Interval(Integral, 1, None), None],
        "reassignment_ratio": [Interval(Real, 0, None)],
    }

    def __init__(self, n_clusters=8, *, init="k-means++", max_iter=100, batch_size=1024,
                 tol=0.0, max_no_improvement=10, init_size=None, n_init="auto",
                 reassignment_ratio=0.01, random_state=None):
        self.n_clusters = n_clusters
        self.init = init
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.tol = tol
        self.max_no_improvement = max_no_improvement
        self.init_size = init_size
        self.n_init = n_init
        self.reassignment_ratio = reassignment_ratio
        self.random_state = random_state

    def _init_size(self, n):
        batch = min(self.batch_size, n)
        init_size = 3 * batch if self.init_size is None else self.init_size
        if init_size < self.n_clusters:
            init_size = 3 * self.n_clusters
        return min(init_size, n)

    def _seed_subset(self, X, w, init, rng, init_size):
        """Seed on ``init_size`` points drawn with replacement (all of them if that is n)."""
        n = X.shape[0]
        # drawn even for an init array, so that the random stream is scikit-learn's
        sub = rng.randint(0, n, init_size) if init_size < n else np.arange(n)
        if init is not None:
            return init.copy()
        if self.init == "k-means++":
            return kmeans_plusplus(X[sub], self.n_clusters, sample_weight=w[sub],
                                   random_state=rng)[0]
        return random_init(X[sub], self.n_clusters, sample_weight=w[sub], random_state=rng)

    def fit(self, X, y=None, sample_weight=None):
        """Cluster ``X`` by mini-batch steps.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The training points.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the points.

        Returns
        -------
        self : MiniBatchKMeans
        """
        validate_parameters(self)
        X, w, init, n_init = self._validate_fit_data(X, sample_weight)
        if self.n_init == "auto" and init is None and self.init == "random":
            n_init = 3
        rng = check_random_state(self.random_state)
        n = X.shape[0]
        batch = min(self.batch_size, n)
        tol = scaled_tolerance(X, self.tol)
        init_size = self._init_size(n)
        valid = rng.randint(0, n, init_size)
        X_valid, w_valid = X[valid], w[valid]
        best = None
        for _ in range(n_init):
            C0 = self._seed_subset(X, w, init, rng, init_size)
            _, d2 = assign(X_valid, C0)
            inert = float(d2 @ w_valid)
            if best is None or inert < best[1]:
                best = (C0, inert)
        C = best[0]
        counts = np.zeros(self.n_clusters)
        ewa, ewa_min, no_improvement = None, None, 0
        n_steps = (self.max_iter * n) // batch
        step = 0
        since_reassign = 0
        p = w / w.sum()
        wb = np.ones(batch)
        for step in range(1, n_steps + 1):
            # batches drawn with probability proportional to the weights, then unit weights
            idx = rng.choice(n, batch, p=p, replace=True)
            Xb = X[idx]
            labels, d2 = assign(Xb, C)
            batch_inertia = float(d2.sum())
            C_new = minibatch_step(Xb, wb, labels, C, counts)
            since_reassign += batch
            if np.any(counts == 0) or since_reassign >= 10 * self.n_clusters:
                since_reassign = 0
                self._reassign(Xb, C_new, counts, rng)
            shift = float(np.sum((C_new - C) ** 2)) if tol > 0 else 0.0
            C = C_new
            # scikit-learn's convergence rules; the first step is not judged
            if step == 1:
                continue
            batch_inertia /= batch
            smoothing = min(batch * 2.0 / (n + 1), 1.0)
            ewa = (batch_inertia if ewa is None
                   else ewa * (1 - smoothing) + batch_inertia * smoothing)
            if tol > 0 and shift <= tol:
                break
            if ewa_min is None or ewa < ewa_min:
                no_improvement, ewa_min = 0, ewa
            else:
                no_improvement += 1
            if self.max_no_improvement is not None and \
                    no_improvement >= self.max_no_improvement:
                break
        self.cluster_centers_ = C
        self.n_steps_ = step
        self.n_iter_ = int(math.ceil(step * batch / n))
        self.labels_, d2 = assign(X, C)
        self.inertia_ = float(d2 @ w)
        # the state partial_fit continues from
        self._counts, self._rng, self._since_reassign = counts, rng, since_reassign
        self._check_distinct()
        return self

    def partial_fit(self, X, y=None, sample_weight=None):
        """One mini-batch step on ``X`` (seeding on ``X`` at the first call).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The batch.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the batch points.

        Returns
        -------
        self : MiniBatchKMeans
        """
        first = not hasattr(self, "cluster_centers_")
        if first:
            validate_parameters(self)
            X, w, init, _ = self._validate_fit_data(X, sample_weight)
            self._rng = check_random_state(self.random_state)
            self.cluster_centers_ = self._seed_subset(X, w, init, self._rng,
                                                      self._init_size(X.shape[0]))
            self._counts = np.zeros(self.n_clusters)
            self._since_reassign = 0
            self.n_steps_ = 0
        else:
            X = validate_data(self, X, dtype=np.float64, reset=False)
            check_squares_representable(X)
            w = (np.ones(X.shape[0]) if sample_weight is None
                 else check_sample_weight(sample_weight, X.shape[0]))
        labels, _ = assign(X, self.cluster_centers_)
        C = minibatch_step(X, w, labels, self.cluster_centers_, self._counts)
        self._since_reassign += min(self.batch_size, X.shape[0])
        if np.any(self._counts == 0) or self._since_reassign >= 10 * self.n_clusters:
            self._since_reassign = 0
            self._reassign(X, C, self._counts, self._rng)
        self.cluster_centers_ = C
        self.labels_, d2 = assign(X, C)
        self.inertia_ = float(d2 @ w)
        self.n_steps_ += 1
        return self

    def _reassign(self, Xb, C, counts, rng):
        """scikit-learn's random reassignment of the centres that receive too few points."""
        if self.reassignment_ratio <= 0:
            return
        low = counts < self.reassignment_ratio * counts.max()
        if low.sum() > 0.5 * Xb.shape[0]:       # at most half a batch of new centres
            low[np.argsort(counts)[int(0.5 * Xb.shape[0]):]] = False
        if low.any():
            C[low] = Xb[rng.choice(Xb.shape[0], replace=False, size=int(low.sum()))]
            # the reassigned centres restart at the smallest count of the others
            counts[low] = np.min(counts[~low])
