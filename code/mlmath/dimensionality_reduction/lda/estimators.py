r"""Linear discriminant analysis: a Gaussian classifier, and Fisher's projection.

:class:`LinearDiscriminantAnalysis` models every class as a Gaussian with its own mean and one
shared covariance; its scores are linear in :math:`\vx`, and its ``transform`` projects on
Fisher's discriminant directions. It predicts with Bayes' rule in log space, and is the twin of
scikit-learn's ``sklearn.discriminant_analysis.LinearDiscriminantAnalysis``. The quadratic
variant is :mod:`mlmath.dimensionality_reduction.lda.qda`.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.utils.validation import check_is_fitted, validate_data

from mlmath.dimensionality_reduction.lda.posterior import GaussianPosteriorMixin
from mlmath.dimensionality_reduction.lda.scatter import (
    check_priors,
    class_counts,
    class_means,
    within_class_covariance,
)
from mlmath.dimensionality_reduction.lda.solvers import solve_eigen, solve_lsqr, solve_svd
from mlmath.numerics import log_softmax
from mlmath.validation import (
    Interval,
    Options,
    check_squares_representable,
    encode_class_labels,
    validate_parameters,
)

__all__ = ["LinearDiscriminantAnalysis"]


class LinearDiscriminantAnalysis(GaussianPosteriorMixin, ClassNamePrefixFeaturesOutMixin,
                                 TransformerMixin, ClassifierMixin, BaseEstimator):
    r"""Linear discriminant analysis: Gaussian classes with a shared covariance.

    Parameters
    ----------
    solver : {"svd", "eigen", "lsqr"}, default="svd"
        ``"svd"``: two singular value decompositions, without forming the within-class
        covariance; ``"eigen"``: the generalised eigenproblem of Fisher's criterion;
        ``"lsqr"``: the linear scores only, by least squares (no ``transform``).
    shrinkage : None, "auto" or float in [0, 1], default=None
        Shrinkage of every class covariance towards a scaled identity (``"eigen"`` and
        ``"lsqr"`` only): ``"auto"`` takes the Ledoit–Wolf intensity of each class.
    priors : array-like of shape (n_classes,), default=None
        Class priors; ``None`` uses the class frequencies.
    n_components : int, default=None
        Number of directions kept by ``transform``, at most ``min(n_classes - 1, n_features)``
        (the default).
    store_covariance : bool, default=False
        Also compute ``covariance_`` with the ``"svd"`` solver (the others always store it).
    tol : float, default=1e-4
        Rank threshold of the ``"svd"`` solver.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    priors_ : ndarray of shape (n_classes,)
    means_ : ndarray of shape (n_classes, n_features)
    coef_ : ndarray of shape (n_classes, n_features), or (1, n_features) for two classes
        Weights of the scores centred at :math:`\bar\vx`, {eq}`eq-lda-centred-score`: for more
        than two classes and the ``"eigen"`` or ``"lsqr"`` solver they differ from
        scikit-learn's by a vector common to all classes.
    intercept_ : ndarray of shape (n_classes,), or (1,) for two classes
    covariance_ : ndarray of shape (n_features, n_features)
        The prior-weighted within-class covariance :math:`\mathbf S_W`.
    scalings_ : ndarray of shape (n_features, m)
        Discriminant directions as columns, :math:`\vw^\top\mathbf S_W\vw = 1`.
    xbar_ : ndarray of shape (n_features,)
        Prior-weighted overall mean (``"svd"`` only).
    explained_variance_ratio_ : ndarray of shape (n_components,)
        Share of each direction in the sum of the generalised eigenvalues.
    n_features_in_ : int

    Notes
    -----
    Implements the Gaussian scores {eq}`eq-lda-linear-score` and the posterior
    {eq}`eq-lda-posterior` of the linear discriminant analysis chapter, with the directions of
    {prf:ref}`alg-lda-eigen` or {prf:ref}`alg-lda-svd`. ``covariance_estimator`` of
    scikit-learn is not implemented; neither is ``sample_weight`` (scikit-learn has none).
    """

    _parameter_constraints = {
        "solver": [Options(["svd", "lsqr", "eigen"])],
        "shrinkage": [Options(["auto"]), Interval(Real, 0, 1, closed="both"), None],
        "priors": ["array-like", None],
        "n_components": [Interval(Integral, 1, None, closed="left"), None],
        "store_covariance": ["boolean"],
        "tol": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, solver="svd", shrinkage=None, priors=None, n_components=None,
                 store_covariance=False, tol=1e-4):
        self.solver = solver
        self.shrinkage = shrinkage
        self.priors = priors
        self.n_components = n_components
        self.store_covariance = store_covariance
        self.tol = tol

    def fit(self, X, y):
        """Fit the class means, priors, shared covariance and discriminant directions.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)

        Returns
        -------
        self : object
        """
        validate_parameters(self)
        X, y = validate_data(self, X, y, dtype=np.float64, ensure_min_samples=2)
        check_squares_representable(X)
        self.classes_, y_enc = encode_class_labels(y)
        n, d = X.shape
        K = len(self.classes_)
        if n == K:
            raise ValueError("The number of samples must be more than the number of classes.")
        self.priors_ = check_priors(self.priors, class_counts(y_enc, K))
        max_components = min(K - 1, d)
        if self.n_components is not None and self.n_components > max_components:
            raise ValueError(f"n_components={self.n_components} cannot be larger than "
                             f"min(n_features, n_classes - 1) = {max_components}.")
        self._max_components = max_components if self.n_components is None \
            else self.n_components
        self.means_ = class_means(X, y_enc, K)
        if self.solver == "svd":
            if self.shrinkage is not None:
                raise NotImplementedError("shrinkage not supported with 'svd' solver: "
                                          "use solver='eigen' or 'lsqr'.")
            sol = solve_svd(X, y_enc, self.means_, self.priors_, self.tol)
            self.xbar_ = sol.xbar
            if self.store_covariance:
                self.covariance_ = within_class_covariance(X, y_enc, self.means_, self.priors_)
        else:
            solve = solve_eigen if self.solver == "eigen" else solve_lsqr
            sol = solve(X, y_enc, self.means_, self.priors_, self.shrinkage)
            self.covariance_ = sol.covariance
        if sol.scalings is not None:
            self.scalings_ = sol.scalings
            self.explained_variance_ratio_ = sol.explained_variance_ratio[:self._max_components]
        coef, intercept = sol.coef, sol.intercept
        if K == 2:  # one score: the log-odds of the second class against the first
            coef, intercept = (coef[1] - coef[0])[None, :], np.array([intercept[1] - intercept[0]])
        self.coef_, self.intercept_ = coef, intercept
        self._n_features_out = self._max_components
        return self

    def transform(self, X):
        """Project on the discriminant directions.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_components)
            The coordinates :math:`\\vz_i`; the ``"svd"`` solver centres on ``xbar_`` first.
        """
        if self.solver == "lsqr":
            raise NotImplementedError("transform not implemented for 'lsqr' solver "
                                      "(use 'svd' or 'eigen').")
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        if self.solver == "svd":
            X = X - self.xbar_
        return X @ self.scalings_[:, :self._max_components]  # O(n d q), not O(n d^2)

    def decision_function(self, X):
        """The linear scores; for two classes, the log-odds of ``classes_[1]``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes), or (n_samples,) for two classes
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        scores = X @ self.coef_.T + self.intercept_
        return scores.ravel() if scores.shape[1] == 1 else scores

    def _class_scores(self, X):
        scores = self.decision_function(X)
        if scores.ndim == 1:  # two classes: scores 0 and the log-odds
            scores = np.column_stack([np.zeros_like(scores), scores])
        return scores

    def predict_log_proba(self, X):
        """Log posterior probabilities, by the log-softmax of the scores.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)

        Notes
        -----
        Implements {eq}`eq-lda-posterior` of the linear discriminant analysis chapter. For two
        classes the log-odds :math:`s` may be infinite (a prior of zero); the log-sigmoids
        :math:`-\\log(1 + e^{\\mp s})` are then ``0`` and ``-inf``, where the log-softmax of
        :math:`(0, s)` would give ``inf - inf``.
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:  # two classes: log sigmoid of minus and plus the log-odds
            return np.column_stack([-np.logaddexp(0.0, scores), -np.logaddexp(0.0, -scores)])
        return log_softmax(scores, axis=1)
