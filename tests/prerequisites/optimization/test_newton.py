"""Tests of mlmath.prerequisites.optimization.newton: Newton's method, pure and damped.

Quadratic convergence with the constant the chapter proves, the bounded error ratio from a far
start, affine invariance, one-step convergence on a quadratic, and the refusal of an indefinite
Hessian.
"""

import numpy as np
import pytest

from mlmath.prerequisites import optimization as opt
from mlmath.validation import InvalidParameterError
from prerequisites.optimization.problems import SIGMOID2_MAX, logistic_problem, random_psd


@pytest.mark.parametrize("seed", range(4))
def test_newton_quadratic_convergence_with_the_proved_constant(seed):
    """||w_{t+1} - w*|| <= M/(2 mu) ||w_t - w*||^2 with M the Hessian's Lipschitz constant."""
    alpha = 0.1
    X, y, f, grad, hess, L, _ = logistic_problem(seed, n=80, d=3, alpha=alpha, separation=2.0)
    n = X.shape[0]
    M = SIGMOID2_MAX * np.sum(np.linalg.norm(X, axis=1) ** 3) / n
    mu = alpha
    w_star = opt.newton_method(f, grad, hess, np.zeros(3), tol=1e-14, max_iter=100)[-1]
    # start inside the proved region of quadratic convergence, ||w0 - w*|| < 2 mu / M
    rng = np.random.default_rng(seed)
    u = rng.standard_normal(3)
    w0 = w_star + 0.9 * (2 * mu / M) * u / np.linalg.norm(u)
    path = opt.newton_method(f, grad, hess, w0, damped=False, tol=1e-13, max_iter=20)
    e = np.linalg.norm(path - w_star, axis=1)
    keep = e[:-1] > 1e-7  # below this, rounding dominates the ratio
    assert keep.sum() >= 1
    ratios = e[1:][keep] / e[:-1][keep] ** 2
    assert np.all(ratios <= M / (2 * mu) * (1 + 1e-6))
    assert len(path) <= 10  # quadratic: a handful of iterations to 1e-13


def test_newton_error_ratio_bounded_on_a_far_start_and_full_steps_eventually():
    """Damped Newton from far away: the line search shrinks steps at first, then takes
    full steps, and e_{t+1} / e_t^2 stays bounded once the full steps begin."""
    X, y, f, grad, hess, L, w_hat = logistic_problem(5, n=200, d=4, alpha=0.01, separation=3.0)
    w0 = np.full(4, 8.0)
    path, steps = opt.newton_method(f, grad, hess, w0, return_steps=True, tol=1e-13)
    assert steps[0] < 1.0 or len(steps) > 3
    first_full = np.argmax(steps == 1.0)
    assert np.all(steps[first_full:] == 1.0)
    e = np.linalg.norm(path - w_hat, axis=1)
    tail = slice(first_full + 1, None)
    ok = e[tail][:-1] > 1e-7
    ratios = e[tail][1:][ok] / e[tail][:-1][ok] ** 2
    assert np.all(ratios < 50.0)
    assert np.linalg.norm(grad(path[-1])) <= 1e-13


@pytest.mark.parametrize("damped", [False, True])
def test_newton_is_affine_invariant(damped):
    """Newton's iterates for g(z) = f(Az + b) are z_t = A^{-1}(w_t - b); GD's are not."""
    X, y, f, grad, hess, _, _ = logistic_problem(2, n=60, d=3, alpha=0.05)
    rng = np.random.default_rng(0)
    A = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    b = rng.standard_normal(3)
    g = lambda z: f(A @ z + b)
    g_grad = lambda z: A.T @ grad(A @ z + b)
    g_hess = lambda z: A.T @ hess(A @ z + b) @ A
    z0 = rng.standard_normal(3)
    path_z = opt.newton_method(g, g_grad, g_hess, z0, damped=damped, tol=0.0, max_iter=6)
    path_w = opt.newton_method(f, grad, hess, A @ z0 + b, damped=damped, tol=0.0, max_iter=6)
    n = min(len(path_z), len(path_w))
    np.testing.assert_allclose(path_z[:n] @ A.T + b, path_w[:n], atol=1e-9)
    gd_z = opt.gradient_descent(g_grad, z0, 0.01, max_iter=5, tol=0.0)
    gd_w = opt.gradient_descent(grad, A @ z0 + b, 0.01, max_iter=5, tol=0.0)
    assert not np.allclose(gd_z @ A.T + b, gd_w, atol=1e-6)


def test_newton_solves_a_quadratic_in_one_step():
    rng = np.random.default_rng(4)
    Q, _ = random_psd(rng, 5, cond=1e6)
    c = rng.standard_normal(5)
    path = opt.newton_method(lambda w: 0.5 * w @ Q @ w + c @ w, lambda w: Q @ w + c,
                             lambda w: Q, rng.standard_normal(5), tol=1e-9)
    assert len(path) == 2
    np.testing.assert_allclose(path[1], np.linalg.solve(Q, -c), rtol=1e-6)


def test_newton_refuses_an_indefinite_hessian():
    with pytest.raises(np.linalg.LinAlgError, match="not positive definite"):
        opt.newton_method(lambda w: w[0] ** 2 - w[1] ** 2, lambda w: np.array([2 * w[0],
                          -2 * w[1]]), lambda w: np.diag([2.0, -2.0]), [1.0, 1.0])


def test_newton_bad_arguments_are_refused():
    grad = lambda w: w
    with pytest.raises(InvalidParameterError,
                       match="The 'damped' parameter of newton_method must be a bool"):
        opt.newton_method(grad, grad, lambda w: np.eye(1), [1.0], damped="yes")
    with pytest.raises(ValueError, match="shape"):
        opt.newton_method(grad, grad, lambda w: np.eye(2), [1.0])
    with pytest.raises(InvalidParameterError,
                       match="The 'hess' parameter of newton_method must be a callable"):
        opt.newton_method(grad, grad, np.eye(1), [1.0])
    with pytest.raises(InvalidParameterError, match="The 'max_iter' parameter of newton_method"):
        opt.newton_method(grad, grad, lambda w: np.eye(1), [1.0], max_iter=-1)


def test_newton_solver_mode_reports_instead_of_raising():
    # full_output: the solvers' mode (logistic regression, the squared-hinge SVM)
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    b = np.array([1.0, -1.0])
    f = lambda w: 0.5 * w @ A @ w - b @ w
    grad = lambda w: A @ w - b
    res = opt.newton_method(f, grad, lambda w: A, np.zeros(2), tol=0.0, norm=np.inf,
                            full_output=True)
    # tol = 0 is never met: the rounding-level stop ends it, converged, at the minimiser
    assert res.converged and len(res.steps) <= 3
    np.testing.assert_allclose(res.path[-1], np.linalg.solve(A, b), rtol=1e-14)
    np.testing.assert_allclose(res.values, [f(w) for w in res.path])
    # a wrong gradient: no step passes the line search; reported, not raised
    bad = opt.newton_method(f, lambda w: -grad(w), lambda w: A, np.zeros(2), max_halvings=5,
                            full_output=True)
    assert not bad.converged and len(bad.steps) == 0
    with pytest.raises(RuntimeError, match="Armijo"):
        opt.newton_method(f, lambda w: -grad(w), lambda w: A, np.zeros(2), max_halvings=5)
    # the stopping norm: one entry above tol keeps it going under inf as under 2
    stop = opt.newton_method(f, grad, lambda w: A, np.zeros(2), max_iter=0, tol=1.0,
                             norm=np.inf, full_output=True)
    assert stop.converged == (np.max(np.abs(grad(np.zeros(2)))) <= 1.0)
