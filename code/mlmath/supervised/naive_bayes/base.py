r"""What every naive Bayes classifier of the package shares.

A naive Bayes classifier scores class :math:`k` of a sample :math:`\vx` by its joint log
probability :math:`\log\pi_k + \sum_j \log p(x_j \mid k)` and turns the scores into posterior
probabilities with the log-sum-exp normalisation ({eq}`eq-nb-log-posterior` of the naive Bayes
chapter). This module holds that normalisation, the label bookkeeping of ``fit`` and
``partial_fit``, the checks of class priors, and the streaming update of means and variances of
Chan, Golub and LeVeque ({eq}`eq-nb-chan-update`).
"""

from abc import ABCMeta, abstractmethod

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from mlmath.numerics import logsumexp
from mlmath.validation import encode_class_labels

__all__ = ["BaseNB", "combine_mean_variance", "weighted_class_moments", "check_class_prior"]


def combine_mean_variance(n_a, mean_a, var_a, n_b, mean_b, var_b):
    r"""Mean and variance of the union of two groups from the groups' own statistics.

    With total weights :math:`n_a, n_b`, means :math:`\mu_a, \mu_b` and (population) variances
    :math:`v_a, v_b`, the union has weight :math:`n = n_a + n_b`, mean
    :math:`(n_a\mu_a + n_b\mu_b)/n` and variance
    :math:`\big(n_a v_a + n_b v_b + \frac{n_a n_b}{n}(\mu_a - \mu_b)^2\big)/n`
    ({eq}`eq-nb-chan-update` of the naive Bayes chapter). Groups of weight zero contribute
    nothing; a union of weight zero keeps mean and variance zero.

    Parameters
    ----------
    n_a, n_b : ndarray of shape (n_groups,)
        Total (weighted) count of each group in the two parts.
    mean_a, mean_b, var_a, var_b : ndarray of shape (n_groups, n_features)
        Means and variances of each group in the two parts.

    Returns
    -------
    n : ndarray of shape (n_groups,)
    mean, var : ndarray of shape (n_groups, n_features)
    """
    n_a = np.asarray(n_a, dtype=float)
    n_b = np.asarray(n_b, dtype=float)
    n = n_a + n_b
    safe = np.where(n > 0, n, 1.0)[:, None]  # (n_groups, 1)
    a, b = n_a[:, None], n_b[:, None]
    mean = (a * mean_a + b * mean_b) / safe
    m2 = a * var_a + b * var_b + (a * b / safe) * (mean_a - mean_b) ** 2
    return n, mean, m2 / safe


def weighted_class_moments(X, y_enc, sample_weight, n_classes):
    r"""Weighted count, mean and variance of every feature within every class, in two passes.

    The first pass computes the weighted means :math:`\hat\mu_{kj}`, the second the weighted
    mean squared deviation from them, :math:`\hat\sigma^2_{kj}` of {eq}`eq-nb-gaussian-mle`
    (the two-pass form avoids the cancellation of :math:`\overline{x^2} - \bar x^2`).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y_enc : ndarray of shape (n_samples,)
        Class index of each sample, in ``0, ..., n_classes - 1``.
    sample_weight : ndarray of shape (n_samples,)
    n_classes : int

    Returns
    -------
    counts : ndarray of shape (n_classes,)
        Total weight of each class (zero for a class absent from ``y_enc``).
    means, variances : ndarray of shape (n_classes, n_features)
        Zero for classes of total weight zero.
    """
    counts = np.zeros(n_classes)
    means = np.zeros((n_classes, X.shape[1]))
    variances = np.zeros((n_classes, X.shape[1]))
    for k in range(n_classes):  # a loop over classes; each step is vectorised over samples
        in_k = y_enc == k
        w = sample_weight[in_k]  # (n_k,)
        counts[k] = w.sum()
        if counts[k] > 0:
            X_k = X[in_k]  # (n_k, d)
            means[k] = np.einsum("i,ij->j", w, X_k) / counts[k]  # first pass
            variances[k] = np.einsum("i,ij->j", w, (X_k - means[k]) ** 2) / counts[k]  # second
    return counts, means, variances


def check_class_prior(prior, n_classes, name):
    """Validate user-given class prior probabilities.

    Parameters
    ----------
    prior : array-like of shape (n_classes,)
    n_classes : int
    name : str
        The parameter's name, used in the messages.

    Returns
    -------
    ndarray of shape (n_classes,)
        Non-negative, summing to one.
    """
    prior = np.asarray(prior, dtype=float)
    if prior.ndim != 1 or prior.shape[0] != n_classes:
        raise ValueError(
            f"Number of priors must match number of classes: {name} has shape {prior.shape}, "
            f"expected ({n_classes},)."
        )
    if not np.all(np.isfinite(prior)) or np.any(prior < 0):
        raise ValueError(f"Priors must be non-negative and finite; got {name}={prior.tolist()}.")
    if not np.isclose(prior.sum(), 1.0):
        raise ValueError(f"The sum of the priors should be 1; {name} sums to {prior.sum():.6g}.")
    return prior


class BaseNB(ClassifierMixin, BaseEstimator, metaclass=ABCMeta):
    """Base class of the package's naive Bayes classifiers (not an estimator on its own).

    Subclasses implement ``_check_X(X)`` (validation at prediction time),
    ``_joint_log_likelihood(X)`` (the scores :math:`\\log\\pi_k + \\log p(\\vx \\mid k)`),
    ``_reset()`` (fresh accumulators), ``_accumulate(X, y_enc, sw)`` (add a batch's
    sufficient statistics) and ``_finalize()`` (the parameters from the statistics).
    """

    @abstractmethod
    def _check_X(self, X):
        """Validate ``X`` at prediction time."""

    @abstractmethod
    def _joint_log_likelihood(self, X):
        """Scores of shape (n_samples, n_classes)."""

    def _labels_for_partial_fit(self, y, classes):
        """Encode ``y`` against ``classes_``, setting ``classes_`` on the first call."""
        first_call = not hasattr(self, "classes_")
        if first_call:
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit.")
            self.classes_, _ = encode_class_labels(np.asarray(classes))
        elif classes is not None:
            given = np.unique(np.asarray(classes))
            if not np.array_equal(given, self.classes_):
                raise ValueError(
                    f"classes={given.tolist()!r} is not the same as on the first call to "
                    f"partial_fit, {self.classes_.tolist()!r}."
                )
        check_classification_targets(y)
        y = np.asarray(y)
        idx = np.clip(np.searchsorted(self.classes_, y), 0, len(self.classes_) - 1)
        unknown = self.classes_[idx] != y
        if np.any(unknown):
            raise ValueError(
                f"The target label(s) {np.unique(y[unknown]).tolist()!r} in y do not exist in "
                f"the initial classes {self.classes_.tolist()!r}."
            )
        return idx.astype(np.intp)

    def predict_joint_log_proba(self, X):
        r"""Joint log probabilities :math:`\log p(\vx, k) = \log\pi_k + \log p(\vx \mid k)`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.
        """
        check_is_fitted(self)
        self._check_usable()
        return self._joint_log_likelihood(self._check_X(X))

    def _degenerate_reason(self):
        """Why the fitted parameters give undefined (NaN) scores, or ``None`` if they do not."""
        return None

    def _first_bad_pair(self, bad):
        """The first (class index, class label, feature index) where the boolean (K, d) array
        ``bad`` holds, for an error message."""
        k, j = np.argwhere(bad)[0]
        return int(k), self.classes_[k:k + 1].tolist()[0], int(j)

    def _check_usable(self):
        """Raise if the parameters would give NaN probabilities (``fit`` raises at once; after
        ``partial_fit``, whose later batches may still cure it, ``predict`` raises)."""
        reason = self._degenerate_reason()
        if reason is not None:
            raise ValueError(reason)

    def predict(self, X):
        """Predict the class of largest posterior probability (the Bayes classifier).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        jll = self.predict_joint_log_proba(X)  # checks that the model is fitted
        return self.classes_[np.argmax(jll, axis=1)]

    def predict_log_proba(self, X):
        r"""Log posterior probabilities, :math:`\log p(k \mid \vx)`.

        Implements {eq}`eq-nb-log-posterior` of the naive Bayes chapter: the joint log
        probabilities minus their log-sum-exp over the classes.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        jll = self.predict_joint_log_proba(X)
        return jll - logsumexp(jll, axis=1, keepdims=True)

    def predict_proba(self, X):
        """Posterior probabilities :math:`p(k \\mid \\vx)`, rows summing to one.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        return np.exp(self.predict_log_proba(X))

