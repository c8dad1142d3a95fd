r"""``MLPClassifier`` and ``MLPRegressor``: multilayer networks with scikit-learn's API.

The code of the book's chapter Multilayer networks (``book/neural_networks/
multilayer_networks.md``). The training loop is in :mod:`mlmath.neural_networks.mlp.base`; with
the same parameters, data and integer ``random_state`` the fits equal scikit-learn 1.9's.
"""

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d

from mlmath.neural_networks.mlp.base import _BaseMLP
from mlmath.validation import Options, encode_class_labels, validate_parameters

__all__ = ["MLPClassifier", "MLPRegressor"]

_PARAMETERS_DOC = r"""
    hidden_layer_sizes : int or sequence of int, default=(100,)
        The widths :math:`d_1, \dots, d_{D-1}` of the hidden layers, each ``>= 1``.
    activation : {"relu", "tanh", "logistic", "identity"}, default="relu"
        The hidden activation :math:`\phi`.
    solver : {"adam", "sgd", "lbfgs"}, default="adam"
        Adam or minibatch SGD (scikit-learn's updates), or full-batch L-BFGS
        (``scipy.optimize.minimize(method="L-BFGS-B")``).
    alpha : float, default=0.0001
        The L2 strength :math:`\alpha \ge 0` (the penalty :math:`\frac{\alpha}{2n}\sum_l
        \|\mW^{(l)}\|_F^2`, :math:`n` the batch size).
    batch_size : int or "auto", default="auto"
        Minibatch size; ``"auto"`` is ``min(200, n)``; larger than :math:`n` is clipped (warned).
    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        SGD's schedule: fixed; :math:`\eta_0/(t+1)^{p}` (:math:`t` the samples seen); divided by
        5 each time progress stalls for more than ``n_iter_no_change`` epochs in a row.
    learning_rate_init : float, default=0.001
        :math:`\eta_0 > 0` (SGD and Adam).
    power_t : float, default=0.5
        :math:`p` of ``"invscaling"``.
    max_iter : int, default=200
        The most epochs (stochastic solvers) or L-BFGS iterations.
    shuffle : bool, default=True
        Reshuffle the samples before each epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the early-stopping split and the shuffles (scikit-learn's
        draws, in its order).
    tol : float, default=1e-4
        An epoch counts as no improvement unless the training loss falls by at least ``tol``
        below its best (or the validation score rises to at least its best plus ``tol``).
    momentum : float, default=0.9
        :math:`\beta \in [0, 1]` (SGD).
    nesterovs_momentum : bool, default=True
        Nesterov's momentum (SGD with ``momentum > 0``).
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data (stratified for a single binary
        target), count the epochs on its score, and keep the weights of the best epoch.
    validation_fraction : float, default=0.1
        The held-out share, in [0, 1); it must be positive when ``early_stopping`` is True
        (with a stochastic solver).
    beta_1, beta_2 : float, default=0.9, 0.999
        Adam's :math:`\beta_1, \beta_2 \in [0, 1)`.
    epsilon : float, default=1e-8
        Adam's :math:`\epsilon > 0`.
    n_iter_no_change : int or inf, default=10
        Stop (or, for ``"adaptive"``, cut the rate) after more than this many epochs in a
        row without improvement.
    max_fun : int, default=15000
        The most loss evaluations of L-BFGS.
"""

_ATTRIBUTES_DOC = r"""
    loss_ : float
        The last epoch's mean objective (L-BFGS: the final objective).
    best_loss_ : float or None
        The smallest epoch loss (``None`` with early stopping; stochastic solvers only).
    loss_curve_ : list of float
        The objective of each epoch (stochastic solvers only).
    validation_scores_ : list of float or None
        The held-out score of each epoch (early stopping only).
    best_validation_score_ : float or None
    t_ : int
        The training samples seen (epochs times training-set size).
    coefs_ : list of ndarray, shapes (d_{l-1}, d_l)
        :math:`\mW^{(1)}, \dots, \mW^{(D)}`.
    intercepts_ : list of ndarray, shapes (d_l,)
        :math:`\vb^{(1)}, \dots, \vb^{(D)}`.
    n_iter_ : int
        Epochs run (L-BFGS: iterations).
    n_layers_ : int
        :math:`D + 1` (inputs, hidden layers, outputs).
    n_outputs_ : int
    out_activation_ : str
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Defined when ``X`` has string feature names.
"""

_DIFFERENCES_DOC = """
    Not implemented from scikit-learn's signature: ``verbose``, ``warm_start``, ``partial_fit``,
    sparse input and ``fit(..., sample_weight)`` (the weighted objective is in
    :func:`~mlmath.neural_networks.mlp.backward_pass`; with minibatches a weight of 2 is not a
    repeated sample, so scikit-learn's weight-equivalence check would fail for the default
    solver: scikit-learn runs it on its own twins only with special settings, L-BFGS for the
    classifier and SGD with ``tol=1e-2, random_state=42`` for the regressor). Input is
    converted to float64 (scikit-learn keeps float32 as float32).
"""


class MLPClassifier(ClassifierMixin, _BaseMLP):
    __doc__ = (r"""A multilayer network trained on the cross-entropy (softmax output for three
    classes or more, one logistic output for two, independent logistic outputs for multi-label
    indicator targets).

    Parameters
    ----------""" + _PARAMETERS_DOC + r"""
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The sorted labels (``arange(n_labels)`` for a multi-label indicator matrix).""" +
        _ATTRIBUTES_DOC + """
    Notes
    -----
    Implements {eq}`eq-mlp-objective` of the chapter.
    """ + _DIFFERENCES_DOC + """
    A ``y`` with a single class is refused (``ValueError``), whereas scikit-learn 1.9.1 fits it
    and predicts that class.
""")

    _is_classifier_mlp = True

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam",
                 alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, momentum=0.9, nesterovs_momentum=True,
                 early_stopping=False, validation_fraction=0.1, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-8, n_iter_no_change=10, max_fun=15000):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun

    def _encode_targets(self, y):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if y.ndim == 2:
            if type_of_target(y) != "multilabel-indicator":
                raise ValueError("MLPClassifier takes a 1-D array of class labels or a "
                                 "multi-label indicator matrix of 0/1 columns; got a 2-D y of "
                                 f"type {type_of_target(y)!r}.")
            self.classes_ = np.arange(y.shape[1])
            self._multilabel = True
            self.out_activation_ = "logistic"
            return np.asarray(y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_, y_enc = encode_class_labels(y)
        self._multilabel = False
        if len(self.classes_) == 2:
            self.out_activation_ = "logistic"
            return y_enc.astype(np.float64).reshape(-1, 1)
        self.out_activation_ = "softmax"
        return np.eye(len(self.classes_))[y_enc]

    def _decode(self, P):
        if self._multilabel:
            return (P > 0.5).astype(int)
        if P.shape[1] == 1:
            return self.classes_[(P.ravel() > 0.5).astype(int)]
        return self.classes_[P.argmax(axis=1)]

    def _validation_score(self, X, Y):
        pred = self._decode(self._output(X, check_input=False))
        if self._multilabel:
            return float(np.average(np.all(pred == Y, axis=1)))
        true = self._decode(Y)
        return float(np.average(pred == true))

    def fit(self, X, y):
        """Fit the network.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels (at least two classes), or a 0/1 multi-label indicator matrix.

        Returns
        -------
        self : object
        """
        validate_parameters(self)
        return self._fit(X, y)

    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_`` (multi-label: each label's probability).
        """
        P = self._output(X)
        if P.shape[1] == 1 and not self._multilabel:
            p = P.ravel()
            return np.vstack([1 - p, p]).T
        return P

    def predict_log_proba(self, X):
        """Logarithms of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        return np.log(self.predict_proba(X))

    def predict(self, X):
        """The most probable class (multi-label: each label whose probability exceeds 1/2).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_labels)
        """
        check_is_fitted(self)
        return self._decode(self._output(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class MLPRegressor(RegressorMixin, _BaseMLP):
    __doc__ = (r"""A multilayer network trained on half the squared error (identity output), or
    on half the Poisson deviance (exponential output); several outputs allowed.

    With several outputs the reported ``loss_`` averages the squared error over the outputs
    while the gradient descended is that of their sum (scikit-learn's convention, kept so that
    the fits are equal).

    Parameters
    ----------
    loss : {"squared_error", "poisson"}, default="squared_error"
        The loss (``"poisson"`` needs targets ``>= 0``).""" + _PARAMETERS_DOC + r"""
    Attributes
    ----------""" + _ATTRIBUTES_DOC + """
    Notes
    -----
    Implements {eq}`eq-mlp-objective` of the chapter.
    """ + _DIFFERENCES_DOC)

    _parameter_constraints = {**_BaseMLP._parameter_constraints,
                              "loss": [Options(["squared_error", "poisson"])]}

    def __init__(self, loss="squared_error", hidden_layer_sizes=(100,), activation="relu", *,
                 solver="adam", alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, momentum=0.9, nesterovs_momentum=True,
                 early_stopping=False, validation_fraction=0.1, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-8, n_iter_no_change=10, max_fun=15000):
        self.loss = loss
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun

    def _encode_targets(self, y):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        Y = np.asarray(y, dtype=np.float64)
        if self.loss == "poisson" and np.any(Y < 0):
            raise ValueError("MLPRegressor(loss='poisson') needs targets y >= 0; got a minimum "
                             f"of {Y.min()!r}.")
        self.out_activation_ = "exp" if self.loss == "poisson" else "identity"
        return Y.reshape(-1, 1) if Y.ndim == 1 else Y

    def _validation_score(self, X, Y):
        pred = self._output(X, check_input=False)
        if not np.isfinite(pred).all():
            return np.nan
        if Y.shape[1] == 1:
            return r2_score(Y.ravel(), pred.ravel())
        return r2_score(Y, pred)

    def fit(self, X, y):
        """Fit the network.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)

        Returns
        -------
        self : object
        """
        validate_parameters(self)
        return self._fit(X, y)

    def predict(self, X):
        """The network's output.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        out = self._output(X)
        return out.ravel() if out.shape[1] == 1 else out
