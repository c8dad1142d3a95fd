"""Kernel PCA: the centring, the linear case, and scikit-learn's KernelPCA."""

import numpy as np
import pytest
from sklearn.datasets import make_circles
from sklearn.decomposition import KernelPCA as SkKernelPCA
from sklearn.metrics.pairwise import pairwise_kernels
from sklearn.preprocessing import PolynomialFeatures
from sklearn.utils.estimator_checks import check_estimator

from mlmath.dimensionality_reduction.pca.kernel_pca import (
    KernelPCA,
    center_kernel,
    center_kernel_new,
    pairwise_kernel,
)
from mlmath.dimensionality_reduction.pca.pca import PCA

RNG = np.random.default_rng(0)
X = RNG.normal(size=(60, 3)) * np.array([3.0, 1.0, 0.3])
X_NEW = RNG.normal(size=(7, 3))


def _poly_features(A):
    # explicit feature map of (x^T z + 1)^2: sqrt-weighted monomials of degree <= 2
    return PolynomialFeatures(2).fit_transform(A) * np.sqrt(
        [1, 2, 2, 2, 1, 2, 2, 1, 2, 1])


def test_explicit_feature_map_reproduces_the_polynomial_kernel():
    K = pairwise_kernel(X, X_NEW, "poly", gamma=1.0, degree=2, coef0=1.0)
    np.testing.assert_allclose(_poly_features(X) @ _poly_features(X_NEW).T, K, rtol=1e-10,
                               atol=1e-12)


def test_centring_equals_centring_the_explicit_features():
    Phi, Phi_new = _poly_features(X), _poly_features(X_NEW)
    mean = Phi.mean(axis=0)
    K = pairwise_kernel(X, X, "poly", gamma=1.0, degree=2, coef0=1.0)
    Kc, col, grand = center_kernel(K)
    np.testing.assert_allclose(Kc, (Phi - mean) @ (Phi - mean).T, atol=1e-10)
    K_new = pairwise_kernel(X_NEW, X, "poly", gamma=1.0, degree=2, coef0=1.0)
    np.testing.assert_allclose(center_kernel_new(K_new, col, grand),
                               (Phi_new - mean) @ (Phi - mean).T, atol=1e-10)


def test_kernel_pca_scores_equal_pca_of_the_explicit_features():
    Phi, Phi_new = _poly_features(X), _poly_features(X_NEW)
    kp = KernelPCA(3, kernel="poly", gamma=1.0, degree=2, coef0=1.0).fit(X)
    pca = PCA(3, svd_solver="full").fit(Phi)
    signs = np.sign(np.sum(kp.transform(X) * pca.transform(Phi), axis=0))
    np.testing.assert_allclose(kp.transform(X_NEW), pca.transform(Phi_new) * signs, atol=1e-8)
    np.testing.assert_allclose(kp.eigenvalues_, pca.explained_variance_ * (len(X) - 1),
                               rtol=1e-10)


def test_linear_kernel_is_pca_up_to_sign():
    kp = KernelPCA(2, kernel="linear").fit(X)
    pca = PCA(2, svd_solver="full").fit(X)
    Z_k, Z_p = kp.transform(X_NEW), pca.transform(X_NEW)
    np.testing.assert_allclose(np.abs(Z_k), np.abs(Z_p), atol=1e-10)
    np.testing.assert_allclose(kp.fit_transform(X) ** 2, pca.transform(X) ** 2, atol=1e-9)


@pytest.mark.parametrize("kernel, params", [
    ("rbf", {"gamma": 0.5}), ("rbf", {}), ("poly", {"degree": 3, "gamma": 0.2}),
    ("sigmoid", {"gamma": 0.01, "coef0": 0.0}), ("cosine", {}), ("linear", {})])
def test_matches_scikit_learn(kernel, params):
    X_c, _ = make_circles(200, factor=0.3, noise=0.05, random_state=0)
    ours = KernelPCA(4, kernel=kernel, **params).fit(X_c)
    sk = SkKernelPCA(4, kernel=kernel, eigen_solver="dense", **params).fit(X_c)
    np.testing.assert_allclose(ours.eigenvalues_, sk.eigenvalues_, rtol=1e-8, atol=1e-10)
    Z, Z_sk = ours.transform(X_c[:50]), sk.transform(X_c[:50])
    # up to the sign of each component (the same rule is used, so usually identical)
    signs = np.sign(np.sum(Z * Z_sk, axis=0))
    np.testing.assert_allclose(Z, Z_sk * signs, atol=1e-7)
    np.testing.assert_allclose(ours.fit_transform(X_c) ** 2, sk.fit_transform(X_c) ** 2,
                               atol=1e-7)


def test_rbf_signs_equal_scikit_learns():
    X_c, _ = make_circles(200, factor=0.3, noise=0.05, random_state=0)
    ours = KernelPCA(3, kernel="rbf", gamma=2.0).fit(X_c)
    sk = SkKernelPCA(3, kernel="rbf", gamma=2.0, eigen_solver="dense").fit(X_c)
    np.testing.assert_allclose(ours.eigenvectors_, sk.eigenvectors_, atol=1e-8)


def test_preimage_matches_scikit_learn():
    X_c, _ = make_circles(100, factor=0.3, noise=0.05, random_state=1)
    ours = KernelPCA(4, kernel="rbf", gamma=2.0, fit_inverse_transform=True, alpha=0.1).fit(X_c)
    sk = SkKernelPCA(4, kernel="rbf", gamma=2.0, fit_inverse_transform=True, alpha=0.1,
                     eigen_solver="dense").fit(X_c)
    np.testing.assert_allclose(ours.inverse_transform(ours.transform(X_c)),
                               sk.inverse_transform(sk.transform(X_c)), atol=1e-7)


def test_none_keeps_the_positive_eigenvalues():
    kp = KernelPCA(kernel="linear").fit(X)
    assert kp.eigenvalues_.shape == (3,)                 # rank 3 after centring
    assert np.all(kp.eigenvalues_ > 0)
    sk = SkKernelPCA(kernel="linear", eigen_solver="dense").fit(X)
    np.testing.assert_allclose(kp.eigenvalues_, sk.eigenvalues_, rtol=1e-9)


def test_cosine_kernel_matches_scikit_learn_with_a_zero_row():
    A = np.vstack([X[:5], np.zeros(3)])
    np.testing.assert_allclose(pairwise_kernel(A, A, "cosine", gamma=1.0),
                               pairwise_kernels(A, A, metric="cosine"), atol=1e-12)


@pytest.mark.parametrize("est", [KernelPCA(kernel="rbf"), KernelPCA(2, kernel="poly"),
                                 KernelPCA(2, kernel="rbf", fit_inverse_transform=True)])
def test_other_configurations_pass_the_estimator_suite(est):
    check_estimator(est)


def test_bad_input_gets_clear_errors():
    with pytest.raises(ValueError, match="NaN"):
        KernelPCA().fit(np.where(np.eye(60, 3) == 1, np.nan, X))
    with pytest.raises(ValueError, match="overflow"):
        KernelPCA().fit(X * 1e200)
    with pytest.raises(ValueError, match="kernel"):
        KernelPCA(kernel="laplacian").fit(X)
    kp = KernelPCA(2).fit(X)
    with pytest.raises(ValueError, match="features"):
        kp.transform(X[:, :2])
    with pytest.raises(Exception, match="fit_inverse_transform"):
        kp.inverse_transform(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="negative eigenvalues"):
        KernelPCA(kernel="sigmoid", gamma=5.0, coef0=-3.0).fit(X)
