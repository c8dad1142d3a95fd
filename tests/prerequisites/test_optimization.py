"""Tests of mlmath.prerequisites.optimization: the proved statements, checked numerically.

Every theorem of the optimisation chapter that the code relies on is checked here on random
problems: the O(1/t) and linear rates of gradient descent at every iteration, the termination
bound of the backtracking line search, the quadratic convergence and the affine invariance of
Newton's method, the KKT solution of equality-constrained QPs against scipy.optimize, weak and
strong duality of inequality-constrained QPs. The logistic test function is checked against
finite differences and torch.autograd.
"""

import numpy as np
import pytest
import scipy.optimize
import torch
from sklearn.exceptions import ConvergenceWarning

from mlmath.prerequisites import optimization as opt
from mlmath.supervised.linear_regression import least_squares as ls

SIGMOID2_MAX = 1.0 / (6.0 * np.sqrt(3.0))  # max |sigmoid''|, derived in the chapter


def random_psd(rng, d, rank=None, cond=50.0):
    """A random symmetric PSD matrix with eigenvalues in [1/cond, 1] (some zero if rank < d)."""
    Qo, _ = np.linalg.qr(rng.standard_normal((d, d)))
    eig = np.geomspace(1.0 / cond, 1.0, d)
    if rank is not None:
        eig[: d - rank] = 0.0
    return (Qo * eig) @ Qo.T, eig


def logistic_problem(seed, n=120, d=4, alpha=0.0, separation=1.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    w_true = rng.standard_normal(d) * separation
    y = np.where(rng.random(n) < 1 / (1 + np.exp(-X @ w_true)), 1.0, -1.0)
    f, grad, hess = opt.logistic_objective(X, y, alpha)
    L = np.linalg.eigvalsh(X.T @ X)[-1] / (4 * n) + alpha
    w_hat = opt.newton_method(f, grad, hess, np.zeros(d), tol=1e-13, max_iter=100)[-1]
    return X, y, f, grad, hess, L, w_hat


# ---------------------------------------------------------------------------------------------
# the logistic test function: value, gradient and Hessian against independent computations
# ---------------------------------------------------------------------------------------------

def test_logistic_objective_matches_autograd():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((30, 3)), np.where(rng.random(30) < 0.5, -1.0, 1.0)
    f, grad, hess = opt.logistic_objective(X, y, alpha=0.3)
    w = rng.standard_normal(3)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

    def J(wt):
        return torch.mean(torch.log1p(torch.exp(-yt * (Xt @ wt)))) + 0.15 * wt @ wt

    wt = torch.tensor(w, requires_grad=True)
    value = J(wt)
    value.backward()
    np.testing.assert_allclose(f(w), value.item(), rtol=1e-12)
    np.testing.assert_allclose(grad(w), wt.grad.numpy(), rtol=1e-10)
    H_torch = torch.autograd.functional.hessian(J, torch.from_numpy(w)).numpy()
    np.testing.assert_allclose(hess(w), H_torch, rtol=1e-10, atol=1e-14)


def test_logistic_gradient_and_hessian_match_finite_differences():
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((50, 4)), np.where(rng.random(50) < 0.5, -1.0, 1.0)
    f, grad, hess = opt.logistic_objective(X, y, alpha=0.1)
    w, h = rng.standard_normal(4), 1e-6
    E = np.eye(4)
    fd_grad = np.array([(f(w + h * e) - f(w - h * e)) / (2 * h) for e in E])
    fd_hess = np.array([(grad(w + h * e) - grad(w - h * e)) / (2 * h) for e in E])
    np.testing.assert_allclose(grad(w), fd_grad, atol=1e-8)
    np.testing.assert_allclose(hess(w), fd_hess, atol=1e-8)


def test_sigmoid_second_derivative_bound_is_the_maximum():
    z = np.linspace(-10, 10, 200_001)
    s = 1 / (1 + np.exp(-z))
    second = s * (1 - s) * (1 - 2 * s)
    assert np.abs(second).max() <= SIGMOID2_MAX
    assert np.abs(second).max() > SIGMOID2_MAX * (1 - 1e-8)


# ---------------------------------------------------------------------------------------------
# gradient descent: the two proved rates, at every iteration
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(5))
def test_sublinear_rate_on_convex_quadratics_at_every_iteration(seed):
    """f(w_t) - f* <= L ||w_0 - w*||^2 / (2t) for a singular (not strongly convex) quadratic."""
    rng = np.random.default_rng(seed)
    d = 8
    Q, eig = random_psd(rng, d, rank=5, cond=1e4)
    c = Q @ rng.standard_normal(d)  # c in the range of Q: a minimiser exists
    f = lambda w: 0.5 * w @ Q @ w + c @ w
    grad = lambda w: Q @ w + c
    L = eig.max()
    w0 = 3 * rng.standard_normal(d)
    path = opt.gradient_descent(grad, w0, 1.0 / L, max_iter=400, tol=0.0)
    w_star = -np.linalg.pinv(Q) @ c
    # the minimiser closest to w0 (the bound holds for every minimiser; this one is the best)
    P_null = np.eye(d) - np.linalg.pinv(Q) @ Q
    w_star = w_star + P_null @ (w0 - w_star)
    f_star = f(w_star)
    gaps = np.array([f(w) for w in path]) - f_star
    t = np.arange(1, len(path))
    bound = L * np.sum((w0 - w_star) ** 2) / (2 * t)
    assert np.all(gaps[1:] <= bound + 1e-12)
    # the bound is not vacuous: at t = 1 it is within a factor 10 of the truth
    assert gaps[1] > bound[0] / 100
    # monotone decrease (sufficient-decrease lemma)
    assert np.all(np.diff(gaps) <= 1e-14)


@pytest.mark.parametrize("seed", range(4))
def test_sublinear_rate_on_logistic_loss_at_every_iteration(seed):
    X, y, f, grad, hess, L, w_hat = logistic_problem(seed, alpha=0.0)
    w0 = np.random.default_rng(seed + 10).standard_normal(X.shape[1]) * 2
    path = opt.gradient_descent(grad, w0, 1.0 / L, max_iter=300, tol=0.0)
    gaps = np.array([f(w) for w in path]) - f(w_hat)
    t = np.arange(1, len(path))
    bound = L * np.sum((w0 - w_hat) ** 2) / (2 * t)
    assert np.all(gaps[1:] <= bound + 1e-12)
    dist = np.linalg.norm(path - w_hat, axis=1)
    assert np.all(np.diff(dist) <= 1e-12)  # the distance to the minimiser never grows


@pytest.mark.parametrize("seed", range(4))
def test_linear_rate_under_strong_convexity(seed):
    rng = np.random.default_rng(seed)
    d = 6
    Q, eig = random_psd(rng, d, cond=30.0)
    c = rng.standard_normal(d)
    f = lambda w: 0.5 * w @ Q @ w + c @ w
    grad = lambda w: Q @ w + c
    mu, L = eig.min(), eig.max()
    w_star = np.linalg.solve(Q, -c)
    w0 = rng.standard_normal(d) * 5
    path = opt.gradient_descent(grad, w0, 1.0 / L, max_iter=200, tol=0.0)
    t = np.arange(len(path))
    gaps = np.array([f(w) for w in path]) - f(w_star)
    assert np.all(gaps <= (1 - mu / L) ** t * gaps[0] + 1e-13)
    dist2 = np.sum((path - w_star) ** 2, axis=1)
    assert np.all(dist2 <= (1 - mu / L) ** t * dist2[0] + 1e-13)


@pytest.mark.parametrize("seed", range(3))
def test_linear_rate_on_regularised_logistic_loss(seed):
    alpha = 0.05
    X, y, f, grad, hess, L, w_hat = logistic_problem(seed, alpha=alpha)
    mu = alpha  # the ridge term alone gives mu; the data term adds a PSD Hessian
    w0 = np.random.default_rng(seed).standard_normal(X.shape[1]) * 3
    path = opt.gradient_descent(grad, w0, 1.0 / L, max_iter=150, tol=0.0)
    t = np.arange(len(path))
    gaps = np.array([f(w) for w in path]) - f(w_hat)
    assert np.all(gaps <= (1 - mu / L) ** t * gaps[0] + 1e-12)
    # the PL inequality f - f* <= ||grad||^2 / (2 mu) at every iterate
    grads = np.array([grad(w) for w in path])
    assert np.all(gaps <= np.sum(grads**2, axis=1) / (2 * mu) + 1e-12)


def test_divergence_above_two_over_L_is_reported():
    Q = np.diag([1.0, 10.0])
    with pytest.raises(FloatingPointError, match="diverged"), np.errstate(over="ignore"):
        opt.gradient_descent(lambda w: Q @ w, [1.0, 1.0], 2.5 / 10.0, max_iter=5000, tol=0.0)


def test_generic_gradient_descent_equals_least_squares_gradient_descent():
    """The generic routine with the least-squares gradient takes the exemplar's steps."""
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((60, 4)), rng.standard_normal(60)
    L = ls.lipschitz_constant(X)
    with pytest.warns(ConvergenceWarning):  # tol=0: it runs all max_iter iterations
        _, n_iter, path_ls = ls.gradient_descent(X, y, step_size=1 / L, max_iter=50, tol=0.0,
                                                 return_path=True)
    path = opt.gradient_descent(lambda w: ls.squared_loss_gradient(X, y, w), np.zeros(4),
                                1 / L, max_iter=50, tol=0.0)
    np.testing.assert_allclose(path, path_ls, rtol=1e-12, atol=1e-14)


def test_gradient_descent_stops_on_tolerance_and_with_backtracking():
    _, _, f, grad, _, _, w_hat = logistic_problem(7, alpha=0.1)
    path = opt.gradient_descent(grad, np.zeros(4), "backtracking", f=f, max_iter=1000, tol=1e-9)
    assert np.linalg.norm(grad(path[-1])) <= 1e-9
    assert len(path) < 1001
    np.testing.assert_allclose(path[-1], w_hat, atol=1e-7)
    values = np.array([f(w) for w in path])
    assert np.all(np.diff(values) <= 0)  # Armijo: no step increases f


# ---------------------------------------------------------------------------------------------
# backtracking line search
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(5))
def test_backtracking_satisfies_armijo_and_the_termination_bound(seed):
    """The accepted step satisfies Armijo and is >= min(step0, beta * 2(1-c)(-g.v)/(L||v||^2))."""
    rng = np.random.default_rng(seed)
    Q, eig = random_psd(rng, 5, cond=100.0)
    f = lambda w: 0.5 * w @ Q @ w
    L = eig.max()
    w = rng.standard_normal(5)
    g = Q @ w
    v = -g + 0.5 * np.linalg.norm(g) * rng.standard_normal(5) / np.sqrt(5)
    if g @ v >= 0:
        v = -g
    for c, beta in [(1e-4, 0.5), (0.3, 0.8), (0.9, 0.1)]:
        eta = opt.backtracking_line_search(f, g, w, v, c=c, shrink=beta, step0=10.0)
        assert f(w + eta * v) <= f(w) + c * eta * (g @ v) + 1e-15
        eta_bar = 2 * (1 - c) * (-(g @ v)) / (L * (v @ v))
        assert eta >= min(10.0, beta * eta_bar) * (1 - 1e-12)
        # and it is the first of the sequence 10 * beta^k that is accepted
        if eta < 10.0:
            assert f(w + eta / beta * v) > f(w) + c * eta / beta * (g @ v)


# ---------------------------------------------------------------------------------------------
# Newton's method
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# equality-constrained QPs: the KKT system against scipy.optimize
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(6))
def test_equality_qp_matches_scipy(seed):
    rng = np.random.default_rng(seed)
    d, p = 6, rng.integers(1, 4)
    rank = None if seed % 2 == 0 else d - 2  # Q singular but PD on the null space of A (a.s.)
    Q, _ = random_psd(rng, d, rank=rank, cond=20.0)
    if rank is not None:
        p = 3  # enough constraints to remove the flat directions
    c, A, b = rng.standard_normal(d), rng.standard_normal((p, d)), rng.standard_normal(p)
    w, nu = opt.solve_equality_qp(Q, c, A, b)
    np.testing.assert_allclose(A @ w, b, atol=1e-10)
    np.testing.assert_allclose(Q @ w + c + A.T @ nu, 0.0, atol=1e-10)  # stationarity
    fun = lambda v: 0.5 * v @ Q @ v + c @ v
    jac = lambda v: Q @ v + c
    cons = {"type": "eq", "fun": lambda v: A @ v - b, "jac": lambda v: A}
    ref = scipy.optimize.minimize(fun, np.zeros(d), jac=jac, constraints=[cons],
                                  method="SLSQP", options={"ftol": 1e-14, "maxiter": 500})
    assert ref.success
    np.testing.assert_allclose(w, ref.x, atol=1e-6)
    ref2 = scipy.optimize.minimize(
        fun, np.zeros(d), jac=jac, hess=lambda v: Q, method="trust-constr",
        constraints=[scipy.optimize.LinearConstraint(A, b, b)],
        options={"gtol": 1e-12, "xtol": 1e-14, "maxiter": 2000})
    np.testing.assert_allclose(w, ref2.x, atol=1e-5)
    assert fun(w) <= fun(ref.x) + 1e-10


def test_equality_qp_without_constraints_is_the_unconstrained_minimiser():
    rng = np.random.default_rng(0)
    Q, _ = random_psd(rng, 4)
    c = rng.standard_normal(4)
    w, nu = opt.solve_equality_qp(Q, c, np.zeros((0, 4)), np.zeros(0))
    np.testing.assert_allclose(w, np.linalg.solve(Q, -c))
    assert nu.shape == (0,)


def test_minimum_norm_solution_is_the_pseudo_inverse():
    rng = np.random.default_rng(1)
    A, b = rng.standard_normal((3, 7)), rng.standard_normal(3)
    w, nu = opt.solve_equality_qp(np.eye(7), np.zeros(7), A, b)
    np.testing.assert_allclose(w, np.linalg.pinv(A) @ b, atol=1e-12)
    np.testing.assert_allclose(nu, -np.linalg.solve(A @ A.T, b), atol=1e-12)


def test_singular_kkt_systems_are_refused():
    Q = np.diag([1.0, 0.0])  # flat along e_2
    with pytest.raises(np.linalg.LinAlgError, match="singular"):
        opt.solve_equality_qp(Q, [0.0, 1.0], [[1.0, 0.0]], [1.0])  # e_2 is feasible: unbounded
    with pytest.raises(np.linalg.LinAlgError, match="singular"):  # dependent rows
        opt.solve_equality_qp(np.eye(2), [0.0, 0.0], [[1.0, 1.0], [2.0, 2.0]], [1.0, 2.0])
    w, _ = opt.solve_equality_qp(Q, [0.0, 1.0], [[0.0, 1.0]], [2.0])  # now fixed: fine
    np.testing.assert_allclose(w, [0.0, 2.0])


# ---------------------------------------------------------------------------------------------
# inequality-constrained QPs: duality and KKT
# ---------------------------------------------------------------------------------------------

def random_inequality_qp(seed, d=4, m=7):
    rng = np.random.default_rng(seed)
    Q, _ = random_psd(rng, d, cond=20.0)
    c = 2 * rng.standard_normal(d)
    G = rng.standard_normal((m, d))
    w_feas = rng.standard_normal(d)
    h = G @ w_feas + rng.random(m) + 0.1  # w_feas is strictly feasible: Slater holds
    return rng, Q, c, G, h, w_feas


@pytest.mark.parametrize("seed", range(5))
def test_weak_duality_on_random_feasible_points(seed):
    rng, Q, c, G, h, w_feas = random_inequality_qp(seed)
    f = lambda w: 0.5 * np.einsum("...i,ij,...j->...", w, Q, w) + w @ c
    # random feasible points: the strictly feasible point plus random moves that stay inside,
    # and the minimiser itself (where the bound is tightest)
    cands = w_feas + rng.standard_normal((4000, 4)) * rng.random((4000, 1))
    feasible = cands[np.all(cands @ G.T <= h, axis=1)]
    assert len(feasible) > 50
    feasible = np.vstack([feasible, opt.solve_qp_by_enumeration(Q, c, G, h)[0]])
    lams = rng.exponential(size=(500, 7)) * rng.random((500, 1)) * 3
    D = opt.qp_dual_function(Q, c, G, h, lams)
    assert D.max() <= f(feasible).min() + 1e-12
    # the dual function is concave: midpoint inequality on random pairs
    lam_a, lam_b = lams[:250], lams[250:]
    D_mid = opt.qp_dual_function(Q, c, G, h, (lam_a + lam_b) / 2)
    assert np.all(D_mid >= (D[:250] + D[250:]) / 2 - 1e-10)
    # and it is the minimum of the Lagrangian over w: no w gives a smaller Lagrangian
    lam = lams[0]
    w_min = np.linalg.solve(Q, -(c + G.T @ lam))
    lagr = lambda w: f(w) + (w @ G.T - h) @ lam
    assert np.isclose(lagr(w_min), D[0])
    assert lagr(w_min + rng.standard_normal((100, 4))).min() >= D[0]


@pytest.mark.parametrize("seed", range(6))
def test_kkt_enumeration_matches_scipy_and_closes_the_duality_gap(seed):
    rng, Q, c, G, h, w_feas = random_inequality_qp(seed, d=3, m=6)
    w, lam, active = opt.solve_qp_by_enumeration(Q, c, G, h)
    f = lambda v: 0.5 * v @ Q @ v + c @ v
    ref = scipy.optimize.minimize(
        f, w_feas, jac=lambda v: Q @ v + c, method="SLSQP",
        constraints=[{"type": "ineq", "fun": lambda v: h - G @ v, "jac": lambda v: -G}],
        options={"ftol": 1e-12, "maxiter": 500})
    assert ref.success
    np.testing.assert_allclose(w, ref.x, atol=1e-6)
    # KKT: feasibility, dual feasibility, complementary slackness, stationarity
    assert np.all(G @ w <= h + 1e-9)
    assert np.all(lam >= 0)
    np.testing.assert_allclose(lam * (G @ w - h), 0.0, atol=1e-9)
    np.testing.assert_allclose(Q @ w + c + G.T @ lam, 0.0, atol=1e-9)
    # strong duality (Slater holds): the dual value at lam equals the primal value
    np.testing.assert_allclose(opt.qp_dual_function(Q, c, G, h, lam), f(w), rtol=1e-9,
                               atol=1e-10)


def test_hard_margin_svm_by_kkt_enumeration():
    """The worked example of the chapter: a separable hard-margin SVM as a QP in (w, b)."""
    X = np.array([[1.0, 2.5], [2.0, 3.0], [2.5, 1.8], [0.0, 0.0], [1.0, -0.8], [-0.5, 1.0]])
    y = np.array([1, 1, 1, -1, -1, -1.0])
    Q = np.diag([1.0, 1.0, 0.0])
    G = -y[:, None] * np.c_[X, np.ones(6)]  # -y_i (x_i^T w + b) <= -1
    h = -np.ones(6)
    sol, lam, active = opt.solve_qp_by_enumeration(Q, np.zeros(3), G, h)
    from sklearn.svm import SVC

    svc = SVC(kernel="linear", C=1e10).fit(X, y)
    np.testing.assert_allclose(sol[:2], svc.coef_[0], atol=1e-5)
    np.testing.assert_allclose(sol[2], svc.intercept_[0], atol=1e-5)
    np.testing.assert_array_equal(np.flatnonzero(lam > 1e-9), np.sort(svc.support_))
    np.testing.assert_allclose(lam[svc.support_], np.abs(svc.dual_coef_[0]), atol=1e-5)


def test_enumeration_reports_infeasible_problems():
    with pytest.raises(ValueError, match="No active set"):
        opt.solve_qp_by_enumeration(np.eye(1), [0.0], [[1.0], [-1.0]], [-1.0, -1.0])


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("step", [0.0, -1.0, np.nan, np.inf])
def test_non_positive_or_non_finite_step_is_refused(step):
    with pytest.raises(ValueError, match="step"):
        opt.gradient_descent(lambda w: w, [1.0], step)


def test_bad_arguments_are_refused():
    grad = lambda w: w
    with pytest.raises(TypeError, match="step"):
        opt.gradient_descent(grad, [1.0], True)
    with pytest.raises(ValueError, match="backtracking"):
        opt.gradient_descent(grad, [1.0], "armijo")
    with pytest.raises(ValueError, match="f="):
        opt.gradient_descent(grad, [1.0], "backtracking")
    with pytest.raises(ValueError, match="NaN"):
        opt.gradient_descent(grad, [1.0, np.nan], 0.1)
    with pytest.raises(ValueError, match="1-D"):
        opt.gradient_descent(grad, [[1.0, 2.0]], 0.1)
    with pytest.raises(ValueError, match="1-D"):
        opt.gradient_descent(grad, [], 0.1)
    with pytest.raises(TypeError, match="numeric"):
        opt.gradient_descent(grad, ["a"], 0.1)
    with pytest.raises(ValueError, match="shape"):
        opt.gradient_descent(lambda w: np.zeros(3), [1.0, 2.0], 0.1)
    with pytest.raises(ValueError, match="max_iter"):
        opt.gradient_descent(grad, [1.0], 0.1, max_iter=-1)
    with pytest.raises(TypeError, match="max_iter"):
        opt.gradient_descent(grad, [1.0], 0.1, max_iter=2.5)
    with pytest.raises(ValueError, match="tol"):
        opt.gradient_descent(grad, [1.0], 0.1, tol=-1.0)
    with pytest.raises(TypeError, match="damped"):
        opt.newton_method(grad, grad, lambda w: np.eye(1), [1.0], damped="yes")
    with pytest.raises(ValueError, match="shape"):
        opt.newton_method(grad, grad, lambda w: np.eye(2), [1.0])


def test_line_search_refuses_ascent_directions_and_bad_constants():
    f = lambda w: w @ w
    w = np.array([1.0, 0.0])
    g = 2 * w
    with pytest.raises(ValueError, match="descent direction"):
        opt.backtracking_line_search(f, g, w, g)
    with pytest.raises(ValueError, match="descent direction"):
        opt.backtracking_line_search(f, np.zeros(2), w, -g)
    with pytest.raises(ValueError, match="c must be"):
        opt.backtracking_line_search(f, g, w, -g, c=1.0)
    with pytest.raises(ValueError, match="shrink"):
        opt.backtracking_line_search(f, g, w, -g, shrink=1.5)
    with pytest.raises(ValueError, match="same shape"):
        opt.backtracking_line_search(f, g, w, -g[:1])
    with pytest.raises(RuntimeError, match="Armijo"):  # a wrong gradient: no step is accepted
        opt.backtracking_line_search(lambda v: -v @ v + 10 * v[0] ** 4, -g, w, g,
                                     max_halvings=3, step0=1e-3)


def test_qp_input_checks():
    with pytest.raises(ValueError, match="symmetric"):
        opt.solve_equality_qp([[1.0, 2.0], [0.0, 1.0]], [0.0, 0.0], [[1.0, 1.0]], [1.0])
    with pytest.raises(ValueError, match="shape"):
        opt.solve_equality_qp(np.eye(3), [0.0, 0.0], [[1.0, 1.0]], [1.0])
    with pytest.raises(ValueError, match="shape"):
        opt.solve_equality_qp(np.eye(2), [0.0, 0.0], [[1.0, 1.0, 1.0]], [1.0])
    with pytest.raises(ValueError, match="NaN"):
        opt.solve_equality_qp(np.eye(2), [0.0, 0.0], [[1.0, np.inf]], [1.0])
    with pytest.raises(ValueError, match="NaN"):
        opt.solve_equality_qp(np.eye(2), [0.0, 0.0], [[1.0, 1.0]], [np.nan])
    with pytest.raises(np.linalg.LinAlgError, match="positive definite"):
        opt.qp_dual_function(np.diag([1.0, 0.0]), [0.0, 0.0], [[1.0, 0.0]], [1.0], [1.0])
    with pytest.raises(ValueError, match="lam"):
        opt.qp_dual_function(np.eye(2), [0.0, 0.0], [[1.0, 0.0]], [1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="m <= 20"):
        opt.solve_qp_by_enumeration(np.eye(1), [0.0], np.ones((21, 1)), np.ones(21))
    with pytest.raises(ValueError, match="-1 and \\+1"):
        opt.logistic_objective(np.ones((2, 1)), [0.0, 1.0])
    with pytest.raises(ValueError, match="alpha"):
        opt.logistic_objective(np.ones((2, 1)), [-1.0, 1.0], alpha=-1.0)
    with pytest.raises(ValueError, match="rows"):
        opt.logistic_objective(np.ones((3, 1)), [-1.0, 1.0])
