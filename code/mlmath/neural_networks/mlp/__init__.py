"""The code of the chapter Multilayer networks (``book/neural_networks/multilayer_networks.md``).

Its tests are under ``tests/neural_networks/mlp/``. The docstrings point back to these equation
labels of the chapter: ``eq-mlp-forward`` (the batch forward pass), ``eq-mlp-backprop`` (the
error-signal recursion and the gradients), ``eq-mlp-objective`` (the penalised objective),
``eq-mlp-sgd-momentum`` (the SGD/momentum/Nesterov update) and ``eq-mlp-adam`` (Adam's update).
"""

from mlmath.neural_networks.mlp.activations import (
    ACTIVATIONS,
    DERIVATIVES,
    identity,
    identity_derivative,
    logistic,
    logistic_derivative,
    relu,
    relu_derivative,
    softmax,
    tanh,
    tanh_derivative,
)
from mlmath.neural_networks.mlp.estimators import MLPClassifier, MLPRegressor
from mlmath.neural_networks.mlp.initialisation import (
    glorot_normal,
    glorot_uniform,
    he_normal,
    he_uniform,
    initial_parameters,
)
from mlmath.neural_networks.mlp.network import (
    LOSSES,
    backward_pass,
    binary_log_loss,
    forward_pass,
    log_loss,
    poisson_loss,
    squared_error_loss,
)
from mlmath.neural_networks.mlp.solvers import AdamSolver, SGDSolver

__all__ = [
    "MLPClassifier",
    "MLPRegressor",
    "ACTIVATIONS",
    "DERIVATIVES",
    "identity",
    "logistic",
    "tanh",
    "relu",
    "softmax",
    "identity_derivative",
    "logistic_derivative",
    "tanh_derivative",
    "relu_derivative",
    "initial_parameters",
    "glorot_uniform",
    "glorot_normal",
    "he_uniform",
    "he_normal",
    "forward_pass",
    "backward_pass",
    "squared_error_loss",
    "log_loss",
    "binary_log_loss",
    "poisson_loss",
    "LOSSES",
    "SGDSolver",
    "AdamSolver",
]
