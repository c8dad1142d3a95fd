r"""The textbook perceptron, its pocket and averaged variants, and Novikoff's bound.

Labels are :math:`y_i \in \{-1, +1\}` and the bias is folded into the weights by appending a
constant feature ``1`` to each sample (:func:`add_bias_feature`), as in Novikoff's theorem: if a
unit vector :math:`\vu` separates the data with margin :math:`\gamma = \min_i y_i\vu^\top\vx_i >
0` and :math:`R = \max_i\|\vx_i\|_2`, the perceptron started at zero makes at most
:math:`(R/\gamma)^2` mistakes, in any order of the samples.
"""

from numbers import Integral

import numba
import numpy as np

from mlmath.validation import (
    Interval,
    as_finite_array,
    check_parameter,
    check_squares_representable,
)

__all__ = ["add_bias_feature", "perceptron", "pocket_perceptron", "averaged_perceptron",
           "novikoff_bound"]


def add_bias_feature(X):
    """Append a constant feature 1, so that the bias is the last weight.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)

    Returns
    -------
    ndarray of shape (n_samples, n_features + 1)
    """
    return np.hstack([X, np.ones((X.shape[0], 1))])


def _check(X, y, max_epochs, owner):
    check_parameter(max_epochs, "max_epochs", [Interval(Integral, 1, None)], owner=owner)
    X = np.ascontiguousarray(as_finite_array(X, "X", ndim=2, min_size=1))
    check_squares_representable(X)  # else the scores x.w, w a sum of samples, over/underflow
    y = as_finite_array(y, "y", ndim=1, shape=(X.shape[0],))
    if not np.all(np.isin(y, (-1.0, 1.0))):
        raise ValueError("y must hold labels -1 and +1 only; encode the classes first.")
    return X, y


@numba.njit(cache=True)
def _perceptron_loop(X, y, max_epochs, mode):
    # mode 0: plain; 1: pocket (keep the weights of fewest training mistakes); 2: averaged
    n, d = X.shape
    w = np.zeros(d)
    kept = np.zeros(d)        # the pocket's weights, or the running sum of the averaged ones
    kept_errors = n + 1
    n_mistakes = 0
    count = 0
    for epoch in range(max_epochs):
        mistakes_this_epoch = 0
        for i in range(n):
            if y[i] * np.dot(X[i], w) <= 0.0:                # a mistake: update
                w += y[i] * X[i]
                n_mistakes += 1
                mistakes_this_epoch += 1
                if mode == 1:                                 # count the new weights' errors
                    errors = 0
                    for m in range(n):
                        if y[m] * np.dot(X[m], w) <= 0.0:
                            errors += 1
                    if errors < kept_errors:
                        kept_errors = errors
                        kept[:] = w
            if mode == 2:
                kept += w
                count += 1
        if mistakes_this_epoch == 0:
            return w, kept, count, n_mistakes, epoch + 1, True
    return w, kept, count, n_mistakes, max_epochs, False


def perceptron(X, y, *, max_epochs=100):
    r"""Rosenblatt's perceptron from zero, samples in order, step 1, no bias term.

    Implements {eq}`eq-perceptron-update` of the perceptron chapter with :math:`\eta = 1`; the
    loop is compiled with numba because each update depends on the weights of the previous one.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Append a constant feature (:func:`add_bias_feature`) for a bias.
    y : array-like of shape (n_samples,)
        Labels in :math:`\{-1, +1\}`.
    max_epochs : int, default=100
        The most passes over the data.

    Returns
    -------
    w : ndarray of shape (n_features,)
    n_mistakes : int
        The number of updates made.
    converged : bool
        Whether a whole epoch passed without a mistake.
    """
    X, y = _check(X, y, max_epochs, "perceptron")
    w, _, _, n_mistakes, _, converged = _perceptron_loop(X, y, int(max_epochs), 0)
    return w, int(n_mistakes), bool(converged)


def pocket_perceptron(X, y, *, max_epochs=100):
    r"""The pocket perceptron: keep the weights with the fewest training mistakes.

    On data that no hyperplane separates the perceptron never settles; the pocket keeps, among
    the weights it visits, those that misclassify the fewest training samples (counted after each
    update, :math:`O(nd)`). This is a common simplification of Gallant's pocket algorithm, which
    keeps the weights with the longest run of consecutive correct classifications (his ratchet
    also requires fewer training errors).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        Labels in :math:`\{-1, +1\}`.
    max_epochs : int, default=100

    Returns
    -------
    w : ndarray of shape (n_features,)
        The pocket's weights (zeros if no update was made).
    n_errors : int
        Their number of training mistakes.
    """
    X, y = _check(X, y, max_epochs, "pocket_perceptron")
    w, kept, _, n_mistakes, _, _ = _perceptron_loop(X, y, int(max_epochs), 1)
    if n_mistakes == 0:
        kept = w
    return kept, int(np.sum(y * (X @ kept) <= 0))


def averaged_perceptron(X, y, *, max_epochs=100):
    r"""The averaged perceptron: the mean of the weights after every sample visited.

    :math:`\bar\vw = \frac1T\sum_{t=1}^T \vw_t`, the weights after each of the :math:`T` visits
    (Freund and Schapire's averaged variant, a cheap stand-in for the voted perceptron).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        Labels in :math:`\{-1, +1\}`.
    max_epochs : int, default=100

    Returns
    -------
    w : ndarray of shape (n_features,)
        The averaged weights.

    Notes
    -----
    Implements {eq}`eq-perceptron-average` of the perceptron chapter.
    """
    X, y = _check(X, y, max_epochs, "averaged_perceptron")
    _, total, count, _, _, _ = _perceptron_loop(X, y, int(max_epochs), 2)
    return total / count


def novikoff_bound(X, y, u=None, *, fit_intercept=True):
    r"""Novikoff's quantities :math:`R = \max_i\|\tilde\vx_i\|_2` and :math:`\gamma = \min_i
    y_i\vu^\top\tilde\vx_i` for a unit vector :math:`\vu`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The samples :math:`\vx_i`.
    y : array-like of shape (n_samples,)
        Labels in :math:`\{-1, +1\}`.
    u : array-like of shape (n_features + fit_intercept,), default=None
        A separating direction in the space of :math:`\tilde\vx_i` (normalised here). ``None``
        takes the widest one, the direction of the hard-margin SVM without intercept on the
        :math:`\tilde\vx_i` (:class:`mlmath.supervised.svm.SVC`, linear kernel,
        :math:`C = 10^8`, fitted to the points :math:`\pm y_i\tilde\vx_i` labelled
        :math:`\pm 1`; the mirroring makes its optimal intercept 0, so it solves the soft-margin
        SVM without intercept with :math:`2C`, whose solution is the hard-margin one when
        :math:`\gamma \ge (2C)^{-1/2} \approx 7\times10^{-5}`, as the chapter proves): its
        :math:`\gamma` is the largest margin of any unit vector, so :math:`(R/\gamma)^2` is the
        smallest bound the theorem gives.
    fit_intercept : bool, default=True
        Work with :math:`\tilde\vx_i = (\vx_i, 1)` (:func:`add_bias_feature`), the samples of a
        perceptron with a bias; ``False``: :math:`\tilde\vx_i = \vx_i`.

    Returns
    -------
    R : float
    gamma : float
        The margin; :math:`\vu` separates the data only when :math:`\gamma > 0`, and then the
        perceptron on the :math:`\tilde\vx_i` makes at most :math:`(R/\gamma)^2` mistakes.

    Raises
    ------
    ValueError
        With ``u=None``, when the data are not linearly separable (checked by a linear program
        before the SVM is fitted).

    Notes
    -----
    Implements the quantities of {prf:ref}`thm-perceptron-novikoff` of the perceptron chapter.

    Cost: with ``u`` given, :math:`O(nd)`. With ``u=None`` the SVM is solved by an SMO solver on
    :math:`2n` points, whose time grows faster than linearly with :math:`n` and grows as the
    margin shrinks: thousands of samples with a margin near :math:`10^{-3}` can take minutes.
    Meant for the small data sets of the chapter; on larger ones pass ``u``.
    """
    X, y = _check(X, y, 1, "novikoff_bound")
    check_parameter(fit_intercept, "fit_intercept", ["boolean"], owner="novikoff_bound")
    Xt = add_bias_feature(X) if fit_intercept else X
    if u is None:  # the mirrored points make the SVM's optimal intercept 0 (chapter's proof)
        from scipy.optimize import linprog

        from mlmath.supervised.svm import SVC
        # Feasibility first (an LP): on inseparable data the hard-margin SVM has no solution
        # and its solver would run on for ever.
        lp = linprog(np.zeros(Xt.shape[1]), A_ub=-(y[:, None] * Xt), b_ub=-np.ones(len(y)),
                     bounds=[(None, None)] * Xt.shape[1], method="highs")
        if lp.status == 2:
            raise ValueError("The data are not linearly separable (no u has y_i u.x_i > 0 for "
                             "every i), so Novikoff's theorem does not apply; pass a direction "
                             "u to get its margin, which is then <= 0.")
        Z = np.vstack([Xt * y[:, None], -Xt * y[:, None]])
        labels = np.r_[np.ones(len(y)), -np.ones(len(y))]
        u = SVC(kernel="linear", C=1e8, tol=1e-8).fit(Z, labels).coef_.ravel()
    u = as_finite_array(u, "u", ndim=1, shape=(Xt.shape[1],))
    norm = np.linalg.norm(u)
    if norm == 0:
        raise ValueError("u must be a nonzero vector.")
    return float(np.linalg.norm(Xt, axis=1).max()), float(np.min(y * (Xt @ (u / norm))))
