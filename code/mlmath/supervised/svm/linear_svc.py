"""The linear support vector classifier ``LinearSVC`` (liblinear's problems; Newton and dual CD).

Like liblinear, the intercept is learned as the weight of an extra constant feature of value
``intercept_scaling``, so it is penalised together with the weights. For each one-vs-rest binary
problem, labels ``y_i in {-1, +1}`` and augmented inputs ``x~_i = (x_i, B)``, ``B`` the
``intercept_scaling``, the primal is

    minimise 1/2 ||w~||^2 + sum_i C_i loss(y_i w~^T x~_i),

with ``C_i = C`` times the sample's weight (and its class weight), and ``loss(z) = max(0, 1 -
z)^2`` (squared hinge, differentiable: solved in the primal by the generalised Newton method of
the optimisation chapter, or in the dual) or ``max(0, 1 - z)`` (hinge: solved in the dual). Both
duals are box-constrained and are solved by dual coordinate descent (Hsieh et al., 2008), the
algorithm of liblinear.
"""

import warnings
from numbers import Integral, Real

import numba
import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import validate_data

from mlmath.prerequisites.optimization import newton_method
from mlmath.supervised.linear_regression.base import linear_class_scores
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

# dual="auto" solves the squared hinge in the primal when n_features is at most this
_SMALL_PRIMAL = 100

__all__ = [
    "LinearSVC",
    "squared_hinge_primal",
    "squared_hinge_newton",
    "hinge_dual",
    "squared_hinge_dual",
    "dual_coordinate_descent",
]


def squared_hinge_primal(w, X, y, C):
    """Objective and gradient of the L2-regularised squared-hinge primal.

    Parameters
    ----------
    w : ndarray of shape (n_features,)
        The weights at which to evaluate.
    X : ndarray of shape (n_samples, n_features)
        Inputs (with the constant column appended when the intercept is fitted).
    y : ndarray of shape (n_samples,)
        Labels in {-1, +1}.
    C : float or ndarray of shape (n_samples,)
        The weight of the loss, one for all samples or one per sample (``C_i``).

    Returns
    -------
    value : float
        ``1/2 ||w||^2 + sum_i C_i max(0, 1 - y_i w^T x_i)^2``.
    grad : ndarray of shape (n_features,)
        Its gradient.

    Notes
    -----
    Implements {eq}`eq-svm-linear-primal` and its gradient {eq}`eq-svm-sqhinge-grad` of the
    support vector machine chapter.
    """
    r = np.maximum(1.0 - y * (X @ w), 0.0)                 # (n,) active margins
    Cr = C * r
    value = 0.5 * w @ w + Cr @ r
    grad = w - 2.0 * (X.T @ (y * Cr))
    return value, grad


def squared_hinge_newton(X, y, C, *, tol=1e-4, max_iter=1000):
    """Minimise the squared-hinge primal by the generalised Newton method with a line search.

    The objective is once differentiable with a piecewise-constant generalised Hessian
    ``I + 2 X_A^T diag(C_A) X_A``, ``A`` the samples with margin ``y_i w^T x_i < 1``; Newton's
    method of the optimisation chapter (``newton_method``: Cholesky solve of that ``d x d``
    system, Armijo backtracking) is run on it from ``w = 0``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Inputs (with the constant column appended when the intercept is fitted).
    y : ndarray of shape (n_samples,)
        Labels in {-1, +1}.
    C : float or ndarray of shape (n_samples,)
        The weight of the loss, one for all samples or one per sample.
    tol : float, default=1e-4
        Stop when ``||grad|| <= tol * ||grad(0)||``.
    max_iter : int, default=1000
        The most Newton iterations.

    Returns
    -------
    w : ndarray of shape (n_features,)
        The minimiser.
    n_iter : int
        The Newton iterations taken.

    Notes
    -----
    Implements {prf:ref}`alg-svm-newton` with {eq}`eq-svm-sqhinge-grad` and
    {eq}`eq-svm-sqhinge-hessian` of the support vector machine chapter.
    """
    C = np.broadcast_to(np.asarray(C, dtype=np.float64), y.shape)
    d = X.shape[1]

    def objective(w):
        return squared_hinge_primal(w, X, y, C)[0]

    def gradient(w):
        return squared_hinge_primal(w, X, y, C)[1]

    def hessian(w):                                  # the generalised Hessian
        active = y * (X @ w) < 1.0                   # (n,) the set A
        XA = X[active]
        return np.eye(d) + 2.0 * (XA.T * C[active]) @ XA

    w0 = np.zeros(d)
    stop = tol * np.linalg.norm(gradient(w0))
    path = newton_method(objective, gradient, hessian, w0, max_iter=max_iter, tol=stop)
    return path[-1], len(path) - 1


def hinge_dual(a, X, y):
    """Objective and gradient of the dual of the L2-regularised hinge-loss SVM (no intercept).

    ``W(a) = 1/2 ||sum_i a_i y_i x_i||^2 - sum_i a_i`` over the box ``0 <= a_i <= C`` (the
    negative of the dual function, minimised).

    Parameters
    ----------
    a : ndarray of shape (n_samples,)
        The multipliers.
    X : ndarray of shape (n_samples, n_features)
        Inputs (with the constant column appended when the intercept is fitted).
    y : ndarray of shape (n_samples,)
        Labels in {-1, +1}.

    Returns
    -------
    value : float
        ``W(a)``.
    grad : ndarray of shape (n_samples,)
        Its gradient.

    Notes
    -----
    Implements {eq}`eq-svm-linear-dual` of the support vector machine chapter.
    """
    w = X.T @ (a * y)                                      # (d,) primal weights
    return 0.5 * w @ w - a.sum(), y * (X @ w) - 1.0


def squared_hinge_dual(a, X, y, C):
    """Objective and gradient of the dual of the squared-hinge SVM, over ``a >= 0``.

    ``W(a) = 1/2 ||sum_i a_i y_i x_i||^2 + sum_i a_i^2 / (4 C_i) - sum_i a_i`` (the negative of
    the dual function, minimised; positive definite quadratic term, unlike the hinge dual's).

    Parameters
    ----------
    a : ndarray of shape (n_samples,)
        The multipliers.
    X : ndarray of shape (n_samples, n_features)
        Inputs (with the constant column appended when the intercept is fitted).
    y : ndarray of shape (n_samples,)
        Labels in {-1, +1}.
    C : float or ndarray of shape (n_samples,)
        The weight of the loss, one for all samples or one per sample.

    Returns
    -------
    value : float
        ``W(a)``.
    grad : ndarray of shape (n_samples,)
        Its gradient.

    Notes
    -----
    Implements {eq}`eq-svm-linear-dual` (squared-hinge form) of the support vector machine
    chapter.
    """
    w = X.T @ (a * y)
    value = 0.5 * w @ w + np.sum(a * a / (4.0 * C)) - a.sum()
    return value, y * (X @ w) + a / (2.0 * C) - 1.0


@numba.njit(cache=True)
def dual_coordinate_descent(X, y, upper, diag, tol, max_iter, rng):
    r"""Dual coordinate descent for the linear SVM duals (Hsieh et al., 2008; liblinear).

    Minimises :math:`W(\mathbf a) = \frac12\|\sum_i a_iy_i\vx_i\|^2 + \frac12\sum_i D_ia_i^2
    - \sum_i a_i` over :math:`0 \le a_i \le U_i`, one multiplier at a time, in a new random
    order each epoch: the exact minimiser over :math:`a_i` is the clipped Newton step
    :math:`a_i \leftarrow \min(\max(a_i - G_i/\bar Q_{ii}, 0), U_i)`, with the partial
    derivative :math:`G_i = y_i\vw^\top\vx_i - 1 + D_ia_i` read off the maintained
    :math:`\vw = \sum_i a_iy_i\vx_i`, and :math:`\vw` is updated in :math:`O(d)`. A multiplier
    at a bound whose gradient pushes it beyond the previous epoch's range of projected gradients
    is shrunk (left out of the following epochs), as in liblinear, whose reset this keeps: a
    previous-epoch maximum ``<= 0`` is replaced by ``+inf`` and a minimum ``>= 0`` by ``-inf``.
    Stops when the projected gradients of an epoch over every sample, each as computed when its
    sample was visited, span at most ``tol``. The loop is compiled with
    numba because it is inherently sequential (each update reads the ``w`` left by the previous
    one) and a Python loop pays an interpreter overhead per sample that exceeds the
    :math:`O(d)` arithmetic; compiled, it runs the same updates in the same order.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Inputs (with the constant column appended when the intercept is fitted), C order.
    y : ndarray of shape (n_samples,)
        Labels in {-1, +1}.
    upper : ndarray of shape (n_samples,)
        The upper bounds :math:`U_i` (``C_i`` for the hinge, ``inf`` for the squared hinge).
    diag : ndarray of shape (n_samples,)
        The diagonal terms :math:`D_i` (``0`` for the hinge, ``1 / (2 C_i)`` for the squared
        hinge).
    tol : float
        Stop when :math:`\max_i PG_i - \min_i PG_i \le` ``tol`` over one epoch.
    max_iter : int
        The most epochs (passes over the samples).
    rng : numpy.random.Generator
        Draws the random orders (advanced in place).

    Returns
    -------
    a : ndarray of shape (n_samples,)
        The multipliers.
    w : ndarray of shape (n_features,)
        The weights :math:`\sum_i a_iy_i\vx_i`.
    n_epochs : int
        The epochs run.

    Notes
    -----
    Implements {prf:ref}`alg-svm-dcd` with the update {eq}`eq-svm-dcd-update` of the support
    vector machine chapter.
    """
    n, d = X.shape
    a = np.zeros(n)
    w = np.zeros(d)
    q = np.empty(n)                              # Q_ii = ||x_i||^2 + D_i
    for i in range(n):
        q[i] = diag[i]
        for j in range(d):
            q[i] += X[i, j] * X[i, j]
    order = np.arange(n)
    active = n                                   # order[:active]: the samples not shrunk
    pg_max_old, pg_min_old = np.inf, -np.inf     # PG range of the previous epoch
    n_epochs = 0
    while n_epochs < max_iter:
        rng.shuffle(order[:active])
        pg_max, pg_min = -np.inf, np.inf
        s = 0
        while s < active:
            i = order[s]
            G = 0.0                              # G_i = y_i w^T x_i - 1 + D_i a_i
            for j in range(d):
                G += w[j] * X[i, j]
            G = y[i] * G - 1.0 + diag[i] * a[i]
            # projected gradient PG_i; shrink a_i stuck at a bound beyond last epoch's range
            if a[i] == 0.0:
                if G > pg_max_old:
                    active -= 1
                    order[s], order[active] = order[active], order[s]
                    continue
                pg = min(G, 0.0)
            elif a[i] == upper[i]:
                if G < pg_min_old:
                    active -= 1
                    order[s], order[active] = order[active], order[s]
                    continue
                pg = max(G, 0.0)
            else:
                pg = G
            pg_max, pg_min = max(pg_max, pg), min(pg_min, pg)
            if pg != 0.0:
                a_old = a[i]
                if q[i] > 0.0:                   # the clipped one-variable minimiser
                    a[i] = min(max(a_old - G / q[i], 0.0), upper[i])
                else:                            # x_i = 0 (hinge): W decreases along a_i
                    a[i] = upper[i]
                step = (a[i] - a_old) * y[i]     # w <- w + (a_i^new - a_i^old) y_i x_i
                for j in range(d):
                    w[j] += step * X[i, j]
            s += 1
        n_epochs += 1
        if pg_max - pg_min <= tol:
            if active == n:                      # converged on every sample: done
                break
            active = n                           # converged on the active set: check all
            pg_max_old, pg_min_old = np.inf, -np.inf
            continue
        pg_max_old = pg_max if pg_max > 0.0 else np.inf
        pg_min_old = pg_min if pg_min < 0.0 else -np.inf
    return a, w, n_epochs


class LinearSVC(ClassifierMixin, BaseEstimator):
    """Linear support vector classifier with liblinear's objective (scikit-learn's ``LinearSVC``).

    Parameters
    ----------
    penalty : {"l2"}, default="l2"
        Only the squared Euclidean penalty is implemented.
    loss : {"squared_hinge", "hinge"}, default="squared_hinge"
        The loss of a margin ``z``: ``max(0, 1 - z)^2`` or ``max(0, 1 - z)``.
    dual : "auto" or bool, default="auto"
        Solve the dual (``True``, by dual coordinate descent) or the primal (``False``, by
        Newton's method). ``"auto"`` chooses as scikit-learn does, the primal when
        ``n_samples >= n_features`` and the loss allows it, else the dual; but it also solves
        the squared hinge in the primal when ``n_features <= 100``, where a Newton step costs
        little and its steps depend only on the objective and the tolerance (so that
        ``sample_weight`` and repeated samples give the same model; the dual's updates depend
        on the order of the samples it visits). Newton's method stops by the rule given under
        ``tol``, not at the minimiser to rounding. The hinge loss is solved in the dual only.
    tol : float, default=1e-4
        Stopping tolerance, as liblinear uses it. In the primal (Newton), relative: stop when
        ``||grad|| <= tol * min(n_pos, n_neg) / n * ||grad(0)||``, with ``n_pos`` and ``n_neg``
        the total sample weights labelled +1 and -1 in the binary problem and ``n`` their sum
        (sample counts without weights; liblinear counts samples even with weights, whereas
        weight totals make a weight of 2 act exactly as a repeated sample). In the dual, stop
        when the projected gradients of one full epoch, each as computed when its sample was
        visited, span at most ``tol``.
    C : float, default=1.0
        Weight of the loss against the penalty, ``C > 0``.
    multi_class : {"ovr"}, default="ovr"
        One-vs-rest: one binary problem per class when there are more than two classes.
    fit_intercept : bool, default=True
        Learn an intercept, as the weight of a constant feature.
    intercept_scaling : float, default=1
        Value ``B`` of the constant feature; the intercept is ``B`` times its (penalised) weight.
    class_weight : dict, "balanced" or None, default=None
        Multiplies ``C`` by the weight of a class, as liblinear does: in a binary problem for the
        samples of each class; one-vs-rest, for the samples of the positive class only. A dict
        ``{label: weight}`` (classes it omits weigh one), or ``"balanced"``,
        ``n / (K * n_k)`` for class ``k`` (weighted counts when ``sample_weight`` is given).
    random_state : int, RandomState instance or None, default=None
        Seeds the random order in which dual coordinate descent visits the samples.
    max_iter : int, default=1000
        Iteration limit of each binary problem's solver: Newton iterations in the primal,
        epochs of coordinate descent in the dual.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The sorted class labels.
    coef_ : ndarray of shape (1, n_features) for two classes, else (n_classes, n_features)
        The weights.
    intercept_ : ndarray of shape (1,) or (n_classes,), or 0.0 without intercept
        The intercepts ``B w_{d+1}``.
    n_iter_ : int
        The largest iteration count over the binary problems.
    n_features_in_ : int
        The number of features seen in ``fit``.

    Notes
    -----
    Implements {eq}`eq-svm-linear-primal` (primal) and {eq}`eq-svm-linear-dual` (dual) of the
    support vector machine chapter, with ``C_i = C`` times the sample's weight and its class
    weight (samples of weight zero are dropped, as liblinear drops them).
    """

    _parameter_constraints = {
        "penalty": [Options(["l2"])],
        "loss": [Options(["squared_hinge", "hinge"])],
        "dual": [Options(["auto"]), "boolean"],
        "tol": [Interval(Real, 0.0, None, closed="neither")],
        "C": [Interval(Real, 0.0, None, closed="neither")],
        "multi_class": [Options(["ovr"])],
        "fit_intercept": ["boolean"],
        "intercept_scaling": [Interval(Real, 0.0, None, closed="neither")],
        "class_weight": [dict, Options(["balanced"]), None],
        "random_state": ["random_state"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, penalty="l2", loss="squared_hinge", *, dual="auto", tol=1e-4, C=1.0,
                 multi_class="ovr", fit_intercept=True, intercept_scaling=1, class_weight=None,
                 random_state=None, max_iter=1000):
        self.penalty = penalty
        self.loss = loss
        self.dual = dual
        self.tol = tol
        self.C = C
        self.multi_class = multi_class
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.class_weight = class_weight
        self.random_state = random_state
        self.max_iter = max_iter

    def _expected_failed_checks(self):
        """Checks of scikit-learn's suite that this configuration fails by design, with why.

        Returns
        -------
        dict
            Check name to reason; empty for the default configuration.
        """
        failed = {}
        if self.loss == "hinge" or self.dual is True:
            failed["check_sample_weight_equivalence_on_dense_data"] = (
                "dual coordinate descent stops at tol: the dual of weighted samples and that of "
                "repeated samples are different problems, whose solutions give the same weights "
                "only to tol (as liblinear's; scikit-learn excuses it too)")
        if not self.fit_intercept:
            failed["check_class_weight_classifiers"] = (
                "without an intercept the boundary passes through the origin and cannot set "
                "apart the check's off-centre class however it is weighted (scikit-learn's "
                "LinearSVC(fit_intercept=False) fails it too)")
        return failed

    def _solve(self, Xa, y_pm, C_i, sw, use_dual, rng):
        """Weights of one binary problem (labels ``y_pm`` in {-1, +1}) and the iterations."""
        if not use_dual:
            n_pos, n = sw[y_pm > 0].sum(), sw.sum()   # sample counts, or weight totals
            # liblinear's rule: stop when the gradient has shrunk by tol * min(n+, n-) / n
            # (liblinear counts samples even with weights; totals make weight 2 = repetition)
            rel_tol = self.tol * min(n_pos, n - n_pos) / n
            return squared_hinge_newton(Xa, y_pm, C_i, tol=rel_tol, max_iter=self.max_iter)
        if self.loss == "hinge":                      # U_i = C_i, D_i = 0
            upper, diag = C_i, np.zeros_like(C_i)
        else:                                         # U_i = inf, D_i = 1 / (2 C_i)
            upper, diag = np.full_like(C_i, np.inf), 0.5 / C_i
        _, w, n_epochs = dual_coordinate_descent(Xa, y_pm, upper, diag, float(self.tol),
                                                 int(self.max_iter), rng)
        return w, n_epochs

    def fit(self, X, y, sample_weight=None):
        """Fit one binary linear SVM (two classes) or one per class (one-vs-rest).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights ``w_i``: sample ``i`` enters the loss with ``C_i = C w_i`` (times
            its class weight), as in liblinear; samples of weight zero are dropped.

        Returns
        -------
        self : LinearSVC
            The fitted estimator.
        """
        validate_parameters(self)
        if self.loss == "hinge" and self.dual is False:
            raise InvalidParameterError(
                "The 'dual' parameter of LinearSVC must be True or 'auto' with loss='hinge' (the "
                "hinge loss is not differentiable, and is solved in the dual); got False.")
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_squares_representable(X)  # both solvers square X: no silent coef_ = 0
        self.classes_, y_enc = encode_class_labels(y)
        sw = check_sample_weight(sample_weight, X.shape[0])
        K = len(self.classes_)
        class_w = class_weights(self.class_weight, self.classes_, y_enc, sw,   # liblinear's
                                owner="LinearSVC")                            # weight per class
        if self.dual == "auto":  # the smaller problem; a Newton system of <= 101 unknowns is cheap
            use_dual = self.loss == "hinge" or X.shape[0] < X.shape[1] > _SMALL_PRIMAL
        else:
            use_dual = self.dual
        keep = sw > 0                                           # liblinear drops weight zero
        if not keep.all():
            X, y_enc, sw = X[keep], y_enc[keep], sw[keep]
        if self.fit_intercept:  # the augmented constant feature of liblinear
            Xa = np.hstack([X, np.full((X.shape[0], 1), float(self.intercept_scaling))])
        else:
            Xa = np.ascontiguousarray(X)
        rng = np.random.default_rng(check_random_state(self.random_state).randint(2**31 - 1))
        C = float(self.C)
        targets = [1] if K == 2 else range(K)
        weights, n_iter = [], 0
        for k in targets:
            y_pm = np.where(y_enc == k, 1.0, -1.0)
            if K == 2:   # each class its weight; one-vs-rest, the positive class only
                C_i = C * class_w[y_enc] * sw
            else:
                C_i = C * np.where(y_enc == k, class_w[k], 1.0) * sw
            w, it = self._solve(Xa, y_pm, C_i, sw, use_dual, rng)
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
