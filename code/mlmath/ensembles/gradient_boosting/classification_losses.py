r"""The classification losses of gradient boosting: binomial, multinomial and exponential.

They follow the interface of
:class:`~mlmath.ensembles.gradient_boosting.losses.GradientBoostingLoss` and add
``predict_proba``, the probabilities of the scores. Their leaf values are one Newton step (the
gradient boosting chapter, {eq}`eq-gb-newton-leaf` and {eq}`eq-gb-multiclass-leaf`).
"""

import numpy as np
from scipy.special import expit, logit, logsumexp, softmax

from mlmath.ensembles.gradient_boosting.losses import (
    EPS,
    GradientBoostingLoss,
    newton_ratio,
)

__all__ = ["BinomialLogLoss", "MultinomialLogLoss", "ExponentialLoss"]


class BinomialLogLoss(GradientBoostingLoss):
    r"""Binomial log-loss :math:`\log(1 + e^F) - yF`, :math:`y \in \{0, 1\}`; residual
    :math:`y - p`; leaf: one Newton step :math:`\sum r / \sum p(1-p)`.

    Parameters
    ----------
    n_classes : int, default=1
    alpha : float, default=0.9
        As in :class:`GradientBoostingLoss`.

    Notes
    -----
    Implements {eq}`eq-gb-logloss` and {eq}`eq-gb-newton-leaf` of the gradient boosting
    chapter.
    """

    score_factor = 2.0
    is_classification = True

    def pointwise(self, y, raw):
        return np.logaddexp(0.0, raw[:, 0]) - y * raw[:, 0]

    def init_raw(self, y, sample_weight=None):
        p = np.clip(np.average(y, weights=sample_weight), EPS, 1 - EPS)
        return np.array([logit(p)])

    def negative_gradient(self, y, raw):
        return (y - expit(raw[:, 0]))[:, None]

    def leaf_values(self, leaf, n_nodes, y, raw, residual, sample_weight, k=0):
        p = y - residual
        num = np.bincount(leaf, weights=sample_weight * residual, minlength=n_nodes)
        den = np.bincount(leaf, weights=sample_weight * p * (1 - p), minlength=n_nodes)
        return newton_ratio(num, den)

    def predict_proba(self, raw):
        """Class probabilities :math:`(1 - p, p)`, :math:`p = \\sigma(F)`.

        Parameters
        ----------
        raw : ndarray of shape (n_samples, 1)

        Returns
        -------
        ndarray of shape (n_samples, 2)
        """
        p = expit(raw[:, 0])
        return np.column_stack([1 - p, p])


class ExponentialLoss(BinomialLogLoss):
    r"""Exponential loss :math:`e^{-\tilde y F}`, :math:`\tilde y = 2y - 1`; residual
    :math:`\tilde y e^{-\tilde y F}`; leaf: one Newton step. :math:`p = \sigma(2F)`.

    Parameters
    ----------
    n_classes : int, default=1
    alpha : float, default=0.9
        As in :class:`GradientBoostingLoss`.

    Notes
    -----
    Implements {eq}`eq-gb-exponential` of the gradient boosting chapter.
    """

    score_factor = 1.0

    def pointwise(self, y, raw):
        return np.exp(-(2 * y - 1) * raw[:, 0])

    def init_raw(self, y, sample_weight=None):
        p = np.clip(np.average(y, weights=sample_weight), EPS, 1 - EPS)
        return np.array([0.5 * logit(p)])

    def negative_gradient(self, y, raw):
        s = 2 * y - 1
        return (s * np.exp(-s * raw[:, 0]))[:, None]

    def leaf_values(self, leaf, n_nodes, y, raw, residual, sample_weight, k=0):
        hessian = np.where(y == 1, residual, -residual)  # e^{-s F} = s r
        num = np.bincount(leaf, weights=sample_weight * residual, minlength=n_nodes)
        den = np.bincount(leaf, weights=sample_weight * hessian, minlength=n_nodes)
        return newton_ratio(num, den)

    def predict_proba(self, raw):
        p = expit(2.0 * raw[:, 0])
        return np.column_stack([1 - p, p])


class MultinomialLogLoss(GradientBoostingLoss):
    r"""Multinomial log-loss :math:`\log\sum_k e^{F_k} - F_y`; residuals :math:`y_{ik} - p_{ik}`;
    leaf of tree :math:`k`: :math:`\frac{K-1}{K}\sum r / \sum p(1-p)`.

    Parameters
    ----------
    n_classes : int, default=1
    alpha : float, default=0.9
        As in :class:`GradientBoostingLoss`.

    Notes
    -----
    Implements {eq}`eq-gb-softmax-loss` and {eq}`eq-gb-multiclass-leaf` of the gradient
    boosting chapter. The initial scores are the centred log-priors (scikit-learn's symmetric
    multinomial logit).
    """

    is_classification = True

    @property
    def n_trees(self):
        return self.n_classes

    def pointwise(self, y, raw):
        return logsumexp(raw, axis=1) - raw[np.arange(y.size), y.astype(np.intp)]

    def init_raw(self, y, sample_weight=None):
        prior = np.bincount(y.astype(np.intp), weights=sample_weight, minlength=self.n_classes)
        p = np.clip(prior / prior.sum(), EPS, 1 - EPS)
        return np.log(p) - np.mean(np.log(p))

    def negative_gradient(self, y, raw):
        onehot = (y[:, None] == np.arange(self.n_classes)).astype(float)
        return onehot - softmax(raw, axis=1)

    def leaf_values(self, leaf, n_nodes, y, raw, residual, sample_weight, k=0):
        p = (y == k) - residual
        K = self.n_classes
        num = np.bincount(leaf, weights=sample_weight * residual, minlength=n_nodes)
        den = np.bincount(leaf, weights=sample_weight * p * (1 - p), minlength=n_nodes)
        return newton_ratio(num * ((K - 1) / K), den)

    def predict_proba(self, raw):
        """Softmax of the scores.

        Parameters
        ----------
        raw : ndarray of shape (n_samples, K)

        Returns
        -------
        ndarray of shape (n_samples, K)
        """
        return softmax(raw, axis=1)


# the subclasses' methods implement the contracts documented on GradientBoostingLoss
for _cls in (BinomialLogLoss, ExponentialLoss, MultinomialLogLoss):
    for _name, _member in vars(_cls).items():
        if callable(_member) and not _name.startswith("_") and not _member.__doc__:
            _base = getattr(GradientBoostingLoss, _name, None) or getattr(BinomialLogLoss, _name)
            _member.__doc__ = _base.__doc__
del _cls, _name, _member, _base
