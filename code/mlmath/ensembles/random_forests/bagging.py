r"""Bootstrap aggregation: the resamples, their out-of-bag samples, and ``BaggingClassifier``.

Every member of an ensemble gets its own integer seed, drawn from ``random_state`` as
scikit-learn draws it (``randint(2**31 - 1)`` per member); the member's bootstrap sample is drawn
from a fresh ``RandomState(seed)``, so it can be regenerated at any time from the seed alone
(:func:`bootstrap_indices`), nothing of size ``n`` is stored per member, and the out-of-bag
samples of a member are those its resample never drew (:func:`oob_mask`). A bootstrap sample is
passed to a member as integer weights (how many times each sample was drawn), which for a tree
is the same fit as on the repeated rows, without copying them.

The members are fitted in ``n_jobs`` worker processes (joblib's loky backend), each fitting an
equal share of them: the data go to each worker once, not once per member.
"""

from numbers import Integral

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils import check_random_state
from sklearn.utils.random import sample_without_replacement
from sklearn.utils.validation import check_is_fitted, has_fit_parameter, validate_data

from mlmath.supervised.decision_trees.estimators import DecisionTreeClassifier
from mlmath.validation import (
    HasMethods,
    Interval,
    RealNotInt,
    check_sample_weight,
    encode_class_labels,
    validate_parameters,
)

__all__ = ["MAX_SEED", "member_seeds", "bootstrap_indices", "bootstrap_counts", "oob_mask",
           "fit_in_parallel", "BaggingClassifier"]

MAX_SEED = np.iinfo(np.int32).max  # seeds are drawn in [0, MAX_SEED), as scikit-learn's

# n_jobs: None (one process), a positive count, or -1, -2, ... (all cores, all but one, ...)
N_JOBS = [Interval(Integral, 1, None), Interval(Integral, None, -1), None]


def member_seeds(random_state, n_members):
    """One integer seed per member of an ensemble, drawn from ``random_state``.

    Parameters
    ----------
    random_state : int, RandomState instance or None
        The ensemble's seed.
    n_members : int
        Number of members.

    Returns
    -------
    ndarray of shape (n_members,), int
        ``check_random_state(random_state).randint(MAX_SEED, size=n_members)``.
    """
    return check_random_state(random_state).randint(MAX_SEED, size=n_members)


def bootstrap_indices(seed, n_samples, n_draws=None):
    """The bootstrap sample of one member: ``n_draws`` indices drawn with replacement.

    Parameters
    ----------
    seed : int
        The member's seed (:func:`member_seeds`).
    n_samples : int
        Size of the training set.
    n_draws : int, default=None
        Size of the resample (``None``: ``n_samples``).

    Returns
    -------
    ndarray of shape (n_draws,), int
        ``RandomState(seed).randint(0, n_samples, n_draws)``, scikit-learn's forests' draw.
    """
    n_draws = n_samples if n_draws is None else n_draws
    return np.random.RandomState(seed).randint(0, n_samples, n_draws)


def bootstrap_counts(seed, n_samples, n_draws=None):
    """How many times each sample was drawn into a member's bootstrap sample.

    Parameters
    ----------
    seed : int
        The member's seed.
    n_samples : int
        Size of the training set.
    n_draws : int, default=None
        Size of the resample (``None``: ``n_samples``).

    Returns
    -------
    ndarray of shape (n_samples,), float
        Counts summing to ``n_draws``; used as sample weights.
    """
    return np.bincount(bootstrap_indices(seed, n_samples, n_draws),
                       minlength=n_samples).astype(np.float64)


def oob_mask(seed, n_samples, n_draws=None):
    """The out-of-bag samples of a member: those its bootstrap sample never drew.

    Parameters
    ----------
    seed : int
        The member's seed.
    n_samples : int
        Size of the training set.
    n_draws : int, default=None
        Size of the resample (``None``: ``n_samples``).

    Returns
    -------
    ndarray of shape (n_samples,), bool
        True for an out-of-bag sample; a fraction near :math:`(1 - 1/n)^n \approx e^{-1}` of
        them when ``n_draws = n``.
    """
    return bootstrap_counts(seed, n_samples, n_draws) == 0


def _fit_share(fit_one, members, args):
    """Fit a worker's share of the members (runs in the worker)."""
    return [fit_one(member, *args) for member in members]


def fit_in_parallel(fit_one, members, args, n_jobs):
    """Fit every member with ``fit_one(member, *args)``, in ``n_jobs`` processes.

    Parameters
    ----------
    fit_one : callable
        A module-level function (it is pickled to the workers) returning the fitted member.
    members : list
        The unfitted members, each carrying what it needs (its seed).
    args : tuple
        The data, shared by every member, sent once to each worker.
    n_jobs : int or None
        Number of processes (joblib's convention: ``None`` is one, ``-1`` all cores).

    Returns
    -------
    list
        The fitted members, in the order of ``members``.
    """
    n_jobs = min(effective_n_jobs(n_jobs), len(members))
    if n_jobs <= 1:
        return _fit_share(fit_one, members, args)
    shares = [list(s) for s in np.array_split(np.arange(len(members)), n_jobs)]
    done = Parallel(n_jobs=n_jobs, backend="loky")(
        delayed(_fit_share)(fit_one, [members[i] for i in share], args) for share in shares)
    return [m for part in done for m in part]


def _bagging_indices(seed, n_samples, n_features, n_draws, n_feat, bootstrap,
                     bootstrap_features):
    """Features then samples of one bagging member, drawn from ``RandomState(seed)``."""
    rs = np.random.RandomState(seed)

    def draw(population, k, replace):
        if replace:
            return rs.randint(0, population, k)
        return sample_without_replacement(population, k, random_state=rs)

    features = draw(n_features, n_feat, bootstrap_features)
    samples = draw(n_samples, n_draws, bootstrap)
    return features, samples


def _fit_bagging_member(member, X, y, sample_weight, spec):
    """Fit one bagging member on its resample (runs in a worker)."""
    est, seed = member
    n, d = X.shape
    features, samples = _bagging_indices(seed, n, d, *spec)
    if has_fit_parameter(est, "sample_weight"):
        counts = np.bincount(samples, minlength=n).astype(np.float64)
        w = counts if sample_weight is None else counts * sample_weight
        est.fit(X[:, features], y, sample_weight=w)
    else:
        est.fit(X[samples][:, features], y[samples])
    return est, features


class BaggingClassifier(ClassifierMixin, BaseEstimator):
    """Bootstrap aggregation of a classifier: members fitted on resamples, probabilities averaged.

    Parameters
    ----------
    estimator : estimator object, default=None
        The classifier to bag; ``None`` is :class:`DecisionTreeClassifier` (grown fully).
    n_estimators : int, default=10
        Number of members.
    max_samples : int or float, default=1.0
        Size of each resample (a float is a fraction of ``n_samples``).
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
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "n_estimators": [Interval(Integral, 1, None)],
        "max_samples": [Interval(Integral, 1, None),
                        Interval(RealNotInt, 0.0, 1.0, closed="right")],
        "max_features": [Interval(Integral, 1, None),
                         Interval(RealNotInt, 0.0, 1.0, closed="right")],
        "bootstrap": ["boolean"],
        "bootstrap_features": ["boolean"],
        "oob_score": ["boolean"],
        "n_jobs": N_JOBS,
        "random_state": ["random_state"],
    }

    def __init__(self, estimator=None, n_estimators=10, *, max_samples=1.0, max_features=1.0,
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

    def _counts(self, n, d):
        def resolve(v, total, name):
            k = v if isinstance(v, Integral) else max(1, int(v * total))
            if k > total:
                raise ValueError(f"{name}={v} must be at most {total} here.")
            return int(k)

        return (resolve(self.max_samples, n, "max_samples"),
                resolve(self.max_features, d, "max_features"))

    def fit(self, X, y, sample_weight=None):
        """Fit ``n_estimators`` members, each on its own resample of samples and features.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
            Multiplies the bootstrap counts (members must accept ``sample_weight``).

        Returns
        -------
        self : object
        """
        validate_parameters(self)
        X, y = validate_data(self, X, y)
        if self.oob_score and not self.bootstrap:
            raise ValueError("Out of bag estimation only available if bootstrap=True")
        self.classes_, y_enc = encode_class_labels(y)
        self.n_classes_ = len(self.classes_)
        n, d = X.shape
        sw = None if sample_weight is None else check_sample_weight(sample_weight, n)
        base = DecisionTreeClassifier() if self.estimator is None else self.estimator
        if sw is not None and not has_fit_parameter(base, "sample_weight"):
            raise ValueError(f"The estimator {type(base).__name__} does not support "
                             "sample weights.")
        self._n_draws, n_feat = self._counts(n, d)
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
        self._n_samples = n
        if self.oob_score:
            self._set_oob_score(X, y_enc)
        return self

    @property
    def estimators_samples_(self):
        """The sample indices drawn by each member, regenerated from its seed."""
        check_is_fitted(self)
        n, d = self._n_samples, self.n_features_in_
        return [_bagging_indices(seed, n, d, *self._spec)[1] for seed in self._seeds]

    def _set_oob_score(self, X, y):
        n = X.shape[0]
        votes = np.zeros((n, self.n_classes_))
        for seed, est, feats in zip(self._seeds, self.estimators_, self.estimators_features_):
            _, samples = _bagging_indices(seed, n, X.shape[1], *self._spec)
            oob = np.ones(n, dtype=bool)
            oob[samples] = False
            votes[oob] += self._member_proba(est, X[oob][:, feats])
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
            proba += self._member_proba(est, X[:, feats])
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
