r"""Logistic regression with scikit-learn's API: binary and multinomial (softmax), L2, L1 and
elastic-net penalties, three solvers.

The code of the book's logistic regression chapter (``book/supervised/logistic_regression.md``).
The objective is scikit-learn 1.9's,

.. math::

    C\sum_{i=1}^n \omega_i\,\ell_i(\vtheta) + \frac{1-\rho}{2}\|\mW\|_F^2 + \rho\|\mW\|_1 ,

with sample weights :math:`\omega_i`, ``rho = l1_ratio`` and the intercepts unpenalised; the
solvers minimise it divided by :math:`C n_\omega`, :math:`n_\omega = \sum_i \omega_i`, which has
the same minimiser.
"""

import math
import warnings
from functools import partial
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import validate_data

from mlmath.numerics import log_sigmoid, log_softmax, softmax
from mlmath.supervised.linear_regression.base import linear_class_scores
from mlmath.supervised.logistic_regression.loss import (
    add_intercept_column,
    binary_hessian,
    binary_loss_and_gradient,
    multinomial_hessian,
    multinomial_loss_and_gradient,
    penalty_mask,
)
from mlmath.supervised.logistic_regression.solvers import fista, lbfgs, newton
from mlmath.validation import (
    Interval,
    InvalidParameterError,
    Options,
    check_sample_weight,
    check_squares_representable,
    class_weights,
    encode_class_labels,
    validate_parameters,
)

__all__ = ["LogisticRegression"]

_PENALTIES = ["deprecated", "l2", "l1", "elasticnet", None]
_SOLVERS = ["lbfgs", "newton-cholesky", "fista"]


def null_directions(n_classes, n_params, fit_intercept, penalised):
    r"""Orthonormal basis of the directions along which the multinomial objective is flat.

    Adding the same number to every class's intercept, :math:`b_k \to b_k + c`, leaves every
    softmax probability unchanged; so does adding the same vector to every :math:`\vw_k` when
    the weights are not penalised.

    Parameters
    ----------
    n_classes : int
    n_params : int
        Parameters per class, ``d + fit_intercept``.
    fit_intercept : bool
    penalised : bool
        Whether the weights carry a penalty.

    Returns
    -------
    ndarray of shape (n_classes * n_params, n_flat)
        The matrix :math:`\mathbf N` of the chapter: columns
        :math:`\vone_K \otimes \ve_j / \sqrt K` for each unpenalised coordinate ``j``.
    """
    cols = []
    if not penalised:
        cols += list(range(n_params - int(fit_intercept)))
    if fit_intercept:
        cols.append(n_params - 1)
    N = np.zeros((n_classes * n_params, len(cols)))
    for c, j in enumerate(cols):
        N[j::n_params, c] = 1.0 / math.sqrt(n_classes)
    return N


def logistic_lipschitz(X1, sample_weight, alpha, n_classes):
    r"""A Lipschitz constant of the gradient of the smooth objective.

    :math:`L = c\,\lambda_{\max}(\tilde\mX^\top\boldsymbol\Omega\tilde\mX)/n_\omega + \alpha`
    with :math:`\boldsymbol\Omega = \mathrm{diag}(\omega_i)`, :math:`c = 1/4`
    for the binary loss (:math:`p(1-p) \le 1/4`) and :math:`c = 1/2` for the multinomial one
    (Böhning's bound :math:`\mathrm{diag}(\vp) - \vp\vp^\top \preceq \frac12\mI`).

    Parameters
    ----------
    X1 : ndarray of shape (n_samples, n_params)
    sample_weight : ndarray of shape (n_samples,)
    alpha : float
    n_classes : int

    Returns
    -------
    float

    Notes
    -----
    Implements {eq}`eq-logreg-lipschitz` of the logistic regression chapter.
    """
    root = np.sqrt(sample_weight / sample_weight.sum())[:, None] * X1
    top = np.linalg.norm(root, 2) ** 2                    # lambda_max(X^T Omega X) / n_omega
    return (0.25 if n_classes == 2 else 0.5) * top + alpha


def convergence_message(solver, result, max_iter):
    """The warning for a solver that stopped without converging, or ``None`` if it converged.

    A solver stops unconverged for one of two reasons, which need different remedies. Either
    it used all ``max_iter`` iterations, and more may help; or it stopped earlier because no
    step along its search direction passed the line search (Newton's backtracking, or SciPy's
    line search in L-BFGS-B), so that the objective could not be lowered verifiably at this
    precision, and more iterations cannot help. The result tells them apart: fewer iterations
    than ``max_iter`` and not converged is the second case.

    Parameters
    ----------
    solver : str
        The solver's name, for the message.
    result : SolverResult
        What the solver returned.
    max_iter : int
        The iteration limit it ran under.

    Returns
    -------
    str or None
    """
    if result.converged:
        return None
    if result.n_iter < max_iter:
        return (f"{solver} stopped after {result.n_iter} of max_iter={max_iter} iterations "
                "without converging: no step along its search direction passed the line "
                "search (the objective cannot be lowered verifiably in float64), so increasing "
                "max_iter cannot help. Centre and scale the features (StandardScaler), lower C, "
                "or loosen tol.")
    return (f"{solver} did not converge in max_iter={max_iter} iterations; increase max_iter "
            "or scale the data.")


class LogisticRegression(ClassifierMixin, BaseEstimator):
    r"""Logistic regression: binary, or multinomial (softmax) for three classes or more.

    Minimises :math:`C\sum_i \omega_i\ell_i + \frac{1-\rho}{2}\|\mW\|_F^2 + \rho\|\mW\|_1`
    (intercepts unpenalised), with :math:`\ell_i` the cross-entropy of sample :math:`i`.

    Parameters
    ----------
    penalty : {"deprecated", "l2", "l1", "elasticnet", None}, default="deprecated"
        scikit-learn 1.9's deprecated spelling of the penalty: ``"deprecated"`` reads the
        penalty from ``l1_ratio`` and ``C``; any other value warns (``FutureWarning``) and
        sets it: ``"l2"`` is ``l1_ratio=0``, ``"l1"`` is ``l1_ratio=1``, ``None`` is
        ``C=np.inf``.
    C : float, default=1.0
        Inverse regularisation strength, ``> 0``; ``np.inf`` fits without penalty.
    l1_ratio : float, default=0.0
        :math:`\rho \in [0, 1]`, the L1 share of the penalty. Values above zero need
        ``solver="fista"``.
    tol : float, default=1e-4
        Stop when the largest entry of the gradient (gradient mapping for ``"fista"``) of the
        objective divided by :math:`C n_\omega` is at most ``tol``. Two solvers have a second
        test: ``"lbfgs"`` also stops when the relative decrease of the objective falls below
        :math:`64\epsilon_{\mathrm{mach}}`, and ``"newton-cholesky"`` when the predicted decrease
        :math:`-\mathbf g^\top\boldsymbol\delta` is at most
        :math:`4\epsilon_{\mathrm{mach}}\max(|J|, 1)` (both reported as converged).
    fit_intercept : bool, default=True
        Fit an unpenalised intercept per class.
    solver : {"lbfgs", "newton-cholesky", "fista"}, default="lbfgs"
        ``"lbfgs"``: SciPy's L-BFGS-B on our loss and gradient; ``"newton-cholesky"``: Newton
        / IRLS with the exact Hessian, a Cholesky solve and a line search; ``"fista"``:
        accelerated proximal gradient, the one solver for ``l1_ratio > 0``.
    max_iter : int, default=100
        Maximum number of iterations (``>= 0``).
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplied into the sample weights :math:`\omega_i` (see
        :func:`mlmath.validation.class_weights`): a dict ``{label: weight}`` (classes it omits weigh
        one), or ``"balanced"``, :math:`n_\omega / (K n_{\omega,k})` for class :math:`k`.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
    intercept_ : ndarray of shape (1,) or (n_classes,)
        Zeros when ``fit_intercept=False``; multinomial intercepts sum to zero.
    n_iter_ : ndarray of shape (1,), dtype int32
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Defined when ``X`` has string feature names.

    Notes
    -----
    Implements {eq}`eq-logreg-sklearn-objective` of the logistic regression chapter, with the
    gradients {eq}`eq-logreg-gradient` and {eq}`eq-logreg-softmax-gradient`.
    """

    _parameter_constraints = {
        "penalty": [Options(_PENALTIES)],
        "C": [Interval(Real, 0.0, math.inf, closed="right")],
        "l1_ratio": [Interval(Real, 0.0, 1.0, closed="both")],
        "tol": [Interval(Real, 0.0, None, closed="left")],
        "fit_intercept": ["boolean"],
        "solver": [Options(_SOLVERS)],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
        "class_weight": [dict, Options(["balanced"]), None],
    }

    def __init__(self, penalty="deprecated", *, C=1.0, l1_ratio=0.0, tol=1e-4,
                 fit_intercept=True, solver="lbfgs", max_iter=100, class_weight=None):
        self.penalty = penalty
        self.C = C
        self.l1_ratio = l1_ratio
        self.tol = tol
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.max_iter = max_iter
        self.class_weight = class_weight

    def fit(self, X, y, sample_weight=None):
        """Fit the model by minimising the penalised, weighted cross-entropy.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels (numbers or strings), at least two distinct.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample; ``None`` gives every sample weight one. The
            weight of sample ``i`` is multiplied by the class weight of its label.

        Returns
        -------
        self : object
        """
        C, rho = self._penalty_parameters()                       # parameters before data
        X, y = validate_data(self, X, y, dtype=np.float64)
        self.classes_, y_enc = encode_class_labels(y)
        sw = check_sample_weight(sample_weight, X.shape[0])
        sw = check_sample_weight(                                 # omega_i: sample x class
            sw * class_weights(self.class_weight, self.classes_, y_enc, sw,
                               owner="LogisticRegression")[y_enc], len(sw))
        check_squares_representable(X)  # the solvers' curvature X^T W X squares X
        alpha = 0.0 if math.isinf(C) else 1.0 / (C * sw.sum())  # J / (C n_omega)
        l2, l1 = alpha * (1.0 - rho), alpha * rho
        X1 = add_intercept_column(X, self.fit_intercept)
        fun, hess, null = self._objective(X1, y_enc, sw, l2, penalised=alpha > 0)
        res = self._minimise(fun, hess, null, X1, sw, l2, l1)
        message = convergence_message(self.solver, res, int(self.max_iter))
        if message is not None:
            warnings.warn(message, ConvergenceWarning, stacklevel=2)
        self._store_coefficients(res, X.shape[1], penalised=alpha > 0)
        return self

    def _penalty_parameters(self):
        """Validate the parameters; return ``(C, rho)`` after the deprecated ``penalty``."""
        validate_parameters(self)
        C, rho = float(self.C), float(self.l1_ratio)
        if self.penalty != "deprecated":
            warnings.warn("'penalty' is deprecated in scikit-learn 1.8+; use l1_ratio "
                          "(0 for 'l2', 1 for 'l1') and C=np.inf for None.", FutureWarning,
                          stacklevel=3)
            if self.penalty is None:
                C = math.inf
            elif self.penalty in ("l2", "l1"):
                rho = 0.0 if self.penalty == "l2" else 1.0
        if rho > 0 and not math.isinf(C) and self.solver != "fista":
            raise InvalidParameterError(
                f"The 'l1_ratio' parameter of LogisticRegression must be 0 with "
                f"solver={self.solver!r}, which supports only the L2 penalty (or none, "
                f"C=np.inf); got l1_ratio={self.l1_ratio}. Use solver='fista'.")
        return C, rho

    def _objective(self, X1, y_enc, sw, l2, penalised):
        """The objective ``fun(theta) -> (J, grad)``, its Hessian and its flat directions."""
        K, D = len(self.classes_), X1.shape[1]
        d = D - int(self.fit_intercept)
        if K == 2:
            mask = penalty_mask(d, self.fit_intercept, 1)
            fun = partial(binary_loss_and_gradient, X1=X1, y=(y_enc == 1).astype(float),
                          sample_weight=sw, alpha=l2, mask=mask)
            hess = partial(binary_hessian, X1=X1, sample_weight=sw, alpha=l2, mask=mask)
            return fun, hess, None
        mask = penalty_mask(d, self.fit_intercept, K)
        fun = partial(multinomial_loss_and_gradient, X1=X1, y=y_enc, sample_weight=sw,
                      alpha=l2, n_classes=K, mask=mask)
        hess = partial(multinomial_hessian, X1=X1, sample_weight=sw, alpha=l2, n_classes=K,
                       mask=mask)
        return fun, hess, null_directions(K, D, self.fit_intercept, penalised)

    def _minimise(self, fun, hess, null, X1, sw, l2, l1):
        """Run the chosen solver from zero; return its ``SolverResult``."""
        K = len(self.classes_)
        rows = 1 if K == 2 else K
        theta0 = np.zeros(rows * X1.shape[1])
        tol, max_iter = float(self.tol), int(self.max_iter)
        if self.solver == "lbfgs":
            return lbfgs(fun, theta0, tol=tol, max_iter=max_iter)
        if self.solver == "newton-cholesky":
            return newton(fun, hess, theta0, tol=tol, max_iter=max_iter, null_basis=null)
        mask = penalty_mask(X1.shape[1] - int(self.fit_intercept), self.fit_intercept, rows)
        return fista(fun, theta0, lipschitz=logistic_lipschitz(X1, sw, l2, K), l1=l1,
                     l1_mask=mask, tol=tol, max_iter=max_iter)

    def _store_coefficients(self, res, d, penalised):
        r"""Set ``coef_``, ``intercept_`` and ``n_iter_`` from the solver's result.

        The multinomial model is defined up to its flat directions: store the representative
        with :math:`\sum_k b_k = 0` (and :math:`\sum_k \vw_k = \vzero` when unpenalised).
        """
        Theta = res.theta.reshape(-1, d + int(self.fit_intercept))
        if len(self.classes_) > 2:
            if self.fit_intercept:
                Theta[:, -1] -= Theta[:, -1].mean()
            if not penalised:
                Theta[:, :d] -= Theta[:, :d].mean(axis=0)
        self.coef_ = Theta[:, :d].copy()
        self.intercept_ = Theta[:, d].copy() if self.fit_intercept else np.zeros(len(Theta))
        self.n_iter_ = np.array([res.n_iter], dtype=np.int32)

    def _expected_failed_checks(self):
        if not self.fit_intercept and self.C == math.inf:
            # scikit-learn's LogisticRegression(C=np.inf, fit_intercept=False) fails it too,
            # with the same predictions: blobs away from the origin need an intercept
            return {"check_class_weight_classifiers": (
                "without intercept or penalty the noisy blobs of the check are not separated "
                "by hyperplanes through the origin, whatever the class weights")}
        return {}

    def decision_function(self, X):
        """Linear scores: the log-odds (binary) or the class logits (multiclass).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) (binary) or (n_samples, n_classes)

        Notes
        -----
        Implements {eq}`eq-logreg-model` and {eq}`eq-logreg-softmax` (before the softmax).
        """
        return linear_class_scores(self, X)

    def predict_log_proba(self, X):
        """Logarithm of the class probabilities, computed without overflow.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        z = self.decision_function(X)
        if z.ndim == 1:
            return np.column_stack([log_sigmoid(-z), log_sigmoid(z)])
        return log_softmax(z, axis=1)

    def predict_proba(self, X):
        r"""Class probabilities :math:`(1 - \sigmoid(z), \sigmoid(z))` or :math:`\softmax(\vz)`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Rows sum to one; column ``k`` is the probability of ``classes_[k]``.
        """
        z = self.decision_function(X)
        if z.ndim == 1:
            return np.exp(np.column_stack([log_sigmoid(-z), log_sigmoid(z)]))
        return softmax(z, axis=1)

    def predict(self, X):
        """The most probable class of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        z = self.decision_function(X)
        idx = (z > 0).astype(int) if z.ndim == 1 else np.argmax(z, axis=1)
        return self.classes_[idx]
