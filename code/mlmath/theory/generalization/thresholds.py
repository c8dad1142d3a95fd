r"""The chapter's finite class: threshold classifiers on a grid, their risks, and the problem.

The section "An experiment with threshold classifiers" of the generalisation chapter
(``book/theory/generalization.md``) checks the finite-class bounds by simulation on this class.
Hypotheses of a finite class are represented by their predictions: a matrix with one row per
hypothesis and one column per sample.
"""

from numbers import Integral, Real

import numpy as np

from mlmath.validation import Interval, as_finite_array, check_parameter

__all__ = [
    "threshold_classifiers",
    "threshold_empirical_risks",
    "threshold_risks",
    "sample_threshold_problem",
]

_BOUNDARY = Interval(Real, 0, 1)
_FLIP_PROB = Interval(Real, 0, 0.5)
_COUNT = Interval(Integral, 1, None)


def _grid(thresholds):
    """The thresholds as a non-empty, strictly increasing, finite 1-D float array."""
    t = as_finite_array(thresholds, "thresholds", ndim=1)
    if t.size == 0:
        raise ValueError("thresholds must not be empty.")
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
    x = as_finite_array(x, "x", ndim=1)
    t = _grid(thresholds)
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
    x = as_finite_array(x, "x", ndim=(1, 2))
    y = as_finite_array(y, "y", ndim=(1, 2))
    if x.shape[-1] == 0:
        raise ValueError(f"x must hold at least one sample; got shape {x.shape}.")
    if y.shape != x.shape:
        raise ValueError(f"y must have the shape of x, {x.shape}; got {y.shape}.")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("y must hold labels in {0, 1}.")
    t = _grid(thresholds)
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
    boundary = float(check_parameter(boundary, "boundary", [_BOUNDARY], owner="threshold_risks"))
    flip_prob = float(check_parameter(flip_prob, "flip_prob", [_FLIP_PROB],
                                      owner="threshold_risks"))
    t = _grid(thresholds)
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
    owner = "sample_threshold_problem"
    n_samples = int(check_parameter(n_samples, "n_samples", [_COUNT], owner=owner))
    check_parameter(n_datasets, "n_datasets", [None, _COUNT], owner=owner)
    shape = (n_samples,) if n_datasets is None else (int(n_datasets), n_samples)
    boundary = float(check_parameter(boundary, "boundary", [_BOUNDARY], owner=owner))
    flip_prob = float(check_parameter(flip_prob, "flip_prob", [_FLIP_PROB], owner=owner))
    rng = np.random.default_rng(random_state)
    x = rng.uniform(0.0, 1.0, size=shape)
    flip = rng.uniform(0.0, 1.0, size=shape) < flip_prob
    y = ((x >= boundary) ^ flip).astype(np.int64)
    return x, y


