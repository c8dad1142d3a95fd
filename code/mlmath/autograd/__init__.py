"""A small reverse-mode automatic differentiation engine in NumPy.

The code of the chapter "Backpropagation and automatic differentiation"
(``book/neural_networks/backpropagation.md``); the optimisers and the deep-learning chapters
reuse it. Its tests are under ``tests/autograd/``.
"""

from mlmath.autograd.gradcheck import (
    GradcheckError,
    analytical_jacobian,
    gradcheck,
    numerical_jacobian,
)
from mlmath.autograd.nn import ACTIVATION_METHODS, mlp_forward
from mlmath.autograd.ops_elementwise import (
    add,
    div,
    exp,
    log,
    mul,
    neg,
    power,
    relu,
    sigmoid,
    sub,
    tanh,
)

# sum, mean and max stay in ops_reduce (as the methods .sum(), .mean(), .max()): exported here,
# they would shadow Python's builtins under `from mlmath.autograd import *`.
from mlmath.autograd.ops_reduce import cross_entropy, log_softmax, softmax
from mlmath.autograd.ops_shape import concatenate, getitem, matmul, reshape, transpose
from mlmath.autograd.tensor import (
    Tensor,
    is_grad_enabled,
    no_grad,
    topological_order,
    unbroadcast,
)

__all__ = [
    "Tensor",
    "no_grad",
    "is_grad_enabled",
    "unbroadcast",
    "topological_order",
    "add",
    "sub",
    "mul",
    "div",
    "power",
    "neg",
    "exp",
    "log",
    "tanh",
    "sigmoid",
    "relu",
    "softmax",
    "log_softmax",
    "cross_entropy",
    "matmul",
    "getitem",
    "reshape",
    "transpose",
    "concatenate",
    "gradcheck",
    "numerical_jacobian",
    "analytical_jacobian",
    "GradcheckError",
    "mlp_forward",
    "ACTIVATION_METHODS",
]
