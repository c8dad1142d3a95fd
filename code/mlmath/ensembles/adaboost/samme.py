r"""One SAMME round and the training-error bound of AdaBoost.

``samme_step`` is the arithmetic of one round of :class:`AdaBoostClassifier`
(``weight_boosting.py``); ``samme_training_error_bound`` the two sides of Freund and Schapire's
bound. The chapter AdaBoost (``book/ensembles/adaboost.md``) derives both.
"""

import warnings

import numpy as np

__all__ = ["samme_step", "samme_training_error_bound", "normalised_weights"]


def samme_step(incorrect, sample_weight, n_classes, learning_rate=1.0):
    r"""One SAMME step: the weighted error, the estimator weight and the new sample weights.

    Parameters
    ----------
    incorrect : ndarray of shape (n_samples,), bool
        Whether the new base classifier misclassifies each sample.
    sample_weight : ndarray of shape (n_samples,)
        Current (non-negative) sample weights; they need not sum to one.
    n_classes : int
        Number of classes :math:`K \ge 2`.
    learning_rate : float, default=1.0
        Shrinkage :math:`\eta > 0` of the estimator weight.

    Returns
    -------
    error : float
        :math:`\varepsilon = \sum_i w_i [\text{incorrect}_i] / \sum_i w_i`.
    alpha : float
        :math:`\eta(\log((1-\varepsilon)/\varepsilon) + \log(K-1))`; ``inf`` when
        :math:`\varepsilon = 0`.
    new_weight : ndarray of shape (n_samples,)
        ``sample_weight`` with the misclassified samples' weights multiplied by
        :math:`e^{\alpha}` (not normalised).

    Notes
    -----
    Implements the stage weight {eq}`eq-ada-samme-weight` and the reweighting
    {eq}`eq-ada-samme-reweight` of the AdaBoost chapter; for ``n_classes=2`` and
    ``learning_rate=1`` the weight is :math:`2a_t`, twice the discrete-AdaBoost weight :math:`a_t`
    of {eq}`eq-ada-alpha`, and the new weights, once normalised, are those of
    {eq}`eq-ada-reweight`.
    """
    w = np.asarray(sample_weight, dtype=float)
    wrong = np.asarray(incorrect, dtype=bool)
    error = float(w[wrong].sum() / w.sum())
    with np.errstate(divide="ignore"):
        alpha = learning_rate * (np.log((1.0 - error) / error) + np.log(n_classes - 1.0))
    return error, float(alpha), np.where(wrong, w * np.exp(alpha), w)


def samme_training_error_bound(errors):
    r"""Freund and Schapire's bound on the training error of binary AdaBoost after each stage.

    With :math:`\gamma_t = \tfrac12 - \varepsilon_t` the edge of stage :math:`t`, the training
    error of the (unshrunk, :math:`\eta = 1`) ensemble of the first :math:`T` stages is at most
    :math:`\prod_{t \le T} 2\sqrt{\varepsilon_t(1-\varepsilon_t)} = \prod_{t\le T}
    \sqrt{1 - 4\gamma_t^2} \le \exp(-2\sum_{t \le T}\gamma_t^2)`.

    Parameters
    ----------
    errors : array-like of shape (n_stages,)
        Weighted errors :math:`\varepsilon_t` of the stages (``estimator_errors_``).

    Returns
    -------
    product : ndarray of shape (n_stages,)
        :math:`\prod_{t \le T} 2\sqrt{\varepsilon_t(1-\varepsilon_t)}` for each :math:`T`.
    exponential : ndarray of shape (n_stages,)
        :math:`\exp(-2\sum_{t \le T}\gamma_t^2)` for each :math:`T`.

    Notes
    -----
    The two sides of {eq}`eq-ada-training-bound` in {prf:ref}`thm-ada-training-error` of the
    AdaBoost chapter.
    """
    eps = np.asarray(errors, dtype=float)
    gamma = 0.5 - eps
    product = np.cumprod(2.0 * np.sqrt(eps * (1.0 - eps)))
    return product, np.exp(-2.0 * np.cumsum(gamma**2))


def normalised_weights(sample_weight, t):
    """The next round's sample weights, summing to one, or ``None`` when boosting must stop.

    Shared by the AdaBoost classifier and regressor, as scikit-learn's loop does: weights whose
    sum overflowed stop boosting with a warning, weights that sum to zero stop it silently.

    Parameters
    ----------
    sample_weight : ndarray of shape (n_samples,)
        The reweighted sample weights of round ``t``, before normalisation.
    t : int
        The round (from 0), named in the warning.

    Returns
    -------
    ndarray of shape (n_samples,) or None
    """
    total = sample_weight.sum()
    if not np.isfinite(total):
        warnings.warn(f"Sample weights have reached infinite values, at iteration {t}, "
                      "causing overflow. Iterations stopped. Try lowering the learning "
                      "rate.", stacklevel=3)
        return None
    if total <= 0:
        return None
    return sample_weight / total
