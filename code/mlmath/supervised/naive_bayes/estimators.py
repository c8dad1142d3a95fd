r"""Naive Bayes classifiers: Gaussian, multinomial and Bernoulli class-conditional models.

Each classifier estimates class priors :math:`\pi_k` and per-feature class-conditional
distributions by (smoothed) maximum likelihood in one pass over the data, and predicts with the
Bayes rule in log space. The three twins of scikit-learn's ``sklearn.naive_bayes``, with the
same parameters and learned attributes.
"""

import warnings
from numbers import Real

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import validate_data

from mlmath.supervised.naive_bayes.base import (
    BaseNB,
    check_class_prior,
    combine_mean_variance,
    weighted_class_moments,
)
from mlmath.validation import (
    Interval,
    check_sample_weight,
    encode_class_labels,
    validate_parameters,
)

__all__ = ["GaussianNB", "MultinomialNB", "BernoulliNB"]


class GaussianNB(BaseNB):
    r"""Gaussian naive Bayes: each feature is normal within each class.

    Parameters
    ----------
    priors : array-like of shape (n_classes,), default=None
        Prior probabilities of the classes; ``None`` estimates them from the class frequencies.
    var_smoothing : float, default=1e-9
        Fraction of the largest feature variance (over all the data seen) added to every
        variance, for numerical stability.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    class_count_ : ndarray of shape (n_classes,)
        (Weighted) number of training samples of each class.
    class_prior_ : ndarray of shape (n_classes,)
        The prior probability of each class.
    theta_ : ndarray of shape (n_classes, n_features)
        Mean of each feature within each class.
    var_ : ndarray of shape (n_classes, n_features)
        Variance of each feature within each class, plus ``epsilon_``.
    epsilon_ : float
        The variance floor :math:`v_{\mathrm{floor}}`: ``var_smoothing`` times the largest
        (unweighted) feature variance of all the data seen ({eq}`eq-nb-variance-floor`).
    n_features_in_ : int

    Notes
    -----
    Implements the maximum likelihood estimates {eq}`eq-nb-gaussian-mle`, the variance floor
    {eq}`eq-nb-variance-floor`, the Gaussian scores {eq}`eq-nb-gaussian-jll` and, in
    ``partial_fit``, the streaming update {eq}`eq-nb-chan-update` of the naive Bayes chapter
    ({prf:ref}`alg-nb-fit`). Unlike scikit-learn, whose ``partial_fit`` takes ``epsilon_`` from
    the latest batch alone, ``epsilon_`` here comes from running statistics of all the data seen
    (count, mean and variance of every feature, unweighted), so ``partial_fit`` over chunks gives
    exactly the parameters of ``fit``.
    """

    _parameter_constraints = {
        "priors": ["array-like", None],
        "var_smoothing": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, *, priors=None, var_smoothing=1e-9):
        self.priors = priors
        self.var_smoothing = var_smoothing

    def fit(self, X, y, sample_weight=None):
        """Fit the class priors, means and variances.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample; ``None`` gives every sample weight one.

        Returns
        -------
        self : object
        """
        validate_parameters(self)
        X, y = validate_data(self, X, y, dtype=np.float64)
        self.classes_, y_enc = encode_class_labels(y)
        self._reset(X.shape[1])
        self._accumulate(X, y_enc, check_sample_weight(sample_weight, X.shape[0]))
        self._finalize()
        self._check_usable()
        return self

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Update the model with one batch of samples.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        classes : array-like of shape (n_classes,), default=None
            Every class that can appear; required on the first call, optional afterwards.
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : object
        """
        validate_parameters(self)
        first_call = not hasattr(self, "classes_")
        X, y = validate_data(self, X, y, dtype=np.float64, reset=first_call)
        y_enc = self._labels_for_partial_fit(y, classes)
        if first_call:
            self._reset(X.shape[1])
        self._accumulate(X, y_enc, check_sample_weight(sample_weight, X.shape[0]))
        return self._finalize()

    def _reset(self, n_features):
        n_classes = len(self.classes_)
        self.class_count_ = np.zeros(n_classes)
        self.theta_ = np.zeros((n_classes, n_features))
        self._var_raw = np.zeros((n_classes, n_features))  # without the floor epsilon_
        # all-data statistics (n_all, mean, variance per feature) for the floor epsilon_
        self._all = (np.zeros(1), np.zeros((1, n_features)), np.zeros((1, n_features)))

    def _accumulate(self, X, y_enc, sw):
        counts, means, variances = weighted_class_moments(X, y_enc, sw, len(self.classes_))
        self.class_count_, self.theta_, self._var_raw = combine_mean_variance(
            self.class_count_, self.theta_, self._var_raw, counts, means, variances
        )
        # unweighted statistics of all the data seen, merged by the same update: the floor
        # epsilon_ (v_floor of eq-nb-variance-floor) uses them, as scikit-learn's fit does
        n_all, mean_all, var_all = self._all
        self._all = combine_mean_variance(
            n_all, mean_all, var_all, np.array([X.shape[0]]),
            X.mean(axis=0)[None, :], X.var(axis=0)[None, :],
        )

    def _finalize(self):
        self.epsilon_ = float(self.var_smoothing * np.max(self._all[2]))
        self.var_ = self._var_raw + self.epsilon_
        if self.priors is None:
            self.class_prior_ = self.class_count_ / self.class_count_.sum()
        else:
            self.class_prior_ = check_class_prior(self.priors, len(self.classes_), "priors")
        return self

    def _degenerate_reason(self):
        zero = self.var_ <= 0.0  # (K, d): a zero variance makes the Gaussian density undefined
        if not np.any(zero):
            return None
        n_all = int(self._all[0][0])
        if np.max(self._all[2]) == 0.0:
            return (
                f"GaussianNB: every feature is constant over the n_samples={n_all} training "
                f"samples (the largest feature variance is 0), so the variance floor "
                f"var_smoothing * max variance is 0 and the Gaussian densities are undefined "
                f"(the probabilities would be NaN). Fit on data in which some feature varies."
            )
        k, label, j = self._first_bad_pair(zero)
        return (
            f"GaussianNB: feature {j} has zero variance in class {label!r} and the "
            f"variance floor epsilon_ = var_smoothing * max variance is 0 "
            f"(var_smoothing={self.var_smoothing!r}), so the Gaussian densities are undefined "
            f"(the probabilities would be NaN). Set var_smoothing > 0."
        )

    def _check_X(self, X):
        return validate_data(self, X, dtype=np.float64, reset=False)

    def _joint_log_likelihood(self, X):
        jll = np.empty((X.shape[0], len(self.classes_)))
        with np.errstate(divide="ignore"):
            log_prior = np.log(self.class_prior_)
        for k in range(len(self.classes_)):  # loop over classes; each step is O(nd)
            norm = -0.5 * np.sum(np.log(2.0 * np.pi * self.var_[k]))
            jll[:, k] = log_prior[k] + norm - 0.5 * np.sum(
                (X - self.theta_[k]) ** 2 / self.var_[k], axis=1
            )
        return jll


class _BaseDiscreteNB(BaseNB):
    """Shared code of the count-based models: smoothing, counting, priors."""

    _parameter_constraints = {
        "alpha": [Interval(Real, 0, None, closed="left"), "array-like"],
        "force_alpha": ["boolean"],
        "fit_prior": ["boolean"],
        "class_prior": ["array-like", None],
    }

    def _check_X(self, X):
        X = validate_data(self, X, accept_sparse="csr", reset=False)
        return self._transform_X(X)

    def _transform_X(self, X):
        return X

    def fit(self, X, y, sample_weight=None):
        """Fit the class priors and the smoothed feature probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample; ``None`` gives every sample weight one.

        Returns
        -------
        self : object
        """
        validate_parameters(self)
        X, y = validate_data(self, X, y, accept_sparse="csr")
        self.classes_, y_enc = encode_class_labels(y)
        self._init_counters(X.shape[1])
        self._count(self._transform_X(X), y_enc, check_sample_weight(sample_weight, X.shape[0]))
        self._finalize()
        self._check_usable()
        return self

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Update the counts with one batch of samples.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        classes : array-like of shape (n_classes,), default=None
            Every class that can appear; required on the first call, optional afterwards.
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : object
        """
        validate_parameters(self)
        first_call = not hasattr(self, "classes_")
        X, y = validate_data(self, X, y, accept_sparse="csr", reset=first_call)
        y_enc = self._labels_for_partial_fit(y, classes)
        if first_call:
            self._init_counters(X.shape[1])
        self._count(self._transform_X(X), y_enc, check_sample_weight(sample_weight, X.shape[0]))
        return self._finalize()

    def _init_counters(self, n_features):
        self.class_count_ = np.zeros(len(self.classes_))
        self.feature_count_ = np.zeros((len(self.classes_), n_features))

    def _count(self, X, y_enc, sw):
        r"""Add the batch's weighted counts :math:`N_k` and :math:`N_{kj}` to the totals."""
        for k in range(len(self.classes_)):  # a loop over classes, vectorised over samples
            in_k = y_enc == k
            w = sw[in_k]  # (n_k,)
            self.class_count_[k] += w.sum()
            if sp.issparse(X):
                self.feature_count_[k] += np.asarray(X[in_k].T @ w).ravel()  # sparse, O(nnz)
            else:
                self.feature_count_[k] += np.einsum("i,ij->j", w, X[in_k])  # (d,)

    def _check_alpha(self):
        """The smoothing strength: a float >= 0 or one value >= 0 per feature."""
        if isinstance(self.alpha, Real):  # checked by _parameter_constraints
            alpha = float(self.alpha)
        else:
            alpha = np.asarray(self.alpha, dtype=float)
            if alpha.shape != (self.n_features_in_,):
                raise ValueError(
                    f"When alpha is an array it must have one value per feature, shape "
                    f"({self.n_features_in_},); got shape {alpha.shape}."
                )
            if not np.all(np.isfinite(alpha)) or np.any(alpha < 0):
                raise ValueError("All values in alpha must be finite and >= 0.")
        if np.min(alpha) < 1e-10 and not self.force_alpha:
            warnings.warn(
                "alpha too small will result in numeric errors, setting alpha = 1.0e-10. "
                "Use `force_alpha=True` to keep alpha unchanged.",
                UserWarning,
                stacklevel=4,  # the caller of fit or partial_fit
            )
            alpha = np.maximum(alpha, 1e-10)
        return alpha

    def _finalize(self):
        self._update_feature_log_prob(self._check_alpha())
        n_classes = len(self.classes_)
        if self.class_prior is not None:
            prior = check_class_prior(self.class_prior, n_classes, "class_prior")
            with np.errstate(divide="ignore"):
                self.class_log_prior_ = np.log(prior)
        elif self.fit_prior:
            with np.errstate(divide="ignore"):  # a class not seen yet has log prior -inf
                self.class_log_prior_ = np.log(self.class_count_) - np.log(
                    self.class_count_.sum()
                )
        else:
            self.class_log_prior_ = np.full(n_classes, -np.log(n_classes))
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.poor_score = True
        return tags


class MultinomialNB(_BaseDiscreteNB):
    r"""Multinomial naive Bayes for counts (words in documents, events per sample).

    Parameters
    ----------
    alpha : float or array-like of shape (n_features,), default=1.0
        Additive (Laplace for 1, Lidstone otherwise) smoothing; 0 is the unsmoothed maximum
        likelihood estimate.
    force_alpha : bool, default=True
        If False, an ``alpha`` below ``1e-10`` is raised to ``1e-10`` with a warning.
    fit_prior : bool, default=True
        Estimate the class priors from the data; if False, use uniform priors.
    class_prior : array-like of shape (n_classes,), default=None
        Fixed prior probabilities of the classes (overrides ``fit_prior``).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    class_count_ : ndarray of shape (n_classes,)
        (Weighted) number of samples of each class.
    class_log_prior_ : ndarray of shape (n_classes,)
    feature_count_ : ndarray of shape (n_classes, n_features)
        (Weighted) total count :math:`N_{kj}` of feature :math:`j` in class :math:`k`.
    feature_log_prob_ : ndarray of shape (n_classes, n_features)
        :math:`\log\hat\theta_{kj}`, the smoothed log probability of feature :math:`j` in class
        :math:`k`.
    n_features_in_ : int

    Notes
    -----
    Implements the smoothed estimate {eq}`eq-nb-multinomial-smoothed` (the maximum likelihood
    estimate {eq}`eq-nb-multinomial-mle` at ``alpha=0``) and the linear scores
    {eq}`eq-nb-multinomial-jll` of the naive Bayes chapter.
    """

    def __init__(self, *, alpha=1.0, force_alpha=True, fit_prior=True, class_prior=None):
        self.alpha = alpha
        self.force_alpha = force_alpha
        self.fit_prior = fit_prior
        self.class_prior = class_prior

    def _count(self, X, y_enc, sw):
        data = X.data if sp.issparse(X) else X
        if data.size and np.min(data) < 0:
            raise ValueError(
                "Negative values in data passed to MultinomialNB (input X): the multinomial "
                "model needs non-negative counts or frequencies."
            )
        super()._count(X, y_enc, sw)

    def _update_feature_log_prob(self, alpha):
        smoothed = self.feature_count_ + alpha  # (K, d)
        # alpha = 0: a zero count gives log 0 = -inf, and a class not seen yet (partial_fit)
        # 0/0 = NaN; _degenerate_reason reports both at fit, or at predict after partial_fit
        with np.errstate(divide="ignore", invalid="ignore"):
            self.feature_log_prob_ = np.log(smoothed) - np.log(smoothed.sum(axis=1))[:, None]

    def _degenerate_reason(self):
        # theta_kj = 0 (alpha = 0 and a zero count) has log -inf, and 0 * log(theta) is NaN for
        # every sample without feature j
        zero = np.isneginf(self.feature_log_prob_) | np.isnan(self.feature_log_prob_)
        if not np.any(zero):
            return None
        k, label, j = self._first_bad_pair(zero)
        if self.class_count_[k] == 0:
            return (
                f"MultinomialNB with no smoothing (alpha=0): class {label!r} has no training "
                f"samples yet, so its feature probabilities are 0/0, undefined, and the "
                f"predicted probabilities would be NaN. Fit samples of every class, or set "
                f"alpha > 0 (e.g. alpha=1, Laplace smoothing)."
            )
        return (
            f"MultinomialNB with no smoothing (alpha=0 for feature {j}): feature {j} has zero "
            f"count in class {label!r} "
            f"({int(np.count_nonzero(zero))} such class-feature pairs), so "
            f"its estimated probability is 0 and the predicted probabilities would be NaN. Set "
            f"alpha > 0 (e.g. alpha=1, Laplace smoothing)."
        )

    def _joint_log_likelihood(self, X):
        return np.asarray(X @ self.feature_log_prob_.T) + self.class_log_prior_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True
        return tags


class BernoulliNB(_BaseDiscreteNB):
    r"""Bernoulli naive Bayes for binary features (word present or absent).

    Parameters
    ----------
    alpha : float or array-like of shape (n_features,), default=1.0
        Additive smoothing; 0 is the unsmoothed maximum likelihood estimate.
    force_alpha : bool, default=True
        If False, an ``alpha`` below ``1e-10`` is raised to ``1e-10`` with a warning.
    binarize : float or None, default=0.0
        Threshold: a feature counts as present when it exceeds it. ``None`` takes the input as
        already binary.
    fit_prior : bool, default=True
        Estimate the class priors from the data; if False, use uniform priors.
    class_prior : array-like of shape (n_classes,), default=None
        Fixed prior probabilities of the classes (overrides ``fit_prior``).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    class_count_ : ndarray of shape (n_classes,)
    class_log_prior_ : ndarray of shape (n_classes,)
    feature_count_ : ndarray of shape (n_classes, n_features)
        (Weighted) number of samples of class :math:`k` in which feature :math:`j` is present.
    feature_log_prob_ : ndarray of shape (n_classes, n_features)
        :math:`\log\hat p_{kj}`, the smoothed log probability that feature :math:`j` is present
        in class :math:`k`.
    n_features_in_ : int

    Notes
    -----
    Implements the smoothed estimate {eq}`eq-nb-bernoulli-smoothed` and the scores
    {eq}`eq-nb-bernoulli-jll` of the naive Bayes chapter.
    """

    _parameter_constraints = {
        **_BaseDiscreteNB._parameter_constraints,
        "binarize": [None, Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, *, alpha=1.0, force_alpha=True, binarize=0.0, fit_prior=True,
                 class_prior=None):
        self.alpha = alpha
        self.force_alpha = force_alpha
        self.binarize = binarize
        self.fit_prior = fit_prior
        self.class_prior = class_prior

    def _transform_X(self, X):
        # at fit and at prediction alike; with a threshold the result is binary by construction
        if self.binarize is None:
            data = X.data if sp.issparse(X) else X
            if not np.all((data == 0) | (data == 1)):
                raise ValueError(
                    "BernoulliNB with binarize=None needs binary features (0 or 1); set "
                    "binarize to a threshold to binarize X."
                )
            return X
        threshold = float(self.binarize)  # checked by _parameter_constraints
        if sp.issparse(X):
            X = X.copy()
            X.data = (X.data > threshold).astype(np.float64)
            X.eliminate_zeros()
            return X
        return (X > threshold).astype(np.float64)

    def _update_feature_log_prob(self, alpha):
        # alpha = 0: a zero count gives -inf, an unseen class 0/0 = NaN (_degenerate_reason)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.feature_log_prob_ = np.log(self.feature_count_ + alpha) - np.log(
                self.class_count_[:, None] + 2.0 * alpha  # (K, 1) + scalar or (d,)
            )

    def _degenerate_reason(self):
        # p_kj = 0 (log p = -inf) or p_kj = 1 (log(1 - p) = -inf) makes 0 * (-inf) = NaN in the
        # scores of every sample with (resp. without) feature j; NaN: a class not seen yet, 0/0
        log_p = self.feature_log_prob_
        bad = np.isneginf(log_p) | (log_p >= 0.0) | np.isnan(log_p)
        if not np.any(bad):
            return None
        k, label, j = self._first_bad_pair(bad)
        count, n_k = float(self.feature_count_[k, j]), float(self.class_count_[k])
        alpha_j = float(np.broadcast_to(np.asarray(self.alpha, dtype=float), log_p.shape[1:])[j])
        if not self.force_alpha:
            alpha_j = max(alpha_j, 1e-10)  # as _check_alpha raised it
        fix = "Set alpha > 0" if alpha_j == 0.0 else "Set a larger alpha"
        if n_k == 0.0:
            what = f"class {label!r} has no training samples yet"
        elif count == 0.0:
            what = f"feature {j} is never present in class {label!r}"
        else:
            what = f"feature {j} is present in every sample of class {label!r}"
        return (
            f"BernoulliNB with alpha={alpha_j!r} for feature {j}: {what} "
            f"(count {count:g} of {n_k:g}; {int(np.count_nonzero(bad))} such class-feature "
            f"pairs), so its estimated probability of presence is 0 or 1 (or undefined) and the "
            f"predicted probabilities would be NaN. {fix} (e.g. alpha=1, Laplace smoothing)."
        )

    def _joint_log_likelihood(self, X):
        log_p = self.feature_log_prob_  # log p_kj, (K, d)
        with np.errstate(divide="ignore"):
            log_q = np.log1p(-np.exp(log_p))  # log(1 - p_kj)
        # sum_j x_j log p + (1 - x_j) log(1 - p) = x @ (log p - log q) + sum_j log q
        return (np.asarray(X @ (log_p - log_q).T) + log_q.sum(axis=1)
                + self.class_log_prior_)
