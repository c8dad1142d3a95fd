r"""Class statistics of discriminant analysis: means, priors, within- and between-class covariance.

All covariances are the biased (maximum likelihood) ones, divided by the number of samples, and
the class covariances are combined with the class priors as weights, as in scikit-learn.
"""

import warnings

import numpy as np

from mlmath.dimensionality_reduction.lda.shrinkage import covariance

__all__ = [
    "class_counts",
    "class_means",
    "check_priors",
    "within_class_covariance",
    "between_class_covariance",
    "fisher_criterion",
]


def class_counts(y_enc, n_classes):
    """Number of samples of each class.

    Parameters
    ----------
    y_enc : ndarray of shape (n_samples,), dtype int
        Class indices ``0, ..., n_classes - 1``.
    n_classes : int

    Returns
    -------
    ndarray of shape (n_classes,)
    """
    return np.bincount(y_enc, minlength=n_classes)


def class_means(X, y_enc, n_classes):
    r"""Class means :math:`\boldsymbol\mu_k = \frac1{n_k}\sum_{i: y_i = k}\vx_i`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y_enc : ndarray of shape (n_samples,), dtype int
    n_classes : int

    Returns
    -------
    ndarray of shape (n_classes, n_features)

    Notes
    -----
    Implements {eq}`eq-lda-class-means` of the linear discriminant analysis chapter, as one
    matrix product with the one-hot label matrix (:math:`O(nKd)`).
    """
    onehot = (y_enc[:, None] == np.arange(n_classes)[None, :]).astype(X.dtype)
    return (onehot.T @ X) / class_counts(y_enc, n_classes)[:, None]


def check_priors(priors, counts):
    """The class priors: the class frequencies, or the user's priors checked and normalised.

    Parameters
    ----------
    priors : array-like of shape (n_classes,) or None
        ``None`` uses the class frequencies ``counts / counts.sum()``.
    counts : ndarray of shape (n_classes,)
        Number of samples of each class.

    Returns
    -------
    ndarray of shape (n_classes,)
        Non-negative priors summing to one (renormalised with a warning if they did not).
    """
    if priors is None:
        return counts / counts.sum()
    p = np.asarray(priors, dtype=np.float64).reshape(-1)
    if p.shape != counts.shape:
        raise ValueError(f"priors has {p.size} entries; expected one per class ({counts.size}).")
    if not np.all(np.isfinite(p)) or np.any(p < 0):
        raise ValueError("priors must be finite and non-negative.")
    if abs(p.sum() - 1.0) > 1e-5:
        if p.sum() == 0:
            raise ValueError("priors sum to zero.")
        warnings.warn("The priors do not sum to 1. Renormalizing", UserWarning, stacklevel=3)
        p = p / p.sum()
    return p


def within_class_covariance(X, y_enc, means, priors, shrinkage=None):
    r"""Within-class covariance :math:`\mathbf S_W = \sum_k \pi_k \hat{\boldsymbol\Sigma}_k`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y_enc : ndarray of shape (n_samples,), dtype int
    means : ndarray of shape (n_classes, n_features)
        The class means.
    priors : ndarray of shape (n_classes,)
        The weights :math:`\pi_k`.
    shrinkage : None, "auto" or float, default=None
        Each class covariance :math:`\hat{\boldsymbol\Sigma}_k` is estimated by
        :func:`~mlmath.dimensionality_reduction.lda.shrinkage.covariance` with this shrinkage.

    Returns
    -------
    ndarray of shape (n_features, n_features)

    Notes
    -----
    Implements {eq}`eq-lda-within` of the linear discriminant analysis chapter. Without
    shrinkage it is one weighted product :math:`\mX_c^\top\diag(\pi_{y_i}/n_{y_i})\mX_c` of the
    class-centred data (:math:`O(nd^2)`).
    """
    K = means.shape[0]
    if shrinkage is None:
        Xc = X - means[y_enc]
        w = (priors / class_counts(y_enc, K))[y_enc]
        return (Xc * w[:, None]).T @ Xc
    S = np.zeros((X.shape[1], X.shape[1]))
    for k in range(K):
        S += priors[k] * covariance(X[y_enc == k], shrinkage)
    return S


def between_class_covariance(means, priors):
    r"""Between-class covariance.

    :math:`\mathbf S_B = \sum_k\pi_k(\boldsymbol\mu_k - \bar\vx)(\boldsymbol\mu_k - \bar\vx)^\top`.

    Parameters
    ----------
    means : ndarray of shape (n_classes, n_features)
    priors : ndarray of shape (n_classes,)

    Returns
    -------
    ndarray of shape (n_features, n_features)
        Of rank at most ``n_classes - 1``, with :math:`\bar\vx = \sum_k\pi_k\boldsymbol\mu_k`.

    Notes
    -----
    Implements {eq}`eq-lda-between` of the linear discriminant analysis chapter.
    """
    D = means - priors @ means
    return (D * priors[:, None]).T @ D


def fisher_criterion(w, S_between, S_within):
    r"""Fisher's criterion :math:`\psi(\vw) = \vw^\top\mathbf S_B\vw / \vw^\top\mathbf S_W\vw`.

    Parameters
    ----------
    w : ndarray of shape (n_features,) or (n_features, m)
        One direction, or ``m`` directions as columns.
    S_between, S_within : ndarray of shape (n_features, n_features)

    Returns
    -------
    float or ndarray of shape (m,)

    Notes
    -----
    Implements {eq}`eq-lda-fisher-k` of the linear discriminant analysis chapter.
    """
    num = np.einsum("i...,ij,j...->...", w, S_between, w)
    den = np.einsum("i...,ij,j...->...", w, S_within, w)
    return num / den
