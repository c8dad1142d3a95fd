"""What the two Gaussian classifiers share: predictions from the class scores.

Both :class:`~mlmath.dimensionality_reduction.lda.estimators.LinearDiscriminantAnalysis` and
:class:`~mlmath.dimensionality_reduction.lda.qda.QuadraticDiscriminantAnalysis` compute, for each
class, a score equal to the log posterior probability up to a term common to all classes
(``_class_scores``); the predictions follow from it alone.
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from mlmath.numerics import log_softmax

__all__ = ["GaussianPosteriorMixin"]


class GaussianPosteriorMixin:
    """``predict``, ``predict_log_proba`` and ``predict_proba`` from ``_class_scores``.

    A class using it defines ``_class_scores(X)``, of shape (n_samples, n_classes), equal to
    the log posterior probabilities up to a term common to the classes, and ``classes_``.
    """

    def predict(self, X):
        """The class of largest posterior probability.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        return self.classes_[np.argmax(self._class_scores(X), axis=1)]

    def predict_log_proba(self, X):
        """Log posterior probabilities, by the log-softmax of the scores.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self)
        return log_softmax(self._class_scores(X), axis=1)

    def predict_proba(self, X):
        """Posterior probabilities of the classes.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        return np.exp(self.predict_log_proba(X))
