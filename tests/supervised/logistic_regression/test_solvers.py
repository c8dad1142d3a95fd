"""Tests of mlmath.supervised.logistic_regression.solvers on problems with a known minimiser.

A strictly convex quadratic (minimiser by a linear solve), a smooth non-quadratic function, a
lasso with an orthonormal design (minimiser by soft thresholding, {eq}`eq-linreg-soft-threshold`)
and a quadratic with a flat direction for Newton's ``null_basis``.
"""

import numpy as np
import pytest

from mlmath.supervised.linear_regression.coordinate_descent import soft_threshold
from mlmath.supervised.logistic_regression.solvers import fista, lbfgs, newton


def _quadratic(seed, d=6):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(d, d))
    H = A @ A.T + 0.5 * np.eye(d)
    c = rng.normal(size=d)
    return (lambda th: (0.5 * th @ H @ th - c @ th, H @ th - c)), (lambda th: H), H, c


@pytest.mark.parametrize("seed", [0, 1])
def test_every_solver_finds_the_minimiser_of_a_quadratic(seed):
    fun, hess, H, c = _quadratic(seed)
    target = np.linalg.solve(H, c)
    x0 = np.zeros(len(c))
    res = newton(fun, hess, x0, tol=1e-12)
    np.testing.assert_allclose(res.theta, target, rtol=1e-9, atol=1e-10)
    assert res.converged and res.n_iter == 1          # one full Newton step is exact
    res = lbfgs(fun, x0, tol=1e-10, max_iter=500)
    np.testing.assert_allclose(res.theta, target, rtol=1e-6, atol=1e-7)
    L = np.linalg.eigvalsh(H).max()
    for acc in (True, False):
        res = fista(fun, x0, lipschitz=L, tol=1e-10, max_iter=100_000, accelerated=acc)
        assert res.converged
        np.testing.assert_allclose(res.theta, target, rtol=1e-7, atol=1e-8)


def test_newton_converges_quadratically_on_a_smooth_function():
    # f(x) = sum log cosh(x_i - a_i) + 0.5 |x|^2 / 10: strictly convex, not quadratic
    a = np.array([3.0, -2.0, 0.5])

    def fun(x):
        return np.sum(np.log(np.cosh(x - a))) + 0.05 * x @ x, np.tanh(x - a) + 0.1 * x

    def hess(x):
        return np.diag(1 - np.tanh(x - a) ** 2 + 0.1)

    res = newton(fun, hess, np.zeros(3), tol=1e-14, history=True)
    assert res.converged and res.n_iter <= 12
    gaps = np.array(res.history) - res.history[-1]
    # quadratic convergence: once small, the gap at least squares from one step to the next
    small = np.nonzero((gaps > 1e-13) & (gaps < 1e-2))[0]
    assert all(gaps[k + 1] <= 10 * gaps[k] ** 2 + 1e-15 for k in small[:-1])
    assert np.all(np.diff(res.history) <= 1e-15)        # the line search only descends


def test_fista_solves_an_orthonormal_lasso_by_soft_thresholding():
    rng = np.random.default_rng(3)
    Q, _ = np.linalg.qr(rng.normal(size=(20, 5)))
    y = rng.normal(size=20) * 3
    lam = 0.7

    def fun(w):
        r = Q @ w - y
        return 0.5 * r @ r, Q.T @ r

    res = fista(fun, np.zeros(5), lipschitz=1.0, l1=lam, tol=1e-12, max_iter=1000)
    np.testing.assert_allclose(res.theta, soft_threshold(Q.T @ y, lam), atol=1e-10)
    # an unmasked entry is not thresholded: with mask 0 it is the least-squares value
    mask = np.array([0.0, 1, 1, 1, 1])
    res = fista(fun, np.zeros(5), lipschitz=1.0, l1=lam, l1_mask=mask, tol=1e-12,
                max_iter=1000)
    np.testing.assert_allclose(res.theta[0], Q[:, 0] @ y, atol=1e-10)


def test_history_decreases_for_ista_and_records_every_iteration():
    fun, hess, H, c = _quadratic(4)
    L = np.linalg.eigvalsh(H).max()
    res = fista(fun, np.zeros(len(c)), lipschitz=L, tol=0.0, max_iter=50, accelerated=False,
                history=True)
    assert len(res.history) == 51 and not res.converged and res.n_iter == 50
    assert np.all(np.diff(res.history) <= 1e-12)        # ISTA is a descent method
    res = lbfgs(fun, np.zeros(len(c)), tol=1e-10, max_iter=200, history=True)
    assert len(res.history) == res.n_iter + 1


def test_newton_with_a_flat_direction_uses_the_null_basis():
    # f(x) = 0.5 (x0 - x1 - 1)^2 + 0.5 x2^2: constant along (1, 1, 0)
    def fun(x):
        r = x[0] - x[1] - 1
        return 0.5 * r * r + 0.5 * x[2] ** 2, np.array([r, -r, x[2]])

    def hess(x):
        return np.array([[1.0, -1, 0], [-1, 1, 0], [0, 0, 1]])

    U = np.array([[1.0], [1.0], [0.0]]) / np.sqrt(2)
    res = newton(fun, hess, np.array([0.0, 0.0, 2.0]), tol=1e-12, null_basis=U)
    assert res.converged
    np.testing.assert_allclose(res.theta, [0.5, -0.5, 0.0], atol=1e-12)  # step orthogonal to U


def test_solvers_report_non_convergence():
    fun, hess, H, c = _quadratic(5)
    assert not lbfgs(fun, np.zeros(len(c)), tol=1e-14, max_iter=1).converged
    assert not newton(fun, hess, np.zeros(len(c)), tol=1e-14, max_iter=0).converged


def test_newton_stops_when_the_predicted_decrease_is_at_rounding_level():
    # tol = 0 can never be met by the gradient test in floating point; the second test of
    # alg-logreg-newton (-g^T delta <= 4 eps max(|J|, 1)) stops it, reported as converged.
    fun, hess, H, c = _quadratic(6)
    res = newton(fun, hess, np.zeros(len(c)), tol=0.0, max_iter=50)
    g = fun(res.theta)[1]
    assert res.converged and res.n_iter <= 3
    assert np.max(np.abs(g)) > 0.0                      # the gradient test did not fire
    delta = -np.linalg.solve(H, g)
    assert -(g @ delta) <= 4 * np.finfo(float).eps * max(abs(fun(res.theta)[0]), 1.0)


def test_newton_stops_unconverged_when_no_step_passes_the_armijo_test():
    # a value that never decreases: the line search of the optimisation chapter tries
    # eta = 1, 1/2, ..., 2**-40, none passes, and Newton stops where it is, not converged
    # (the old inlined search took the step 2**-40 regardless)
    def fun(x):
        return 1.0, x - 1.0

    res = newton(fun, lambda x: np.eye(2), np.zeros(2), tol=1e-8, max_iter=5)
    np.testing.assert_array_equal(res.theta, np.zeros(2))
    assert res.n_iter == 0 and not res.converged


def test_newton_is_the_optimisation_chapters(monkeypatch):
    # one copy of Newton's method and of the Armijo search: the solver runs
    # mlmath.prerequisites.optimization.newton_method, whose line search is the chapter's
    import mlmath.prerequisites.optimization.newton as chapter
    import mlmath.supervised.logistic_regression.solvers as solvers

    calls = []
    real = chapter.backtracking_line_search

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(chapter, "backtracking_line_search", spy)
    assert solvers.newton_method is chapter.newton_method
    fun, hess, H, c = _quadratic(3)
    res = newton(fun, hess, np.zeros(len(c)), tol=1e-10)
    assert res.converged and len(calls) == res.n_iter >= 1
    assert calls[0]["c"] == 1e-4 and calls[0]["shrink"] == 0.5
