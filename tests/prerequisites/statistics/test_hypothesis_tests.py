"""Tests of mlmath.prerequisites.statistics.hypothesis_tests: comparing two models.

McNemar's test against SciPy's binomial test and hand enumeration, the paired t-test against
SciPy, the permutation test against exhaustive enumeration, the validity of the p-values under
the null by simulation, and Bonferroni's control of the family-wise error.
"""

import math
from itertools import product

import numpy as np
import pytest
from scipy import stats

from mlmath.prerequisites.statistics import (
    bonferroni,
    mcnemar_test,
    paired_permutation_test,
    paired_t_test,
)


def _classifier_predictions(n10, n01, n11, n00):
    """Labels and two prediction vectors with the given agreement counts (all labels 1)."""
    y = np.ones(n10 + n01 + n11 + n00, dtype=int)
    a = np.r_[np.ones(n10), np.zeros(n01), np.ones(n11), np.zeros(n00)].astype(int)
    b = np.r_[np.zeros(n10), np.ones(n01), np.ones(n11), np.zeros(n00)].astype(int)
    return y, a, b


@pytest.mark.parametrize("n10, n01", [(12, 4), (3, 9), (7, 7), (0, 5), (25, 13)])
def test_mcnemar_exact_against_binomtest_and_hand_enumeration(n10, n01):
    y, a, b = _classifier_predictions(n10, n01, 40, 9)
    res = mcnemar_test(y, a, b)
    assert res.statistic == n10
    np.testing.assert_allclose(res.pvalue, stats.binomtest(n10, n10 + n01, 0.5).pvalue,
                               rtol=1e-12)
    m = n10 + n01
    tail = sum(math.comb(m, j) for j in range(min(n10, n01) + 1)) / 2**m
    np.testing.assert_allclose(res.pvalue, min(1.0, 2 * tail), rtol=1e-12)


@pytest.mark.parametrize("n10, n01", [(12, 4), (3, 9), (25, 13), (5, 5)])
def test_mcnemar_chi_square_by_hand(n10, n01):
    y, a, b = _classifier_predictions(n10, n01, 30, 5)
    # eq-stat-mcnemar-chi2: the correction stops at zero, so n10 = n01 gives 0 and p = 1
    stat_c = max(abs(n10 - n01) - 1, 0) ** 2 / (n10 + n01)
    res = mcnemar_test(y, a, b, exact=False)
    np.testing.assert_allclose(res, (stat_c, stats.chi2.sf(stat_c, 1)), rtol=1e-12)
    if n10 == n01:
        assert res == (0.0, 1.0) and mcnemar_test(y, a, b).pvalue == 1.0
    stat = (n10 - n01) ** 2 / (n10 + n01)
    res = mcnemar_test(y, a, b, exact=False, correction=False)
    np.testing.assert_allclose(res, (stat, stats.chi2.sf(stat, 1)), rtol=1e-12)
    # the uncorrected chi-square p-value is the two-sided normal p-value of z = (n10-n01)/sqrt(m)
    np.testing.assert_allclose(res.pvalue, 2 * stats.norm.sf(abs(n10 - n01) / np.sqrt(n10 + n01)))


def test_mcnemar_no_discordant_pairs_and_multiclass_labels():
    y = np.array([0, 1, 2, 2, 1])
    assert mcnemar_test(y, y, y) == (0.0, 1.0)
    assert mcnemar_test(y, y, y, exact=False) == (0.0, 1.0)
    a = np.array([0, 1, 2, 0, 0])            # right, right, right, wrong, wrong
    b = np.array([1, 1, 2, 2, 0])            # wrong, right, right, right, wrong
    assert mcnemar_test(y, a, b).statistic == 1.0      # one sample A right and B wrong


def test_mcnemar_type_one_error_by_simulation():
    # two classifiers of equal accuracy: rejection rate at 0.05 must not exceed 0.05 (+ noise)
    rng = np.random.default_rng(11)
    rejections = 0
    for _ in range(2000):
        y = np.zeros(100, dtype=int)
        a = (rng.random(100) < 0.2).astype(int)
        b = (rng.random(100) < 0.2).astype(int)
        rejections += mcnemar_test(y, a, b).pvalue <= 0.05
    assert rejections / 2000 < 0.05 + 3 * np.sqrt(0.05 * 0.95 / 2000)


def test_paired_t_test_against_scipy():
    rng = np.random.default_rng(12)
    a, b = rng.normal(size=15), rng.normal(0.3, 1, size=15)
    res = paired_t_test(a, b)
    ref = stats.ttest_rel(a, b)
    np.testing.assert_allclose(res, (ref.statistic, ref.pvalue), rtol=1e-12)


def test_permutation_test_exact_against_exhaustive_enumeration():
    a = np.array([0.9, 0.7, 0.8, 0.65, 0.95, 0.5, 0.85])
    b = np.array([0.8, 0.75, 0.6, 0.6, 0.9, 0.55, 0.7])
    d = a - b
    count = 0
    for signs in product([1, -1], repeat=d.size):        # all 128 sign patterns, one by one
        count += abs(np.dot(signs, d)) / d.size >= abs(d.mean()) - 1e-12
    res = paired_permutation_test(a, b, n_permutations=None)
    assert res.pvalue == count / 2**d.size
    np.testing.assert_allclose(res.statistic, d.mean())
    # the Monte Carlo p-value approaches the exact one: B = 40,000, standard error < 0.0025
    mc = paired_permutation_test(a, b, n_permutations=40_000, random_state=0)
    assert abs(mc.pvalue - res.pvalue) < 0.01


def test_permutation_test_exact_or_monte_carlo_is_chosen_by_n_permutations_not_by_n():
    # as the statistics chapter says: None enumerates all 2^n patterns (n <= 20 only); an
    # integer B gives the Monte Carlo p-value (1 + count)/(1 + B), for small and large n alike
    rng = np.random.default_rng(16)
    for n in (7, 25):
        a, b = rng.normal(size=n), rng.normal(size=n)
        mc = paired_permutation_test(a, b, n_permutations=99, random_state=0)
        assert 1 / 100 <= mc.pvalue <= 1
        np.testing.assert_allclose(mc.pvalue * 100, round(mc.pvalue * 100), atol=1e-9)
    exact = paired_permutation_test(a[:7], b[:7], n_permutations=None)
    np.testing.assert_allclose(exact.pvalue * 2**7, round(exact.pvalue * 2**7), atol=1e-9)
    with pytest.raises(ValueError, match="n <= 20"):
        paired_permutation_test(a, b, n_permutations=None)


def test_permutation_test_detects_a_real_difference_and_scipy_agrees():
    rng = np.random.default_rng(13)
    a = rng.normal(0.5, 1, 60)
    b = rng.normal(0.0, 1, 60)
    ours = paired_permutation_test(a, b, n_permutations=20_000, random_state=1)
    ref = stats.permutation_test((a, b), lambda u, v, axis: np.mean(u - v, axis=axis),
                                 permutation_type="samples", n_resamples=20_000,
                                 random_state=2)
    np.testing.assert_allclose(ours.pvalue, ref.pvalue, atol=0.005)
    assert ours.pvalue < 0.05


def test_p_values_are_uniform_under_a_continuous_null():
    # 3,000 paired t-tests on Gaussian differences of mean zero; loose KS threshold (the p-value
    # of the KS test itself is uniform, so this fails about once in a thousand seeds)
    rng = np.random.default_rng(14)
    p = np.array([paired_t_test(rng.normal(size=10), rng.normal(size=10)).pvalue
                  for _ in range(3000)])
    assert stats.kstest(p, "uniform").pvalue > 0.001
    # and not uniform under an alternative
    q = np.array([paired_t_test(rng.normal(1, 1, size=10), rng.normal(size=10)).pvalue
                  for _ in range(300)])
    assert stats.kstest(q, "uniform").pvalue < 1e-6


def test_permutation_p_value_is_valid_under_the_null():
    # P(p <= u) <= u for the exact sign-flip p-value: check at u = 0.1 over 2,000 null data sets
    rng = np.random.default_rng(15)
    p = np.array([paired_permutation_test(rng.normal(size=8), rng.normal(size=8),
                                          n_permutations=None).pvalue for _ in range(2000)])
    for u in (0.05, 0.1, 0.2):
        assert np.mean(p <= u) < u + 3 * np.sqrt(u * (1 - u) / 2000)


def test_bonferroni_controls_the_family_wise_error():
    rng = np.random.default_rng(16)
    p = rng.random((20_000, 10))                  # ten true nulls, independent uniform p-values
    adjusted = np.apply_along_axis(bonferroni, 1, p)
    fwer = np.mean(np.any(adjusted <= 0.05, axis=1))
    assert fwer <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / 20_000)
    np.testing.assert_allclose(bonferroni([0.01, 0.2, 0.5]), [0.03, 0.6, 1.0])


@pytest.mark.parametrize("call, match", [
    (lambda: mcnemar_test([0, 1], [0, 1], [0]), "same, nonzero length"),
    (lambda: mcnemar_test([], [], []), "same, nonzero length"),
    (lambda: mcnemar_test([0, 1], [0, 1], [0, 1], exact=1),
     "The 'exact' parameter of mcnemar_test must be a bool; got 1."),
    (lambda: paired_t_test([1.0, 2.0], [0.0, 1.0]), "all equal"),
    (lambda: paired_t_test([1.0, 2.0], [1.0, 2.0, 3.0]), "same length"),
    (lambda: paired_permutation_test(np.zeros(21), np.ones(21), None), "n <= 20"),
    (lambda: paired_permutation_test([1.0], [0.0], n_permutations=0),
     "The 'n_permutations' parameter of paired_permutation_test must be None or an int >= 1"),
    (lambda: paired_permutation_test([1.0], [0.0], n_permutations=2.5),
     "The 'n_permutations' parameter"),
    (lambda: bonferroni([0.5, 1.5]), r"\[0, 1\]"),
])
def test_bad_input_raises_a_clear_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()
