"""The kernel support vector classifier ``SVC``, trained by SMO, with one-vs-one multiclass.

Each pair of classes ``(a, b)``, ``a < b``, gets its own binary soft-margin SVM, solved in the
dual by :func:`mlmath.supervised.svm.smo.smo`; the fitted attributes are laid out exactly as libsvm
and scikit-learn lay them out (support vectors grouped by class, ``dual_coef_`` of shape
``(n_classes - 1, n_SV)``, one intercept per pair), so the two can be compared entry by entry.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from mlmath.supervised.knn.distances import rows_in_budget
from mlmath.supervised.svm.kernels import KERNELS, kernel_matrix, resolve_gamma
from mlmath.supervised.svm.smo import KernelColumns, smo
from mlmath.validation import check_nonnegative_float, check_option, encode_class_labels

__all__ = ["SVC", "ovr_from_ovo", "decision_chunk_rows"]


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
        Budget in MiB; ``None`` reads scikit-learn's ``working_memory`` setting
        (``sklearn.get_config()``, 1024 MiB unless changed), as the k-NN code does.

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
        Megabytes of kernel columns kept per binary problem. When the problem has at most
        ``FULL_MATRIX_MAX`` (1000) samples and its ``n^2`` doubles fit, the whole kernel matrix
        is computed at once; otherwise columns are computed on demand and at most this much
        memory of them is kept.
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
    fit_status_ : int
        0 if every binary problem converged, 1 otherwise.
    n_features_in_ : int

    Notes
    -----
    Implements the dual {eq}`eq-svm-dual-soft`, solved by {prf:ref}`alg-svm-smo`, and the
    decision function {eq}`eq-svm-kernel-decision` of the support vector machine chapter.
    """

    def __init__(self, *, C=1.0, kernel="rbf", degree=3, gamma="scale", coef0=0.0, tol=1e-3,
                 cache_size=200, max_iter=-1, decision_function_shape="ovr"):
        self.C = C
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.tol = tol
        self.cache_size = cache_size
        self.max_iter = max_iter
        self.decision_function_shape = decision_function_shape


    def _check_params(self):
        check_nonnegative_float(self.C, "C", strict=True)
        check_option(self.kernel, "kernel", KERNELS)
        if isinstance(self.degree, bool) or not isinstance(self.degree, Integral) \
                or self.degree < 0:
            raise ValueError(f"degree must be an int >= 0, got {self.degree!r}.")
        if isinstance(self.gamma, str):
            check_option(self.gamma, "gamma", ["scale", "auto"])
        elif isinstance(self.gamma, Real) and not isinstance(self.gamma, bool):
            check_nonnegative_float(self.gamma, "gamma")
        else:
            raise ValueError(
                f"The 'gamma' parameter must be 'scale', 'auto' or a float >= 0; "
                f"got {self.gamma!r}.")
        if isinstance(self.coef0, bool) or not isinstance(self.coef0, Real) \
                or not np.isfinite(self.coef0):
            raise ValueError(f"coef0 must be a finite float, got {self.coef0!r}.")
        check_nonnegative_float(self.tol, "tol", strict=True)
        check_nonnegative_float(self.cache_size, "cache_size", strict=True)
        if isinstance(self.max_iter, bool) or not isinstance(self.max_iter, Integral) \
                or self.max_iter < -1 or self.max_iter == 0:
            raise ValueError(
                f"max_iter must be -1 (no limit) or an int >= 1, got {self.max_iter!r}.")
        check_option(self.decision_function_shape, "decision_function_shape", ["ovr", "ovo"])

    def _kernel_params(self):
        return dict(gamma=self._gamma, degree=self.degree, coef0=self.coef0)

    def fit(self, X, y):
        """Fit one binary SVM per pair of classes by SMO.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)

        Returns
        -------
        self : SVC

        Raises
        ------
        ValueError
            If the kernel cannot be computed in floating point (``gamma="scale"`` on data of
            extreme scale, kernel values or SMO's gap that overflow): SMO would not stop.
        """
        self._check_params()
        X, y = validate_data(self, X, y, dtype=np.float64)
        self.classes_, y_enc = encode_class_labels(y)
        # the linear kernel has no gamma: data too extreme for "scale" must not fail there
        self._gamma = 1.0 if self.kernel == "linear" else resolve_gamma(self.gamma, X)
        n_classes = len(self.classes_)
        members = [np.flatnonzero(y_enc == c) for c in range(n_classes)]  # libsvm's grouping
        pairs = list(zip(*np.triu_indices(n_classes, k=1)))
        alphas, intercepts, n_iter, status = [], [], [], 0
        for a, b in pairs:
            idx = np.concatenate([members[a], members[b]])
            y_pair = np.where(y_enc[idx] == a, 1.0, -1.0)  # +1 for the first class (libsvm)
            columns = KernelColumns(X[idx], self.kernel, cache_size=self.cache_size,
                                    **self._kernel_params())
            alpha, bias, it, converged, _ = smo(columns, y_pair, float(self.C), tol=self.tol,
                                                max_iter=self.max_iter)
            alphas.append(alpha)
            intercepts.append(bias)
            n_iter.append(it)
            status = status or int(not converged)

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
