r"""Mini-batch stochastic gradient descent for penalised least squares.

The objective of :class:`mlmath.supervised.linear_regression.estimators.SGDRegressor` is

.. math::

    J(\vw, b) = \frac1n\sum_{i=1}^n \tfrac12 (y_i - \vx_i^\top\vw - b)^2 + \alpha \Omega(\vw),

with :math:`\Omega(\vw) = \tfrac12\|\vw\|_2^2` (``"l2"``), :math:`\|\vw\|_1` (``"l1"``) or
:math:`\rho\|\vw\|_1 + \tfrac{1-\rho}{2}\|\vw\|_2^2` (``"elasticnet"``). One step on a
mini-batch :math:`B` is a gradient step on the smooth part followed by the proximal step of the
part :math:`\alpha\rho\|\vw\|_1`, {eq}`eq-linreg-sgd-update` of the linear regression chapter.
For ``"l2"`` (and no penalty) these are scikit-learn's iterations; for the 1-norm scikit-learn
applies the cumulative penalty of Tsuruoka, Tsujii and Ananiadou (2009) instead of the proximal
step, so its ``"l1"`` and ``"elasticnet"`` iterates differ.
"""

import numba
import numpy as np

__all__ = ["penalty_weights", "learning_rate_schedule", "sgd_epoch", "sgd_updates",
           "penalised_objective"]


def penalty_weights(penalty, l1_ratio):
    """Split a penalty into its l1 and l2 weights ``(w1, w2)``: ``R = w1 |w|_1 + w2/2 |w|^2``.

    Parameters
    ----------
    penalty : {"l2", "l1", "elasticnet"} or None
    l1_ratio : float
        The mix :math:`\rho` of ``"elasticnet"``.

    Returns
    -------
    l1_weight, l2_weight : float
    """
    return {
        None: (0.0, 0.0),
        "l2": (0.0, 1.0),
        "l1": (1.0, 0.0),
        "elasticnet": (l1_ratio, 1.0 - l1_ratio),
    }[penalty]


def learning_rate_schedule(learning_rate, eta0, power_t):
    r"""The step size as a function of the update count :math:`t = 1, 2, \dots`.

    ``"constant"``: :math:`\eta_t = \eta_0`; ``"invscaling"``: :math:`\eta_t = \eta_0 / t^{\beta}`
    with :math:`\beta` = ``power_t``. The returned function accepts an array of update counts.

    Parameters
    ----------
    learning_rate : {"constant", "invscaling"}
    eta0 : float
        :math:`\eta_0 > 0`.
    power_t : float
        :math:`\beta \ge 0`.

    Returns
    -------
    step : callable
        :math:`t \mapsto \eta_t`.
    """
    if learning_rate == "constant":
        return lambda t: np.full(np.shape(t), float(eta0))
    return lambda t: eta0 / np.asarray(t, dtype=float) ** power_t


def penalised_objective(X, y, w, b, alpha, l1_weight, l2_weight, sample_weight=None):
    r"""The full objective :math:`J(\vw, b)` on the data ``(X, y)``.

    With sample weights :math:`\omega_i` the loss is :math:`\frac1n\sum_i \omega_i\frac12
    (y_i - \vx_i^\top\vw - b)^2`, the objective whose stochastic gradients SGD follows when
    each sample's gradient is scaled by its weight.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    w : ndarray of shape (n_features,)
    b : float
    alpha : float
    l1_weight, l2_weight : float
        The weights of the penalty's two parts (see :func:`penalty_weights`).
    sample_weight : ndarray of shape (n_samples,), default=None
        ``None`` gives every sample weight one.

    Returns
    -------
    float
    """
    r = y - X @ w - b
    loss = 0.5 * np.mean(r**2) if sample_weight is None else 0.5 * np.mean(sample_weight * r**2)
    return loss + alpha * (l1_weight * np.abs(w).sum() + 0.5 * l2_weight * w @ w)


@numba.njit(cache=True)
def sgd_updates(X, y, sample_weight, w, b, etas, order, batch_size, alpha, l1_weight, l2_weight,
                fit_intercept, row_sq):
    r"""The updates {eq}`eq-linreg-sgd-update` of one epoch, one mini-batch after another.

    Batch :math:`k` is ``order[k * batch_size : (k + 1) * batch_size]`` and takes the step
    ``etas[k]``. ``w`` is updated in place. The loop is compiled with numba because it is
    inherently sequential (each update reads the weights the previous one wrote) and, with one
    sample per update, a Python loop spends far more time in the interpreter (a few
    microseconds per NumPy call) than in the :math:`O(d)` arithmetic of an update unless
    :math:`d` is in the thousands. The prediction :math:`\vx_i^\top\vw` is ``np.dot`` on a
    contiguous row, which numba hands to BLAS (``ddot``): a plain compiled loop would not be
    vectorised, since without fast-math the compiler keeps the sum's order. Pass ``X`` in C
    order (contiguous rows). It runs the same updates in the same order as the NumPy loop; only
    the rounding of the inner products may differ.

    On the way it adds up, for the stopping rule, each visited sample's term of the objective
    at the weights before the update that uses it,
    :math:`\omega_i\tfrac12(y_i - \vx_i^\top\vw - b)^2 + \alpha\Omega(\vw)`, as
    scikit-learn's ``_plain_sgd`` does: the residual is computed for the update anyway, so the
    sum costs no extra pass over ``X``. Without an l1 part, :math:`\|\vw\|_2^2` is updated
    from quantities the step computes anyway, not summed again: after
    :math:`\vw \leftarrow s\vw - c\,\mathbf g`,
    :math:`\|\vw\|_2^2 \leftarrow s^2\|\vw\|_2^2 - 2sc\,\mathbf g^\top\vw + c^2\|\mathbf g\|_2^2`,
    with :math:`\mathbf g^\top\vw = \sum_{i\in B}r_i\,\vx_i^\top\vw` from the predictions and,
    for one sample, :math:`\|\mathbf g\|_2^2 = r_i^2\|\vx_i\|_2^2`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), C order
    y : ndarray of shape (n_samples,)
    sample_weight : ndarray of shape (n_samples,)
        Each sample's gradient is multiplied by its weight (ones: plain SGD).
    w : ndarray of shape (n_features,)
        The weights, updated in place.
    b : float
    etas : ndarray of shape (n_batches,)
        The step of each batch.
    order : ndarray of int, shape (n_samples,)
        The order in which samples are visited.
    batch_size : int
    alpha, l1_weight, l2_weight : float
        The penalty :math:`\alpha(w_1\|\vw\|_1 + \tfrac{w_2}{2}\|\vw\|_2^2)`.
    fit_intercept : bool
    row_sq : ndarray of shape (n_samples,)
        The squared norms :math:`\|\vx_i\|_2^2` of the rows in the visiting order:
        ``row_sq[k]`` belongs to row ``order[k]``.

    Returns
    -------
    b : float
        The intercept after the epoch.
    objective_sum : float
        The sum over the visited samples of their terms of the objective, each at the weights
        before its update; divided by the number of samples, an estimate of :math:`J` over the
        epoch.
    """
    d = X.shape[1]
    objective_sum = 0.0
    residual = np.empty(batch_size)  # (weighted) prediction errors of the batch
    gradient = np.empty(d)  # sum_i residual_i x_i over the batch
    sq_norm = np.dot(w, w)  # ||w||^2, kept up to date below
    for k in range(etas.size):
        eta = etas[k]
        start = k * batch_size
        size = min(batch_size, order.size - start)
        gradient_dot_w = 0.0  # g'w for the gradient g = sum_i residual_i x_i
        for m in range(size):  # residuals at the weights before this update
            i = order[start + m]
            prediction = np.dot(X[i], w)  # BLAS ddot on a contiguous row
            error = prediction + b - y[i]
            residual[m] = error * sample_weight[i]
            objective_sum += 0.5 * residual[m] * error  # omega_i (y_i - x_i'w - b)^2 / 2
            gradient_dot_w += residual[m] * prediction
        if alpha > 0:  # each sample's share of the penalty, at the same weights
            l1_norm = np.abs(w).sum() if l1_weight > 0 else 0.0
            objective_sum += size * alpha * (0.5 * l2_weight * sq_norm + l1_weight * l1_norm)
        gradient[:] = 0.0
        for m in range(size):
            i = order[start + m]
            for j in range(d):
                gradient[j] += residual[m] * X[i, j]
        shrink = 1.0 - eta * alpha * l2_weight if l2_weight > 0 else 1.0
        if l2_weight > 0:
            w *= shrink
        for j in range(d):
            w[j] -= (eta / size) * gradient[j]
        if l1_weight > 0:  # soft thresholding, {eq}`eq-linreg-soft-threshold`
            gamma = eta * alpha * l1_weight
            for j in range(d):
                if w[j] > gamma:
                    w[j] -= gamma
                elif w[j] < -gamma:
                    w[j] += gamma
                else:
                    w[j] = 0.0
            sq_norm = np.dot(w, w)
        else:  # ||s w - c g||^2 = s^2 ||w||^2 - 2 s c g'w + c^2 ||g||^2, without a pass over w
            c = eta / size
            gradient_sq = (residual[0] ** 2 * row_sq[start] if size == 1
                           else np.dot(gradient, gradient))
            sq_norm = (shrink * shrink * sq_norm - 2.0 * shrink * c * gradient_dot_w
                       + c * c * gradient_sq)
        if fit_intercept:
            b -= eta * residual[:size].sum() / size
    return b, objective_sum


def sgd_epoch(X, y, w, b, *, alpha, l1_weight, l2_weight, fit_intercept, batch_size, step,
              t, order, sample_weight=None, return_objective=False, sq_norms=None):
    r"""One pass over the data in mini-batches, in the order ``order``.

    For each mini-batch :math:`B` (update count :math:`t`, step :math:`\eta_t` from the
    schedule, capped at :math:`1/L_B` with
    :math:`L_B = \frac{1}{|B|}\sum_{i\in B}\omega_i(\|\vx_i\|_2^2 + 1) + \alpha(1-\rho)`, the
    :math:`+1` only with an intercept, {eq}`eq-linreg-sgd-curvature-bound`: an upper bound on
    the largest eigenvalue of the batch loss's Hessian, so that no step overshoots. The cap
    binds when :math:`\eta_t > 1/L_B`: not on standardised data with unit weights and the
    default :math:`\eta_0 = 0.01` until :math:`d` approaches 100 (from about 70), but as soon as
    :math:`\omega_i(\|\vx_i\|_2^2 + 1)` is comparable to :math:`1/\eta_t`, and then the
    iterates differ from scikit-learn's):

    .. math::

        \vw \leftarrow \soft_{\eta_t\alpha\rho}\Big(\vw - \eta_t\big(\tfrac{1}{|B|}
        \textstyle\sum_{i\in B}(\vx_i^\top\vw + b - y_i)\vx_i + \alpha(1-\rho)\vw\big)\Big),
        \qquad
        b \leftarrow b - \eta_t\tfrac{1}{|B|}\textstyle\sum_{i\in B}(\vx_i^\top\vw + b - y_i).

    The steps are computed here, the updates by the compiled loop :func:`sgd_updates`. With
    sample weights :math:`\omega_i` (all one when ``sample_weight`` is ``None``), each sample's
    term in both sums is multiplied by :math:`\omega_i` (scikit-learn's semantics), and so are
    its terms of :math:`L_B`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    w : ndarray of shape (n_features,)
    b : float
    alpha : float
    l1_weight, l2_weight : float
        The weights of the penalty's two parts (see :func:`penalty_weights`).
    fit_intercept : bool
    batch_size : int
    step : callable
        :math:`t \mapsto \eta_t`, applied to the array of this epoch's update counts.
    t : int
        Updates made before this epoch.
    order : ndarray of shape (n_samples,)
        The order in which samples are visited.
    sample_weight : ndarray of shape (n_samples,), default=None
        Non-negative weight of each sample; ``None`` gives every sample weight one.
    return_objective : bool, default=False
        Also return the epoch's running objective (see below).
    sq_norms : ndarray of shape (n_samples,), default=None
        The squared row norms :math:`\|\vx_i\|_2^2`, if already computed (a fit passes them
        once for all its epochs); ``None`` computes them.

    Returns
    -------
    w : ndarray of shape (n_features,)
    b : float
    t : int
        Updates made after this epoch.
    objective : float
        Only with ``return_objective``: the mean over the visited samples of
        :math:`\omega_i\tfrac12(y_i - \vx_i^\top\vw - b)^2 + \alpha\Omega(\vw)`, each at the
        weights before its update (the quantity scikit-learn's stopping rule tests).
    """
    X = np.ascontiguousarray(X, dtype=float)  # rows contiguous (no copy if they already are)
    y = np.asarray(y, dtype=float)
    sw = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight, float)
    w = np.array(w, dtype=float)  # updated in place by sgd_updates
    order = np.asarray(order, dtype=np.int64)
    starts = np.arange(0, order.size, batch_size)
    sizes = np.diff(np.append(starts, order.size))
    # Every step of the epoch at once: the schedule at t+1, t+2, ..., capped at 1/L_B with
    # L_B = sum omega_i (||x_i||^2 + 1)/|B| + alpha(1-rho) >= the batch Hessian's largest
    # eigenvalue (trace of the data part plus the penalty's eigenvalue; not the Hessian's
    # trace; the +1 only with an intercept), since a larger step can overshoot the batch's
    # minimum and diverge.
    if sq_norms is None:
        sq_norms = np.einsum("ij,ij->i", X, X)
    row_sq = sq_norms[order]  # ||x_i||^2 in the visiting order
    sw_order = sw[order]
    if batch_size == 1:  # each batch is one sample
        curvature = sw_order * row_sq + float(fit_intercept) * sw_order + alpha * l2_weight
    else:
        curvature = (np.add.reduceat(sw_order * row_sq, starts) / sizes
                     + float(fit_intercept) * np.add.reduceat(sw_order, starts) / sizes
                     + alpha * l2_weight)
    if not np.all(np.isfinite(curvature)):
        raise FloatingPointError(
            "SGD cannot run: squared feature norms overflow float64; standardise the features "
            "(StandardScaler)."
        )
    with np.errstate(divide="ignore"):  # a batch of zero weights: no cap (it does not move)
        etas = np.minimum(step(t + 1 + np.arange(starts.size)), 1.0 / curvature)
    b, objective_sum = sgd_updates(X, y, sw, w, float(b), etas, order, int(batch_size),
                                   float(alpha), float(l1_weight), float(l2_weight),
                                   bool(fit_intercept), row_sq)
    if return_objective:
        return w, b, t + starts.size, objective_sum / order.size
    return w, b, t + starts.size
