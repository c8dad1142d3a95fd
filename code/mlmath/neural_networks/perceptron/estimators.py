r"""The perceptron with scikit-learn's API: binary, and one-vs-all for three classes or more.

The code of the book's perceptron chapter (``book/neural_networks/perceptron.md``). With the same
parameters and data it returns scikit-learn 1.9's ``coef_``, ``intercept_``, ``n_iter_`` and
``t_`` (to rounding): the update loop is :func:`~mlmath.neural_networks.perceptron.online.
perceptron_epochs`, whose stopping rule reads scikit-learn's cached weight norms so that it stops
at the same epoch, and the random order of the samples is scikit-learn's own (the seeds are
drawn from ``random_state`` as scikit-learn draws them, and shuffled by its xorshift generator).
"""

import math
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from mlmath.neural_networks.perceptron.online import perceptron_epochs
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

__all__ = ["Perceptron"]

_MAX_INT = np.iinfo(np.int32).max
_PENALTY_TYPE = {None: 0, "l1": 1, "l2": 2, "elasticnet": 3}


class Perceptron(ClassifierMixin, BaseEstimator):
    r"""The perceptron of Rosenblatt, trained online; one-vs-all for :math:`K > 2` classes.

    Each binary problem (class :math:`k` against the rest, labels :math:`y_i \in \{-1, +1\}`)
    runs epochs of the update :math:`\vw \leftarrow \vw + \eta\,\omega_i y_i\vx_i`,
    :math:`b \leftarrow b + \eta\,\omega_i y_i` on each mistake :math:`y_i(\vw^\top\vx_i+b)\le 0`,
    with an optional penalty, until the epoch's mean objective stops improving.

    Parameters
    ----------
    penalty : {"l2", "l1", "elasticnet"} or None, default=None
        The penalty :math:`\alpha\bigl(\tfrac{1-\rho}{2}\|\vw\|_2^2 + \rho\|\vw\|_1\bigr)` with
        :math:`\rho` = 0 (``"l2"``), 1 (``"l1"``) or ``l1_ratio`` (``"elasticnet"``).
    alpha : float, default=0.0001
        The penalty's strength, ``>= 0`` (unused without a penalty).
    l1_ratio : float, default=0.15
        The L1 share of ``"elasticnet"``, in [0, 1].
    fit_intercept : bool, default=True
        Learn an intercept (otherwise it is 0).
    max_iter : int, default=1000
        The most epochs (passes over the data), ``>= 1``.
    tol : float or None, default=1e-3
        An epoch whose mean objective is not below the best so far minus ``tol`` counts as no
        improvement; ``None`` runs ``max_iter`` epochs.
    shuffle : bool, default=True
        Shuffle the samples before each epoch.
    eta0 : float, default=1.0
        The step, ``> 0``.
    random_state : int, RandomState instance or None, default=0
        Seeds the shuffling (scikit-learn's seeds and shuffle, so the same int gives the same
        fit as scikit-learn).
    early_stopping : bool, default=False
        Only ``False``: stopping on a held-out validation score is not implemented (refused).
    validation_fraction : float, default=0.1
        Accepted for scikit-learn's signature, in (0, 1); used only by ``early_stopping``.
    n_iter_no_change : int, default=5
        Epochs without improvement before stopping, ``>= 1``.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes; ``"balanced"`` is :math:`n / (K n_k)`. In the one-vs-all
        problem of class :math:`k` its samples get the weight of class :math:`k` and the others
        weight one (scikit-learn's convention); with two classes each side gets its class's.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
    intercept_ : ndarray of shape (1,) or (n_classes,)
    n_iter_ : int
        The epochs run (the largest over the one-vs-all problems).
    t_ : float
        ``1 + n_iter_ * n_samples``: scikit-learn's ``t_``, a count of visits (its documentation
        calls them weight updates; without a penalty the weights change only on a mistake).
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Defined when ``X`` has string feature names.

    Notes
    -----
    Implements {eq}`eq-perceptron-update` of the perceptron chapter.
    """

    # the seeds and the shuffle are scikit-learn's: the same random_state gives the same fit
    _same_random_draws_as_twin = True

    _parameter_constraints = {
        "penalty": [Options(["l2", "l1", "elasticnet"]), None],
        "alpha": [Interval(Real, 0.0, None, closed="left")],
        "l1_ratio": [Interval(Real, 0.0, 1.0, closed="both")],
        "fit_intercept": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, None, None, closed="neither"), None],
        "shuffle": ["boolean"],
        "eta0": [Interval(Real, 0.0, None, closed="neither")],
        "random_state": ["random_state"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0.0, 1.0, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "class_weight": [dict, Options(["balanced"]), None],
    }

    def __init__(self, *, penalty=None, alpha=0.0001, l1_ratio=0.15, fit_intercept=True,
                 max_iter=1000, tol=1e-3, shuffle=True, eta0=1.0, random_state=0,
                 early_stopping=False, validation_fraction=0.1, n_iter_no_change=5,
                 class_weight=None):
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.shuffle = shuffle
        self.eta0 = eta0
        self.random_state = random_state
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.class_weight = class_weight

    def fit(self, X, y, sample_weight=None):
        """Fit the perceptron: one-vs-all epochs of online updates.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels (numbers or strings), at least two distinct.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample, multiplying its updates.

        Returns
        -------
        self : object
        """
        validate_parameters(self)
        if self.early_stopping:
            raise InvalidParameterError(
                "The 'early_stopping' parameter of Perceptron must be False; got True "
                "(stopping on a held-out validation score is not implemented: use tol and "
                "n_iter_no_change, or sklearn.linear_model.Perceptron).")
        X, y = validate_data(self, X, y, dtype=np.float64, order="C")
        check_squares_representable(X)  # else the scores x.w, w a sum of samples, over/underflow
        self.classes_, y_enc = encode_class_labels(y)
        sw = check_sample_weight(sample_weight, X.shape[0])
        cw = class_weights(self.class_weight, self.classes_, y_enc, owner="Perceptron")
        n, d = X.shape
        K = len(self.classes_)
        penalty_type = _PENALTY_TYPE[self.penalty]
        l1_ratio = {None: 0.0, "l2": 0.0, "l1": 1.0}.get(self.penalty, float(self.l1_ratio))
        tol = -math.inf if self.tol is None else float(self.tol)
        args = (float(self.eta0), float(self.alpha), l1_ratio, penalty_type,
                bool(self.fit_intercept), int(self.max_iter), tol, int(self.n_iter_no_change),
                bool(self.shuffle))
        if K == 2:  # scikit-learn: a dataset seed, then the shuffle seed, from random_state
            problems = [(1, cw[1], cw[0], self.random_state)]
        else:
            seeds = check_random_state(self.random_state).randint(_MAX_INT, size=K)
            problems = [(k, cw[k], 1.0, int(seeds[k])) for k in range(K)]
        coef = np.zeros((len(problems), d))
        intercept = np.zeros(len(problems))
        self.n_iter_ = 0
        for row, (k, weight_pos, weight_neg, state) in enumerate(problems):
            rng = check_random_state(state)
            rng.randint(1, _MAX_INT)        # the seed of scikit-learn's dataset (unused here)
            seed = int(rng.randint(_MAX_INT))
            y_k = np.where(y_enc == k, 1.0, -1.0)
            intercept[row], n_iter, _ = perceptron_epochs(
                X, y_k, sw, coef[row], 0.0, *args, seed, float(weight_pos), float(weight_neg))
            self.n_iter_ = max(self.n_iter_, int(n_iter))
        self.coef_, self.intercept_ = coef, intercept
        self.t_ = 1.0 + self.n_iter_ * n
        if self.tol is not None and self.n_iter_ == self.max_iter:
            warnings.warn(f"The perceptron did not converge in max_iter={self.max_iter} "
                          "epochs; increase max_iter or loosen tol.", ConvergenceWarning,
                          stacklevel=2)
        return self

    def _expected_failed_checks(self):
        # a weight of 2 doubles a sample's update, as a second copy would in expectation, but the
        # online iterates (one update per visit, in order) differ; the twin excuses this check too
        reason = ("sample_weight equals removing/repeating samples only in expectation: the "
                  "perceptron's iterates depend on the visits")
        return {"check_sample_weight_equivalence_on_dense_data": reason}

    def decision_function(self, X):
        """Signed scores :math:`\\vw_k^\\top\\vx + b_k`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_classes)
            One score per sample for two classes (positive: ``classes_[1]``), else one per class.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        scores = X @ self.coef_.T + self.intercept_
        return scores.ravel() if scores.shape[1] == 1 else scores

    def predict(self, X):
        """The class of largest score (the sign of the score for two classes).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        scores = self.decision_function(X)
        index = (scores > 0).astype(int) if scores.ndim == 1 else scores.argmax(axis=1)
        return self.classes_[index]
