r"""One multilayer network trained twice: on the book's engine and on PyTorch.

Both trainers start from the same weights (for example those of
:func:`mlmath.neural_networks.mlp.initial_parameters`), visit the same minibatches
(:func:`minibatch_indices` with the same int ``random_state``) and take the same plain SGD steps
:math:`\vtheta \leftarrow \vtheta - \eta\,\nabla J_B(\vtheta)` on scikit-learn's objective: the
mean loss over the minibatch :math:`B` plus :math:`\frac{\alpha}{2|B|}\sum_l\|\mW^{(l)}\|_F^2`
(biases not penalised). Everything is float64, so the two loss curves agree to rounding.
"""

from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state

from mlmath.validation import (
    Interval,
    as_finite_array,
    check_nonnegative_float,
    check_option,
    check_parameter,
)

__all__ = ["minibatch_indices", "train_mlp_engine", "train_mlp_torch"]

ACTIVATION_NAMES = ("identity", "logistic", "tanh", "relu")
LOSSES = ("cross_entropy", "squared_error")


def minibatch_indices(n_samples, batch_size, n_epochs, random_state=0):
    """The minibatches of ``n_epochs`` epochs: a fresh permutation per epoch, cut in order.

    Parameters
    ----------
    n_samples : int
    batch_size : int
        The last batch of an epoch is smaller when ``batch_size`` does not divide
        ``n_samples``.
    n_epochs : int
    random_state : int, RandomState instance or None, default=0
        An int gives the same minibatches at every call. A ``RandomState`` instance is advanced
        by the draws, so two calls with the same instance give different minibatches.

    Returns
    -------
    list of ndarray of int
        One index array per SGD step.
    """
    for value, name in [(n_samples, "n_samples"), (batch_size, "batch_size"),
                        (n_epochs, "n_epochs")]:
        check_parameter(value, name, [Interval(Integral, 1, None)], owner="minibatch_indices")
    rng = check_random_state(random_state)
    batches = []
    for _ in range(n_epochs):
        order = rng.permutation(n_samples)
        batches += [order[i:i + batch_size] for i in range(0, n_samples, batch_size)]
    return batches


def _check_problem(X, Y, params0, activation, loss, alpha, learning_rate, owner):
    check_option(activation, "activation", ACTIVATION_NAMES, owner=owner)
    check_option(loss, "loss", LOSSES, owner=owner)
    check_nonnegative_float(alpha, "alpha", owner=owner)
    check_nonnegative_float(learning_rate, "learning_rate", strict=True, owner=owner)
    X = as_finite_array(X, "X", ndim=2, min_size=1)
    coefs, intercepts = params0
    if len(coefs) != len(intercepts) or not coefs:
        raise ValueError("params0 must be (coefs, intercepts), two lists of the same length.")
    coefs = [as_finite_array(W, f"coefs[{k}]", ndim=2) for k, W in enumerate(coefs)]
    intercepts = [as_finite_array(b, f"intercepts[{k}]", shape=(W.shape[1],))
                  for k, (W, b) in enumerate(zip(coefs, intercepts))]
    widths = [X.shape[1]] + [W.shape[1] for W in coefs]
    for k, W in enumerate(coefs):
        if W.shape[0] != widths[k]:
            raise ValueError(f"coefs[{k}] has shape {W.shape}; expected {widths[k]} rows.")
    if loss == "cross_entropy":
        Y = np.asarray(Y)
        if Y.shape != (X.shape[0],) or not np.issubdtype(Y.dtype, np.integer):
            raise ValueError("With loss='cross_entropy', Y must be an integer label array of "
                             f"shape ({X.shape[0]},); got {Y.dtype} of shape {Y.shape}.")
        if Y.min() < 0 or Y.max() >= widths[-1]:
            raise ValueError(f"Labels must lie in 0..{widths[-1] - 1}.")
    else:
        Y = as_finite_array(Y, "Y", ndim=2, shape=(X.shape[0], widths[-1]))
    return X, Y, coefs, intercepts


def train_mlp_engine(X, Y, params0, *, activation="relu", loss="cross_entropy", alpha=0.0,
                     learning_rate=0.1, batch_size=32, n_epochs=5, random_state=0):
    r"""Train an MLP with plain minibatch SGD on the book's autograd engine.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples,) of int (``loss="cross_entropy"``), or of shape
        (n_samples, n_outputs) (``loss="squared_error"``)
    params0 : tuple (coefs, intercepts)
        Lists of the :math:`D` weight matrices of shape :math:`(d_{l-1}, d_l)` and biases of
        shape :math:`(d_l,)`, as :func:`mlmath.neural_networks.mlp.initial_parameters` returns
        them. They are copied, not changed.
    activation : {"identity", "logistic", "tanh", "relu"}, default="relu"
        The hidden layers' :math:`\phi`; the output layer is linear (its softmax is part of the
        cross-entropy).
    loss : {"cross_entropy", "squared_error"}, default="cross_entropy"
        Mean cross-entropy of the softmax of the outputs, or scikit-learn's squared loss
        :math:`\frac{1}{2|B|d_D}\sum_{i,k}(y_{ik} - z_{ik})^2`.
    alpha : float, default=0.0
        L2 strength of scikit-learn's penalty :math:`\frac{\alpha}{2|B|}\sum_l\|\mW^{(l)}\|_F^2`.
    learning_rate : float, default=0.1
        The step size :math:`\eta`.
    batch_size : int, default=32
    n_epochs : int, default=5
    random_state : int, RandomState instance or None, default=0
        Seeds :func:`minibatch_indices`. Pass the same int to :func:`train_mlp_torch` to visit
        the same minibatches: a ``RandomState`` instance is advanced by the draws, so one
        instance passed to both trainers gives them different minibatches.

    Returns
    -------
    loss_curve : ndarray of shape (n_steps,)
        The minibatch objective before each step.
    coefs, intercepts : lists of ndarray
        The trained parameters.

    Notes
    -----
    The gradient is the reverse sweep {eq}`eq-backprop-adjoint` of the backpropagation chapter,
    run by ``loss.backward()``.
    """
    from mlmath.autograd import Tensor, cross_entropy, mlp_forward

    X, Y, coefs, intercepts = _check_problem(X, Y, params0, activation, loss, alpha,
                                             learning_rate, "train_mlp_engine")
    weights = [Tensor(W, requires_grad=True) for W in coefs]
    biases = [Tensor(b, requires_grad=True) for b in intercepts]
    curve = []
    for batch in minibatch_indices(X.shape[0], batch_size, n_epochs, random_state):
        Z = mlp_forward(X[batch], list(zip(weights, biases)), activation)  # (|B|, d_D) logits
        if loss == "cross_entropy":
            J = cross_entropy(Z, Y[batch])
        else:
            J = 0.5 * ((Z - Tensor(Y[batch])) ** 2).mean()
        if alpha > 0:
            J = J + alpha / (2 * len(batch)) * sum((W * W).sum() for W in weights)
        J.backward()                                       # adjoints of every parameter
        for p in weights + biases:                         # plain SGD, in place
            p.data -= learning_rate * p.grad
            p.grad = None
        curve.append(J.item())
    return (np.array(curve), [W.numpy() for W in weights], [b.numpy() for b in biases])


def train_mlp_torch(X, Y, params0, *, activation="relu", loss="cross_entropy", alpha=0.0,
                    learning_rate=0.1, batch_size=32, n_epochs=5, random_state=0):
    """The same training as :func:`train_mlp_engine`, on PyTorch's autograd (CPU, float64).

    Parameters
    ----------
    X, Y, params0, activation, loss, alpha, learning_rate, batch_size, n_epochs, random_state
        As in :func:`train_mlp_engine`.

    Returns
    -------
    loss_curve : ndarray of shape (n_steps,)
    coefs, intercepts : lists of ndarray

    Notes
    -----
    The twin of {eq}`eq-backprop-adjoint` of the backpropagation chapter: ``torch.autograd``.
    """
    import torch
    import torch.nn.functional as F

    X, Y, coefs, intercepts = _check_problem(X, Y, params0, activation, loss, alpha,
                                             learning_rate, "train_mlp_torch")
    f64 = dict(dtype=torch.float64)
    weights = [torch.tensor(W, **f64, requires_grad=True) for W in coefs]
    biases = [torch.tensor(b, **f64, requires_grad=True) for b in intercepts]
    phi = {"identity": lambda z: z, "logistic": torch.sigmoid, "tanh": torch.tanh,
           "relu": torch.relu}[activation]
    Xt = torch.tensor(X, **f64)
    # torch's cross_entropy needs int64 labels (any integer dtype is accepted here)
    Yt = (torch.tensor(Y, dtype=torch.long) if loss == "cross_entropy"
          else torch.tensor(Y, **f64))
    curve = []
    for batch in minibatch_indices(X.shape[0], batch_size, n_epochs, random_state):
        batch = torch.from_numpy(batch)
        A = Xt[batch]
        for layer, (W, b) in enumerate(zip(weights, biases)):
            Z = A @ W + b
            A = phi(Z) if layer < len(weights) - 1 else Z
        if loss == "cross_entropy":
            J = F.cross_entropy(Z, Yt[batch])
        else:
            J = 0.5 * ((Z - Yt[batch]) ** 2).mean()
        if alpha > 0:
            J = J + alpha / (2 * len(batch)) * sum((W * W).sum() for W in weights)
        J.backward()
        with torch.no_grad():
            for p in weights + biases:
                p -= learning_rate * p.grad
                p.grad = None
        curve.append(J.item())
    return (np.array(curve), [W.detach().numpy().copy() for W in weights],
            [b.detach().numpy().copy() for b in biases])
