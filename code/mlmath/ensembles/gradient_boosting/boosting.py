r"""The boosting loop shared by ``GradientBoostingRegressor`` and ``GradientBoostingClassifier``.

Stage :math:`t` computes the pseudo-residuals of the loss at the current scores, fits the
package's own least-squares :class:`~mlmath.supervised.decision_trees.DecisionTreeRegressor` to
them (one tree per class for :math:`K > 2` classes), overwrites the tree's leaf values with the
loss's own value per leaf (:meth:`Tree.set_leaf_values`: the median for the absolute error, one
Newton step for the log-loss, ...), and adds the tree times the learning rate to the scores. This
is Friedman's TreeBoost (the gradient boosting chapter, {prf:ref}`alg-gb-treeboost`), step for
step as scikit-learn 1.9 runs it: same initial constant, same trees on the same residuals, same
leaf values, same ``train_score_``, ``oob_improvement_`` and early-stopping rule.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from mlmath.supervised.decision_trees import DecisionTreeRegressor, presort
from mlmath.validation import (
    Interval,
    Options,
    RealNotInt,
    check_sample_weight,
    validate_parameters,
)

__all__ = ["BaseGradientBoosting", "in_bag_mask"]


def in_bag_mask(n_samples, subsample, rng):
    """A random subsample without replacement, as a boolean mask (stochastic gradient boosting).

    Parameters
    ----------
    n_samples : int
    subsample : float
        Fraction in ``(0, 1]``; ``max(1, int(subsample * n_samples))`` samples are drawn.
    rng : numpy.random.RandomState

    Returns
    -------
    ndarray of shape (n_samples,), bool
    """
    mask = np.zeros(n_samples, dtype=bool)
    mask[rng.permutation(n_samples)[:max(1, int(subsample * n_samples))]] = True
    return mask


class BaseGradientBoosting(BaseEstimator):
    """Fit, staged prediction and importances of gradient boosting (not an estimator itself).

    Subclasses define ``_make_loss`` (the loss for the encoded targets) and ``_encode_y``.
    """

    _parameter_constraints = {
        "learning_rate": [Interval(Real, 0.0, None, closed="left")],
        "n_estimators": [Interval(Integral, 1, None)],
        "subsample": [Interval(Real, 0.0, 1.0, closed="right")],
        "criterion": [Options(("friedman_mse", "squared_error"))],
        "min_samples_split": [Interval(Integral, 2, None),
                              Interval(RealNotInt, 0.0, 1.0, closed="right")],
        "min_samples_leaf": [Interval(Integral, 1, None),
                             Interval(RealNotInt, 0.0, 1.0, closed="neither")],
        "min_weight_fraction_leaf": [Interval(Real, 0.0, 0.5, closed="both")],
        "max_depth": [Interval(Integral, 1, None), None],
        "min_impurity_decrease": [Interval(Real, 0.0, None, closed="left")],
        "init": [Options(("zero",)), None],
        "random_state": ["random_state"],
        "max_features": [Interval(Integral, 1, None),
                         Interval(RealNotInt, 0.0, 1.0, closed="right"),
                         Options(("sqrt", "log2")), None],
        "validation_fraction": [Interval(Real, 0.0, 1.0, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None), None],
        "tol": [Interval(Real, 0.0, None, closed="left")],
        "ccp_alpha": [Interval(Real, 0.0, None, closed="left")],
    }

    def _expected_failed_checks(self):
        # scikit-learn excuses the same check for its own GradientBoosting* (same reason)
        return {"check_sample_weight_equivalence_on_dense_data":
                "sample_weight is not equivalent to removing or repeating samples: the trees "
                "count samples (min_samples_leaf, ties between splits) and unweighted data "
                "start from the interpolated median or quantile, as scikit-learn's do."}

    def _make_tree(self, rng):
        """A new base tree: least squares on the pseudo-residuals, the twin's tree parameters."""
        return DecisionTreeRegressor(
            criterion="squared_error", max_depth=self.max_depth,
            min_samples_split=self.min_samples_split, min_samples_leaf=self.min_samples_leaf,
            min_weight_fraction_leaf=self.min_weight_fraction_leaf,
            max_features=self.max_features, min_impurity_decrease=self.min_impurity_decrease,
            random_state=rng, ccp_alpha=self.ccp_alpha)

    def _max_features(self, d):
        mf = self.max_features
        if mf is None:
            return d
        if isinstance(mf, str):
            return max(1, int({"sqrt": np.sqrt, "log2": np.log2}[mf](d)))
        return int(mf) if isinstance(mf, Integral) else max(1, int(mf * d))

    def fit(self, X, y, sample_weight=None):
        """Fit the boosted trees, stage by stage.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : object

        Notes
        -----
        Implements {prf:ref}`alg-gb-treeboost` of the gradient boosting chapter, with
        subsampling and the early-stopping rule {eq}`eq-gb-early-stopping`.
        """
        validate_parameters(self)
        X, y = validate_data(self, X, y, dtype=np.float32, y_numeric=not self._is_classifier)
        weighted = sample_weight is not None
        sw = check_sample_weight(sample_weight, X.shape[0])
        y = self._encode_y(y, sw)
        self.max_features_ = self._max_features(X.shape[1])
        loss = self._loss = self._make_loss()
        if self.n_iter_no_change is not None:
            X, X_val, y, y_val, sw, sw_val = train_test_split(
                X, y, sw, random_state=self.random_state, test_size=self.validation_fraction,
                stratify=y if self._is_classifier else None)
            if self._is_classifier and np.unique(y).size != self.n_classes_:
                raise ValueError("The training data after the early-stopping split lacks a "
                                 "class; use another random_state or a smaller "
                                 "validation_fraction.")
        n, K = X.shape[0], loss.n_trees
        if self.subsample < 1.0 and n < 2:
            raise ValueError(f"subsample={self.subsample} < 1 needs at least 2 training samples "
                             f"(got {n}), so that each stage leaves a sample out of the bag.")
        init = (np.zeros(K) if self.init == "zero"
                else loss.init_raw(y, sw if weighted else None))
        self.init_raw_prediction_ = init
        raw = np.tile(init, (n, 1))  # (n, K): the scores F_{t,k} of the training samples
        X_fit = np.asfortranarray(X)  # what the trees grow on: each feature contiguous
        X_walk = np.ascontiguousarray(X)  # what they route samples with: each sample contiguous
        order = presort(X_fit)  # the features' sorted orders, once for all the stages
        rng = check_random_state(self.random_state)
        do_oob = self.subsample < 1.0
        T = self.n_estimators
        self.estimators_ = np.empty((T, K), dtype=object)
        self.train_score_ = np.zeros(T)
        if do_oob:
            self.oob_improvement_, self.oob_scores_ = np.zeros(T), np.zeros(T)
        if self.n_iter_no_change is not None:
            history = np.full(self.n_iter_no_change, np.inf)
            raw_val = np.tile(init, (X_val.shape[0], 1))
        factor = loss.score_factor
        inbag = np.ones(n, dtype=bool)
        for t in range(T):
            if do_oob:
                inbag = in_bag_mask(n, self.subsample, rng)
                out = ~inbag
                if t == 0:
                    previous = factor * loss(y[out], raw[out], sw[out])
            loss.start_stage(y, raw, sw)
            residual = loss.negative_gradient(y, raw)  # (n, K), before any tree of the stage
            for k in range(K):
                tree = self._make_tree(rng)
                tree.fit(X_fit, residual[:, k], sample_weight=sw * inbag if do_oob else sw,
                         presorted=order)
                leaf = tree.tree_.apply(X_walk)
                values = loss.leaf_values(
                    leaf[inbag], tree.tree_.node_count, y[inbag], raw[inbag],
                    residual[inbag, k], sw[inbag], k)
                if values is not None:
                    tree.tree_.set_leaf_values(values)
                raw[:, k] += self.learning_rate * tree.tree_.value[leaf, 0, 0]
                self.estimators_[t, k] = tree
            if do_oob:
                self.train_score_[t] = factor * loss(y[inbag], raw[inbag], sw[inbag])
                self.oob_scores_[t] = factor * loss(y[out], raw[out], sw[out])
                self.oob_improvement_[t] = previous - self.oob_scores_[t]
                previous = self.oob_scores_[t]
            else:
                self.train_score_[t] = factor * loss(y, raw, sw)
            if self.n_iter_no_change is not None:
                self._add_stage(raw_val, X_val, t)
                val_loss = factor * loss(y_val, raw_val, sw_val)
                if np.any(val_loss + self.tol < history):  # better than one of the last few
                    history[t % history.size] = val_loss
                else:
                    break
        self.n_estimators_ = t + 1
        self.estimators_ = self.estimators_[:t + 1]
        self.train_score_ = self.train_score_[:t + 1]
        if do_oob:
            self.oob_improvement_ = self.oob_improvement_[:t + 1]
            self.oob_scores_ = self.oob_scores_[:t + 1]
            self.oob_score_ = float(self.oob_scores_[-1])
        return self

    def _add_stage(self, raw, X, t):
        """Add stage ``t``'s trees, times the learning rate, to ``raw`` (in place)."""
        for k, tree in enumerate(self.estimators_[t]):
            raw[:, k] += self.learning_rate * tree.tree_.value[tree.tree_.apply(X), 0, 0]

    def _validate_X(self, X):
        check_is_fitted(self)
        return validate_data(self, X, dtype=np.float32, order="C", reset=False)

    def _raw_predict(self, X):
        """Scores ``(n_samples, K)`` of the whole ensemble on validated ``X``."""
        raw = np.tile(self.init_raw_prediction_, (X.shape[0], 1))
        for t in range(self.estimators_.shape[0]):
            self._add_stage(raw, X, t)
        return raw

    def _staged_raw_predict(self, X):
        """The scores after each stage (copies), on raw ``X``."""
        X = self._validate_X(X)
        raw = np.tile(self.init_raw_prediction_, (X.shape[0], 1))
        for t in range(self.estimators_.shape[0]):
            self._add_stage(raw, X, t)
            yield raw.copy()

    def apply(self, X):
        """Leaf of every sample in every tree.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_estimators_, K)
            Node ids; ``K`` is 1 for regression and two classes.
        """
        X = self._validate_X(X)
        T, K = self.estimators_.shape
        leaves = np.empty((X.shape[0], T, K))
        for t in range(T):
            for k in range(K):
                leaves[:, t, k] = self.estimators_[t, k].tree_.apply(X)
        return leaves

    @property
    def feature_importances_(self):
        """Mean decrease in squared error per feature, averaged over the trees, normalised.

        As scikit-learn: the unnormalised impurity decrease of every tree with a split, averaged,
        then divided by its sum (all zeros when no tree has a split).

        Returns
        -------
        ndarray of shape (n_features,)
        """
        check_is_fitted(self)
        trees = [tree.tree_ for tree in self.estimators_.ravel() if tree.tree_.node_count > 1]
        if not trees:
            return np.zeros(self.n_features_in_)
        imp = np.mean([tree.compute_feature_importances(normalize=False) for tree in trees],
                      axis=0)
        return imp / imp.sum()
