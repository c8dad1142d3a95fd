r"""Decision tree estimators: ``DecisionTreeClassifier`` and ``DecisionTreeRegressor`` (CART).

The estimators validate their input and parameters, compute the per-sample statistics of the
criterion (:mod:`mlmath.supervised.decision_trees.impurity`), grow the tree level by level
(:func:`mlmath.supervised.decision_trees.tree.grow_tree`), and prune it by minimal
cost-complexity when ``ccp_alpha > 0`` (:mod:`mlmath.supervised.decision_trees.pruning`). The
fitted tree is ``tree_``, flat arrays with scikit-learn's conventions. Like scikit-learn, the
features are stored in single precision (float32), so both libraries see exactly the same values
and thresholds.
"""

import math
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils import Bunch, check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from mlmath.supervised.decision_trees.impurity import CRITERIA
from mlmath.supervised.decision_trees.pruning import cost_complexity_path, prune_tree
from mlmath.supervised.decision_trees.tree import grow_tree
from mlmath.validation import (
    check_nonnegative_float,
    check_option,
    check_positive_int,
    check_sample_weight,
    encode_class_labels,
)

__all__ = ["BaseDecisionTree", "DecisionTreeClassifier", "DecisionTreeRegressor"]


def _check_int_or_fraction(value, name, *, min_int, frac_closed_right):
    """An int ``>= min_int`` or a float fraction in (0, 1) (or (0, 1] if ``frac_closed_right``)."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an int or a float, got a bool.")
    if isinstance(value, Integral):
        if value < min_int:
            raise ValueError(f"{name} must be an int >= {min_int} or a fraction; got {value}.")
        return int(value)
    if isinstance(value, Real):
        hi_ok = value <= 1.0 if frac_closed_right else value < 1.0
        if not (0.0 < value and hi_ok):
            interval = "(0, 1]" if frac_closed_right else "(0, 1)"
            raise ValueError(f"{name} as a fraction must lie in {interval}; got {value}.")
        return float(value)
    raise TypeError(f"{name} must be an int or a float, got {type(value).__name__}.")


class BaseDecisionTree(BaseEstimator):
    """Shared fit, apply and pruning of the two tree estimators (not an estimator on its own)."""

    _criteria = ()

    def _resolve_params(self, n_samples, n_features):
        """Check the parameters and turn fractions into counts, as scikit-learn does."""
        check_option(self.criterion, "criterion", self._criteria)
        max_depth = None if self.max_depth is None else check_positive_int(
            self.max_depth, "max_depth")
        msl = _check_int_or_fraction(self.min_samples_leaf, "min_samples_leaf", min_int=1,
                                     frac_closed_right=False)
        mss = _check_int_or_fraction(self.min_samples_split, "min_samples_split", min_int=2,
                                     frac_closed_right=True)
        msl = msl if isinstance(msl, int) else math.ceil(msl * n_samples)
        mss = mss if isinstance(mss, int) else max(2, math.ceil(mss * n_samples))
        mss = max(mss, 2 * msl)
        mf = self.max_features
        if isinstance(mf, str) or mf is None:
            check_option(mf, "max_features", ["sqrt", "log2", None])
            mf = {"sqrt": max(1, int(np.sqrt(n_features))),
                  "log2": max(1, int(np.log2(n_features))), None: n_features}[mf]
        else:
            mf = _check_int_or_fraction(mf, "max_features", min_int=1, frac_closed_right=True)
            mf = mf if isinstance(mf, int) else max(1, int(mf * n_features))
            if mf > n_features:
                raise ValueError(
                    f"max_features must be in (0, n_features={n_features}]; got {mf}.")
        mid = check_nonnegative_float(self.min_impurity_decrease, "min_impurity_decrease")
        check_nonnegative_float(self.ccp_alpha, "ccp_alpha")
        return max_depth, mss, msl, mf, mid

    def _fit(self, X, y, sample_weight, n_classes=None):
        """Grow (and prune) the tree on validated ``X`` (float32) and encoded ``y``."""
        n, d = X.shape
        max_depth, mss, msl, mf, mid = self._resolve_params(n, d)
        self.max_features_ = mf
        sw = check_sample_weight(sample_weight, n)
        keep = sw > 0  # a zero-weight sample is the same as no sample
        X, y, sw = X[keep], y[keep], sw[keep]
        criterion = CRITERIA[self.criterion]()
        offset = 0.0
        if not criterion.is_classification:
            # centre the targets when their mean dwarfs their spread: the split proxy
            # S_1L^2/W_L + S_1R^2/W_R loses about log10(mean^2 / variance) digits to
            # cancellation (y + 1e9 grows a wrong tree); a shift of y changes no split, and the
            # node means get it back below. Targets of moderate mean are left as they are, so
            # that rounding does not re-break the ties between equally good splits.
            mean = float(np.dot(sw, y) / sw.sum())
            if mean**2 > 100.0 * float(np.dot(sw, (y - mean) ** 2) / sw.sum()):
                offset = mean
                y = y - offset
        stats = criterion.sample_stats(y, sw, n_classes)
        self.tree_ = grow_tree(
            X, stats, criterion, max_depth=max_depth, min_samples_split=mss,
            min_samples_leaf=msl, max_features=None if mf == d else mf,
            min_impurity_decrease=mid, random_state=check_random_state(self.random_state),
        )
        if offset != 0.0:
            self.tree_.value += offset  # the node means of the uncentred targets
        if self.ccp_alpha > 0.0:
            self.tree_ = prune_tree(self.tree_, self.ccp_alpha)
        return self


    def _validate_X_predict(self, X):
        check_is_fitted(self)
        return validate_data(self, X, dtype=np.float32, reset=False)

    def apply(self, X):
        """Index of the leaf that each sample ends up in.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        X_leaves : ndarray of shape (n_samples,)
            Node ids of ``tree_`` (preorder, as scikit-learn).
        """
        return self.tree_.apply(self._validate_X_predict(X))

    def decision_path(self, X):
        """Node indicator matrix, shape ``(n_samples, node_count)`` (CSR)."""
        return self.tree_.decision_path(self._validate_X_predict(X))

    def get_depth(self):
        """Depth of the tree (a single leaf has depth 0)."""
        check_is_fitted(self)
        return self.tree_.max_depth

    def get_n_leaves(self):
        """Number of leaves of the tree."""
        check_is_fitted(self)
        return self.tree_.n_leaves

    @property
    def feature_importances_(self):
        """Normalised mean decrease in impurity of each feature, shape ``(n_features,)``.

        Implements {eq}`eq-tree-mdi` of the decision trees chapter.
        """
        check_is_fitted(self)
        return self.tree_.compute_feature_importances()

    def cost_complexity_pruning_path(self, X, y, sample_weight=None):
        """Critical alphas of minimal cost-complexity pruning and the subtrees' impurities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        Bunch
            ``ccp_alphas`` (increasing) and ``impurities``
            (:math:`\\sum_{t\\in\\tilde T} R(t)` of each subtree), as scikit-learn.

        Notes
        -----
        Implements {prf:ref}`alg-tree-weakest-link` of the decision trees chapter.
        """
        est = self.__class__(**{**self.get_params(), "ccp_alpha": 0.0})
        est.fit(X, y, sample_weight=sample_weight)
        return Bunch(**cost_complexity_path(est.tree_))


class DecisionTreeClassifier(ClassifierMixin, BaseDecisionTree):
    """A CART classification tree.

    Parameters
    ----------
    criterion : {"gini", "entropy", "log_loss"}, default="gini"
        Impurity measure; "log_loss" is the entropy (both in bits).
    max_depth : int or None, default=None
        Deepest level allowed; ``None`` grows until the leaves are pure or too small.
    min_samples_split : int or float, default=2
        Fewest samples a node needs to be split (a float is a fraction of ``n_samples``).
    min_samples_leaf : int or float, default=1
        Fewest samples each child must keep (a float is a fraction of ``n_samples``).
    max_features : int, float, {"sqrt", "log2"} or None, default=None
        Number of features drawn at random in each node (``None``: all of them).
    random_state : int, RandomState instance or None, default=None
        Seed of the feature draws.
    min_impurity_decrease : float, default=0.0
        A node splits only if the weighted impurity decrease is at least this.
    ccp_alpha : float, default=0.0
        Complexity parameter of minimal cost-complexity pruning (0: no pruning).

    Attributes
    ----------
    tree_ : Tree
        The fitted tree (flat arrays).
    classes_ : ndarray of shape (n_classes,)
    n_classes_ : int
    n_features_in_ : int
    n_outputs_ : int
        Always 1.
    max_features_ : int

    Notes
    -----
    Implements {prf:ref}`alg-tree-grow` with the impurities {eq}`eq-tree-gini` and
    {eq}`eq-tree-entropy` of the decision trees chapter.
    """

    _criteria = ("gini", "entropy", "log_loss")

    def __init__(self, *, criterion="gini", max_depth=None, min_samples_split=2,
                 min_samples_leaf=1, max_features=None, random_state=None,
                 min_impurity_decrease=0.0, ccp_alpha=0.0):
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.max_features = max_features
        self.random_state = random_state
        self.min_impurity_decrease = min_impurity_decrease
        self.ccp_alpha = ccp_alpha

    def fit(self, X, y, sample_weight=None):
        """Grow the tree on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels (integers or strings).
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : object
        """
        X, y = validate_data(self, X, y, dtype=np.float32)
        self.classes_, y_enc = encode_class_labels(y)
        self.n_classes_ = len(self.classes_)
        self.n_outputs_ = 1
        return self._fit(X, y_enc, sample_weight, n_classes=self.n_classes_)

    def predict_proba(self, X):
        """Class proportions in each sample's leaf, shape ``(n_samples, n_classes)``."""
        X = self._validate_X_predict(X)
        proba = self.tree_.predict(X)[:, 0, :]
        return proba / proba.sum(axis=1, keepdims=True)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba` (``-inf`` for classes absent from the leaf)."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """Majority class (largest weighted proportion) of each sample's leaf."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


class DecisionTreeRegressor(RegressorMixin, BaseDecisionTree):
    """A CART regression tree (piecewise-constant, least squares).

    Parameters
    ----------
    criterion : {"squared_error"}, default="squared_error"
        Impurity is the weighted variance of the targets in the node.
    max_depth, min_samples_split, min_samples_leaf, max_features, random_state,
    min_impurity_decrease, ccp_alpha
        As in :class:`DecisionTreeClassifier`.

    Attributes
    ----------
    tree_ : Tree
    n_features_in_ : int
    n_outputs_ : int
        Always 1.
    max_features_ : int

    Notes
    -----
    Implements {prf:ref}`alg-tree-grow` with the impurity {eq}`eq-tree-mse` of the decision
    trees chapter.
    """

    _criteria = ("squared_error",)

    def __init__(self, *, criterion="squared_error", max_depth=None, min_samples_split=2,
                 min_samples_leaf=1, max_features=None, random_state=None,
                 min_impurity_decrease=0.0, ccp_alpha=0.0):
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.max_features = max_features
        self.random_state = random_state
        self.min_impurity_decrease = min_impurity_decrease
        self.ccp_alpha = ccp_alpha

    def fit(self, X, y, sample_weight=None):
        """Grow the tree on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : object
        """
        X, y = validate_data(self, X, y, dtype=np.float32, y_numeric=True)
        self.n_outputs_ = 1
        return self._fit(X, np.asarray(y, dtype=np.float64), sample_weight)

    def predict(self, X):
        """Mean target of each sample's leaf, shape ``(n_samples,)``."""
        X = self._validate_X_predict(X)
        return self.tree_.predict(X)[:, 0, 0]
