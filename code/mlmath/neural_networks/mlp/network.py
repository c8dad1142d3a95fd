r"""The forward pass, the losses and the backward pass (backpropagation) of a multilayer network.

The code of the book's chapter Multilayer networks (``book/neural_networks/
multilayer_networks.md``). Row-wise for a batch: :math:`\mathbf{Z}^{(l)} = \mathbf{A}^{(l-1)}
\mW^{(l)} + \vone\vb^{(l)\top}`, :math:`\mathbf{A}^{(l)} = \phi(\mathbf{Z}^{(l)})`, the last
layer with the output activation. The objective is scikit-learn's,

.. math::
    J = \frac{1}{n}\sum_i \ell_i + \frac{\alpha}{2n}\sum_l \|\mW^{(l)}\|_F^2

(biases not penalised; :math:`n` the batch size), and every loss is paired with its canonical
output activation so that the output error signal is :math:`\boldsymbol\delta^{(D)} =
(\mathbf{A}^{(D)} - \mathbf{Y})/n`.
"""

import numpy as np
from scipy.special import xlogy

from mlmath.neural_networks.mlp.activations import _TIMES_DERIVATIVE, ACTIVATIONS
from mlmath.validation import Options, check_parameter

__all__ = ["forward_pass", "backward_pass", "squared_error_loss", "log_loss", "binary_log_loss",
           "poisson_loss", "LOSSES"]

_HIDDEN = Options(["identity", "logistic", "tanh", "relu"])
_OUTPUT = Options(["identity", "logistic", "softmax", "exp"])


def _check_layers(n_inputs, coefs, intercepts):
    """Refuse parameter lists that do not chain: ``zip`` would silently truncate them."""
    if len(coefs) != len(intercepts) or not coefs:
        raise ValueError("coefs and intercepts must be non-empty lists of equal lengths (one "
                         f"pair per layer); got {len(coefs)} and {len(intercepts)}.")
    fan_in = n_inputs
    for k, (W, b) in enumerate(zip(coefs, intercepts)):
        if W.ndim != 2 or W.shape[0] != fan_in or b.shape != (W.shape[1],):
            raise ValueError(f"layer {k + 1}: coefs[{k}] must have shape ({fan_in}, d) and "
                             f"intercepts[{k}] shape (d,); got {W.shape} and {b.shape}.")
        fan_in = W.shape[1]


def forward_pass(X, coefs, intercepts, activation, out_activation):
    r"""The activations of every layer, from the inputs to the outputs.

    :math:`\mathbf{Z}^{(l)} = \mathbf{A}^{(l-1)}\mW^{(l)} + \vone\vb^{(l)\top}` and
    :math:`\mathbf{A}^{(l)} = \phi(\mathbf{Z}^{(l)})`, the output activation at :math:`l = D`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    coefs : list of ndarray, shapes (d_{l-1}, d_l)
    intercepts : list of ndarray, shapes (d_l,)
    activation : {"identity", "logistic", "tanh", "relu"}
        The hidden layers' :math:`\phi`.
    out_activation : {"identity", "logistic", "softmax", "exp"}
        The output layer's activation.

    Returns
    -------
    list of ndarray
        ``D + 1`` arrays; entry ``l`` has shape (n_samples, d_l); entry 0 is ``X`` itself.

    Notes
    -----
    Implements {eq}`eq-mlp-forward` of the chapter.
    """
    check_parameter(activation, "activation", [_HIDDEN], owner="forward_pass")
    check_parameter(out_activation, "out_activation", [_OUTPUT], owner="forward_pass")
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_features); got shape {X.shape}.")
    _check_layers(X.shape[1], coefs, intercepts)
    hidden = ACTIVATIONS[activation]
    activations = [X]
    last = len(coefs) - 1
    for layer, (W, b) in enumerate(zip(coefs, intercepts)):
        Z = activations[-1] @ W
        Z += b
        (ACTIVATIONS[out_activation] if layer == last else hidden)(Z, out=Z)
        activations.append(Z)
    return activations


def squared_error_loss(Y, A, sample_weight=None):
    r"""Half the squared error, :math:`\frac{1}{2}` mean over samples, then mean over outputs.

    Parameters
    ----------
    Y, A : ndarray of shape (n_samples, n_outputs)
        Targets and predictions.
    sample_weight : ndarray of shape (n_samples,), optional

    Returns
    -------
    float
    """
    return 0.5 * np.average((Y - A) ** 2, weights=sample_weight, axis=0).mean()


def poisson_loss(Y, A, sample_weight=None):
    r"""Half the Poisson deviance, :math:`y\log(y/\mu) - y + \mu`, mean over samples, summed.

    Parameters
    ----------
    Y, A : ndarray of shape (n_samples, n_outputs)
        Targets (``>= 0``) and predicted means (``> 0``).
    sample_weight : ndarray of shape (n_samples,), optional

    Returns
    -------
    float
    """
    return np.average(xlogy(Y, Y / A) - Y + A, weights=sample_weight, axis=0).sum()


def log_loss(Y, P, sample_weight=None):
    r"""The cross-entropy :math:`-\sum_k y_k\log p_k`, mean over samples (probabilities clipped to
    :math:`[\varepsilon, 1-\varepsilon]`, :math:`\varepsilon` the machine epsilon).

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_classes) or (n_samples, 1)
        One-hot rows, or a single 0/1 column (the positive class).
    P : ndarray of Y's shape
        Softmax rows, or the positive class's probability.
    sample_weight : ndarray of shape (n_samples,), optional

    Returns
    -------
    float
    """
    eps = np.finfo(P.dtype).eps
    P = np.clip(P, eps, 1 - eps)
    if P.shape[1] == 1:
        P = np.append(1 - P, P, axis=1)
    if Y.shape[1] == 1:
        Y = np.append(1 - Y, Y, axis=1)
    return -np.average(xlogy(Y, P), weights=sample_weight, axis=0).sum()


def binary_log_loss(Y, P, sample_weight=None):
    r"""Independent binary cross-entropies, one per column, mean over samples, summed over columns.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_outputs)
        0/1 targets.
    P : ndarray of Y's shape
        Logistic outputs.
    sample_weight : ndarray of shape (n_samples,), optional

    Returns
    -------
    float
    """
    eps = np.finfo(P.dtype).eps
    P = np.clip(P, eps, 1 - eps)
    return -np.average(xlogy(Y, P) + xlogy(1 - Y, 1 - P), weights=sample_weight, axis=0).sum()


LOSSES = {"squared_error": squared_error_loss, "log_loss": log_loss,
          "binary_log_loss": binary_log_loss, "poisson": poisson_loss}


def backward_pass(activations, Y, coefs, intercepts, activation, loss, alpha,
                  sample_weight=None):
    r"""The objective and its gradients by backpropagation.

    The error signals are :math:`\boldsymbol\delta^{(D)} \propto \mathbf{A}^{(D)} - \mathbf{Y}`
    and :math:`\boldsymbol\delta^{(l)} = (\boldsymbol\delta^{(l+1)}\mW^{(l+1)\top}) \odot
    \phi'(\mathbf{Z}^{(l)})`; the gradients are :math:`\mathbf{A}^{(l-1)\top}\boldsymbol
    \delta^{(l)} + \alpha\mW^{(l)}` and :math:`\vone^\top\boldsymbol\delta^{(l)}`, divided by
    :math:`n` (or by the sum of the sample weights).

    Parameters
    ----------
    activations : list of ndarray
        The output of :func:`forward_pass` (``activations[0]`` is the batch ``X``).
    Y : ndarray of shape (n_samples, n_outputs)
        Targets (one-hot / 0-1 indicators for the log-losses).
    coefs : list of ndarray, shapes (d_{l-1}, d_l)
    intercepts : list of ndarray, shapes (d_l,)
        Unused by the arithmetic (the biases do not enter the backward recursion); kept so the
        signature names every parameter.
    activation : {"identity", "logistic", "tanh", "relu"}
        The hidden activation used in the forward pass.
    loss : {"squared_error", "log_loss", "binary_log_loss", "poisson"}
        Paired with the output activation identity, softmax (or one logistic column),
        logistic, exp respectively.
    alpha : float
        The L2 strength :math:`\alpha \ge 0`.
    sample_weight : ndarray of shape (n_samples,), optional
        Weights of the samples (the mean becomes a weighted mean).

    Returns
    -------
    loss_value : float
        :math:`J`: the mean loss plus :math:`\frac{\alpha}{2n}\sum_l\|\mW^{(l)}\|_F^2`.
    coef_grads : list of ndarray, shapes of ``coefs``
    intercept_grads : list of ndarray, shapes of ``intercepts``

    Notes
    -----
    Implements {eq}`eq-mlp-backprop` of the chapter. With ``"squared_error"`` and several
    outputs the gradient is that of :math:`\frac{1}{2n}\sum_i\|\vy_i-\va_i\|^2` (summed over
    outputs) while the reported loss averages over the outputs, as in scikit-learn; with one
    output the two agree.
    """
    check_parameter(activation, "activation", [_HIDDEN], owner="backward_pass")
    check_parameter(loss, "loss", [Options(LOSSES)], owner="backward_pass")
    if len(activations) != len(coefs) + 1:
        raise ValueError(f"activations must hold len(coefs) + 1 = {len(coefs) + 1} arrays (the "
                         f"output of forward_pass); got {len(activations)}.")
    A_out = activations[-1]
    if Y.shape != A_out.shape:  # a 1-D Y would broadcast A_out - Y to (n, n)
        raise ValueError(f"Y must have the outputs' shape {A_out.shape}; got {Y.shape}.")
    n = A_out.shape[0]
    if sample_weight is not None and sample_weight.shape != (n,):
        raise ValueError(f"sample_weight must have shape ({n},); got {sample_weight.shape}.")
    value = LOSSES[loss](Y, A_out, sample_weight)
    squares = 0
    for W in coefs:
        w = W.ravel()
        squares += np.dot(w, w)
    sw_sum = n if sample_weight is None else sample_weight.sum()
    value += (0.5 * alpha) * squares / sw_sum

    D = len(coefs)
    coef_grads = [None] * D
    intercept_grads = [None] * D
    delta = A_out - Y
    if sample_weight is not None:
        delta *= sample_weight.reshape(-1, 1)
    times_derivative = _TIMES_DERIVATIVE[activation]
    for k in range(D - 1, -1, -1):  # k = l - 1: coefs[k] is W^(l)
        grad = activations[k].T @ delta
        grad += alpha * coefs[k]
        grad /= sw_sum
        coef_grads[k] = grad
        intercept_grads[k] = np.sum(delta, axis=0) / sw_sum
        if k > 0:
            delta = times_derivative(activations[k], delta @ coefs[k].T)
    return value, coef_grads, intercept_grads
