r"""The second-order objective: per-sample gradients and hessians, optimal leaf value, split gain.

Round :math:`t` of boosting adds a tree :math:`f_t` that minimises the second-order expansion of
the loss around the current scores plus the penalty on its leaves :math:`\tau`,
:math:`\sum_\tau [G_\tau v_\tau + \tfrac12 (H_\tau + \lambda) v_\tau^2 + \alpha |v_\tau|]
+ \tfrac{\gamma}{2}\,|\text{leaves}|`. Its minimiser in one leaf and the resulting split gain
are :func:`leaf_weight` and :func:`split_gain`; the gain follows the ``xgboost`` library, which
compares :math:`Q(L) + Q(R) - Q(L \cup R)` (twice the decrease of the objective, before the
price :math:`\gamma/2` of the extra leaf) with ``gamma``: with the price :math:`\gamma/2` per
leaf, a split does not raise the objective exactly when this bracket is at least :math:`\gamma`.
"""

import numpy as np
from scipy.special import expit, softmax

__all__ = [
    "squared_error_grad_hess",
    "logistic_grad_hess",
    "softmax_grad_hess",
    "soft_threshold",
    "leaf_score",
    "leaf_weight",
    "split_gain",
]


def squared_error_grad_hess(y, raw):
    r"""Gradient and hessian of :math:`\tfrac12 (F - y)^2` in the score :math:`F`.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
    raw : ndarray of shape (n_samples,)
        Current scores.

    Returns
    -------
    g, h : ndarray of shape (n_samples,)
        :math:`F - y` and ones.

    Notes
    -----
    Implements {eq}`eq-xgb-grad-hess` of the histogram boosting chapter.
    """
    return raw - y, np.ones_like(raw)


def logistic_grad_hess(y, raw):
    r"""Gradient and hessian of the log-loss in the log-odds :math:`F`, labels in {0, 1}.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
    raw : ndarray of shape (n_samples,)
        Current log-odds.

    Returns
    -------
    g, h : ndarray of shape (n_samples,)
        :math:`p - y` and :math:`p (1 - p)`, :math:`p = \sigma(F)`.

    Notes
    -----
    Implements {eq}`eq-xgb-grad-hess` of the histogram boosting chapter.
    """
    p = expit(raw)
    return p - y, p * (1.0 - p)


def softmax_grad_hess(Y, raw):
    r"""Gradient and diagonal hessian of the multinomial log-loss in the scores :math:`F_{k}`.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_classes)
        One-hot labels.
    raw : ndarray of shape (n_samples, n_classes)
        Current scores.

    Returns
    -------
    g, h : ndarray of shape (n_samples, n_classes)
        :math:`p_k - y_k` and :math:`2 p_k (1 - p_k)` (``xgboost``'s ``multi:softprob``
        takes twice the diagonal of the hessian: a diagonal matrix that dominates the hessian
        in the matrix order, {prf:ref}`lem-xgb-softmax-bound` of the chapter).

    Notes
    -----
    Implements {eq}`eq-xgb-grad-hess` of the histogram boosting chapter.
    """
    p = softmax(raw, axis=1)
    return p - Y, 2.0 * p * (1.0 - p)


def soft_threshold(G, reg_alpha):
    r"""The soft-thresholding :math:`\operatorname{sign}(G)\max(|G| - \alpha, 0)`.

    Parameters
    ----------
    G : float or ndarray
    reg_alpha : float

    Returns
    -------
    float or ndarray, shaped as ``G``
    """
    return np.sign(G) * np.maximum(np.abs(G) - reg_alpha, 0.0)


def leaf_score(G, H, reg_lambda, reg_alpha=0.0):
    r"""Score :math:`Q(G, H) = T_\alpha(G)^2 / (H + \lambda)` of a leaf (minus twice its minimum).

    Parameters
    ----------
    G, H : float or ndarray
        Sums of gradients and hessians over the leaf.
    reg_lambda, reg_alpha : float

    Returns
    -------
    float or ndarray

    Notes
    -----
    Implements {eq}`eq-xgb-score` of the histogram boosting chapter.
    """
    return soft_threshold(G, reg_alpha) ** 2 / (H + reg_lambda)


def leaf_weight(G, H, reg_lambda, reg_alpha=0.0):
    r"""Optimal leaf value :math:`v^* = -T_\alpha(G) / (H + \lambda)`.

    The minimiser of :math:`Gv + \tfrac12(H+\lambda)v^2 + \alpha|v|`, where
    :math:`T_\alpha` is :func:`soft_threshold`.

    Parameters
    ----------
    G, H : float or ndarray
        Sums of gradients and hessians over the leaf.
    reg_lambda, reg_alpha : float
        L2 and L1 penalties on the leaf value.

    Returns
    -------
    float or ndarray

    Notes
    -----
    Implements {eq}`eq-xgb-leaf-weight` of the histogram boosting chapter.
    """
    return -soft_threshold(G, reg_alpha) / (H + reg_lambda)


def split_gain(G_L, H_L, G_R, H_R, reg_lambda, reg_alpha=0.0, gamma=0.0):
    r"""Gain of a split, as ``xgboost``: :math:`Q(L) + Q(R) - Q(L \cup R) - \gamma`.

    Parameters
    ----------
    G_L, H_L, G_R, H_R : float or ndarray
        Sums of gradients and hessians over the left and right children.
    reg_lambda, reg_alpha : float
    gamma : float, default=0.0
        The least gain worth a split (``xgboost``'s ``gamma``/``min_split_loss``).

    Returns
    -------
    float or ndarray
        Twice the decrease of the regularised second-order objective, minus ``gamma``: the
        node is split when this is non-negative.

    Notes
    -----
    Implements {eq}`eq-xgb-gain` of the histogram boosting chapter.
    """
    return (leaf_score(G_L, H_L, reg_lambda, reg_alpha)
            + leaf_score(G_R, H_R, reg_lambda, reg_alpha)
            - leaf_score(G_L + G_R, H_L + H_R, reg_lambda, reg_alpha) - gamma)
