"""Derivation tests of mlmath.supervised.linear_regression.coordinate_descent: soft-thresholding is
the proximal
map, the coordinate update minimises the objective along its coordinate, the duality gap
bounds the suboptimality, alpha_max is where the solution leaves zero, the path matches
scikit-learn's."""

import warnings

import numpy as np
import pytest
from scipy.optimize import minimize_scalar
from sklearn import linear_model as sk
from sklearn.exceptions import ConvergenceWarning
from timelimit import time_limit

from mlmath.datasets import load_dataset, make_linear_regression
from mlmath.supervised.linear_regression.coordinate_descent import (
    alpha_max,
    cd_sweep,
    duality_gap,
    enet_coordinate_descent,
    enet_path,
    lasso_path,
    soft_threshold,
)


def objective(X, y, w, alpha, rho):
    """The elastic-net objective, written independently of the package."""
    n = X.shape[0]
    return (np.sum((y - X @ w) ** 2) / (2 * n) + alpha * rho * np.abs(w).sum()
            + alpha * (1 - rho) / 2 * w @ w)


@pytest.fixture
def problem():
    X, y, _ = make_linear_regression(60, 6, noise=0.5, correlation=0.3, random_state=0)
    return X - X.mean(0), y - y.mean()


@pytest.mark.parametrize("z", [-3.0, -0.4, 0.0, 0.2, 1.7])
@pytest.mark.parametrize("gamma", [0.0, 0.5, 2.0])
def test_soft_threshold_minimises_the_prox_objective(z, gamma):
    res = minimize_scalar(lambda w: 0.5 * (w - z) ** 2 + gamma * abs(w), bounds=(-5, 5),
                          method="bounded", options={"xatol": 1e-10})
    assert soft_threshold(z, gamma) == pytest.approx(res.x, abs=1e-7)


def test_soft_threshold_is_vectorised_and_refuses_negative_threshold():
    np.testing.assert_array_equal(soft_threshold(np.array([-2.0, 0.5, 3.0]), 1.0), [-1.0, 0.0, 2.0])
    with pytest.raises(ValueError, match="non-negative"):
        soft_threshold(1.0, -0.1)


@pytest.mark.parametrize("rho", [1.0, 0.5])
def test_one_coordinate_update_is_the_exact_coordinate_minimiser(problem, rho):
    X, y = problem
    alpha, j = 0.1, 2
    w0 = np.random.default_rng(1).standard_normal(X.shape[1])
    # One sweep updates coordinate 0, 1, then 2: replay 0 and 1 by one-dimensional minimisation.
    w = w0.copy()
    for k in range(j + 1):
        def along_k(t, k=k):
            return objective(X, y, np.r_[w[:k], t, w[k + 1:]], alpha, rho)

        res = minimize_scalar(along_k, bounds=(-10, 10), method="bounded",
                              options={"xatol": 1e-12})
        w[k] = res.x
    with pytest.warns(ConvergenceWarning):  # one sweep, on purpose
        swept, _, _ = enet_coordinate_descent(X, y, alpha, rho, max_iter=1, tol=0.0, w0=w0)
    np.testing.assert_allclose(swept[: j + 1], w[: j + 1], atol=1e-6)


@pytest.mark.parametrize("rho", [1.0, 0.6, 0.0])
def test_duality_gap_bounds_the_suboptimality(problem, rho):
    X, y = problem
    alpha = 0.05
    w_star, gap_star, _ = enet_coordinate_descent(X, y, alpha, rho, max_iter=10_000, tol=1e-14)
    assert gap_star <= 1e-12 * (y @ y)
    p_star = objective(X, y, w_star, alpha, rho)
    rng = np.random.default_rng(2)
    for _ in range(20):
        w = w_star + 0.3 * rng.standard_normal(X.shape[1])
        gap = duality_gap(X, y, w, alpha, rho)
        assert gap >= objective(X, y, w, alpha, rho) - p_star - 1e-12  # weak duality


def test_alpha_max_is_where_the_lasso_leaves_zero(problem):
    X, y = problem
    top = alpha_max(X, y)
    assert top == pytest.approx(np.abs(X.T @ y).max() / len(y))
    at, _, _ = enet_coordinate_descent(X, y, top, 1.0, tol=1e-12)
    below, _, _ = enet_coordinate_descent(X, y, 0.95 * top, 1.0, tol=1e-12)
    assert np.all(at == 0) and np.any(below != 0)
    with pytest.raises(ValueError, match="l1_ratio"):
        alpha_max(X, y, l1_ratio=0.0)


def test_lasso_path_matches_sklearn():
    X, y, _ = load_dataset("diabetes", standardize=True)
    y = y - y.mean()
    alphas, coefs = lasso_path(X, y, n_alphas=30, tol=1e-10, max_iter=10_000)
    sk_alphas, sk_coefs, _ = sk.lasso_path(X, y, alphas=30, tol=1e-10, max_iter=10_000)
    np.testing.assert_allclose(alphas, sk_alphas, rtol=1e-12)
    np.testing.assert_allclose(coefs, sk_coefs, rtol=1e-5, atol=1e-4)
    same_grid, _ = lasso_path(X, y, alphas=30, tol=1e-10, max_iter=10_000)
    np.testing.assert_allclose(same_grid, alphas)


def test_enet_path_matches_sklearn_on_a_given_grid(problem):
    X, y = problem
    grid = [0.5, 0.01, 0.1]  # unsorted on purpose: returned decreasing
    alphas, coefs = enet_path(X, y, l1_ratio=0.4, alphas=grid, tol=1e-12)
    sk_alphas, sk_coefs, _ = sk.enet_path(X, y, l1_ratio=0.4, alphas=sorted(grid)[::-1], tol=1e-12)
    np.testing.assert_allclose(alphas, [0.5, 0.1, 0.01])
    np.testing.assert_allclose(coefs, sk_coefs, rtol=1e-6, atol=1e-8)


def test_zero_column_is_left_at_zero(problem):
    X, y = problem
    X = np.hstack([X, np.zeros((X.shape[0], 1))])
    w, _, _ = enet_coordinate_descent(X, y, 0.01, 1.0, tol=1e-10)
    assert w[-1] == 0.0


@pytest.mark.parametrize("rho", [1.0, 0.5])
def test_warm_start_on_a_zero_column_is_reset_to_zero(rho):
    # A warm start with a non-zero weight on an all-zero column: that weight meets only the
    # penalty, whose minimiser is 0; left in place, the gap would never close.
    rng = np.random.default_rng(0)
    X = np.c_[rng.standard_normal((30, 2)), np.zeros(30)]
    y = X @ np.array([1.0, -2.0, 0.0]) + 0.1 * rng.standard_normal(30)
    X, y = X - X.mean(0), y - y.mean()
    w, gap, n_iter = enet_coordinate_descent(X, y, 0.1, rho, tol=1e-10, w0=[0.0, 0.0, 1.0])
    w_cold, _, _ = enet_coordinate_descent(X, y, 0.1, rho, tol=1e-10)
    assert w[2] == 0.0
    assert gap <= 1e-10 * (y @ y) / len(y)
    np.testing.assert_allclose(w, w_cold, atol=1e-8)


@pytest.mark.parametrize(("d", "alpha", "rho"), [(5, 0.5, 0.5), (8, 1.5, 0.3), (3, 0.9, 0.99)])
def test_elastic_net_selects_all_features_with_one_sample(d, alpha, rho):
    # Exercise ex-linreg-5: n = 1, X = (1, ..., 1), y = 1, alpha*rho < 1: every weight equals
    # (1 - alpha*rho) / (d + alpha*(1 - rho)) > 0, although n = 1 < d.
    X, y = np.ones((1, d)), np.ones(1)
    w, _, _ = enet_coordinate_descent(X, y, alpha, rho, tol=1e-15, max_iter=100_000)
    w_bar = (1 - alpha * rho) / (d + alpha * (1 - rho))
    np.testing.assert_allclose(w, w_bar, rtol=1e-6)
    assert objective(X, y, w, alpha, rho) <= objective(X, y, np.zeros(d), alpha, rho)


@pytest.mark.parametrize("seed", range(20))
def test_unique_lasso_solution_has_independent_active_columns(seed):
    # Exercise ex-linreg-5: a unique lasso solution (Gaussian X, n < d, so unique with
    # probability one) has linearly independent active columns, hence at most n of them.
    rng = np.random.default_rng(seed)
    n, d = rng.integers(2, 8), rng.integers(8, 15)
    X, y = rng.standard_normal((n, d)), rng.standard_normal(n)
    w, _, _ = enet_coordinate_descent(X, y, 0.05, 1.0, tol=1e-14, max_iter=200_000)
    active = np.abs(w) > 1e-8
    assert active.sum() <= n
    assert np.linalg.matrix_rank(X[:, active]) == active.sum()


@pytest.mark.parametrize("rho", [1.0, 0.5, 0.0])
def test_alpha_zero_stops_on_the_gradient_at_least_squares(rho):
    # alpha = 0: chi = 0, so the gap is P(w) itself and never closes unless the fit is exact;
    # coordinate descent once ran all max_iter sweeps and warned at the least-squares solution.
    rng = np.random.default_rng(1)
    X = rng.standard_normal((200, 5))
    y = X @ np.arange(1.0, 6.0) + rng.standard_normal(200)
    X, y = X - X.mean(0), y - y.mean()
    with time_limit(10), warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        w, gap, n_iter = enet_coordinate_descent(X, y, 0.0, rho, tol=1e-10)
    assert n_iter < 50
    # the stopping rule: every column nearly orthogonal to the residual
    r = y - X @ w
    assert np.all(np.abs(X.T @ r) <= 1e-10 * np.linalg.norm(X, axis=0) * np.linalg.norm(y))
    np.testing.assert_allclose(w, np.linalg.lstsq(X, y, rcond=None)[0], rtol=1e-8)
    assert gap == pytest.approx(duality_gap(X, y, w, 0.0, rho))  # reported: the (weak) gap


def test_alpha_zero_that_cannot_converge_warns_about_the_gradient():
    X, y, _ = make_linear_regression(60, 6, noise=0.5, correlation=0.99, random_state=0)
    X, y = X - X.mean(0), y - y.mean()
    with pytest.warns(ConvergenceWarning, match=r"alpha=0.*\|X_j\^T r\|"):
        enet_coordinate_descent(X, y, 0.0, max_iter=2, tol=1e-12)


def python_sweep(X, r, w, col_sq, a, c, coordinates):
    """One sweep of the coordinate update written as a plain NumPy loop (the former code)."""
    n = X.shape[0]
    for j in coordinates:
        if col_sq[j] == 0.0:
            continue
        w_old = w[j]
        z = X[:, j] @ r / n + col_sq[j] * w_old
        w[j] = soft_threshold(z, a) / (col_sq[j] + c)
        if w[j] != w_old:
            r -= X[:, j] * (w[j] - w_old)


@pytest.mark.parametrize("rho", [1.0, 0.5, 0.0])
def test_compiled_sweep_is_the_python_loop(rho):
    rng = np.random.default_rng(0)
    X = np.asfortranarray(rng.standard_normal((40, 12)))
    X[:, 3] = 0.0  # a zero column is skipped
    y = rng.standard_normal(40)
    col_sq = np.einsum("ij,ij->j", X, X) / 40
    w0 = rng.standard_normal(12) * (rng.random(12) < 0.5)
    w0[3] = 0.0
    coords = rng.permutation(12)
    w, r = w0.copy(), y - X @ w0
    cd_sweep(X, r, w, col_sq, 0.1 * rho, 0.1 * (1 - rho), coords)
    w_ref, r_ref = w0.copy(), y - X @ w0
    python_sweep(X, r_ref, w_ref, col_sq, 0.1 * rho, 0.1 * (1 - rho), coords)
    np.testing.assert_allclose(w, w_ref, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(r, r_ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(r, y - X @ w, atol=1e-12)  # the residual is kept up to date


@pytest.mark.parametrize("rho", [1.0, 0.7])
def test_active_set_solution_is_certified_when_p_exceeds_n(rho):
    # p >> n: most weights are zero, so the sweeps run mostly on the active set; the final
    # full sweep and duality gap certify every coordinate, so the result is the twin's to tol.
    rng = np.random.default_rng(1)
    X = rng.standard_normal((50, 400))
    y = X[:, :5] @ rng.standard_normal(5) + 0.3 * rng.standard_normal(50)
    X, y = X - X.mean(0), y - y.mean()
    alpha = 0.1 * alpha_max(X, y, rho)
    w, gap, n_iter = enet_coordinate_descent(X, y, alpha, rho, tol=1e-10, max_iter=10_000)
    assert gap <= 1e-10 * (y @ y) / 50 and gap == pytest.approx(duality_gap(X, y, w, alpha, rho))
    ref = sk.ElasticNet(alpha=alpha, l1_ratio=rho, fit_intercept=False, tol=1e-12,
                        max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(w, ref.coef_, atol=1e-6)
    assert 0 < np.count_nonzero(w) < 50
    # the same minimum as plain cyclic sweeps over every coordinate
    w_full, r = np.zeros(400), y.copy()
    col_sq = np.einsum("ij,ij->j", X, X) / 50
    for _ in range(3000):
        python_sweep(X, r, w_full, col_sq, alpha * rho, alpha * (1 - rho), range(400))
    assert objective(X, y, w, alpha, rho) <= objective(X, y, w_full, alpha, rho) + 1e-9


def test_path_with_active_sets_matches_sklearn_when_p_exceeds_n():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((30, 300))
    y = X[:, :4] @ np.array([2.0, -1.0, 1.5, 0.5]) + 0.1 * rng.standard_normal(30)
    X, y = X - X.mean(0), y - y.mean()
    alphas, coefs = lasso_path(X, y, alphas=20, eps=1e-2, tol=1e-10, max_iter=20_000)
    _, ref, _ = sk.lasso_path(X, y, alphas=alphas, tol=1e-12, max_iter=100_000)
    np.testing.assert_allclose(coefs, ref, atol=1e-5)


@pytest.mark.parametrize("seed", range(3))
def test_active_set_schedule_is_essentially_cyclic_with_window_2d(seed, monkeypatch):
    # The chapter's convergence argument: with at most floor(d/|A|) sweeps of the active set
    # between full sweeps, every coordinate is updated at least once in every 2d consecutive
    # single-coordinate updates (Tseng's essentially cyclic rule). Record the updates the solver
    # makes and check the largest gap between consecutive updates of each coordinate.
    from mlmath.supervised.linear_regression import coordinate_descent as cd

    updates = []

    def recording_sweep(X, r, w, col_sq, l1, l2, coordinates):
        updates.extend(int(j) for j in coordinates)
        return cd_sweep(X, r, w, col_sq, l1, l2, coordinates)

    monkeypatch.setattr(cd, "cd_sweep", recording_sweep)
    rng = np.random.default_rng(seed)
    n, d = 40, 60
    X = rng.standard_normal((n, d))
    y = X[:, :6] @ rng.standard_normal(6) + 0.5 * rng.standard_normal(n)
    X, y = X - X.mean(0), y - y.mean()
    alpha = 0.05 * alpha_max(X, y)
    w, _, n_iter = cd.enet_coordinate_descent(X, y, alpha, tol=1e-12, max_iter=5000)
    updates = np.array(updates)
    assert updates.size > 4 * d and updates.size < n_iter * d  # active sweeps did run
    gaps = []
    for j in range(d):
        positions = np.flatnonzero(updates == j)
        assert positions[0] < d
        gaps.append(np.diff(positions).max())
        assert gaps[-1] <= 2 * d
        assert updates.size - 1 - positions[-1] < 2 * d
    assert max(gaps) > d  # the active sweeps lengthen some gaps beyond one full sweep


@pytest.mark.parametrize("shape", [(1, 5), (30, 1), (2000, 3)])
def test_compiled_sweep_handles_single_row_or_column_and_long_columns(shape):
    # A (1, d) or (n, 1) array is C- and Fortran-contiguous at once, which numba types as C
    # order; the BLAS inner product must still see a contiguous column and give the loop's result.
    rng = np.random.default_rng(5)
    n, d = shape
    X = np.asfortranarray(rng.standard_normal(shape))
    y = rng.standard_normal(n)
    col_sq = np.einsum("ij,ij->j", X, X) / n
    w, r = np.zeros(d), y.copy()
    w_ref, r_ref = np.zeros(d), y.copy()
    for _ in range(3):
        cd_sweep(X, r, w, col_sq, 0.01, 0.02, np.arange(d))
        python_sweep(X, r_ref, w_ref, col_sq, 0.01, 0.02, range(d))
    np.testing.assert_allclose(w, w_ref, rtol=1e-11, atol=1e-14)
    np.testing.assert_allclose(r, r_ref, rtol=1e-11, atol=1e-11)


@pytest.mark.parametrize("rho", [1.0, 0.5])
def test_gap_is_evaluated_only_after_settled_sweeps_and_matches_sklearn(rho, monkeypatch):
    # scikit-learn's cheap pre-test: the gap (as costly as a sweep) is evaluated only after a
    # full sweep in which no weight moved by more than tol times the largest |w_j|. With every
    # weight active the sweeps are scikit-learn's, so the stopping sweep and the weights agree.
    from mlmath.supervised.linear_regression import coordinate_descent as cd

    evaluations = []

    def counting_gap(*args, **kwargs):
        evaluations.append(1)
        return duality_gap(*args, **kwargs)

    monkeypatch.setattr(cd, "duality_gap", counting_gap)
    X, y, _ = make_linear_regression(1000, 20, noise=1.0, correlation=0.3, random_state=0)
    X, y = X - X.mean(0), y - y.mean()
    w, gap, n_iter = cd.enet_coordinate_descent(X, y, 0.01, rho)
    ref = sk.ElasticNet(alpha=0.01, l1_ratio=rho, fit_intercept=False).fit(X, y)
    assert np.count_nonzero(w) == 20 and n_iter > 20
    assert len(evaluations) <= 3  # at the start and after the settled sweep(s), not 1 per sweep
    assert gap <= 1e-4 * (y @ y) / 1000  # still certified by the gap
    assert gap == pytest.approx(duality_gap(X, y, w, 0.01, rho), rel=1e-12)
    assert n_iter == ref.n_iter_
    np.testing.assert_allclose(w, ref.coef_, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("max_iter", range(1, 13))
def test_gap_is_evaluated_after_the_last_sweep_whatever_its_kind(max_iter):
    # When max_iter ends the loop, the last sweep may be a full sweep or one of the active set,
    # and the cheap test may have failed: the returned gap is still the gap at the returned w,
    # and the warning reports it.
    rng = np.random.default_rng(3)
    X = rng.standard_normal((40, 120))
    y = X[:, :5] @ rng.standard_normal(5) + 0.3 * rng.standard_normal(40)
    X, y = X - X.mean(0), y - y.mean()
    with pytest.warns(ConvergenceWarning, match="duality gap"):
        w, gap, n_iter = enet_coordinate_descent(X, y, 0.02 * alpha_max(X, y), max_iter=max_iter,
                                                 tol=1e-14)
    assert n_iter == max_iter
    assert gap == pytest.approx(duality_gap(X, y, w, 0.02 * alpha_max(X, y)), rel=1e-12)


def test_stopping_point_is_certified_on_many_problems():
    # The pre-test decides only when to look at the gap: every fit that does not warn returns
    # a gap below tol * ||y||^2 / n, and the same objective as scikit-learn to that accuracy.
    rng = np.random.default_rng(4)
    for _ in range(15):
        n, d = rng.integers(10, 80), rng.integers(2, 120)
        X = rng.standard_normal((n, d)) * rng.uniform(0.1, 10, d)
        y = X[:, : min(d, 4)] @ rng.standard_normal(min(d, 4)) + rng.standard_normal(n)
        X, y = X - X.mean(0), y - y.mean()
        rho, tol = rng.choice([1.0, 0.5, 0.1]), 10.0 ** rng.integers(-8, -3)
        alpha = rng.uniform(0.01, 0.5) * alpha_max(X, y, rho)
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            w, gap, _ = enet_coordinate_descent(X, y, alpha, rho, tol=tol, max_iter=100_000)
        assert gap <= tol * (y @ y) / n
        ref = sk.ElasticNet(alpha=alpha, l1_ratio=rho, fit_intercept=False, tol=1e-12,
                            max_iter=100_000).fit(X, y)
        p_ref = objective(X, y, ref.coef_, alpha, rho)
        assert objective(X, y, w, alpha, rho) - p_ref <= tol * (y @ y) / n + 1e-12 * abs(p_ref)
