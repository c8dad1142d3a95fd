"""The code of the chapter AdaBoost (``book/ensembles/adaboost.md``, not yet written).

Its tests are under ``tests/ensembles/adaboost/``.
"""

from mlmath.ensembles.adaboost.weight_boosting import (
    AdaBoostClassifier,
    samme_step,
    samme_training_error_bound,
)

__all__ = ["AdaBoostClassifier", "samme_step", "samme_training_error_bound"]
