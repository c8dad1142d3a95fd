"""The code of the chapter Optimisation for deep learning.

The chapter is ``book/neural_networks/optimisation.md``.

Optimisers with ``torch.optim``'s interface and updates (SGD, Adagrad, RMSprop, Adam, AdamW),
learning-rate schedulers, gradient clipping, L-BFGS's two-loop recursion, and the test surfaces
of the chapter's figures. Its tests are under ``tests/neural_networks/optim/``.
"""

from mlmath.neural_networks.optim.adaptive import Adagrad, Adam, AdamW, RMSprop
from mlmath.neural_networks.optim.clipping import clip_grad_norm_, clip_grad_value_
from mlmath.neural_networks.optim.lbfgs import lbfgs_direction
from mlmath.neural_networks.optim.optimizer import Optimizer, Parameter
from mlmath.neural_networks.optim.problems import (
    ill_conditioned_matrix,
    quadratic,
    quadratic_grad,
    rosenbrock,
    rosenbrock_grad,
    run_optimizer,
)
from mlmath.neural_networks.optim.schedulers import (
    CosineAnnealingLR,
    LinearWarmup,
    LRScheduler,
    StepLR,
    WarmupCosine,
)
from mlmath.neural_networks.optim.sgd import SGD

__all__ = [
    "Optimizer",
    "Parameter",
    "SGD",
    "Adagrad",
    "RMSprop",
    "Adam",
    "AdamW",
    "LRScheduler",
    "StepLR",
    "LinearWarmup",
    "CosineAnnealingLR",
    "WarmupCosine",
    "clip_grad_norm_",
    "clip_grad_value_",
    "lbfgs_direction",
    "rosenbrock",
    "rosenbrock_grad",
    "quadratic",
    "quadratic_grad",
    "ill_conditioned_matrix",
    "run_optimizer",
]
