"""The kernel support vector classifier ``SVC``, trained by SMO, with one-vs-one multiclass.

Each pair of classes ``(a, b)``, ``a < b``, gets its own binary soft-margin SVM, solved in the
dual by :func:`mlmath.supervised.svm.smo.smo`; the fitted attributes are laid out exactly as libsvm
and scikit-learn lay them out (support vectors grouped by class, ``dual_coef_`` of shape
``(n_classes - 1, n_SV)``, one intercept per pair), so the two can be compared entry by entry.
"""

from numbers import Integral, Real

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_random_state
from sklearn.utils._available_if import available_if
from sklearn.utils.validation import check_is_fitted, validate_data

from mlmath.supervised.knn.distances import rows_in_budget
from mlmath.supervised.svm.kernels import KERNELS, kernel_matrix, resolve_gamma
from mlmath.supervised.svm.smo import KernelColumns, smo
from mlmath.validation import (
    Interval,
    Options,
    check_sample_weight,
    class_weights,
    encode_class_labels,
    validate_parameters,
)

__all__ = ["SVC", "ovr_from_ovo", "decision_chunk_rows", "platt_sigmoid", "pairwise_coupling"]

MIN_PROB = 1e-7  # libsvm clips the pairwise probabilities to [MIN_PROB, 1 - MIN_PROB]
N_FOLDS = 5      # folds of the internal cross-validation that gives Platt's decision values


def decision_chunk_rows(n_support, n_features, n_pairs, working_memory=None):
    """Number of query rows per chunk of the decision function within ``working_memory`` MiB.

    One query row of a chunk holds at most ``d + 3 s + 2 p`` 8-byte words of temporaries with
    ``s`` support vectors, ``d`` features and ``p`` pairs of classes: the centred query (RBF),
    the kernel row with the two other rows the expansion or the polynomial builds on the way,
    and the pairwise decision values with their sum with the intercepts. The chunk size is the
    budget divided by that, at least one row, so that the memory used does not grow with the
    number of queries.

    Parameters
    ----------
    n_support, n_features, n_pairs : int
        ``s``, ``d`` and ``p``.
    working_memory : float, default=None
        Budget in MiB; ``None`` takes the smaller of scikit-learn's ``working_memory`` setting
        (``sklearn.get_config()``, 1024 MiB unless changed) and 8 MiB
        (:data:`mlmath.supervised.knn.distances.SEARCH_MEMORY_MIB`), as the k-NN code does.

    Returns
    -------
    int
    """
    words = int(n_features) + 3 * int(n_support) + 2 * int(n_pairs)
    return rows_in_budget(words, working_memory)


def ovr_from_ovo(dec, n_classes):
    """scikit-learn's one-vs-rest decision values from one-vs-one ones.

    Each class gets its number of pairwise wins plus the sum of its pairwise decision values,
    squashed monotonically into ``(-1/3, 1/3)`` so that it breaks ties of the votes without
    ever reversing a difference of one vote.

    Parameters
    ----------
    dec : ndarray of shape (n_samples, n_classes * (n_classes - 1) / 2)
        Pairwise decision values in the order (0, 1), (0, 2), ..., (1, 2), ...; positive
        favours the first class of the pair.
    n_classes : int

    Returns
    -------
    ndarray of shape (n_samples, n_classes)
    """
    first, second = np.triu_indices(n_classes, k=1)  # the pairs, in libsvm's order
    onehot_first = np.eye(n_classes)[first]          # (n_pairs, n_classes)
    onehot_second = np.eye(n_classes)[second]
    votes = (dec >= 0) @ onehot_first + (dec < 0) @ onehot_second
    conf = dec @ onehot_first - dec @ onehot_second
    return votes + conf / (3.0 * (np.abs(conf) + 1.0))


def _platt_gradient_hessian(A, B, f, t):
    """Gradient and Hessian in ``(A, B)`` of the cross-entropy {eq}`eq-svm-platt-nll`.

    Parameters
    ----------
    A, B : float
        The sigmoid's parameters.
    f : ndarray of shape (n,)
        Decision values.
    t : ndarray of shape (n,)
        Platt's regularised targets.

    Returns
    -------
    g : ndarray of shape (2,)
    H : ndarray of shape (2, 2)
    """
    p = expit(-(A * f + B))                       # P(y = +1 | f) for each sample
    w, r = p * (1.0 - p), t - p                   # the Hessian's weights, the residuals
    g = np.array([f @ r, r.sum()])
    H = np.array([[f * f @ w, f @ w], [f @ w, w.sum()]])
    return g, H


def platt_sigmoid(dec, y, *, max_iter=100, min_step=1e-10, sigma=1e-12, eps=1e-5):
    """Fit Platt's sigmoid ``P(y = +1 | f) = 1 / (1 + exp(A_P f + B_P))`` to decision values.

    Minimises the negative log-likelihood with Platt's regularised targets
    ``y~_+ = (n_+ + 1) / (n_+ + 2)`` for the positive samples and ``y~_- = 1 / (n_- + 2)`` for
    the negative ones, by Newton's method on ``(A_P, B_P)`` with the Hessian shifted by
    ``sigma I`` and a backtracking line search (Armijo's condition with ``1e-4``), from
    ``A_P = 0``, ``B_P = log((n_- + 1) / (n_+ + 1))``: the algorithm of Lin, Lin and Weng
    (2007), libsvm's ``sigmoid_train``, with the same constants.

    Parameters
    ----------
    dec : ndarray of shape (n_samples,)
        Decision values, positive favouring the positive class.
    y : ndarray of shape (n_samples,)
        Labels, ``+1`` or ``-1``.
    max_iter : int, default=100
        Newton iterations at most.
    min_step : float, default=1e-10
        The line search gives up below this step.
    sigma : float, default=1e-12
        Shift of the Hessian's diagonal (keeps it positive definite).
    eps : float, default=1e-5
        Stop when both components of the gradient are below ``eps`` in absolute value.

    Returns
    -------
    A, B : float
        The sigmoid's slope ``A_P`` and offset ``B_P`` (libsvm's ``probA`` and ``probB``).

    Notes
    -----
    Implements {eq}`eq-svm-platt-nll`, its gradient and Hessian {eq}`eq-svm-platt-newton` of
    the support vector machine chapter.
    """
    f = np.asarray(dec, dtype=float)
    pos = np.asarray(y) > 0
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    t = np.where(pos, (n_pos + 1.0) / (n_pos + 2.0), 1.0 / (n_neg + 2.0))

    def nll(A, B):  # sum of t z - min(z, 0) + log(1 + exp(-|z|)), z = A f + B: no overflow
        z = A * f + B
        return float(np.sum(t * z - np.minimum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))))

    A, B = 0.0, float(np.log((n_neg + 1.0) / (n_pos + 1.0)))
    value = nll(A, B)
    for _ in range(max_iter):
        g, H = _platt_gradient_hessian(A, B, f, t)
        if np.all(np.abs(g) < eps):
            break
        H = H + sigma * np.eye(2)                 # libsvm's safeguard
        d = -np.linalg.solve(H, g)                # Newton direction
        slope, step = float(g @ d), 1.0
        while step >= min_step:                   # backtracking: halve until Armijo holds
            new_value = nll(A + step * d[0], B + step * d[1])
            if new_value < value + 1e-4 * step * slope:
                A, B, value = A + step * d[0], B + step * d[1], new_value
                break
            step /= 2.0
        else:
            break                                 # the line search failed: keep (A, B)
    return A, B


def pairwise_coupling(R, *, max_iter=None, eps=None):
    """Class probabilities from pairwise ones (Wu, Lin and Weng 2004, method 2; libsvm's).

    With ``r_ab`` the estimate of ``P(y = a | y in {a, b}, x)``, finds ``pi`` on the simplex
    minimising ``sum_a sum_{b != a} (r_ba pi_a - r_ab pi_b)^2``, i.e. ``2 pi^T Q pi`` with
    ``Q_aa = sum_{b != a} r_ba^2`` and ``Q_ab = -r_ba r_ab``, by libsvm's fixed-point
    iteration on the optimality condition ``Q pi = (pi^T Q pi) 1``, for every sample at once.
    The iteration stops at ``eps``, so the result is the minimiser only to about ``eps``
    (with two classes, the exact minimiser is ``pi_0 = r_01``).

    Parameters
    ----------
    R : ndarray of shape (n_samples, n_classes, n_classes)
        ``R[s, a, b] = r_ab`` for ``a != b``, with ``r_ab + r_ba = 1``; the diagonal is ignored.
    max_iter : int, default=None
        Iterations at most; ``None`` is libsvm's ``max(100, n_classes)``.
    eps : float, default=None
        Stop a sample when ``max_a |(Q pi)_a - pi^T Q pi| < eps``; ``None`` is libsvm's
        ``0.005 / n_classes``.

    Returns
    -------
    P : ndarray of shape (n_samples, n_classes)
        Probabilities, each row summing to one.

    Notes
    -----
    Implements {eq}`eq-svm-coupling` of the support vector machine chapter.
    """
    R = np.asarray(R, dtype=float)
    n, k = R.shape[0], R.shape[1]
    max_iter = max(100, k) if max_iter is None else max_iter
    eps = 0.005 / k if eps is None else eps
    off = ~np.eye(k, dtype=bool)
    Rt = np.swapaxes(R, 1, 2)                      # Rt[s, a, b] = r_ba
    Q = np.where(off, -Rt * R, 0.0)                # Q_ab = -r_ba r_ab off the diagonal
    idx = np.arange(k)
    Q[:, idx, idx] = np.sum(np.where(off, Rt, 0.0) ** 2, axis=2)  # Q_aa = sum_b r_ba^2
    P = np.full((n, k), 1.0 / k)
    for _ in range(max_iter):
        Qp = np.einsum("sab,sb->sa", Q, P)
        pQp = np.einsum("sa,sa->s", P, Qp)
        active = np.max(np.abs(Qp - pQp[:, None]), axis=1) >= eps
        if not active.any():
            break
        Qa, Pa, Qpa, pQpa = Q[active], P[active], Qp[active], pQp[active]
        for a in range(k):                         # one coordinate at a time, as libsvm
            diff = (pQpa - Qpa[:, a]) / Qa[:, a, a]
            Pa[:, a] += diff
            pQpa = (pQpa + diff * (diff * Qa[:, a, a] + 2.0 * Qpa[:, a])) / (1.0 + diff) ** 2
            Qpa = (Qpa + diff[:, None] * Qa[:, a, :]) / (1.0 + diff[:, None])
            Pa /= 1.0 + diff[:, None]
        P[active] = Pa
    return P


def _check_weighted_classes(positive, y_enc, classes):
    """Raise before SMO when the weights leave a binary problem nothing to separate.

    libsvm (and scikit-learn) refuse a problem whose samples of positive weight all belong to
    one class; a pair of classes none of whose samples has a positive weight would leave SMO
    with every bound ``C_i = 0`` and no intercept to estimate.

    Parameters
    ----------
    positive : ndarray of shape (n_samples,), dtype bool
        Whether each sample's bound ``C_i`` is positive.
    y_enc : ndarray of shape (n_samples,)
        Class indices into ``classes``.
    classes : ndarray of shape (n_classes,)
        The class labels.

    Raises
    ------
    ValueError
        If every sample of positive weight belongs to one class, or if some pair of classes
        has no sample of positive weight.
    """
    weighted = np.zeros(len(classes), dtype=bool)
    weighted[np.unique(y_enc[positive])] = True
    if weighted.sum() < 2:
        raise ValueError("Invalid input - all samples with positive weights belong to the same "
                         "class: SVC needs positive weights in at least two classes.")
    if weighted.sum() < len(classes) - 1:      # two classes without weight make an empty pair
        first, second = (c.item() if hasattr(c, "item") else c for c in classes[~weighted][:2])
        raise ValueError(
            f"Invalid input - the samples of classes {first!r} and {second!r} all have "
            "zero weight, so their binary problem has nothing to fit: remove these classes "
            "from the data (scikit-learn drops them).")


class SVC(ClassifierMixin, BaseEstimator):
    """Kernel support vector classifier trained by SMO (scikit-learn's ``SVC``).

    Parameters
    ----------
    C : float, default=1.0
        Penalty of the slacks (the box bound of the dual multipliers), ``C > 0``.
    kernel : {"linear", "poly", "rbf", "sigmoid"}, default="rbf"
    degree : int, default=3
        Degree of the polynomial kernel.
    gamma : {"scale", "auto"} or float, default="scale"
        Kernel coefficient: ``"scale"`` is ``1 / (n_features * X.var())``, ``"auto"`` is
        ``1 / n_features``.
    coef0 : float, default=0.0
        Constant term of the polynomial and sigmoid kernels.
    tol : float, default=1e-3
        SMO stops when the maximal violating pair's gap is at most ``tol``.
    cache_size : float, default=200
        Megabytes of kernel columns kept per binary problem: columns are computed when SMO
        asks for them and at most this much memory of them is kept.
    class_weight : dict, "balanced" or None, default=None
        Multiplies ``C`` by the weight of each sample's class (libsvm's ``C_i = C w_{y_i}``, with
        the sample weight as a further factor);
        ``"balanced"`` is ``n / (n_classes * n_c)`` for a class of ``n_c`` samples.
    probability : bool, default=False
        Fit Platt's sigmoid to each pair's decision values, from an internal 5-fold
        cross-validation, so that ``predict_proba`` exists (fitting costs about six times
        more). ``predict`` still votes, and can disagree with ``argmax predict_proba``.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffling of the internal cross-validation (``probability=True`` only).
    max_iter : int, default=-1
        SMO iterations per binary problem; ``-1`` means no limit.
    decision_function_shape : {"ovr", "ovo"}, default="ovr"
        Shape of ``decision_function`` with more than two classes.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    support_ : ndarray of shape (n_SV,)
        Indices of the support vectors, grouped by class.
    support_vectors_ : ndarray of shape (n_SV, n_features)
    n_support_ : ndarray of shape (n_classes,), dtype int32
        Support vectors per class.
    dual_coef_ : ndarray of shape (n_classes - 1, n_SV)
        ``alpha_i y_i`` of the support vectors in the pairwise problems (libsvm's layout).
    intercept_ : ndarray of shape (n_classes * (n_classes - 1) / 2,)
    coef_ : ndarray of shape (n_classes * (n_classes - 1) / 2, n_features)
        The primal weights; only for ``kernel="linear"``.
    n_iter_ : ndarray of shape (n_classes * (n_classes - 1) / 2,), dtype int32
        SMO iterations of each binary problem.
    class_weight_ : ndarray of shape (n_classes,)
        The weight of each class (ones when ``class_weight=None``).
    probA_, probB_ : ndarray of shape (n_classes * (n_classes - 1) / 2,)
        Platt's ``A_P`` and ``B_P`` of each pair, in libsvm's sign (the probability of the
        pair's first class is ``1 / (1 + exp(A_P f + B_P))`` with ``f`` positive for that
        class); empty unless fitted with ``probability=True``.
    fit_status_ : int
        0 if every binary problem converged, 1 otherwise.
    n_features_in_ : int

    Notes
    -----
    Implements the dual {eq}`eq-svm-dual-soft`, solved by {prf:ref}`alg-svm-smo`, and the
    decision function {eq}`eq-svm-kernel-decision` of the support vector machine chapter;
    with ``probability=True``, Platt scaling {eq}`eq-svm-platt-nll` and the pairwise coupling
    {eq}`eq-svm-coupling`.
    """

    _parameter_constraints = {
        "C": [Interval(Real, 0.0, None, closed="neither")],
        "kernel": [Options(KERNELS)],
        "degree": [Interval(Integral, 0, None, closed="left")],
        "gamma": [Options(["scale", "auto"]), Interval(Real, 0.0, None, closed="left")],
        "coef0": [Interval(Real, None, None)],
        "tol": [Interval(Real, 0.0, None, closed="neither")],
        "cache_size": [Interval(Real, 0.0, None, closed="neither")],
        "class_weight": [dict, Options(["balanced"]), None],
        "probability": ["boolean"],
        "random_state": ["random_state"],
        "max_iter": [Options([-1]), Interval(Integral, 1, None, closed="left")],
        "decision_function_shape": [Options(["ovr", "ovo"])],
    }

    def __init__(self, *, C=1.0, kernel="rbf", degree=3, gamma="scale", coef0=0.0, tol=1e-3,
                 cache_size=200, class_weight=None, probability=False, random_state=None,
                 max_iter=-1, decision_function_shape="ovr"):
        self.C = C
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.tol = tol
        self.cache_size = cache_size
        self.class_weight = class_weight
        self.probability = probability
        self.random_state = random_state
        self.max_iter = max_iter
        self.decision_function_shape = decision_function_shape


    def _kernel_params(self):
        return dict(gamma=self._gamma, degree=self.degree, coef0=self.coef0)

    def _expected_failed_checks(self):
        # scikit-learn's own SVC is excused from this check for the same reasons
        reason = ("an integer sample weight is equivalent to repeating the sample only at the "
                  "exact optimum: SMO stops at a gap of tol on a different path, and "
                  "gamma='scale' uses the variance of X, which repeating samples changes")
        return {"check_sample_weight_equivalence_on_dense_data": reason}

    def _solve(self, X, y, C):
        """SMO on one binary problem: multipliers, intercept, iterations, convergence."""
        columns = KernelColumns(X, self.kernel, cache_size=self.cache_size,
                                **self._kernel_params())
        alpha, bias, it, converged, _ = smo(columns, y, C, tol=self.tol,
                                            max_iter=self.max_iter)
        return alpha, bias, it, converged

    def _platt_pair(self, X, y, C, rng):
        """Platt's ``(A, B)`` for one pair, from 5-fold cross-validated decision values.

        As libsvm's ``svm_binary_svc_probability``: the samples (of positive weight) are
        shuffled and cut into five folds; each fold's decision values come from an SVM trained
        on the other four with the same ``C_i``; a training part with one class only gives the
        values ``+1`` or ``-1``.
        """
        keep = np.flatnonzero(C > 0)                 # libsvm drops samples of weight 0
        X, y, C = X[keep], y[keep], C[keep]
        n = len(y)
        perm = rng.permutation(n)
        dec = np.empty(n)
        for k in range(N_FOLDS):
            held = perm[k * n // N_FOLDS:(k + 1) * n // N_FOLDS]
            train = np.setdiff1d(perm, held, assume_unique=True)
            n_pos = int(np.sum(y[train] > 0))
            if n_pos == 0 or n_pos == len(train):   # one class: libsvm's constant values
                dec[held] = 0.0 if len(train) == 0 else (1.0 if n_pos else -1.0)
                continue
            alpha, bias, _, _ = self._solve(X[train], y[train], C[train])
            sv = alpha > 0
            K = kernel_matrix(X[held], X[train][sv], self.kernel, **self._kernel_params())
            dec[held] = K @ (alpha[sv] * y[train][sv]) + bias
        return platt_sigmoid(dec, y)

    def fit(self, X, y, sample_weight=None):
        """Fit one binary SVM per pair of classes by SMO.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training samples.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights ``w_i``: sample ``i``'s multiplier is bounded by
            ``C_i = C w_i`` (times its class's weight), as libsvm does; a sample of weight 0
            is left out.

        Returns
        -------
        self : SVC

        Raises
        ------
        ValueError
            If every sample of positive weight (``C_i > 0``) belongs to one class, as libsvm
            reports, or two classes have no sample of positive weight (checked before SMO).
        ValueError
            If the kernel cannot be computed in floating point (``gamma="scale"`` on data of
            extreme scale, kernel values or SMO's gap that overflow): SMO would not stop.
        """
        validate_parameters(self)
        X, y = validate_data(self, X, y, dtype=np.float64, order="C")
        self.classes_, y_enc = encode_class_labels(y)
        weight = check_sample_weight(sample_weight, X.shape[0])
        self.class_weight_ = class_weights(self.class_weight, self.classes_, y_enc, owner="SVC")
        C_all = float(self.C) * self.class_weight_[y_enc] * weight  # libsvm's C_i per sample
        _check_weighted_classes(C_all > 0, y_enc, self.classes_)
        # the linear kernel has no gamma: data too extreme for "scale" must not fail there
        self._gamma = 1.0 if self.kernel == "linear" else resolve_gamma(self.gamma, X)
        rng = check_random_state(self.random_state)
        n_classes = len(self.classes_)
        members = [np.flatnonzero(y_enc == c) for c in range(n_classes)]  # libsvm's grouping
        pairs = list(zip(*np.triu_indices(n_classes, k=1)))
        alphas, intercepts, n_iter, status, platt = [], [], [], 0, []
        for a, b in pairs:
            idx = np.concatenate([members[a], members[b]])
            y_pair = np.where(y_enc[idx] == a, 1.0, -1.0)  # +1 for the first class (libsvm)
            alpha, bias, it, converged = self._solve(X[idx], y_pair, C_all[idx])
            alphas.append(alpha)
            intercepts.append(bias)
            n_iter.append(it)
            status = status or int(not converged)
            if self.probability:
                platt.append(self._platt_pair(X[idx], y_pair, C_all[idx], rng))
        self.probA_ = np.array([A for A, _ in platt])
        self.probB_ = np.array([B for _, B in platt])

        # a sample is a support vector if it is one in any pair it belongs to
        is_sv = [np.zeros(len(m), dtype=bool) for m in members]
        for (a, b), alpha in zip(pairs, alphas):
            na = len(members[a])
            is_sv[a] |= alpha[:na] > 0
            is_sv[b] |= alpha[na:] > 0
        sv_local = [np.flatnonzero(s) for s in is_sv]      # positions inside each class
        self.n_support_ = np.array([len(s) for s in sv_local], dtype=np.int32)
        self.support_ = np.concatenate([m[s] for m, s in zip(members, sv_local)]).astype(np.int32)
        self.support_vectors_ = X[self.support_]
        start = np.concatenate([[0], np.cumsum(self.n_support_)])
        dual = np.zeros((max(n_classes - 1, 1), len(self.support_)))
        for (a, b), alpha in zip(pairs, alphas):
            na = len(members[a])
            # class a's support vectors go in row b-1 (label +1), class b's in row a (label -1)
            dual[b - 1, start[a]:start[a + 1]] = alpha[:na][sv_local[a]]
            dual[a, start[b]:start[b + 1]] = -alpha[na:][sv_local[b]]
        self._dual_coef = dual                       # libsvm's signs
        self._intercept = np.array(intercepts)
        if n_classes == 2:  # scikit-learn flips the binary problem: positive means classes_[1]
            self.dual_coef_, self.intercept_ = -dual, -self._intercept
        else:
            self.dual_coef_, self.intercept_ = dual, self._intercept.copy()
        self.n_iter_ = np.array(n_iter, dtype=np.int32)
        self.fit_status_ = status
        self._start = start
        return self

    @property
    def coef_(self):
        """Primal weights ``w = sum_i alpha_i y_i x_i`` of each pair (linear kernel only)."""
        check_is_fitted(self)
        if self.kernel != "linear":
            raise AttributeError("coef_ is only available when using a linear kernel")
        if len(self.classes_) == 2:
            return self.dual_coef_ @ self.support_vectors_
        return np.array([self._pair_weights(a, b) @ self.support_vectors_
                         for a, b in zip(*np.triu_indices(len(self.classes_), k=1))])

    def _pair_weights(self, a, b):
        """The vector of ``alpha_i y_i`` over all support vectors for the pair ``(a, b)``."""
        s = self._start
        coef = np.zeros(self._dual_coef.shape[1])
        coef[s[a]:s[a + 1]] = self._dual_coef[b - 1, s[a]:s[a + 1]]
        coef[s[b]:s[b + 1]] = self._dual_coef[a, s[b]:s[b + 1]]
        return coef

    def _ovo_decision(self, X):
        """Pairwise decision values in libsvm's sign (positive favours the pair's first class)."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        pairs = zip(*np.triu_indices(len(self.classes_), k=1))
        W = np.column_stack([self._pair_weights(a, b) for a, b in pairs])  # (n_SV, n_pairs)
        # the (n, n_SV) kernel matrix is built a chunk of queries at a time, within
        # scikit-learn's working_memory budget, so memory does not grow with n
        step = decision_chunk_rows(*self.support_vectors_.shape, W.shape[1])
        dec = np.empty((X.shape[0], W.shape[1]))
        for lo in range(0, X.shape[0], step):
            K = kernel_matrix(X[lo:lo + step], self.support_vectors_, self.kernel,
                              **self._kernel_params())          # (chunk, n_SV)
            np.add(K @ W, self._intercept, out=dec[lo:lo + step])
            del K
        return dec

    def decision_function(self, X):
        """Signed distance-like scores of the samples.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) for two classes (positive favours ``classes_[1]``),
        (n_samples, n_classes) for ``"ovr"``, (n_samples, n_classes * (n_classes - 1) / 2) for
        ``"ovo"``.

        Notes
        -----
        The kernel values of the queries against the support vectors are computed a chunk of
        queries at a time (:func:`decision_chunk_rows`), within scikit-learn's
        ``working_memory`` setting (``sklearn.config_context(working_memory=...)``, in MiB).
        """
        dec = self._ovo_decision(X)
        n_classes = len(self.classes_)
        if n_classes == 2:
            return -dec[:, 0]
        if self.decision_function_shape == "ovr":
            return ovr_from_ovo(dec, n_classes)
        return dec

    def predict(self, X):
        """Predict by one-vs-one voting, ties to the lowest class index (as libsvm).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        dec = self._ovo_decision(X)
        n_classes = len(self.classes_)
        first, second = np.triu_indices(n_classes, k=1)
        votes = (dec > 0) @ np.eye(n_classes)[first] + (dec <= 0) @ np.eye(n_classes)[second]
        return self.classes_[np.argmax(votes, axis=1)]

    def _check_proba(self):
        if not self.probability:
            raise AttributeError(
                "predict_proba is not available when probability=False: fit with "
                "SVC(probability=True).")
        return True

    @available_if(_check_proba)
    def predict_proba(self, X):
        """Class probabilities by Platt scaling of each pair and pairwise coupling.

        Each pair ``(a, b)`` gives ``r_ab = 1 / (1 + exp(A f_ab + B))``, clipped to
        ``[1e-7, 1 - 1e-7]`` as libsvm does, and :func:`pairwise_coupling` combines them. The
        most probable class need not be the one ``predict`` votes for.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Query samples.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the model is not fitted, or was fitted with ``probability=False`` (and
            ``probability`` set to ``True`` afterwards): it has no sigmoids.
        """
        check_is_fitted(self, "probA_")
        k = len(self.classes_)
        if len(self.probA_) != k * (k - 1) // 2:    # fitted with probability=False
            raise NotFittedError(
                "This SVC has no Platt sigmoids: it was fitted with probability=False; fit "
                "with probability=True to use predict_proba.")
        dec = self._ovo_decision(X)                            # positive favours the first class
        r = np.clip(expit(-(self.probA_ * dec + self.probB_)), MIN_PROB, 1.0 - MIN_PROB)
        first, second = np.triu_indices(k, k=1)
        R = np.zeros((dec.shape[0], k, k))
        R[:, first, second], R[:, second, first] = r, 1.0 - r   # r_ab and r_ba = 1 - r_ab
        return pairwise_coupling(R)

    @available_if(_check_proba)
    def predict_log_proba(self, X):
        """The logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Query samples.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        return np.log(self.predict_proba(X))
