"""UMAP's fuzzy-set cross-entropy and its attractive and repulsive gradient terms.

With $D_{ij} = \\lVert \\vz_i - \\vz_j \\rVert_2^2$ and $w_{ij} = 1/(1 + a D_{ij}^{b})$, an edge
with membership $v_{ij}$ contributes $-v_{ij}\\log w_{ij} - (1 - v_{ij})\\log(1 - w_{ij})$ plus
a constant; the gradients of the two logarithms with respect to $\\vz_i$ are
{eq}`eq-umap-attractive` and {eq}`eq-umap-repulsive`.
"""

import numpy as np
import scipy.sparse as sp

from mlmath.validation import as_finite_array

__all__ = ["cross_entropy", "cross_entropy_gradient", "attractive_gradient",
           "repulsive_gradient"]


def _xlogy_ratio(p, q):
    """``p * log(p / q)`` with the convention ``0 * log 0 = 0``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(p > 0, p * (np.log(np.where(p > 0, p, 1.0)) - np.log(q)), 0.0)


def cross_entropy(graph, Z, a, b):
    """The fuzzy-set cross-entropy between the graph and the embedding, over all pairs.

    $J = \\sum_{i < j} v_{ij}\\log(v_{ij}/w_{ij}) + (1 - v_{ij})\\log((1 - v_{ij})/(1 - w_{ij}))$,
    a dense $O(n^2)$ computation for checks on small data.

    Parameters
    ----------
    graph : array-like or sparse matrix of shape (n_samples, n_samples)
        Symmetric memberships $v_{ij} \\in [0, 1]$.
    Z : array-like of shape (n_samples, n_components)
        The embedding; distinct points.
    a, b : float
        Curve parameters.

    Returns
    -------
    float

    Notes
    -----
    Implements {eq}`eq-umap-cross-entropy` of the UMAP chapter.
    """
    V = graph.toarray() if sp.issparse(graph) else np.asarray(graph, dtype=float)
    Z = as_finite_array(Z, "Z", ndim=2)
    diff = Z[:, None, :] - Z[None, :, :]
    D = np.einsum("ijk,ijk->ij", diff, diff)
    iu = np.triu_indices(Z.shape[0], k=1)
    v, D = V[iu], D[iu]
    w = 1.0 / (1.0 + a * D**b)
    return float(np.sum(_xlogy_ratio(v, w) + _xlogy_ratio(1.0 - v, 1.0 - w)))


def cross_entropy_gradient(graph, Z, a, b):
    """The exact gradient of :func:`cross_entropy` with respect to every $\\vz_i$.

    $\\nabla_{\\vz_i} J = \\sum_{j \\ne i} v_{ij}\\,\\mathbf{g}^{+}_{ij} +
    (1 - v_{ij})\\,\\mathbf{g}^{-}_{ij}$ with the attractive and repulsive terms of
    :func:`attractive_gradient` and :func:`repulsive_gradient` (no clipping, no $\\epsilon$).

    Parameters
    ----------
    graph : array-like or sparse matrix of shape (n_samples, n_samples)
    Z : array-like of shape (n_samples, n_components)
        Distinct points.
    a, b : float

    Returns
    -------
    ndarray of shape (n_samples, n_components)

    Notes
    -----
    Implements {eq}`eq-umap-full-gradient` of the UMAP chapter.
    """
    V = graph.toarray() if sp.issparse(graph) else np.asarray(graph, dtype=float)
    Z = as_finite_array(Z, "Z", ndim=2)
    diff = Z[:, None, :] - Z[None, :, :]  # (n, n, q)
    D = np.einsum("ijk,ijk->ij", diff, diff)
    np.fill_diagonal(D, 1.0)  # the diagonal is excluded below
    Db = D**b
    attract = 2.0 * a * b * Db / D / (1.0 + a * Db)
    repel = -2.0 * b / (D * (1.0 + a * Db))
    coeff = V * attract + (1.0 - V) * repel
    np.fill_diagonal(coeff, 0.0)
    return np.einsum("ij,ijk->ik", coeff, diff)


def attractive_gradient(zi, zj, a, b):
    """Gradient with respect to $\\vz_i$ of $-\\log w_{ij}$ (the pull along an edge).

    $\\mathbf{g}^{+}_{ij} = \\frac{2ab D_{ij}^{b-1}}{1 + a D_{ij}^{b}} (\\vz_i - \\vz_j)$.

    Parameters
    ----------
    zi, zj : array-like of shape (n_components,)
        Two distinct embedded points.
    a, b : float

    Returns
    -------
    ndarray of shape (n_components,)

    Notes
    -----
    Implements {eq}`eq-umap-attractive` of the UMAP chapter.
    """
    diff = np.asarray(zi, dtype=float) - np.asarray(zj, dtype=float)
    D = diff @ diff
    return 2.0 * a * b * D ** (b - 1.0) / (1.0 + a * D**b) * diff


def repulsive_gradient(zi, zj, a, b, *, eps=0.0):
    """Gradient with respect to $\\vz_i$ of $-\\log(1 - w_{ij})$ (the push of a negative sample).

    $\\mathbf{g}^{-}_{ij} = -\\frac{2b}{(\\epsilon + D_{ij})(1 + a D_{ij}^{b})}(\\vz_i - \\vz_j)$;
    exact at $\\epsilon = 0$, umap-learn's guarded form at $\\epsilon = 10^{-3}$.

    Parameters
    ----------
    zi, zj : array-like of shape (n_components,)
    a, b : float
    eps : float, default=0.0
        Added to $D_{ij}$ in the denominator.

    Returns
    -------
    ndarray of shape (n_components,)

    Notes
    -----
    Implements {eq}`eq-umap-repulsive` of the UMAP chapter.
    """
    diff = np.asarray(zi, dtype=float) - np.asarray(zj, dtype=float)
    D = diff @ diff
    return -2.0 * b / ((eps + D) * (1.0 + a * D**b)) * diff
