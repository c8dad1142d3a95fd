r"""Cholesky factors of the precision matrices of a Gaussian mixture, and their log-determinants.

A component's covariance :math:`\boldsymbol\Sigma_k = \mathbf{L}_k\mathbf{L}_k^\top` (lower
Cholesky factor) has the precision :math:`\boldsymbol\Sigma_k^{-1} = \mathbf{C}_k\mathbf{C}_k^\top`
with the *upper* triangular :math:`\mathbf{C}_k = \mathbf{L}_k^{-\top}`, scikit-learn's
``precisions_cholesky_``. The four covariance types store it as

- ``"full"``: covariances ``(K, d, d)``, factors ``(K, d, d)``, upper triangular;
- ``"tied"``: one covariance ``(d, d)``, one factor ``(d, d)``, upper triangular;
- ``"diag"``: variances ``(K, d)``, factors ``(K, d)``, one over the standard deviations;
- ``"spherical"``: one variance per component ``(K,)``, factors ``(K,)``.
"""

import numpy as np
from scipy.linalg import solve_triangular

__all__ = [
    "COVARIANCE_TYPES",
    "precision_cholesky",
    "precision_cholesky_from_precisions",
    "precisions_from_cholesky",
    "log_det_cholesky",
]

COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")

_ILL_DEFINED = (
    "Fitting the mixture model failed because some components have an ill-defined "
    "covariance (not positive definite), for instance because a component collapsed onto a "
    "single point or onto duplicated points. Decrease n_components, increase reg_covar, or "
    "scale the input data."
)


def _upper_from_lower_inverse(L):
    """``L^{-T}`` of a lower-triangular ``L`` (d, d), by one triangular solve."""
    return solve_triangular(L, np.eye(L.shape[0]), lower=True, check_finite=False).T


def precision_cholesky(covariances, covariance_type):
    r"""Upper Cholesky factors :math:`\mathbf{C}_k = \mathbf{L}_k^{-\top}` of the precisions.

    Parameters
    ----------
    covariances : ndarray
        ``(K, d, d)`` for ``"full"``, ``(d, d)`` for ``"tied"``, ``(K, d)`` for ``"diag"``,
        ``(K,)`` for ``"spherical"``.
    covariance_type : {"full", "tied", "diag", "spherical"}

    Returns
    -------
    precisions_chol : ndarray of the same shape as ``covariances``
        With :math:`\boldsymbol\Sigma_k^{-1} = \mathbf{C}_k\mathbf{C}_k^\top`.

    Raises
    ------
    ValueError
        When a covariance is not positive definite (a collapsed component).

    Notes
    -----
    Implements {eq}`eq-gmm-precision-cholesky` of the Gaussian mixtures chapter: one
    Cholesky factorisation and one triangular solve per component, no matrix inverse.
    """
    covariances = np.asarray(covariances, dtype=float)
    if covariance_type in ("diag", "spherical"):
        if not np.all(covariances > 0) or not np.all(np.isfinite(covariances)):
            raise ValueError(_ILL_DEFINED)
        return 1.0 / np.sqrt(covariances)
    try:
        L = np.linalg.cholesky(covariances)           # (K, d, d) or (d, d), lower
    except np.linalg.LinAlgError:
        raise ValueError(_ILL_DEFINED) from None
    if not np.all(np.isfinite(L)):
        raise ValueError(_ILL_DEFINED)
    if covariance_type == "tied":
        return _upper_from_lower_inverse(L)
    return np.stack([_upper_from_lower_inverse(Lk) for Lk in L])


def precision_cholesky_from_precisions(precisions, covariance_type):
    r"""Upper triangular factors :math:`\mathbf{C}_k` of given precisions.

    With the exchange matrix :math:`\mathbf{J}` (ones on the anti-diagonal), the lower Cholesky
    factor :math:`\mathbf{M}` of :math:`\mathbf{J}\boldsymbol\Sigma^{-1}\mathbf{J}` gives the
    upper triangular :math:`\mathbf{C} = \mathbf{J}\mathbf{M}\mathbf{J}` with
    :math:`\mathbf{C}\mathbf{C}^\top = \boldsymbol\Sigma^{-1}`, since
    :math:`\mathbf{J} = \mathbf{J}^\top = \mathbf{J}^{-1}` (scikit-learn's construction).

    Parameters
    ----------
    precisions : ndarray
        Shapes as in :func:`precision_cholesky`, each positive definite.
    covariance_type : {"full", "tied", "diag", "spherical"}

    Returns
    -------
    precisions_chol : ndarray of the same shape
    """
    precisions = np.asarray(precisions, dtype=float)
    if covariance_type in ("diag", "spherical"):
        return np.sqrt(precisions)
    flipped = precisions[..., ::-1, ::-1]
    try:
        M = np.linalg.cholesky(flipped)
    except np.linalg.LinAlgError:
        raise ValueError(f"'{covariance_type} precision' should be symmetric, "
                         "positive-definite") from None
    return np.ascontiguousarray(M[..., ::-1, ::-1])


def precisions_from_cholesky(precisions_chol, covariance_type):
    r"""The precisions :math:`\mathbf{C}_k\mathbf{C}_k^\top` (``precisions_``).

    Parameters
    ----------
    precisions_chol : ndarray
        Shapes as in :func:`precision_cholesky`.
    covariance_type : {"full", "tied", "diag", "spherical"}

    Returns
    -------
    precisions : ndarray of the same shape
    """
    if covariance_type in ("diag", "spherical"):
        return precisions_chol ** 2
    return precisions_chol @ np.swapaxes(precisions_chol, -1, -2)


def log_det_cholesky(precisions_chol, covariance_type, n_features):
    r""":math:`\log\det\mathbf{C}_k = -\tfrac12\log\det\boldsymbol\Sigma_k` for every component.

    Parameters
    ----------
    precisions_chol : ndarray
        Shapes as in :func:`precision_cholesky`.
    covariance_type : {"full", "tied", "diag", "spherical"}
    n_features : int
        :math:`d` (needed for ``"spherical"``, whose factor is one number per component).

    Returns
    -------
    log_det : ndarray of shape (K,), or a float for ``"tied"``
        The sum of the logarithms of the diagonal of :math:`\mathbf{C}_k`.

    Notes
    -----
    Implements {eq}`eq-gmm-log-det` of the Gaussian mixtures chapter.
    """
    if covariance_type == "full":
        return np.sum(np.log(np.diagonal(precisions_chol, axis1=1, axis2=2)), axis=1)
    if covariance_type == "tied":
        return float(np.sum(np.log(np.diag(precisions_chol))))
    if covariance_type == "diag":
        return np.sum(np.log(precisions_chol), axis=1)
    return n_features * np.log(precisions_chol)
