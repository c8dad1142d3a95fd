r"""The singular value decomposition as PCA uses it: a sign convention and a randomised SVD.

An SVD is unique only up to the sign of each pair of singular vectors: flipping the sign of
column :math:`j` of :math:`\mathbf U` and row :math:`j` of :math:`\mathbf V^\top` leaves
:math:`\mathbf U\mathbf S\mathbf V^\top` unchanged. :func:`svd_flip` fixes the signs as
scikit-learn 1.9's ``PCA`` does (``svd_flip(U, Vt, u_based_decision=False)``): the entry of
largest magnitude of every row of :math:`\mathbf V^\top` (every principal axis) is positive.
:func:`randomized_svd` is the algorithm of Halko, Martinsson and Tropp (2011): a Gaussian range
finder with oversampling and power iterations, re-orthonormalised by QR after every product.
"""

import numpy as np
from scipy import linalg
from sklearn.utils import check_random_state

__all__ = ["svd_flip", "randomized_range_finder", "randomized_svd"]


def svd_flip(U, Vt):
    r"""Fix the signs of the singular vectors: the largest entry of each row of ``Vt`` is positive.

    Parameters
    ----------
    U : ndarray of shape (n_samples, r) or None
        Left singular vectors (columns); ``None`` when they are not needed.
    Vt : ndarray of shape (r, n_features)
        Right singular vectors (rows).

    Returns
    -------
    U : ndarray of shape (n_samples, r) or None
        ``U`` with column ``j`` multiplied by the sign chosen for row ``j`` of ``Vt``.
    Vt : ndarray of shape (r, n_features)
        ``Vt`` with every row's entry of largest magnitude positive (the first such entry on
        ties, as ``np.argmax`` picks it).

    Notes
    -----
    The convention of {eq}`eq-pca-sign` of the PCA chapter; it is scikit-learn 1.9's
    ``svd_flip(U, Vt, u_based_decision=False)``, the one its ``PCA`` calls.
    """
    rows = np.arange(Vt.shape[0])
    signs = np.sign(Vt[rows, np.argmax(np.abs(Vt), axis=1)])
    signs[signs == 0] = 1.0                          # an all-zero row keeps its sign
    Vt = Vt * signs[:, None]
    if U is not None:
        U = U * signs[None, :]
    return U, Vt


def randomized_range_finder(A, size, n_iter, random_state=None):
    r"""An orthonormal basis ``Q`` whose span approximates the dominant column space of ``A``.

    Draws a Gaussian test matrix :math:`\boldsymbol\Gamma \in \R^{d\times \text{size}}`, forms
    :math:`\mathbf Y = (\mathbf A\mathbf A^\top)^{T}\mathbf A\boldsymbol\Gamma` with
    :math:`T` = ``n_iter`` power iterations, re-orthonormalising by QR after every product with
    ``A`` or ``A.T`` (Halko et al., 2011, algorithm 4.4), and returns an orthonormal basis of its
    span.

    Parameters
    ----------
    A : ndarray of shape (n, d)
        The matrix.
    size : int
        Number of columns of ``Q``, :math:`q + m` (the target rank :math:`q` plus the
        oversampling :math:`m`).
    n_iter : int
        Number of power iterations :math:`T \ge 0`.
    random_state : int, RandomState instance or None, default=None
        Source of the test matrix; drawn as ``random_state.normal(size=(d, size))``, the draw
        scikit-learn makes, so the same seed gives the same subspace.

    Returns
    -------
    Q : ndarray of shape (n, size)
        Orthonormal columns.

    Notes
    -----
    Implements the range finder of {prf:ref}`alg-pca-randomized` of the PCA chapter.
    """
    rng = check_random_state(random_state)
    Q = rng.normal(size=(A.shape[1], size))          # (d, size) Gaussian test matrix
    for _ in range(n_iter):
        Q = linalg.qr(A @ Q, mode="economic", check_finite=False)[0]     # (n, size)
        Q = linalg.qr(A.T @ Q, mode="economic", check_finite=False)[0]   # (d, size)
    return linalg.qr(A @ Q, mode="economic", check_finite=False)[0]      # (n, size)


def randomized_svd(A, n_components, *, n_oversamples=10, n_iter="auto", random_state=None):
    r"""A truncated SVD of ``A`` by random projection (Halko, Martinsson and Tropp, 2011).

    With :math:`\mathbf Q` from :func:`randomized_range_finder`, the small matrix
    :math:`\mathbf B = \mathbf Q^\top\mathbf A` is decomposed exactly,
    :math:`\mathbf B = \hat{\mathbf U}\mathbf S\mathbf V^\top`, and
    :math:`\mathbf U = \mathbf Q\hat{\mathbf U}`. A matrix with fewer rows than columns is
    transposed first (as in scikit-learn), so the test matrix has ``min(n, d)`` rows.

    Parameters
    ----------
    A : ndarray of shape (n, d)
        The matrix (for PCA, the centred data).
    n_components : int
        Number :math:`q` of singular triplets to return.
    n_oversamples : int, default=10
        Extra random directions :math:`m`; the test matrix :math:`\boldsymbol\Gamma` has
        :math:`q + m` columns.
    n_iter : int or "auto", default="auto"
        Power iterations :math:`T`; ``"auto"`` is 7 when ``n_components < 0.1 * min(n, d)``, else 4
        (scikit-learn's rule).
    random_state : int, RandomState instance or None, default=None
        Source of the Gaussian test matrix.

    Returns
    -------
    U : ndarray of shape (n, n_components)
    s : ndarray of shape (n_components,)
        Approximate singular values, decreasing.
    Vt : ndarray of shape (n_components, d)

    Notes
    -----
    Implements {prf:ref}`alg-pca-randomized` of the PCA chapter; the signs are not fixed (call
    :func:`svd_flip`).
    """
    n, d = A.shape
    if n_iter == "auto":
        n_iter = 7 if n_components < 0.1 * min(n, d) else 4
    transpose = n < d
    M = A.T if transpose else A
    Q = randomized_range_finder(M, n_components + n_oversamples, n_iter, random_state)
    B = Q.T @ M                                      # (q + m, columns of M)
    Uhat, s, Vt = linalg.svd(B, full_matrices=False)
    U = Q @ Uhat
    U, s, Vt = U[:, :n_components], s[:n_components], Vt[:n_components]
    if transpose:
        return Vt.T, s, U.T
    return U, s, Vt
