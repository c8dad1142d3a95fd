r"""Generalisation bounds for finite classes, Rademacher complexity and shattering.

The generalisation chapter (``book/theory/generalization.md``) proves the finite-class bounds
from Hoeffding's inequality and the union bound, and computes Rademacher complexities and
shattered sets; this module holds the formulas and the small finite class of threshold
classifiers on which the chapter checks them by simulation. Hypotheses of a finite class are
represented by their predictions: a matrix with one row per hypothesis and one column per
sample.
"""

from itertools import product
from numbers import Integral

import numpy as np
import scipy.optimize

from mlmath.validation import check_nonnegative_float, check_positive_int

__all__ = [
    "hoeffding_tail",
    "finite_class_bound",
    "realizable_bound",
    "sample_complexity",
    "threshold_classifiers",
    "threshold_empirical_risks",
    "threshold_risks",
    "sample_threshold_problem",
    "empirical_rademacher",
    "massart_bound",
    "linearly_separable",
    "shattered_by_halfspaces",
]


# ---------------------------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------------------------

def _check_delta(delta):
    return check_nonnegative_float(delta, "delta", max_val=1.0, strict=True)


def _check_counts(n, name):
    """``n`` as an int, or as an integer array of values >= 1 (for plotting against n)."""
    if isinstance(n, Integral) and not isinstance(n, bool):
        return check_positive_int(n, name)
    arr = np.asarray(n)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{name} must be a positive integer or an array of them, "
                        f"got dtype {arr.dtype}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinity.")
    if arr.size == 0 or np.any(arr < 1) or np.any(arr != np.round(arr)):
        raise ValueError(f"{name} must hold integers >= 1, got {n!r}.")
    return arr.astype(np.float64)


def _check_bound_args(n, n_hypotheses, delta):
    return (_check_counts(n, "n"), check_positive_int(n_hypotheses, "n_hypotheses"),
            _check_delta(delta))


def _as_finite_array(a, name, ndim):
    arr = np.asarray(a)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number)
                                   or np.issubdtype(arr.dtype, np.bool_)):
        raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}.")
    arr = arr.astype(np.float64)
    if arr.ndim not in ndim:
        raise ValueError(f"{name} must have {' or '.join(map(str, ndim))} dimensions, "
                         f"got shape {arr.shape}.")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinity.")
    return arr


# ---------------------------------------------------------------------------------------------
# bounds of a finite class
# ---------------------------------------------------------------------------------------------

def hoeffding_tail(n, epsilon, *, value_range=1.0):
    r"""Hoeffding's two-sided bound on :math:`\Pr(|\bar Z - \E \bar Z| \ge \epsilon)`.

    Parameters
    ----------
    n : int or array-like of int
        Number of independent variables averaged.
    epsilon : float
        The deviation, ``epsilon > 0``.
    value_range : float, default=1.0
        ``b - a`` for variables with values in ``[a, b]``.

    Returns
    -------
    float or ndarray
        ``min(1, 2 exp(-2 n epsilon^2 / value_range^2))``, of the shape of ``n``.

    Notes
    -----
    Implements {eq}`eq-gen-hoeffding-two-sided` of the generalisation chapter.
    """
    n = _check_counts(n, "n")
    epsilon = check_nonnegative_float(epsilon, "epsilon", strict=True)
    value_range = check_nonnegative_float(value_range, "value_range", strict=True)
    return np.minimum(1.0, 2.0 * np.exp(-2.0 * n * epsilon**2 / value_range**2))


def finite_class_bound(n, n_hypotheses, delta):
    r"""Uniform deviation bound of a finite class under a loss with values in ``[0, 1]``.

    With probability at least ``1 - delta`` over a sample of size ``n``, every hypothesis of a
    class of ``n_hypotheses`` satisfies :math:`|R(h) - \hat R_n(h)| \le` the returned value, and
    empirical risk minimisation has excess risk at most twice it.

    Parameters
    ----------
    n : int or array-like of int
        Sample size.
    n_hypotheses : int
        Size of the class, :math:`|\mathcal{H}| \ge 1`.
    delta : float
        Failure probability, ``0 < delta <= 1``.

    Returns
    -------
    float or ndarray
        :math:`\sqrt{\log(2|\mathcal{H}|/\delta) / (2n)}`, of the shape of ``n``.

    Notes
    -----
    Implements {eq}`eq-gen-uniform-bound` of the generalisation chapter.
    """
    n, n_hypotheses, delta = _check_bound_args(n, n_hypotheses, delta)
    return np.sqrt(np.log(2.0 * n_hypotheses / delta) / (2.0 * n))


def realizable_bound(n, n_hypotheses, delta):
    r"""Risk bound of a consistent hypothesis when the class contains a zero-risk hypothesis.

    With probability at least ``1 - delta``, every hypothesis with zero empirical 0-1 risk on
    the sample has true risk at most the returned value.

    Parameters
    ----------
    n, n_hypotheses, delta
        As in :func:`finite_class_bound`.

    Returns
    -------
    float or ndarray
        :math:`\log(|\mathcal{H}|/\delta) / n`, of the shape of ``n``.

    Notes
    -----
    Implements {eq}`eq-gen-realizable-bound` of the generalisation chapter.
    """
    n, n_hypotheses, delta = _check_bound_args(n, n_hypotheses, delta)
    return np.log(n_hypotheses / delta) / n


def sample_complexity(epsilon, delta, n_hypotheses, *, realizable=False):
    r"""The smallest sample size for which a finite-class bound is at most ``epsilon``.

    Parameters
    ----------
    epsilon : float
        Target accuracy, ``epsilon > 0``.
    delta : float
        Failure probability, ``0 < delta <= 1``.
    n_hypotheses : int
        Size of the class.
    realizable : bool, default=False
        ``False``: the uniform deviation :func:`finite_class_bound` is at most ``epsilon``.
        ``True``: the realizable bound :func:`realizable_bound` is at most ``epsilon``.

    Returns
    -------
    int
        :math:`\lceil \log(2|\mathcal{H}|/\delta) / (2\epsilon^2) \rceil`, or
        :math:`\lceil \log(|\mathcal{H}|/\delta) / \epsilon \rceil` when ``realizable``
        (at least 1).

    Notes
    -----
    Implements {eq}`eq-gen-sample-complexity` of the generalisation chapter.
    """
    epsilon = check_nonnegative_float(epsilon, "epsilon", strict=True)
    delta = _check_delta(delta)
    n_hypotheses = check_positive_int(n_hypotheses, "n_hypotheses")
    if not isinstance(realizable, bool):
        raise TypeError(f"realizable must be a bool, got {type(realizable).__name__}.")
    if realizable:
        n = np.log(n_hypotheses / delta) / epsilon
    else:
        n = np.log(2.0 * n_hypotheses / delta) / (2.0 * epsilon**2)
    return max(1, int(np.ceil(n)))


# ---------------------------------------------------------------------------------------------
# a finite class: threshold classifiers on a grid
# ---------------------------------------------------------------------------------------------

def _check_thresholds(thresholds):
    t = _as_finite_array(thresholds, "thresholds", (1,))
    if np.any(np.diff(t) <= 0):
        raise ValueError("thresholds must be strictly increasing.")
    return t


def threshold_classifiers(x, thresholds):
    r"""Predictions of the class of threshold classifiers on a grid, both orientations.

    The class holds, for each grid value :math:`\theta_g`, the classifier
    :math:`x \mapsto \mathbb{I}[x \ge \theta_g]` (rows ``0, ..., G-1``) and its complement
    :math:`x \mapsto \mathbb{I}[x < \theta_g]` (rows ``G, ..., 2G-1``): :math:`2G` hypotheses.

    Parameters
    ----------
    x : array-like of shape (n_samples,)
        One-dimensional inputs.
    thresholds : array-like of shape (G,)
        Strictly increasing grid.

    Returns
    -------
    ndarray of shape (2G, n_samples), dtype int
        Entry ``(h, i)`` is the label in ``{0, 1}`` that hypothesis ``h`` gives to ``x[i]``.

    Notes
    -----
    The class of {eq}`eq-gen-threshold-class` of the generalisation chapter.
    """
    x = _as_finite_array(x, "x", (1,))
    t = _check_thresholds(thresholds)
    up = (x[None, :] >= t[:, None]).astype(np.int64)
    return np.concatenate([up, 1 - up])


def threshold_empirical_risks(x, y, thresholds):
    r"""Empirical 0-1 risks of all threshold classifiers, on one sample or a batch of samples.

    Computed from counts in :math:`\mathcal{O}(n\log G + G)` per sample instead of the
    :math:`\mathcal{O}(nG)` of comparing every prediction, so that thousands of samples can be
    simulated.

    Parameters
    ----------
    x : array-like of shape (n_samples,) or (n_datasets, n_samples)
        Inputs; each row of a 2-D array is one sample.
    y : array-like of the shape of ``x``
        Labels in ``{0, 1}``.
    thresholds : array-like of shape (G,)
        Strictly increasing grid.

    Returns
    -------
    ndarray of shape (2G,) or (n_datasets, 2G)
        Empirical risks in the order of :func:`threshold_classifiers`.

    Notes
    -----
    Implements {eq}`eq-gen-threshold-counts` of the generalisation chapter.
    """
    x = _as_finite_array(x, "x", (1, 2))
    y = _as_finite_array(y, "y", (1, 2))
    if y.shape != x.shape:
        raise ValueError(f"y must have the shape of x, {x.shape}; got {y.shape}.")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("y must hold labels in {0, 1}.")
    t = _check_thresholds(thresholds)
    single = x.ndim == 1
    x, y = np.atleast_2d(x), np.atleast_2d(y)
    n_sets, n = x.shape
    g = t.size
    # idx = number of thresholds <= x: the g-th classifier I[x >= theta_g] (g from 0 here)
    # predicts 1 at x exactly when g < idx.
    idx = np.searchsorted(t, x, side="right")
    flat = idx + (g + 1) * np.arange(n_sets)[:, None]
    ones = np.bincount(flat[y == 1], minlength=n_sets * (g + 1)).reshape(n_sets, g + 1)
    zeros = np.bincount(flat[y == 0], minlength=n_sets * (g + 1)).reshape(n_sets, g + 1)
    # its errors: positives with idx <= g, plus negatives with idx > g.
    pos_missed = np.cumsum(ones, axis=1)[:, :g]
    neg_hit = zeros.sum(axis=1, keepdims=True) - np.cumsum(zeros, axis=1)[:, :g]
    up = (pos_missed + neg_hit) / n
    risks = np.concatenate([up, 1.0 - up], axis=1)
    return risks[0] if single else risks


def threshold_risks(thresholds, *, boundary=0.3, flip_prob=0.2):
    r"""True 0-1 risks of the threshold classifiers under :func:`sample_threshold_problem`.

    With :math:`x \sim \mathrm{Uniform}[0, 1]` and the label :math:`\mathbb{I}[x \ge \theta^\star]`
    flipped with probability :math:`q`, the classifier :math:`\mathbb{I}[x \ge \theta]` has risk
    :math:`q + (1 - 2q)\,\lvert \theta' - \theta^\star\rvert` with :math:`\theta'` the threshold
    clipped to :math:`[0, 1]`, and its complement has one minus that.

    Parameters
    ----------
    thresholds : array-like of shape (G,)
        Strictly increasing grid.
    boundary : float, default=0.3
        :math:`\theta^\star \in [0, 1]`.
    flip_prob : float, default=0.2
        :math:`q \in [0, 1/2]`.

    Returns
    -------
    ndarray of shape (2G,)
        True risks in the order of :func:`threshold_classifiers`.

    Notes
    -----
    Implements {eq}`eq-gen-threshold-risk` of the generalisation chapter.
    """
    t = _check_thresholds(thresholds)
    boundary = check_nonnegative_float(boundary, "boundary", max_val=1.0)
    flip_prob = check_nonnegative_float(flip_prob, "flip_prob", max_val=0.5)
    up = flip_prob + (1.0 - 2.0 * flip_prob) * np.abs(np.clip(t, 0.0, 1.0) - boundary)
    return np.concatenate([up, 1.0 - up])


def sample_threshold_problem(n_samples, *, n_datasets=None, boundary=0.3, flip_prob=0.2,
                             random_state=None):
    r"""Draw samples of the one-dimensional threshold problem with label noise.

    :math:`x \sim \mathrm{Uniform}[0, 1]`, :math:`y = \mathbb{I}[x \ge \theta^\star]`, flipped
    independently with probability :math:`q`.

    Parameters
    ----------
    n_samples : int
        Size of each sample.
    n_datasets : int or None, default=None
        ``None``: one sample, arrays of shape ``(n_samples,)``; otherwise that many independent
        samples, arrays of shape ``(n_datasets, n_samples)``.
    boundary : float, default=0.3
        :math:`\theta^\star \in [0, 1]`.
    flip_prob : float, default=0.2
        :math:`q \in [0, 1/2]`.
    random_state : int, numpy Generator or None
        Seed.

    Returns
    -------
    x : ndarray of float
    y : ndarray of int, labels in ``{0, 1}``

    Notes
    -----
    The distribution of {eq}`eq-gen-threshold-risk` of the generalisation chapter.
    """
    n_samples = check_positive_int(n_samples, "n_samples")
    shape = (n_samples,) if n_datasets is None else (
        check_positive_int(n_datasets, "n_datasets"), n_samples)
    boundary = check_nonnegative_float(boundary, "boundary", max_val=1.0)
    flip_prob = check_nonnegative_float(flip_prob, "flip_prob", max_val=0.5)
    rng = np.random.default_rng(random_state)
    x = rng.uniform(0.0, 1.0, size=shape)
    flip = rng.uniform(0.0, 1.0, size=shape) < flip_prob
    y = ((x >= boundary) ^ flip).astype(np.int64)
    return x, y


# ---------------------------------------------------------------------------------------------
# Rademacher complexity of a finite class
# ---------------------------------------------------------------------------------------------

def empirical_rademacher(predictions, *, n_draws=2000, random_state=None, return_std=False):
    r"""Monte Carlo estimate of the empirical Rademacher complexity of a finite class.

    :math:`\hat{\mathfrak{R}}_S(\mathcal{H}) = \E_{\boldsymbol\xi}\big[\max_h \frac1n
    \sum_i \xi_i h(\vx_i)\big]`, with independent signs :math:`\xi_i = \pm 1` (probability
    1/2 each), averaged over ``n_draws`` draws of the sign vector.

    Parameters
    ----------
    predictions : array-like of shape (n_hypotheses, n_samples)
        Row ``h`` holds the values :math:`h(\vx_1), \dots, h(\vx_n)` of hypothesis ``h`` on the
        sample (``±1`` labels for a classifier); a 1-D array is one hypothesis.
    n_draws : int, default=2000
        Number of sign vectors drawn.
    random_state : int, numpy Generator or None
        Seed of the signs.
    return_std : bool, default=False
        Also return the standard error of the Monte Carlo mean.

    Returns
    -------
    float, or (float, float) with ``return_std``
        The estimate (and its standard error).

    Notes
    -----
    Implements {eq}`eq-gen-empirical-rademacher` of the generalisation chapter.
    """
    A = _as_finite_array(predictions, "predictions", (1, 2))
    A = np.atleast_2d(A)
    n_draws = check_positive_int(n_draws, "n_draws")
    if not isinstance(return_std, bool):
        raise TypeError(f"return_std must be a bool, got {type(return_std).__name__}.")
    rng = np.random.default_rng(random_state)
    n = A.shape[1]
    sups = np.empty(n_draws)
    # In chunks, so that a large class does not need an (n_draws, n_hypotheses) matrix at once.
    chunk = max(1, 2**22 // max(A.shape[0], n))
    for start in range(0, n_draws, chunk):
        stop = min(n_draws, start + chunk)
        signs = rng.choice(np.array([-1.0, 1.0]), size=(stop - start, n))
        sups[start:stop] = (signs @ A.T).max(axis=1) / n
    mean = float(sups.mean())
    if return_std:
        std = float(sups.std(ddof=1) / np.sqrt(n_draws)) if n_draws > 1 else float("nan")
        return mean, std
    return mean


def massart_bound(predictions):
    r"""Massart's bound on the empirical Rademacher complexity of a finite class.

    Parameters
    ----------
    predictions : array-like of shape (n_hypotheses, n_samples)
        As in :func:`empirical_rademacher`.

    Returns
    -------
    float
        :math:`\max_h \lVert (h(\vx_i))_i \rVert_2 \sqrt{2\log|\mathcal{H}|}\,/\,n`, where
        :math:`|\mathcal{H}|` counts the rows (pass distinct rows, ``np.unique(A, axis=0)``, for
        the tightest bound). For one row it is 0, the exact complexity of one hypothesis.

    Notes
    -----
    Implements {eq}`eq-gen-massart` of the generalisation chapter.
    """
    A = np.atleast_2d(_as_finite_array(predictions, "predictions", (1, 2)))
    n_hyp, n = A.shape
    return float(np.linalg.norm(A, axis=1).max() * np.sqrt(2.0 * np.log(n_hyp)) / n)


# ---------------------------------------------------------------------------------------------
# shattering by half-spaces
# ---------------------------------------------------------------------------------------------

def linearly_separable(X, y):
    r"""Whether some affine classifier :math:`\sign(\vw^\top\vx + b)` realises the labels.

    Solves the linear feasibility problem :math:`y_i(\vw^\top\vx_i + b) \ge 1` for all
    :math:`i` with ``scipy.optimize.linprog``; on a finite sample it is feasible exactly when a
    strictly separating affine classifier exists (rescale :math:`(\vw, b)`).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        Labels in ``{-1, 1}``.

    Returns
    -------
    bool

    Notes
    -----
    The feasibility problem {eq}`eq-gen-separability-lp` of the generalisation chapter.
    """
    X = _as_finite_array(X, "X", (2,))
    y = _as_finite_array(y, "y", (1,))
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y must have {X.shape[0]} entries, one per row of X; got {y.size}.")
    if not np.all(np.abs(y) == 1):
        raise ValueError("y must hold labels in {-1, 1}.")
    A_ub = -y[:, None] * np.hstack([X, np.ones((X.shape[0], 1))])
    result = scipy.optimize.linprog(np.zeros(X.shape[1] + 1), A_ub=A_ub,
                                    b_ub=-np.ones(X.shape[0]), bounds=(None, None),
                                    method="highs")
    if result.status not in (0, 2):
        raise RuntimeError(f"linprog failed: {result.message}")
    return result.status == 0


def shattered_by_halfspaces(X):
    r"""Whether affine classifiers in :math:`\R^d` shatter the rows of ``X``.

    Checks all :math:`2^n` labellings with :func:`linearly_separable` (a labelling and its
    negation are realised together, so half of them suffice).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        At most 16 points.

    Returns
    -------
    bool

    Notes
    -----
    Shattering as in {eq}`eq-gen-shatter` of the generalisation chapter.
    """
    X = _as_finite_array(X, "X", (2,))
    if X.shape[0] > 16:
        raise ValueError(f"X may have at most 16 rows (2^n labellings), got {X.shape[0]}.")
    for rest in product([-1.0, 1.0], repeat=X.shape[0] - 1):
        if not linearly_separable(X, np.array((1.0, *rest))):
            return False
    return True
