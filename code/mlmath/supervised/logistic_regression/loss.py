r"""The logistic losses, their gradients and Hessians, and the IRLS update.

The code of the book's logistic regression chapter (``book/supervised/logistic_regression.md``).
Every objective here is the smooth part of scikit-learn's, divided by the sum of the sample
weights :math:`n_\omega = \sum_i \omega_i` (which does not move the minimiser):

.. math::

    J(\vtheta) = \frac{1}{n_\omega} \sum_{i=1}^n \omega_i\,\ell_i(\vtheta)
    + \frac{\alpha}{2}\|\mW\|_F^2 ,

with :math:`\alpha = 1/(C n_\omega)` for scikit-learn's ``C``. The intercepts are not penalised.

Parameters are packed in one flat vector ``theta``. Binary: ``theta = [w, b]`` of length
``d + 1`` (``d`` without intercept). Multinomial: the rows of the ``(K, d + 1)`` matrix
``[W, b]`` one after the other, so ``theta.reshape(K, -1)[k]`` is ``[w_k, b_k]``.
"""

import numpy as np

from mlmath.numerics import log_sigmoid, log_softmax, sigmoid

__all__ = [
    "add_intercept_column",
    "binary_loss_and_gradient",
    "binary_hessian",
    "irls_update",
    "multinomial_loss_and_gradient",
    "multinomial_hessian",
    "penalty_mask",
]


def add_intercept_column(X, fit_intercept):
    """Return ``[X, 1]`` (a column of ones appended) when ``fit_intercept``, else ``X``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    fit_intercept : bool

    Returns
    -------
    ndarray of shape (n_samples, n_features + fit_intercept)
    """
    if not fit_intercept:
        return X
    return np.hstack([X, np.ones((X.shape[0], 1))])


def penalty_mask(n_features, fit_intercept, n_rows=1):
    """Indicator of the penalised entries of ``theta`` (every weight, no intercept).

    Parameters
    ----------
    n_features : int
    fit_intercept : bool
    n_rows : int, default=1
        1 for the binary model, ``K`` for the multinomial one.

    Returns
    -------
    ndarray of shape (n_rows * (n_features + fit_intercept),)
        1.0 for a weight, 0.0 for an intercept.
    """
    row = np.ones(n_features + int(fit_intercept))
    if fit_intercept:
        row[-1] = 0.0
    return np.tile(row, n_rows)


def binary_loss_and_gradient(theta, X1, y, sample_weight, alpha, mask=None):
    r"""The binary logistic objective and its gradient.

    .. math::

        J(\vtheta) = \frac{1}{n_\omega}\sum_i \omega_i\big(\log(1 + e^{z_i}) - y_i z_i\big)
        + \frac\alpha2\|\vw\|_2^2, \qquad z_i = \tilde\vx_i^\top\vtheta ,

    with gradient :math:`\frac{1}{n_\omega}\tilde\mX^\top\boldsymbol\Omega(\vp - \vy)
    + \alpha(\vw, 0)`, where :math:`\boldsymbol\Omega = \mathrm{diag}(\omega_i)`.

    Parameters
    ----------
    theta : ndarray of shape (n_params,)
        ``[w, b]`` (or ``w`` when ``X1`` has no column of ones).
    X1 : ndarray of shape (n_samples, n_params)
        The data, with a last column of ones when an intercept is fitted.
    y : ndarray of shape (n_samples,)
        Labels in {0, 1}.
    sample_weight : ndarray of shape (n_samples,)
    alpha : float
        L2 strength :math:`\alpha \ge 0`.
    mask : ndarray of shape (n_params,), default=None
        1.0 for a penalised entry, 0.0 for the intercept (``penalty_mask``); ``None``
        penalises every entry.

    Returns
    -------
    loss : float
    grad : ndarray of shape (n_params,)

    Notes
    -----
    Implements {eq}`eq-logreg-objective` and the gradient {eq}`eq-logreg-gradient` of the
    logistic regression chapter. ``log(1 + e^z) = -log_sigmoid(-z)`` never overflows.
    """
    n_w = sample_weight.sum()                             # n_omega
    z = X1 @ theta                                        # (n,)
    losses = -log_sigmoid(-z) - y * z                     # log(1 + e^z) - y z
    wt = theta if mask is None else theta * mask
    loss = sample_weight @ losses / n_w + 0.5 * alpha * (wt @ wt)
    r = sample_weight * (sigmoid(z) - y) / n_w            # (n,)
    grad = X1.T @ r + alpha * wt
    return float(loss), grad


def binary_hessian(theta, X1, sample_weight, alpha, mask=None):
    r"""The binary Hessian :math:`\frac{1}{n_\omega}\tilde\mX^\top\mathbf D\tilde\mX + \alpha\mI'`.

    Here :math:`\mathbf D = \mathrm{diag}(\omega_i p_i(1-p_i))` and :math:`\mI'` is the identity
    with a zero for the intercept.

    Parameters
    ----------
    theta : ndarray of shape (n_params,)
    X1 : ndarray of shape (n_samples, n_params)
    sample_weight : ndarray of shape (n_samples,)
    alpha : float
    mask : ndarray of shape (n_params,), default=None
        Penalised entries (``None``: all of them).

    Returns
    -------
    ndarray of shape (n_params, n_params)

    Notes
    -----
    Implements {eq}`eq-logreg-hessian` of the logistic regression chapter.
    """
    mask = np.ones_like(theta) if mask is None else mask
    p = sigmoid(X1 @ theta)
    v = sample_weight * p * (1.0 - p) / sample_weight.sum()   # (n,)
    H = X1.T @ (v[:, None] * X1)
    H[np.diag_indices_from(H)] += alpha * mask
    return H


def irls_update(theta, X1, y, sample_weight, alpha, mask=None):
    r"""One IRLS step: the weighted ridge regression on the working response.

    With :math:`p_i = \sigmoid(z_i)`, :math:`D_{ii} = \omega_i p_i(1-p_i)` and the working
    response :math:`\tilde z_i = z_i + (y_i - p_i)/(p_i(1-p_i))`, returns the minimiser of
    :math:`\frac{1}{2n_\omega}\sum_i D_{ii}(\tilde z_i - \tilde\vx_i^\top\vtheta)^2
    + \frac\alpha2\|\vw\|_2^2`, solved as a least-squares problem on rows scaled by
    :math:`\sqrt{D_{ii}}` (and :math:`\sqrt{\alpha n_\omega}` rows for the penalty), without
    forming the Hessian.

    Parameters
    ----------
    theta : ndarray of shape (n_params,)
    X1 : ndarray of shape (n_samples, n_params)
    y : ndarray of shape (n_samples,)
        Labels in {0, 1}.
    sample_weight : ndarray of shape (n_samples,)
    alpha : float
    mask : ndarray of shape (n_params,), default=None

    Returns
    -------
    ndarray of shape (n_params,)
        The next iterate; it equals the full Newton step
        :math:`\vtheta - \nabla^2 J(\vtheta)^{-1}\nabla J(\vtheta)`.

    Notes
    -----
    Implements {eq}`eq-logreg-irls` of the logistic regression chapter.
    """
    mask = np.ones_like(theta) if mask is None else mask
    z = X1 @ theta
    p = sigmoid(z)
    q = p * (1.0 - p)
    z_work = z + (y - p) / q                               # working response
    root = np.sqrt(sample_weight * q)
    pen = np.sqrt(alpha * sample_weight.sum()) * np.diag(mask)
    A = np.vstack([root[:, None] * X1, pen])
    rhs = np.concatenate([root * z_work, np.zeros(len(theta))])
    return np.linalg.lstsq(A, rhs, rcond=None)[0]


def multinomial_loss_and_gradient(theta, X1, y, sample_weight, alpha, n_classes, mask=None):
    r"""The multinomial (softmax) objective and its gradient.

    .. math::

        J(\mTheta) = \frac{1}{n_\omega}\sum_i \omega_i\Big(\log\sum_{k} e^{z_{ik}}
        - z_{i y_i}\Big) + \frac\alpha2\|\mW\|_F^2, \qquad \vz_i = \mTheta\tilde\vx_i ,

    with gradient :math:`\frac{1}{n_\omega}(\hat\mY - \mY)^\top\boldsymbol\Omega\tilde\mX
    + \alpha(\mW, \vzero)`, :math:`\hat\mY` the predicted probabilities and :math:`\mY` the
    one-hot labels.

    Parameters
    ----------
    theta : ndarray of shape (n_classes * n_params,)
        The rows ``[w_k, b_k]`` one after the other.
    X1 : ndarray of shape (n_samples, n_params)
    y : ndarray of shape (n_samples,), dtype int
        Class indices in ``0, ..., n_classes - 1``.
    sample_weight : ndarray of shape (n_samples,)
    alpha : float
    n_classes : int
    mask : ndarray of shape (n_classes * n_params,), default=None
        Penalised entries (``None``: all of them).

    Returns
    -------
    loss : float
    grad : ndarray of shape (n_classes * n_params,)

    Notes
    -----
    Implements {eq}`eq-logreg-softmax-loss` and {eq}`eq-logreg-softmax-gradient` of the
    logistic regression chapter.
    """
    n, D = X1.shape
    Theta = theta.reshape(n_classes, D)
    if mask is None:
        mask = np.ones_like(theta)
    M = mask.reshape(n_classes, D)
    n_w = sample_weight.sum()                             # n_omega
    Z = X1 @ Theta.T                                      # (n, K)
    logP = log_softmax(Z, axis=1)                         # (n, K)
    rows = np.arange(n)
    Wt = Theta * M
    loss = -(sample_weight @ logP[rows, y]) / n_w + 0.5 * alpha * np.sum(Wt * Wt)
    R = np.exp(logP)                                      # Y_hat, then Y_hat - Y, then weighted
    R[rows, y] -= 1.0
    R *= (sample_weight / n_w)[:, None]
    grad = R.T @ X1 + alpha * Wt                          # (K, D)
    return float(loss), grad.ravel()


def multinomial_hessian(theta, X1, sample_weight, alpha, n_classes, mask=None):
    r"""The full Hessian of the multinomial objective, of size :math:`K(d+1)`.

    Block :math:`(k, l)` is
    :math:`\frac{1}{n_\omega}\tilde\mX^\top
    \mathrm{diag}\big(\omega_i p_{ik}(\mathbb I[k = l] - p_{il})\big)\tilde\mX
    + \alpha\,\mathbb I[k = l]\,\mI'`. The Hessian is assembled block by block, so the
    memory it needs beyond its own :math:`(K(d+1))^2` entries is one :math:`n \times (d+1)`
    array, and the :math:`K(K+1)/2` blocks on and above the diagonal are computed, each in
    :math:`O(n(d+1)^2)`.

    Parameters
    ----------
    theta : ndarray of shape (n_classes * n_params,)
    X1 : ndarray of shape (n_samples, n_params)
    sample_weight : ndarray of shape (n_samples,)
    alpha : float
    n_classes : int
    mask : ndarray of shape (n_classes * n_params,), default=None

    Returns
    -------
    ndarray of shape (n_classes * n_params, n_classes * n_params)

    Notes
    -----
    Implements {eq}`eq-logreg-softmax-hessian` of the logistic regression chapter.
    """
    n, D = X1.shape
    K = n_classes
    Theta = theta.reshape(K, D)
    if mask is None:
        mask = np.ones_like(theta)
    P = np.exp(log_softmax(X1 @ Theta.T, axis=1))         # (n, K)
    sw = sample_weight / sample_weight.sum()              # (n,)
    H = np.empty((K * D, K * D))
    # Block (k, j) is X^T diag(w) X with w_i = omega_i p_ik (I[k = j] - p_ij) / n_omega: one
    # (n, D) temporary at a time, and only the K (K + 1) / 2 blocks with j >= k (H is symmetric).
    for k in range(K):
        for j in range(k, K):
            w = sw * P[:, k] * ((k == j) - P[:, j])       # (n,)
            blk = X1.T @ (w[:, None] * X1)                # (D, D), O(n D^2)
            H[k * D:(k + 1) * D, j * D:(j + 1) * D] = blk
            H[j * D:(j + 1) * D, k * D:(k + 1) * D] = blk.T
    H[np.diag_indices_from(H)] += alpha * mask
    return H
