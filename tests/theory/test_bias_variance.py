"""Tests of mlmath.theory.bias_variance: simulation against closed forms, and bad input."""

import numpy as np
import pytest

from mlmath.supervised.knn.estimators import KNeighborsRegressor
from mlmath.supervised.linear_regression.estimators import LinearRegression, Ridge
from mlmath.theory.bias_variance import (
    BiasVariance,
    bias_variance_decomposition,
    ridge_bias_variance,
    ridge_coef_mse,
    ridge_coef_mse_derivative,
)
from mlmath.validation import InvalidParameterError


def sine(X):
    return np.sin(2 * np.pi * X[:, 0])


def uniform(m, rng):
    return rng.uniform(0.0, 1.0, (m, 1))


def linear_problem(seed=0, n=30, d=4):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    w_star = rng.standard_normal(d)
    X_test = rng.standard_normal((25, d))
    return X, w_star, X_test


# ---------------------------------------------------------------------------------------------
# the simulated decomposition
# ---------------------------------------------------------------------------------------------

def test_decomposition_sums_to_the_directly_measured_error():
    sigma, n_sets = 0.3, 400
    x_test = np.linspace(0.05, 0.95, 30)[:, None]
    res = bias_variance_decomposition(lambda: KNeighborsRegressor(n_neighbors=3), sine, uniform,
                                      sigma, 40, n_sets, x_test, random_state=0)
    assert isinstance(res, BiasVariance)
    assert res.bias2.shape == res.variance.shape == res.expected_error.shape == (30,)
    assert res.noise == pytest.approx(sigma**2)
    # Same draws: the gap is the cross term 2 mean(eps (f - f_hat)) plus mean(eps^2) - sigma^2,
    # each with standard error below 0.02 here (per point); averaged over 30 points, far less.
    np.testing.assert_allclose(res.expected_error, res.total, atol=0.06)
    assert abs(res.mean_expected_error - res.mean_total) < 0.015
    assert res.mean_total == pytest.approx(np.mean(res.total))


def test_bias2_plus_variance_is_the_mean_squared_deviation_exactly():
    # Re-run the simulation's draws by hand and compare with the mean of (f - f_hat)^2.
    sigma, n_train, n_sets, seed = 0.5, 25, 50, 3
    x_test = np.linspace(0.1, 0.9, 7)[:, None]
    res = bias_variance_decomposition(lambda: KNeighborsRegressor(n_neighbors=5), sine, uniform,
                                      sigma, n_train, n_sets, x_test, random_state=seed)
    rng = np.random.default_rng(seed)
    dev2, errs = [], []
    for _ in range(n_sets):
        X = uniform(n_train, rng)
        y = sine(X) + sigma * rng.standard_normal(n_train)
        pred = KNeighborsRegressor(n_neighbors=5).fit(X, y).predict(x_test)
        y_test = sine(x_test) + sigma * rng.standard_normal(7)
        dev2.append((sine(x_test) - pred) ** 2)
        errs.append((y_test - pred) ** 2)
    np.testing.assert_allclose(res.bias2 + res.variance, np.mean(dev2, axis=0), rtol=1e-10)
    np.testing.assert_allclose(res.expected_error, np.mean(errs, axis=0), rtol=1e-12)


def test_same_seed_gives_every_estimator_the_same_training_sets():
    seen = {1: [], 5: []}

    class Recorder:
        """k-NN that records the training sets it is fitted on."""

        def __init__(self, k):
            self.k = k

        def fit(self, X, y):
            seen[self.k].append((X.copy(), y.copy()))
            self.model_ = KNeighborsRegressor(n_neighbors=self.k).fit(X, y)
            return self

        def predict(self, X):
            return self.model_.predict(X)

    x_test = np.linspace(0.1, 0.9, 5)[:, None]
    for k in (1, 5):
        bias_variance_decomposition(lambda k=k: Recorder(k), sine, uniform, 0.3, 12, 4, x_test,
                                    random_state=11)
    assert len(seen[1]) == len(seen[5]) == 4
    for (X1, y1), (X5, y5) in zip(seen[1], seen[5]):
        np.testing.assert_array_equal(X1, X5)
        np.testing.assert_array_equal(y1, y5)
    assert not np.array_equal(seen[1][0][1], seen[1][1][1])  # the sets differ from each other


def test_ols_is_unbiased_within_monte_carlo_error():
    d, sigma, n_sets = 3, 1.0, 400
    w_star = np.array([1.5, -2.0, 0.5])
    x_test = np.random.default_rng(1).standard_normal((20, d))
    res = bias_variance_decomposition(
        lambda: LinearRegression(fit_intercept=False), lambda X: X @ w_star,
        lambda m, rng: rng.standard_normal((m, d)), sigma, 20, n_sets, x_test, random_state=2)
    # The estimated bias^2 of an unbiased estimator is (mean of n_sets fits - truth)^2, whose
    # expectation is variance / n_sets: compare with a generous multiple of that.
    assert np.all(res.bias2 <= 12 * res.variance / n_sets)
    assert res.mean_bias2 < 3 * res.mean_variance / n_sets
    # A biased estimator (strong ridge) fails the same check, so the check can fail.
    res_ridge = bias_variance_decomposition(
        lambda: Ridge(alpha=50.0, fit_intercept=False), lambda X: X @ w_star,
        lambda m, rng: rng.standard_normal((m, d)), sigma, 20, n_sets, x_test, random_state=2)
    assert res_ridge.mean_bias2 > 10 * res_ridge.mean_variance / n_sets


def test_knn_variance_is_sigma2_over_k_at_interior_points():
    sigma, k, n_sets = 0.5, 5, 500
    x_test = np.array([[0.3], [0.5], [0.7]])
    smooth = lambda X: np.sin(X[:, 0])  # noqa: E731  Lipschitz constant 1
    res = bias_variance_decomposition(lambda: KNeighborsRegressor(n_neighbors=k), smooth, uniform,
                                      sigma, 2000, n_sets, x_test, random_state=4)
    # The sample variance of 500 draws has relative standard error sqrt(2/499) ~ 0.063; the
    # extra term Var(mean of f at the neighbours) is below (k / n)^2 ~ 6e-6 here.
    np.testing.assert_allclose(res.variance, sigma**2 / k, rtol=0.2)
    np.testing.assert_allclose(res.variance.mean(), sigma**2 / k, rtol=0.12)
    # With k = 1 the variance is sigma^2, five times more: the check tells k apart.
    assert not np.allclose(res.variance, sigma**2, rtol=0.2)


# ---------------------------------------------------------------------------------------------
# ridge in closed form
# ---------------------------------------------------------------------------------------------

def test_ridge_closed_form_matches_simulation_over_noise():
    X, w_star, X_test = linear_problem()
    sigma, alpha, n_sets = 1.5, 8.0, 4000
    exact = ridge_bias_variance(X, w_star, sigma, alpha, X_test)
    rng = np.random.default_rng(5)
    Y = X @ w_star + sigma * rng.standard_normal((n_sets, X.shape[0]))  # (n_sets, n)
    W = np.array([Ridge(alpha=alpha, fit_intercept=False).fit(X, y).coef_ for y in Y])
    P = W @ X_test.T  # (n_sets, n_test)
    f_test = X_test @ w_star
    np.testing.assert_allclose(P.var(axis=0), exact.variance, rtol=0.1)
    # The bias is exact, the simulated mean carries sd sqrt(variance / n_sets).
    bias_sim = P.mean(axis=0) - f_test
    A = X.T @ X + alpha * np.eye(4)
    bias_exact = X_test @ (np.linalg.solve(A, X.T @ X @ w_star) - w_star)
    np.testing.assert_allclose(bias_exact**2, exact.bias2, rtol=1e-9)
    assert np.all(np.abs(bias_sim - bias_exact) < 5 * np.sqrt(exact.variance / n_sets))
    np.testing.assert_allclose(exact.expected_error, exact.bias2 + exact.variance + sigma**2)


def test_ridge_closed_form_matches_explicit_matrices():
    X, w_star, X_test = linear_problem(seed=7, n=12, d=6)
    sigma, alpha = 0.7, 2.5
    A_inv = np.linalg.inv(X.T @ X + alpha * np.eye(6))
    mean_w = A_inv @ X.T @ X @ w_star
    cov_w = sigma**2 * A_inv @ X.T @ X @ A_inv
    res = ridge_bias_variance(X, w_star, sigma, alpha, X_test)
    np.testing.assert_allclose(res.bias2, (X_test @ (mean_w - w_star)) ** 2, rtol=1e-9)
    np.testing.assert_allclose(res.variance, np.einsum("ti,ij,tj->t", X_test, cov_w, X_test),
                               rtol=1e-9)
    # alpha = 0: ordinary least squares, unbiased with variance sigma^2 x^T (X^T X)^{-1} x
    ols = ridge_bias_variance(X, w_star, sigma, 0.0, X_test)
    np.testing.assert_allclose(ols.bias2, 0.0, atol=1e-20)
    np.testing.assert_allclose(
        ols.variance, sigma**2 * np.einsum("ti,ij,tj->t", X_test, np.linalg.inv(X.T @ X), X_test))


def test_ridge_coef_mse_matches_matrix_formula_and_simulation():
    X, w_star, _ = linear_problem(seed=8, n=15, d=5)
    sigma = 1.2
    alphas = np.array([0.0, 0.3, 3.0, 30.0])
    mse = ridge_coef_mse(X, w_star, sigma, alphas)
    for a, m in zip(alphas, mse):
        A_inv = np.linalg.inv(X.T @ X + a * np.eye(5))
        bias = A_inv @ X.T @ X @ w_star - w_star
        var = sigma**2 * np.trace(A_inv @ X.T @ X @ A_inv)
        assert m == pytest.approx(bias @ bias + var, rel=1e-9)
    assert ridge_coef_mse(X, w_star, sigma, 0.0) == pytest.approx(
        sigma**2 * np.trace(np.linalg.inv(X.T @ X)))
    rng = np.random.default_rng(9)
    Y = X @ w_star + sigma * rng.standard_normal((4000, 15))
    W = np.linalg.solve(X.T @ X + 3.0 * np.eye(5), X.T @ Y.T).T
    assert np.mean(np.sum((W - w_star) ** 2, axis=1)) == pytest.approx(mse[2], rel=0.05)


def test_ridge_mse_derivative_finite_differences_and_negative_at_zero():
    X, w_star, _ = linear_problem(seed=10, n=20, d=4)
    sigma = 0.8
    for a in [0.0, 0.5, 4.0, 40.0]:
        h = 1e-5
        lo = max(a - h, 0.0)
        fd = (ridge_coef_mse(X, w_star, sigma, a + h) - ridge_coef_mse(X, w_star, sigma, lo)) \
            / (a + h - lo)
        assert ridge_coef_mse_derivative(X, w_star, sigma, a) == pytest.approx(fd, rel=1e-3)
    lam = np.linalg.eigvalsh(X.T @ X)
    d0 = ridge_coef_mse_derivative(X, w_star, sigma, 0.0)
    assert d0 == pytest.approx(-2 * sigma**2 * np.sum(lam**-2.0))
    assert d0 < 0
    # Hoerl and Kennard's range: every alpha in (0, sigma^2 / max c_j^2] beats OLS.
    c = np.linalg.eigh(X.T @ X)[1].T @ w_star
    grid = np.linspace(1e-6, sigma**2 / np.max(c**2), 50)
    assert np.all(ridge_coef_mse(X, w_star, sigma, grid) < ridge_coef_mse(X, w_star, sigma, 0.0))
    # Vectorised over alphas, same values as one at a time.
    np.testing.assert_allclose(ridge_coef_mse_derivative(X, w_star, sigma, grid[:3]),
                               [ridge_coef_mse_derivative(X, w_star, sigma, g) for g in grid[:3]])
    # Without noise OLS is exact and any alpha > 0 hurts: derivative 0 at 0, positive after.
    assert ridge_coef_mse_derivative(X, w_star, 0.0, 0.0) == 0.0
    assert ridge_coef_mse_derivative(X, w_star, 0.0, 1.0) > 0


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------

def good_args():
    return dict(make_estimator=lambda: KNeighborsRegressor(n_neighbors=2), f=sine,
                sample_x=uniform, noise_std=0.3, n_train=10, n_datasets=3,
                x_test=np.array([[0.5]]), random_state=0)


@pytest.mark.parametrize("name, value, error, match", [
    ("make_estimator", None, TypeError, "make_estimator"),
    ("f", 3.0, InvalidParameterError, "The 'f' parameter must be a callable; got 3.0."),
    ("sample_x", "uniform", TypeError, "sample_x"),
    ("noise_std", -1.0, ValueError, "noise_std"),
    ("noise_std", np.nan, ValueError, "noise_std"),
    ("n_train", 0, ValueError, "n_train"),
    ("n_train", 2.5, TypeError, "n_train"),
    ("n_datasets", 1, ValueError, "n_datasets"),
    ("n_datasets", True, TypeError, "n_datasets"),
    ("x_test", np.array([0.5, 0.6]), ValueError, "x_test"),
    ("x_test", np.array([[np.inf]]), ValueError, "x_test"),
    ("x_test", np.array([["a"]]), ValueError, "x_test must be an array of numbers"),
    ("random_state", 0.5, TypeError, "random_state"),
    ("random_state", True, InvalidParameterError,
     "The 'random_state' parameter of bias_variance_decomposition must be None, an int >= 0 "
     "or an instance of Generator; got True."),
    ("random_state", np.False_, InvalidParameterError, "The 'random_state' parameter"),
    ("n_datasets", 1, InvalidParameterError,
     "The 'n_datasets' parameter of bias_variance_decomposition must be an int >= 2; got 1."),
    ("sample_x", lambda m, rng: rng.uniform(size=m), ValueError, "sample_x"),
    ("f", lambda X: X, ValueError, "f\\(x_test\\)"),
])
def test_decomposition_bad_input(name, value, error, match):
    args = good_args()
    args[name] = value
    with pytest.raises(error, match=match):
        bias_variance_decomposition(**args)


@pytest.mark.parametrize("func", [ridge_coef_mse, ridge_coef_mse_derivative])
def test_ridge_mse_bad_input(func):
    X, w_star, _ = linear_problem()
    with pytest.raises(ValueError, match="coef"):
        func(X, w_star[:2], 1.0, 0.1)
    with pytest.raises(ValueError, match="X contains NaN"):
        func(np.where(X > 1, np.nan, X), w_star, 1.0, 0.1)
    with pytest.raises(ValueError, match="noise_std"):
        func(X, w_star, -0.1, 0.1)
    with pytest.raises(ValueError, match="alpha"):
        func(X, w_star, 1.0, -1.0)
    with pytest.raises(ValueError, match="alpha"):
        func(X, w_star, 1.0, [0.1, np.nan])
    with pytest.raises(TypeError, match="alpha"):
        func(X, w_star, 1.0, "big")
    with pytest.raises(TypeError, match="alpha"):
        func(X, w_star, 1.0, True)
    with pytest.raises(ValueError, match="full column rank"):
        func(np.hstack([X, X[:, :1]]), np.append(w_star, 1.0), 1.0, 0.1)


def test_ridge_bias_variance_bad_input():
    X, w_star, X_test = linear_problem()
    with pytest.raises(ValueError, match="X_test"):
        ridge_bias_variance(X, w_star, 1.0, 0.1, X_test[:, :2])
    with pytest.raises(InvalidParameterError,
                       match="The 'alpha' parameter of ridge_bias_variance must be a float >= 0"):
        ridge_bias_variance(X, w_star, 1.0, -0.1, X_test)
    with pytest.raises(ValueError, match="X must be 2-D"):
        ridge_bias_variance(X[0], w_star, 1.0, 0.1, X_test)
    with pytest.raises(ValueError, match="singular"):
        ridge_bias_variance(np.hstack([X, X[:, :1]]), np.append(w_star, 1.0), 1.0, 0.0,
                            np.hstack([X_test, X_test[:, :1]]))
