r"""Log-densities :math:`\log\Normal(\vx_i; \boldsymbol\mu_k, \boldsymbol\Sigma_k)` of every point
under every component, from the Cholesky factors of the precisions.

No covariance is inverted and no determinant is formed: with
:math:`\boldsymbol\Sigma_k^{-1} = \mathbf{C}_k\mathbf{C}_k^\top`,

.. math::

    \log\Normal(\vx; \boldsymbol\mu_k, \boldsymbol\Sigma_k)
    = -\tfrac d2\log(2\pi) + \log\det\mathbf{C}_k
      - \tfrac12\lVert\mathbf{C}_k^\top(\vx - \boldsymbol\mu_k)\rVert_2^2 .
"""

import math

import numpy as np

from mlmath.unsupervised.gaussian_mixtures.cholesky import log_det_cholesky

__all__ = ["squared_mahalanobis", "log_gaussian_density"]

_BLOCK = 2**18  # entries of the (rows, K, d) temporary of the full and tied types


def squared_mahalanobis(X, means, precisions_chol, covariance_type):
    r"""Squared Mahalanobis distances of every point to every component mean.

    The points and the means are first shifted by the average of the means, which changes no
    distance and removes a common offset of the data from the origin. It does not remove the
    cancellation of the expansion used for ``"diag"`` and ``"spherical"`` below: that still
    loses digits when the components lie far apart compared with their spreads (as
    scikit-learn's does); ``"full"`` and ``"tied"`` subtract before squaring and lose far fewer.
    ``"full"`` and ``"tied"``: one triangular product per component, all components in one
    matrix product, in row blocks of bounded memory. ``"diag"`` and ``"spherical"``: the
    expansion :math:`\sum_j c_{kj}^2(x_j^2 - 2x_j\mu_{kj} + \mu_{kj}^2)` as one matrix
    product.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    means : ndarray of shape (n_components, n_features)
    precisions_chol : ndarray
        See :func:`~mlmath.unsupervised.gaussian_mixtures.cholesky.precision_cholesky`.
    covariance_type : {"full", "tied", "diag", "spherical"}

    Returns
    -------
    ndarray of shape (n_samples, n_components)

    Notes
    -----
    Implements the quadratic term of {eq}`eq-gmm-log-density-cholesky` of the Gaussian
    mixtures chapter.
    """
    centre = means.mean(axis=0)
    Xc, Mc = X - centre, means - centre
    n, d = Xc.shape
    K = Mc.shape[0]
    if covariance_type in ("diag", "spherical"):
        P = precisions_chol ** 2                                   # (K, d) or (K,)
        if covariance_type == "spherical":
            P = np.broadcast_to(P[:, None], (K, d))
        out = (Xc * Xc) @ P.T - 2.0 * (Xc @ (Mc * P).T) + np.sum(Mc * Mc * P, axis=1)
        return np.maximum(out, 0.0)
    out = np.empty((n, K))
    rows = max(1, _BLOCK // (K * d))
    if covariance_type == "tied":                                  # one factor C for all k
        MU = Mc @ precisions_chol                                  # (K, d): C^T mu_k
        for a in range(0, n, rows):
            Y = (Xc[a:a + rows] @ precisions_chol)[:, None, :] - MU     # (rows, K, d)
            out[a:a + rows] = np.einsum("ikl,ikl->ik", Y, Y)
        return out
    U_all = precisions_chol.transpose(1, 0, 2).reshape(d, K * d)  # [C_1 | ... | C_K]
    MU = np.einsum("kj,kjl->kl", Mc, precisions_chol)              # (K, d): C_k^T mu_k
    for a in range(0, n, rows):
        Y = (Xc[a:a + rows] @ U_all).reshape(-1, K, d) - MU        # (rows, K, d)
        out[a:a + rows] = np.einsum("ikl,ikl->ik", Y, Y)
    return out


def log_gaussian_density(X, means, precisions_chol, covariance_type):
    r"""The matrix of :math:`\log\Normal(\vx_i; \boldsymbol\mu_k, \boldsymbol\Sigma_k)`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    means : ndarray of shape (n_components, n_features)
    precisions_chol : ndarray
        See :func:`~mlmath.unsupervised.gaussian_mixtures.cholesky.precision_cholesky`.
    covariance_type : {"full", "tied", "diag", "spherical"}

    Returns
    -------
    ndarray of shape (n_samples, n_components)

    Notes
    -----
    Implements {eq}`eq-gmm-log-density-cholesky` of the Gaussian mixtures chapter.
    """
    d = X.shape[1]
    log_det = log_det_cholesky(precisions_chol, covariance_type, d)
    maha = squared_mahalanobis(X, means, precisions_chol, covariance_type)
    return -0.5 * (d * math.log(2.0 * math.pi) + maha) + log_det
