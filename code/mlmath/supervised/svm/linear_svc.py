"""The linear support vector classifier ``LinearSVC`` (liblinear's problems; Newton and L-BFGS-B).

Like liblinear, the intercept is learned as the weight of an extra constant feature of value
``intercept_scaling``, so it is penalised together with the weights. For each one-vs-rest binary
problem, labels ``y_i in {-1, +1}`` and augmented inputs ``x~_i = (x_i, B)``, ``B`` the
``intercept_scaling``, the primal is

    minimise 1/2 ||w~||^2 + C sum_i loss(y_i w~^T x~_i),

with ``loss(z) = max(0, 1 - z)^2`` (squared hinge, differentiable: solved in the primal by a
generalised Newton method, or in the dual by L-BFGS-B) or ``max(0, 1 - z)`` (hinge: solved in
its box-constrained dual by L-BFGS-B).
"""

import warnings

import numpy as np
from scipy.optimize import minimize
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import validate_data

from mlmath.supervised.linear_regression.base import linear_class_scores
from mlmath.validation import (
    check_bool,
    check_nonnegative_float,
    check_option,
    check_positive_int,
    check_squares_representable,
    encode_class_labels,
)

__all__ = [
    "LinearSVC",
    "squared_hinge_primal",
    "squared_hinge_newton",
    "hinge_dual",
    "squared_hinge_dual",
]


def squared_hinge_primal(w, X, y, C):
    """Objective and gradient of the L2-regularised squared-hinge primal.

    Parameters
    ----------
    w : ndarray of shape (n_features,)
    X : ndarray of shape (n_samples, n_features)
        Inputs (with the constant column appended when the intercept is fitted).
    y : ndarray of shape (n_samples,)
        Labels in {-1, +1}.
    C : float

    Returns
    -------
    value : float
    grad : ndarray of shape (n_features,)

    Notes
    -----
    Implements {eq}`eq-svm-linear-primal` and its gradient {eq}`eq-svm-sqhinge-grad` of the
    support vector machine chapter.
    """
    r = np.maximum(1.0 - y * (X @ w), 0.0)                 # (n,) active margins
    value = 0.5 * w @ w + C * (r @ r)
    grad = w - 2.0 * C * (X.T @ (y * r))
    return value, grad


def squared_hinge_newton(X, y, C, *, tol=1e-4, max_iter=1000):
    """Minimise the squared-hinge primal by the generalised Newton method with a line search.

    The objective is once differentiable with a piecewise-constant generalised Hessian
    ``I + 2C X_A^T X_A``, ``A`` the samples with margin ``y_i w^T x_i < 1``; each step solves
    that ``d x d`` system and backtracks (Armijo) until the objective decreases enough.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        Labels in {-1, +1}.
    C : float
    tol : float, default=1e-4
        Stop when ``||grad|| <= tol * ||grad(0)||``.
    max_iter : int, default=1000

    Returns
    -------
    w : ndarray of shape (n_features,)
    n_iter : int

    Notes
    -----
    Implements {prf:ref}`alg-svm-newton` with {eq}`eq-svm-sqhinge-grad` and
    {eq}`eq-svm-sqhinge-hessian` of the support vector machine chapter.
    """
    d = X.shape[1]
    w = np.zeros(d)
    value, grad = squared_hinge_primal(w, X, y, C)
    stop = tol * np.linalg.norm(grad)
    n_iter = 0
    while np.linalg.norm(grad) > stop and n_iter < max_iter:
        active = y * (X @ w) < 1.0                               # (n,) the set A
        XA = X[active]
        H = np.eye(d) + 2.0 * C * (XA.T @ XA)                    # (d, d) generalised Hessian
        step = -np.linalg.solve(H, grad)
        slope = grad @ step                                      # < 0: H is positive definite
        eta = 1.0
        while True:
            new_value, new_grad = squared_hinge_primal(w + eta * step, X, y, C)
            if new_value <= value + 1e-4 * eta * slope or eta < 1e-10:
                break
            eta *= 0.5
        w, value, grad = w + eta * step, new_value, new_grad
        n_iter += 1
    return w, n_iter


def hinge_dual(a, X, y):
    """Objective and gradient of the dual of the L2-regularised hinge-loss SVM (no intercept).

    ``W(a) = 1/2 ||sum_i a_i y_i x_i||^2 - sum_i a_i`` over the box ``0 <= a_i <= C`` (the
    negative of the dual function, minimised).

    Parameters
    ----------
    a : ndarray of shape (n_samples,)
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)

    Returns
    -------
    value : float
    grad : ndarray of shape (n_samples,)

    Notes
    -----
    Implements {eq}`eq-svm-linear-dual` of the support vector machine chapter.
    """
    w = X.T @ (a * y)                                      # (d,) primal weights
    return 0.5 * w @ w - a.sum(), y * (X @ w) - 1.0


def squared_hinge_dual(a, X, y, C):
    """Objective and gradient of the dual of the squared-hinge SVM, over ``a >= 0``.

    ``W(a) = 1/2 ||sum_i a_i y_i x_i||^2 + ||a||^2 / (4C) - sum_i a_i`` (the negative of the
    dual function, minimised; positive definite quadratic term, unlike the hinge dual's).

    Parameters
    ----------
    a : ndarray of shape (n_samples,)
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    C : float

    Returns
    -------
    value : float
    grad : ndarray of shape (n_samples,)

    Notes
    -----
    Implements {eq}`eq-svm-linear-dual` (squared-hinge form) of the support vector machine
    chapter.
    """
    w = X.T @ (a * y)
    value = 0.5 * w @ w + a @ a / (4.0 * C) - a.sum()
    return value, y * (X @ w) + a / (2.0 * C) - 1.0


class LinearSVC(ClassifierMixin, BaseEstimator):
    """Linear support vector classifier with liblinear's objective (scikit-learn's ``LinearSVC``).

    Parameters
    ----------
    penalty : {"l2"}, default="l2"
        Only the squared Euclidean penalty is implemented.
    loss : {"squared_hinge", "hinge"}, default="squared_hinge"
    dual : "auto" or bool, default="auto"
        Solve the dual (``True``) or the primal (``False``). ``"auto"`` chooses as scikit-learn
        does: the primal when ``n_samples >= n_features`` and the loss allows it, else the dual.
        The hinge loss is solved in the dual only.
    tol : float, default=1e-4
        Stopping tolerance. In the primal (Newton), relative and scaled as liblinear scales it:
        stop when ``||grad|| <= tol * min(n_pos, n_neg) / n * ||grad(0)||``, with ``n_pos`` and
        ``n_neg`` the samples labelled +1 and -1 in the binary problem. In the dual, L-BFGS-B's
        ``gtol``: stop when the largest entry of the projected gradient is at most ``tol``.
    C : float, default=1.0
        Weight of the loss against the penalty, ``C > 0``.
    multi_class : {"ovr"}, default="ovr"
        One-vs-rest: one binary problem per class when there are more than two classes.
    fit_intercept : bool, default=True
    intercept_scaling : float, default=1
        Value ``B`` of the constant feature; the intercept is ``B`` times its (penalised) weight.
    max_iter : int, default=1000
        Iteration limit of each binary problem's solver: Newton iterations in the primal,
        L-BFGS-B iterations in the dual.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) for two classes, else (n_classes, n_features)
    intercept_ : ndarray of shape (1,) or (n_classes,), or 0.0 without intercept
    n_iter_ : int
        The largest iteration count over the binary problems.
    n_features_in_ : int

    Notes
    -----
    Implements {eq}`eq-svm-linear-primal` (primal) and {eq}`eq-svm-linear-dual` (dual) of the
    support vector machine chapter.
    """

    def __init__(self, penalty="l2", loss="squared_hinge", *, dual="auto", tol=1e-4, C=1.0,
                 multi_class="ovr", fit_intercept=True, intercept_scaling=1, max_iter=1000):
        self.penalty = penalty
        self.loss = loss
        self.dual = dual
        self.tol = tol
        self.C = C
        self.multi_class = multi_class
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.max_iter = max_iter


    def _check_params(self, X):
        check_option(self.penalty, "penalty", ["l2"])
        check_option(self.loss, "loss", ["squared_hinge", "hinge"])
        check_option(self.multi_class, "multi_class", ["ovr"])
        check_nonnegative_float(self.tol, "tol", strict=True)
        check_nonnegative_float(self.C, "C", strict=True)
        check_bool(self.fit_intercept, "fit_intercept")
        check_nonnegative_float(self.intercept_scaling, "intercept_scaling", strict=True)
        check_positive_int(self.max_iter, "max_iter")
        if self.dual == "auto":
            return self.loss == "hinge" or X.shape[0] < X.shape[1]
        if not isinstance(self.dual, bool):
            raise ValueError(f"The 'dual' parameter must be 'auto' or a bool; got {self.dual!r}.")
        if self.loss == "hinge" and not self.dual:
            raise ValueError("loss='hinge' is solved in the dual only; use dual=True or 'auto'.")
        return self.dual

    def _solve(self, Xa, y_pm, use_dual):
        """Weights of one binary problem (labels ``y_pm`` in {-1, +1}) and the iterations."""
        C, n = float(self.C), Xa.shape[0]
        if not use_dual:
            n_pos = np.count_nonzero(y_pm > 0)
            # liblinear's rule: stop when the gradient has shrunk by tol * min(n+, n-) / n
            rel_tol = self.tol * max(min(n_pos, n - n_pos), 1) / n
            return squared_hinge_newton(Xa, y_pm, C, tol=rel_tol, max_iter=self.max_iter)
        if self.loss == "hinge":
            fun, args, bounds = hinge_dual, (Xa, y_pm), [(0.0, C)] * n
        else:
            fun, args, bounds = squared_hinge_dual, (Xa, y_pm, C), [(0.0, None)] * n
        res = minimize(fun, np.zeros(n), args=args, jac=True, method="L-BFGS-B",
                       bounds=bounds, options=dict(maxiter=self.max_iter, gtol=self.tol,
                                                   ftol=0.0))
        return Xa.T @ (res.x * y_pm), res.nit

    def fit(self, X, y):
        """Fit one binary linear SVM (two classes) or one per class (one-vs-rest).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)

        Returns
        -------
        self : LinearSVC
        """
        X, y = validate_data(self, X, y, dtype=np.float64)
        use_dual = self._check_params(X)
        check_squares_representable(X)  # both solvers square X: no silent coef_ = 0
        self.classes_, y_enc = encode_class_labels(y)
        if self.fit_intercept:  # the augmented constant feature of liblinear
            Xa = np.hstack([X, np.full((X.shape[0], 1), float(self.intercept_scaling))])
        else:
            Xa = X
        targets = [1] if len(self.classes_) == 2 else range(len(self.classes_))
        weights, n_iter = [], 0
        for k in targets:
            w, it = self._solve(Xa, np.where(y_enc == k, 1.0, -1.0), use_dual)
            weights.append(w)
            n_iter = max(n_iter, it)
        if n_iter >= self.max_iter:
            warnings.warn("LinearSVC failed to converge, increase the number of iterations.",
                          ConvergenceWarning, stacklevel=2)
        W = np.array(weights)                                   # (n_problems, d [+ 1])
        if self.fit_intercept:
            self.coef_ = W[:, :-1]
            self.intercept_ = self.intercept_scaling * W[:, -1]
        else:
            self.coef_, self.intercept_ = W, 0.0
        self.n_iter_ = int(n_iter)
        return self

    def decision_function(self, X):
        """Scores ``X w + b``: shape (n_samples,) for two classes, else (n_samples, n_classes).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray
        """
        return linear_class_scores(self, X)

    def predict(self, X):
        """The class with the largest score (the sign of the score for two classes).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return self.classes_[(scores > 0).astype(int)]
        return self.classes_[np.argmax(scores, axis=1)]
