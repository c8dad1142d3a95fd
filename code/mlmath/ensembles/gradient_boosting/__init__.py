"""The code of the chapter Gradient boosting (``book/ensembles/gradient_boosting.md``).

Its tests are under ``tests/ensembles/gradient_boosting/``.
"""

from mlmath.ensembles.gradient_boosting.boosting import BaseGradientBoosting, in_bag_mask
from mlmath.ensembles.gradient_boosting.classification_losses import (
    BinomialLogLoss,
    ExponentialLoss,
    MultinomialLogLoss,
)
from mlmath.ensembles.gradient_boosting.estimators import (
    GradientBoostingClassifier,
    GradientBoostingRegressor,
)
from mlmath.ensembles.gradient_boosting.losses import (
    LOSSES,
    AbsoluteError,
    GradientBoostingLoss,
    HuberLoss,
    QuantileLoss,
    SquaredError,
    newton_ratio,
)
from mlmath.ensembles.gradient_boosting.quantiles import (
    grouped_weighted_quantile,
    weighted_quantile,
)

__all__ = [
    "BaseGradientBoosting",
    "in_bag_mask",
    "GradientBoostingRegressor",
    "GradientBoostingClassifier",
    "LOSSES",
    "GradientBoostingLoss",
    "SquaredError",
    "AbsoluteError",
    "HuberLoss",
    "QuantileLoss",
    "BinomialLogLoss",
    "MultinomialLogLoss",
    "ExponentialLoss",
    "newton_ratio",
    "weighted_quantile",
    "grouped_weighted_quantile",
]
