r"""Probabilistic PCA (Tipping and Bishop, 1999): its maximum-likelihood solution and likelihood.

The model is :math:`\vx = \mathbf W\vz + \boldsymbol\mu + \boldsymbol\varepsilon` with
:math:`\vz \sim \Normal(\vzero, \mI_q)` and
:math:`\boldsymbol\varepsilon \sim \Normal(\vzero, \sigma^2\mI_d)`, so that
:math:`\vx \sim \Normal(\boldsymbol\mu, \mathbf C)` with
:math:`\mathbf C = \mathbf W\mathbf W^\top + \sigma^2\mI_d`. Its maximum-likelihood parameters
are closed forms of the eigendecomposition of the sample covariance.
"""

import numpy as np
from scipy import linalg

__all__ = ["ppca_ml", "ppca_covariance", "ppca_log_likelihood"]


def ppca_ml(X, n_components, *, ddof=0):
    r"""The maximum-likelihood parameters of probabilistic PCA with ``n_components`` factors.

    With the eigenvalues :math:`\lambda_1 \ge \dots \ge \lambda_d` and orthonormal eigenvectors
    :math:`\mathbf V_q` (the first :math:`q`) of the sample covariance
    :math:`\mathbf S = \frac{1}{n - \text{ddof}}\sum_i (\vx_i - \bar\vx)(\vx_i - \bar\vx)^\top`,

    .. math:: \hat\sigma^2 = \frac{1}{d - q}\sum_{j > q}\lambda_j, \qquad
              \hat{\mathbf W} = \mathbf V_q(\boldsymbol\Lambda_q - \hat\sigma^2\mI_q)^{1/2}.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The data.
    n_components : int
        Number :math:`q` of latent factors, ``0 <= q < n_features``.
    ddof : int, default=0
        ``0`` gives the maximum-likelihood solution; ``1`` the same formulas on the unbiased
        covariance, as scikit-learn's ``PCA`` uses.

    Returns
    -------
    mean : ndarray of shape (n_features,)
        :math:`\hat{\boldsymbol\mu} = \bar\vx`.
    W : ndarray of shape (n_features, n_components)
        :math:`\hat{\mathbf W}` (the rotation :math:`\mathbf O` of the general solution is the
        identity).
    sigma2 : float
        :math:`\hat\sigma^2`.

    Notes
    -----
    Implements {eq}`eq-pca-ppca-ml` of the PCA chapter. The eigenvalues are taken from the SVD
    of the centred data, :math:`\lambda_j = s_j^2/(n - \text{ddof})`; when
    :math:`n < d`, the missing ones are zero.
    """
    n, d = X.shape
    if not 0 <= n_components < d:
        raise ValueError(f"n_components={n_components} must be in [0, n_features={d}).")
    mean = X.mean(axis=0)
    _, s, Vt = linalg.svd(X - mean, full_matrices=False)
    lam = np.zeros(d)
    lam[:s.size] = s**2 / (n - ddof)                 # eigenvalues of S, zero beyond rank
    sigma2 = float(lam[n_components:].mean())
    V = np.zeros((d, n_components))
    k = min(n_components, Vt.shape[0])
    V[:, :k] = Vt[:k].T
    W = V * np.sqrt(np.maximum(lam[:n_components] - sigma2, 0.0))
    return mean, W, sigma2


def ppca_covariance(W, sigma2):
    r"""The model covariance :math:`\mathbf C = \mathbf W\mathbf W^\top + \sigma^2\mI_d`.

    Parameters
    ----------
    W : ndarray of shape (n_features, n_components)
        Factor loadings.
    sigma2 : float
        Noise variance.

    Returns
    -------
    C : ndarray of shape (n_features, n_features)

    Notes
    -----
    The covariance of {eq}`eq-pca-ppca-marginal` of the PCA chapter.
    """
    C = W @ W.T
    C[np.diag_indices_from(C)] += sigma2
    return C


def ppca_log_likelihood(X, mean, W, sigma2):
    r"""The log-density of every row of ``X`` under probabilistic PCA.

    .. math:: \log p(\vx) = -\tfrac12\bigl(d\log(2\pi) + \log\det\mathbf C
              + (\vx - \boldsymbol\mu)^\top\mathbf C^{-1}(\vx - \boldsymbol\mu)\bigr),

    evaluated through the Cholesky factor of :math:`\mathbf C`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The points.
    mean : ndarray of shape (n_features,)
    W : ndarray of shape (n_features, n_components)
    sigma2 : float
        Noise variance, positive (or ``W W^T`` of full rank).

    Returns
    -------
    log_density : ndarray of shape (n_samples,)

    Notes
    -----
    Implements {eq}`eq-pca-ppca-marginal` of the PCA chapter.
    """
    d = X.shape[1]
    L = linalg.cholesky(ppca_covariance(W, sigma2), lower=True)
    Z = linalg.solve_triangular(L, (X - mean).T, lower=True)   # (d, n) whitened residuals
    logdet = 2.0 * np.log(np.diag(L)).sum()
    return -0.5 * (d * np.log(2.0 * np.pi) + logdet + np.einsum("ji,ji->i", Z, Z))
