"""The sign convention and the randomised SVD."""

import numpy as np
import pytest
from sklearn.utils.extmath import randomized_svd as sk_randomized_svd
from sklearn.utils.extmath import svd_flip as sk_svd_flip

from mlmath.dimensionality_reduction.pca.svd import (
    randomized_range_finder,
    randomized_svd,
    svd_flip,
)


def test_svd_flip_is_scikit_learns_v_based_rule():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 7))
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    ours_U, ours_Vt = svd_flip(U.copy(), Vt.copy())
    sk_U, sk_Vt = sk_svd_flip(U.copy(), Vt.copy(), u_based_decision=False)
    np.testing.assert_array_equal(ours_Vt, sk_Vt)
    np.testing.assert_array_equal(ours_U, sk_U)
    # the rule: the entry of largest magnitude of each row of Vt is positive
    assert np.all(ours_Vt[np.arange(7), np.abs(ours_Vt).argmax(axis=1)] > 0)
    np.testing.assert_allclose((ours_U * s) @ ours_Vt, X, atol=1e-12)   # still an SVD


def test_svd_flip_without_u():
    Vt = np.array([[0.6, -0.8], [-0.8, -0.6]])
    U, out = svd_flip(None, Vt)
    assert U is None
    np.testing.assert_array_equal(out, [[-0.6, 0.8], [0.8, 0.6]])


def test_range_finder_is_orthonormal_and_seeded():
    rng = np.random.default_rng(1)
    A = rng.normal(size=(50, 20))
    Q = randomized_range_finder(A, 8, 3, random_state=0)
    np.testing.assert_allclose(Q.T @ Q, np.eye(8), atol=1e-12)
    np.testing.assert_array_equal(Q, randomized_range_finder(A, 8, 3, random_state=0))


def test_range_finder_captures_an_exact_low_rank_range():
    rng = np.random.default_rng(2)
    A = rng.normal(size=(60, 4)) @ rng.normal(size=(4, 30))           # rank 4
    Q = randomized_range_finder(A, 6, 0, random_state=0)
    np.testing.assert_allclose(Q @ (Q.T @ A), A, atol=1e-10)


@pytest.mark.parametrize("shape", [(200, 40), (40, 200)])
def test_randomized_svd_matches_scikit_learns_subspace(shape):
    rng = np.random.default_rng(3)
    decay = 0.7 ** np.arange(min(shape))
    U0 = np.linalg.qr(rng.normal(size=(shape[0], min(shape))))[0]
    V0 = np.linalg.qr(rng.normal(size=(shape[1], min(shape))))[0]
    A = (U0 * decay) @ V0.T
    U, s, Vt = randomized_svd(A, 5, random_state=0)
    sU, ss, sVt = sk_randomized_svd(A, 5, random_state=0, flip_sign=False)
    np.testing.assert_allclose(s, ss, rtol=1e-10)
    np.testing.assert_allclose(np.abs(np.sum(Vt * sVt, axis=1)), 1.0, atol=1e-8)
    np.testing.assert_allclose(s, decay[:5], rtol=1e-8)                 # the true values


def test_randomized_svd_error_is_close_to_the_eckart_young_optimum():
    # slowly decaying spectrum: the hard case; with power iterations the error is near optimal
    rng = np.random.default_rng(4)
    A = rng.normal(size=(300, 100)) @ np.diag(1.0 / np.arange(1, 101))
    q = 10
    s_exact = np.linalg.svd(A, compute_uv=False)
    optimum = np.sqrt(np.sum(s_exact[q:] ** 2))
    errors = []
    for n_iter in (0, 2):
        U, s, Vt = randomized_svd(A, q, n_oversamples=10, n_iter=n_iter, random_state=0)
        errors.append(np.linalg.norm(A - (U * s) @ Vt))
    assert errors[0] >= optimum * (1 - 1e-12)                          # never below optimum
    assert errors[1] <= 1.01 * optimum                                 # within 1 %
    assert errors[1] < errors[0]                                       # power iterations help


def test_range_finder_meets_the_halko_expected_error_bound():
    # Halko et al. (2011), theorem 10.5: with a Gaussian test matrix of k + p columns, p >= 2,
    # E ||A - Q Q^T A||_F <= sqrt(1 + k / (p - 1)) * (sum_{j > k} s_j^2)^(1/2)
    rng = np.random.default_rng(4)
    A = rng.normal(size=(300, 100)) @ np.diag(1.0 / np.arange(1, 101))
    s = np.linalg.svd(A, compute_uv=False)
    k, p = 10, 5
    tail = np.sqrt(np.sum(s[k:] ** 2))
    errors = []
    for seed in range(30):
        Q = randomized_range_finder(A, k + p, 0, random_state=seed)
        errors.append(np.linalg.norm(A - Q @ (Q.T @ A)))
    assert np.mean(errors) <= np.sqrt(1 + k / (p - 1)) * tail
    assert min(errors) >= np.sqrt(np.sum(s[k + p:] ** 2)) * (1 - 1e-12)   # Eckart-Young floor
