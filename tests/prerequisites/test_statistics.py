"""Tests of mlmath.prerequisites.statistics against independent computations.

Each formula of the statistics chapter is checked against something computed another way:
numerical optimisation (scipy.optimize), automatic differentiation (torch.autograd), SciPy's
distributions and tests, exhaustive enumeration, numerical integration, or simulation with a
stated tolerance.
"""

import math
from itertools import product

import numpy as np
import pytest
import scipy.integrate
import scipy.optimize
import torch
from scipy import stats

from mlmath.prerequisites.statistics import (
    bernoulli_mle,
    beta_bernoulli_posterior,
    bonferroni,
    bootstrap_ci,
    gaussian_mean_posterior,
    gaussian_mle,
    mcnemar_test,
    mean_interval,
    paired_permutation_test,
    paired_t_test,
    wald_interval,
    wilson_interval,
)

# ---------------------------------------------------------------------------------------------
# maximum likelihood
# ---------------------------------------------------------------------------------------------


def test_gaussian_mle_maximises_the_likelihood_numerically():
    x = np.random.default_rng(0).normal(2.0, 1.5, size=40)
    mu, sigma2 = gaussian_mle(x)

    def nll(theta):
        m, log_s2 = theta
        return -np.sum(stats.norm.logpdf(x, m, np.exp(0.5 * log_s2)))

    res = scipy.optimize.minimize(nll, x0=[0.0, 0.0], method="BFGS", options={"gtol": 1e-10})
    np.testing.assert_allclose([mu, sigma2], [res.x[0], np.exp(res.x[1])], rtol=1e-6)


def test_gaussian_mle_zero_gradient_and_negative_definite_hessian_by_autograd():
    x = torch.tensor(np.random.default_rng(1).normal(-1.0, 0.7, size=25), dtype=torch.float64)
    mu, sigma2 = gaussian_mle(x.numpy())
    theta = torch.tensor([mu, sigma2], dtype=torch.float64, requires_grad=True)

    def loglik(t):
        return torch.distributions.Normal(t[0], torch.sqrt(t[1])).log_prob(x).sum()

    (grad,) = torch.autograd.grad(loglik(theta), theta)
    np.testing.assert_allclose(grad.numpy(), 0.0, atol=1e-10)
    hess = torch.autograd.functional.hessian(loglik, theta).numpy()
    n = x.numel()
    # the chapter's second-order check: diag(-n / sigma2, -n / (2 sigma2^2))
    np.testing.assert_allclose(hess, np.diag([-n / sigma2, -n / (2 * sigma2**2)]), rtol=1e-10,
                               atol=1e-10)


def test_bernoulli_mle_against_bounded_optimisation():
    x = (np.random.default_rng(2).random(50) < 0.3).astype(int)
    k, n = x.sum(), x.size

    def nll(p):
        return -(k * np.log(p) + (n - k) * np.log(1 - p))

    res = scipy.optimize.minimize_scalar(nll, bounds=(1e-9, 1 - 1e-9), method="bounded",
                                         options={"xatol": 1e-10})
    np.testing.assert_allclose(bernoulli_mle(x), res.x, atol=1e-7)
    assert bernoulli_mle(x) == k / n


def test_unbiasedness_of_the_mean_and_of_the_n_minus_1_variance_by_simulation():
    # 200,000 samples of size 5 from N(1, 4): the standard error of the average of the unbiased
    # variance estimates is 4 * sqrt(2 / 4) / sqrt(2e5) ~ 0.0063, so 0.03 is about 5 of them.
    rng = np.random.default_rng(3)
    n, sigma2 = 5, 4.0
    samples = rng.normal(1.0, np.sqrt(sigma2), size=(200_000, n))
    assert abs(samples.mean(axis=1).mean() - 1.0) < 0.01
    assert abs(samples.var(axis=1, ddof=1).mean() - sigma2) < 0.03
    # the 1/n estimator (the MLE) is off by -sigma2 / n = -0.8, far beyond the tolerance
    mle = np.array([gaussian_mle(s)[1] for s in samples[:20_000]])
    assert abs(mle.mean() - (n - 1) / n * sigma2) < 0.06
    assert abs(mle.mean() - sigma2) > 0.5


# ---------------------------------------------------------------------------------------------
# MAP and posteriors
# ---------------------------------------------------------------------------------------------


def test_beta_bernoulli_posterior_against_numerical_bayes_rule():
    x = np.array([1, 0, 1, 1, 0, 1, 1, 1])
    a0, b0 = 2.0, 3.0
    post = beta_bernoulli_posterior(x, a0, b0)
    k, n = x.sum(), x.size
    assert (post.a, post.b) == (a0 + k, b0 + n - k)

    def unnormalised(p):
        return p**k * (1 - p) ** (n - k) * stats.beta.pdf(p, a0, b0)

    z, _ = scipy.integrate.quad(unnormalised, 0, 1)
    grid = np.linspace(0.01, 0.99, 50)
    np.testing.assert_allclose(unnormalised(grid) / z, stats.beta.pdf(grid, post.a, post.b),
                               rtol=1e-8)
    mean, _ = scipy.integrate.quad(lambda p: p * unnormalised(p) / z, 0, 1)
    np.testing.assert_allclose(post.mean, mean, rtol=1e-8)
    res = scipy.optimize.minimize_scalar(lambda p: -unnormalised(p), bounds=(0, 1),
                                         method="bounded", options={"xatol": 1e-10})
    np.testing.assert_allclose(post.map, res.x, atol=1e-7)


def test_beta_bernoulli_edge_cases():
    # uniform prior: MAP is the MLE; no data: the posterior is the prior (flat: no mode)
    x = np.array([0, 1, 1])
    assert beta_bernoulli_posterior(x, 1, 1).map == bernoulli_mle(x)
    empty = beta_bernoulli_posterior([], 1, 1)
    assert (empty.a, empty.b, empty.mean) == (1.0, 1.0, 0.5) and math.isnan(empty.map)
    # all zeros under a uniform prior: the mode is at the boundary 0
    assert beta_bernoulli_posterior([0, 0, 0], 1, 1).map == 0.0
    # a prior parameter below one with no success: density unbounded at 0, mode reported nan
    assert math.isnan(beta_bernoulli_posterior([0, 0], 0.5, 1).map)


def test_gaussian_mean_posterior_against_grid_bayes_rule():
    x = np.random.default_rng(4).normal(1.0, 2.0, size=7)
    sigma, m0, tau0 = 2.0, -1.0, 0.5
    mean, std = gaussian_mean_posterior(x, sigma, m0, tau0)
    grid = np.linspace(-6, 6, 120_001)
    log_post = (stats.norm.logpdf(x[:, None], grid, sigma).sum(axis=0)
                + stats.norm.logpdf(grid, m0, tau0))
    w = np.exp(log_post - log_post.max())
    w /= w.sum()
    grid_mean = np.sum(w * grid)
    np.testing.assert_allclose(mean, grid_mean, atol=1e-6)
    np.testing.assert_allclose(std, np.sqrt(np.sum(w * (grid - grid_mean) ** 2)), rtol=1e-5)
    np.testing.assert_allclose(mean, grid[np.argmax(log_post)], atol=1e-4)   # MAP = mean


def test_map_with_gaussian_prior_on_weights_is_ridge():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((30, 4))
    y = X @ np.array([1.0, -2.0, 0.5, 0.0]) + rng.normal(0, 0.5, 30)
    sigma, sigma_w = 0.5, 0.8

    def neg_log_post(w):
        return (-stats.norm.logpdf(y, X @ w, sigma).sum()
                - stats.norm.logpdf(w, 0, sigma_w).sum())

    w_map = scipy.optimize.minimize(neg_log_post, np.zeros(4), method="BFGS",
                                    options={"gtol": 1e-10}).x
    alpha = sigma**2 / sigma_w**2
    w_ridge = np.linalg.solve(X.T @ X + alpha * np.eye(4), X.T @ y)
    np.testing.assert_allclose(w_map, w_ridge, rtol=1e-5, atol=1e-7)


# ---------------------------------------------------------------------------------------------
# confidence intervals
# ---------------------------------------------------------------------------------------------


def test_mean_intervals_against_scipy():
    x = np.random.default_rng(6).normal(3.0, 2.0, size=12)
    t_low, t_high = stats.t.interval(0.9, df=11, loc=x.mean(), scale=stats.sem(x))
    np.testing.assert_allclose(mean_interval(x, 0.9), (t_low, t_high), rtol=1e-12)
    z_low, z_high = stats.norm.interval(0.9, loc=x.mean(), scale=2.0 / np.sqrt(12))
    np.testing.assert_allclose(mean_interval(x, 0.9, sigma=2.0), (z_low, z_high), rtol=1e-12)


def test_mean_interval_coverage_by_simulation():
    # 20,000 intervals: the standard error of a 0.95 coverage estimate is ~0.0015; allow 0.006.
    rng = np.random.default_rng(7)
    samples = rng.normal(0.0, 1.0, size=(20_000, 6))
    for sigma in (None, 1.0):
        cover = np.mean([low <= 0 <= high for low, high in
                         (mean_interval(s, 0.95, sigma=sigma) for s in samples)])
        assert abs(cover - 0.95) < 0.006


def test_wilson_interval_against_statsmodels_free_scipy_binomtest():
    # scipy's binomtest(...).proportion_ci(method="wilson") is the same interval
    for k, n in [(0, 10), (3, 10), (10, 10), (17, 40), (1, 1)]:
        ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.9, method="wilson")
        np.testing.assert_allclose(wilson_interval(k, n, 0.9), (ci.low, ci.high), atol=1e-12)


def test_wilson_interval_solves_the_score_equation():
    # the endpoints are the p with |k/n - p| = z sqrt(p (1 - p) / n)
    k, n, z = 7, 25, stats.norm.ppf(0.975)
    for p in wilson_interval(k, n, 0.95):
        np.testing.assert_allclose(abs(k / n - p), z * np.sqrt(p * (1 - p) / n), atol=1e-12)


def test_wald_interval_formula_and_vectorisation():
    k = np.array([0, 5, 20])
    low, high = wald_interval(k, 20, 0.95)
    z = stats.norm.ppf(0.975)
    p = k / 20
    np.testing.assert_allclose(low, np.clip(p - z * np.sqrt(p * (1 - p) / 20), 0, 1))
    np.testing.assert_allclose(high, np.clip(p + z * np.sqrt(p * (1 - p) / 20), 0, 1))
    assert low[0] == high[0] == 0.0          # the degenerate interval at k = 0


def test_exact_coverage_wald_fails_near_zero_and_wilson_does_not():
    # exact coverage: sum the binomial pmf over the k whose interval contains p
    n, k = 30, np.arange(31)
    for p, wald_max, wilson_min in [(0.02, 0.6, 0.85), (0.1, 0.85, 0.9)]:
        pmf = stats.binom.pmf(k, n, p)
        lo, hi = wald_interval(k, n, 0.95)
        assert np.sum(pmf[(lo <= p) & (p <= hi)]) < wald_max
        lo, hi = wilson_interval(k, n, 0.95)
        assert np.sum(pmf[(lo <= p) & (p <= hi)]) > wilson_min


def test_bootstrap_ci_equals_hand_resampling_and_covers_the_mean():
    x = np.random.default_rng(8).exponential(size=30)
    low, high = bootstrap_ci(np.mean, x, n_resamples=500, level=0.9, random_state=3)
    idx = np.random.default_rng(3).integers(0, 30, size=(500, 30))
    reps = np.array([x[i].mean() for i in idx])
    np.testing.assert_allclose((low, high), np.quantile(reps, [0.05, 0.95]), rtol=1e-12)
    # coverage of the mean of an exponential(1) sample of 40, 400 repetitions: near 0.9
    rng = np.random.default_rng(9)
    cover = np.mean([lo <= 1.0 <= hi for lo, hi in
                     (bootstrap_ci(np.mean, rng.exponential(size=40), 500, 0.9, rng)
                      for _ in range(400))])
    assert 0.80 < cover < 0.95


def test_bootstrap_ci_is_close_to_scipy_percentile_bootstrap():
    x = np.random.default_rng(10).normal(size=50)
    ours = bootstrap_ci(np.median, x, n_resamples=20_000, level=0.95, random_state=0)
    ref = stats.bootstrap((x,), np.median, n_resamples=20_000, confidence_level=0.95,
                          method="percentile", random_state=1).confidence_interval
    np.testing.assert_allclose(ours, (ref.low, ref.high), atol=0.05)


# ---------------------------------------------------------------------------------------------
# tests
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("call, match", [
    (lambda: gaussian_mle([1.0]), "at least 2"),
    (lambda: gaussian_mle([1.0, 1.0]), "single distinct value"),
    (lambda: gaussian_mle([1.0, np.nan]), "NaN"),
    (lambda: gaussian_mle([[1.0, 2.0]]), "1-D"),
    (lambda: bernoulli_mle([0, 2]), "only 0 and 1"),
    (lambda: beta_bernoulli_posterior([1, 0], a=0), "a must be > 0"),
    (lambda: beta_bernoulli_posterior([1, 0], b=np.inf), "b must be finite"),
    (lambda: gaussian_mean_posterior([1.0], sigma=-1), "sigma must be > 0"),
    (lambda: gaussian_mean_posterior([1.0], sigma=1, prior_std=0), "prior_std"),
    (lambda: mean_interval([1.0, 2.0], level=1.0), "level must be < 1"),
    (lambda: mean_interval([1.0], level=0.9), "at least 2"),
    (lambda: wald_interval(5, 4), "k must satisfy"),
    (lambda: wilson_interval(1, 0), "n must be >= 1"),
    (lambda: wilson_interval(1.5, 4), "integer count"),
    (lambda: bootstrap_ci(np.median, [1.0, 2.0, np.inf]), "NaN or infinity"),
    (lambda: bootstrap_ci(np.median, [1.0, 2.0], n_resamples=0), "n_resamples"),
    (lambda: bootstrap_ci(lambda s, axis: 0.0, [1.0, 2.0], n_resamples=5), "axis argument"),
    (lambda: mcnemar_test([0, 1], [0, 1], [0]), "same length"),
    (lambda: mcnemar_test([0, 1], [0, 1], [0, 1], exact=1), "exact must be a bool"),
    (lambda: paired_t_test([1.0, 2.0], [0.0, 1.0]), "all equal"),
    (lambda: paired_t_test([1.0, 2.0], [1.0, 2.0, 3.0]), "same length"),
    (lambda: paired_permutation_test(np.zeros(21), np.ones(21), None), "n <= 20"),
    (lambda: paired_permutation_test([1.0], [0.0], n_permutations=0), "n_permutations"),
    (lambda: bonferroni([0.5, 1.5]), r"\[0, 1\]"),
])
def test_bad_input_raises_a_clear_error(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_bootstrap_rejects_a_non_callable_statistic():
    with pytest.raises(TypeError, match="statistic must be callable"):
        bootstrap_ci("median", [1.0, 2.0])
