r"""AdaBoost for K classes (SAMME): ``AdaBoostClassifier`` and the one boosting step behind it.

Stage :math:`t` fits the base classifier :math:`h_t` to the current distribution
:math:`D_t` over the samples, measures its weighted error :math:`\varepsilon_t = \sum_i D_t(i)
[h_t(x_i) \ne y_i]`, gives it the weight

.. math:: \alpha_t = \eta\,\bigl(\log\tfrac{1 - \varepsilon_t}{\varepsilon_t} + \log(K - 1)\bigr)

(:math:`\eta` the learning rate) and multiplies the weight of every misclassified sample by
:math:`e^{\alpha_t}`. With :math:`\eta = 1`, :math:`\alpha_t` is :math:`K/(K-1)^2` times the
exact minimiser :math:`\tau`, along the class codes of :math:`h_t`, of the multi-class
exponential loss :math:`\sum_i \exp(-\tfrac1K c(y_i)^\top F(x_i))`, with the class codes
:math:`c_k(y) = 1` for the true class and :math:`-1/(K-1)` otherwise (Zhu, Zou, Rosset and
Hastie, *Multi-class AdaBoost*, 2009); for :math:`K = 2` and :math:`\eta = 1` it is
:math:`2a_t`, twice the weight :math:`a_t` of discrete AdaBoost, and gives the same
classifier. The fit follows scikit-learn 1.9.1's ``sklearn/ensemble/_weight_boosting.py``
step for step (stops, clipping of tiny weights, the arrays ``estimator_weights_`` and
``estimator_errors_`` of length ``n_estimators``), so that the same trees give the same
weights. The derivations are in the chapter AdaBoost
(``book/ensembles/adaboost.md``): {eq}`eq-ada-samme-weight` and {prf:ref}`alg-ada-samme`.
"""

from numbers import Integral, Real

import numpy as np
from scipy.special import softmax
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, has_fit_parameter, validate_data

from mlmath.ensembles.adaboost.samme import normalised_weights, samme_step
from mlmath.supervised.decision_trees.estimators import DecisionTreeClassifier
from mlmath.validation import (
    HasMethods,
    Interval,
    check_sample_weight,
    encode_class_labels,
    validate_parameters,
)

__all__ = ["AdaBoostClassifier"]


class AdaBoostClassifier(ClassifierMixin, BaseEstimator):
    r"""AdaBoost for K classes (SAMME), scikit-learn's ``AdaBoostClassifier``.

    Parameters
    ----------
    estimator : object, default=None
        The base classifier, cloned at each stage; it must accept ``sample_weight`` in ``fit``.
        ``None``: a stump, :class:`~mlmath.supervised.decision_trees.DecisionTreeClassifier`
        with ``max_depth=1``.
    n_estimators : int, default=50
        Largest number of stages (fewer when a stage classifies the training set perfectly or
        is no better than chance).
    learning_rate : float, default=1.0
        Shrinkage :math:`\eta > 0` multiplying every estimator weight.
    random_state : int, RandomState instance or None, default=None
        Seeds the ``random_state`` parameters of the base classifiers (one draw per stage, as
        scikit-learn does).

    Attributes
    ----------
    estimator_ : object
        The base classifier the stages are cloned from.
    estimators_ : list of classifiers
        The fitted stages.
    estimator_weights_ : ndarray of shape (n_estimators,)
        :math:`\alpha_t` of each stage (0 for stages not fitted).
    estimator_errors_ : ndarray of shape (n_estimators,)
        Weighted training error :math:`\varepsilon_t` of each stage (1 for stages not fitted).
    classes_ : ndarray of shape (n_classes,)
    n_classes_ : int
    n_features_in_ : int

    Notes
    -----
    Implements {prf:ref}`alg-ada-samme` of the AdaBoost chapter: the weight
    {eq}`eq-ada-samme-weight`, the reweighting {eq}`eq-ada-samme-reweight`, and the vote
    {eq}`eq-ada-samme-vote` in :meth:`decision_function`. :meth:`predict_proba` applies the link
    {eq}`eq-ada-samme-proba` to the decision function divided by the sum of the stage weights, as
    scikit-learn does (see the chapter's section on probabilities).
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0.0, None, closed="neither")],
        "random_state": ["random_state"],
    }

    def __init__(self, estimator=None, *, n_estimators=50, learning_rate=1.0, random_state=None):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.random_state = random_state

    def _expected_failed_checks(self):
        # scikit-learn excuses its own AdaBoostClassifier from the same check
        return {"check_sample_weight_equivalence_on_dense_data": (
            "15 samples in 30 features: from the second stage on, stumps on different features "
            "have the same weighted impurity (and error) up to rounding; the shuffled weighted "
            "rows and the repeated rows sum in different orders, so a different one of these "
            "equally good stumps is chosen, and the later stages and predictions differ")}

    def _uses_own_tree(self):
        return type(self.estimator_) is DecisionTreeClassifier

    def fit(self, X, y, sample_weight=None):
        """Boost the base classifier on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels (integers or strings).
        sample_weight : array-like of shape (n_samples,), default=None
            Initial sample weights (``None``: uniform); normalised to sum to one.

        Returns
        -------
        self : object
        """
        validate_parameters(self)
        self.estimator_ = (DecisionTreeClassifier(max_depth=1) if self.estimator is None
                           else clone(self.estimator))
        if not has_fit_parameter(self.estimator_, "sample_weight"):
            raise ValueError(f"{type(self.estimator_).__name__} doesn't support sample_weight.")
        own = self._uses_own_tree()
        # the package's trees read float32 in Fortran order: convert once, not at every stage
        X, y = validate_data(self, X, y, dtype=np.float32 if own else [np.float64, np.float32],
                             order="F" if own else None)
        self.classes_, y_enc = encode_class_labels(y)
        K = self.n_classes_ = len(self.classes_)
        sw = check_sample_weight(sample_weight, X.shape[0]).copy()
        sw /= sw.sum()

        self.estimators_ = []
        self.estimator_weights_ = np.zeros(self.n_estimators)
        self.estimator_errors_ = np.ones(self.n_estimators)
        rng = check_random_state(self.random_state)
        tiny = np.finfo(np.float64).eps
        zero = sw == 0.0
        X_pred = np.ascontiguousarray(X) if own else X  # the trees walk rows in C order
        seeded = sorted(k for k in self.estimator_.get_params(deep=True)
                        if k == "random_state" or k.endswith("__random_state"))
        for t in range(self.n_estimators):
            # as scikit-learn: weights kept above machine epsilon, exact zeros stay zero
            sw = np.maximum(sw, tiny)
            sw[zero] = 0.0
            est = clone(self.estimator_)
            if seeded:  # one seed per stage, drawn as scikit-learn's _set_random_states
                est.set_params(**{k: rng.randint(np.iinfo(np.int32).max) for k in seeded})
            est.fit(X, y, sample_weight=sw)
            self.estimators_.append(est)
            incorrect = self._predict_codes(est, X_pred) != y_enc
            error = float(np.average(incorrect, weights=sw))
            if error <= 0.0:  # a perfect stage: kept with weight 1, boosting stops
                self.estimator_weights_[t], self.estimator_errors_[t] = 1.0, 0.0
                break
            if error >= 1.0 - 1.0 / K:  # no better than chance: dropped, boosting stops
                self.estimators_.pop()
                if not self.estimators_:
                    raise ValueError("BaseClassifier in AdaBoostClassifier ensemble is worse "
                                     "than random, ensemble can not be fit.")
                break
            error, alpha, new_sw = samme_step(incorrect, sw, K, self.learning_rate)
            self.estimator_weights_[t], self.estimator_errors_[t] = alpha, error
            if t == self.n_estimators - 1:
                break
            sw = normalised_weights(new_sw, t)
            if sw is None:
                break
        return self

    def _predict_codes(self, est, X):
        """Index in ``classes_`` of each stage prediction (X validated)."""
        if self._uses_own_tree():
            tree = est.tree_
            leaf = tree.apply(X)
            # the trees saw every class of y: their class index is ours
            return np.argmax(tree.value[:, 0, :], axis=1)[leaf]
        return np.searchsorted(self.classes_, est.predict(X))

    def _validate_X_predict(self, X):
        check_is_fitted(self)
        own = self._uses_own_tree()
        return validate_data(self, X, dtype=np.float32 if own else [np.float64, np.float32],
                             order="C" if own else None, reset=False)

    def _scores(self, X):
        """Per-stage class codes, shape (n_stages, n_samples), of validated X."""
        return np.array([self._predict_codes(est, X) for est in self.estimators_],
                        dtype=np.intp).reshape(len(self.estimators_), X.shape[0])

    def _decision_from_sums(self, S, total):
        r"""Decision values from the per-class sums of weights ``S`` (n, K) and their total.

        Class :math:`k` gets :math:`\sum_t \alpha_t c_{tk} / \sum_t \alpha_t` with the codes
        :math:`c_{tk} = 1` if stage :math:`t` predicts :math:`k` and :math:`-1/(K-1)` otherwise,
        i.e. :math:`(K S_k - A)/((K-1)A)`; for two classes the difference of the two columns.
        """
        K = self.n_classes_
        dec = (K * S - total) / ((K - 1) * total)
        return dec[:, 1] - dec[:, 0] if K == 2 else dec

    def decision_function(self, X):
        """Weighted vote of the stages in the SAMME class codes.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes), or (n_samples,) for two classes
            For two classes, positive values favour ``classes_[1]``.
        """
        X = self._validate_X_predict(X)
        codes = self._scores(X)
        T, n = codes.shape
        K = self.n_classes_
        alpha = self.estimator_weights_[:T]
        # S[i, k] = sum of the weights of the stages voting k for sample i, one bincount
        flat = (np.arange(n) * K)[None, :] + codes
        S = np.bincount(flat.ravel(), weights=np.repeat(alpha, n), minlength=n * K)
        return self._decision_from_sums(S.reshape(n, K), alpha.sum())

    def staged_decision_function(self, X):
        """Decision function of the first ``t`` stages, for ``t = 1, 2, ...``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Yields
        ------
        ndarray of shape (n_samples, n_classes), or (n_samples,) for two classes
        """
        X = self._validate_X_predict(X)
        n, K = X.shape[0], self.n_classes_
        S = np.zeros((n, K))
        rows = np.arange(n)
        total = 0.0
        for est, alpha in zip(self.estimators_, self.estimator_weights_):
            S[rows, self._predict_codes(est, X)] += alpha
            total += alpha
            yield self._decision_from_sums(S, total)

    def _labels(self, decision):
        if self.n_classes_ == 2:
            return self.classes_.take((decision > 0).astype(np.intp))
        return self.classes_.take(np.argmax(decision, axis=1))

    def predict(self, X):
        """Class of the largest weighted vote.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        return self._labels(self.decision_function(X))

    def staged_predict(self, X):
        """Predictions of the first ``t`` stages, for ``t = 1, 2, ...``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Yields
        ------
        ndarray of shape (n_samples,)
        """
        for decision in self.staged_decision_function(X):
            yield self._labels(decision)

    def _proba(self, decision):
        # Zhu et al.'s eq. (15): softmax of f / (K - 1); two classes: the columns -f/2, f/2
        if self.n_classes_ == 2:
            return softmax(np.column_stack([-decision, decision]) / 2.0, axis=1)
        return softmax(decision / (self.n_classes_ - 1), axis=1)

    def predict_proba(self, X):
        """Class probabilities, the softmax of the decision function over ``K - 1``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        return self._proba(self.decision_function(X))

    def staged_predict_proba(self, X):
        """Class probabilities of the first ``t`` stages, for ``t = 1, 2, ...``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Yields
        ------
        ndarray of shape (n_samples, n_classes)
        """
        for decision in self.staged_decision_function(X):
            yield self._proba(decision)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        return np.log(self.predict_proba(X))

    def staged_score(self, X, y, sample_weight=None):
        """Accuracy of the first ``t`` stages, for ``t = 1, 2, ...``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Yields
        ------
        float
        """
        from sklearn.metrics import accuracy_score

        for pred in self.staged_predict(X):
            yield accuracy_score(y, pred, sample_weight=sample_weight)

    @property
    def feature_importances_(self):
        """Mean of the stages' impurity importances, weighted by ``estimator_weights_``."""
        check_is_fitted(self)
        alpha = self.estimator_weights_[:len(self.estimators_)]
        return sum(a * est.feature_importances_
                   for a, est in zip(alpha, self.estimators_)) / alpha.sum()
