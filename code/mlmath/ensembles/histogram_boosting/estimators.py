r"""``XGBoostRegressor`` and ``XGBoostClassifier``: second-order histogram boosting, sklearn API.

The twins are ``xgboost.XGBRegressor`` (``reg:squarederror``) and ``xgboost.XGBClassifier``
(``binary:logistic``, ``multi:softprob``) with ``tree_method="hist"``; parameter names and
defaults are theirs. Missing values (NaN) are accepted in ``fit`` and ``predict``, as the twin's;
infinities are refused.
"""

import numpy as np
from scipy.special import expit, logit, softmax
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils.validation import validate_data

from mlmath.ensembles.histogram_boosting.booster import BaseXGBoost
from mlmath.ensembles.histogram_boosting.objective import (
    logistic_grad_hess,
    softmax_grad_hess,
    squared_error_grad_hess,
)
from mlmath.validation import encode_class_labels, validate_parameters

__all__ = ["XGBoostRegressor", "XGBoostClassifier"]

_EPS = 1e-16  # xgboost's floor on a hessian (logistic and softmax objectives)

_PARAMS_DOC = """
    Parameters
    ----------
    n_estimators : int, default=100
        Boosting rounds :math:`T`.
    learning_rate : float, default=0.3
        Shrinkage :math:`\\eta` of every tree's values.
    max_depth : int, default=6
        Depth of every tree (0: a single leaf).
    min_child_weight : float, default=1.0
        Least hessian sum :math:`H` of a child.
    gamma : float, default=0.0
        Least gain :math:`Q_L + Q_R - Q_P` worth a split (xgboost's ``min_split_loss``).
    reg_lambda : float, default=1.0
        L2 penalty :math:`\\lambda` on leaf values.
    reg_alpha : float, default=0.0
        L1 penalty :math:`\\alpha` on leaf values.
    subsample : float, default=1.0
        Each round uses each sample with this probability.
    colsample_bytree : float, default=1.0
        Fraction of the features each tree may split on.
    max_bin : int, default=255
        Most bins per feature (2 to 255; missing values get one more).
    base_score : float or None, default=None
        Initial prediction (a probability for a binary classifier, a score added to every
        class for K classes); ``None`` estimates it as xgboost does.
    early_stopping_rounds : int or None, default=None
        Stop when the loss on a held-out validation split has not improved for this many
        rounds, and keep the best round's trees.
    validation_fraction : float, default=0.1
        Fraction of the training set held out for early stopping.
    random_state : int, RandomState instance or None, default=None
        Seed of ``subsample``, ``colsample_bytree`` and the validation split.
"""


class XGBoostRegressor(RegressorMixin, BaseXGBoost):
    __doc__ = """Second-order gradient boosting of histogram trees for the squared error.
    """ + _PARAMS_DOC + """
    Attributes
    ----------
    trees_ : list of Tree
        One tree per round; its leaf values include the shrinkage.
    base_score_ : float
        Initial score (the weighted mean of ``y`` by default).
    n_estimators_ : int
        Rounds kept.
    train_score_ : ndarray of shape (n_rounds,)
        Half the mean squared error on the training set after each round.
    bin_edges_ : list of ndarray
        Bin edges of every feature.
    n_features_in_ : int
    feature_importances_ : ndarray of shape (n_features,)
        Total gain per feature, normalised.
    """

    def _initial_score(self, y, w):
        if self.base_score is not None:
            return float(self.base_score)
        return float(np.average(y, weights=w)) if w.sum() > 0 else 0.0

    def _grad_hess(self, y, raw):
        return squared_error_grad_hess(y, raw)

    def _loss(self, y, raw, w):
        return float(np.average(0.5 * (raw - y) ** 2, weights=w)) if w.sum() > 0 else 0.0

    def fit(self, X, y, sample_weight=None):
        """Boost ``n_estimators`` histogram trees on the squared error.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            NaN marks a missing value.
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : object
        """
        validate_parameters(self)
        X, y = validate_data(self, X, y, dtype=np.float64, ensure_all_finite="allow-nan",
                             y_numeric=True)
        y = y.astype(float)
        # the split gain squares sums of gradients (F - y) over up to n samples
        w_max = 1.0 if sample_weight is None else float(np.max(np.abs(sample_weight)))
        spread = float(np.ptp(y)) if y.size else 0.0
        with np.errstate(over="ignore"):
            bound = np.square(np.float64(2.0 * spread * y.size * max(w_max, 1.0)))
        if not np.isfinite(bound):
            raise ValueError("The range of y is too large: the split gains square sums of "
                             "y - prediction over the samples, which overflow float64. "
                             "Rescale y.")
        return self._fit(X, y, sample_weight)

    def predict(self, X):
        """Predicted target: the initial score plus every tree's leaf value.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        return self._raw_predict(X)[:, 0]

    def staged_predict(self, X):
        """Prediction after each round.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Yields
        ------
        ndarray of shape (n_samples,)
        """
        for raw in self._raw_stages(X):
            yield raw[:, 0]


class XGBoostClassifier(ClassifierMixin, BaseXGBoost):
    __doc__ = """Second-order gradient boosting of histogram trees for the log-loss.

    Two classes: one tree per round on the log-odds (xgboost's ``binary:logistic``); K > 2
    classes: K trees per round on the softmax scores (``multi:softprob``).
    """ + _PARAMS_DOC + """
    Attributes
    ----------
    trees_ : list of Tree
        One tree per round (two classes) or K per round, class k's at ``t * K + k``.
    base_score_ : float or ndarray of shape (n_classes,)
        Initial raw score(s): the log-odds of the weighted class mean, or the centred log
        class priors, by default.
    classes_ : ndarray of shape (n_classes,)
    n_estimators_ : int
    train_score_ : ndarray of shape (n_rounds,)
        Mean log-loss on the training set after each round.
    bin_edges_ : list of ndarray
    n_features_in_ : int
    feature_importances_ : ndarray of shape (n_features,)
    """

    _stratify = True

    def _n_outputs(self):
        return 1 if len(self.classes_) == 2 else len(self.classes_)

    def _initial_score(self, y, w):
        K = len(self.classes_)
        if K == 2:
            if self.base_score is not None:
                if not 0.0 < self.base_score < 1.0:
                    raise ValueError("base_score must be a probability in (0, 1) for a binary "
                                     f"classifier; got {self.base_score}.")
                return float(logit(self.base_score))
            p = np.average(y, weights=w) if w.sum() > 0 else 0.5
            p = np.clip(p, 1e-7, 1.0 - 1e-7)
            return float(logit(p))
        if self.base_score is not None:
            return np.full(K, float(self.base_score))
        prior = np.bincount(y, weights=w, minlength=K) / max(w.sum(), 1e-300)
        logp = np.log(np.clip(prior, 1e-7, None))
        return logp - logp.mean()

    def _grad_hess(self, y, raw):
        if raw.ndim == 1:
            g, h = logistic_grad_hess(y, raw)
        else:
            g, h = softmax_grad_hess(np.eye(raw.shape[1])[y], raw)
        return g, np.maximum(h, _EPS)

    def _loss(self, y, raw, w):
        if w.sum() <= 0:
            return 0.0
        if raw.ndim == 1:
            p = np.clip(expit(raw), 1e-15, 1 - 1e-15)
            return float(np.average(-(y * np.log(p) + (1 - y) * np.log1p(-p)), weights=w))
        p = np.clip(softmax(raw, axis=1)[np.arange(y.size), y], 1e-15, None)
        return float(np.average(-np.log(p), weights=w))

    def fit(self, X, y, sample_weight=None):
        """Boost histogram trees on the log-loss.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            NaN marks a missing value.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : object
        """
        validate_parameters(self)
        X, y = validate_data(self, X, y, dtype=np.float64, ensure_all_finite="allow-nan")
        self.classes_, y_enc = encode_class_labels(y)
        self.n_classes_ = len(self.classes_)
        return self._fit(X, y_enc, sample_weight)

    def decision_function(self, X):
        """Raw scores: log-odds (two classes) or the K softmax scores.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_classes)
        """
        raw = self._raw_predict(X)
        return raw[:, 0] if raw.shape[1] == 1 else raw

    def _proba(self, raw):
        if raw.shape[1] == 1:
            p = expit(raw[:, 0])
            return np.column_stack([1.0 - p, p])
        return softmax(raw, axis=1)

    def predict_proba(self, X):
        """Class probabilities: the logistic or softmax of the raw scores.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        return self._proba(self._raw_predict(X))

    def predict(self, X):
        """Class of largest probability.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def staged_predict(self, X):
        """Predicted class after each round.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Yields
        ------
        ndarray of shape (n_samples,)
        """
        for raw in self._raw_stages(X):
            yield self.classes_[np.argmax(self._proba(raw), axis=1)]
