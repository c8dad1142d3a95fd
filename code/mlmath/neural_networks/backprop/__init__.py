"""The code of the chapter Backpropagation and automatic differentiation
(``book/neural_networks/backpropagation.md``), beyond the engine :mod:`mlmath.autograd`.

Its tests are under ``tests/neural_networks/backprop/``.
"""

from mlmath.neural_networks.backprop.forward_mode import Dual, jacobian_forward, jvp
from mlmath.neural_networks.backprop.timing import time_training_step
from mlmath.neural_networks.backprop.training import (
    minibatch_indices,
    train_mlp_engine,
    train_mlp_torch,
)

__all__ = [
    "Dual",
    "jvp",
    "jacobian_forward",
    "minibatch_indices",
    "train_mlp_engine",
    "train_mlp_torch",
    "time_training_step",
]
