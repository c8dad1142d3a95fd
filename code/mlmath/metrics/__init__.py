"""Evaluation metrics from scratch, with scikit-learn's names and signatures.

Hard predictions (:mod:`~mlmath.metrics.classification`), scores and their curves
(:mod:`~mlmath.metrics.ranking`), probabilities (:mod:`~mlmath.metrics.probabilistic`) and
real-valued predictions (:mod:`~mlmath.metrics.regression`). Each one is tested equal to
``sklearn.metrics`` on random inputs.
"""

from mlmath.metrics.classification import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    fbeta_score,
    precision_recall_fscore_support,
    precision_score,
    recall_score,
)
from mlmath.metrics.probabilistic import brier_score_loss, calibration_curve, log_loss
from mlmath.metrics.ranking import (
    auc,
    average_precision_score,
    mann_whitney_auc,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)
from mlmath.metrics.regression import (
    explained_variance_score,
    mean_absolute_error,
    mean_squared_error,
    median_absolute_error,
    r2_score,
    root_mean_squared_error,
)

__all__ = [
    "accuracy_score",
    "auc",
    "average_precision_score",
    "brier_score_loss",
    "calibration_curve",
    "confusion_matrix",
    "explained_variance_score",
    "f1_score",
    "fbeta_score",
    "log_loss",
    "mann_whitney_auc",
    "mean_absolute_error",
    "mean_squared_error",
    "median_absolute_error",
    "precision_recall_curve",
    "precision_recall_fscore_support",
    "precision_score",
    "r2_score",
    "recall_score",
    "roc_auc_score",
    "roc_curve",
    "root_mean_squared_error",
]
