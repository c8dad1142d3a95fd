r"""Gradient descent with momentum and per-coordinate gains (delta-bar-delta), as t-SNE uses it.

The same loop as scikit-learn's ``_gradient_descent``: every step adds 0.2 to a coordinate's gain
where the new gradient has the sign of the previous one (the product of the last update and the
gradient is negative, so the step keeps going the same way) and multiplies it by 0.8 where the
gradient changed sign (floored at ``min_gain``); the objective is evaluated every
``n_iter_check`` steps, when the search stops if the objective has not improved for
``n_iter_without_progress`` steps or the norm of the gain-scaled gradient is at most
``min_grad_norm``.
"""

import numpy as np

__all__ = ["gradient_descent"]


def gradient_descent(objective, z0, *, it, max_iter, momentum, learning_rate,
                     n_iter_check=50, n_iter_without_progress=300, min_gain=0.01,
                     min_grad_norm=1e-7):
    r"""Minimise ``objective`` from ``z0`` with momentum and adaptive gains.

    Parameters
    ----------
    objective : callable
        ``objective(z, compute_error)`` returns ``(value, gradient)``, the gradient of the shape
        of ``z``; the value may be ``nan`` when ``compute_error`` is false.
    z0 : ndarray of shape (n_samples, n_components)
        The starting point (not modified).
    it : int
        The index of the first iteration (the main phase continues the count of the first).
    max_iter : int
        Iterations stop before index ``max_iter``.
    momentum : float
        The momentum :math:`\psi` in :math:`\Delta \leftarrow \psi\Delta - \eta\, G \odot \nabla J`.
    learning_rate : float
        The step size :math:`\eta`.
    n_iter_check : int, default=50
        Evaluate the objective and the stopping rules every this many iterations.
    n_iter_without_progress : int, default=300
        Stop when the best objective is this many iterations old.
    min_gain : float, default=0.01
        Floor of the gains.
    min_grad_norm : float, default=1e-7
        Stop when the gain-scaled gradient's norm is at most this.

    Returns
    -------
    z : ndarray of shape (n_samples, n_components)
        The last iterate.
    error : float
        The objective at the last evaluation (of the iterate before the last update).
    i : int
        The index of the last iteration.
    history : list of (int, float)
        ``(iteration + 1, objective)`` at every evaluation.

    Notes
    -----
    Implements the updates {eq}`eq-tsne-gains` and {eq}`eq-tsne-momentum` of
    {prf:ref}`alg-tsne` of the t-SNE chapter.
    """
    z = np.array(z0, dtype=np.float64, copy=True)
    update = np.zeros_like(z)
    gains = np.ones_like(z)
    error = best_error = np.finfo(float).max
    best_iter = i = it
    history = []
    for i in range(it, max_iter):
        check = (i + 1) % n_iter_check == 0
        error, grad = objective(z, check or i == max_iter - 1)
        # update ~ -eta * (previous gradient): a negative product means the same sign again
        same_sign = update * grad < 0.0
        gains = np.where(same_sign, gains + 0.2, gains * 0.8)
        np.maximum(gains, min_gain, out=gains)
        grad = grad * gains
        update = momentum * update - learning_rate * grad
        z += update
        if check:
            history.append((i + 1, float(error)))
            if error < best_error:
                best_error, best_iter = error, i
            elif i - best_iter > n_iter_without_progress:
                break
            if np.linalg.norm(grad) <= min_grad_norm:
                break
    return z, float(error), i, history
