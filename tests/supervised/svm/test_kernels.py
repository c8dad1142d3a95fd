"""Tests of mlmath.supervised.svm.kernels: each kernel against scikit-learn's pairwise kernels and
a direct loop over pairs, positive semidefiniteness (Mercer), and scikit-learn's gamma rules."""

import numpy as np
import pytest
from sklearn.metrics import pairwise

from mlmath.supervised.svm.kernels import (
    kernel_diagonal,
    kernel_matrix,
    polynomial_kernel,
    rbf_kernel,
    resolve_gamma,
)

rng = np.random.default_rng(0)
X = rng.standard_normal((30, 4))
Z = rng.standard_normal((20, 4))


def test_kernels_match_sklearn_pairwise():
    np.testing.assert_allclose(kernel_matrix(X, Z, "linear"), pairwise.linear_kernel(X, Z),
                               rtol=1e-12)
    np.testing.assert_allclose(kernel_matrix(X, Z, "rbf", gamma=0.3),
                               pairwise.rbf_kernel(X, Z, gamma=0.3), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(kernel_matrix(X, Z, "poly", gamma=0.5, degree=3, coef0=1.0),
                               pairwise.polynomial_kernel(X, Z, degree=3, gamma=0.5, coef0=1.0),
                               rtol=1e-12)
    np.testing.assert_allclose(kernel_matrix(X, Z, "sigmoid", gamma=0.2, coef0=-1.0),
                               pairwise.sigmoid_kernel(X, Z, gamma=0.2, coef0=-1.0), rtol=1e-12)


def test_rbf_and_poly_against_a_loop_over_pairs():
    rbf = np.array([[np.exp(-0.7 * np.sum((x - z) ** 2)) for z in Z] for x in X])
    poly = np.array([[(0.4 * x @ z + 2.0) ** 2 for z in Z] for x in X])
    np.testing.assert_allclose(rbf_kernel(X, Z, 0.7), rbf, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(polynomial_kernel(X, Z, 0.4, 2, 2.0), poly, rtol=1e-12)


def test_rbf_distance_clipped_at_zero():
    # identical rows: rounding of ||x||^2 + ||z||^2 - 2 x^T z must not push K above 1
    A = np.full((3, 5), 1e3)
    K = rbf_kernel(A, A, 1.0)
    assert np.all(K <= 1.0) and np.allclose(K, 1.0)


@pytest.mark.parametrize("kernel,params", [("linear", {}), ("rbf", {"gamma": 0.5}),
                                           ("poly", {"gamma": 1.0, "degree": 3, "coef0": 1.0})])
def test_mercer_kernels_are_positive_semidefinite(kernel, params):
    K = kernel_matrix(X, X, kernel, **params)
    np.testing.assert_allclose(K, K.T, atol=1e-12)
    assert np.linalg.eigvalsh(K).min() >= -1e-9 * np.abs(K).max()


def test_sigmoid_kernel_can_be_indefinite():
    # the sigmoid kernel is not a Mercer kernel: some Gram matrices have negative eigenvalues
    K = kernel_matrix(X, X, "sigmoid", gamma=1.0, coef0=-1.0)
    assert np.linalg.eigvalsh(K).min() < -1e-3


@pytest.mark.parametrize("kernel", ["linear", "rbf", "poly", "sigmoid"])
def test_diagonal_matches_the_matrix(kernel):
    params = dict(gamma=0.3, degree=2, coef0=0.5)
    np.testing.assert_allclose(kernel_diagonal(X, kernel, **params),
                               np.diag(kernel_matrix(X, X, kernel, **params)), rtol=1e-12)


def test_unknown_kernel_is_refused_by_name():
    with pytest.raises(ValueError, match="'kernel' parameter"):
        kernel_matrix(X, Z, "laplacian")
    with pytest.raises(ValueError, match="'kernel' parameter"):
        kernel_diagonal(X, "laplacian")


def test_gamma_rules_of_sklearn():
    assert resolve_gamma("scale", X) == pytest.approx(1.0 / (4 * X.var()))
    assert resolve_gamma("auto", X) == pytest.approx(0.25)
    assert resolve_gamma(2, X) == 2.0
    assert resolve_gamma("scale", np.ones((5, 3))) == 1.0  # constant data


def test_rbf_kernel_is_unaffected_by_a_large_offset():
    # the expansion ||x||^2 + ||z||^2 - 2 x^T z cancels catastrophically at an offset of 1e8;
    # the kernel centres both blocks on the mean of Z first
    np.testing.assert_allclose(rbf_kernel(X + 1e8, Z + 1e8, 0.7), rbf_kernel(X, Z, 0.7),
                               atol=1e-6)
    np.testing.assert_allclose(rbf_kernel(X + 1e8, X + 1e8, 0.7), rbf_kernel(X, X, 0.7),
                               atol=1e-6)


def test_gamma_scale_refuses_extreme_data():
    with pytest.raises(ValueError, match="gamma='scale' resolves to 1 / .*inf"):
        resolve_gamma("scale", X * 1e-160)   # Var X ~ 1e-320: 1 / Var overflows
    with pytest.raises(ValueError, match="gamma='scale' resolves to 1 / .*X.var\\(\\) = inf"):
        resolve_gamma("scale", X * 1e200)    # Var X overflows: gamma would be 0
    with pytest.raises(ValueError, match="finite"):
        resolve_gamma(np.inf, X)
