"""Tests of mlmath.prerequisites.optimization.quadratic_programming: QPs by their KKT conditions.

The KKT solution of equality-constrained QPs against scipy.optimize, weak and strong duality of
inequality-constrained QPs, the KKT enumeration against scipy on random problems and on a hard
margin SVM, and the input checks.
"""

import numpy as np
import pytest
import scipy.optimize

from mlmath.prerequisites import optimization as opt
from prerequisites.optimization.problems import random_psd


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
