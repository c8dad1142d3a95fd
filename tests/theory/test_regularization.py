"""Tests of mlmath.theory.regularization against independent computations.

Each formula of the regularisation chapter that the code relies on is checked against something
computed another way: a plain gradient-descent loop, scikit-learn's Ridge and Lasso, a direct
solution of the constrained problem by SciPy's SLSQP, and Monte Carlo simulation.
"""

import warnings

import numpy as np
import pytest
import scipy.optimize
import sklearn.linear_model as sk

from mlmath.supervised.linear_regression.coordinate_descent import lasso_path, soft_threshold
from mlmath.supervised.linear_regression.estimators import Lasso
from mlmath.supervised.linear_regression.least_squares import ridge_cholesky, squared_loss
from mlmath.theory.regularization import (
    early_stopping_path,
    gd_spectral_filter,
    noise_augmented_least_squares,
    penalty_for_radius,
    ridge_spectral_filter,
    spectral_filter_solution,
)


def make_data(n=40, d=6, seed=0, correlation=0.5):
    rng = np.random.default_rng(seed)
    cov = np.full((d, d), correlation) + (1 - correlation) * np.eye(d)
    X = rng.standard_normal((n, d)) @ np.linalg.cholesky(cov).T
    y = X @ rng.standard_normal(d) + 0.5 * rng.standard_normal(n)
    return X - X.mean(axis=0), y - y.mean()


def eigenvalues(X):
    return np.linalg.svd(X, compute_uv=False) ** 2 / X.shape[0]


# --------------------------------------------------------------------------------------------
# early stopping and spectral filters
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(40, 6), (8, 15)])  # tall, and wide (rank-deficient X^T X)
def test_gd_iterates_equal_the_spectral_formula(shape):
    X, y = make_data(*shape, seed=1)
    n = X.shape[0]
    eta = 0.9 / eigenvalues(X).max()
    T = 50
    path = early_stopping_path(X, y, eta, T)
    assert path.shape == (T + 1, X.shape[1])
    # independent: a plain loop of the update w <- w - eta X^T (X w - y) / n
    w = np.zeros(X.shape[1])
    for t in range(T + 1):
        np.testing.assert_allclose(path[t], w, rtol=0, atol=1e-12)
        w = w - eta * X.T @ (X @ w - y) / n
    # the closed form, written with an eigen-decomposition of X^T X / n (not the SVD)
    lam, V = np.linalg.eigh(X.T @ X / n)
    b = X.T @ y / n
    for t in [0, 1, 7, T]:
        keep = lam > 1e-10 * lam.max()
        coef = (1 - (1 - eta * lam[keep]) ** t) * (V[:, keep].T @ b) / lam[keep]
        np.testing.assert_allclose(path[t], V[:, keep] @ coef, rtol=0, atol=1e-10)
        w_f = spectral_filter_solution(X, y, lambda lam_, t=t: gd_spectral_filter(lam_, eta, t))
        np.testing.assert_allclose(path[t], w_f, rtol=0, atol=1e-10)


@pytest.mark.parametrize("alpha", [1e-3, 0.1, 3.0])
def test_ridge_equals_its_spectral_filter_form(alpha):
    X, y = make_data(seed=2)
    n = X.shape[0]
    w_f = spectral_filter_solution(X, y, lambda lam: ridge_spectral_filter(lam, alpha))
    w_sk = sk.Ridge(alpha=n * alpha, fit_intercept=False, solver="cholesky").fit(X, y).coef_
    np.testing.assert_allclose(w_f, w_sk, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(w_f, ridge_cholesky(X, y, n * alpha), rtol=1e-10, atol=1e-12)


def test_unit_filter_is_least_squares():
    X, y = make_data(seed=3)
    w = spectral_filter_solution(X, y, np.ones_like)
    np.testing.assert_allclose(w, np.linalg.lstsq(X, y, rcond=None)[0], atol=1e-10)


def test_filter_values_by_hand():
    lam = np.array([0.0, 0.5, 1.0, 2.0])
    np.testing.assert_allclose(gd_spectral_filter(lam, 0.5, 2), [0.0, 0.4375, 0.75, 1.0])
    np.testing.assert_allclose(ridge_spectral_filter(lam, 1.0), [0.0, 1 / 3, 0.5, 2 / 3])
    np.testing.assert_array_equal(ridge_spectral_filter(lam, 0.0), [0.0, 1.0, 1.0, 1.0])
    np.testing.assert_array_equal(gd_spectral_filter(lam, 0.5, 0), np.zeros(4))


@pytest.mark.parametrize("t", [1, 2, 5, 40, 1000])
def test_early_stopping_filter_is_sandwiched_by_ridge(t):
    eta = 0.7
    lam = np.linspace(0, 1 / eta, 5001)
    alpha = 1 / (t * eta)
    g, r = gd_spectral_filter(lam, eta, t), ridge_spectral_filter(lam, alpha)
    u = lam / alpha
    assert np.all(r <= 1 - np.exp(-u) + 1e-15)
    assert np.all(1 - np.exp(-u) <= g + 1e-15)
    assert np.all(g <= np.minimum(1, u) + 1e-15)
    assert np.all(np.minimum(1, u) <= 2 * r + 1e-15)
    assert np.all(u - u**2 <= r + 1e-15)
    # part 4: the shortfalls 1 - g_t and 1 - r_alpha are not within a constant factor
    assert np.all(1 - g <= (1 + u) * np.exp(-u) * (1 - r) + 1e-15)


def test_early_stopping_norm_between_ridge_and_twice_ridge():
    X, y = make_data(seed=4)
    n = X.shape[0]
    eta = 1.0 / eigenvalues(X).max()
    path = early_stopping_path(X, y, eta, 200)
    for t in [1, 3, 30, 200]:
        w_r = ridge_cholesky(X, y, n / (t * eta))
        ratio = np.linalg.norm(path[t]) / np.linalg.norm(w_r)
        assert 1 - 1e-12 <= ratio <= 2 + 1e-12


def test_early_stopping_path_converges_to_least_squares():
    X, y = make_data(seed=5, correlation=0.0)
    path = early_stopping_path(X, y, 1.0 / eigenvalues(X).max(), 3000)
    np.testing.assert_allclose(path[-1], np.linalg.lstsq(X, y, rcond=None)[0], atol=1e-8)


def test_early_stopping_path_zero_steps_and_zero_gradient():
    X, y = make_data(seed=6)
    np.testing.assert_array_equal(early_stopping_path(X, y, 0.1, 0), np.zeros((1, X.shape[1])))
    path = early_stopping_path(X, np.zeros(X.shape[0]), 0.1, 5)  # gradient zero from the start
    np.testing.assert_array_equal(path, np.zeros((6, X.shape[1])))


# --------------------------------------------------------------------------------------------
# penalty and constraint
# --------------------------------------------------------------------------------------------

def constrained_slsqp(X, y, radius, penalty):
    d = X.shape[1]
    if penalty == "l2":
        res = scipy.optimize.minimize(
            lambda w: squared_loss(X, y, w), np.zeros(d), method="SLSQP",
            constraints=[{"type": "ineq", "fun": lambda w: radius**2 - w @ w}],
            options={"ftol": 1e-15, "maxiter": 1000})
        return res.x
    res = scipy.optimize.minimize(
        lambda v: squared_loss(X, y, v[:d] - v[d:]), np.zeros(2 * d), method="SLSQP",
        constraints=[{"type": "ineq", "fun": lambda v: radius - v.sum()}],
        bounds=[(0, None)] * (2 * d), options={"ftol": 1e-15, "maxiter": 1000})
    return res.x[:d] - res.x[d:]


@pytest.mark.parametrize("penalty", ["l2", "l1"])
@pytest.mark.parametrize("frac", [0.2, 0.6, 0.95])
def test_penalised_solution_solves_the_constrained_problem(penalty, frac):
    X, y = make_data(seed=7)
    w_ls = np.linalg.lstsq(X, y, rcond=None)[0]
    norm = (lambda w: np.linalg.norm(w)) if penalty == "l2" else (lambda w: np.abs(w).sum())
    t = frac * norm(w_ls)
    alpha, w = penalty_for_radius(X, y, t, penalty=penalty)
    assert alpha > 0
    assert abs(norm(w) - t) <= 1e-6 * t
    np.testing.assert_allclose(w, constrained_slsqp(X, y, t, penalty), atol=2e-5)
    # and w is the penalised solution at that alpha, by an independent solver
    n = X.shape[0]
    if penalty == "l2":
        w_pen = sk.Ridge(alpha=n * alpha, fit_intercept=False).fit(X, y).coef_
    else:
        w_pen = sk.Lasso(alpha=alpha, fit_intercept=False, tol=1e-12,
                         max_iter=100_000).fit(X, y).coef_
    np.testing.assert_allclose(w, w_pen, atol=1e-6)


def test_inactive_constraint_gives_zero_alpha():
    X, y = make_data(seed=8)
    w_ls = np.linalg.lstsq(X, y, rcond=None)[0]
    alpha, w = penalty_for_radius(X, y, 2 * np.linalg.norm(w_ls))
    assert alpha == 0.0
    np.testing.assert_allclose(w, w_ls, atol=1e-10)


def test_penalty_of_the_solution_decreases_with_alpha():
    X, y = make_data(seed=9)
    alphas, coefs = lasso_path(X, y, n_alphas=40, tol=1e-10)  # alphas decreasing
    l1 = np.abs(coefs).sum(axis=0)
    assert np.all(np.diff(l1) >= -1e-8)  # non-decreasing as alpha decreases
    losses = [squared_loss(X, y, coefs[:, k]) for k in range(alphas.size)]
    assert np.all(np.diff(losses) <= 1e-10)


def test_paths_are_continuous_with_the_least_squares_limit():
    # prop-reg-path: the penalty of the solution moves continuously with alpha, from its
    # least-squares value (alpha -> 0) down to 0; on a fine grid no step is a jump.
    X, y = make_data(seed=10)
    n = X.shape[0]
    w_ls = np.linalg.lstsq(X, y, rcond=None)[0]
    alphas, coefs = lasso_path(X, y, n_alphas=300, eps=1e-5, tol=1e-12)
    l1 = np.abs(coefs).sum(axis=0)
    assert np.all(np.diff(l1) >= -1e-8)
    assert np.max(np.diff(l1)) < 0.05 * np.abs(w_ls).sum()
    assert abs(l1[-1] - np.abs(w_ls).sum()) < 1e-3 * np.abs(w_ls).sum()
    grid = np.geomspace(1e-6, 1e3, 400)
    l2 = np.array([np.linalg.norm(ridge_cholesky(X, y, n * a)) for a in grid])
    assert np.all(np.diff(l2) <= 1e-12) and np.max(-np.diff(l2)) < 0.05 * l2[0]
    assert abs(l2[0] - np.linalg.norm(w_ls)) < 1e-4 * np.linalg.norm(w_ls)


def wide_data():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((8, 15)), rng.standard_normal(8)  # rank 8 < 15 features
    X, y = X - X.mean(axis=0), y - y.mean()
    w_min_norm = np.linalg.lstsq(X, y, rcond=None)[0]
    # the smallest l1 norm of a least-squares solution, by an LP on the normal equations
    d = X.shape[1]
    gram = X.T @ X
    res = scipy.optimize.linprog(np.ones(2 * d), A_eq=np.hstack([gram, -gram]), b_eq=X.T @ y,
                                 bounds=[(0, None)] * (2 * d), method="highs")
    return X, y, w_min_norm, res.fun


def test_l1_radius_not_binding_on_a_wide_design_gives_zero_alpha():
    X, y, w_min_norm, l1_min = wide_data()
    assert l1_min < np.abs(w_min_norm).sum() - 1e-3  # the two least-squares norms differ
    radius = 0.5 * (l1_min + np.abs(w_min_norm).sum())
    alpha, w = penalty_for_radius(X, y, radius, penalty="l1")
    assert alpha == 0.0 and np.abs(w).sum() <= radius + 1e-9
    np.testing.assert_allclose(X @ w, X @ w_min_norm, atol=1e-8)  # a least-squares solution


def test_l1_radius_below_the_least_squares_norm_on_a_wide_design():
    X, y, _, l1_min = wide_data()
    radius = 0.5 * l1_min
    alpha, w = penalty_for_radius(X, y, radius, penalty="l1")
    assert alpha > 0 and abs(np.abs(w).sum() - radius) <= 1e-6 * radius
    w_con = constrained_slsqp(X, y, radius, "l1")
    assert squared_loss(X, y, w) <= squared_loss(X, y, w_con) + 1e-8


# --------------------------------------------------------------------------------------------
# sparsity: the orthonormal design and the optimality condition
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("alpha", [0.1, 0.7, 2.5])
def test_orthonormal_lasso_is_soft_thresholding(alpha):
    rng = np.random.default_rng(10)
    n, d = 30, 7
    Q, _ = np.linalg.qr(rng.standard_normal((n, d)))
    X = np.sqrt(n) * Q
    y = rng.standard_normal(n) * 2
    z = X.T @ y / n
    w = Lasso(alpha=alpha, fit_intercept=False, tol=1e-12).fit(X, y).coef_
    np.testing.assert_allclose(w, soft_threshold(z, alpha), atol=1e-8)
    w_sk = sk.Lasso(alpha=alpha, fit_intercept=False, tol=1e-12).fit(X, y).coef_
    np.testing.assert_allclose(w_sk, soft_threshold(z, alpha), atol=1e-8)
    w_ridge = spectral_filter_solution(X, y, lambda lam: ridge_spectral_filter(lam, alpha))
    np.testing.assert_allclose(w_ridge, z / (1 + alpha), atol=1e-10)


def test_lasso_optimality_conditions_hold_for_a_solution_and_fail_otherwise():
    X, y = make_data(seed=11)
    n, alpha = X.shape[0], 0.3
    w = sk.Lasso(alpha=alpha, fit_intercept=False, tol=1e-14, max_iter=100_000).fit(X, y).coef_

    def violation(w):
        c = X.T @ (y - X @ w) / n
        on = w != 0
        return max(np.abs(c[on] - alpha * np.sign(w[on])).max(initial=0.0),
                   (np.abs(c[~on]) - alpha).max(initial=0.0))

    assert violation(w) < 1e-6
    assert violation(w + 0.05) > 1e-3


# --------------------------------------------------------------------------------------------
# noise injection
# --------------------------------------------------------------------------------------------

def test_expected_noisy_objective_is_ridge_objective():
    X, y = make_data(n=20, d=4, seed=12)
    n, sigma = X.shape[0], 0.7
    w = np.array([1.0, -2.0, 0.5, 0.0])
    E = sigma * np.random.default_rng(13).standard_normal((40_000, *X.shape))
    vals = np.sum((y - (X + E) @ w) ** 2, axis=1)
    formula = np.sum((y - X @ w) ** 2) + n * sigma**2 * w @ w
    se = vals.std(ddof=1) / np.sqrt(vals.size)
    assert abs(vals.mean() - formula) < 4 * se


def test_noise_augmented_least_squares_tends_to_ridge():
    X, y = make_data(n=30, d=5, seed=14)
    n, sigma = X.shape[0], 0.5
    w_ridge = ridge_cholesky(X, y, n * sigma**2)
    err = {m: np.mean([np.linalg.norm(noise_augmented_least_squares(
        X, y, sigma, n_copies=m, random_state=s) - w_ridge) for s in range(10)])
        for m in [4, 1600]}
    # the error falls like 1/sqrt(m): 20 times smaller over a factor 400; allow a factor 2
    assert err[1600] < err[4] / 10
    assert err[1600] < 0.02 * np.linalg.norm(w_ridge)


def test_noise_augmented_least_squares_details():
    X, y = make_data(seed=15)
    w0 = noise_augmented_least_squares(X, y, 0.0, n_copies=3, random_state=0)
    np.testing.assert_allclose(w0, np.linalg.lstsq(X, y, rcond=None)[0], atol=1e-10)
    a = noise_augmented_least_squares(X, y, 0.3, n_copies=5, random_state=1)
    b = noise_augmented_least_squares(X, y, 0.3, n_copies=5,
                                      random_state=np.random.default_rng(1))
    np.testing.assert_array_equal(a, noise_augmented_least_squares(X, y, 0.3, n_copies=5,
                                                                   random_state=1))
    assert a.shape == b.shape == (X.shape[1],)


# --------------------------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------------------------

def test_bad_input():
    X, y = make_data(seed=16)
    lam = np.array([0.5, 1.0])
    with pytest.raises(ValueError, match="eigenvalues"):
        gd_spectral_filter([np.nan, 1.0], 0.1, 3)
    with pytest.raises(ValueError, match="eigenvalues"):
        ridge_spectral_filter([-1.0, 1.0], 0.1)
    with pytest.raises(ValueError, match="step_size"):
        gd_spectral_filter(lam, 0.0, 3)
    with pytest.raises(ValueError, match="n_iter"):
        gd_spectral_filter(lam, 0.1, -1)
    with pytest.raises(TypeError, match="n_iter"):
        gd_spectral_filter(lam, 0.1, 2.5)
    with pytest.raises(ValueError, match="alpha"):
        ridge_spectral_filter(lam, -0.1)
    with pytest.raises(ValueError, match="alpha"):
        ridge_spectral_filter(lam, np.inf)
    with pytest.raises(TypeError, match="spectral_filter"):
        spectral_filter_solution(X, y, 3.0)
    with pytest.raises(ValueError, match="spectral_filter"):
        spectral_filter_solution(X, y, lambda lam_: lam_[:-1])
    with pytest.raises(ValueError, match="spectral_filter"):
        spectral_filter_solution(X, y, lambda lam_: lam_ * np.nan)
    with pytest.raises(ValueError, match="step_size"):
        early_stopping_path(X, y, 2.5 / eigenvalues(X).max(), 5)
    with pytest.raises(ValueError, match="step_size"):
        early_stopping_path(X, y, -1.0, 5)
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        early_stopping_path(X_nan, y, 0.1, 5)
    with pytest.raises(ValueError, match="inconsistent"):
        noise_augmented_least_squares(X, y[:-1], 0.1)
    with pytest.raises(ValueError, match="noise_std"):
        noise_augmented_least_squares(X, y, -0.1)
    with pytest.raises(ValueError, match="n_copies"):
        noise_augmented_least_squares(X, y, 0.1, n_copies=0)
    with pytest.raises(ValueError, match="radius"):
        penalty_for_radius(X, y, 0.0)
    with pytest.raises(ValueError, match="penalty"):
        penalty_for_radius(X, y, 1.0, penalty="l0")
    y_inf = y.copy()
    y_inf[1] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        penalty_for_radius(X, y_inf, 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a valid call warns about nothing
        penalty_for_radius(X, y, 0.5, penalty="l1")
