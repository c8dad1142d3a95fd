r"""Quadratic discriminant analysis: Gaussian classes, each with its own covariance.

:class:`QuadraticDiscriminantAnalysis` is the twin of scikit-learn's
``sklearn.discriminant_analysis.QuadraticDiscriminantAnalysis``; it predicts with Bayes' rule in
log space, from an eigendecomposition of every class covariance.
"""

from numbers import Real

import numpy as np
from scipy import linalg
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from mlmath.dimensionality_reduction.lda.posterior import GaussianPosteriorMixin
from mlmath.dimensionality_reduction.lda.scatter import check_priors, class_counts
from mlmath.validation import (
    Interval,
    check_squares_representable,
    encode_class_labels,
    validate_parameters,
)

__all__ = ["QuadraticDiscriminantAnalysis"]


class QuadraticDiscriminantAnalysis(GaussianPosteriorMixin, ClassifierMixin, BaseEstimator):
    r"""Quadratic discriminant analysis: Gaussian classes, each with its own covariance.

    Parameters
    ----------
    priors : array-like of shape (n_classes,), default=None
        Class priors; ``None`` uses the class frequencies.
    reg_param : float in [0, 1], default=0.0
        Each class covariance becomes
        :math:`(1 - \vartheta)\hat{\boldsymbol\Sigma}_k + \vartheta\mI`.
    store_covariance : bool, default=False
        Store the (regularised) class covariances in ``covariance_``.
    tol : float, default=1e-4
        A class covariance with an eigenvalue at most ``tol`` is refused as singular.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    priors_ : ndarray of shape (n_classes,)
    means_ : ndarray of shape (n_classes, n_features)
    rotations_ : list of ndarray of shape (n_features, n_k)
        Eigenvectors of each class covariance (``n_k = n_features`` unless the class has fewer
        samples than features and ``reg_param`` is zero, where the fit fails).
    scalings_ : list of ndarray of shape (n_k,)
        The matching eigenvalues (variances along the axes), regularised.
    covariance_ : list of ndarray of shape (n_features, n_features)
        Only with ``store_covariance=True``.
    n_features_in_ : int

    Notes
    -----
    Implements the quadratic scores {eq}`eq-lda-qda-score` of the linear discriminant analysis
    chapter. Where a class has fewer samples than features, scikit-learn's default
    ``solver="svd"`` refuses to fit whatever ``reg_param`` (its ``solver="eigen"`` with
    ``shrinkage``, not implemented here, does fit); here the eigenbasis is completed, the missing
    directions get variance :math:`\vartheta`, and the fit succeeds when
    :math:`\vartheta >{}`\ ``tol``. scikit-learn's ``solver``, ``shrinkage`` and
    ``covariance_estimator`` are not implemented.
    """

    _parameter_constraints = {
        "priors": ["array-like", None],
        "reg_param": [Interval(Real, 0, 1, closed="both")],
        "store_covariance": ["boolean"],
        "tol": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, *, priors=None, reg_param=0.0, store_covariance=False, tol=1e-4):
        self.priors = priors
        self.reg_param = reg_param
        self.store_covariance = store_covariance
        self.tol = tol

    def fit(self, X, y):
        """Fit a mean and a covariance (as eigenvectors and eigenvalues) per class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)

        Returns
        -------
        self : object
        """
        validate_parameters(self)
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_squares_representable(X)
        self.classes_, y_enc = encode_class_labels(y)
        K, d = len(self.classes_), X.shape[1]
        counts = class_counts(y_enc, K)
        self.priors_ = check_priors(self.priors, counts)
        r = self.reg_param
        means, rotations, scalings, covs = [], [], [], []
        for k in range(K):
            Xk = X[y_enc == k]
            if counts[k] == 1:
                raise ValueError(f"y has only 1 sample in class {self.classes_[k]}: its "
                                 "covariance is undefined.")
            mean = Xk.mean(axis=0)
            # thin SVD of the centred class; the full basis when it has fewer rows than columns
            _, s, Vt = np.linalg.svd(Xk - mean, full_matrices=counts[k] < d)
            variances = np.zeros(Vt.shape[0])
            variances[: s.size] = s**2 / counts[k]
            scaling = (1.0 - r) * variances + r
            if np.sum(scaling > self.tol) < d:
                raise linalg.LinAlgError(
                    f"The covariance matrix of class {self.classes_[k]} is singular "
                    f"({int(counts[k])} samples, {d} features; collinear features or too few "
                    "samples): increase reg_param.")
            means.append(mean)
            rotations.append(Vt.T)
            scalings.append(scaling)
            if self.store_covariance:
                covs.append((Vt.T * scaling) @ Vt)
        self.means_ = np.asarray(means)
        self.rotations_, self.scalings_ = rotations, scalings
        if self.store_covariance:
            self.covariance_ = covs
        return self

    def _class_scores(self, X):
        """The log joint densities up to the constant :math:`-\\frac d2\\log 2\\pi`."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        scores = np.empty((X.shape[0], len(self.classes_)))
        for k, (R, S) in enumerate(zip(self.rotations_, self.scalings_)):
            Z = (X - self.means_[k]) @ (R / np.sqrt(S))
            scores[:, k] = -0.5 * (np.einsum("ij,ij->i", Z, Z) + np.sum(np.log(S)))
        with np.errstate(divide="ignore"):
            return scores + np.log(self.priors_)

    def decision_function(self, X):
        """The quadratic scores; for two classes, the log-odds of ``classes_[1]``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes), or (n_samples,) for two classes
        """
        scores = self._class_scores(X)
        return scores[:, 1] - scores[:, 0] if scores.shape[1] == 2 else scores
