r"""The boosting loop of the histogram boosters: bin once, then one tree per round and output.

Every round computes the gradients and hessians of the loss at the current scores
(:mod:`~mlmath.ensembles.histogram_boosting.objective`), grows one histogram tree per output
(:func:`~mlmath.supervised.decision_trees.histogram.grow_histogram_tree`; :math:`K` trees for
:math:`K > 2` classes) and adds its values, already shrunk by :math:`\eta`, to the scores.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted, check_random_state, validate_data

from mlmath.ensembles.histogram_boosting.binning import bin_data, quantile_bin_edges
from mlmath.supervised.decision_trees.histogram import HistogramBuilder, grow_histogram_tree
from mlmath.validation import Interval, RealNotInt, check_sample_weight

__all__ = ["BaseXGBoost"]


class BaseXGBoost(BaseEstimator):
    """Shared fit and prediction of the two histogram boosters (not an estimator).

    Subclasses define ``_initial_score(y, w)``, ``_grad_hess(y, raw)`` and ``_loss(y, raw, w)``.

    Parameters
    ----------
    n_estimators, learning_rate, max_depth, min_child_weight, gamma, reg_lambda, reg_alpha, \
subsample, colsample_bytree, max_bin, base_score, early_stopping_rounds, validation_fraction, \
random_state
        As in :class:`~mlmath.ensembles.histogram_boosting.XGBoostRegressor`.
    """

    _no_sklearn_twin = ("its twin is xgboost's (xgboost.XGBRegressor/XGBClassifier, from "
                        "xgboost-cpu 3.2.0), compared in "
                        "tests/ensembles/histogram_boosting/test_estimators.py")

    _parameter_constraints = {
        "n_estimators": [Interval(Integral, 1, None)],
        "learning_rate": [Interval(Real, 0.0, None, closed="neither")],
        "max_depth": [Interval(Integral, 0, None)],
        "min_child_weight": [Interval(Real, 0.0, None, closed="left")],
        "gamma": [Interval(Real, 0.0, None, closed="left")],
        "reg_lambda": [Interval(Real, 0.0, None, closed="left")],
        "reg_alpha": [Interval(Real, 0.0, None, closed="left")],
        "subsample": [Interval(Real, 0.0, 1.0, closed="right")],
        "colsample_bytree": [Interval(Real, 0.0, 1.0, closed="right")],
        "max_bin": [Interval(Integral, 2, 255)],
        "base_score": [Real, None],
        "early_stopping_rounds": [Interval(Integral, 1, None), None],
        "validation_fraction": [Interval(RealNotInt, 0.0, 1.0, closed="neither")],
        "random_state": ["random_state"],
    }

    def __init__(self, n_estimators=100, *, learning_rate=0.3, max_depth=6, min_child_weight=1.0,
                 gamma=0.0, reg_lambda=1.0, reg_alpha=0.0, subsample=1.0, colsample_bytree=1.0,
                 max_bin=255, base_score=None, early_stopping_rounds=None,
                 validation_fraction=0.1, random_state=None):
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.min_child_weight = min_child_weight
        self.gamma = gamma
        self.reg_lambda = reg_lambda
        self.reg_alpha = reg_alpha
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.max_bin = max_bin
        self.base_score = base_score
        self.early_stopping_rounds = early_stopping_rounds
        self.validation_fraction = validation_fraction
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags

    def _validate_X_predict(self, X):
        check_is_fitted(self)
        return validate_data(self, X, dtype=np.float64, ensure_all_finite="allow-nan",
                             reset=False)

    def _fit(self, X, y, sample_weight):
        """Bin ``X``, then boost; ``y`` already encoded by the subclass."""
        n = X.shape[0]
        w = np.ones(n) if sample_weight is None else check_sample_weight(sample_weight, n)
        rng = check_random_state(self.random_state)
        X_val = None
        if self.early_stopping_rounds is not None:
            stratify = y if getattr(self, "_stratify", False) else None
            idx = np.arange(n)
            tr, va = train_test_split(idx, test_size=self.validation_fraction,
                                      random_state=rng.randint(np.iinfo(np.int32).max),
                                      stratify=stratify)
            X_val, y_val, w_val = X[va], y[va], w[va]
            X, y, w = X[tr], y[tr], w[tr]
            n = X.shape[0]
        self.base_score_ = self._initial_score(y, w)
        edges = quantile_bin_edges(X, self.max_bin, w)
        self.bin_edges_ = edges
        binned = bin_data(X, edges, max_bin=self.max_bin)
        builder = HistogramBuilder(binned, self.max_bin)
        K = self._n_outputs()
        raw = np.tile(np.asarray(self.base_score_, dtype=float), (n, 1)).reshape(n, K)
        if X_val is not None:
            raw_val = np.tile(np.asarray(self.base_score_, float), (X_val.shape[0], 1))
            raw_val = raw_val.reshape(-1, K)
        d = X.shape[1]
        n_cols = max(1, int(self.colsample_bytree * d))
        self.trees_, train_score, val_score = [], [], []
        best, best_round = np.inf, 0
        for _ in range(self.n_estimators):
            g, h = self._grad_hess(y, raw if K > 1 else raw[:, 0])
            g, h = g.reshape(n, K) * w[:, None], h.reshape(n, K) * w[:, None]
            if self.subsample < 1.0:
                keep = rng.random_sample(n) < self.subsample
                g, h = g * keep[:, None], h * keep[:, None]
            mask = None
            if n_cols < d:
                mask = np.zeros(d, dtype=bool)
                mask[rng.choice(d, n_cols, replace=False)] = True
            for k in range(K):
                tree, leaves = grow_histogram_tree(
                    binned, g[:, k], h[:, k], edges=edges, max_depth=self.max_depth,
                    min_child_weight=self.min_child_weight, reg_lambda=self.reg_lambda,
                    reg_alpha=self.reg_alpha, gamma=self.gamma,
                    learning_rate=self.learning_rate, max_bin=self.max_bin,
                    feature_mask=mask, builder=builder, return_leaves=True)
                raw[:, k] += tree.value[leaves, 0, 0]
                self.trees_.append(tree)
                if X_val is not None:
                    raw_val[:, k] += tree.predict(X_val)[:, 0, 0]
            train_score.append(self._loss(y, raw if K > 1 else raw[:, 0], w))
            if X_val is not None:
                val_score.append(self._loss(y_val, raw_val if K > 1 else raw_val[:, 0], w_val))
                if val_score[-1] < best - 1e-12:
                    best, best_round = val_score[-1], len(val_score)
                elif len(val_score) - best_round >= self.early_stopping_rounds:
                    break
        self.n_estimators_ = len(train_score)
        if X_val is not None:  # keep the best round, as xgboost's best_iteration
            self.n_estimators_ = best_round
            self.trees_ = self.trees_[:best_round * K]
            self.validation_score_ = np.array(val_score)
            self.best_iteration_ = best_round - 1
        self.train_score_ = np.array(train_score)
        return self

    def _n_outputs(self):
        return 1

    @property
    def feature_importances_(self):
        """Total gain of every feature's splits over all trees, normalised to sum to one.

        Returns
        -------
        ndarray of shape (n_features,)
            All zeros when no tree splits.
        """
        check_is_fitted(self)
        imp = np.zeros(self.n_features_in_)
        for tree in self.trees_:
            internal = tree.feature >= 0
            imp += np.bincount(tree.feature[internal], weights=tree.gain[internal],
                               minlength=self.n_features_in_)
        total = imp.sum()
        return imp / total if total > 0 else imp

    def _raw_stages(self, X):
        """Scores after each round, shape (n_rounds, n_samples, K), as a generator."""
        X = self._validate_X_predict(X)
        K = self._n_outputs()
        raw = np.tile(np.asarray(self.base_score_, float), (X.shape[0], 1)).reshape(-1, K)
        for t in range(self.n_estimators_):
            for k in range(K):
                raw[:, k] += self.trees_[t * K + k].predict(X)[:, 0, 0]
            yield raw.copy()

    def _raw_predict(self, X):
        """Final scores, shape (n_samples, K)."""
        X = self._validate_X_predict(X)
        K = self._n_outputs()
        raw = np.tile(np.asarray(self.base_score_, float), (X.shape[0], 1)).reshape(-1, K)
        for i, tree in enumerate(self.trees_):
            raw[:, i % K] += tree.value[tree.apply(X), 0, 0]
        return raw
