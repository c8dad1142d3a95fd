r"""AdaBoost for regression (AdaBoost.R2, Drucker 1997): ``AdaBoostRegressor``.

Round :math:`t` draws a bootstrap sample from the current distribution :math:`D_t`, fits the
base regressor :math:`h_t` on it, and scores every training sample by its relative loss
:math:`L_i \in [0, 1]` (the absolute error divided by the largest one; squared, or
:math:`1 - e^{-\cdot}`, for the other losses). With the average loss
:math:`\bar L_t = \sum_i D_t(i) L_i` and :math:`\chi_t = \bar L_t / (1 - \bar L_t)`, the round
gets the weight :math:`\alpha_t = \eta \log(1/\chi_t)` and the samples the new weights
:math:`D_t(i)\,\chi_t^{\eta(1 - L_i)}`, normalised; the ensemble predicts the weighted median of
its members. The loop follows scikit-learn 1.9.1's ``AdaBoostRegressor`` step for step (the seed
of each round's regressor and the bootstrap are drawn from one ``RandomState`` in the same
order), so that the same trees give the same numbers. The chapter AdaBoost
(``book/ensembles/adaboost.md``) states the rules, {eq}`eq-ada-r2-weight` and
{eq}`eq-ada-r2-median`, in its section on variants.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from mlmath.ensembles.adaboost.samme import normalised_weights
from mlmath.supervised.decision_trees.estimators import DecisionTreeRegressor
from mlmath.validation import (
    HasMethods,
    Interval,
    Options,
    check_sample_weight,
    validate_parameters,
)

__all__ = ["r2_step", "weighted_median_predictions", "AdaBoostRegressor"]


def r2_step(error_vect, sample_weight, loss="linear", learning_rate=1.0):
    r"""One AdaBoost.R2 round: the average loss, the stage weight and the new sample weights.

    Parameters
    ----------
    error_vect : ndarray of shape (n_samples,)
        Absolute errors :math:`|h_t(\mathbf{x}_i) - y_i|` of the new regressor.
    sample_weight : ndarray of shape (n_samples,)
        Current weights :math:`D_t(i)`, summing to one.
    loss : {"linear", "square", "exponential"}, default="linear"
        How the relative error
        :math:`e_i = |h_t(\mathbf{x}_i) - y_i| / \max_{j:\,D_t(j) > 0} |\cdot|` (the maximum
        over the samples of positive weight) becomes the loss :math:`L_i`: :math:`e_i`,
        :math:`e_i^2` or :math:`1 - e^{-e_i}`.
    learning_rate : float, default=1.0
        Shrinkage :math:`\eta > 0`.

    Returns
    -------
    error : float
        Average loss :math:`\bar L = \sum_i D_t(i) L_i` over the samples of positive weight.
    alpha : float
        :math:`\eta\log(1/\chi)` with :math:`\chi = \bar L / (1 - \bar L)` (``inf`` if
        :math:`\bar L = 0`).
    new_weight : ndarray of shape (n_samples,)
        :math:`D_t(i)\,\chi^{\eta(1 - L_i)}` (not normalised; zero weights stay zero).

    Notes
    -----
    Implements {eq}`eq-ada-r2-weight` of the AdaBoost chapter.
    """
    w = np.array(sample_weight, dtype=float)
    mask = w > 0
    err = np.asarray(error_vect, dtype=float)[mask]
    err_max = err.max()
    if err_max != 0:
        err = err / err_max
    if loss == "square":
        err = err**2
    elif loss == "exponential":
        err = 1.0 - np.exp(-err)
    error = float((w[mask] * err).sum())
    beta = np.float64(error) / (1.0 - error)
    with np.errstate(divide="ignore"):
        alpha = float(-learning_rate * np.log(beta))
    w[mask] *= np.power(beta, (1.0 - err) * learning_rate)
    return error, alpha, w


def weighted_median_predictions(predictions, weights):
    r"""Weighted median of the members' predictions, for every sample.

    Parameters
    ----------
    predictions : ndarray of shape (n_samples, n_members)
    weights : ndarray of shape (n_members,)
        Non-negative member weights :math:`\alpha_t`.

    Returns
    -------
    ndarray of shape (n_samples,)
        For each sample, the smallest prediction at which the cumulative weight of the sorted
        predictions reaches half of the total weight.

    Notes
    -----
    Implements {eq}`eq-ada-r2-median` of the AdaBoost chapter, vectorised over the samples as
    scikit-learn computes it.
    """
    order = np.argsort(predictions, axis=1)
    cdf = np.cumsum(weights[order], axis=1)
    median_or_above = cdf >= 0.5 * cdf[:, -1:]
    rows = np.arange(predictions.shape[0])
    return predictions[rows, order[rows, median_or_above.argmax(axis=1)]]


class AdaBoostRegressor(RegressorMixin, BaseEstimator):
    r"""AdaBoost.R2 (Drucker 1997), scikit-learn's ``AdaBoostRegressor``.

    Parameters
    ----------
    estimator : object, default=None
        The base regressor, cloned at each round. ``None``: the package's
        :class:`~mlmath.supervised.decision_trees.DecisionTreeRegressor` with ``max_depth=3``.
    n_estimators : int, default=50
        Largest number of rounds (fewer when a round fits perfectly or its average loss reaches
        1/2).
    learning_rate : float, default=1.0
        Shrinkage :math:`\eta > 0` of the stage weights and of the reweighting.
    loss : {"linear", "square", "exponential"}, default="linear"
        The relative loss :math:`L_i` of a sample (see :func:`r2_step`).
    random_state : int, RandomState instance or None, default=None
        Draws each round's seed for the base regressor and its weighted bootstrap sample.

    Attributes
    ----------
    estimator_ : object
        The base regressor the rounds are cloned from.
    estimators_ : list of regressors
        The fitted rounds.
    estimator_weights_ : ndarray of shape (n_estimators,)
        :math:`\alpha_t` of each round (0 for rounds not run).
    estimator_errors_ : ndarray of shape (n_estimators,)
        Average loss :math:`\bar L_t` of each round (1 for rounds not run).
    n_features_in_ : int

    Notes
    -----
    Implements the variant {eq}`eq-ada-r2-weight` and {eq}`eq-ada-r2-median` of the AdaBoost
    chapter.
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0.0, None, closed="neither")],
        "loss": [Options(["linear", "square", "exponential"])],
        "random_state": ["random_state"],
    }

    def __init__(self, estimator=None, *, n_estimators=50, learning_rate=1.0, loss="linear",
                 random_state=None):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.loss = loss
        self.random_state = random_state

    def _expected_failed_checks(self):
        # scikit-learn excuses its own AdaBoostRegressor from the same check
        return {"check_sample_weight_equivalence_on_dense_data": (
            "each round fits on a bootstrap sample drawn with the sample weights as "
            "probabilities, so weights are not equivalent to repeated rows")}

    def fit(self, X, y, sample_weight=None):
        """Boost the base regressor on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
            Initial sample weights (``None``: uniform); normalised to sum to one.

        Returns
        -------
        self : object
        """
        validate_parameters(self)
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32], y_numeric=True)
        y = y.astype(np.float64, copy=False)
        self.estimator_ = (DecisionTreeRegressor(max_depth=3) if self.estimator is None
                           else clone(self.estimator))
        sw = check_sample_weight(sample_weight, X.shape[0]).copy()
        sw /= sw.sum()
        n = X.shape[0]
        self.estimators_ = []
        self.estimator_weights_ = np.zeros(self.n_estimators)
        self.estimator_errors_ = np.ones(self.n_estimators)
        rng = check_random_state(self.random_state)
        tiny = np.finfo(np.float64).eps
        zero = sw == 0.0
        seeded = sorted(k for k in self.estimator_.get_params(deep=True)
                        if k == "random_state" or k.endswith("__random_state"))
        for t in range(self.n_estimators):
            sw = np.maximum(sw, tiny)  # as scikit-learn: no weight below machine epsilon,
            sw[zero] = 0.0  # except the exact zeros
            est = clone(self.estimator_)
            if seeded:  # the seeds first, then the bootstrap: scikit-learn's order of draws
                est.set_params(**{k: rng.randint(np.iinfo(np.int32).max) for k in seeded})
            idx = rng.choice(np.arange(n), size=n, replace=True, p=sw)
            est.fit(X[idx], y[idx])
            self.estimators_.append(est)
            error, alpha, new_sw = r2_step(np.abs(est.predict(X) - y), sw, self.loss,
                                           self.learning_rate)
            if error <= 0:  # a perfect round: kept with weight 1, boosting stops
                self.estimator_weights_[t], self.estimator_errors_[t] = 1.0, 0.0
                break
            if error >= 0.5:  # dropped unless it is the only one, boosting stops
                if len(self.estimators_) > 1:
                    self.estimators_.pop()
                break
            self.estimator_weights_[t], self.estimator_errors_[t] = alpha, error
            if t == self.n_estimators - 1:
                break
            sw = normalised_weights(new_sw, t)
            if sw is None:
                break
        return self

    def _predictions(self, X, limit):
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        return np.column_stack([est.predict(X) for est in self.estimators_[:limit]])

    def predict(self, X):
        """Weighted median of the rounds' predictions.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        limit = len(self.estimators_)
        return weighted_median_predictions(self._predictions(X, limit),
                                           self.estimator_weights_[:limit])

    def staged_predict(self, X):
        """Predictions of the first ``t`` rounds, for ``t = 1, 2, ...``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Yields
        ------
        ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        P = self._predictions(X, len(self.estimators_))
        for t in range(1, P.shape[1] + 1):
            yield weighted_median_predictions(P[:, :t], self.estimator_weights_[:t])

    @property
    def feature_importances_(self):
        """Mean of the rounds' impurity importances, weighted by ``estimator_weights_``."""
        check_is_fitted(self)
        alpha = self.estimator_weights_[:len(self.estimators_)]
        return sum(a * est.feature_importances_
                   for a, est in zip(alpha, self.estimators_)) / alpha.sum()
