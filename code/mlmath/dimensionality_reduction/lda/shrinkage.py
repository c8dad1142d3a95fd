r"""Covariance estimates for discriminant analysis: empirical, shrunk, and Ledoit–Wolf.

The shrunk covariance pulls the empirical covariance :math:`\hat{\boldsymbol\Sigma}` towards the
scaled identity :math:`\bar v\mI` with :math:`\bar v = \tr(\hat{\boldsymbol\Sigma})/d`; the
Ledoit–Wolf intensity chooses the pull from the data (Ledoit and Wolf, 2004). These are the
estimates that scikit-learn's discriminant analysis uses for its ``shrinkage`` parameter.
"""

import numpy as np

__all__ = ["empirical_covariance", "shrunk_covariance", "ledoit_wolf_shrinkage", "covariance"]


def empirical_covariance(X):
    r"""The maximum likelihood (biased) covariance.

    :math:`\frac1n\sum_i(\vx_i-\bar\vx)(\vx_i-\bar\vx)^\top`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)

    Returns
    -------
    ndarray of shape (n_features, n_features)
    """
    Xc = X - X.mean(axis=0)
    return Xc.T @ Xc / X.shape[0]


def shrunk_covariance(S, shrinkage):
    r"""Shrink a covariance towards the scaled identity: :math:`(1-\tau)\mathbf S + \tau\bar v\mI`.

    Parameters
    ----------
    S : ndarray of shape (n_features, n_features)
        A covariance matrix.
    shrinkage : float in [0, 1]
        The intensity :math:`\tau`.

    Returns
    -------
    ndarray of shape (n_features, n_features)

    Notes
    -----
    Implements {eq}`eq-lda-shrunk` of the linear discriminant analysis chapter, with
    :math:`\bar v = \tr(\mathbf S)/d`.
    """
    d = S.shape[0]
    out = (1.0 - shrinkage) * S
    out.flat[:: d + 1] += shrinkage * np.trace(S) / d
    return out


def ledoit_wolf_shrinkage(X, *, assume_centered=False):
    r"""The Ledoit–Wolf shrinkage intensity.

    :math:`\hat\tau = \min(\bar\Delta_2^2, \hat\Delta^2)/\hat\Delta^2`.

    With the empirical covariance :math:`\hat{\boldsymbol\Sigma}`,
    :math:`\bar v = \tr(\hat{\boldsymbol\Sigma})/d`, and the normalised Frobenius norm
    :math:`\lVert\mA\rVert^2 = \tr(\mA\mA^\top)/d` of the paper,
    :math:`\hat\Delta^2 = \lVert\hat{\boldsymbol\Sigma} - \bar v\mI\rVert^2` and
    :math:`\bar\Delta_2^2 = \frac1{n^2}\sum_i
    \lVert\vx_i\vx_i^\top - \hat{\boldsymbol\Sigma}\rVert^2`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The data.
    assume_centered : bool, default=False
        If False, the column means are subtracted first.

    Returns
    -------
    float
        The intensity in [0, 1]; 0 when :math:`\mathbf S` is already a multiple of the identity.

    Notes
    -----
    Implements {eq}`eq-lda-ledoit-wolf` of the linear discriminant analysis chapter. The sum
    :math:`\sum_i\lVert\vx_i\vx_i^\top - \hat{\boldsymbol\Sigma}\rVert_F^2` is computed as
    :math:`\sum_i\lVert\vx_i\rVert_2^4 - n\lVert\hat{\boldsymbol\Sigma}\rVert_F^2`, in
    :math:`O(nd)` after :math:`\hat{\boldsymbol\Sigma}`.
    """
    X = np.asarray(X, dtype=np.float64)
    if not assume_centered:
        X = X - X.mean(axis=0)
    n, d = X.shape
    S = X.T @ X / n
    m = np.trace(S) / d
    S_minus = S.copy()
    S_minus.flat[:: d + 1] -= m
    d2 = np.sum(S_minus**2) / d
    row_sq = np.einsum("ij,ij->i", X, X)
    b_bar2 = (np.sum(row_sq**2) - n * np.sum(S**2)) / (n**2 * d)
    b2 = min(max(b_bar2, 0.0), d2)
    return 0.0 if b2 == 0.0 else float(b2 / d2)


def covariance(X, shrinkage=None):
    r"""The covariance of ``X``: empirical, shrunk by a fixed intensity, or by Ledoit–Wolf.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    shrinkage : None, "auto" or float in [0, 1], default=None
        None: the empirical covariance. A float :math:`\tau`: :func:`shrunk_covariance` of it.
        ``"auto"``: the features are standardised (a constant feature keeps scale 1), the
        Ledoit–Wolf estimate of the standardised data is computed and scaled back, as
        scikit-learn does.

    Returns
    -------
    ndarray of shape (n_features, n_features)

    Notes
    -----
    Implements {eq}`eq-lda-shrunk` and {eq}`eq-lda-ledoit-wolf` of the linear discriminant
    analysis chapter.
    """
    if shrinkage is None:
        return empirical_covariance(X)
    if isinstance(shrinkage, str):  # "auto"
        scale = X.std(axis=0)
        scale[scale == 0.0] = 1.0
        Z = (X - X.mean(axis=0)) / scale
        S = shrunk_covariance(empirical_covariance(Z), ledoit_wolf_shrinkage(Z))
        return scale[:, None] * S * scale[None, :]
    return shrunk_covariance(empirical_covariance(X), float(shrinkage))
