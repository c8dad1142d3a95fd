"""Tests of mlmath.prerequisites.linear_algebra: each proved statement checked numerically.

Gram–Schmidt against numpy's Householder QR (reconstruction, orthogonality, the same factors up
to signs), the projection matrix's properties and closest-point property against least squares,
the gradient of the Rayleigh quotient against central differences, power iteration's eigenpair
against scipy and its rates |lambda_2/lambda_1|^t and ^(2t), the Eckart–Young optimality against
random rank-k matrices, the identity ||A||_2 = s_max, the perturbation bound of linear systems and
the sensitivity bound of least squares on random problems; then bad input.
"""

import numpy as np
import pytest
import scipy.linalg
from sklearn.exceptions import ConvergenceWarning

from mlmath.prerequisites import linear_algebra as la
from mlmath.supervised.linear_regression.least_squares import lstsq_svd
from mlmath.validation import InvalidParameterError


def random_symmetric(rng, eigenvalues):
    Q, _ = np.linalg.qr(rng.standard_normal((len(eigenvalues), len(eigenvalues))))
    return (Q * np.asarray(eigenvalues)) @ Q.T, Q


def matrix_with_condition(rng, n, d, kappa):
    U, _ = np.linalg.qr(rng.standard_normal((n, d)))
    V, _ = np.linalg.qr(rng.standard_normal((d, d)))
    return (U * np.geomspace(1.0, 1.0 / kappa, d)) @ V.T


# ---------------------------------------------------------------------------------------------
# Gram–Schmidt
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["modified", "classical"])
@pytest.mark.parametrize("shape", [(7, 7), (30, 5), (5, 1)])
def test_gram_schmidt_is_the_thin_qr(method, shape):
    rng = np.random.default_rng(sum(shape))
    A = rng.standard_normal(shape)
    Q, R = la.gram_schmidt(A, method=method)
    np.testing.assert_allclose(Q @ R, A, atol=1e-12)
    np.testing.assert_allclose(Q.T @ Q, np.eye(shape[1]), atol=1e-12)
    assert np.allclose(R, np.triu(R)) and np.all(np.diag(R) > 0)
    # the thin QR with a positive diagonal is unique: numpy's agrees after fixing signs
    Qh, Rh = np.linalg.qr(A)
    signs = np.sign(np.diag(Rh))
    np.testing.assert_allclose(Q, Qh * signs, atol=1e-10)
    np.testing.assert_allclose(R, Rh * signs[:, None], atol=1e-10)


def test_modified_keeps_orthogonality_that_classical_loses():
    rng = np.random.default_rng(0)
    A = matrix_with_condition(rng, 60, 12, 1e8)
    loss = {m: np.linalg.norm(np.eye(12) - la.gram_schmidt(A, method=m)[0].T
                              @ la.gram_schmidt(A, method=m)[0]) for m in ["modified", "classical"]}
    eps = np.finfo(float).eps
    assert loss["modified"] < 1e3 * eps * 1e8          # of the order of u * kappa
    assert loss["classical"] > 1e3 * loss["modified"]  # of the order of u * kappa^2 (or worse)


def test_gram_schmidt_rejects_dependent_columns():
    A = np.random.default_rng(1).standard_normal((6, 3))
    A = np.c_[A, A[:, 0] - 2 * A[:, 2]]
    with pytest.raises(np.linalg.LinAlgError, match="Column 3"):
        la.gram_schmidt(A)


# ---------------------------------------------------------------------------------------------
# projections
# ---------------------------------------------------------------------------------------------

def test_projection_matrix_properties_and_closest_point():
    rng = np.random.default_rng(2)
    A = rng.standard_normal((9, 3))
    P = la.projection_matrix(A)
    np.testing.assert_allclose(P, A @ np.linalg.solve(A.T @ A, A.T), atol=1e-12)
    np.testing.assert_allclose(P @ P, P, atol=1e-12)
    np.testing.assert_allclose(P, P.T, atol=1e-14)
    np.testing.assert_allclose(P @ A, A, atol=1e-12)
    assert np.isclose(np.trace(P), 3)
    y = rng.standard_normal(9)
    np.testing.assert_allclose(A.T @ (y - P @ y), 0, atol=1e-12)  # residual orthogonal
    # P y is the closest point of col(A): no random point of col(A) is closer
    dist = np.linalg.norm(y - P @ y)
    others = A @ rng.standard_normal((3, 2000))
    assert np.all(np.linalg.norm(y[:, None] - others, axis=0) >= dist)
    np.testing.assert_allclose(P @ y, A @ lstsq_svd(A, y), atol=1e-12)


def test_projection_matrix_rank_deficient():
    rng = np.random.default_rng(3)
    A = rng.standard_normal((8, 2)) @ rng.standard_normal((2, 5))  # rank 2
    P = la.projection_matrix(A)
    np.testing.assert_allclose(P @ A, A, atol=1e-12)
    np.testing.assert_allclose(P @ P, P, atol=1e-12)
    assert np.isclose(np.trace(P), 2)
    np.testing.assert_allclose(P, A @ np.linalg.pinv(A), atol=1e-12)


# ---------------------------------------------------------------------------------------------
# Rayleigh quotient and power iteration
# ---------------------------------------------------------------------------------------------

def test_rayleigh_quotient_bounds():
    rng = np.random.default_rng(4)
    A, Q = random_symmetric(rng, [-3.0, 0.5, 1.0, 4.0])
    r = np.array([la.rayleigh_quotient(A, x) for x in rng.standard_normal((500, 4))])
    assert np.all(r <= 4.0 + 1e-12) and np.all(r >= -3.0 - 1e-12)
    assert np.isclose(la.rayleigh_quotient(A, Q[:, 3]), 4.0)
    assert np.isclose(la.rayleigh_quotient(A, Q[:, 0]), -3.0)


def test_rayleigh_quotient_gradient():
    """eq-la-rayleigh-gradient against central differences; zero exactly at eigenvectors."""
    from mlmath.prerequisites.calculus import numerical_gradient

    rng = np.random.default_rng(12)
    A, Q = random_symmetric(rng, [-2.0, 0.3, 1.5, 3.0, 5.0])
    for x in rng.standard_normal((20, 5)) * 2:
        grad = 2 * (A @ x - la.rayleigh_quotient(A, x) * x) / (x @ x)
        numeric = numerical_gradient(lambda v: la.rayleigh_quotient(A, v), x)
        np.testing.assert_allclose(numeric, grad, atol=1e-8)
        assert np.linalg.norm(grad) > 1e-6  # a random vector is not an eigenvector
    for j in range(5):
        q = 3.0 * Q[:, j]
        grad = 2 * (A @ q - la.rayleigh_quotient(A, q) * q) / (q @ q)
        np.testing.assert_allclose(grad, 0.0, atol=1e-12)


def test_power_iteration_eigenpair():
    rng = np.random.default_rng(5)
    A = rng.standard_normal((20, 20))
    A = A + A.T
    lam, v, n_iter = la.power_iteration(A, random_state=0, tol=1e-12, max_iter=10_000)
    eig, vec = scipy.linalg.eigh(A)
    top = np.argmax(np.abs(eig))
    assert np.isclose(lam, eig[top], rtol=1e-10)
    np.testing.assert_allclose(abs(v @ vec[:, top]), 1.0, atol=1e-10)
    np.testing.assert_allclose(A @ v, lam * v, atol=1e-10 * np.linalg.norm(A))


@pytest.mark.parametrize("ratio", [0.5, 0.9])
def test_power_iteration_rates(ratio):
    rng = np.random.default_rng(6)
    eig = np.array([-0.3 * ratio, 0.1, 0.5 * ratio, ratio, 1.0]) * 2.0  # lambda_2/lambda_1 = ratio
    A, Q = random_symmetric(rng, eig)
    v0 = rng.standard_normal(5)
    with pytest.warns(ConvergenceWarning):  # tol=0 runs all max_iter iterations
        _, _, _, vectors, values = la.power_iteration(A, v0=v0, tol=0.0, max_iter=40,
                                                      return_history=True)
    q1 = Q[:, -1]
    cos = vectors @ q1
    sin = np.linalg.norm(vectors - cos[:, None] * q1, axis=1)
    tan = sin / np.abs(cos)
    t = np.arange(len(tan))
    bound_angle = ratio**t * tan[0]
    assert np.all(tan <= bound_angle * (1 + 1e-8) + 1e-13)
    spread = eig.max() - eig.min()
    assert np.all(np.abs(values - eig.max()) <= spread * bound_angle**2 * (1 + 1e-8) + 1e-13)
    # the rate is attained, not only bounded: the ratio of successive tangents tends to `ratio`
    k = 15
    assert abs(tan[k + 1] / tan[k] - ratio) < 0.05


def test_power_iteration_warns_when_two_eigenvalues_tie():
    rng = np.random.default_rng(7)
    A, _ = random_symmetric(rng, [1.0, 0.2, -1.0])
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        la.power_iteration(A, random_state=0, max_iter=50)


# ---------------------------------------------------------------------------------------------
# SVD: norms, Eckart–Young, conditioning
# ---------------------------------------------------------------------------------------------

def test_spectral_norm_is_the_largest_singular_value():
    rng = np.random.default_rng(8)
    A = rng.standard_normal((7, 4))
    s = np.linalg.svd(A, compute_uv=False)
    x = rng.standard_normal((4, 5000))
    ratios = np.linalg.norm(A @ x, axis=0) / np.linalg.norm(x, axis=0)
    assert ratios.max() <= s[0] * (1 + 1e-12)
    assert np.isclose(np.linalg.norm(A, 2), s[0])
    assert np.isclose(np.linalg.norm(A, "fro") ** 2, np.sum(s**2))


@pytest.mark.parametrize("k", [0, 1, 3, 5])
def test_eckart_young(k):
    rng = np.random.default_rng(9 + k)
    A = rng.standard_normal((8, 5)) * np.array([5.0, 3.0, 2.0, 1.0, 0.5])
    A_k = la.low_rank_approximation(A, k)
    s = np.linalg.svd(A, compute_uv=False)
    assert np.linalg.matrix_rank(A_k) == k
    err2 = np.linalg.norm(A - A_k, 2)
    errF = np.linalg.norm(A - A_k, "fro")
    assert np.isclose(err2, s[k] if k < 5 else 0.0, atol=1e-12)
    assert np.isclose(errF, np.sqrt(np.sum(s[k:] ** 2)), atol=1e-12)
    # no random matrix of rank k does better, nor does a perturbation of A_k kept at rank k
    for _ in range(200):
        B = rng.standard_normal((8, k)) @ rng.standard_normal((k, 5))
        assert np.linalg.norm(A - B, 2) >= err2 - 1e-12
        assert np.linalg.norm(A - B, "fro") >= errF - 1e-12
    if 0 < k < 5:
        U, sk, Vt = np.linalg.svd(A_k)
        for _ in range(200):
            B = (U[:, :k] + 0.05 * rng.standard_normal((8, k))) * sk[:k] @ (
                Vt[:k] + 0.05 * rng.standard_normal((k, 5)))
            assert np.linalg.norm(A - B, "fro") >= errF - 1e-12


def test_condition_number_against_numpy():
    rng = np.random.default_rng(10)
    for shape in [(5, 5), (9, 4), (4, 9)]:
        A = rng.standard_normal(shape)
        assert np.isclose(la.condition_number(A), np.linalg.cond(A))
    A = matrix_with_condition(rng, 6, 6, 1e5)
    assert np.isclose(la.condition_number(A), 1e5, rtol=1e-6)
    assert la.condition_number(np.zeros((3, 3))) == np.inf
    assert la.condition_number(np.outer([1.0, 2.0], [3.0, 4.0])) > 1e15
    # numerically rank deficient: s_min is roundoff, not 0.0, so kappa is finite but >~ 1/eps
    for seed in range(20):
        rng = np.random.default_rng(seed)
        A = rng.standard_normal((4, 2)) @ rng.standard_normal((2, 5))  # rank 2
        kappa = la.condition_number(A)
        assert np.isfinite(kappa) and kappa > 0.1 / np.finfo(float).eps


def test_perturbation_bound_on_random_systems():
    rng = np.random.default_rng(11)
    for _ in range(200):
        d = int(rng.integers(2, 8))
        A = matrix_with_condition(rng, d, d, 10.0 ** rng.uniform(0, 6))
        x = rng.standard_normal(d)
        b = A @ x
        db = rng.standard_normal(d) * 1e-8
        dx = np.linalg.solve(A, b + db) - np.linalg.solve(A, b)
        lhs = np.linalg.norm(dx) / np.linalg.norm(x)
        rhs = la.condition_number(A) * np.linalg.norm(db) / np.linalg.norm(b)
        assert lhs <= rhs * (1 + 1e-6) + 1e-15
    # the bound is attained: b along u_1, delta b along u_d
    A = matrix_with_condition(rng, 4, 4, 1e3)
    U, s, Vt = np.linalg.svd(A)
    b, db = U[:, 0], 1e-6 * U[:, -1]
    x, dx = np.linalg.solve(A, b), np.linalg.solve(A, db)
    ratio = (np.linalg.norm(dx) / np.linalg.norm(x)) / (np.linalg.norm(db) / np.linalg.norm(b))
    assert np.isclose(ratio, la.condition_number(A), rtol=1e-8)


def test_least_squares_sensitivity_bound():
    """eq-la-ls-sensitivity (Golub-Van Loan, Thm 5.3.1) on random problems and perturbations."""
    rng = np.random.default_rng(13)
    beta = 1e-10
    for _ in range(200):
        n, d = int(rng.integers(6, 30)), int(rng.integers(2, 6))
        A = matrix_with_condition(rng, n, d, 10.0 ** rng.uniform(0, 4))
        y = rng.standard_normal(n) * np.r_[np.ones(d), 10.0 ** rng.uniform(-3, 1) * np.ones(n - d)]
        x = lstsq_svd(A, y)
        sin_theta = np.linalg.norm(y - A @ x) / np.linalg.norm(y)
        cos_theta = np.sqrt(1 - sin_theta**2)
        kappa = la.condition_number(A)
        dA = rng.standard_normal(A.shape)
        dA *= beta * np.linalg.norm(A, 2) / np.linalg.norm(dA, 2)
        dy = rng.standard_normal(n)
        dy *= beta * np.linalg.norm(y) / np.linalg.norm(dy)
        dx = lstsq_svd(A + dA, y + dy) - x
        bound = beta * (2 * kappa / cos_theta + kappa**2 * sin_theta / cos_theta)
        assert np.linalg.norm(dx) / np.linalg.norm(x) <= bound * (1 + 1e-3)


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------

def test_bad_input():
    good = np.eye(3)
    with pytest.raises(ValueError, match="NaN"):
        la.gram_schmidt(np.array([[1.0, np.nan], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="n >= d"):
        la.gram_schmidt(np.ones((2, 3)))
    with pytest.raises(ValueError, match="'method'"):
        la.gram_schmidt(good, method="householder")
    with pytest.raises(ValueError, match="2-D"):
        la.projection_matrix(np.ones(3))
    with pytest.raises(ValueError, match="rtol"):
        la.projection_matrix(good, rtol=-1.0)
    with pytest.raises(ValueError, match="symmetric"):
        la.power_iteration(np.triu(np.ones((3, 3))))
    with pytest.raises(ValueError, match="square"):
        la.rayleigh_quotient(np.ones((2, 3)), np.ones(3))
    with pytest.raises(ValueError, match="nonzero"):
        la.rayleigh_quotient(good, np.zeros(3))
    with pytest.raises(ValueError, match="x must have shape"):
        la.rayleigh_quotient(good, np.ones(2))
    with pytest.raises(ValueError, match="v0 must have shape"):
        la.power_iteration(good, v0=np.ones(2))
    with pytest.raises(ValueError, match="v0 must be nonzero"):
        la.power_iteration(good, v0=np.zeros(3))
    with pytest.raises(ValueError, match="infinity"):
        la.power_iteration(good, v0=np.array([1.0, np.inf, 0.0]))
    with pytest.raises(ValueError, match="max_iter"):
        la.power_iteration(good, max_iter=0)
    with pytest.raises(ValueError, match="tol"):
        la.power_iteration(good, tol=-1e-3)
    with pytest.raises(TypeError, match="return_history"):
        la.power_iteration(good, return_history=1)
    with pytest.raises(ValueError, match="k must satisfy"):
        la.low_rank_approximation(good, 4)
    with pytest.raises(InvalidParameterError, match="The 'k' parameter of "
                       "low_rank_approximation must be an int >= 0; got 1.5."):
        la.low_rank_approximation(good, 1.5)
    with pytest.raises(ValueError, match="A must be an array of numbers"):
        la.condition_number(np.array([["a"]]))
    with pytest.raises(ValueError, match="non-empty"):
        la.condition_number(np.zeros((0, 3)))
