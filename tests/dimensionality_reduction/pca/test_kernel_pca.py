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
    top_eigenpairs,
)
from mlmath.dimensionality_reduction.pca.pca import PCA
from mlmath.validation import InvalidParameterError

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


# --------------------------------------------------------------- eigensolvers (dense, arpack)

X_400, _ = make_circles(400, factor=0.3, noise=0.05, random_state=0)
X_400_NEW, _ = make_circles(100, factor=0.3, noise=0.05, random_state=1)


def test_dense_solver_returns_the_top_eigenpairs_of_a_full_decomposition():
    A = RNG.normal(size=(50, 50))
    S = A @ A.T
    lam_all, U_all = np.linalg.eigh(S)
    for solver in ("dense", "arpack"):
        lam, U = top_eigenpairs(S, 4, solver=solver, random_state=0)
        np.testing.assert_allclose(lam, lam_all[::-1][:4], rtol=1e-12)
        # the same vectors up to sign (the gaps of a Wishart spectrum's top are wide)
        np.testing.assert_allclose(np.abs(U.T @ U_all[:, ::-1][:, :4]), np.eye(4), atol=1e-9)


@pytest.mark.parametrize("q", [1, 3, 8])
def test_arpack_equals_dense_and_scikit_learn(q):
    kw = {"kernel": "rbf", "gamma": 2.0}
    arp = KernelPCA(q, eigen_solver="arpack", random_state=0, **kw).fit(X_400)
    den = KernelPCA(q, eigen_solver="dense", **kw).fit(X_400)
    sk_arp = SkKernelPCA(q, eigen_solver="arpack", random_state=0, **kw).fit(X_400)
    sk_den = SkKernelPCA(q, eigen_solver="dense", **kw).fit(X_400)
    for ours, sk in [(arp, sk_arp), (den, sk_den), (arp, den)]:
        np.testing.assert_allclose(ours.eigenvalues_, sk.eigenvalues_, rtol=1e-10)
        # the sign rule makes the vectors themselves comparable, not only their span
        np.testing.assert_allclose(ours.eigenvectors_, sk.eigenvectors_, atol=1e-8)
        np.testing.assert_allclose(ours.transform(X_400_NEW), sk.transform(X_400_NEW),
                                   atol=1e-8)


@pytest.mark.parametrize("n, q, expected", [
    (201, 9, "arpack"), (200, 9, "dense"), (201, 10, "dense"), (300, None, "dense"),
    (300, 2, "arpack")])
def test_auto_follows_scikit_learns_rule(monkeypatch, n, q, expected):
    from mlmath.dimensionality_reduction.pca import kernel_pca
    used = []

    def spy(K, q, *, solver, **kwargs):
        used.append(solver)
        return top_eigenpairs(K, q, solver=solver, **kwargs)

    monkeypatch.setattr(kernel_pca, "top_eigenpairs", spy)
    X_n, _ = make_circles(n, factor=0.3, noise=0.05, random_state=0)
    KernelPCA(q, kernel="rbf", gamma=2.0, random_state=0).fit(X_n)
    assert used == [expected]


def test_random_state_seeds_arpack_only():
    kw = {"kernel": "rbf", "gamma": 2.0, "eigen_solver": "arpack"}
    a = KernelPCA(3, random_state=0, **kw).fit(X_400)
    b = KernelPCA(3, random_state=np.random.RandomState(0), **kw).fit(X_400)
    c = KernelPCA(3, random_state=5, **kw).fit(X_400)
    np.testing.assert_array_equal(a.eigenvectors_, b.eigenvectors_)   # same starting vector
    np.testing.assert_allclose(a.eigenvectors_, c.eigenvectors_, atol=1e-8)  # same answer
    dense = [KernelPCA(3, kernel="rbf", eigen_solver="dense", random_state=s).fit(X_400)
             for s in (0, 5)]
    np.testing.assert_array_equal(dense[0].eigenvectors_, dense[1].eigenvectors_)


def test_tol_bounds_the_relative_eigenvalue_error():
    exact = KernelPCA(5, kernel="rbf", gamma=2.0, eigen_solver="dense").fit(X_400)
    rough = KernelPCA(5, kernel="rbf", gamma=2.0, eigen_solver="arpack", tol=1e-3,
                      random_state=0).fit(X_400)
    assert np.all(np.abs(rough.eigenvalues_ / exact.eigenvalues_ - 1) <= 1e-3)


def test_max_iter_too_small_is_a_clear_error():
    X_flat = np.random.default_rng(0).normal(size=(300, 200))   # a flat spectrum
    with pytest.raises(RuntimeError, match="ARPACK did not converge"):
        KernelPCA(2, kernel="rbf", gamma=1e-3, eigen_solver="arpack", max_iter=1,
                  random_state=0).fit(X_flat)
    # enough restarts: the same eigenvalues as the dense solver
    ok = KernelPCA(2, kernel="rbf", gamma=1e-3, eigen_solver="arpack", random_state=0).fit(X_flat)
    den = KernelPCA(2, kernel="rbf", gamma=1e-3, eigen_solver="dense").fit(X_flat)
    np.testing.assert_allclose(ok.eigenvalues_, den.eigenvalues_, rtol=1e-10)


def test_arpack_needs_fewer_components_than_samples():
    with pytest.raises(ValueError, match="n_components < n_samples"):
        KernelPCA(eigen_solver="arpack").fit(X)
    with pytest.raises(ValueError, match="n_components < n_samples"):
        KernelPCA(len(X), eigen_solver="arpack").fit(X)


def test_remove_zero_eig_with_arpack():
    X_rank3 = RNG.normal(size=(300, 3))            # the centred linear kernel has rank 3
    kw = {"kernel": "linear", "eigen_solver": "arpack", "random_state": 0}
    kept = KernelPCA(5, **kw).fit(X_rank3)
    assert kept.eigenvalues_.shape == (5,) and np.all(kept.eigenvalues_[3:] == 0)
    assert np.all(kept.transform(X_rank3[:4])[:, 3:] == 0)
    dropped = KernelPCA(5, remove_zero_eig=True, **kw).fit(X_rank3)
    sk = SkKernelPCA(5, remove_zero_eig=True, **kw).fit(X_rank3)
    assert dropped.eigenvalues_.shape == (3,)
    np.testing.assert_allclose(dropped.eigenvalues_, sk.eigenvalues_, rtol=1e-10)
    np.testing.assert_allclose(dropped.transform(X_rank3), sk.transform(X_rank3), atol=1e-8)


def test_preimage_with_arpack_matches_scikit_learn():
    kw = {"kernel": "rbf", "gamma": 2.0, "fit_inverse_transform": True, "alpha": 0.1,
          "random_state": 0}
    ours = KernelPCA(4, **kw).fit(X_400)                  # "auto": arpack here
    sk = SkKernelPCA(4, **kw).fit(X_400)
    np.testing.assert_allclose(ours.inverse_transform(ours.transform(X_400_NEW)),
                               sk.inverse_transform(sk.transform(X_400_NEW)), atol=1e-7)


@pytest.mark.parametrize("params", [
    {"eigen_solver": "randomized"}, {"eigen_solver": None}, {"tol": -1e-3}, {"tol": "0"},
    {"max_iter": 0}, {"max_iter": 2.5}, {"random_state": "seed"}, {"random_state": -1}])
def test_solver_parameters_are_validated(params):
    with pytest.raises(InvalidParameterError):
        KernelPCA(2, **params).fit(X)
