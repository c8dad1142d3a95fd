"""Time one training step of the same MLP on the book's engine and on PyTorch.

A step is the forward pass, the cross-entropy, the backward pass and a plain SGD update, on one
minibatch, in float64 on the CPU. The two are timed in alternating rounds
(:func:`mlmath.timing.time_alternating`), with both held to one thread: PyTorch by
``torch.set_num_threads(1)``, and the BLAS library that NumPy calls (OpenBLAS, say) by
``threadpoolctl.threadpool_limits(1)``, since the CPU clock counts the time of every thread.
Their ratio then means something on a shared machine. The numbers vary from run to run: report
ratios.
"""

import time
from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state
from threadpoolctl import threadpool_limits

from mlmath.neural_networks.mlp import glorot_uniform
from mlmath.timing import time_alternating
from mlmath.validation import Interval, check_option, check_parameter

__all__ = ["time_training_step"]


def _engine_step(X, y, coefs, intercepts, activation, learning_rate):
    from mlmath.autograd import Tensor, cross_entropy, mlp_forward

    weights = [Tensor(W, requires_grad=True) for W in coefs]
    biases = [Tensor(b, requires_grad=True) for b in intercepts]
    params, x = list(zip(weights, biases)), Tensor(X)

    def step():
        Z = mlp_forward(x, params, activation)
        J = cross_entropy(Z, y)
        J.backward()
        for p in weights + biases:
            p.data -= learning_rate * p.grad
            p.grad = None

    return step


def _torch_step(X, y, coefs, intercepts, activation, learning_rate):
    import torch
    import torch.nn.functional as F

    weights = [torch.tensor(W, dtype=torch.float64, requires_grad=True) for W in coefs]
    biases = [torch.tensor(b, dtype=torch.float64, requires_grad=True) for b in intercepts]
    phi = {"logistic": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}[activation]
    x, target = torch.tensor(X, dtype=torch.float64), torch.tensor(y)

    def step():
        A = x
        for layer, (W, b) in enumerate(zip(weights, biases)):
            Z = A @ W + b
            A = phi(Z) if layer < len(weights) - 1 else Z
        J = F.cross_entropy(Z, target)
        J.backward()
        with torch.no_grad():
            for p in weights + biases:
                p -= learning_rate * p.grad
                p.grad = None

    return step


def time_training_step(layer_units, batch_size, *, activation="relu", repeats=5, budget=None,
                       random_state=0):
    r"""Median CPU seconds of one SGD step of an MLP, on the engine and on PyTorch, one thread.

    Parameters
    ----------
    layer_units : sequence of int
        :math:`[d_0, d_1, \dots, d_D]`; the output layer is linear and feeds a softmax
        cross-entropy over :math:`d_D \ge 2` classes.
    batch_size : int
        Rows of the minibatch.
    activation : {"logistic", "tanh", "relu"}, default="relu"
    repeats : int, default=5
        Samples per framework (each a median-of-calls sample of
        :func:`mlmath.timing.time_alternating`).
    budget : float or None, default=None
        Seconds after which no new round starts.
    random_state : int, RandomState instance or None, default=0
        Seeds the data and the weights.

    Returns
    -------
    dict
        ``{"engine": seconds, "torch": seconds}``: median CPU seconds per step.

    Notes
    -----
    Times the cost that {eq}`eq-backprop-cheap-gradient` of the backpropagation chapter bounds,
    with the constant factors of each implementation.
    """
    import torch

    layer_units = [check_parameter(u, "layer_units", [Interval(Integral, 1, None)],
                                   owner="time_training_step") for u in layer_units]
    if len(layer_units) < 2 or layer_units[-1] < 2:
        raise ValueError("layer_units needs an input width and at least 2 output classes; "
                         f"got {layer_units}.")
    check_parameter(batch_size, "batch_size", [Interval(Integral, 1, None)],
                    owner="time_training_step")
    check_option(activation, "activation", ["logistic", "tanh", "relu"],
                 owner="time_training_step")
    rng = check_random_state(random_state)
    X = rng.standard_normal((batch_size, layer_units[0]))
    y = rng.randint(layer_units[-1], size=batch_size)
    # Glorot-uniform weights and zero biases (the draws do not matter for timing)
    coefs = [glorot_uniform(a, b, rng) for a, b in zip(layer_units[:-1], layer_units[1:])]
    intercepts = [np.zeros(b) for b in layer_units[1:]]
    # a tiny step: the weights barely move, so every timed call does the same work
    steps = [maker(X, y, coefs, intercepts, activation, 1e-6)
             for maker in (_engine_step, _torch_step)]
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(1):  # NumPy's BLAS on one thread too, restored on exit
            medians, _ = time_alternating([(None, s) for s in steps], repeats=repeats,
                                          budget=budget, clock=time.process_time)
    finally:
        torch.set_num_threads(threads)
    return {"engine": float(medians[0]), "torch": float(medians[1])}
