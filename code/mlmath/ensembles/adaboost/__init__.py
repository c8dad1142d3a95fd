"""The code of the chapter AdaBoost (``book/ensembles/adaboost.md``).

Its tests are under ``tests/ensembles/adaboost/``.
"""

from mlmath.ensembles.adaboost.regression import (
    AdaBoostRegressor,
    r2_step,
    weighted_median_predictions,
)
from mlmath.ensembles.adaboost.samme import (
    normalised_weights,
    samme_step,
    samme_training_error_bound,
)
from mlmath.ensembles.adaboost.weight_boosting import AdaBoostClassifier

__all__ = ["AdaBoostClassifier", "samme_step", "samme_training_error_bound",
           "normalised_weights",
           "AdaBoostRegressor", "r2_step", "weighted_median_predictions"]
