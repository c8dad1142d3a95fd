"""The code of the chapter Linear Regression (``book/supervised/linear_regression.md``).

Its tests are under ``tests/supervised/linear_regression/``.
"""

from mlmath.supervised.linear_regression.base import (
    BaseLinearModel,
    LinearPredictorMixin,
    center_data,
    linear_class_scores,
)
from mlmath.supervised.linear_regression.coordinate_descent import (
    alpha_max,
    cd_sweep,
    duality_gap,
    enet_coordinate_descent,
    enet_path,
    lasso_path,
    soft_threshold,
)
from mlmath.supervised.linear_regression.estimators import (
    ElasticNet,
    Lasso,
    LinearRegression,
    Ridge,
    SGDRegressor,
)
from mlmath.supervised.linear_regression.least_squares import (
    gradient_descent,
    lipschitz_constant,
    lstsq_normal_equations,
    lstsq_qr,
    lstsq_svd,
    ridge_cholesky,
    ridge_svd,
    squared_loss,
    squared_loss_gradient,
)
from mlmath.supervised.linear_regression.sgd import (
    learning_rate_schedule,
    penalised_objective,
    penalty_weights,
    sgd_epoch,
    sgd_updates,
)

__all__ = [
    "LinearPredictorMixin",
    "BaseLinearModel",
    "center_data",
    "linear_class_scores",
    "soft_threshold",
    "duality_gap",
    "cd_sweep",
    "enet_coordinate_descent",
    "alpha_max",
    "enet_path",
    "lasso_path",
    "LinearRegression",
    "Ridge",
    "Lasso",
    "ElasticNet",
    "SGDRegressor",
    "lstsq_normal_equations",
    "lstsq_qr",
    "lstsq_svd",
    "squared_loss",
    "squared_loss_gradient",
    "lipschitz_constant",
    "gradient_descent",
    "ridge_cholesky",
    "ridge_svd",
    "penalty_weights",
    "learning_rate_schedule",
    "sgd_epoch",
    "sgd_updates",
    "penalised_objective",
]
