r"""The training loop shared by :class:`MLPClassifier` and :class:`MLPRegressor`.

The code of the book's chapter Multilayer networks. With the same parameters, data and integer
``random_state`` it makes scikit-learn 1.9's random draws in scikit-learn's order (the
initial weights, then the early-stopping split, then one shuffle per epoch) and its arithmetic,
so that ``coefs_``, ``loss_curve_`` and ``n_iter_`` agree with scikit-learn's to rounding.
"""

import warnings
from numbers import Integral, Real

import numpy as np
import scipy.optimize
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from mlmath.neural_networks.mlp.initialisation import initial_parameters
from mlmath.neural_networks.mlp.network import backward_pass, forward_pass
from mlmath.neural_networks.mlp.solvers import AdamSolver, SGDSolver
from mlmath.validation import Interval, InvalidParameterError, Options

__all__ = []


def _hidden_sizes(hidden_layer_sizes, owner):
    sizes = hidden_layer_sizes
    if not hasattr(sizes, "__iter__"):
        sizes = [sizes]
    sizes = list(sizes)
    if not all(isinstance(s, Integral) and not isinstance(s, bool) and s >= 1 for s in sizes):
        raise InvalidParameterError(
            f"The 'hidden_layer_sizes' parameter of {owner} must be an int >= 1 or a sequence "
            f"of ints >= 1 (the widths of the hidden layers); got {hidden_layer_sizes!r}.")
    return [int(s) for s in sizes]


def _shuffle(order, rng):
    """``sklearn.utils.shuffle(order, random_state=rng)``: the same draw, the same result.

    scikit-learn shuffles ``arange(n)`` in place with ``rng.shuffle`` and indexes the array by
    it; one such draw per epoch keeps the random stream aligned with scikit-learn's.
    """
    perm = np.arange(order.shape[0])
    rng.shuffle(perm)
    return order[perm]


class _BaseMLP(BaseEstimator):
    """The fit machinery; subclasses encode the targets and choose the loss and output."""

    _same_random_draws_as_twin = True

    _parameter_constraints = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [Options(["identity", "logistic", "tanh", "relu"])],
        "solver": [Options(["lbfgs", "sgd", "adam"])],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [Options(["auto"]), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Options(["constant", "invscaling", "adaptive"])],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), Options([np.inf])],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
    }

    # --- subclass hooks -------------------------------------------------------------------
    def _encode_targets(self, y):  # -> Y (n, n_outputs) float64; sets classes_ etc.
        raise NotImplementedError

    def _validation_score(self, X, Y):
        raise NotImplementedError

    # --- fit ------------------------------------------------------------------------------
    def _fit(self, X, y):
        owner = type(self).__name__
        hidden = _hidden_sizes(self.hidden_layer_sizes, owner)
        if self.early_stopping and self.solver != "lbfgs" and self.validation_fraction == 0:
            raise InvalidParameterError(
                f"{owner}: early_stopping=True holds out validation_fraction of the data, so "
                "'validation_fraction' must be in (0, 1); got 0 (0 is allowed only without "
                "early stopping).")
        X, y = validate_data(self, X, y, dtype=np.float64, multi_output=True,
                             y_numeric=not hasattr(self, "_is_classifier_mlp"))
        Y = self._encode_targets(y)
        n, d = X.shape
        self.n_outputs_ = Y.shape[1]
        layer_units = [d, *hidden, self.n_outputs_]
        self.n_layers_ = len(layer_units)
        self.n_iter_ = 0
        self.t_ = 0
        rng = check_random_state(self.random_state)
        self.coefs_, self.intercepts_ = initial_parameters(layer_units, self.activation, rng)
        if self.solver == "lbfgs":
            self._fit_lbfgs(X, Y, layer_units)
        else:
            self._fit_stochastic(X, Y, rng)
        if not all(np.isfinite(w).all() for w in [*self.coefs_, *self.intercepts_]):
            raise ValueError("Solver produced non-finite parameter weights. The input data may "
                             "contain large values and need to be preprocessed (standardised).")
        return self

    def _loss_name(self):
        return {"identity": "squared_error", "exp": "poisson", "softmax": "log_loss",
                "logistic": "binary_log_loss"}[self.out_activation_]

    def _fit_stochastic(self, X, Y, rng):
        params = self.coefs_ + self.intercepts_
        if self.solver == "sgd":
            solver = SGDSolver(params, self.learning_rate_init, self.learning_rate,
                               self.momentum, self.nesterovs_momentum, self.power_t)
        else:
            solver = AdamSolver(params, self.learning_rate_init, self.beta_1, self.beta_2,
                                self.epsilon)
        self.loss_curve_ = []
        self._no_improvement_count = 0
        best_coefs = [c.copy() for c in self.coefs_]
        best_intercepts = [b.copy() for b in self.intercepts_]
        if self.early_stopping:
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
            self.best_loss_ = None
            n_all = X.shape[0]
            stratify = Y.astype(bool) if (hasattr(self, "_is_classifier_mlp")
                                          and self.n_outputs_ == 1) else None
            train, val = train_test_split(np.arange(n_all), random_state=rng,
                                          test_size=self.validation_fraction, stratify=stratify)
            if val.shape[0] < 2:
                raise ValueError("The validation set is too small. Increase "
                                 "'validation_fraction' or the size of your dataset.")
            X_train, Y_train, X_val, Y_val = X[train], Y[train], X[val], Y[val]
        else:
            self.best_loss_ = np.inf
            self.validation_scores_ = None
            self.best_validation_score_ = None
            X_train, Y_train = X, Y
        n = X_train.shape[0]
        if self.batch_size == "auto":
            batch_size = min(200, n)
        else:
            if self.batch_size > n:
                warnings.warn("Got `batch_size` less than 1 or larger than sample size. It is "
                              "going to be clipped", stacklevel=3)
            batch_size = int(np.clip(self.batch_size, 1, n))
        order = np.arange(n, dtype=int)
        loss = self._loss_name()
        for _ in range(self.max_iter):
            if self.shuffle:
                order = _shuffle(order, rng)
            accumulated = 0.0
            for start in range(0, n, batch_size):
                stop = min(start + batch_size, n)
                if self.shuffle:
                    idx = order[start:stop]
                    Xb, Yb = X_train[idx], Y_train[idx]
                else:
                    Xb, Yb = X_train[start:stop], Y_train[start:stop]
                acts = forward_pass(Xb, self.coefs_, self.intercepts_, self.activation,
                                    self.out_activation_)
                value, cg, ig = backward_pass(acts, Yb, self.coefs_, self.intercepts_,
                                              self.activation, loss, self.alpha)
                accumulated += value * (stop - start)
                solver.update_params(params, cg + ig)
            self.n_iter_ += 1
            self.loss_ = accumulated / n
            self.t_ += n
            self.loss_curve_.append(self.loss_)
            if self.early_stopping:
                score = self._validation_score(X_val, Y_val)
                self.validation_scores_.append(score)
                if score < self.best_validation_score_ + self.tol:
                    self._no_improvement_count += 1
                else:
                    self._no_improvement_count = 0
                if score > self.best_validation_score_:
                    self.best_validation_score_ = score
                    best_coefs = [c.copy() for c in self.coefs_]
                    best_intercepts = [b.copy() for b in self.intercepts_]
            else:
                if self.loss_curve_[-1] > self.best_loss_ - self.tol:
                    self._no_improvement_count += 1
                else:
                    self._no_improvement_count = 0
                if self.loss_curve_[-1] < self.best_loss_:
                    self.best_loss_ = self.loss_curve_[-1]
            solver.iteration_ends(self.t_)
            if self._no_improvement_count > self.n_iter_no_change:
                if solver.trigger_stopping():
                    break
                self._no_improvement_count = 0
            if self.n_iter_ == self.max_iter:
                warnings.warn(f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                              "reached and the optimization hasn't converged yet.",
                              ConvergenceWarning, stacklevel=3)
        if self.early_stopping:
            self.coefs_, self.intercepts_ = best_coefs, best_intercepts
        self._solver = solver

    def _fit_lbfgs(self, X, Y, layer_units):
        shapes = [(a, b) for a, b in zip(layer_units[:-1], layer_units[1:])]
        sizes = [a * b for a, b in shapes] + [b for _, b in shapes]
        bounds = np.cumsum([0, *sizes])
        D = len(shapes)
        loss = self._loss_name()

        def unpack(theta):
            coefs = [theta[bounds[k]:bounds[k + 1]].reshape(shapes[k]) for k in range(D)]
            intercepts = [theta[bounds[D + k]:bounds[D + k + 1]] for k in range(D)]
            return coefs, intercepts

        def objective(theta):
            coefs, intercepts = unpack(theta)
            acts = forward_pass(X, coefs, intercepts, self.activation, self.out_activation_)
            value, cg, ig = backward_pass(acts, Y, coefs, intercepts, self.activation, loss,
                                          self.alpha)
            return value, np.hstack([g.ravel() for g in cg + ig])

        theta0 = np.hstack([p.ravel() for p in self.coefs_ + self.intercepts_])
        res = scipy.optimize.minimize(objective, theta0, method="L-BFGS-B", jac=True,
                                      options={"maxfun": self.max_fun,
                                               "maxiter": self.max_iter, "gtol": self.tol})
        if res.status != 0:
            warnings.warn(f"lbfgs failed to converge after {res.nit} iteration(s) "
                          f"(status={res.status}): {res.message}. Increase the number of "
                          "iterations (max_iter) or scale the data.", ConvergenceWarning,
                          stacklevel=3)
        self.n_iter_ = min(int(res.nit), self.max_iter)
        self.loss_ = float(res.fun)
        coefs, intercepts = unpack(res.x)
        self.coefs_ = [c.copy() for c in coefs]
        self.intercepts_ = [b.copy() for b in intercepts]

    # --- prediction -----------------------------------------------------------------------
    def _output(self, X, check_input=True):
        if check_input:
            check_is_fitted(self)
            X = validate_data(self, X, dtype=np.float64, reset=False)
        return forward_pass(X, self.coefs_, self.intercepts_, self.activation,
                            self.out_activation_)[-1]
