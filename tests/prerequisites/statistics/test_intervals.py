"""Tests of mlmath.prerequisites.statistics.intervals: confidence intervals.

The z and t intervals against SciPy and by simulated coverage, Wilson's interval against SciPy's
binomial test and as the roots of the score equation, the exact coverage of Wald and Wilson, and
the percentile bootstrap against hand resampling and SciPy's bootstrap.
"""

import numpy as np
import pytest
from scipy import stats

from mlmath.prerequisites.statistics import (
    bootstrap_ci,
    mean_interval,
    wald_interval,
    wilson_interval,
)
from mlmath.validation import InvalidParameterError


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


@pytest.mark.parametrize("call, match", [
    (lambda: mean_interval([1.0, 2.0], level=1.0),
     r"The 'level' parameter of mean_interval must be a float in \(0, 1\); got 1.0."),
    (lambda: mean_interval([1.0], level=0.9), "at least 2"),
    (lambda: mean_interval([1.0], sigma=0.0), "The 'sigma' parameter of mean_interval"),
    (lambda: wald_interval(5, 4), "k must satisfy"),
    (lambda: wald_interval(1, 4, level=0), "The 'level' parameter of wald_interval"),
    (lambda: wilson_interval(1, 0), "n must be >= 1"),
    (lambda: bootstrap_ci(np.median, [1.0, 2.0, np.inf]), "NaN or infinity"),
    (lambda: bootstrap_ci(np.median, [1.0, 2.0], n_resamples=0),
     "The 'n_resamples' parameter of bootstrap_ci must be an int >= 1; got 0."),
    (lambda: bootstrap_ci(lambda s, axis: 0.0, [1.0, 2.0], n_resamples=5), "axis argument"),
])
def test_bad_input_raises_a_clear_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_bootstrap_rejects_a_non_callable_statistic():
    with pytest.raises(InvalidParameterError,
                       match="The 'statistic' parameter must be a callable; got 'median'."):
        bootstrap_ci("median", [1.0, 2.0])


def test_non_integer_counts_are_refused():
    with pytest.raises(TypeError, match="k must be an integer count"):
        wilson_interval(1.5, 4)
