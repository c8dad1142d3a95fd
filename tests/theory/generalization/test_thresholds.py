"""Tests of mlmath.theory.generalization.thresholds: the chapter's finite class.

The count-based empirical risks against brute force, the closed-form true risks against Monte
Carlo, and the uniform and realizable bounds' violation frequencies by simulation (with the power
of that check: a bound four times smaller is violated).
"""

import numpy as np
import pytest

from mlmath.theory import generalization as gen

GRID = np.linspace(0.025, 0.975, 20)  # 20 thresholds, 40 hypotheses


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


@pytest.mark.parametrize("call, match", [
    (lambda: gen.threshold_classifiers([0.1, np.inf], GRID), "x contains NaN"),
    (lambda: gen.threshold_classifiers([0.1], [0.5, 0.2]), "thresholds must be strictly"),
    (lambda: gen.threshold_classifiers([0.1], []), "thresholds must not be empty"),
    (lambda: gen.threshold_empirical_risks([0.1, 0.2], [0, 1, 1], GRID), "y must have the shape"),
    (lambda: gen.threshold_empirical_risks([0.1, 0.2], [0, 2], GRID), "y must hold labels"),
    (lambda: gen.threshold_empirical_risks([], [], GRID), "at least one sample"),
    (lambda: gen.threshold_risks(GRID, flip_prob=0.7),
     r"The 'flip_prob' parameter of threshold_risks must be a float in \[0, 0.5\]; got 0.7."),
    (lambda: gen.threshold_risks(GRID, boundary=-0.1), "The 'boundary' parameter"),
    (lambda: gen.sample_threshold_problem(0),
     "The 'n_samples' parameter of sample_threshold_problem must be an int >= 1; got 0."),
    (lambda: gen.sample_threshold_problem(5, n_datasets=0), "The 'n_datasets' parameter"),
])
def test_bad_input_is_refused_by_name(call, match):
    with pytest.raises(ValueError, match=match):
        call()
