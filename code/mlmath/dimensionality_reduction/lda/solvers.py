r"""The three solvers of linear discriminant analysis: generalised eigenproblem, SVD, least squares.

Each returns the quantities the estimator stores. They follow scikit-learn's solvers step by
step, so that the two packages agree to rounding (up to the sign of each discriminant direction,
which an eigensolver or an SVD leaves free).
"""

from typing import NamedTuple

import numpy as np
from scipy import linalg

from mlmath.dimensionality_reduction.lda.scatter import class_means, within_class_covariance
from mlmath.dimensionality_reduction.lda.shrinkage import covariance

__all__ = ["LDASolution", "solve_eigen", "solve_svd", "solve_lsqr", "gaussian_intercepts",
           "check_within_nonsingular"]

_SINGULAR = ("The within-class covariance is singular (collinear features, or fewer samples "
             "than features): use shrinkage ('auto' or a float in (0, 1]) or solver='svd'.")


class LDASolution(NamedTuple):
    """What a solver returns.

    Parameters
    ----------
    coef : ndarray of shape (n_classes, n_features)
        The weights :math:`\\mathbf S_W^{-1}(\\boldsymbol\\mu_k - \\bar\\vx)` of the linear
        scores.
    intercept : ndarray of shape (n_classes,)
    scalings : ndarray of shape (n_features, m) or None
        The discriminant directions as columns (None for least squares).
    explained_variance_ratio : ndarray or None
        The share of each direction in the sum of the generalised eigenvalues.
    covariance : ndarray of shape (n_features, n_features) or None
        The within-class covariance :math:`\\mathbf S_W` when the solver forms it.
    xbar : ndarray of shape (n_features,)
        The prior-weighted mean :math:`\\bar\\vx`.
    """

    coef: np.ndarray
    intercept: np.ndarray
    scalings: object
    explained_variance_ratio: object
    covariance: object
    xbar: object


def gaussian_intercepts(means, coef, priors, xbar):
    r"""Intercepts of the scores centred at :math:`\bar\vx`.

    Row ``k`` of ``coef`` is :math:`\mathbf S_W^{-1}(\boldsymbol\mu_k - \bar\vx)`; the intercept
    is :math:`-\frac12(\boldsymbol\mu_k - \bar\vx)^\top\mathbf S_W^{-1}(\boldsymbol\mu_k -
    \bar\vx) + \log\pi_k - \bar\vx^\top\mathbf S_W^{-1}(\boldsymbol\mu_k - \bar\vx)`.

    Parameters
    ----------
    means : ndarray of shape (n_classes, n_features)
    coef : ndarray of shape (n_classes, n_features)
        The rows :math:`\mathbf S_W^{-1}(\boldsymbol\mu_k - \bar\vx)`.
    priors : ndarray of shape (n_classes,)
    xbar : ndarray of shape (n_features,)
        The prior-weighted mean :math:`\bar\vx = \sum_k\pi_k\boldsymbol\mu_k`.

    Returns
    -------
    ndarray of shape (n_classes,)

    Notes
    -----
    Implements {eq}`eq-lda-centred-score` of the linear discriminant analysis chapter, the
    scores {eq}`eq-lda-linear-score` minus a term common to all classes (``-inf`` for a class of
    prior zero). Centring keeps the weights of the order of :math:`\mathbf S_W^{-1}` times the
    spread of the class means rather than times their distance from the origin, so a large
    common offset of the features does not cancel catastrophically in the scores.
    """
    with np.errstate(divide="ignore"):
        return (-0.5 * np.einsum("kj,kj->k", means - xbar, coef) + np.log(priors)
                - coef @ xbar)


def check_within_nonsingular(S_within, X=None):
    r"""Refuse a numerically singular :math:`\mathbf S_W`, whatever the units of the features.

    Parameters
    ----------
    S_within : ndarray of shape (n_features, n_features)
    X : ndarray of shape (n_samples, n_features), default=None
        The data :math:`\mathbf S_W` was computed from, given only when :math:`\mathbf S_W` is
        not shrunk: it sets the rounding level of each feature (:func:`solve_eigen` passes the
        data shifted by its mean, so that a common offset does not raise that level).

    Raises
    ------
    scipy.linalg.LinAlgError
        If a feature :math:`j` has within-class standard deviation
        :math:`c_j = (\mathbf S_W)_{jj}^{1/2}` at most
        :math:`n\,\epsilon_{\mathrm{mach}}\max_i|x_{ij}|` (at most zero when ``X`` is None),
        or if the correlation-scaled matrix :math:`\mathbf D_W^{-1}\mathbf S_W\mathbf D_W^{-1}`,
        with :math:`\mathbf D_W = \diag(\mathbf S_W)^{1/2}`, has its smallest eigenvalue at most
        ``n_features * eps`` times its largest.

    Notes
    -----
    Implements step 3 of {prf:ref}`alg-lda-eigen` of the linear discriminant analysis chapter.
    :math:`n\,\epsilon_{\mathrm{mach}}\max_i|x_{ij}|` bounds the rounding error of the computed
    class means, so a feature constant within every class is refused even when its value is not
    representable exactly (its computed deviations are then rounding errors, not zeros).
    Rescaling a feature rescales :math:`c_j`, :math:`\max_i|x_{ij}|`, and a row and a column of
    :math:`\mathbf S_W`, and leaves the correlation-scaled matrix unchanged, so both tests are
    as invariant to units as LDA itself.
    """
    eps = np.finfo(float).eps
    c = np.sqrt(np.diag(S_within))
    level = 0.0 if X is None else X.shape[0] * eps * np.abs(X).max(axis=0)
    flat = np.flatnonzero(c <= level)
    if flat.size:
        raise linalg.LinAlgError(
            f"The within-class covariance is singular: feature(s) {flat.tolist()} are constant "
            "within every class, up to the rounding error of the class means. Remove them, "
            "or use shrinkage ('auto' or a float in (0, 1]).")
    eigs = linalg.eigvalsh(S_within / np.outer(c, c))
    if eigs[0] <= S_within.shape[0] * eps * eigs[-1]:
        raise linalg.LinAlgError(_SINGULAR)  # numerically singular: eigh might not notice


def solve_eigen(X, y_enc, means, priors, shrinkage=None):
    r"""Fisher's directions from the generalised eigenproblem.

    :math:`\mathbf S_B\vw = \lambda\mathbf S_W\vw`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y_enc : ndarray of shape (n_samples,), dtype int
    means : ndarray of shape (n_classes, n_features)
    priors : ndarray of shape (n_classes,)
    shrinkage : None, "auto" or float, default=None

    Returns
    -------
    LDASolution
        ``scalings`` holds all ``n_features`` generalised eigenvectors, by decreasing eigenvalue,
        normalised to :math:`\vw^\top\mathbf S_W\vw = 1`.

    Notes
    -----
    Implements {eq}`eq-lda-generalised-eig` and {prf:ref}`alg-lda-eigen` of the linear
    discriminant analysis chapter. As in scikit-learn, :math:`\mathbf S_B` is the total
    covariance minus :math:`\mathbf S_W`, each with the same shrinkage; without shrinkage and with
    the class frequencies as priors this is {eq}`eq-lda-between` ({prf:ref}`prop-lda-total`),
    otherwise it is in general of full rank and indefinite (more than ``n_classes - 1``
    directions, some with negative eigenvalues). Refuses a singular :math:`\mathbf S_W` with
    :func:`check_within_nonsingular`, without shrinkage on the data shifted by its mean (so
    that the rounding level of a feature is set by its spread, not by its offset from the
    origin); the weights
    are centred, {eq}`eq-lda-centred-score`.
    """
    unshrunk = shrinkage is None or (not isinstance(shrinkage, str) and shrinkage == 0)
    Xs, means_s = X, means
    if unshrunk:
        # Shift the data by its mean first: no covariance changes, but a large common offset
        # no longer sets the rounding level of the class means (the threshold of step 3).
        # (Not with shrinkage: "auto" detects constant features by an exact zero spread, as
        # scikit-learn does, which a shift by a non-representable mean would spoil.)
        Xs = X - X.mean(axis=0)
        means_s = class_means(Xs, y_enc, means.shape[0])  # not means - shift: keeps rounding
    S_within = within_class_covariance(Xs, y_enc, means_s, priors, shrinkage)
    S_between = covariance(Xs, shrinkage) - S_within
    check_within_nonsingular(S_within, Xs if unshrunk else None)
    try:
        evals, evecs = linalg.eigh(S_between, S_within)
    except linalg.LinAlgError as err:
        raise linalg.LinAlgError(_SINGULAR) from err
    order = np.argsort(evals)[::-1]
    evals, evecs = evals[order], evecs[:, order]
    xbar = priors @ means
    coef = ((means - xbar) @ evecs) @ evecs.T
    return LDASolution(coef, gaussian_intercepts(means, coef, priors, xbar), evecs,
                       evals / np.sum(evals), S_within, xbar)


def solve_lsqr(X, y_enc, means, priors, shrinkage=None):
    r"""The linear scores only: :math:`\mathbf S_W\vw_k = \boldsymbol\mu_k` solved by least squares.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y_enc : ndarray of shape (n_samples,), dtype int
    means : ndarray of shape (n_classes, n_features)
    priors : ndarray of shape (n_classes,)
    shrinkage : None, "auto" or float, default=None

    Returns
    -------
    LDASolution
        Without directions (``scalings`` and ``explained_variance_ratio`` are None).

    Notes
    -----
    Implements {eq}`eq-lda-linear-score` of the linear discriminant analysis chapter.
    """
    S_within = within_class_covariance(X, y_enc, means, priors, shrinkage)
    xbar = priors @ means
    coef = linalg.lstsq(S_within, (means - xbar).T)[0].T
    return LDASolution(coef, gaussian_intercepts(means, coef, priors, xbar), None, None,
                       S_within, xbar)


def solve_svd(X, y_enc, means, priors, tol=1e-4):
    r"""Fisher's directions without forming :math:`\mathbf S_W`: two SVDs.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y_enc : ndarray of shape (n_samples,), dtype int
    means : ndarray of shape (n_classes, n_features)
    priors : ndarray of shape (n_classes,)
    tol : float, default=1e-4
        Singular values of the scaled class-centred data at most ``tol`` are dropped (rank
        estimate), and those of the whitened class means at most ``tol`` times the largest.

    Returns
    -------
    LDASolution
        ``scalings`` has one column per direction kept, normalised to
        :math:`\vw^\top\mathbf S_W\vw = 1`; ``covariance`` is None.

    Notes
    -----
    Implements {prf:ref}`alg-lda-svd` of the linear discriminant analysis chapter. The
    within-class covariance it whitens is :math:`\mX_c^\top\mX_c/n`, which weights class
    :math:`k` by :math:`n_k/n` whatever the priors (scikit-learn's convention); the priors enter
    the between-class step and the intercepts.
    """
    n, K = X.shape[0], means.shape[0]
    xbar = priors @ means
    Xc = X - means[y_enc]
    std = Xc.std(axis=0)
    std[std == 0] = 1.0
    _, s, Vt = linalg.svd(Xc / (std * np.sqrt(n)), full_matrices=False)
    rank = int(np.sum(s > tol))
    if rank == 0:
        raise ValueError("Every feature is constant within every class (no within-class "
                         "variation above tol): the discriminant directions are undefined.")
    whiten = (Vt[:rank] / std).T / s[:rank]
    centres = (np.sqrt(n * priors / max(K - 1, 1))[:, None] * (means - xbar)) @ whiten
    _, s2, Vt2 = linalg.svd(centres, full_matrices=False)
    total = np.sum(s2**2)
    ratio = s2**2 / total if total > 0 else np.zeros_like(s2)
    rank2 = int(np.sum(s2 > tol * s2[0])) if s2.size else 0
    scalings = whiten @ Vt2.T[:, :rank2]
    proj = (means - xbar) @ scalings
    coef = proj @ scalings.T
    with np.errstate(divide="ignore"):
        intercept = -0.5 * np.sum(proj**2, axis=1) + np.log(priors) - coef @ xbar
    return LDASolution(coef, intercept, scalings, ratio, None, xbar)
