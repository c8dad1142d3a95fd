"""Model selection from scratch: k-fold splitters, cross-validated scores and a grid search.

They follow scikit-learn's interfaces, so they work with the book's estimators and
scikit-learn's alike (and scikit-learn's tools accept our splitters).
"""

from mlmath.model_selection.scoring import SCORERS, get_scorer
from mlmath.model_selection.search import (
    GridSearchCV,
    check_cv,
    cross_val_score,
    parameter_grid,
)
from mlmath.model_selection.split import KFold, StratifiedKFold

__all__ = [
    "GridSearchCV",
    "KFold",
    "SCORERS",
    "StratifiedKFold",
    "check_cv",
    "cross_val_score",
    "get_scorer",
    "parameter_grid",
]
