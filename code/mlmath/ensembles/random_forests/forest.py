r"""Random forests: bagged CART trees that draw ``max_features`` features at random per node.

Each tree is the package's own :class:`~mlmath.supervised.decision_trees.DecisionTreeClassifier`
or :class:`~mlmath.supervised.decision_trees.DecisionTreeRegressor`, fitted on the full training
set with its bootstrap counts as sample weights (a zero-weight sample is no sample). The
bootstrap sample is drawn from the tree's member seed
(:func:`~mlmath.ensembles.random_forests.resampling.bootstrap_indices`), as scikit-learn's forests
draw theirs, so both libraries resample the same rows for the same ``random_state`` (with sample
weights too: both draw each sample with probability proportional to its weight). The tree's own
``random_state``, which draws its features, is a child of the member seed
(:func:`~mlmath.ensembles.random_forests.resampling.child_seed`), not the member seed itself, so
that the feature draws do not reread the stream of the resample. The trees
are fitted in ``n_jobs`` processes. The forest's prediction is the mean of the trees' (class
proportions for a classifier); the out-of-bag prediction of a sample averages only the trees
whose resample missed it.
"""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from mlmath.ensembles.random_forests.resampling import (
    N_JOBS,
    bootstrap_counts,
    bootstrap_indices,
    child_seed,
    fit_in_parallel,
    member_seeds,
    resample_size,
)
from mlmath.supervised.decision_trees import (
    DecisionTreeClassifier,
    DecisionTreeRegressor,
    presort,
)
from mlmath.validation import (
    Interval,
    Options,
    RealNotInt,
    check_sample_weight,
    encode_class_labels,
    validate_parameters,
)

__all__ = ["BaseForest", "RandomForestClassifier", "RandomForestRegressor"]

_TREE_PARAMS = ("criterion", "max_depth", "min_samples_split", "min_samples_leaf",
                "min_weight_fraction_leaf", "max_features", "min_impurity_decrease",
                "ccp_alpha")


def _fit_tree(member, X, y, sample_weight, n_draws, order):
    """Fit one tree on its bootstrap sample, given as counts (runs in a worker).

    ``member`` is the unfitted tree, whose ``random_state`` draws its features, and its member
    seed, which draws its resample. With ``n_draws`` (bootstrap), the tree's weights are the
    counts of its resample, drawn with probabilities proportional to ``sample_weight``;
    without, ``sample_weight`` itself. ``order``
    is the forest's :func:`~mlmath.supervised.decision_trees.growth.presort` of ``X``, shared by
    all trees, so that no tree sorts the features again.
    """
    tree, seed = member
    if n_draws is None:
        return tree.fit(X, y, sample_weight=sample_weight, presorted=order)
    counts = bootstrap_counts(seed, X.shape[0], n_draws, sample_weight)
    return tree.fit(X, y, sample_weight=counts, presorted=order)


class BaseForest(BaseEstimator):
    """Shared fit, out-of-bag bookkeeping and importances of the two forests (not an estimator).

    Parameters are declared in ``_parameter_constraints`` and checked first thing in ``fit``.
    """

    _parameter_constraints = {
        "n_estimators": [Interval(Integral, 1, None)],
        "max_depth": [Interval(Integral, 1, None), None],
        "min_samples_split": [Interval(Integral, 2, None),
                              Interval(RealNotInt, 0.0, 1.0, closed="right")],
        "min_samples_leaf": [Interval(Integral, 1, None),
                             Interval(RealNotInt, 0.0, 1.0, closed="neither")],
        "min_weight_fraction_leaf": [Interval(Real, 0.0, 0.5, closed="both")],
        "max_features": [Interval(Integral, 1, None),
                         Interval(RealNotInt, 0.0, 1.0, closed="right"),
                         Options(("sqrt", "log2")), None],
        "min_impurity_decrease": [Interval(Real, 0.0, None, closed="left")],
        "bootstrap": ["boolean"],
        "oob_score": ["boolean"],
        "n_jobs": N_JOBS,
        "random_state": ["random_state"],
        "ccp_alpha": [Interval(Real, 0.0, None, closed="left")],
        # as scikit-learn's forests: a float is any positive multiple of n_samples
        "max_samples": [None, Interval(Integral, 1, None),
                        Interval(RealNotInt, 0.0, None, closed="neither")],
    }
    _tree_class = None

    def _expected_failed_checks(self):
        # the twin excuses the same check for the same reason: a weight of 2 doubles a sample
        # in each resample it is drawn into, while a repeated row is drawn into resamples of
        # its own, so the members (random by design) differ
        return {"check_sample_weight_equivalence_on_dense_data": (
            "sample_weight is not equivalent to removing/repeating samples: the bootstrap "
            "draws rows, not weights")}

    def _n_draws(self, n, sample_weight):
        """Size of each bootstrap sample (``None`` without bootstrap), scikit-learn's rule."""
        if not self.bootstrap:
            if self.max_samples is not None:
                raise ValueError("`max_sample` cannot be set if `bootstrap=False`. Either "
                                 "switch to `bootstrap=True` or set `max_sample=None`.")
            return None
        return resample_size(self.max_samples, n, sample_weight)

    def _fit_forest(self, X, y, sample_weight):
        """Grow the trees on validated float32 ``X`` and encoded ``y``; set the OOB results."""
        if self.oob_score and not self.bootstrap:
            raise ValueError("Out of bag estimation only available if bootstrap=True")
        n = X.shape[0]
        sw = None
        if sample_weight is not None:
            sw = check_sample_weight(sample_weight, n)
            if not np.sum(sw) > 0:
                raise ValueError("sample_weight must have a positive sum: the bootstrap draws "
                                 "each sample with probability proportional to its weight.")
        self._n_samples = n
        self._sample_weight = sw
        self._n_draws_fit = self._n_draws(n, sw)
        params = {p: getattr(self, p) for p in _TREE_PARAMS}
        # the member seed draws the resample; its child draws the tree's features
        self._seeds = [int(s) for s in member_seeds(self.random_state, self.n_estimators)]
        members = [(self._tree_class(**params, random_state=child_seed(seed)), seed)
                   for seed in self._seeds]
        order = presort(X)  # sorted once for all trees: O(dn log n)
        self.estimators_ = fit_in_parallel(_fit_tree, members,
                                           (X, y, sw, self._n_draws_fit, order), self.n_jobs)
        if self.oob_score:
            self._set_oob(X, y)
        return self

    @property
    def estimators_samples_(self):
        """The bootstrap indices of every tree, regenerated from its seed."""
        check_is_fitted(self)
        n = self._n_samples
        if self._n_draws_fit is None:
            return [np.arange(n) for _ in self.estimators_]
        return [bootstrap_indices(seed, n, self._n_draws_fit, self._sample_weight)
                for seed in self._seeds]

    def _tree_outputs(self, tree, X):
        """One tree's prediction (class proportions or mean target), shape ``(n, n_values)``."""
        return np.take(tree.tree_.value[:, 0, :], tree.tree_.apply(X), axis=0)

    def _mean_output(self, X):
        """The forest's prediction {eq}`eq-rf-bagged-predictor`: the mean of the trees'."""
        total = np.zeros((X.shape[0], self.estimators_[0].tree_.value.shape[-1]))
        for tree in self.estimators_:
            total += self._tree_outputs(tree, X)
        return total / len(self.estimators_)

    def _oob_outputs(self, X):
        """Sum of the out-of-bag trees' outputs and their number, per sample.

        The numerator and denominator of {eq}`eq-rf-oob-predictor` (random forests chapter).
        """
        n = X.shape[0]
        total = np.zeros((n, self.estimators_[0].tree_.value.shape[-1]))
        count = np.zeros(n)
        for tree, seed in zip(self.estimators_, self._seeds):
            oob = bootstrap_counts(seed, n, self._n_draws_fit, self._sample_weight) == 0
            total[oob] += self._tree_outputs(tree, X[oob])
            count += oob
        if np.any(count == 0):
            warnings.warn("Some inputs do not have OOB scores. This probably means too few "
                          "trees were used to compute any reliable OOB estimates.",
                          UserWarning, stacklevel=4)
        return total, count

    @property
    def feature_importances_(self):
        """Mean over the trees of their normalised impurity importances, normalised again.

        Trees that are a single leaf are left out (as scikit-learn); all zeros if every tree is.
        Implements {eq}`eq-rf-mdi` of the random forests chapter.
        """
        check_is_fitted(self)
        imps = [t.feature_importances_ for t in self.estimators_ if t.tree_.node_count > 1]
        if not imps:
            return np.zeros(self.n_features_in_)
        mean = np.mean(imps, axis=0)
        return mean / mean.sum()

    def apply(self, X):
        """Leaf of every sample in every tree.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_estimators)
        """
        X = self._validate_X_predict(X)
        return np.column_stack([t.tree_.apply(X) for t in self.estimators_])

    def _validate_X_predict(self, X):
        check_is_fitted(self)
        return validate_data(self, X, dtype=np.float32, reset=False)


class RandomForestClassifier(ClassifierMixin, BaseForest):
    """A random forest of CART classification trees; class probabilities are averaged.

    Parameters
    ----------
    n_estimators : int, default=100
        Number of trees.
    criterion : {"gini", "entropy", "log_loss"}, default="gini"
    max_depth : int or None, default=None
    min_samples_split : int or float, default=2
    min_samples_leaf : int or float, default=1
    min_weight_fraction_leaf : float, default=0.0
    max_features : int, float, {"sqrt", "log2"} or None, default="sqrt"
        Number of features drawn at random in each node of each tree.
    min_impurity_decrease : float, default=0.0
    bootstrap : bool, default=True
        Fit each tree on a bootstrap sample (otherwise on the whole training set).
    oob_score : bool, default=False
        Compute the out-of-bag accuracy ``oob_score_``.
    n_jobs : int or None, default=None
        Number of processes growing the trees (``-1``: all cores).
    random_state : int, RandomState instance or None, default=None
        Seed of the trees' member seeds (each draws a bootstrap sample, and its child the
        tree's feature draws).
    ccp_alpha : float, default=0.0
        Cost-complexity pruning of each tree.
    max_samples : int, float or None, default=None
        Size of each bootstrap sample (``None``: ``n_samples``; a float ``a > 0`` is
        ``max(int(a * n_samples), 1)`` draws, more than ``n_samples`` when ``a > 1``).

    Attributes
    ----------
    estimators_ : list of DecisionTreeClassifier
    classes_ : ndarray of shape (n_classes,)
    n_classes_ : int
    n_features_in_ : int
    feature_importances_ : ndarray of shape (n_features,)
    oob_score_ : float
        Accuracy of the out-of-bag prediction (``oob_score=True``).
    oob_decision_function_ : ndarray of shape (n_samples, n_classes)
        Out-of-bag class probabilities (``nan`` for a sample in every resample).

    Notes
    -----
    Implements {prf:ref}`alg-rf-forest` of the random forests chapter: the average
    {eq}`eq-rf-bagged-predictor` of class proportions, the out-of-bag estimate
    {eq}`eq-rf-oob-predictor` and the importance {eq}`eq-rf-mdi`.
    """

    _parameter_constraints = {
        **BaseForest._parameter_constraints,
        "criterion": [Options(("gini", "entropy", "log_loss"))],
    }
    _tree_class = DecisionTreeClassifier

    def __init__(self, n_estimators=100, *, criterion="gini", max_depth=None,
                 min_samples_split=2, min_samples_leaf=1, min_weight_fraction_leaf=0.0,
                 max_features="sqrt", min_impurity_decrease=0.0, bootstrap=True,
                 oob_score=False, n_jobs=None, random_state=None, ccp_alpha=0.0,
                 max_samples=None):
        self.n_estimators = n_estimators
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.min_impurity_decrease = min_impurity_decrease
        self.bootstrap = bootstrap
        self.oob_score = oob_score
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.ccp_alpha = ccp_alpha
        self.max_samples = max_samples

    def fit(self, X, y, sample_weight=None):
        """Grow ``n_estimators`` trees, each on a bootstrap sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
            The bootstrap draws sample ``i`` with probability proportional to its weight
            (without bootstrap, the trees are fitted with these weights).

        Returns
        -------
        self : object
        """
        validate_parameters(self)
        X, y = validate_data(self, X, y, dtype=np.float32, order="F")
        self.classes_, y_enc = encode_class_labels(y)
        self.n_classes_ = len(self.classes_)
        self.n_outputs_ = 1
        return self._fit_forest(X, y_enc, sample_weight)

    def _set_oob(self, X, y):
        total, count = self._oob_outputs(np.ascontiguousarray(X))
        with np.errstate(invalid="ignore", divide="ignore"):
            self.oob_decision_function_ = total / count[:, None]
        # as scikit-learn: a sample no tree left out counts with all-zero probabilities
        self.oob_score_ = float(np.mean(np.argmax(total, axis=1) == y))

    def predict_proba(self, X):
        """Mean over the trees of the class proportions in each sample's leaf.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        return self._mean_output(self._validate_X_predict(X))

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

    def predict(self, X):
        """Class of largest mean probability.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        proba = self.predict_proba(X)  # first: NotFittedError before classes_ is read
        return self.classes_[np.argmax(proba, axis=1)]


class RandomForestRegressor(RegressorMixin, BaseForest):
    """A random forest of CART regression trees; their predictions are averaged.

    Parameters
    ----------
    n_estimators : int, default=100
    criterion : {"squared_error"}, default="squared_error"
    max_depth, min_samples_split, min_samples_leaf, min_weight_fraction_leaf,
    min_impurity_decrease, bootstrap, oob_score, n_jobs, random_state, ccp_alpha, max_samples
        As in :class:`RandomForestClassifier`.
    max_features : int, float, {"sqrt", "log2"} or None, default=1.0
        Number of features drawn at random in each node (1.0: all, bagged trees).

    Attributes
    ----------
    estimators_ : list of DecisionTreeRegressor
    n_features_in_ : int
    feature_importances_ : ndarray of shape (n_features,)
    oob_score_ : float
        :math:`R^2` of the out-of-bag prediction (``oob_score=True``).
    oob_prediction_ : ndarray of shape (n_samples,)
        Out-of-bag prediction (``nan`` for a sample in every resample).

    Notes
    -----
    Implements {prf:ref}`alg-rf-forest` of the random forests chapter: the average
    {eq}`eq-rf-bagged-predictor`, the out-of-bag estimate {eq}`eq-rf-oob-predictor` and the
    importance {eq}`eq-rf-mdi`.
    """

    _parameter_constraints = {
        **BaseForest._parameter_constraints,
        "criterion": [Options(("squared_error",))],
    }
    _tree_class = DecisionTreeRegressor

    def __init__(self, n_estimators=100, *, criterion="squared_error", max_depth=None,
                 min_samples_split=2, min_samples_leaf=1, min_weight_fraction_leaf=0.0,
                 max_features=1.0, min_impurity_decrease=0.0, bootstrap=True,
                 oob_score=False, n_jobs=None, random_state=None, ccp_alpha=0.0,
                 max_samples=None):
        self.n_estimators = n_estimators
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.min_impurity_decrease = min_impurity_decrease
        self.bootstrap = bootstrap
        self.oob_score = oob_score
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.ccp_alpha = ccp_alpha
        self.max_samples = max_samples

    def fit(self, X, y, sample_weight=None):
        """Grow ``n_estimators`` trees, each on a bootstrap sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
            The bootstrap draws sample ``i`` with probability proportional to its weight
            (without bootstrap, the trees are fitted with these weights).

        Returns
        -------
        self : object
        """
        validate_parameters(self)
        X, y = validate_data(self, X, y, dtype=np.float32, order="F", y_numeric=True)
        self.n_outputs_ = 1
        return self._fit_forest(X, np.asarray(y, dtype=np.float64), sample_weight)

    def _set_oob(self, X, y):
        total, count = self._oob_outputs(np.ascontiguousarray(X))
        with np.errstate(invalid="ignore", divide="ignore"):
            self.oob_prediction_ = total[:, 0] / count
        # as scikit-learn: a sample no tree left out is predicted 0
        pred = np.where(count > 0, self.oob_prediction_, 0.0)
        self.oob_score_ = float(1.0 - np.sum((y - pred) ** 2) / np.sum((y - y.mean()) ** 2))

    def predict(self, X):
        """Mean over the trees of each sample's leaf value.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        return self._mean_output(self._validate_X_predict(X))[:, 0]
