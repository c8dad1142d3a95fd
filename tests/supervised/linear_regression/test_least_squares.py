"""Derivation tests of mlmath.supervised.linear_regression.least_squares.

Every formula the chapter derives and the code relies on is checked against an independent
computation: the gradient against torch.autograd and finite differences, the closed forms
against each other and against the optimality conditions, the step-size condition of gradient
descent on both sides of 2/L.
"""

import numpy as np
import pytest
import torch
from sklearn.exceptions import ConvergenceWarning

from mlmath.datasets import make_linear_regression
from mlmath.supervised.linear_regression import least_squares as ls


@pytest.fixture
def problem():
    X, y, _ = make_linear_regression(80, 5, noise=0.3, correlation=0.4, random_state=0)
    return X, y


def test_gradient_matches_autograd(problem):
    X, y = problem
    w = np.random.default_rng(1).standard_normal(X.shape[1])
    wt = torch.tensor(w, requires_grad=True, dtype=torch.float64)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    J = 0.5 * torch.mean((yt - Xt @ wt) ** 2)  # {eq}`eq-linreg-objective`, written independently
    J.backward()
    np.testing.assert_allclose(ls.squared_loss(X, y, w), J.item(), rtol=1e-12)
    np.testing.assert_allclose(ls.squared_loss_gradient(X, y, w), wt.grad.numpy(), rtol=1e-10)


def test_gradient_matches_central_differences(problem):
    X, y = problem
    w = np.random.default_rng(2).standard_normal(X.shape[1])
    h = 1e-6
    fd = np.array([(ls.squared_loss(X, y, w + h * e) - ls.squared_loss(X, y, w - h * e)) / (2 * h)
                   for e in np.eye(X.shape[1])])
    np.testing.assert_allclose(ls.squared_loss_gradient(X, y, w), fd, rtol=1e-6, atol=1e-8)


def test_squared_loss_accepts_a_grid_of_weights(problem):
    X, y = problem
    W = np.random.default_rng(3).standard_normal((4, 6, X.shape[1]))
    J = ls.squared_loss(X, y, W)
    assert J.shape == (4, 6)
    assert J[2, 5] == pytest.approx(ls.squared_loss(X, y, W[2, 5]))


@pytest.mark.parametrize("solve", [ls.lstsq_normal_equations, ls.lstsq_qr, ls.lstsq_svd])
def test_direct_solvers_satisfy_the_normal_equations(problem, solve):
    X, y = problem
    w = solve(X, y)
    np.testing.assert_allclose(X.T @ X @ w, X.T @ y, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(w, np.linalg.lstsq(X, y, rcond=None)[0], rtol=1e-9)


def test_residual_is_orthogonal_to_the_column_space(problem):
    X, y = problem
    r = y - X @ ls.lstsq_qr(X, y)
    np.testing.assert_allclose(X.T @ r, 0.0, atol=1e-10)
    H = X @ np.linalg.solve(X.T @ X, X.T)  # the hat matrix: symmetric and idempotent
    np.testing.assert_allclose(H, H.T, atol=1e-12)
    np.testing.assert_allclose(H @ H, H, atol=1e-12)


def test_svd_gives_the_minimum_norm_solution_when_rank_deficient():
    rng = np.random.default_rng(4)
    A = rng.standard_normal((30, 3))
    X = np.hstack([A, A[:, :1] + A[:, 1:2]])  # rank 3, four columns
    y = rng.standard_normal(30)
    w = ls.lstsq_svd(X, y)
    np.testing.assert_allclose(w, np.linalg.pinv(X) @ y, rtol=1e-10)
    null = np.array([1.0, 1.0, 0.0, -1.0])  # X @ null = 0
    np.testing.assert_allclose(X @ null, 0.0, atol=1e-12)
    for t in (-1.0, 0.3, 2.0):  # same fit, larger norm
        assert np.allclose(X @ (w + t * null), X @ w)
        assert np.linalg.norm(w + t * null) > np.linalg.norm(w)
    with pytest.raises(np.linalg.LinAlgError, match="full column rank"):
        ls.lstsq_normal_equations(X, y)


def test_multi_target_solvers_solve_each_column(problem):
    X, y = problem
    Y = np.column_stack([y, 2 * y + 1])
    for solve in (ls.lstsq_normal_equations, ls.lstsq_qr, ls.lstsq_svd):
        W = solve(X, Y)
        np.testing.assert_allclose(W[:, 0], solve(X, y), rtol=1e-10)
    np.testing.assert_allclose(ls.ridge_svd(X, Y, 2.0)[:, 1], ls.ridge_svd(X, 2 * y + 1, 2.0))


def test_lipschitz_constant_is_the_largest_hessian_eigenvalue(problem):
    X, y = problem
    hessian = X.T @ X / X.shape[0]
    assert ls.lipschitz_constant(X) == pytest.approx(np.linalg.eigvalsh(hessian).max(), rel=1e-12)


@pytest.mark.parametrize("fraction", [0.5, 1.0, 1.9])
def test_gradient_descent_converges_below_two_over_L(problem, fraction):
    X, y = problem
    L = ls.lipschitz_constant(X)
    w, n_iter = ls.gradient_descent(X, y, step_size=fraction / L, max_iter=20_000, tol=1e-12)
    np.testing.assert_allclose(w, ls.lstsq_svd(X, y), rtol=1e-8, atol=1e-10)


def test_gradient_descent_diverges_above_two_over_L(problem):
    X, y = problem
    L = ls.lipschitz_constant(X)
    with pytest.raises(FloatingPointError, match="diverged"):
        ls.gradient_descent(X, y, step_size=2.1 / L, max_iter=100_000, tol=0.0)


def test_gradient_descent_error_contracts_at_the_predicted_rate(problem):
    X, y = problem
    n = X.shape[0]
    lam = np.linalg.eigvalsh(X.T @ X / n)
    eta = 1.0 / lam.max()
    rate = max(abs(1 - eta * lam.min()), abs(1 - eta * lam.max()))
    w_star = ls.lstsq_svd(X, y)
    with pytest.warns(ConvergenceWarning):  # fifty steps, on purpose
        _, _, path = ls.gradient_descent(X, y, step_size=eta, max_iter=50, tol=0.0,
                                         return_path=True)
    err = np.linalg.norm(path - w_star, axis=1)
    assert path.shape == (51, X.shape[1])
    # ||e_{t+1}|| <= rate ||e_t|| for every step (the proof's contraction bound).
    assert np.all(err[1:] <= rate * err[:-1] * (1 + 1e-9) + 1e-14)


@pytest.mark.parametrize("alpha", [1e-3, 0.7, 50.0])
def test_ridge_closed_forms_agree_and_are_stationary(problem, alpha):
    X, y = problem
    w = ls.ridge_cholesky(X, y, alpha)
    np.testing.assert_allclose(ls.ridge_svd(X, y, alpha), w, rtol=1e-10)
    # Gradient of ||y - Xw||^2 + alpha ||w||^2 vanishes, computed by autograd.
    wt = torch.tensor(w, requires_grad=True)
    obj = torch.sum((torch.from_numpy(y) - torch.from_numpy(X) @ wt) ** 2) + alpha * wt @ wt
    obj.backward()
    np.testing.assert_allclose(wt.grad.numpy(), 0.0, atol=1e-9)


def test_ridge_wide_branch_equals_tall_formula():
    rng = np.random.default_rng(5)
    X, y = rng.standard_normal((10, 25)), rng.standard_normal(10)  # n < d: the kernel branch
    direct = np.linalg.solve(X.T @ X + 0.5 * np.eye(25), X.T @ y)
    np.testing.assert_allclose(ls.ridge_cholesky(X, y, 0.5), direct, rtol=1e-9)
    np.testing.assert_allclose(ls.ridge_svd(X, y, 0.5), direct, rtol=1e-9)


def test_ridge_shrinks_each_singular_direction(problem):
    X, y = problem
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    alpha = 3.0
    ols_fit_coords = U.T @ (X @ ls.lstsq_svd(X, y))
    ridge_fit_coords = U.T @ (X @ ls.ridge_svd(X, y, alpha))
    np.testing.assert_allclose(ridge_fit_coords, s**2 / (s**2 + alpha) * ols_fit_coords, rtol=1e-10)


def test_ridge_cholesky_refuses_a_singular_system_at_alpha_zero():
    rng = np.random.default_rng(6)
    A = rng.standard_normal((30, 3))
    X, y = np.hstack([A, A[:, :1] + A[:, 1:2]]), rng.standard_normal(30)  # rank 3 < 4
    with pytest.raises(np.linalg.LinAlgError, match="singular"):
        ls.ridge_cholesky(X, y, 0.0)
    np.testing.assert_allclose(ls.ridge_svd(X, y, 0.0), np.linalg.pinv(X) @ y, rtol=1e-9)
