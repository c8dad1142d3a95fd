"""Scorers: "greater is better" numbers computed from a fitted estimator and held-out data."""

import numpy as np

from mlmath import metrics
from mlmath.validation import InvalidParameterError

__all__ = ["get_scorer", "SCORERS"]


def _positive_scores(estimator, X):
    if hasattr(estimator, "decision_function"):
        return np.asarray(estimator.decision_function(X))
    return np.asarray(estimator.predict_proba(X))[:, 1]


def _roc_auc(estimator, X, y):
    if len(estimator.classes_) != 2:
        return metrics.roc_auc_score(y, estimator.predict_proba(X), multi_class="ovr",
                                     labels=estimator.classes_)
    return metrics.roc_auc_score(np.asarray(y) == estimator.classes_[1],
                                 _positive_scores(estimator, X))


SCORERS = {
    "accuracy": lambda est, X, y: metrics.accuracy_score(y, est.predict(X)),
    "f1": lambda est, X, y: metrics.f1_score(y, est.predict(X)),
    "f1_macro": lambda est, X, y: metrics.f1_score(y, est.predict(X), average="macro"),
    "roc_auc": _roc_auc,
    "neg_log_loss": lambda est, X, y: -metrics.log_loss(y, est.predict_proba(X),
                                                        labels=est.classes_),
    "r2": lambda est, X, y: metrics.r2_score(y, est.predict(X)),
    "neg_mean_squared_error": lambda est, X, y: -metrics.mean_squared_error(y, est.predict(X)),
    "neg_mean_absolute_error": lambda est, X, y: -metrics.mean_absolute_error(y, est.predict(X)),
}


def get_scorer(scoring):
    """A callable ``scorer(estimator, X, y) -> float`` (greater is better).

    Parameters
    ----------
    scoring : str, callable or None
        ``None``: the estimator's own ``score`` method. A string: one of :data:`SCORERS`
        (losses are negated, as in scikit-learn, so that greater is always better). A callable
        with the signature above is returned unchanged.
    """
    if scoring is None:
        return lambda est, X, y: est.score(X, y)
    if callable(scoring):
        return scoring
    if isinstance(scoring, str) and scoring in SCORERS:
        return SCORERS[scoring]
    raise InvalidParameterError(
        f"The 'scoring' parameter must be None, a callable or one of {sorted(SCORERS)}; "
        f"got {scoring!r}.")
