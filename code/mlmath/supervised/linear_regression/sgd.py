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

import numpy as np

from mlmath.supervised.linear_regression.coordinate_descent import soft_threshold

__all__ = ["penalty_weights", "learning_rate_schedule", "sgd_epoch", "penalised_objective"]


def penalty_weights(penalty, l1_ratio):
    """Split a penalty into its l1 and l2 weights ``(w1, w2)``: ``R = w1 |w|_1 + w2/2 |w|^2``."""
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
    """
    if learning_rate == "constant":
        return lambda t: np.full(np.shape(t), float(eta0))
    return lambda t: eta0 / np.asarray(t, dtype=float) ** power_t


def penalised_objective(X, y, w, b, alpha, l1_weight, l2_weight):
    """The full objective J(w, b) on the data ``(X, y)``."""
    r = y - X @ w - b
    return 0.5 * np.mean(r**2) + alpha * (l1_weight * np.abs(w).sum() + 0.5 * l2_weight * w @ w)


def sgd_epoch(X, y, w, b, *, alpha, l1_weight, l2_weight, fit_intercept, batch_size, step,
              t, order):
    r"""One pass over the data in mini-batches, in the order ``order``.

    For each mini-batch :math:`B` (update count :math:`t`, step :math:`\eta_t` from the
    schedule, capped at :math:`1/L_B` with :math:`L_B = \frac{1}{|B|}\sum_{i\in B}\|\vx_i\|_2^2
    + 1 + \alpha(1-\rho)`, {eq}`eq-linreg-sgd-curvature-bound`, an upper bound on the largest
    eigenvalue of the batch loss's Hessian, so that no step overshoots; on standardised data the
    cap is inactive):

    .. math::

        \vw \leftarrow \soft_{\eta_t\alpha\rho}\Big(\vw - \eta_t\big(\tfrac{1}{|B|}
        \textstyle\sum_{i\in B}(\vx_i^\top\vw + b - y_i)\vx_i + \alpha(1-\rho)\vw\big)\Big),
        \qquad
        b \leftarrow b - \eta_t\tfrac{1}{|B|}\textstyle\sum_{i\in B}(\vx_i^\top\vw + b - y_i).

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

    Returns
    -------
    w : ndarray of shape (n_features,)
    b : float
    t : int
        Updates made after this epoch.
    """
    w = np.array(w, dtype=float)  # updated in place below
    starts = np.arange(0, order.size, batch_size)
    sizes = np.diff(np.append(starts, order.size))
    # Every step of the epoch at once: the schedule at t+1, t+2, ..., capped at 1/L_B with
    # L_B = sum ||x_i||^2/|B| + 1 + alpha(1-rho) >= the batch Hessian's largest eigenvalue
    # (trace of the data part plus the penalty's eigenvalue; not the Hessian's trace), since a
    # larger step can overshoot the batch's minimum and diverge.
    row_sq = np.einsum("ij,ij->i", X, X)[order]  # ||x_i||^2 in the visiting order
    curvature = np.add.reduceat(row_sq, starts) / sizes + float(fit_intercept) + alpha * l2_weight
    if not np.all(np.isfinite(curvature)):
        raise FloatingPointError(
            "SGD cannot run: squared feature norms overflow float64; standardise the features "
            "(StandardScaler)."
        )
    etas = np.minimum(step(t + 1 + np.arange(starts.size)), 1.0 / curvature).tolist()
    for eta, start in zip(etas, starts.tolist()):
        batch = order[start:start + batch_size]
        Xb, yb = X[batch], y[batch]  # (|B|, d), (|B|,): copies of the batch's rows only
        residual = Xb @ w  # (|B|,): the prediction error x_i^T w + b - y_i, built in place
        residual += b
        residual -= yb
        if l2_weight > 0:
            w *= 1.0 - eta * alpha * l2_weight
        w -= (eta / yb.size) * (residual @ Xb)
        if l1_weight > 0:
            w = soft_threshold(w, eta * alpha * l1_weight)
        if fit_intercept:
            b -= eta * residual.sum() / yb.size
    return w, b, t + starts.size
