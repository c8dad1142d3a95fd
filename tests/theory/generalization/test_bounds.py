"""Tests of mlmath.theory.generalization.bounds: the finite-class bounds.

The bounds' formulas against their definitions and their inverses, and Hoeffding's bound and the
relative-entropy (Chernoff) bound against the exact binomial tail.
"""

import numpy as np
import pytest
from scipy import stats

from mlmath.theory import generalization as gen
from mlmath.validation import InvalidParameterError


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


@pytest.mark.parametrize("call, match", [
    (lambda: gen.finite_class_bound(0, 10, 0.1),
     "The 'n' parameter of finite_class_bound must be an int >= 1; got 0."),
    (lambda: gen.finite_class_bound([10, 2.5], 10, 0.1), "n must hold integers >= 1"),
    (lambda: gen.finite_class_bound([10, np.nan], 10, 0.1), "n contains NaN"),
    (lambda: gen.finite_class_bound(10, 0, 0.1),
     "The 'n_hypotheses' parameter of finite_class_bound must be an int >= 1; got 0."),
    (lambda: gen.finite_class_bound(10, 10, 0.0),
     r"The 'delta' parameter of finite_class_bound must be a float in \(0, 1\]; got 0.0."),
    (lambda: gen.finite_class_bound(10, 10, 1.5), "The 'delta' parameter"),
    (lambda: gen.realizable_bound(10, 10, np.nan), "The 'delta' parameter of realizable_bound"),
    (lambda: gen.sample_complexity(0.0, 0.1, 10),
     "The 'epsilon' parameter of sample_complexity must be a float > 0; got 0.0."),
    (lambda: gen.sample_complexity(0.1, -0.1, 10), "The 'delta' parameter of sample_complexity"),
    (lambda: gen.hoeffding_tail(10, 0.1, value_range=0.0),
     "The 'value_range' parameter of hoeffding_tail must be a float > 0"),
])
def test_bad_input_is_refused_by_name(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_bad_types():
    with pytest.raises(InvalidParameterError, match="The 'n' parameter of finite_class_bound"):
        gen.finite_class_bound(True, 10, 0.1)
    with pytest.raises(TypeError, match="n must be a positive integer or an array"):
        gen.finite_class_bound(["a"], 10, 0.1)
    with pytest.raises(InvalidParameterError,
                       match="The 'realizable' parameter of sample_complexity must be a bool"):
        gen.sample_complexity(0.1, 0.1, 10, realizable=1)


def test_delta_one_is_accepted():
    """delta = 1 is a legal (vacuous) failure probability: 0 < delta <= 1."""
    assert gen.sample_complexity(0.05, 1.0, 7) >= 1
    assert np.isclose(gen.finite_class_bound(10, 1, 1.0), np.sqrt(np.log(2.0) / 20))
