r"""The losses of gradient boosting: value, negative gradient, initial constant, leaf values.

Every loss :math:`\ell(y, F)` is a function of the target and the current raw score
:math:`F` (a real number; a vector of :math:`K` scores for :math:`K > 2` classes), with the
conventions of scikit-learn 1.9's ``sklearn._loss`` (half squared error, half binomial deviance,
...), so that the same trees get the same leaf values. A loss provides

- ``init_raw``: the initial constant score :math:`F_0` (the gradient boosting chapter,
  {eq}`eq-gb-init` for weighted data; unweighted data get ``np.median`` or ``np.percentile``,
  interpolated as scikit-learn's, which need not minimise the pinball loss),
- ``negative_gradient``: the pseudo-residuals :math:`r_i = -\partial\ell(y_i, F)/\partial F` at
  the current scores ({eq}`eq-gb-pseudo-residuals`),
- ``leaf_values``: the value of every leaf of a new tree, the minimiser of the loss in the leaf
  or one Newton step towards it ({eq}`eq-gb-leaf-line-search`), all leaves at once,
- ``__call__``: the weighted mean loss, and ``score_factor``, the factor (2 for the squared
  error and the binomial deviance, 1 otherwise) that scikit-learn applies in ``train_score_``.

Raw scores are arrays of shape ``(n_samples, n_trees)``, one column per tree of a stage (one for
regression and two classes, :math:`K` for :math:`K > 2` classes). This module holds the interface
and the regression losses; the classification losses are in
:mod:`mlmath.ensembles.gradient_boosting.classification_losses`.
"""

import numpy as np

from mlmath.ensembles.gradient_boosting.quantiles import (
    grouped_weighted_quantile,
    weighted_quantile,
)

__all__ = ["LOSSES", "GradientBoostingLoss", "SquaredError", "AbsoluteError", "HuberLoss",
           "QuantileLoss", "newton_ratio"]

EPS = np.finfo(np.float64).eps


def newton_ratio(numerator, denominator):
    r"""``numerator / denominator`` per leaf, 0 where the denominator is (almost) zero.

    A leaf in which every probability is 0 or 1 has no curvature; its Newton step is set to 0,
    as scikit-learn's ``_safe_divide`` does (threshold :math:`10^{-150}`).

    Parameters
    ----------
    numerator, denominator : ndarray of shape (n_nodes,)

    Returns
    -------
    ndarray of shape (n_nodes,)
    """
    safe = np.abs(denominator) >= 1e-150
    return np.where(safe, numerator / np.where(safe, denominator, 1.0), 0.0)


class GradientBoostingLoss:
    """The interface of a boosting loss (see the module docstring).

    Parameters
    ----------
    n_classes : int, default=1
        Number of classes (1 for regression).
    alpha : float, default=0.9
        The level of the Huber and quantile losses.
    """

    n_trees = 1
    score_factor = 1.0
    is_classification = False

    def __init__(self, n_classes=1, alpha=0.9):
        self.n_classes = n_classes
        self.alpha = alpha

    def pointwise(self, y, raw):
        """The loss of every sample, shape ``(n_samples,)``.

        Parameters
        ----------
        y : ndarray of shape (n_samples,)
        raw : ndarray of shape (n_samples, n_trees)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        raise NotImplementedError  # pragma: no cover

    def __call__(self, y, raw, sample_weight=None):
        """Weighted mean loss.

        Parameters
        ----------
        y : ndarray of shape (n_samples,)
        raw : ndarray of shape (n_samples, n_trees)
        sample_weight : ndarray of shape (n_samples,) or None

        Returns
        -------
        float
        """
        return float(np.average(self.pointwise(y, raw), weights=sample_weight))

    def init_raw(self, y, sample_weight=None):
        """The initial constant raw score :math:`F_0` (the initial model).

        Parameters
        ----------
        y : ndarray of shape (n_samples,)
        sample_weight : ndarray of shape (n_samples,) or None
            ``None`` for unweighted data (the median or quantile is then interpolated, as
            ``np.median`` and ``np.percentile``, scikit-learn's start; it need not minimise
            the pinball loss).

        Returns
        -------
        ndarray of shape (n_trees,)
        """
        raise NotImplementedError  # pragma: no cover

    def negative_gradient(self, y, raw):
        """Pseudo-residuals :math:`r_{ik} = -\\partial \\ell(y_i, F)/\\partial F_k`.

        Parameters
        ----------
        y : ndarray of shape (n_samples,)
        raw : ndarray of shape (n_samples, n_trees)

        Returns
        -------
        ndarray of shape (n_samples, n_trees)
        """
        raise NotImplementedError  # pragma: no cover

    def leaf_values(self, leaf, n_nodes, y, raw, residual, sample_weight, k=0):
        """Value of every leaf for tree ``k`` of a stage, from the samples in each leaf.

        Parameters
        ----------
        leaf : ndarray of shape (m,), int
            Leaf (node id) of every in-bag sample.
        n_nodes : int
            Number of nodes of the tree.
        y, raw, residual, sample_weight : ndarrays of the in-bag samples
            Targets ``(m,)``, raw scores before the stage ``(m, n_trees)``, the pseudo-residuals
            of tree ``k`` ``(m,)``, weights ``(m,)``.
        k : int, default=0
            The tree of the stage (the class, for :math:`K > 2`).

        Returns
        -------
        ndarray of shape (n_nodes,) or None
            ``None`` keeps the tree's own values (the mean of the residuals).
        """
        raise NotImplementedError  # pragma: no cover

    def start_stage(self, y, raw, sample_weight):
        """Adapt the loss to the current scores before a stage (only Huber does).

        Parameters
        ----------
        y : ndarray of shape (n_samples,)
        raw : ndarray of shape (n_samples, n_trees)
        sample_weight : ndarray of shape (n_samples,)
        """


class SquaredError(GradientBoostingLoss):
    r"""Half squared error :math:`\frac12 (y - F)^2`; residual :math:`y - F`; leaf: the mean.

    Parameters
    ----------
    n_classes : int, default=1
    alpha : float, default=0.9
        As in :class:`GradientBoostingLoss`.

    Notes
    -----
    Implements {eq}`eq-gb-squared` of the gradient boosting chapter.
    """

    score_factor = 2.0

    def pointwise(self, y, raw):
        return 0.5 * (y - raw[:, 0]) ** 2

    def init_raw(self, y, sample_weight=None):
        return np.array([np.average(y, weights=sample_weight)])

    def negative_gradient(self, y, raw):
        return (y - raw[:, 0])[:, None]

    def leaf_values(self, leaf, n_nodes, y, raw, residual, sample_weight, k=0):
        return None  # the least-squares tree already holds the mean residual of each leaf


class AbsoluteError(GradientBoostingLoss):
    r"""Absolute error :math:`|y - F|`; residual :math:`\sign(y - F)`; leaf: the median.

    Parameters
    ----------
    n_classes : int, default=1
    alpha : float, default=0.9
        As in :class:`GradientBoostingLoss`.

    Notes
    -----
    Implements {eq}`eq-gb-absolute` of the gradient boosting chapter. At :math:`y = F` the
    residual is :math:`+1`, the subgradient scikit-learn uses.
    """

    def pointwise(self, y, raw):
        return np.abs(y - raw[:, 0])

    def init_raw(self, y, sample_weight=None):
        if sample_weight is None:
            return np.array([np.median(y)])
        return np.array([weighted_quantile(y, sample_weight, 0.5)])

    def negative_gradient(self, y, raw):
        return np.where(y >= raw[:, 0], 1.0, -1.0)[:, None]

    def leaf_values(self, leaf, n_nodes, y, raw, residual, sample_weight, k=0):
        return grouped_weighted_quantile(y - raw[:, 0], sample_weight, leaf, n_nodes, 0.5)


class QuantileLoss(GradientBoostingLoss):
    r"""Pinball loss :math:`\max(\alpha u, (\alpha - 1)u)`, :math:`u = y - F`; leaf: the
    :math:`\alpha`-quantile of the residuals.

    Parameters
    ----------
    n_classes : int, default=1
    alpha : float, default=0.9
        As in :class:`GradientBoostingLoss`.

    Notes
    -----
    Implements {eq}`eq-gb-quantile` and {eq}`eq-gb-quantile-leaf` of the gradient boosting
    chapter. At :math:`y = F` the residual is :math:`\alpha`, as in scikit-learn.
    """

    def pointwise(self, y, raw):
        u = y - raw[:, 0]
        return np.where(u >= 0, self.alpha * u, (self.alpha - 1.0) * u)

    def init_raw(self, y, sample_weight=None):
        if sample_weight is None:
            return np.array([np.percentile(y, 100.0 * self.alpha)])
        return np.array([weighted_quantile(y, sample_weight, self.alpha)])

    def negative_gradient(self, y, raw):
        return np.where(y >= raw[:, 0], self.alpha, self.alpha - 1.0)[:, None]

    def leaf_values(self, leaf, n_nodes, y, raw, residual, sample_weight, k=0):
        return grouped_weighted_quantile(y - raw[:, 0], sample_weight, leaf, n_nodes,
                                         self.alpha)


class HuberLoss(GradientBoostingLoss):
    r"""Huber loss with :math:`\delta` the :math:`\alpha`-quantile of :math:`|y - F|`, reset at
    every stage; leaf: Friedman's one-step approximation.

    Parameters
    ----------
    n_classes : int, default=1
    alpha : float, default=0.9
        As in :class:`GradientBoostingLoss`.

    Notes
    -----
    Implements {eq}`eq-gb-huber`, {eq}`eq-gb-huber-gradient` and the leaf value
    {eq}`eq-gb-huber-leaf` of the gradient boosting chapter.
    """

    delta = 1.0

    def start_stage(self, y, raw, sample_weight):
        self.delta = weighted_quantile(np.abs(y - raw[:, 0]), sample_weight, self.alpha)

    def pointwise(self, y, raw):
        a = np.abs(y - raw[:, 0])
        return np.where(a <= self.delta, 0.5 * a**2, self.delta * (a - 0.5 * self.delta))

    def init_raw(self, y, sample_weight=None):
        if sample_weight is None:
            return np.array([np.median(y)])
        return np.array([weighted_quantile(y, sample_weight, 0.5)])

    def negative_gradient(self, y, raw):
        u = y - raw[:, 0]
        return np.where(np.abs(u) <= self.delta, u, self.delta * np.sign(u))[:, None]

    def leaf_values(self, leaf, n_nodes, y, raw, residual, sample_weight, k=0):
        u = y - raw[:, 0]
        median = grouped_weighted_quantile(u, sample_weight, leaf, n_nodes, 0.5)
        d = u - median[leaf]
        step = np.sign(d) * np.minimum(self.delta, np.abs(d))
        num = np.bincount(leaf, weights=sample_weight * step, minlength=n_nodes)
        den = np.bincount(leaf, weights=sample_weight, minlength=n_nodes)
        return median + newton_ratio(num, den)


# the subclasses' methods implement the contracts documented on GradientBoostingLoss
for _cls in (SquaredError, AbsoluteError, QuantileLoss, HuberLoss):
    for _name, _member in vars(_cls).items():
        if callable(_member) and not _name.startswith("_") and not _member.__doc__:
            _member.__doc__ = getattr(GradientBoostingLoss, _name).__doc__
del _cls, _name, _member

LOSSES = {
    "squared_error": SquaredError,
    "absolute_error": AbsoluteError,
    "huber": HuberLoss,
    "quantile": QuantileLoss,
}
