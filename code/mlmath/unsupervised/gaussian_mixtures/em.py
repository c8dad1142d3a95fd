r"""The EM algorithm for a Gaussian mixture: E step, M step for the four covariance types, loop.

The parameters travel as a tuple ``(weights, means, covariances, precisions_chol)``; the
covariances and their precision Cholesky factors have the shapes listed in
:mod:`mlmath.unsupervised.gaussian_mixtures.cholesky`.
"""

import numpy as np

from mlmath.numerics import logsumexp
from mlmath.unsupervised.gaussian_mixtures.cholesky import precision_cholesky
from mlmath.unsupervised.gaussian_mixtures.log_density import log_gaussian_density

__all__ = ["estimate_log_resp", "e_step", "m_step", "em"]


def estimate_log_resp(X, weights, means, precisions_chol, covariance_type):
    r"""Log-likelihood of every point and its log-responsibilities, by log-sum-exp.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    weights : ndarray of shape (n_components,)
    means : ndarray of shape (n_components, n_features)
    precisions_chol : ndarray
        See :func:`~mlmath.unsupervised.gaussian_mixtures.cholesky.precision_cholesky`.
    covariance_type : {"full", "tied", "diag", "spherical"}

    Returns
    -------
    log_prob : ndarray of shape (n_samples,)
        :math:`\log p(\vx_i \mid \vtheta)`.
    log_resp : ndarray of shape (n_samples, n_components)
        :math:`\log r_{ik}`.

    Notes
    -----
    Implements {eq}`eq-gmm-e-step` and {eq}`eq-gmm-log-likelihood-point` of the Gaussian
    mixtures chapter.
    """
    with np.errstate(divide="ignore"):                 # a weight of 0 has log-weight -inf
        weighted = log_gaussian_density(X, means, precisions_chol, covariance_type) \
            + np.log(weights)
    log_prob = logsumexp(weighted, axis=1)
    with np.errstate(under="ignore"):
        log_resp = weighted - log_prob[:, None]
    return log_prob, log_resp


def e_step(X, params, covariance_type):
    r"""The E step: the mean log-likelihood of the current parameters and the log-responsibilities.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    params : tuple
        ``(weights, means, covariances, precisions_chol)``.
    covariance_type : {"full", "tied", "diag", "spherical"}

    Returns
    -------
    mean_log_likelihood : float
        :math:`\frac1n\sum_i\log p(\vx_i \mid \vtheta)`, scikit-learn's lower bound.
    log_resp : ndarray of shape (n_samples, n_components)

    Notes
    -----
    Implements {eq}`eq-gmm-e-step` of the Gaussian mixtures chapter.
    """
    weights, means, _, precisions_chol = params
    log_prob, log_resp = estimate_log_resp(X, weights, means, precisions_chol, covariance_type)
    return float(np.mean(log_prob)), log_resp


def _scatter(X, resp, nk, means):
    """Weighted scatter matrices W_k = sum_i r_ik (x_i - mu_k)(x_i - mu_k)^T / N_k, (K, d, d)."""
    K, d = means.shape
    W = np.empty((K, d, d))
    for k in range(K):                                 # a loop over components, not samples
        diff = X - means[k]                            # (n, d), centred: no cancellation
        W[k] = (resp[:, k] * diff.T) @ diff / nk[k]
    return W


def m_step(X, resp, reg_covar, covariance_type):
    r"""The M step: weighted maximum likelihood estimates, with ``reg_covar`` on the diagonal.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    resp : ndarray of shape (n_samples, n_components)
        Responsibilities :math:`r_{ik}`, each row summing to one.
    reg_covar : float
        :math:`\tau \ge 0`, added to every variance.
    covariance_type : {"full", "tied", "diag", "spherical"}

    Returns
    -------
    params : tuple
        ``(weights, means, covariances, precisions_chol)``.

    Notes
    -----
    Implements {eq}`eq-gmm-m-step-weights-means`, {eq}`eq-gmm-m-step-full`,
    {eq}`eq-gmm-m-step-tied`, {eq}`eq-gmm-m-step-diag` and {eq}`eq-gmm-m-step-spherical` of
    the Gaussian mixtures chapter. As in scikit-learn, :math:`N_k` gets
    :math:`10\,\epsilon_{\mathrm{mach}}` added, so that a component with no responsibility
    keeps a defined (if useless) mean. The variances are computed from centred deviations (two
    passes) for every type; scikit-learn expands :math:`\overline{x^2} - \bar x^2` for the
    tied, diagonal and spherical types.
    """
    n, d = X.shape
    nk = resp.sum(axis=0) + 10 * np.finfo(float).eps                # (K,)
    means = (resp.T @ X) / nk[:, None]                               # (K, d)
    weights = nk / nk.sum()
    if covariance_type in ("full", "tied"):
        W = _scatter(X, resp, nk, means)                             # (K, d, d)
        if covariance_type == "tied":
            W = np.tensordot(nk, W, axes=1) / nk.sum()               # (d, d)
        covariances = W.copy()
        covariances[..., np.arange(d), np.arange(d)] += reg_covar
    else:
        var = np.empty((means.shape[0], d))
        for k in range(means.shape[0]):
            var[k] = resp[:, k] @ (X - means[k]) ** 2 / nk[k]
        covariances = var + reg_covar
        if covariance_type == "spherical":
            covariances = covariances.mean(axis=1)
    return weights, means, covariances, precision_cholesky(covariances, covariance_type)


def em(X, params, covariance_type, *, reg_covar=1e-6, tol=1e-3, max_iter=100,
       lower_bound=-np.inf):
    r"""Run EM from ``params`` until the mean log-likelihood changes by less than ``tol``.

    Iteration :math:`t` does an E step at :math:`\vtheta^{(t-1)}`, which yields the mean
    log-likelihood :math:`\mathcal L(\vtheta^{(t-1)})/n`, then an M step to
    :math:`\vtheta^{(t)}`; it stops when the mean log-likelihood changed by less than ``tol``
    since the previous iteration (scikit-learn's rule, on its scale: per sample).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    params : tuple
        Starting ``(weights, means, covariances, precisions_chol)``.
    covariance_type : {"full", "tied", "diag", "spherical"}
    reg_covar : float, default=1e-6
    tol : float, default=1e-3
    max_iter : int, default=100
    lower_bound : float, default=-inf
        The mean log-likelihood of the previous run (a warm start), for the first comparison.

    Returns
    -------
    params : tuple
        The parameters after the last M step.
    n_iter : int
    lower_bound : float
        The mean log-likelihood computed by the last E step, that is of the parameters
        *before* the last M step (scikit-learn's ``lower_bound_``).
    converged : bool
    history : list of float
        The mean log-likelihood of every E step.

    Notes
    -----
    Implements {prf:ref}`alg-gmm-em` of the Gaussian mixtures chapter.
    """
    history = []
    converged = False
    n_iter = 0
    while n_iter < max_iter:
        n_iter += 1
        previous = lower_bound
        lower_bound, log_resp = e_step(X, params, covariance_type)
        params = m_step(X, np.exp(log_resp), reg_covar, covariance_type)
        history.append(lower_bound)
        if abs(lower_bound - previous) < tol:
            converged = True
            break
    return params, n_iter, lower_bound, converged, history
