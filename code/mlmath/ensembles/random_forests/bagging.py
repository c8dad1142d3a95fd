r"""``BaggingClassifier``: any classifier fitted on resamples of the samples and features.

The resamples and the parallel fit are those of
:mod:`mlmath.ensembles.random_forests.resampling`; each member draws its features, then its
samples, from its own seed, in scikit-learn's order, so that both libraries draw the same ones.
"""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.random import sample_without_replacement
from sklearn.utils.validation import check_is_fitted, has_fit_parameter, validate_data

from mlmath.ensembles.random_forests.resampling import (
    MAX_SEED,
    N_JOBS,
    fit_in_parallel,
    member_seeds,
    resample_size,
)
from mlmath.supervised.decision_trees import DecisionTreeClassifier
from mlmath.validation import (
    HasMethods,
    Interval,
    RealNotInt,
    check_sample_weight,
    encode_class_labels,
    validate_parameters,
)

__all__ = ["BaggingClassifier"]


def _bagging_indices(seed, n_samples, n_features, n_draws, n_feat, bootstrap,
                     bootstrap_features, sample_weight=None):
    """Features then samples of one bagging member, drawn from ``RandomState(seed)``.

    scikit-learn's order and calls: the features first, then the samples, uniformly or, with
    sample weights, with probabilities proportional to them.
    """
    rs = np.random.RandomState(seed)

    def draw(population, k, replace):
        if replace:
            return rs.randint(0, population, k)
        return sample_without_replacement(population, k, random_state=rs)

    features = draw(n_features, n_feat, bootstrap_features)
    if sample_weight is None:
        samples = draw(n_samples, n_draws, bootstrap)
    else:
        samples = rs.choice(n_samples, n_draws, replace=bootstrap,
                            p=sample_weight / np.sum(sample_weight))
    return features, samples


def _fit_bagging_member(member, X, y, sample_weight, spec):
    """Fit one bagging member on its resample (runs in a worker)."""
    est, seed = member
    n, d = X.shape
    features, samples = _bagging_indices(seed, n, d, *spec, sample_weight)
    cols = _member_columns(features, d, spec[3])
    if has_fit_parameter(est, "sample_weight"):  # the resample as counts: no copy of rows
        est.fit(X[:, cols], y, sample_weight=np.bincount(samples, minlength=n))
    else:
        est.fit(X[samples][:, cols], y[samples])
    return est, features


def _member_columns(features, n_features, bootstrap_features):
    """The columns a member sees: all of them, in order, when it drew every feature once.

    As scikit-learn, a member that drew all ``n_features`` features without replacement is fitted
    on ``X`` itself rather than on a column permutation of it (no copy of ``X``).
    """
    if not bootstrap_features and len(features) == n_features:
        return slice(None)
    return features


class BaggingClassifier(ClassifierMixin, BaseEstimator):
    """Bootstrap aggregation of a classifier: members fitted on resamples, probabilities averaged.

    Parameters
    ----------
    estimator : estimator object, default=None
        The classifier to bag; ``None`` is :class:`DecisionTreeClassifier` (grown fully).
    n_estimators : int, default=10
        Number of members.
    max_samples : int, float or None, default=None
        Size of each resample: ``None`` is ``n_samples``, a float a fraction of ``n_samples``
        (of the total sample weight, with weights).
    max_features : int or float, default=1.0
        Number of features each member sees (a float is a fraction of ``n_features``).
    bootstrap : bool, default=True
        Draw the samples with replacement (otherwise without).
    bootstrap_features : bool, default=False
        Draw the features with replacement.
    oob_score : bool, default=False
        Score each sample with the members that did not draw it (``oob_score_``).
    n_jobs : int or None, default=None
        Number of processes fitting the members (``-1``: all cores).
    random_state : int, RandomState instance or None, default=None
        Seed of the resamples (and of the members' own seeds).

    Attributes
    ----------
    estimators_ : list of estimators
    estimators_features_ : list of ndarray
        The features of each member.
    estimators_samples_ : list of ndarray
        The samples (indices) drawn by each member, regenerated from its seed.
    classes_ : ndarray of shape (n_classes,)
    n_classes_ : int
    n_features_in_ : int
    oob_score_ : float
        Accuracy of the out-of-bag prediction (only when ``oob_score=True``).
    oob_decision_function_ : ndarray of shape (n_samples, n_classes)
        Out-of-bag class probabilities.

    Notes
    -----
    Implements bagging, {eq}`eq-rf-bagged-predictor` of the random forests chapter, with the
    out-of-bag estimate {eq}`eq-rf-oob-predictor`.
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "n_estimators": [Interval(Integral, 1, None)],
        "max_samples": [None, Interval(Integral, 1, None),
                        Interval(RealNotInt, 0.0, 1.0, closed="right")],
        "max_features": [Interval(Integral, 1, None),
                         Interval(RealNotInt, 0.0, 1.0, closed="right")],
        "bootstrap": ["boolean"],
        "bootstrap_features": ["boolean"],
        "oob_score": ["boolean"],
        "n_jobs": N_JOBS,
        "random_state": ["random_state"],
    }

    def __init__(self, estimator=None, n_estimators=10, *, max_samples=None, max_features=1.0,
                 bootstrap=True, bootstrap_features=False, oob_score=False, n_jobs=None,
                 random_state=None):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.max_features = max_features
        self.bootstrap = bootstrap
        self.bootstrap_features = bootstrap_features
        self.oob_score = oob_score
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _expected_failed_checks(self):
        # the twin excuses the same check for the same reason: a weight of 2 doubles a sample
        # in each resample it is drawn into, while a repeated row is drawn into resamples of
        # its own, so the members (random by design) differ
        return {"check_sample_weight_equivalence_on_dense_data": (
            "sample_weight is not equivalent to removing/repeating samples: the bootstrap "
            "draws rows, not weights")}

    def _counts(self, n, d, sample_weight):
        """Resample size and number of features per member, scikit-learn's rules."""
        n_draws = resample_size(self.max_samples, n, sample_weight)
        if not self.bootstrap and n_draws > n:
            raise ValueError(f"max_samples={self.max_samples} draws {n_draws} samples without "
                             f"replacement, more than the n_samples={n} there are: lower "
                             "max_samples or set bootstrap=True.")
        mf = self.max_features
        n_feat = mf if isinstance(mf, Integral) else int(mf * d)
        if n_feat > d:
            raise ValueError(f"max_features={mf} must be at most n_features={d}.")
        return n_draws, max(1, int(n_feat))

    def fit(self, X, y, sample_weight=None):
        """Fit ``n_estimators`` members, each on its own resample of samples and features.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
            Each resample draws sample ``i`` with probability proportional to its weight.

        Returns
        -------
        self : object

        Notes
        -----
        Implements {prf:ref}`alg-rf-forest` of the random forests chapter with all features
        searched in every node (the members' own rule), and the average
        {eq}`eq-rf-bagged-predictor`.
        """
        validate_parameters(self)
        X, y = validate_data(self, X, y)
        if self.oob_score and not self.bootstrap:
            raise ValueError("Out of bag estimation only available if bootstrap=True")
        self.classes_, y_enc = encode_class_labels(y)
        self.n_classes_ = len(self.classes_)
        n, d = X.shape
        sw = None
        if sample_weight is not None:
            sw = check_sample_weight(sample_weight, n)
            if not np.sum(sw) > 0:
                raise ValueError("sample_weight must have a positive sum: the resamples draw "
                                 "each sample with probability proportional to its weight.")
        base = DecisionTreeClassifier() if self.estimator is None else self.estimator
        self._n_draws, n_feat = self._counts(n, d, sw)
        if sw is not None and not self.bootstrap and self._n_draws > np.count_nonzero(sw):
            positive = sw > 0
            raise ValueError(
                f"Only {np.count_nonzero(positive)} samples (of "
                f"{np.unique(y_enc[positive]).size} class(es)) have a positive sample_weight, "
                f"fewer than the {self._n_draws} that each member draws without replacement: "
                "lower max_samples or set bootstrap=True.")
        self._seeds = member_seeds(self.random_state, self.n_estimators)
        members = []
        for seed in self._seeds:
            est = clone(base)
            if "random_state" in est.get_params():
                est.set_params(random_state=int(
                    np.random.RandomState(seed).randint(MAX_SEED)))
            members.append((est, int(seed)))
        spec = (self._n_draws, n_feat, self.bootstrap, self.bootstrap_features)
        fitted = fit_in_parallel(_fit_bagging_member, members, (X, y_enc, sw, spec),
                                 self.n_jobs)
        self.estimators_ = [est for est, _ in fitted]
        self.estimators_features_ = [f for _, f in fitted]
        self._spec = spec
        self._sample_weight = sw
        self._n_samples = n
        if self.oob_score:
            self._set_oob_score(X, y_enc)
        return self

    @property
    def estimators_samples_(self):
        """The sample indices drawn by each member, regenerated from its seed."""
        check_is_fitted(self)
        n, d = self._n_samples, self.n_features_in_
        return [_bagging_indices(seed, n, d, *self._spec, self._sample_weight)[1]
                for seed in self._seeds]

    def _set_oob_score(self, X, y):
        n = X.shape[0]
        votes = np.zeros((n, self.n_classes_))
        for seed, est, feats in zip(self._seeds, self.estimators_, self.estimators_features_):
            _, samples = _bagging_indices(seed, n, X.shape[1], *self._spec,
                                          self._sample_weight)
            oob = np.ones(n, dtype=bool)
            oob[samples] = False
            cols = _member_columns(feats, X.shape[1], self.bootstrap_features)
            votes[oob] += self._member_proba(est, X[oob][:, cols])
        total = votes.sum(axis=1, keepdims=True)
        if np.any(total == 0):
            import warnings

            warnings.warn("Some inputs do not have OOB scores. This probably means too few "
                          "estimators were used to compute any reliable oob estimates.",
                          UserWarning, stacklevel=3)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.oob_decision_function_ = votes / total
        self.oob_score_ = float(np.mean(np.argmax(votes, axis=1) == y))

    def _member_proba(self, est, X):
        """A member's class probabilities over all ``n_classes_`` columns (or its votes)."""
        out = np.zeros((X.shape[0], self.n_classes_))
        if X.shape[0] == 0:
            return out
        cls = np.asarray(est.classes_, dtype=np.intp)
        if hasattr(est, "predict_proba"):
            out[:, cls] = est.predict_proba(X)
        else:
            out[np.arange(X.shape[0]), np.asarray(est.predict(X), dtype=np.intp)] = 1.0
        return out

    def predict_proba(self, X):
        """Mean of the members' class probabilities (their vote shares if they have none).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        proba = np.zeros((X.shape[0], self.n_classes_))
        for est, feats in zip(self.estimators_, self.estimators_features_):
            cols = _member_columns(feats, X.shape[1], self.bootstrap_features)
            proba += self._member_proba(est, X if isinstance(cols, slice) else X[:, cols])
        return proba / len(self.estimators_)

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
