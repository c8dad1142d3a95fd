"""Tests of mlmath.theory.generalization: the chapter's bounds, checked against independent work.

The bounds' formulas against their definitions and their inverses; Hoeffding's bound and the
relative-entropy (Chernoff) bound against the exact binomial tail; the uniform bound's violation
frequency by simulation (and the power of that check: a bound four times smaller is violated);
the count-based empirical risks against brute force, the closed-form true risks against Monte
Carlo; the empirical Rademacher complexity against exact enumeration of the sign vectors, its two
exact values, and Massart's bound; shattering by half-spaces (linear programs) against the
chapter's explicit construction and Radon's theorem.
"""

from itertools import product

import numpy as np
import pytest
from scipy import stats

from mlmath.theory import generalization as gen

GRID = np.linspace(0.025, 0.975, 20)  # 20 thresholds, 40 hypotheses


# ---------------------------------------------------------------------------------------------
# the bounds' formulas
# ---------------------------------------------------------------------------------------------

def test_finite_class_bound_formula_and_monotonicity():
    n = np.array([10, 100, 1000])
    np.testing.assert_allclose(gen.finite_class_bound(n, 40, 0.05),
                               np.sqrt(np.log(2 * 40 / 0.05) / (2 * n)), rtol=1e-14)
    assert np.all(np.diff(gen.finite_class_bound(np.arange(1, 200), 40, 0.05)) < 0)
    sizes = [gen.finite_class_bound(100, h, 0.05) for h in (1, 2, 10, 1000)]
    assert np.all(np.diff(sizes) > 0)
    deltas = [gen.finite_class_bound(100, 10, d) for d in (0.5, 0.1, 0.01)]
    assert np.all(np.diff(deltas) > 0)
    # One hypothesis: the bound is Hoeffding's two-sided deviation at confidence delta.
    eps = gen.finite_class_bound(50, 1, 0.1)
    np.testing.assert_allclose(gen.hoeffding_tail(50, eps), 0.1, rtol=1e-12)


def test_realizable_bound_formula_and_comparison():
    n = np.arange(1, 500)
    np.testing.assert_allclose(gen.realizable_bound(n, 40, 0.05), np.log(40 / 0.05) / n)
    assert np.all(np.diff(gen.realizable_bound(n, 40, 0.05)) < 0)
    # For large n the realizable rate 1/n beats the agnostic 1/sqrt(n).
    assert gen.realizable_bound(10_000, 40, 0.05) < gen.finite_class_bound(10_000, 40, 0.05)


@pytest.mark.parametrize("eps, delta, size", [(0.1, 0.05, 40), (0.01, 0.01, 10**6),
                                              (0.3, 0.5, 1), (0.05, 1.0, 7)])
def test_sample_complexity_inverts_the_bounds(eps, delta, size):
    n = gen.sample_complexity(eps, delta, size)
    assert gen.finite_class_bound(n, size, delta) <= eps
    if n > 1:
        assert gen.finite_class_bound(n - 1, size, delta) > eps
    n_r = gen.sample_complexity(eps, delta, size, realizable=True)
    assert gen.realizable_bound(n_r, size, delta) <= eps
    if n_r > 1:
        assert gen.realizable_bound(n_r - 1, size, delta) > eps


def test_hoeffding_dominates_the_exact_binomial_tail():
    # Bernoulli(p) means: Pr(|mean - p| >= eps) computed exactly from the binomial law.
    for n, p, eps in [(20, 0.5, 0.2), (100, 0.3, 0.1), (500, 0.1, 0.05), (1000, 0.5, 0.03)]:
        k = np.arange(n + 1)
        far = np.abs(k / n - p) >= eps - 1e-12
        exact = stats.binom.pmf(k[far], n, p).sum()
        bound = gen.hoeffding_tail(n, eps)
        assert exact <= bound
        # and the exponent is the right one: the bound is not loose by orders of magnitude
        # when p = 1/2, where Hoeffding's lemma is tight.
        if p == 0.5:
            assert bound < 20 * exact
    np.testing.assert_allclose(gen.hoeffding_tail(10, 0.5, value_range=2.0),
                               2 * np.exp(-2 * 10 * 0.25 / 4))
    assert gen.hoeffding_tail(1, 0.01) == 1.0


def test_chernoff_relative_entropy_bound_sandwiches_the_binomial_tail():
    """The chapter's eq-gen-chernoff-kl: exp(-n kl) bounds the upper tail, the optimal s is the
    closed form, and the one term at the count n(p + eps) is at least exp(-n kl) / (n + 1)."""
    for n, p, eps in [(20, 0.5, 0.2), (100, 0.3, 0.1), (500, 0.1, 0.05), (1000, 0.5, 0.03)]:
        q = p + eps
        kl = q * np.log(q / p) + (1 - q) * np.log((1 - q) / (1 - p))
        s_opt = np.log(q * (1 - p) / (p * (1 - q)))
        s = np.linspace(1e-3, 3 * s_opt, 2001)
        exponent = s * eps + p * s - np.log(1 - p + p * np.exp(s))  # s eps - psi(s)
        assert np.isclose(s_opt * eps + p * s_opt - np.log(1 - p + p * np.exp(s_opt)), kl)
        assert exponent.max() <= kl + 1e-12
        count = int(round(n * q))
        assert np.isclose(count, n * q)
        tail = stats.binom.sf(count - 1, n, p)  # P(mean - p >= eps)
        assert tail <= np.exp(-n * kl)
        assert stats.binom.pmf(count, n, p) >= np.exp(-n * kl) / (n + 1)


# ---------------------------------------------------------------------------------------------
# the finite class of thresholds
# ---------------------------------------------------------------------------------------------

def test_threshold_classifiers_shape_and_values():
    x = np.array([0.0, 0.1, 0.5, 0.975, 1.0])
    P = gen.threshold_classifiers(x, GRID)
    assert P.shape == (40, 5)
    for k, t in enumerate(GRID):
        np.testing.assert_array_equal(P[k], (x >= t).astype(int))
        np.testing.assert_array_equal(P[20 + k], (x < t).astype(int))


def test_threshold_empirical_risks_equal_brute_force():
    x, y = gen.sample_threshold_problem(37, n_datasets=6, random_state=0)
    x[0, :3] = GRID[[0, 5, 19]]  # points on the grid: ties go to x >= t
    batch = gen.threshold_empirical_risks(x, y, GRID)
    assert batch.shape == (6, 40)
    for r in range(6):
        brute = (gen.threshold_classifiers(x[r], GRID) != y[r]).mean(axis=1)
        np.testing.assert_allclose(batch[r], brute, atol=1e-15)
        np.testing.assert_allclose(gen.threshold_empirical_risks(x[r], y[r], GRID), brute,
                                   atol=1e-15)


def test_threshold_risks_match_monte_carlo():
    grid = np.array([-0.2, 0.0, 0.1, 0.4, 0.55, 0.9, 1.3])
    x, y = gen.sample_threshold_problem(400_000, boundary=0.4, flip_prob=0.15, random_state=1)
    mc = gen.threshold_empirical_risks(x, y, grid)
    exact = gen.threshold_risks(grid, boundary=0.4, flip_prob=0.15)
    # each Monte Carlo risk has standard deviation at most 0.5/sqrt(4e5) < 8e-4; 5 of them
    np.testing.assert_allclose(mc, exact, atol=4e-3)
    assert exact.min() == pytest.approx(0.15)  # no threshold beats the noise: Bayes risk


def test_uniform_bound_violation_frequency_at_most_delta():
    """Over 3000 samples, sup_h |R - R_hat| exceeds the bound in at most a fraction delta.

    The bound holds with probability >= 1 - delta, so the violation count is at most a
    Binomial(3000, delta) variable: the test allows delta plus 3 standard deviations of a
    frequency. A bound four times smaller must be violated often (the check has power).
    """
    risks = gen.threshold_risks(GRID)
    n_sets = 3000
    for n, delta in [(50, 0.05), (400, 0.2)]:
        x, y = gen.sample_threshold_problem(n, n_datasets=n_sets, random_state=n)
        gaps = np.abs(gen.threshold_empirical_risks(x, y, GRID) - risks).max(axis=1)
        bound = gen.finite_class_bound(n, GRID.size * 2, delta)
        tolerance = 3 * np.sqrt(delta * (1 - delta) / n_sets)
        assert np.mean(gaps > bound) <= delta + tolerance
        assert np.mean(gaps > bound / 4) > 0.5
        # ERM's excess risk is at most twice the bound on the same event
        erm = np.argmin(gen.threshold_empirical_risks(x, y, GRID), axis=1)
        excess = risks[erm] - risks.min()
        assert np.all(excess[gaps <= bound] <= 2 * bound + 1e-12)


def test_realizable_bound_violation_frequency_at_most_delta():
    grid = np.linspace(0.0, 1.0, 51)  # contains the boundary 0.3: the class holds a zero-risk h
    risks = gen.threshold_risks(grid, boundary=0.3, flip_prob=0.0)
    assert risks.min() == 0.0
    n, delta, n_sets = 60, 0.1, 3000
    x, y = gen.sample_threshold_problem(n, n_datasets=n_sets, boundary=0.3, flip_prob=0.0,
                                        random_state=5)
    emp = gen.threshold_empirical_risks(x, y, grid)
    worst = np.where(emp == 0, risks, -np.inf).max(axis=1)  # worst consistent hypothesis
    bound = gen.realizable_bound(n, grid.size * 2, delta)
    assert np.mean(worst > bound) <= delta + 3 * np.sqrt(delta * (1 - delta) / n_sets)
    assert np.mean(worst > bound / 4) > 0.1


# ---------------------------------------------------------------------------------------------
# Rademacher complexity
# ---------------------------------------------------------------------------------------------

def exact_rademacher(A):
    """The empirical Rademacher complexity by enumerating all 2^n sign vectors."""
    n = A.shape[1]
    signs = np.array(list(product([-1.0, 1.0], repeat=n)))
    return (signs @ A.T).max(axis=1).mean() / n


def test_rademacher_of_one_hypothesis_is_zero():
    a = np.random.default_rng(0).choice([-1.0, 1.0], size=50)
    est, se = gen.empirical_rademacher(a, n_draws=20_000, random_state=1, return_std=True)
    assert abs(est) <= 4 * se
    assert exact_rademacher(a[None, :12]) == pytest.approx(0.0, abs=1e-15)


def test_rademacher_of_all_sign_vectors_is_one():
    A = np.array(list(product([-1.0, 1.0], repeat=8)))
    assert gen.empirical_rademacher(A, n_draws=50, random_state=0) == 1.0


def test_rademacher_against_enumeration_and_massart():
    rng = np.random.default_rng(3)
    x = np.sort(rng.uniform(size=12))
    A = 2.0 * gen.threshold_classifiers(x, GRID) - 1.0
    exact = exact_rademacher(A)
    est, se = gen.empirical_rademacher(A, n_draws=40_000, random_state=4, return_std=True)
    assert abs(est - exact) <= 4 * se
    assert exact <= gen.massart_bound(A)
    for size in (2, 5, 30):
        B = rng.standard_normal((size, 12))
        assert exact_rademacher(B) <= gen.massart_bound(B)
    # scale: R(cA) = |c| R(A) for the same signs
    np.testing.assert_allclose(gen.empirical_rademacher(3 * A, random_state=7),
                               3 * gen.empirical_rademacher(A, random_state=7), rtol=1e-12)


def test_massart_formula():
    A = np.array([[1.0, -1.0, 1.0], [0.5, 0.5, 0.0]])
    assert gen.massart_bound(A) == pytest.approx(np.sqrt(3) * np.sqrt(2 * np.log(2)) / 3)
    assert gen.massart_bound(A[:1]) == 0.0


# ---------------------------------------------------------------------------------------------
# shattering by half-spaces
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("d", [1, 2, 3, 4])
def test_d_plus_one_points_are_shattered(d):
    X = np.vstack([np.zeros(d), np.eye(d)])
    assert gen.shattered_by_halfspaces(X)
    # the chapter's explicit classifier: b = y_0 / 2, w_j = y_j
    for labels in product([-1.0, 1.0], repeat=d + 1):
        y = np.array(labels)
        w, b = y[1:], y[0] / 2
        np.testing.assert_array_equal(np.sign(X @ w + b), y)
        assert gen.linearly_separable(X, y)


@pytest.mark.parametrize("d", [1, 2, 3])
def test_no_d_plus_two_points_are_shattered(d):
    # Radon's theorem: any d + 2 points in R^d split into two sets whose hulls meet.
    rng = np.random.default_rng(d)
    for _ in range(5):
        assert not gen.shattered_by_halfspaces(rng.standard_normal((d + 2, d)))
    xor = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    assert not gen.linearly_separable(xor, np.array([1.0, 1.0, -1.0, -1.0]))
    assert gen.linearly_separable(xor, np.array([1.0, -1.0, 1.0, -1.0]))


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, match", [
    (lambda: gen.finite_class_bound(0, 10, 0.1), "n"),
    (lambda: gen.finite_class_bound([10, 2.5], 10, 0.1), "n"),
    (lambda: gen.finite_class_bound([10, np.nan], 10, 0.1), "n"),
    (lambda: gen.finite_class_bound(10, 0, 0.1), "n_hypotheses"),
    (lambda: gen.finite_class_bound(10, 10, 0.0), "delta"),
    (lambda: gen.finite_class_bound(10, 10, 1.5), "delta"),
    (lambda: gen.realizable_bound(10, 10, np.nan), "delta"),
    (lambda: gen.sample_complexity(0.0, 0.1, 10), "epsilon"),
    (lambda: gen.sample_complexity(0.1, -0.1, 10), "delta"),
    (lambda: gen.hoeffding_tail(10, 0.1, value_range=0.0), "value_range"),
    (lambda: gen.threshold_classifiers([0.1, np.inf], GRID), "x"),
    (lambda: gen.threshold_classifiers([0.1], [0.5, 0.2]), "thresholds"),
    (lambda: gen.threshold_empirical_risks([0.1, 0.2], [0, 1, 1], GRID), "y"),
    (lambda: gen.threshold_empirical_risks([0.1, 0.2], [0, 2], GRID), "y"),
    (lambda: gen.threshold_risks(GRID, flip_prob=0.7), "flip_prob"),
    (lambda: gen.threshold_risks(GRID, boundary=-0.1), "boundary"),
    (lambda: gen.sample_threshold_problem(0), "n_samples"),
    (lambda: gen.empirical_rademacher(np.ones((2, 3, 4))), "predictions"),
    (lambda: gen.empirical_rademacher([[1.0, np.nan]]), "predictions"),
    (lambda: gen.empirical_rademacher([[1.0, 1.0]], n_draws=0), "n_draws"),
    (lambda: gen.massart_bound(np.empty((0, 3))), "predictions"),
    (lambda: gen.linearly_separable(np.eye(3), [1, -1]), "y"),
    (lambda: gen.linearly_separable(np.eye(2), [1, 0]), "y"),
    (lambda: gen.linearly_separable(np.ones(3), [1, -1, 1]), "X"),
    (lambda: gen.shattered_by_halfspaces(np.zeros((17, 2))), "X"),
])
def test_bad_input_is_refused_by_name(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_bad_types():
    with pytest.raises(TypeError, match="n"):
        gen.finite_class_bound(True, 10, 0.1)
    with pytest.raises(TypeError, match="realizable"):
        gen.sample_complexity(0.1, 0.1, 10, realizable=1)
    with pytest.raises(TypeError, match="predictions"):
        gen.empirical_rademacher([["a", "b"]])
