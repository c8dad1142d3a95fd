"""Tests of mlmath.supervised.svm.smo: the two-variable step against brute-force minimisation, the
monotone decrease of the dual, the KKT conditions and the duality gap at the solution, the dual
objective against scikit-learn's libsvm, and the kernel column cache."""

import numpy as np
import pytest
from scipy.optimize import minimize_scalar
from sklearn import svm as sk
from sklearn.datasets import load_breast_cancer, make_classification, make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from timelimit import time_limit

from mlmath.supervised.svm.kernels import kernel_matrix, resolve_gamma
from mlmath.supervised.svm.smo import (
    KernelColumns,
    dual_objective,
    kkt_violation,
    smo,
    two_variable_update,
)


def _problem(kernel="rbf", n=120, seed=0):
    X, y01 = make_moons(n, noise=0.25, random_state=seed)
    y = np.where(y01 == 1, 1.0, -1.0)
    gamma = resolve_gamma("scale", X)
    return X, y, gamma, KernelColumns(X, kernel, gamma=gamma, degree=3, coef0=1.0)


@pytest.mark.parametrize("seed", range(25))
def test_two_variable_update_is_the_exact_minimiser_on_the_feasible_segment(seed):
    rng = np.random.default_rng(seed)
    n, C = 6, 1.5
    A = rng.standard_normal((n, 3))
    K = A @ A.T + (0.0 if seed % 5 == 0 else 0.1) * np.eye(n)  # some singular pairs too
    y = rng.choice([-1.0, 1.0], n)
    alpha = rng.uniform(0, C, n)
    alpha[rng.random(n) < 0.3] = 0.0
    alpha[rng.random(n) < 0.2] = C
    i, j = rng.choice(n, 2, replace=False)
    m = -y * ((np.outer(y, y) * K) @ alpha - 1.0)
    t, a_i, a_j = two_variable_update(alpha[i], alpha[j], y[i], y[j], m[i], m[j],
                                      K[i, i], K[j, j], K[i, j], C, C)

    def f_along(s):
        a = alpha.copy()
        a[i] += y[i] * s
        a[j] -= y[j] * s
        return dual_objective(a, y, K)

    # the feasible segment of s from the box, computed independently by brute force on a grid
    grid = np.union1d(np.linspace(-2 * C, 2 * C, 40_001), [0.0])  # s = 0 is feasible
    ai, aj = alpha[i] + y[i] * grid, alpha[j] - y[j] * grid
    feasible = grid[(ai >= 0) & (ai <= C) & (aj >= 0) & (aj <= C)]
    lo, hi = feasible.min(), feasible.max()
    best = minimize_scalar(f_along, bounds=(lo, hi), method="bounded",
                           options=dict(xatol=1e-12))
    values = np.array([f_along(s) for s in feasible[::50]])
    assert f_along(t) <= min(best.fun, values.min()) + 1e-9
    assert lo - 1e-3 <= t <= hi + 1e-3          # inside the segment (grid resolution 1e-4)
    assert 0.0 <= a_i <= C and 0.0 <= a_j <= C
    np.testing.assert_allclose([a_i, a_j], [alpha[i] + y[i] * t, alpha[j] - y[j] * t],
                               atol=1e-12)
    # the pair's labelled sum is unchanged: y^T a stays 0 along the line
    np.testing.assert_allclose(y[i] * a_i + y[j] * a_j, y[i] * alpha[i] + y[j] * alpha[j],
                               atol=1e-12)


def test_the_step_lands_exactly_on_the_bound():
    # a large unconstrained step is clipped: the multiplier must equal C, not C - 1e-17
    t, a_i, a_j = two_variable_update(0.3, 0.1, 1.0, 1.0, 5.0, -5.0, 1.0, 1.0, 0.0, 0.7, 0.7)
    assert a_j == 0.0 and t == 0.1 and a_i == pytest.approx(0.4)
    t, a_i, a_j = two_variable_update(0.3, 0.1, 1.0, -1.0, 5.0, -5.0, 1.0, 1.0, 0.0, 0.7, 0.7)
    assert a_i == 0.7 and a_j == pytest.approx(0.5)


def _along(slope, quad, t):
    """W(a + t d) - W(a) for the pair, from its Taylor expansion (exact: W is quadratic)."""
    return -slope * t + 0.5 * quad * t * t


@pytest.mark.parametrize("seed", range(40))
def test_non_positive_curvature_gives_the_end_point_and_a_strict_decrease(seed):
    # the curvature beta_ij = K_ii + K_jj - 2 K_ij is zero for duplicated samples and can be
    # negative for an indefinite kernel: the step of eq-svm-smo-step is then an end point
    rng = np.random.default_rng(seed)
    C = 1.0
    a_i, a_j = rng.uniform(0, C, 2)
    y_i, y_j = rng.choice([-1.0, 1.0], 2)
    K_ii, K_jj = rng.uniform(0.5, 2.0, 2)
    quad = [0.0, -rng.uniform(0.01, 3.0), 1e-14][seed % 3]
    K_ij = 0.5 * (K_ii + K_jj - quad)
    m_i, m_j = rng.normal(size=2)
    t, new_i, new_j = two_variable_update(a_i, a_j, y_i, y_j, m_i, m_j, K_ii, K_jj, K_ij, C, C)
    hi_i, lo_i = (C - a_i, -a_i) if y_i > 0 else (a_i, a_i - C)
    hi_j, lo_j = (a_j, a_j - C) if y_j > 0 else (C - a_j, -a_j)
    upper, lower = min(hi_i, hi_j), max(lo_i, lo_j)
    slope = m_i - m_j
    if quad <= 0:
        assert t == (upper if slope > 0 else lower)
    grid = np.linspace(lower, upper, 20_001)
    values = _along(slope, quad, grid)
    change = _along(slope, quad, t)
    if quad >= 0:                                # exact minimiser on the segment
        assert change <= values.min() + 1e-12
    if (slope > 0 and upper > 0) or (slope < 0 and lower < 0):
        assert change < 0                        # strict decrease whatever the curvature
    assert 0.0 <= new_i <= C and 0.0 <= new_j <= C


def test_duplicated_samples_take_the_end_point():
    # two identical samples with opposite labels: beta_ij = 0 and m_i - m_j = y_i - y_j = 2
    X = np.array([[0.3, -1.2], [0.3, -1.2], [2.0, 0.5], [-1.0, 1.0]])
    y = np.array([1.0, -1.0, 1.0, -1.0])
    K = kernel_matrix(X, X, "rbf", gamma=0.7)
    alpha = np.array([0.2, 0.2, 0.4, 0.4])
    m = -y * ((np.outer(y, y) * K) @ alpha - 1.0)
    np.testing.assert_allclose(m[0] - m[1], 2.0, atol=1e-12)
    t, a0, a1 = two_variable_update(alpha[0], alpha[1], y[0], y[1], m[0], m[1],
                                    K[0, 0], K[1, 1], K[0, 1], 1.0, 1.0)
    assert t == pytest.approx(0.8) and a0 == 1.0 and a1 == 1.0   # both reach C


@pytest.mark.parametrize("kernel", ["rbf", "linear", "poly"])
def test_dual_objective_never_increases(kernel):
    X, y, gamma, cols = _problem(kernel)
    K = kernel_matrix(X, X, kernel, gamma=gamma, degree=3, coef0=1.0)
    alpha, b, n_iter, converged, history = smo(cols, y, 1.0, tol=1e-6, record=True)
    assert converged and len(history) == n_iter + 1
    assert np.all(np.diff(history) <= 1e-12)
    np.testing.assert_allclose(history[-1], dual_objective(alpha, y, K), rtol=1e-10)


@pytest.mark.parametrize("C", [0.1, 1.0, 100.0])
@pytest.mark.parametrize("kernel", ["rbf", "linear", "poly"])
def test_kkt_conditions_and_duality_gap_at_the_solution(kernel, C):
    X, y, gamma, cols = _problem(kernel)
    K = kernel_matrix(X, X, kernel, gamma=gamma, degree=3, coef0=1.0)
    tol = 1e-4
    alpha, b, _, converged, _ = smo(cols, y, C, tol=tol, max_iter=200_000)
    assert converged
    assert np.all((alpha >= 0) & (alpha <= C))
    np.testing.assert_allclose(alpha @ y, 0.0, atol=1e-10)
    grad = y * (K @ (alpha * y)) - 1.0
    assert kkt_violation(alpha, y, grad, C) <= tol
    margin = y * (K @ (alpha * y) + b)  # y_i f(x_i)
    # complementary slackness, up to tol: alpha = 0 -> margin >= 1, alpha = C -> margin <= 1,
    # free -> margin = 1
    assert np.all(margin[alpha == 0] >= 1 - tol)
    assert np.all(margin[alpha == C] <= 1 + tol)
    free = (alpha > 0) & (alpha < C)
    np.testing.assert_allclose(margin[free], 1.0, atol=tol)
    # duality gap: the primal at w = sum a_i y_i phi(x_i) and this b, against the dual
    v = alpha * y
    primal = 0.5 * v @ K @ v + C * np.maximum(0.0, 1.0 - margin).sum()
    dual = -dual_objective(alpha, y, K)
    assert primal >= dual - 1e-9                     # weak duality
    assert primal - dual <= tol * C * len(y)         # each slack is off by at most tol
    assert (primal - dual) / abs(primal) < 1e-3


@pytest.mark.parametrize("kernel", ["rbf", "linear", "poly"])
def test_dual_objective_and_coefficients_equal_libsvm(kernel):
    X, y01 = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)[::2]
    y = np.where(y01[::2] == 0, 1.0, -1.0)  # libsvm: +1 for the first class
    gamma = resolve_gamma("scale", X)
    ref = sk.SVC(kernel=kernel, C=1.0, gamma=gamma, coef0=1.0, tol=1e-8).fit(X, y01[::2])
    cols = KernelColumns(X, kernel, gamma=gamma, coef0=1.0)
    alpha, b, *_ = smo(cols, y, 1.0, tol=1e-8, max_iter=1_000_000)
    K = kernel_matrix(X, X, kernel, gamma=gamma, degree=3, coef0=1.0)
    alpha_ref = np.zeros(len(y))
    alpha_ref[ref.support_] = np.abs(ref.dual_coef_[0])
    np.testing.assert_allclose(dual_objective(alpha, y, K), dual_objective(alpha_ref, y, K),
                               rtol=1e-7)
    np.testing.assert_allclose(alpha, alpha_ref, atol=1e-5)
    np.testing.assert_allclose(b, -ref.intercept_[0], atol=1e-5)


def test_bias_is_the_mean_of_m_over_free_multipliers():
    X, y, gamma, cols = _problem("rbf")
    K = kernel_matrix(X, X, "rbf", gamma=gamma)
    alpha, b, *_ = smo(cols, y, 1.0, tol=1e-3)
    m = -y * (y * (K @ (alpha * y)) - 1.0)
    free = (alpha > 0) & (alpha < 1.0)
    assert free.any()
    np.testing.assert_allclose(b, m[free].mean(), atol=1e-10)


def test_bias_without_free_multipliers_is_the_midpoint():
    # C tiny: every multiplier is at a bound, and b is the midpoint of the KKT interval
    X, y, gamma, cols = _problem("rbf")
    alpha, b, *_ = smo(cols, y, 1e-4, tol=1e-6)
    assert not np.any((alpha > 0) & (alpha < 1e-4))
    K = kernel_matrix(X, X, "rbf", gamma=gamma)
    m = -y * (y * (K @ (alpha * y)) - 1.0)
    up = ((y > 0) & (alpha < 1e-4)) | ((y < 0) & (alpha > 0))
    low = ((y > 0) & (alpha > 0)) | ((y < 0) & (alpha < 1e-4))
    np.testing.assert_allclose(b, 0.5 * (m[up].max() + m[low].min()), atol=1e-12)


def test_small_cache_gives_the_same_solution_as_the_full_matrix():
    X, y01 = make_classification(400, 8, random_state=0)
    y = np.where(y01 == 1, 1.0, -1.0)
    full = KernelColumns(X, "rbf", gamma=0.1)
    tiny = KernelColumns(X, "rbf", gamma=0.1, cache_size=0.05)  # 16 columns of 400 floats
    assert len(full.owner) == 400 and len(tiny.owner) == 16
    a_full, b_full, it_full, *_ = smo(full, y, 1.0)
    a_tiny, b_tiny, it_tiny, *_ = smo(tiny, y, 1.0)
    np.testing.assert_allclose(a_tiny, a_full, atol=1e-12)
    assert it_full == it_tiny and b_full == pytest.approx(b_tiny, abs=1e-12)
    assert tiny.n_computed > 16  # columns were evicted and recomputed
    assert full.n_computed < 400  # only the columns SMO asked for, each once
    K = kernel_matrix(X, X, "rbf", gamma=0.1)
    for i in [0, 5, 399, 5, 17]:
        np.testing.assert_allclose(tiny.column(i), K[:, i], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("kernel", ["linear", "poly", "sigmoid"])
def test_cached_columns_of_every_kernel(kernel):
    X = np.random.default_rng(1).standard_normal((50, 3))
    cols = KernelColumns(X, kernel, gamma=0.4, degree=2, coef0=0.5, cache_size=0.001)
    K = kernel_matrix(X, X, kernel, gamma=0.4, degree=2, coef0=0.5)
    for i in [3, 7, 3, 49]:
        np.testing.assert_allclose(cols.column(i), K[:, i], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(cols.diag, np.diag(K), rtol=1e-12)


def test_max_iter_stops_with_a_convergence_warning():
    _, y, _, cols = _problem("rbf")
    with pytest.warns(ConvergenceWarning, match="max_iter=3"):
        _, _, n_iter, converged, _ = smo(cols, y, 1.0, max_iter=3)
    assert n_iter == 3 and not converged


def test_smo_stops_with_an_error_on_a_nan_gap():
    # NaN <= tol is false, and SMO once looped forever on it
    X, y = make_moons(40, noise=0.3, random_state=0)
    cols = KernelColumns(X, "rbf", gamma=1.0)          # every column fits in the cache
    for i in range(40):
        cols.column(i)                                  # computed, checked finite, cached
    cols.buffer[:, 3] = cols.buffer[cols.slot_of[3]] = np.nan  # then poisoned
    with time_limit(10), pytest.raises(ValueError, match="gap became nan"):
        smo(cols, np.where(y == 1, 1.0, -1.0), 1.0)


@pytest.mark.parametrize("cache_size", [200.0, 1e-5])  # every column kept, then two slots
def test_kernel_columns_refuse_non_finite_entries(cache_size):
    # diagonal (1 - 1)^2001 = 0 but off-diagonal (-1 - 1)^2001 = -inf
    X = np.array([[1.0], [-1.0], [0.5]])
    with pytest.raises(ValueError, match="'poly' kernel .*contains infinite or NaN"):
        cols = KernelColumns(X, "poly", gamma=1.0, degree=2001, coef0=-1.0,
                             cache_size=cache_size)
        cols.column(0)
    with pytest.raises(ValueError, match="'linear' kernel has diagonal values"):
        KernelColumns(X * 1e200, "linear", cache_size=cache_size)


def test_rbf_columns_are_centred():
    X, _ = make_moons(50, noise=0.3, random_state=0)
    K = kernel_matrix(X, X, "rbf", gamma=1.0)
    cols = KernelColumns(X + 1e8, "rbf", gamma=1.0, cache_size=1e-3)  # column by column
    np.testing.assert_allclose(cols.column(7), K[7], atol=1e-6)


def _numpy_smo(K, y, C, tol, n_steps):
    """The loop of the chapter's algorithm in NumPy (the package's code before it was compiled)."""
    n = len(y)
    alpha, m, diag, history = np.zeros(n), y.copy(), np.diag(K).copy(), [0.0]
    for _ in range(n_steps):
        up = ((y > 0) & (alpha < C)) | ((y < 0) & (alpha > 0))
        low = ((y > 0) & (alpha > 0)) | ((y < 0) & (alpha < C))
        m_up = np.where(up, m, -np.inf)
        i = n - 1 - int(np.argmax(m_up[::-1]))
        if m_up[i] - np.where(low, m, np.inf).min() <= tol:
            break
        diff = np.maximum(m_up[i] - np.where(low, m, np.inf), 0.0) ** 2
        j = n - 1 - int(np.argmax((diff / np.maximum(diag + diag[i] - 2 * K[i], 1e-12))[::-1]))
        t, alpha[i], alpha[j] = two_variable_update(alpha[i], alpha[j], y[i], y[j], m[i], m[j],
                                                    K[i, i], K[j, j], K[i, j], C[i], C[j])
        m -= t * (K[i] - K[j])
        history.append(0.5 * alpha @ (-y * m - 1.0))
    return alpha, history


@pytest.mark.parametrize("weighted", [False, True])
def test_compiled_loop_follows_the_numpy_loop_step_by_step(weighted):
    X, y, gamma, cols = _problem("rbf", n=150, seed=3)
    C = np.random.default_rng(0).uniform(0.2, 2.0, len(y)) if weighted else np.ones(len(y))
    # the same kernel values (the package's columns), so that near-ties break the same way
    K = np.array([KernelColumns(X, "rbf", gamma=gamma).column(i) for i in range(len(y))])
    alpha, _, n_iter, converged, history = smo(cols, y, C, tol=1e-6, record=True)
    ref_alpha, ref_history = _numpy_smo(K, y, C, 1e-6, 100_000)
    assert converged and len(history) == len(ref_history) == n_iter + 1
    np.testing.assert_allclose(alpha, ref_alpha, atol=1e-10)
    np.testing.assert_allclose(history, ref_history, rtol=1e-10, atol=1e-12)
    assert np.all((alpha >= 0) & (alpha <= C))
