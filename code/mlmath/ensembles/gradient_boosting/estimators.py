r"""``GradientBoostingRegressor`` and ``GradientBoostingClassifier``, scikit-learn's twins.

Both run the loop of :class:`~mlmath.ensembles.gradient_boosting.boosting.BaseGradientBoosting`
with a loss from :mod:`mlmath.ensembles.gradient_boosting.losses`; they differ in the targets
(real numbers, or class labels encoded ``0, ..., K-1``) and in what they make of the scores.
"""

from numbers import Real

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin

from mlmath.ensembles.gradient_boosting.boosting import BaseGradientBoosting
from mlmath.ensembles.gradient_boosting.classification_losses import (
    BinomialLogLoss,
    ExponentialLoss,
    MultinomialLogLoss,
)
from mlmath.ensembles.gradient_boosting.losses import LOSSES
from mlmath.validation import Interval, Options, encode_class_labels

__all__ = ["GradientBoostingRegressor", "GradientBoostingClassifier"]

_DOC_TREE = """
    learning_rate : float, default=0.1
        Shrinkage :math:`\\eta \\ge 0` of every tree.
    n_estimators : int, default=100
        Number of stages :math:`T` (fewer with early stopping).
    subsample : float, default=1.0
        Fraction of the samples drawn without replacement for each stage; below 1 this is
        stochastic gradient boosting, and ``oob_improvement_`` is recorded.
    criterion : {"friedman_mse", "squared_error"}, default="friedman_mse"
        Accepted for scikit-learn's API and ignored: the trees always grow by the squared
        error, as scikit-learn 1.9's do (there the parameter "has no effect" and is deprecated).
        Friedman's criterion would rank the splits of a node the same way (the gradient
        boosting chapter, {eq}`eq-gb-friedman-mse`).
    min_samples_split, min_samples_leaf, min_weight_fraction_leaf, max_depth,
    min_impurity_decrease, max_features, ccp_alpha
        Parameters of each tree, as in
        :class:`~mlmath.supervised.decision_trees.DecisionTreeRegressor` (``max_depth=3``).
    init : {"zero"} or None, default=None
        ``None``: start from the loss's constant :math:`F_0` (weighted data: the minimiser of
        {eq}`eq-gb-init`, except for the Huber loss, which starts from the weighted median;
        unweighted data: ``np.median``/``np.percentile`` for the absolute, Huber and quantile
        losses, as scikit-learn); ``"zero"``: from zero.
    random_state : int, RandomState instance or None, default=None
        Seeds the subsamples, the features drawn by the trees and the validation split.
    validation_fraction : float, default=0.1
        Fraction of the training data set aside for early stopping.
    n_iter_no_change : int or None, default=None
        Stop when the validation loss has not improved by ``tol`` on any of the last
        ``n_iter_no_change`` stages' losses; ``None`` disables early stopping.
    tol : float, default=1e-4
        Improvement the validation loss must make.

    Attributes
    ----------
    estimators_ : ndarray of DecisionTreeRegressor of shape (n_estimators_, K)
        The trees, one per stage (and class, for :math:`K > 2` classes).
    n_estimators_ : int
        Number of stages fitted.
    init_raw_prediction_ : ndarray of shape (K,)
        The initial score :math:`F_0`.
    train_score_ : ndarray of shape (n_estimators_,)
        Training loss after each stage (in-bag loss when ``subsample < 1``), on scikit-learn's
        scale (twice the half squared error and the half binomial deviance).
    oob_improvement_, oob_scores_ : ndarray of shape (n_estimators_,)
        Only when ``subsample < 1``: ``oob_scores_[t]`` is the loss of the model after stage
        ``t`` on that stage's out-of-bag samples; ``oob_improvement_[t]`` is
        ``oob_scores_[t - 1] - oob_scores_[t]`` (two different out-of-bag sets; for ``t = 0``
        the loss of :math:`F_0` on the first set minus ``oob_scores_[0]``), as scikit-learn.
    oob_score_ : float
        The last out-of-bag loss.
    feature_importances_ : ndarray of shape (n_features,)
    max_features_ : int
    n_features_in_ : int
"""

_TREE_DEFAULTS = {
    "learning_rate": 0.1, "n_estimators": 100, "subsample": 1.0, "criterion": "friedman_mse",
    "min_samples_split": 2, "min_samples_leaf": 1, "min_weight_fraction_leaf": 0.0,
    "max_depth": 3, "min_impurity_decrease": 0.0, "init": None, "random_state": None,
    "max_features": None, "validation_fraction": 0.1, "n_iter_no_change": None, "tol": 1e-4,
    "ccp_alpha": 0.0,
}


class GradientBoostingRegressor(RegressorMixin, BaseGradientBoosting):
    __doc__ = r"""Gradient boosting of regression trees for regression (Friedman's TreeBoost).

    Parameters
    ----------
    loss : {"squared_error", "absolute_error", "huber", "quantile"}, default="squared_error"
        The loss: half squared error, absolute error, Huber loss (its threshold the ``alpha``
        quantile of the absolute residuals, reset at every stage), pinball loss of level
        ``alpha``.
    alpha : float, default=0.9
        Level of the Huber threshold and of the quantile loss, in ``(0, 1)``.""" + _DOC_TREE + """
    Notes
    -----
    Implements {prf:ref}`alg-gb-treeboost` of the gradient boosting chapter with the leaf values
    {eq}`eq-gb-absolute`, {eq}`eq-gb-huber-leaf` and {eq}`eq-gb-quantile-leaf`.
    """

    _is_classifier = False
    _parameter_constraints = {
        **BaseGradientBoosting._parameter_constraints,
        "loss": [Options(("squared_error", "absolute_error", "huber", "quantile"))],
        "alpha": [Interval(Real, 0.0, 1.0, closed="neither")],
    }

    def __init__(self, *, loss="squared_error", learning_rate=0.1, n_estimators=100,
                 subsample=1.0, criterion="friedman_mse", min_samples_split=2,
                 min_samples_leaf=1, min_weight_fraction_leaf=0.0, max_depth=3,
                 min_impurity_decrease=0.0, init=None, random_state=None, max_features=None,
                 alpha=0.9, validation_fraction=0.1, n_iter_no_change=None, tol=1e-4,
                 ccp_alpha=0.0):
        self.loss = loss
        self.learning_rate = learning_rate
        self.n_estimators = n_estimators
        self.subsample = subsample
        self.criterion = criterion
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_depth = max_depth
        self.min_impurity_decrease = min_impurity_decrease
        self.init = init
        self.random_state = random_state
        self.max_features = max_features
        self.alpha = alpha
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.ccp_alpha = ccp_alpha

    def _encode_y(self, y, sample_weight):
        y = np.asarray(y, dtype=np.float64)
        with np.errstate(over="ignore"):
            total = float(np.dot(y, y))
        if not np.isfinite(total):  # the trees sum squared residuals, of the size of y
            raise ValueError("The sum of the squared targets overflows float64 (targets above "
                             "~1e154): rescale y.")
        return y

    def _make_loss(self):
        return LOSSES[self.loss](alpha=self.alpha)

    def predict(self, X):
        """The boosted prediction :math:`F_T(\\vx)`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        return self._raw_predict(self._validate_X(X))[:, 0]

    def staged_predict(self, X):
        """The prediction after each stage, :math:`F_1, F_2, \\dots`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Yields
        ------
        ndarray of shape (n_samples,)
        """
        for raw in self._staged_raw_predict(X):
            yield raw[:, 0]

    def apply(self, X):
        """Leaf of every sample in every tree.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_estimators_)
        """
        return super().apply(X)[:, :, 0]


class GradientBoostingClassifier(ClassifierMixin, BaseGradientBoosting):
    __doc__ = r"""Gradient boosting of regression trees for classification.

    Parameters
    ----------
    loss : {"log_loss", "exponential"}, default="log_loss"
        Binomial (two classes, one tree per stage) or multinomial (:math:`K > 2` classes,
        :math:`K` trees per stage) log-loss; the exponential loss (two classes only) makes
        gradient boosting a relative of AdaBoost.""" + _DOC_TREE + """\
    classes_ : ndarray of shape (n_classes,)
    n_classes_ : int

    Notes
    -----
    Implements {prf:ref}`alg-gb-treeboost` of the gradient boosting chapter with the Newton
    leaf values {eq}`eq-gb-newton-leaf` and {eq}`eq-gb-multiclass-leaf`.
    """

    _is_classifier = True
    _parameter_constraints = {
        **BaseGradientBoosting._parameter_constraints,
        "loss": [Options(("log_loss", "exponential"))],
    }

    def __init__(self, *, loss="log_loss", learning_rate=0.1, n_estimators=100, subsample=1.0,
                 criterion="friedman_mse", min_samples_split=2, min_samples_leaf=1,
                 min_weight_fraction_leaf=0.0, max_depth=3, min_impurity_decrease=0.0,
                 init=None, random_state=None, max_features=None, validation_fraction=0.1,
                 n_iter_no_change=None, tol=1e-4, ccp_alpha=0.0):
        self.loss = loss
        self.learning_rate = learning_rate
        self.n_estimators = n_estimators
        self.subsample = subsample
        self.criterion = criterion
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_depth = max_depth
        self.min_impurity_decrease = min_impurity_decrease
        self.init = init
        self.random_state = random_state
        self.max_features = max_features
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.ccp_alpha = ccp_alpha

    def _encode_y(self, y, sample_weight):
        self.classes_, y_enc = encode_class_labels(y)
        self.n_classes_ = len(self.classes_)
        if np.count_nonzero(np.bincount(y_enc, weights=sample_weight)) < 2:
            raise ValueError("y has fewer than 2 classes of positive sample weight; a "
                             "classifier needs at least two.")
        if self.loss == "exponential" and self.n_classes_ > 2:
            raise ValueError(f"loss='exponential' needs two classes; y has {self.n_classes_}. "
                             "Use loss='log_loss'.")
        return y_enc.astype(np.float64)

    def _make_loss(self):
        if self.loss == "exponential":
            return ExponentialLoss(n_classes=2)
        if self.n_classes_ == 2:
            return BinomialLogLoss(n_classes=2)
        return MultinomialLogLoss(n_classes=self.n_classes_)

    def _decision(self, raw):
        return raw[:, 0] if raw.shape[1] == 1 else raw

    def _labels(self, raw):
        if raw.shape[1] == 1:
            return self.classes_[(raw[:, 0] >= 0).astype(np.intp)]
        return self.classes_[np.argmax(raw, axis=1)]

    def decision_function(self, X):
        """The scores :math:`F_T(\\vx)` (log-odds for two classes with the log-loss).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) for two classes, else (n_samples, n_classes)
        """
        return self._decision(self._raw_predict(self._validate_X(X)))

    def staged_decision_function(self, X):
        """The scores after each stage.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Yields
        ------
        ndarray of shape (n_samples,) or (n_samples, n_classes)
        """
        for raw in self._staged_raw_predict(X):
            yield self._decision(raw)

    def predict(self, X):
        """The class of largest score (score :math:`\\ge 0` for two classes).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        return self._labels(self._raw_predict(self._validate_X(X)))

    def staged_predict(self, X):
        """The predicted classes after each stage.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Yields
        ------
        ndarray of shape (n_samples,)
        """
        for raw in self._staged_raw_predict(X):
            yield self._labels(raw)

    def predict_proba(self, X):
        """Class probabilities: sigmoid (two classes) or softmax of the scores.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        raw = self._raw_predict(self._validate_X(X))  # NotFittedError first
        return self._loss.predict_proba(raw)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def staged_predict_proba(self, X):
        """Class probabilities after each stage.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Yields
        ------
        ndarray of shape (n_samples, n_classes)
        """
        for raw in self._staged_raw_predict(X):
            yield self._loss.predict_proba(raw)  # (the generator validates X first)
