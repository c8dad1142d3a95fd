r"""The perceptron's online update loop, one sample at a time.

On a mistake, :math:`y_i(\vw^\top\vx_i + b) \le 0`, the perceptron moves the weights towards the
sample, :math:`\vw \leftarrow \vw + \eta\,\omega_i y_i\vx_i` and :math:`b \leftarrow b +
\eta\,\omega_i y_i`; otherwise it leaves them alone. This is a stochastic subgradient step on the
perceptron loss :math:`\max(0, -y_i(\vw^\top\vx_i + b))`, scikit-learn's ``Hinge(0.0)``, plus an
optional penalty :math:`\alpha\bigl(\tfrac{1-\rho}{2}\|\vw\|_2^2 + \rho\|\vw\|_1\bigr)`.

The loop runs the same operations in the same order as scikit-learn 1.9's ``_plain_sgd`` on dense
data, so that the two agree to rounding: the weights are stored as :math:`s\,\mathbf v` with a
scale :math:`s` (an L2 step multiplies :math:`s` alone, :math:`O(1)` instead of :math:`O(d)`),
the 1-norm is applied by the cumulative penalty of Tsuruoka, Tsujii and Ananiadou (2009), and the
samples are shuffled by scikit-learn's xorshift Fisher–Yates shuffle, :func:`xorshift_shuffle`,
and the stopping rule's penalty term reads scikit-learn's cached weight norms (stale after the L1
truncation) rather than the exact ones, so that the two stop at the same epoch.
"""

import numba
import numpy as np

__all__ = ["xorshift_shuffle", "perceptron_epochs"]

_MASK = 0xFFFFFFFF
_RESET_WSCALE = 1e-9


@numba.njit(cache=True)
def xorshift_shuffle(index, seed):
    r"""Permute ``index`` in place as scikit-learn's ``SequentialDataset.shuffle(seed)`` does.

    A Fisher–Yates shuffle driven by Marsaglia's 32-bit xorshift generator
    (:math:`s \leftarrow s \oplus (s \ll 13)`, :math:`s \leftarrow s \oplus (s \gg 17)`,
    :math:`s \leftarrow s \oplus (s \ll 5)`, the draw :math:`s \bmod 2^{31}`), started from
    ``seed`` (``0`` is replaced by ``1``). scikit-learn passes the same seed at every epoch and
    shuffles the order the previous epoch left, so the epochs' orders differ.

    Parameters
    ----------
    index : ndarray of int32, shape (n_samples,)
        The visiting order, permuted in place.
    seed : int
        A 32-bit unsigned seed.
    """
    s = np.uint64(seed) & np.uint64(_MASK)
    n = index.size
    for i in range(n - 1):
        if s == 0:
            s = np.uint64(1)
        s ^= (s << np.uint64(13)) & np.uint64(_MASK)
        s ^= s >> np.uint64(17)
        s ^= (s << np.uint64(5)) & np.uint64(_MASK)
        r = s % np.uint64(2147483648)
        j = i + np.int64(r % np.uint64(n - i))
        tmp = index[i]
        index[i] = index[j]
        index[j] = tmp


@numba.njit(cache=True)
def perceptron_epochs(X, y, sample_weight, w, intercept, eta, alpha, l1_ratio, penalty_type,
                      fit_intercept, max_iter, tol, n_iter_no_change, shuffle, seed,
                      weight_pos, weight_neg):
    r"""Run perceptron epochs until the objective stops improving or ``max_iter`` is reached.

    Implements {eq}`eq-perceptron-update` of the perceptron chapter. The loop is compiled with
    numba because it is inherently sequential: whether sample :math:`i` is a mistake depends on
    the weights that every earlier update wrote, so no array expression computes an epoch.

    After each epoch the mean objective over the epoch,
    :math:`\frac1n\sum_i[\max(0, -y_ip_i) + \alpha R(\vw)]` with each term at the weights before
    the sample's update, is compared with the best so far: an epoch that does not lower it by
    more than ``tol`` counts as no improvement, and ``n_iter_no_change`` of them in a row stop
    the loop (scikit-learn's rule). The penalty term reads the cached norms ``c_sq`` and ``c_l1``
    of scikit-learn's ``WeightVector`` (its ``sq_norm`` and ``l1_norm``), not the exact norms of
    the current weights: they are recomputed only when a mistake adds to the weights and
    multiplied by :math:`c^2` and :math:`|c|` when the L2 step scales them by :math:`c`, so they
    are stale after the L1 truncation. Keeping them is what reproduces the twin's stopping rule
    (exact norms can stop at other epochs with ``penalty="l1"`` or ``"elasticnet"``), and the
    objective then costs :math:`O(1)` per visit.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), C order
    y : ndarray of shape (n_samples,)
        Labels in :math:`\{-1, +1\}`.
    sample_weight : ndarray of shape (n_samples,)
    w : ndarray of shape (n_features,)
        Initial weights, updated in place (they hold the result on return).
    intercept : float
    eta : float
        The constant step ``eta0``.
    alpha, l1_ratio : float
        The penalty's strength and L1 share.
    penalty_type : int
        0: none, 1: L1, 2: L2, 3: elastic net.
    fit_intercept : bool
    max_iter, n_iter_no_change : int
    tol : float
        ``-inf`` turns the stopping rule off.
    shuffle : bool
    seed : int
        The seed of :func:`xorshift_shuffle`.
    weight_pos, weight_neg : float
        The class weights of the samples with :math:`y_i = +1` and :math:`y_i = -1`.

    Returns
    -------
    intercept : float
    n_iter : int
        The number of epochs run.
    n_mistakes : int
        The number of updates (samples with :math:`y_ip_i \le 0`) over all epochs.
    """
    n, d = X.shape
    index = np.arange(n).astype(np.int32)
    wscale = 1.0          # the weights are wscale * w
    # Cached norms of the weights, kept only to reproduce scikit-learn's stopping rule: its
    # WeightVector refreshes sq_norm and l1_norm when a sample is added and scales them with
    # the weights, but not after the L1 truncation, and its objective reads these cached values.
    c_sq = np.dot(w, w)   # ||wscale * w||_2^2 as last refreshed
    c_l1 = np.abs(w).sum()  # ||wscale * w||_1 as last refreshed
    q = np.zeros(d)       # the L1 penalty applied so far to each weight (Tsuruoka et al.)
    u = 0.0               # the L1 penalty that could have been applied so far
    best_objective = np.inf
    no_improvement = 0
    n_mistakes = 0
    n_iter = 0
    for epoch in range(max_iter):
        n_iter = epoch + 1
        objective_sum = 0.0
        if shuffle:
            xorshift_shuffle(index, seed)
        for k in range(n):
            i = index[k]
            p = np.dot(X[i], w) * wscale + intercept
            z = p * y[i]
            objective_sum += -z if z <= 0.0 else 0.0          # perceptron loss
            if penalty_type > 0:                               # the cached norms, O(1)
                objective_sum += alpha * ((1.0 - l1_ratio) * 0.5 * c_sq + l1_ratio * c_l1)
            update = eta * y[i] if z <= 0.0 else 0.0          # -eta * d loss / dp
            update *= (weight_pos if y[i] > 0.0 else weight_neg) * sample_weight[i]
            if penalty_type >= 2:                              # L2 part: shrink the scale
                c = max(0.0, 1.0 - (1.0 - l1_ratio) * eta * alpha)
                wscale *= c
                c_sq *= c * c
                c_l1 *= c
                if wscale < _RESET_WSCALE:
                    w *= wscale
                    wscale = 1.0
            if update != 0.0:
                n_mistakes += 1
                sq, l1 = 0.0, 0.0
                for j in range(d):                             # add, refreshing the norms
                    w[j] += X[i, j] * (update / wscale)
                    sq += w[j] * w[j]
                    l1 += abs(w[j])
                c_sq = sq * (wscale * wscale)
                c_l1 = l1 * wscale
            if fit_intercept and update != 0.0:
                intercept += update
            if penalty_type == 1 or penalty_type == 3:         # cumulative L1 penalty
                u += l1_ratio * eta * alpha
                for j in range(d):
                    wj = w[j]
                    if wscale * wj > 0.0:
                        w[j] = max(0.0, w[j] - (u + q[j]) / wscale)
                    elif wscale * wj < 0.0:
                        w[j] = min(0.0, w[j] + (u - q[j]) / wscale)
                    q[j] += wscale * (w[j] - wj)
        if not (np.isfinite(intercept) and np.all(np.isfinite(w))):
            raise ValueError("Floating-point overflow in the perceptron's updates: scale the "
                             "features (StandardScaler) or lower eta0.")
        mean_objective = objective_sum / n
        if tol > -np.inf and mean_objective > best_objective - tol:
            no_improvement += 1
        else:
            no_improvement = 0
        if mean_objective < best_objective:
            best_objective = mean_objective
        if no_improvement >= n_iter_no_change:
            break
    w *= wscale
    return intercept, n_iter, n_mistakes
