r"""The t-SNE objective, :math:`\mathrm{KL}(P\,\|\,Q)`, and its exact gradient.

The output similarities use a Student-t kernel with :math:`\nu` degrees of freedom
(:math:`\nu = 1`, the Cauchy kernel, for a 2-D embedding; scikit-learn uses
:math:`\nu = \max(q - 1, 1)`):
:math:`w_{ij} = (1 + \lVert\vz_i - \vz_j\rVert^2/\nu)^{-(\nu+1)/2}` and
:math:`q_{ij} = w_{ij} / \sum_{k \ne l} w_{kl}`.
"""

import numpy as np

from mlmath.dimensionality_reduction.tsne.affinities import MACHINE_EPSILON

__all__ = ["pairwise_sq_distances", "student_t_affinities", "kl_divergence",
           "kl_divergence_and_gradient"]


def pairwise_sq_distances(Z):
    r"""Squared Euclidean distances between the rows of ``Z``, exact zeros on the diagonal.

    Computed as :math:`\lVert\vz_i\rVert^2 - 2\vz_i^\top\vz_j + \lVert\vz_j\rVert^2`, which
    cancels catastrophically when the rows share a large offset: centre the rows first (the
    estimator does so for the input data).

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_components)

    Returns
    -------
    ndarray of shape (n_samples, n_samples)
    """
    sq = np.einsum("ij,ij->i", Z, Z)
    D = sq[:, None] - 2.0 * (Z @ Z.T) + sq[None, :]
    np.maximum(D, 0.0, out=D)
    np.fill_diagonal(D, 0.0)
    return D


def student_t_affinities(Z, dof=1.0):
    r"""Unnormalised kernel :math:`w_{ij}`, the factor :math:`u_{ij}` and the joint :math:`q_{ij}`.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_components)
        The embedding.
    dof : float, default=1.0
        Degrees of freedom :math:`\nu` of the Student-t kernel.

    Returns
    -------
    W : ndarray of shape (n_samples, n_samples)
        :math:`w_{ij}`, zero on the diagonal.
    U : ndarray of shape (n_samples, n_samples)
        :math:`u_{ij} = (1 + \lVert\vz_i - \vz_j\rVert^2/\nu)^{-1}` (``W`` when
        :math:`\nu = 1`).
    Q : ndarray of shape (n_samples, n_samples)
        :math:`q_{ij} = w_{ij} / \sum_{k\ne l} w_{kl}`.

    Notes
    -----
    Implements {eq}`eq-tsne-q` of the t-SNE chapter (and its :math:`\nu` generalisation in
    {ref}`sec-tsne-variants`).
    """
    U = 1.0 / (1.0 + pairwise_sq_distances(Z) / dof)
    np.fill_diagonal(U, 0.0)
    W = U if dof == 1.0 else U ** ((dof + 1.0) / 2.0)
    Q = W / max(W.sum(), MACHINE_EPSILON)
    return W, U, Q


def kl_divergence(P, Z, dof=1.0):
    r"""The objective :math:`\mathrm{KL}(P\,\|\,Q) = \sum_{i\ne j} p_{ij}\log(p_{ij}/q_{ij})`.

    Parameters
    ----------
    P : ndarray of shape (n_samples, n_samples)
        Joint input affinities (symmetric, zero diagonal, sum one).
    Z : ndarray of shape (n_samples, n_components)
        The embedding.
    dof : float, default=1.0
        Degrees of freedom of the Student-t kernel.

    Returns
    -------
    float

    Notes
    -----
    Implements {eq}`eq-tsne-kl` of the t-SNE chapter.
    """
    return kl_divergence_and_gradient(P, Z, dof)[0]


def kl_divergence_and_gradient(P, Z, dof=1.0, compute_error=True):
    r"""The objective and its gradient :math:`\partial J/\partial\vz_i`, both exact, in
    :math:`O(n^2 q)` time and :math:`O(n^2)` memory.

    .. math::
        \frac{\partial J}{\partial \vz_i}
        = \frac{2(\nu+1)}{\nu} \sum_{j} (p_{ij} - q_{ij})\, u_{ij}\, (\vz_i - \vz_j),

    which is :math:`4\sum_j (p_{ij} - q_{ij})(1 + \lVert\vz_i-\vz_j\rVert^2)^{-1}(\vz_i - \vz_j)`
    for :math:`\nu = 1`.

    Parameters
    ----------
    P : ndarray of shape (n_samples, n_samples)
        Joint input affinities (symmetric, zero diagonal, sum one).
    Z : ndarray of shape (n_samples, n_components)
        The embedding.
    dof : float, default=1.0
        Degrees of freedom :math:`\nu` of the Student-t kernel.
    compute_error : bool, default=True
        Compute the objective (else ``nan`` is returned in its place).

    Returns
    -------
    kl : float
        :math:`\mathrm{KL}(P\,\|\,Q)`.
    grad : ndarray of shape (n_samples, n_components)

    Notes
    -----
    Implements {eq}`eq-tsne-kl` and the gradient {eq}`eq-tsne-gradient` of the t-SNE chapter.
    """
    W, U, Q = student_t_affinities(Z, dof)
    M = (P - Q) * U                                       # (n, n), zero diagonal
    grad = (2.0 * (dof + 1.0) / dof) * (M.sum(axis=1)[:, None] * Z - M @ Z)
    if not compute_error:
        return np.nan, grad
    mask = P > 0
    kl = float(np.sum(P[mask] * np.log(P[mask] / np.maximum(Q[mask], MACHINE_EPSILON))))
    return kl, grad
