r"""Kernel PCA (Schölkopf, Smola and Müller, 1998): PCA of the feature vectors :math:`\vphi(\vx_i)`.

Everything is computed from the kernel matrix :math:`\mathbf K`: centring in feature space is a
double centring of :math:`\mathbf K` (:func:`center_kernel`, :func:`center_kernel_new`), the
principal axes are expansions in the training points whose coefficients are the eigenvectors
of the centred matrix, and a pre-image map back to the inputs is learned by kernel ridge
regression (Bakır, Weston and Schölkopf, 2004), as in scikit-learn. The leading eigenpairs come
from LAPACK (only the top :math:`q` of them) or, for a few components of a large matrix, from
ARPACK's Lanczos iteration, chosen by scikit-learn's rule.
"""

from numbers import Integral, Real

import numpy as np
from scipy import linalg
from scipy.sparse.linalg import ArpackNoConvergence, eigsh
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from mlmath.supervised.svm.kernels import kernel_matrix
from mlmath.validation import (
    Interval,
    Options,
    as_finite_array,
    check_squares_representable,
    validate_parameters,
)

__all__ = ["pairwise_kernel", "center_kernel", "center_kernel_new", "top_eigenpairs",
           "KernelPCA"]


def pairwise_kernel(X, Z, kernel, *, gamma, degree=3, coef0=1.0):
    r"""The kernel matrix :math:`K_{ij} = k(\vx_i, \vz_j)` of a named kernel.

    Parameters
    ----------
    X : ndarray of shape (n_samples_X, n_features)
    Z : ndarray of shape (n_samples_Z, n_features)
    kernel : {"linear", "poly", "rbf", "sigmoid", "cosine"}
        The first four are the support vector machine chapter's kernels;
        ``"cosine"`` is :math:`\vx^\top\vz / (\lVert\vx\rVert_2\lVert\vz\rVert_2)` (zero for a
        zero vector, as in scikit-learn).
    gamma : float
        Scale of ``"poly"``, ``"rbf"`` and ``"sigmoid"``.
    degree : float, default=3
        Degree of ``"poly"``.
    coef0 : float, default=1.0
        Offset of ``"poly"`` and ``"sigmoid"``.

    Returns
    -------
    K : ndarray of shape (n_samples_X, n_samples_Z)
    """
    if kernel == "cosine":
        def unit(A):
            norms = np.sqrt(np.einsum("ij,ij->i", A, A))
            norms[norms == 0.0] = 1.0
            return A / norms[:, None]
        return unit(X) @ unit(Z).T
    return kernel_matrix(X, Z, kernel, gamma=gamma, degree=degree, coef0=coef0)


def center_kernel(K):
    r"""Centre a training kernel matrix in feature space.

    Parameters
    ----------
    K : ndarray of shape (n_samples, n_samples)
        :math:`K_{ij} = \vphi(\vx_i)^\top\vphi(\vx_j)`.

    Returns
    -------
    K_centred : ndarray of shape (n_samples, n_samples)
        :math:`\mathbf C_n\mathbf K\mathbf C_n` with
        :math:`\mathbf C_n = \mI - \tfrac1n\mathbf 1\mathbf 1^\top`,
        the Gram matrix of :math:`\vphi(\vx_i) - \bar\vphi`.
    column_means : ndarray of shape (n_samples,)
        :math:`\tfrac1n\sum_i K_{ij}`, kept to centre new points.
    grand_mean : float
        :math:`\tfrac1{n^2}\sum_{i,j} K_{ij}`.

    Notes
    -----
    Implements {eq}`eq-pca-kernel-centre` of the PCA chapter.
    """
    column_means = K.mean(axis=0)
    grand_mean = float(column_means.mean())
    Kc = K - column_means[None, :]                   # one n x n temporary; the rest in place
    Kc -= column_means[:, None]
    Kc += grand_mean
    return Kc, column_means, grand_mean


def center_kernel_new(K_new, column_means, grand_mean):
    r"""Centre the kernel between new points and the training points.

    Parameters
    ----------
    K_new : ndarray of shape (n_new, n_samples)
        :math:`k(\vx, \vx_j)` for new points :math:`\vx` (rows) and training points (columns).
    column_means : ndarray of shape (n_samples,)
        From :func:`center_kernel`.
    grand_mean : float
        From :func:`center_kernel`.

    Returns
    -------
    K_centred : ndarray of shape (n_new, n_samples)
        :math:`(\vphi(\vx) - \bar\vphi)^\top(\vphi(\vx_j) - \bar\vphi)`.

    Notes
    -----
    Implements {eq}`eq-pca-kernel-centre-new` of the PCA chapter.
    """
    Kc = K_new - column_means[None, :]               # one temporary; the rest in place
    Kc -= K_new.mean(axis=1)[:, None]
    Kc += grand_mean
    return Kc


def top_eigenpairs(K, q, *, solver="dense", tol=0.0, max_iter=None, random_state=None):
    r"""The :math:`q` largest eigenpairs of a symmetric matrix, decreasing.

    Parameters
    ----------
    K : ndarray of shape (n, n)
        Symmetric; read only.
    q : int
        Number of eigenpairs, ``1 <= q <= n`` (``q < n`` for ``"arpack"``).
    solver : {"dense", "arpack"}, default="dense"
        ``"dense"``: LAPACK's symmetric eigensolver restricted to the indices
        :math:`n - q, \dots, n - 1` (the reduction to tridiagonal form still costs
        :math:`\mathcal O(n^3)`). ``"arpack"``: implicitly restarted Lanczos
        (``scipy.sparse.linalg.eigsh`` with ``which="LA"``), one product with ``K``,
        :math:`\mathcal O(n^2)`, per iteration.
    tol : float, default=0.0
        ARPACK's relative accuracy of the Ritz values; 0 means machine precision.
    max_iter : int or None, default=None
        ARPACK's limit on restarts; ``None`` means ARPACK's default, :math:`10n`.
    random_state : int, RandomState instance or None, default=None
        Seeds ARPACK's starting vector, uniform on :math:`[-1, 1]^n` as in scikit-learn.

    Returns
    -------
    eigenvalues : ndarray of shape (q,)
        Decreasing.
    eigenvectors : ndarray of shape (n, q)
        Orthonormal columns, in the order of ``eigenvalues``.

    Raises
    ------
    RuntimeError
        If ARPACK does not converge within ``max_iter`` restarts.

    Notes
    -----
    Step 2 of {prf:ref}`alg-pca-kernel` of the PCA chapter (before the clipping and the sign
    rule).
    """
    n = K.shape[0]
    if solver == "dense":
        lam, A = linalg.eigh(K, subset_by_index=(n - q, n - 1), check_finite=False)
    else:
        v0 = check_random_state(random_state).uniform(-1, 1, n)
        try:
            lam, A = eigsh(K, q, which="LA", tol=tol, maxiter=max_iter, v0=v0)
        except ArpackNoConvergence as err:
            raise RuntimeError(
                f"ARPACK did not converge to the {q} leading eigenpairs in max_iter={max_iter} "
                "restarts: raise max_iter or tol, or use eigen_solver='dense'."
            ) from err
    order = np.argsort(lam)[::-1]
    return lam[order], A[:, order]


class KernelPCA(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    r"""Kernel principal component analysis.

    Parameters
    ----------
    n_components : int or None, default=None
        Number of components; ``None`` keeps every component of positive eigenvalue.
    kernel : {"linear", "poly", "rbf", "sigmoid", "cosine"}, default="linear"
        The kernel (see :func:`pairwise_kernel`).
    gamma : float or None, default=None
        Kernel scale; ``None`` means ``1 / n_features``.
    degree : float, default=3
        Degree of the polynomial kernel.
    coef0 : float, default=1
        Offset of the polynomial and sigmoid kernels.
    alpha : float, default=1.0
        Ridge strength of the pre-image map (``fit_inverse_transform=True``).
    fit_inverse_transform : bool, default=False
        Learn the pre-image map by kernel ridge regression of the inputs on their scores.
    eigen_solver : {"auto", "dense", "arpack"}, default="auto"
        ``"dense"``: LAPACK's symmetric eigensolver, only the top ``n_components`` pairs;
        ``"arpack"``: ARPACK's Lanczos iteration (needs ``n_components < n_samples``);
        ``"auto"``: ``"arpack"`` when ``n_components < 10`` and ``n_samples > 200``, else
        ``"dense"`` (scikit-learn's rule).
    tol : float, default=0
        Convergence tolerance of ARPACK (0: machine precision); ignored by ``"dense"``.
    max_iter : int or None, default=None
        Maximum number of ARPACK restarts (``None``: ARPACK's default); ignored by
        ``"dense"``.
    remove_zero_eig : bool, default=False
        Drop components of zero eigenvalue (always done when ``n_components`` is None).
    random_state : int, RandomState instance or None, default=None
        Seeds ARPACK's starting vector; ignored by ``"dense"``.

    Attributes
    ----------
    eigenvalues_ : ndarray of shape (n_components,)
        Eigenvalues :math:`\vartheta_j` of the centred kernel matrix, decreasing, negative ones
        set to zero.
    eigenvectors_ : ndarray of shape (n_samples, n_components)
        Unit eigenvectors :math:`\vu_j`, the largest entry of each positive.
    gamma_ : float
        The kernel scale used.
    X_fit_ : ndarray of shape (n_samples, n_features)
    dual_coef_ : ndarray of shape (n_samples, n_features)
        Coefficients :math:`\mathbf D` of the pre-image map (with ``fit_inverse_transform``).
    X_transformed_fit_ : ndarray of shape (n_samples, n_components)
        Scores of the training points (with ``fit_inverse_transform``).
    n_features_in_ : int

    Notes
    -----
    Implements {prf:ref}`alg-pca-kernel` of the PCA chapter. Not implemented (scikit-learn
    has them): precomputed and callable kernels, ``kernel_params``, the ``"randomized"``
    eigensolver (and its ``iterated_power``), ``copy_X``, ``n_jobs``, sparse input.
    """

    _parameter_constraints = {
        "n_components": [Interval(Integral, 1, None), None],
        "kernel": [Options(["linear", "poly", "rbf", "sigmoid", "cosine"])],
        "gamma": [Interval(Real, 0, None, closed="left"), None],
        "degree": [Interval(Real, 0, None, closed="left")],
        "coef0": [Interval(Real, None, None)],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "fit_inverse_transform": ["boolean"],
        "eigen_solver": [Options(["auto", "dense", "arpack"])],
        "tol": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None), None],
        "remove_zero_eig": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(self, n_components=None, *, kernel="linear", gamma=None, degree=3, coef0=1,
                 alpha=1.0, fit_inverse_transform=False, eigen_solver="auto", tol=0,
                 max_iter=None, remove_zero_eig=False, random_state=None):
        self.n_components = n_components
        self.kernel = kernel
        self.gamma = gamma
        self.degree = degree
        self.coef0 = coef0
        self.alpha = alpha
        self.fit_inverse_transform = fit_inverse_transform
        self.eigen_solver = eigen_solver
        self.tol = tol
        self.max_iter = max_iter
        self.remove_zero_eig = remove_zero_eig
        self.random_state = random_state

    def _kernel(self, X, Z):
        return pairwise_kernel(X, Z, self.kernel, gamma=self.gamma_, degree=self.degree,
                               coef0=self.coef0)

    def fit(self, X, y=None):
        """Find the leading eigenpairs of the centred kernel matrix of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : None
            Ignored.

        Returns
        -------
        self : KernelPCA
        """
        validate_parameters(self)
        X = validate_data(self, X, dtype=np.float64)
        check_squares_representable(X)
        n = X.shape[0]
        self.gamma_ = 1.0 / X.shape[1] if self.gamma is None else float(self.gamma)
        K = self._kernel(X, X)
        if not np.all(np.isfinite(K)):
            raise ValueError("The kernel matrix has non-finite entries: rescale X or lower "
                             "gamma or degree.")
        Kc, self._column_means, self._grand_mean = center_kernel(K)
        q = n if self.n_components is None else min(n, self.n_components)
        solver = self.eigen_solver
        if solver == "auto":
            solver = "arpack" if n > 200 and q < 10 else "dense"
        if solver == "arpack" and q >= n:
            raise ValueError(f"eigen_solver='arpack' needs n_components < n_samples = {n}; "
                             f"got n_components={self.n_components}. Use 'dense'.")
        lam, A = top_eigenpairs(Kc, q, solver=solver, tol=self.tol, max_iter=self.max_iter,
                                random_state=self.random_state)
        top = lam.max()
        if top < 0 or (lam.min() < -1e-5 * top and lam.min() < -1e-10):
            raise ValueError("The centred kernel matrix has significant negative eigenvalues: "
                             "the kernel is not positive semidefinite on these data.")
        lam[lam < 0] = 0.0
        lam[lam < 1e-12 * top] = 0.0                 # rounding noise, as scikit-learn
        # sign: the entry of largest magnitude of every eigenvector is positive
        signs = np.sign(A[np.argmax(np.abs(A), axis=0), np.arange(A.shape[1])])
        signs[signs == 0] = 1.0
        A = A * signs
        if self.remove_zero_eig or self.n_components is None:
            keep = lam > 0
            lam, A = lam[keep], A[:, keep]
        self.eigenvalues_, self.eigenvectors_ = lam, np.ascontiguousarray(A)
        self.X_fit_ = X
        if self.fit_inverse_transform:
            self._fit_preimage(self.eigenvectors_ * np.sqrt(self.eigenvalues_), X)
        return self

    def _fit_preimage(self, Z, X):
        Kz = self._kernel(Z, Z)
        Kz[np.diag_indices_from(Kz)] += self.alpha
        self.dual_coef_ = linalg.solve(Kz, X, assume_a="sym")
        self.X_transformed_fit_ = Z

    def fit_transform(self, X, y=None):
        r"""Fit, then return the training scores :math:`\sqrt{\vartheta_j}\,\vu_j`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : None
            Ignored.

        Returns
        -------
        Z : ndarray of shape (n_samples, n_components)

        Notes
        -----
        Implements {eq}`eq-pca-kernel-scores` of the PCA chapter.
        """
        self.fit(X)
        return self.eigenvectors_ * np.sqrt(self.eigenvalues_)

    def transform(self, X):
        r"""Scores of new points, :math:`\tilde{\mathbf k}(\vx)^\top\vu_j/\sqrt{\vartheta_j}`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The points.

        Returns
        -------
        Z : ndarray of shape (n_samples, n_components)
            Zero in the components of zero eigenvalue.

        Notes
        -----
        Implements {eq}`eq-pca-kernel-scores` with {eq}`eq-pca-kernel-centre-new` of the PCA
        chapter.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        Kc = center_kernel_new(self._kernel(X, self.X_fit_), self._column_means,
                               self._grand_mean)
        scaled = np.zeros_like(self.eigenvectors_)
        pos = self.eigenvalues_ > 0
        scaled[:, pos] = self.eigenvectors_[:, pos] / np.sqrt(self.eigenvalues_[pos])
        return Kc @ scaled

    def inverse_transform(self, X):
        """Approximate pre-images of scores by the learned kernel ridge map.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)
            Scores.

        Returns
        -------
        X_hat : ndarray of shape (n_samples, n_features)

        Notes
        -----
        Implements {eq}`eq-pca-kernel-preimage` of the PCA chapter.
        """
        if not self.fit_inverse_transform:
            raise NotFittedError("The fit_inverse_transform parameter was not set to True, so "
                                 "no pre-image map was learned.")
        check_is_fitted(self)
        Z = as_finite_array(X, "X", ndim=2)
        if Z.shape[1] != self.X_transformed_fit_.shape[1]:
            raise ValueError(f"X has {Z.shape[1]} columns; this KernelPCA has "
                             f"{self.X_transformed_fit_.shape[1]} components.")
        return self._kernel(Z, self.X_transformed_fit_) @ self.dual_coef_

    @property
    def _n_features_out(self):
        return self.eigenvalues_.shape[0]
