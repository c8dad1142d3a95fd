r"""Linear regression estimators with scikit-learn's API: ordinary least squares, ridge,
lasso, elastic net and stochastic gradient descent.

The code of the book's linear regression chapter (``book/supervised/linear_regression.md``).
The names and the scaling of every objective match the scikit-learn twin, so each class can
replace its twin in a :class:`~sklearn.pipeline.Pipeline`.
"""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import validate_data

from mlmath.supervised.linear_regression import least_squares as ls
from mlmath.supervised.linear_regression.base import BaseLinearModel, LinearPredictorMixin
from mlmath.supervised.linear_regression.coordinate_descent import enet_coordinate_descent
from mlmath.supervised.linear_regression.sgd import (
    learning_rate_schedule,
    penalty_weights,
    sgd_epoch,
)
from mlmath.validation import (
    Interval,
    Options,
    check_sample_weight,
    check_squares_representable,
    validate_parameters,
)

__all__ = ["LinearRegression", "Ridge", "Lasso", "ElasticNet", "SGDRegressor"]

# the remedy the refusal of unsquarable data names besides rescaling
_NO_SQUARES = "use LinearRegression(solver='svd'), which does not square X"

# the accepted forms of the parameters the estimators share
_NONNEGATIVE = [Interval(Real, 0.0, None, closed="left")]
_POSITIVE = [Interval(Real, 0.0, None, closed="neither")]
_AT_LEAST_ONE = [Interval(Integral, 1, None)]
_FRACTION = [Interval(Real, 0.0, 1.0, closed="both")]


class LinearRegression(BaseLinearModel):
    r"""Ordinary least squares, :math:`\min_{\vw, b} \frac{1}{2n}\|\vy - \mX\vw - b\vone\|_2^2`.

    Parameters
    ----------
    fit_intercept : bool, default=True
        Fit the intercept :math:`b` (by centring, {eq}`eq-linreg-intercept`).
    solver : {"auto", "normal", "qr", "svd", "gd"}, default="auto"
        ``"normal"``: Cholesky on the normal equations {eq}`eq-linreg-normal-equations`;
        ``"qr"``: {eq}`eq-linreg-qr-solution`; ``"svd"``: the minimum-norm solution
        {eq}`eq-linreg-svd-solution`, which also handles rank-deficient ``X``;
        ``"gd"``: gradient descent {eq}`eq-linreg-gd-update`. ``"auto"`` is ``"svd"``.
    step_size : float, default=None
        Step of ``"gd"``; ``None`` uses :math:`1/L`. Ignored by the other solvers.
    max_iter : int, default=1000
        Maximum number of ``"gd"`` iterations.
    tol : float, default=1e-8
        Relative gradient tolerance of ``"gd"``.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        The weights :math:`\hat\vw`.
    intercept_ : float or ndarray of shape (n_targets,)
        The intercept :math:`\hat b`.
    n_iter_ : int or ndarray of shape (n_targets,)
        Iterations of ``"gd"``; 1 for the direct solvers (one factorisation).
    n_features_in_ : int
        Number of features seen during fit.

    Notes
    -----
    Read more in the linear regression chapter of the book, section "Optimization".
    """

    _solves_multi_output = True
    _parameter_constraints = {
        "fit_intercept": ["boolean"],
        "solver": [Options(["auto", "normal", "qr", "svd", "gd"])],
        "step_size": [None, *_POSITIVE],
        "max_iter": _AT_LEAST_ONE,
        "tol": _NONNEGATIVE,
    }

    def __init__(self, *, fit_intercept=True, solver="auto", step_size=None, max_iter=1000,
                 tol=1e-8):
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.step_size = step_size
        self.max_iter = max_iter
        self.tol = tol

    def _solve(self, X, y):
        solver = "svd" if self.solver == "auto" else self.solver
        if solver in ("normal", "gd"):
            check_squares_representable(X, alternative=_NO_SQUARES)
        if solver == "gd":
            w, n_iter = ls.gradient_descent(X, y, step_size=self.step_size,
                                            max_iter=self.max_iter, tol=self.tol)
            return w, {"n_iter": n_iter}
        solve = {"normal": ls.lstsq_normal_equations, "qr": ls.lstsq_qr, "svd": ls.lstsq_svd}
        return solve[solver](X, y), {"n_iter": 1}

    def _expected_failed_checks(self):
        if self.solver in ("normal", "qr"):
            reason = (f"solver={self.solver!r} refuses a rank-deficient X with a LinAlgError "
                      "(by design; 'svd' returns the minimum-norm solution)")
            return {"check_sample_weight_equivalence_on_dense_data": reason,
                    "check_fit2d_1sample": reason}
        return {}


class Ridge(BaseLinearModel):
    r"""Ridge regression, :math:`\min_{\vw, b} \|\vy - \mX\vw - b\vone\|_2^2 + \alpha\|\vw\|_2^2`.

    The objective is {eq}`eq-linreg-ridge-objective`, scaled as scikit-learn's ``Ridge`` (no
    :math:`1/n`), so ``alpha`` means the same in both.

    Parameters
    ----------
    alpha : float, default=1.0
        Regularisation strength :math:`\alpha \ge 0`.
    fit_intercept : bool, default=True
        Fit the (unpenalised) intercept.
    solver : {"auto", "cholesky", "svd"}, default="auto"
        ``"cholesky"``: {eq}`eq-linreg-ridge-closed-form`; ``"svd"``: {eq}`eq-linreg-ridge-svd`.
        ``"auto"`` is ``"cholesky"``.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    n_features_in_ : int

    Notes
    -----
    Read more in the linear regression chapter, section "Regularization and variants".
    """

    _solves_multi_output = True
    _ravel_single_target = True
    _parameter_constraints = {
        "alpha": _NONNEGATIVE,
        "fit_intercept": ["boolean"],
        "solver": [Options(["auto", "cholesky", "svd"])],
    }

    def __init__(self, alpha=1.0, *, fit_intercept=True, solver="auto"):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.solver = solver

    def _solve(self, X, y):
        check_squares_representable(X, alternative=_NO_SQUARES)
        if self.solver == "svd":
            return ls.ridge_svd(X, y, self.alpha), {}
        return ls.ridge_cholesky(X, y, self.alpha), {}


class ElasticNet(BaseLinearModel):
    r"""Elastic net: least squares with a mix of the lasso and ridge penalties.

    Minimises :math:`\frac{1}{2n}\|\vy - \mX\vw - b\vone\|_2^2 + \alpha\rho\|\vw\|_1
    + \frac{\alpha(1-\rho)}{2}\|\vw\|_2^2`.

    The objective is {eq}`eq-linreg-enet-objective`, the same as scikit-learn's
    ``ElasticNet``; it is minimised by cyclic coordinate descent {eq}`eq-linreg-cd-update`
    until the duality gap {eq}`eq-linreg-duality-gap` is below ``tol * ||y||^2 / n`` (for
    ``alpha=0``, least squares, until every ``|X_j^T r| <= tol ||X_j|| ||y||``).

    Parameters
    ----------
    alpha : float, default=1.0
        Regularisation strength :math:`\alpha \ge 0`.
    l1_ratio : float, default=0.5
        The mix :math:`\rho \in [0, 1]`: 1 is the lasso, 0 is ridge (with the :math:`1/(2n)`
        scaling).
    fit_intercept : bool, default=True
    max_iter : int, default=1000
        Maximum number of sweeps over the coordinates.
    tol : float, default=1e-4
        Tolerance on the duality gap, relative to :math:`\|\vy\|_2^2/n`.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    n_iter_ : int or ndarray of shape (n_targets,)
        Sweeps run.
    dual_gap_ : float or ndarray of shape (n_targets,)
        Duality gap at the solution.
    n_features_in_ : int

    Notes
    -----
    Read more in the linear regression chapter, section "Regularization and variants".
    """

    _normalize_sample_weight = True
    _ravel_single_target = True
    _center_order = "F"  # coordinate descent reads one column at a time: no second copy
    _parameter_constraints = {
        "alpha": _NONNEGATIVE,
        "l1_ratio": _FRACTION,
        "fit_intercept": ["boolean"],
        "max_iter": _AT_LEAST_ONE,
        "tol": _NONNEGATIVE,
    }

    def __init__(self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True, max_iter=1000,
                 tol=1e-4):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol

    def _solve(self, X, y):
        check_squares_representable(X, alternative=_NO_SQUARES)
        w, gap, n_iter = enet_coordinate_descent(
            X, y, self.alpha, self.l1_ratio, max_iter=self.max_iter, tol=self.tol
        )
        return w, {"n_iter": n_iter, "dual_gap": gap}


class Lasso(ElasticNet):
    r"""The lasso, :math:`\frac{1}{2n}\|\vy - \mX\vw - b\vone\|_2^2 + \alpha\|\vw\|_1`.

    The objective is {eq}`eq-linreg-lasso-objective`, as scikit-learn's ``Lasso``:
    :class:`ElasticNet` with ``l1_ratio=1``.

    Parameters
    ----------
    alpha : float, default=1.0
        Regularisation strength :math:`\alpha \ge 0`.
    fit_intercept : bool, default=True
    max_iter : int, default=1000
        Maximum number of sweeps over the coordinates.
    tol : float, default=1e-4
        Tolerance on the duality gap, relative to :math:`\|\vy\|_2^2/n`.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    n_iter_ : int or ndarray of shape (n_targets,)
    dual_gap_ : float or ndarray of shape (n_targets,)
    n_features_in_ : int

    Notes
    -----
    Read more in the linear regression chapter, section "Regularization and variants".
    """

    _parameter_constraints = {key: value for key, value in
                              ElasticNet._parameter_constraints.items() if key != "l1_ratio"}

    def __init__(self, alpha=1.0, *, fit_intercept=True, max_iter=1000, tol=1e-4):
        super().__init__(alpha=alpha, l1_ratio=1.0, fit_intercept=fit_intercept,
                         max_iter=max_iter, tol=tol)


class SGDRegressor(LinearPredictorMixin, RegressorMixin, BaseEstimator):
    r"""Penalised least squares by mini-batch stochastic gradient descent.

    Minimises :math:`\frac1n\sum_i \frac12(y_i - \vx_i^\top\vw - b)^2 + \alpha \Omega(\vw)`
    with the update {eq}`eq-linreg-sgd-update`; ``penalty``, ``alpha``, ``l1_ratio``,
    ``learning_rate``, ``eta0`` and ``power_t`` mean what they mean in scikit-learn's
    ``SGDRegressor``. With the default ``batch_size=1`` and ``penalty="l2"`` (or ``None``) it is
    scikit-learn's algorithm (one sample per update); for ``"l1"`` and ``"elasticnet"`` it takes
    a proximal (soft-thresholding) step where scikit-learn applies the cumulative penalty of
    Tsuruoka, Tsujii and Ananiadou (2009), so those iterates differ. ``batch_size > 1`` averages
    the gradient over mini-batches (fewer, less noisy updates per epoch). With
    ``sample_weight``, each sample's gradient is multiplied by its weight, as in scikit-learn.
    It fits the intercept as one more parameter, without centring, so it shares only the
    prediction with the other linear models (:class:`LinearPredictorMixin`). One safeguard
    differs: each step
    is capped at :math:`1/L_B`, the inverse of a bound on the curvature of the batch's loss
    (see :func:`mlmath.supervised.linear_regression.sgd.sgd_epoch`), so SGD cannot diverge on badly
    scaled features or large sample weights. On standardised features with unit weights the
    cap binds only on samples with :math:`\|x_i\|^2 + 1 > 1/\eta_0` (at the default ``eta0``,
    from about :math:`d = 70`); where it binds, the iterates differ from scikit-learn's.

    Parameters
    ----------
    penalty : {"l2", "l1", "elasticnet"} or None, default="l2"
        :math:`\Omega(\vw) = \tfrac12\|\vw\|_2^2`, :math:`\|\vw\|_1`, or
        :math:`\rho\|\vw\|_1 + \tfrac{1-\rho}{2}\|\vw\|_2^2`.
    alpha : float, default=1e-4
        Regularisation strength :math:`\alpha \ge 0`.
    l1_ratio : float, default=0.15
        The mix :math:`\rho \in [0, 1]` of ``"elasticnet"``.
    fit_intercept : bool, default=True
    max_iter : int, default=1000
        Maximum number of epochs (passes over the data).
    tol : float or None, default=1e-3
        Stop when the epoch's running objective (each sample's term of the objective, summed
        during the epoch at the weights before that sample's update, divided by
        :math:`n`) has been above the best so far minus ``tol`` for ``n_iter_no_change``
        consecutive epochs: scikit-learn's rule, so ``n_iter_`` is scikit-learn's for the same
        order of the samples when the iterates are the same (``penalty="l2"`` or ``None``, no
        sample weights, the step cap not binding). ``None`` runs ``max_iter`` epochs.
    shuffle : bool, default=True
        Shuffle the samples before each epoch.
    random_state : int, RandomState instance or None, default=None
        Seed of the shuffling.
    learning_rate : {"constant", "invscaling"}, default="invscaling"
        :math:`\eta_t = \eta_0` or :math:`\eta_t = \eta_0/t^{\beta}`, :math:`t` counting updates.
    eta0 : float, default=0.01
        Initial step :math:`\eta_0 > 0`.
    power_t : float, default=0.25
        Exponent :math:`\beta` of ``"invscaling"``.
    n_iter_no_change : int, default=5
        Epochs without improvement before stopping.
    batch_size : int, default=1
        Samples per update (1 is plain SGD).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : ndarray of shape (1,)
    n_iter_ : int
        Epochs run by the last call to ``fit`` (or 1 after ``partial_fit``).
    t_ : int
        Updates made since the model was initialised.
    n_features_in_ : int

    Notes
    -----
    Read more in the linear regression chapter, section "Regularization and variants".
    """

    def __init__(self, *, penalty="l2", alpha=1e-4, l1_ratio=0.15, fit_intercept=True,
                 max_iter=1000, tol=1e-3, shuffle=True, random_state=None,
                 learning_rate="invscaling", eta0=0.01, power_t=0.25, n_iter_no_change=5,
                 batch_size=1):
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.shuffle = shuffle
        self.random_state = random_state
        self.learning_rate = learning_rate
        self.eta0 = eta0
        self.power_t = power_t
        self.n_iter_no_change = n_iter_no_change
        self.batch_size = batch_size

    _parameter_constraints = {
        "penalty": [Options([None, "l2", "l1", "elasticnet"])],
        "alpha": _NONNEGATIVE,
        "l1_ratio": _FRACTION,
        "fit_intercept": ["boolean"],
        "max_iter": _AT_LEAST_ONE,
        "tol": [None, *_NONNEGATIVE],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "learning_rate": [Options(["constant", "invscaling"])],
        "eta0": _POSITIVE,
        "power_t": _NONNEGATIVE,
        "n_iter_no_change": _AT_LEAST_ONE,
        "batch_size": _AT_LEAST_ONE,
    }

    def _expected_failed_checks(self):
        # SGD is stochastic: a weight of 2 doubles a sample's expected gradient, as a second copy
        # does, but the iterates (one update per visit, in a random order) differ; the twin
        # excuses the same check for the same reason.
        reason = ("sample_weight equals removing/repeating samples only in expectation: "
                  "SGD's iterates depend on the visits")
        return {"check_sample_weight_equivalence_on_dense_data": reason}

    def _init_state(self, n_features):
        self.coef_ = np.zeros(n_features)
        self.intercept_ = np.zeros(1)
        self.t_ = 0
        self._rng = check_random_state(self.random_state)

    def _epochs(self, X, y, sample_weight, n_epochs, stop_early):
        l1_weight, l2_weight = penalty_weights(self.penalty, self.l1_ratio)
        step = learning_rate_schedule(self.learning_rate, self.eta0, self.power_t)
        w, b = self.coef_.copy(), float(self.intercept_[0])
        best, stalled, epoch = np.inf, 0, 0
        sq_norms = np.einsum("ij,ij->i", X, X)  # ||x_i||^2, for the step caps of every epoch
        while epoch < n_epochs:
            order = self._rng.permutation(X.shape[0]) if self.shuffle else np.arange(X.shape[0])
            with np.errstate(over="ignore", invalid="ignore"):  # divergence is checked below
                w, b, self.t_, objective = sgd_epoch(
                    X, y, w, b, alpha=self.alpha, l1_weight=l1_weight, l2_weight=l2_weight,
                    fit_intercept=self.fit_intercept, batch_size=self.batch_size, step=step,
                    t=self.t_, order=order, sample_weight=sample_weight, return_objective=True,
                    sq_norms=sq_norms,
                )
            epoch += 1
            if not np.all(np.isfinite(w)) or not np.isfinite(b):
                raise FloatingPointError(
                    f"SGD produced non-finite weights in epoch {epoch}: the features are too "
                    "large to square in float64; standardise them (StandardScaler)."
                )
            if stop_early:  # scikit-learn's rule, on the objective summed during the epoch
                stalled = stalled + 1 if objective > best - self.tol else 0
                best = min(best, objective)
                if stalled >= self.n_iter_no_change:
                    break
        else:
            if stop_early:
                warnings.warn(
                    f"SGD stopped at max_iter={n_epochs} epochs before the objective stopped "
                    "improving; increase max_iter.", ConvergenceWarning, stacklevel=3,
                )
        self.coef_, self.intercept_ = w, np.array([b])
        return epoch

    def fit(self, X, y, sample_weight=None):
        """Fit by SGD from zero weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample, which multiplies its gradient; ``None`` gives
            every sample weight one.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        validate_parameters(self)  # the parameters first, then the data
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True, order="C")
        sw = None if sample_weight is None else check_sample_weight(sample_weight, X.shape[0])
        self._init_state(X.shape[1])
        self.n_iter_ = self._epochs(X, y, sw, self.max_iter, stop_early=self.tol is not None)
        return self

    def partial_fit(self, X, y, sample_weight=None):
        """Run one epoch of SGD on ``(X, y)``, continuing from the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample, which multiplies its gradient; ``None`` gives
            every sample weight one.

        Returns
        -------
        self : object
            The updated estimator.
        """
        validate_parameters(self)
        first_call = not hasattr(self, "coef_")
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True, reset=first_call,
                             order="C")
        sw = None if sample_weight is None else check_sample_weight(sample_weight, X.shape[0])
        if first_call:
            self._init_state(X.shape[1])
        self.n_iter_ = self._epochs(X, y, sw, 1, stop_early=False)
        return self
