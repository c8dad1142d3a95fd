"""The code of the chapter Logistic Regression (``book/supervised/logistic_regression.md``).

Its tests are under ``tests/supervised/logistic_regression/``.
"""

from mlmath.supervised.logistic_regression.estimators import (
    LogisticRegression,
)
from mlmath.supervised.logistic_regression.loss import (
    add_intercept_column,
    binary_hessian,
    binary_loss_and_gradient,
    irls_update,
    multinomial_hessian,
    multinomial_loss_and_gradient,
    penalty_mask,
)
from mlmath.supervised.logistic_regression.solvers import (
    SolverResult,
    fista,
    lbfgs,
    newton,
)

__all__ = [
    "LogisticRegression",
    "add_intercept_column",
    "binary_loss_and_gradient",
    "binary_hessian",
    "irls_update",
    "multinomial_loss_and_gradient",
    "multinomial_hessian",
    "penalty_mask",
    "SolverResult",
    "lbfgs",
    "newton",
    "fista",
]
