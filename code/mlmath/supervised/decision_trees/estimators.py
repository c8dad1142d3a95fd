r"""Decision tree estimators: ``DecisionTreeClassifier`` and ``DecisionTreeRegressor`` (CART).

The estimators validate their input and parameters, compute the per-sample statistics of the
criterion (:mod:`mlmath.supervised.decision_trees.impurity`), grow the tree level by level
(:func:`mlmath.supervised.decision_trees.growth.grow_tree`), and prune it by minimal
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

from mlmath.supervised.decision_trees.growth import _check_presorted, grow_tree, subset_presorted
from mlmath.supervised.decision_trees.impurity import CRITERIA
from mlmath.supervised.decision_trees.pruning import cost_complexity_path, prune_tree
from mlmath.supervised.decision_trees.targets import regression_targets
from mlmath.validation import (
    Interval,
    Options,
    RealNotInt,
    check_parameter,
    check_sample_weight,
    class_weights,
    encode_class_labels,
    validate_parameters,
)

__all__ = ["BaseDecisionTree", "DecisionTreeClassifier", "DecisionTreeRegressor"]

class BaseDecisionTree(BaseEstimator):
    """Shared fit, apply and pruning of the two tree estimators (not an estimator on its own).

    Parameters are declared in ``_parameter_constraints`` and checked first thing in ``fit``,
    before the data (:func:`mlmath.validation.validate_parameters`).
    """

    _parameter_constraints = {
        "max_depth": [Interval(Integral, 1, None), None],
        "min_samples_split": [Interval(Integral, 2, None),
                              Interval(RealNotInt, 0.0, 1.0, closed="right")],
        "min_samples_leaf": [Interval(Integral, 1, None),
                             Interval(RealNotInt, 0.0, 1.0, closed="neither")],
        "min_weight_fraction_leaf": [Interval(Real, 0.0, 0.5, closed="both")],
        "max_features": [Interval(Integral, 1, None),
                         Interval(RealNotInt, 0.0, 1.0, closed="right"),
                         Options(("sqrt", "log2")), None],
        "random_state": ["random_state"],
        "min_impurity_decrease": [Interval(Real, 0.0, None, closed="left")],
        "ccp_alpha": [Interval(Real, 0.0, None, closed="left")],
    }

    def _validate_params(self):
        """Check the parameters against ``_parameter_constraints`` (before the data)."""
        validate_parameters(self)

    def _resolve_params(self, n_samples, n_features):
        """Turn the (checked) fractions and options into counts, as scikit-learn does."""
        msl, mss = self.min_samples_leaf, self.min_samples_split
        msl = int(msl) if isinstance(msl, Integral) else math.ceil(msl * n_samples)
        mss = int(mss) if isinstance(mss, Integral) else max(2, math.ceil(mss * n_samples))
        mss = max(mss, 2 * msl)
        mf = self.max_features
        if isinstance(mf, str) or mf is None:
            mf = {"sqrt": max(1, int(np.sqrt(n_features))),
                  "log2": max(1, int(np.log2(n_features))), None: n_features}[mf]
        elif isinstance(mf, Integral):  # at most the number of features, known only now
            mf = int(check_parameter(mf, "max_features", [Interval(Integral, 1, n_features)],
                                     owner=type(self).__name__))
        else:
            mf = max(1, int(mf * n_features))
        return self.max_depth, mss, msl, mf, float(self.min_impurity_decrease)

    def _fit(self, X, y, sample_weight, n_classes=None, presorted=None):
        """Grow (and prune) the tree on validated ``X`` (float32, Fortran order) and encoded ``y``.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features), float32
            Each feature contiguous (Fortran order), so that the growth needs no transposed copy.
        y : ndarray of shape (n_samples,)
            Encoded classes ``0, ..., K-1`` or float targets.
        sample_weight : array-like of shape (n_samples,) or None
            Weights (class weights already folded in).
        n_classes : int, default=None
            Number of classes ``K`` (classification only).
        presorted : ndarray of shape (n_features, n_samples), int, default=None
            The sorted orders of ``X`` (:func:`~mlmath.supervised.decision_trees.growth.presort`).

        Returns
        -------
        self : object
        """
        n, d = X.shape
        max_depth, mss, msl, mf, mid = self._resolve_params(n, d)
        self.max_features_ = mf
        sw = check_sample_weight(sample_weight, n)
        keep = sw > 0  # a zero-weight sample is the same as no sample
        if presorted is not None and not np.all(keep):
            # the whole array is checked before its kept rows are taken: an index out of
            # range, or a row that is not a permutation, would otherwise raise a bare
            # IndexError, or wrap around and be accepted (grow_tree checks the kept rows again)
            _check_presorted(X.T, presorted)
        if not np.all(keep):
            X, y, sw = np.asfortranarray(X[keep]), y[keep], sw[keep]
            if presorted is not None:  # the kept rows, still sorted: O(dn), no new sort
                presorted = subset_presorted(presorted, keep)
        criterion = CRITERIA[self.criterion]()
        offset, exponent = 0.0, 0
        if not criterion.is_classification:
            y, offset, exponent = regression_targets(y, sw)
            mid = math.ldexp(mid, -2 * exponent)  # an impurity decrease, in the units of z^2
        terms = criterion.sample_terms(y, sw, n_classes)
        self.tree_ = grow_tree(
            X, terms, criterion, max_depth=max_depth, min_samples_split=mss,
            min_samples_leaf=msl, min_weight_leaf=self.min_weight_fraction_leaf * sw.sum(),
            max_features=None if mf == d else mf,
            min_impurity_decrease=mid, random_state=check_random_state(self.random_state),
            presorted=presorted,
        )
        if offset != 0.0 or exponent != 0:  # the node means and variances of y, not of z
            tree = self.tree_
            tree.value[...] = np.ldexp(tree.value + offset, exponent)
            tree.impurity = np.ldexp(tree.impurity, 2 * exponent)
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
        X = self._validate_X_predict(X)  # first: an unfitted estimator has no tree_
        return self.tree_.apply(X)

    def decision_path(self, X):
        """Node indicator matrix: entry ``(i, t)`` is 1 when sample ``i`` passes node ``t``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_samples, node_count)
        """
        X = self._validate_X_predict(X)  # NotFittedError before tree_ is looked up
        return self.tree_.decision_path(X)

    def get_depth(self):
        """Depth of the tree (a single leaf has depth 0).

        Returns
        -------
        int
        """
        check_is_fitted(self)
        return self.tree_.max_depth

    def get_n_leaves(self):
        """Number of leaves of the tree.

        Returns
        -------
        int
        """
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
    min_weight_fraction_leaf : float, default=0.0
        Least fraction of the total sample weight (class weights included) each child must
        keep.
    max_features : int, float, {"sqrt", "log2"} or None, default=None
        Number of features drawn at random in each node (``None``: all of them).
    random_state : int, RandomState instance or None, default=None
        Seed of the feature draws.
    min_impurity_decrease : float, default=0.0
        A node splits only if the weighted impurity decrease is at least this.
    class_weight : dict, "balanced" or None, default=None
        Weight of each class, multiplying the sample weights: ``{label: weight}`` (classes not
        named weigh 1; keys of labels absent from ``y`` are ignored when every class of ``y`` is
        named, as in a cross-validation fold), or "balanced", :math:`n / (K n_k)` for a class
        of :math:`n_k` samples (counted, not weighted), so that every class has the same total
        count. Resolved by :func:`mlmath.validation.class_weights`.
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

    _parameter_constraints = {
        **BaseDecisionTree._parameter_constraints,
        "criterion": [Options(("gini", "entropy", "log_loss"))],
        "class_weight": [dict, Options(("balanced",)), None],
    }

    def __init__(self, *, criterion="gini", max_depth=None, min_samples_split=2,
                 min_samples_leaf=1, min_weight_fraction_leaf=0.0, max_features=None,
                 random_state=None, min_impurity_decrease=0.0, class_weight=None,
                 ccp_alpha=0.0):
        self.criterion = criterion
        self.class_weight = class_weight
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.random_state = random_state
        self.min_impurity_decrease = min_impurity_decrease
        self.ccp_alpha = ccp_alpha

    def fit(self, X, y, sample_weight=None, presorted=None):
        """Grow the tree on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels (integers or strings).
        sample_weight : array-like of shape (n_samples,), default=None
        presorted : ndarray of shape (n_features, n_samples), int, default=None
            The sorted orders of ``X`` from
            :func:`~mlmath.supervised.decision_trees.growth.presort`, when many trees are fitted
            on the same ``X`` (gradient boosting): skips the :math:`O(dn\\log n)` sort; checked
            in one pass to sort ``X``. ``None``: sort here.

        Returns
        -------
        self : object
        """
        self._validate_params()
        X, y = validate_data(self, X, y, dtype=np.float32, order="F")
        self.classes_, y_enc = encode_class_labels(y)
        self.n_classes_ = len(self.classes_)
        self.n_outputs_ = 1
        sw = check_sample_weight(sample_weight, X.shape[0])
        if self.class_weight is not None:
            # the trees count samples for "balanced" (no sample_weight), as scikit-learn's
            sw = sw * class_weights(self.class_weight, self.classes_, y_enc,
                                    owner=type(self).__name__)[y_enc]
        self._fit(X, y_enc, sw, n_classes=self.n_classes_, presorted=presorted)
        # the node values are class proportions; as scikit-learn's predict_proba does on every
        # call, divide them once more by their sum, here once per node rather than per sample
        value = self.tree_.value
        value /= value.sum(axis=-1, keepdims=True)
        return self

    def predict_proba(self, X):
        """Weighted class proportions in each sample's leaf (its row of ``tree_.value``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        leaf = self.apply(X)
        # np.take copies whole rows, several times faster than fancy indexing here
        return np.take(self.tree_.value[:, 0, :], leaf, axis=0)  # rows normalised in fit

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba` (``-inf`` for classes absent from the leaf).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """Majority class (largest weighted proportion) of each sample's leaf.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        leaf = self.apply(X)
        value = self.tree_.value[:, 0, :]
        if leaf.size < self.tree_.node_count:  # fewer samples than nodes: per sample
            return self.classes_[np.argmax(np.take(value, leaf, axis=0), axis=1)]
        return self.classes_[np.argmax(value, axis=1)[leaf]]  # once per node


class DecisionTreeRegressor(RegressorMixin, BaseDecisionTree):
    """A CART regression tree (piecewise-constant, least squares).

    Parameters
    ----------
    criterion : {"squared_error"}, default="squared_error"
        Impurity is the weighted variance of the targets in the node.
    max_depth, min_samples_split, min_samples_leaf, min_weight_fraction_leaf, max_features,
    random_state, min_impurity_decrease, ccp_alpha
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

    _parameter_constraints = {
        **BaseDecisionTree._parameter_constraints,
        "criterion": [Options(("squared_error",))],
    }

    def __init__(self, *, criterion="squared_error", max_depth=None, min_samples_split=2,
                 min_samples_leaf=1, min_weight_fraction_leaf=0.0, max_features=None,
                 random_state=None, min_impurity_decrease=0.0, ccp_alpha=0.0):
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.random_state = random_state
        self.min_impurity_decrease = min_impurity_decrease
        self.ccp_alpha = ccp_alpha

    def fit(self, X, y, sample_weight=None, presorted=None):
        """Grow the tree on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
        presorted : ndarray of shape (n_features, n_samples), int, default=None
            The sorted orders of ``X`` from
            :func:`~mlmath.supervised.decision_trees.growth.presort`, when many trees are fitted
            on the same ``X`` (gradient boosting): skips the :math:`O(dn\\log n)` sort; checked
            in one pass to sort ``X``. ``None``: sort here.

        Returns
        -------
        self : object
        """
        self._validate_params()
        X, y = validate_data(self, X, y, dtype=np.float32, order="F", y_numeric=True)
        self.n_outputs_ = 1
        return self._fit(X, np.asarray(y, dtype=np.float64), sample_weight,
                         presorted=presorted)

    def predict(self, X):
        """Mean target of each sample's leaf.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        leaf = self.apply(X)
        return self.tree_.value[:, 0, 0][leaf]
