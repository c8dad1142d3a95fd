r"""What every linear regressor of the package shares: input checks, centring, prediction.

A linear model predicts :math:`\hat y = \vx^\top\vw + b`. With an intercept, the estimators
centre :math:`\mX` and :math:`\vy` (with weighted means when samples carry weights), solve the
problem without intercept, and recover :math:`b = \bar y - \bar\vx^\top\vw`
({eq}`eq-linreg-intercept` of the linear regression chapter).
"""

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from mlmath.validation import check_sample_weight, validate_parameters

__all__ = [
    "LinearPredictorMixin",
    "BaseLinearModel",
    "center_data",
    "linear_class_scores",
]


def center_data(X, y, sample_weight, fit_intercept, *, order="C"):
    r"""Centre ``X`` and ``y`` with weighted means and fold the weights into the rows.

    Returns data on which the weighted problem becomes an ordinary one: rows are scaled by
    :math:`\sqrt{\omega_i}`, with :math:`\omega_i` the weight of sample :math:`i`, so that
    :math:`\sum_i \omega_i (y_i - \vx_i^\top\vw)^2 = \|\tilde\vy - \tilde\mX\vw\|_2^2` (the data
    centred by the weighted means, as in the linear regression chapter's exercise on weighted
    least squares). ``X`` is copied once, in the memory order the solver reads: ``"F"``
    (contiguous columns) for coordinate descent, which then needs no second copy.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,) or (n_samples, n_targets)
    sample_weight : ndarray of shape (n_samples,)
    fit_intercept : bool
    order : {"C", "F"}, default="C"
        Memory order of the returned ``Xw``: rows (``"C"``) or columns (``"F"``) contiguous.

    Returns
    -------
    Xw : ndarray of shape (n_samples, n_features)
        Centred (when ``fit_intercept``) and row-scaled copy of ``X``, in ``order``.
    yw : ndarray
        Centred and row-scaled copy of ``y``.
    X_offset : ndarray of shape (n_features,)
        Weighted feature means (zeros without intercept).
    y_offset : float or ndarray of shape (n_targets,)
        Weighted target mean (zero without intercept).
    """
    unit = not np.any(sample_weight != 1.0)  # the usual case: no temporary, no scaling pass
    if fit_intercept:
        # with unit weights, the mean is np.average's weighted mean to the last bit
        X_offset = X.mean(axis=0) if unit else np.average(X, axis=0, weights=sample_weight)
        y_offset = y.mean(axis=0) if unit else np.average(y, axis=0, weights=sample_weight)
    else:
        X_offset = np.zeros(X.shape[1])
        y_offset = np.zeros(y.shape[1:]) if y.ndim == 2 else 0.0
    Xw = np.array(X, dtype=float, order=order)  # the one copy of X: O(nd) memory
    Xw -= X_offset
    yw = y - y_offset
    if not unit:
        root = np.sqrt(sample_weight)
        Xw *= root[:, None]
        yw = yw * (root[:, None] if y.ndim == 2 else root)
    return Xw, yw, X_offset, y_offset


class LinearPredictorMixin:
    r"""What every fitted linear regressor shares: the prediction :math:`\vx^\top\vw + b`.

    Needs the fitted attributes ``coef_`` (shape ``(n_features,)`` or
    ``(n_targets, n_features)``) and ``intercept_``. Used by :class:`BaseLinearModel` and by
    :class:`~mlmath.supervised.linear_regression.estimators.SGDRegressor`, which fits
    differently (no centring, one target) and so shares nothing else with it.

    Parameters
    ----------
    None
        A mixin: the estimator's own ``__init__`` takes the parameters.
    """

    def predict(self, X):
        r"""Predict with the fitted linear model, :math:`\hat y = \vx^\top\vw + b`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_targets)
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return X @ self.coef_.T + self.intercept_


class BaseLinearModel(LinearPredictorMixin, RegressorMixin, BaseEstimator):
    """Base class of the package's centring linear regressors (not an estimator on its own).

    Subclasses declare ``_parameter_constraints`` (checked first in ``fit``) and implement
    ``_solve(X, y)``, which fits the centred, weight-folded problem for one target and returns
    ``(w, info)``; ``info`` is a dict of extra learned attributes (``n_iter``, ``dual_gap``).
    Multi-output ``y`` is solved column by column unless the subclass sets
    ``_solves_multi_output = True``.

    Parameters
    ----------
    None
        A base class: each subclass's ``__init__`` takes its parameters (every subclass has
        ``fit_intercept``).
    """

    _normalize_sample_weight = False  # scale weights to sum to n_samples (the 1/(2n) losses)
    _solves_multi_output = False
    _ravel_single_target = False  # y of shape (n, 1): coef_ of shape (d,), as the twin does
    _center_order = "C"  # memory order of the centred copy of X that _solve receives

    def _solve(self, X, y):  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample; ``None`` gives every sample weight one.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        validate_parameters(self)  # the parameters first, then the data
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True, multi_output=True)
        sw = check_sample_weight(sample_weight, X.shape[0])
        if self._normalize_sample_weight:
            sw = sw * (X.shape[0] / sw.sum())
        Xc, yc, X_offset, y_offset = center_data(X, y, sw, self.fit_intercept,
                                                  order=self._center_order)
        if y.ndim == 1 or self._solves_multi_output:
            coef, info = self._solve(Xc, yc)
            coef = coef.T  # (n_targets, n_features) for 2-D y, as scikit-learn
        else:
            results = [self._solve(Xc, yc[:, k]) for k in range(y.shape[1])]
            coef = np.vstack([w for w, _ in results])
            info = {key: np.array([i[key] for _, i in results]) for key in results[0][1]}
        self.coef_ = coef
        self.intercept_ = y_offset - coef @ X_offset  # {eq}`eq-linreg-intercept`
        if np.ndim(self.intercept_) == 0:
            self.intercept_ = float(self.intercept_)
        elif self._ravel_single_target and y.shape[1] == 1:
            self.coef_ = coef[0]  # predictions then have shape (n,); intercept_ keeps (1,)
            info = {key: np.asarray(value).reshape(-1)[0] for key, value in info.items()}
        for key, value in info.items():
            setattr(self, key + "_", value)
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags


def linear_class_scores(estimator, X):
    """Scores ``X @ coef_.T + intercept_`` of a fitted linear classifier.

    The shared ``decision_function`` of the linear classifiers (logistic regression, linear
    SVM): one column per row of ``coef_``, flattened to shape (n_samples,) for two classes.

    Parameters
    ----------
    estimator : fitted estimator with ``coef_`` (n_rows, n_features) and ``intercept_``
    X : array-like of shape (n_samples, n_features)

    Returns
    -------
    ndarray of shape (n_samples,) or (n_samples, n_rows)
    """
    check_is_fitted(estimator)
    X = validate_data(estimator, X, dtype=np.float64, reset=False)
    scores = X @ estimator.coef_.T + estimator.intercept_
    return scores[:, 0] if scores.shape[1] == 1 else scores
