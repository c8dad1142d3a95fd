r"""Estimation, intervals and tests: the statistics that machine learning uses.

Maximum likelihood and MAP estimates for the Gaussian and the Bernoulli, confidence intervals
(for a mean, for a proportion, and the percentile bootstrap), and the tests used to compare two
models on one test set (McNemar's test, the paired :math:`t`-test and the paired permutation
test), with Bonferroni's correction for several comparisons. The statistics chapter
(``book/prerequisites/statistics.md``) derives every formula; the docstrings name the equations
they implement. Accuracy comes from :func:`mlmath.metrics.accuracy_score`.
"""

from collections import namedtuple
from itertools import product
from numbers import Integral, Real

import numpy as np
from scipy import stats

from mlmath.prerequisites.optimization import _as_finite_vector
from mlmath.validation import check_bool, check_positive_int

__all__ = [
    "gaussian_mle",
    "bernoulli_mle",
    "beta_bernoulli_posterior",
    "gaussian_mean_posterior",
    "mean_interval",
    "wald_interval",
    "wilson_interval",
    "bootstrap_ci",
    "mcnemar_test",
    "paired_t_test",
    "paired_permutation_test",
    "bonferroni",
    "BetaPosterior",
    "TestResult",
]

BetaPosterior = namedtuple("BetaPosterior", ["a", "b", "mean", "map"])
BetaPosterior.__doc__ = """Posterior Beta(a, b) of a Bernoulli parameter, its mean and its mode."""

TestResult = namedtuple("TestResult", ["statistic", "pvalue"])
TestResult.__doc__ = """A test statistic and its p-value."""


# ---------------------------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------------------------

def _as_sample(x, name, *, min_size=1):
    arr = _as_finite_vector(x, name)
    if arr.size < min_size:
        raise ValueError(f"{name} needs at least {min_size} values, got {arr.size}.")
    return arr


def _as_binary_sample(x, name):
    arr = _as_sample(x, name)
    if not np.all((arr == 0) | (arr == 1)):
        raise ValueError(f"{name} must contain only 0 and 1 (Bernoulli outcomes).")
    return arr


def _check_real(value, name, *, low=None, high=None, low_open=True, high_open=True):
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}.")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}.")
    if low is not None and (value < low or (low_open and value == low)):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low}, got {value}.")
    if high is not None and (value > high or (high_open and value == high)):
        raise ValueError(f"{name} must be {'<' if high_open else '<='} {high}, got {value}.")
    return value


def _check_level(level):
    return _check_real(level, "level", low=0.0, high=1.0)


def _check_counts(k, n):
    k_arr, n_arr = np.asarray(k), np.asarray(n)
    for name, arr in (("k", k_arr), ("n", n_arr)):
        if arr.dtype.kind not in "iu":
            raise TypeError(f"{name} must be an integer count (or array of counts), "
                            f"got dtype {arr.dtype}.")
    if np.any(n_arr < 1):
        raise ValueError("n must be >= 1.")
    if np.any(k_arr < 0) or np.any(k_arr > n_arr):
        raise ValueError("k must satisfy 0 <= k <= n.")
    return np.broadcast_arrays(k_arr.astype(np.float64), n_arr.astype(np.float64))


def _z(level):
    return stats.norm.ppf(0.5 + level / 2)


def _proportion(k, n, level):
    """Checked ``(p_hat, n, z)`` for an interval on a proportion."""
    level = _check_level(level)
    k, n = _check_counts(k, n)
    return k / n, n, _z(level)


def _clipped_interval(centre, half):
    low, high = np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
    return (float(low), float(high)) if low.ndim == 0 else (low, high)


# ---------------------------------------------------------------------------------------------
# maximum likelihood and MAP
# ---------------------------------------------------------------------------------------------

def gaussian_mle(x):
    r"""Maximum likelihood estimates of the mean and variance of a Gaussian sample.

    Parameters
    ----------
    x : array-like of shape (n,)
        The sample, finite, with at least two distinct values.

    Returns
    -------
    mu : float
        :math:`\hat\mu = \bar x`.
    sigma2 : float
        :math:`\hat\sigma^2 = \frac1n\sum_i (x_i - \bar x)^2` (divisor :math:`n`, not
        :math:`n - 1`: the MLE is biased).

    Notes
    -----
    Implements {eq}`eq-stat-gaussian-mle` of the statistics chapter.
    """
    x = _as_sample(x, "x", min_size=2)
    mu = x.mean()
    sigma2 = np.mean((x - mu) ** 2)
    if sigma2 == 0:
        raise ValueError("x has a single distinct value: the Gaussian likelihood is unbounded "
                         "as sigma2 -> 0 and has no maximiser.")
    return float(mu), float(sigma2)


def bernoulli_mle(x):
    r"""Maximum likelihood estimate :math:`\hat\theta = k/n` of a Bernoulli parameter.

    Parameters
    ----------
    x : array-like of shape (n,)
        Outcomes in :math:`\{0, 1\}`.

    Returns
    -------
    p : float
        The fraction of ones.

    Notes
    -----
    Implements {eq}`eq-stat-bernoulli-mle` of the statistics chapter.
    """
    x = _as_binary_sample(x, "x")
    return float(x.mean())


def beta_bernoulli_posterior(x, a=1.0, b=1.0):
    r"""Posterior of a Bernoulli parameter under a :math:`\mathrm{Beta}(a, b)` prior.

    Parameters
    ----------
    x : array-like of shape (n,)
        Outcomes in :math:`\{0, 1\}` (may be empty: the posterior is then the prior).
    a, b : float, default=1.0
        The prior's parameters, ``> 0``: :math:`a` prior successes and :math:`b` prior failures
        as pseudo-counts. ``a = b = 1`` is the uniform prior.

    Returns
    -------
    BetaPosterior
        ``a``, ``b``: the posterior :math:`\mathrm{Beta}(a + k, b + n - k)`; ``mean``: the
        posterior mean :math:`(a + k)/(a + b + n)`; ``map``: the posterior mode
        :math:`(a + k - 1)/(a + b + n - 2)` when both posterior parameters are :math:`\ge 1` and
        not both equal to 1, else ``nan`` (the density is then flat or unbounded).

    Notes
    -----
    Implements {eq}`eq-stat-beta-posterior` and {eq}`eq-stat-beta-map-mean` of the statistics
    chapter.
    """
    x = _as_binary_sample(x, "x") if np.size(x) else np.zeros(0)
    a = _check_real(a, "a", low=0.0)
    b = _check_real(b, "b", low=0.0)
    k, n = x.sum(), x.size
    a_n, b_n = a + k, b + n - k
    mean = a_n / (a_n + b_n)
    mode = (a_n - 1) / (a_n + b_n - 2) if a_n >= 1 and b_n >= 1 and a_n + b_n > 2 else np.nan
    return BetaPosterior(float(a_n), float(b_n), float(mean), float(mode))


def gaussian_mean_posterior(x, sigma, prior_mean=0.0, prior_std=1.0):
    r"""Posterior of a Gaussian mean with known noise under a Gaussian prior.

    The model is :math:`x_i \mid \mu \sim \Normal(\mu, \sigma^2)` independently, with prior
    :math:`\mu \sim \Normal(\mu_0, \tau_0^2)`.

    Parameters
    ----------
    x : array-like of shape (n,)
        The sample.
    sigma : float
        The known noise standard deviation, ``> 0``.
    prior_mean, prior_std : float, default=0.0, 1.0
        :math:`\mu_0` and :math:`\tau_0 > 0`.

    Returns
    -------
    mean : float
        The posterior mean :math:`\mu_n`, which is also the MAP estimate.
    std : float
        The posterior standard deviation :math:`\tau_n`.

    Notes
    -----
    Implements {eq}`eq-stat-gaussian-posterior` of the statistics chapter.
    """
    x = _as_sample(x, "x")
    sigma = _check_real(sigma, "sigma", low=0.0)
    m0 = _check_real(prior_mean, "prior_mean")
    tau0 = _check_real(prior_std, "prior_std", low=0.0)
    precision = 1 / tau0**2 + x.size / sigma**2
    mean = (m0 / tau0**2 + x.sum() / sigma**2) / precision
    return float(mean), float(np.sqrt(1 / precision))


# ---------------------------------------------------------------------------------------------
# confidence intervals
# ---------------------------------------------------------------------------------------------

def mean_interval(x, level=0.95, *, sigma=None):
    r"""Confidence interval for the mean of a Gaussian sample.

    Parameters
    ----------
    x : array-like of shape (n,)
        The sample (``n >= 2`` when ``sigma`` is ``None``).
    level : float, default=0.95
        The confidence level :math:`1 - \delta`, in :math:`(0, 1)`.
    sigma : float or None, default=None
        The known standard deviation: the exact :math:`z` interval. ``None``: Student's
        :math:`t` interval with the sample standard deviation.

    Returns
    -------
    low, high : float

    Notes
    -----
    Implements {eq}`eq-stat-z-interval` and {eq}`eq-stat-t-interval` of the statistics chapter.
    """
    level = _check_level(level)
    if sigma is None:
        x = _as_sample(x, "x", min_size=2)
        half = stats.t.ppf(0.5 + level / 2, df=x.size - 1) * x.std(ddof=1) / np.sqrt(x.size)
    else:
        x = _as_sample(x, "x")
        sigma = _check_real(sigma, "sigma", low=0.0)
        half = _z(level) * sigma / np.sqrt(x.size)
    return float(x.mean() - half), float(x.mean() + half)


def wald_interval(k, n, level=0.95):
    r"""Wald interval :math:`\hat\theta \pm z\sqrt{\hat\theta(1-\hat\theta)/n}` for a proportion.

    Parameters
    ----------
    k : int or array-like of int
        Numbers of successes, :math:`0 \le k \le n`.
    n : int or array-like of int
        Numbers of trials, ``>= 1``; broadcast against ``k``.
    level : float, default=0.95
        The confidence level, in :math:`(0, 1)`.

    Returns
    -------
    low, high : ndarray (or float for scalar input)
        Clipped to :math:`[0, 1]`.

    Notes
    -----
    Implements {eq}`eq-stat-wald` of the statistics chapter.
    """
    p, n, z = _proportion(k, n, level)
    return _clipped_interval(p, z * np.sqrt(p * (1 - p) / n))


def wilson_interval(k, n, level=0.95):
    r"""Wilson's score interval for a proportion.

    Parameters
    ----------
    k, n, level
        As in :func:`wald_interval`: successes :math:`0 \le k \le n`, trials ``n >= 1``
        (arrays broadcast together), confidence level in :math:`(0, 1)`.

    Returns
    -------
    low, high : ndarray (or float for scalar input)
        The two roots of the quadratic inequality of the score test; always in :math:`[0, 1]`.

    Notes
    -----
    Implements {eq}`eq-stat-wilson` of the statistics chapter.
    """
    p, n, z = _proportion(k, n, level)
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return _clipped_interval(centre, half)


def bootstrap_ci(statistic, x, n_resamples=2000, level=0.95, random_state=None):
    r"""Percentile bootstrap confidence interval for a statistic of one sample.

    Parameters
    ----------
    statistic : callable
        ``statistic(samples, axis=-1)`` returns the statistic of each row of a 2-D array, as
        ``np.mean`` and ``np.median`` do.
    x : array-like of shape (n,)
        The sample, ``n >= 2``.
    n_resamples : int, default=2000
        Number :math:`n_{\text{boot}}` of bootstrap samples.
    level : float, default=0.95
        The confidence level :math:`1 - \delta`, in :math:`(0, 1)`.
    random_state : int, Generator or None, default=None
        Seed of the resampling.

    Returns
    -------
    low, high : float
        The :math:`\delta/2` and :math:`1 - \delta/2` quantiles of the :math:`n_{\text{boot}}`
        bootstrap replicates.

    Notes
    -----
    Implements the percentile interval {eq}`eq-stat-percentile` of the statistics chapter.
    Memory is :math:`O(n_{\text{boot}}n)`: the resamples are drawn at once.
    """
    if not callable(statistic):
        raise TypeError("statistic must be callable, e.g. np.median.")
    x = _as_sample(x, "x", min_size=2)
    n_resamples = check_positive_int(n_resamples, "n_resamples")
    level = _check_level(level)
    rng = np.random.default_rng(random_state)
    idx = rng.integers(0, x.size, size=(n_resamples, x.size))
    replicates = np.asarray(statistic(x[idx], axis=-1), dtype=np.float64)
    if replicates.shape != (n_resamples,):
        raise ValueError(f"statistic(samples, axis=-1) must return shape ({n_resamples},), got "
                         f"{replicates.shape}: pass a function with an axis argument.")
    low, high = np.quantile(replicates, [(1 - level) / 2, (1 + level) / 2])
    return float(low), float(high)


# ---------------------------------------------------------------------------------------------
# tests for comparing two models
# ---------------------------------------------------------------------------------------------

def mcnemar_test(y_true, pred_a, pred_b, *, exact=True, correction=True):
    r"""McNemar's test of equal accuracy of two classifiers on the same test set.

    Parameters
    ----------
    y_true, pred_a, pred_b : array-like of shape (n,)
        True labels and the two classifiers' predicted labels.
    exact : bool, default=True
        ``True``: the exact binomial test; the statistic is :math:`n_{10}`, the number of
        samples that A gets right and B wrong. ``False``: the chi-square approximation.
    correction : bool, default=True
        With ``exact=False``, use the continuity-corrected statistic
        :math:`(\max(|n_{10} - n_{01}| - 1, 0))^2/(n_{10} + n_{01})`: the correction moves
        the statistic towards zero but not past it, so that :math:`n_{10} = n_{01}` gives 0
        and a p-value of 1, as the exact test does.

    Returns
    -------
    TestResult
        ``statistic`` and the two-sided ``pvalue`` (1 when no sample is discordant).

    Notes
    -----
    Implements {eq}`eq-stat-mcnemar-exact` and {eq}`eq-stat-mcnemar-chi2` of the statistics
    chapter.
    """
    y_true, pred_a, pred_b = (np.asarray(v) for v in (y_true, pred_a, pred_b))
    for name, arr in (("y_true", y_true), ("pred_a", pred_a), ("pred_b", pred_b)):
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(f"{name} must be a non-empty 1-D array, got shape {arr.shape}.")
        if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} contains NaN or infinity.")
    if not y_true.size == pred_a.size == pred_b.size:
        raise ValueError(f"y_true, pred_a and pred_b must have the same length, got "
                         f"{y_true.size}, {pred_a.size} and {pred_b.size}.")
    check_bool(exact, "exact")
    check_bool(correction, "correction")
    right_a, right_b = pred_a == y_true, pred_b == y_true
    n10 = int(np.sum(right_a & ~right_b))
    n01 = int(np.sum(~right_a & right_b))
    m = n10 + n01
    if exact:
        pvalue = 1.0 if m == 0 else min(1.0, 2 * stats.binom.cdf(min(n10, n01), m, 0.5))
        return TestResult(float(n10), float(pvalue))
    if m == 0:
        return TestResult(0.0, 1.0)
    diff = abs(n10 - n01) - (1 if correction else 0)
    statistic = max(diff, 0) ** 2 / m
    return TestResult(float(statistic), float(stats.chi2.sf(statistic, df=1)))


def _paired_scores(scores_a, scores_b, min_size):
    a = _as_sample(scores_a, "scores_a", min_size=min_size)
    b = _as_sample(scores_b, "scores_b", min_size=min_size)
    if a.size != b.size:
        raise ValueError(f"scores_a and scores_b must have the same length, got {a.size} "
                         f"and {b.size}.")
    return a, b


def paired_t_test(scores_a, scores_b):
    r"""Two-sided paired :math:`t`-test of zero mean difference.

    Parameters
    ----------
    scores_a, scores_b : array-like of shape (n,)
        Paired scores (``n >= 2``), e.g. the per-sample losses of two models on one test set.

    Returns
    -------
    TestResult
        :math:`t = \bar\Delta/(s_\Delta/\sqrt n)` and its two-sided p-value from Student's
        distribution with :math:`n - 1` degrees of freedom.

    Notes
    -----
    Implements {eq}`eq-stat-paired-t` of the statistics chapter.
    """
    a, b = _paired_scores(scores_a, scores_b, 2)
    d = a - b
    s = d.std(ddof=1)
    if s == 0:
        raise ValueError("the differences scores_a - scores_b are all equal: the t statistic "
                         "is undefined.")
    t = d.mean() / (s / np.sqrt(d.size))
    return TestResult(float(t), float(2 * stats.t.sf(abs(t), df=d.size - 1)))


def paired_permutation_test(scores_a, scores_b, n_permutations=9999, random_state=None):
    r"""Two-sided sign-flip permutation test of equal mean for paired scores.

    Under the null hypothesis each pair :math:`(a_i, b_i)` is exchangeable, so the sign of each
    difference :math:`\Delta_i = a_i - b_i` is a fair coin given :math:`|\Delta_i|`. The statistic
    is :math:`|\bar\Delta|`.

    Parameters
    ----------
    scores_a, scores_b : array-like of shape (n,)
        Paired scores.
    n_permutations : int or None, default=9999
        An integer :math:`n_{\text{perm}}`: the Monte Carlo p-value :math:`(1 + \#\{|\bar\Delta^*|
        \ge |\bar\Delta|\})/(1 + n_{\text{perm}})` over :math:`n_{\text{perm}}` sign patterns
        drawn independently and uniformly, for any ``n``. ``None``: all :math:`2^n` patterns,
        the exact p-value :math:`\#\{|\bar\Delta^*| \ge |\bar\Delta|\}/2^n`, allowed only for
        ``n <= 20``.
    random_state : int, Generator or None, default=None
        Seed of the random signs.

    Returns
    -------
    TestResult
        ``statistic`` :math:`\bar\Delta` and the two-sided ``pvalue``.

    Notes
    -----
    Implements {eq}`eq-stat-permutation-pvalue` of the statistics chapter.
    """
    a, b = _paired_scores(scores_a, scores_b, 1)
    d = a - b
    observed = abs(d.mean())
    tol = 1e-12 * max(1.0, float(np.abs(d).max()))      # ties up to rounding count as ties
    if n_permutations is None:
        if d.size > 20:
            raise ValueError(f"exact enumeration of 2^n sign patterns needs n <= 20, got "
                             f"n = {d.size}: pass n_permutations.")
        signs = np.array(list(product([1.0, -1.0], repeat=d.size)))
        null = np.abs(signs @ d) / d.size
        return TestResult(float(d.mean()), float(np.mean(null >= observed - tol)))
    if not isinstance(n_permutations, Integral):
        raise TypeError(f"n_permutations must be an int or None, got "
                        f"{type(n_permutations).__name__}.")
    n_permutations = check_positive_int(n_permutations, "n_permutations")
    rng = np.random.default_rng(random_state)
    signs = rng.choice(np.array([-1.0, 1.0]), size=(n_permutations, d.size))
    null = np.abs(signs @ d) / d.size
    pvalue = (1 + np.sum(null >= observed - tol)) / (1 + n_permutations)
    return TestResult(float(d.mean()), float(pvalue))


def bonferroni(pvalues):
    r"""Bonferroni-adjusted p-values :math:`\min(1, N\,p_j)` for :math:`N` tests.

    Rejecting the hypotheses whose adjusted p-value is at most :math:`\delta` keeps the
    probability of any false rejection at most :math:`\delta`.

    Parameters
    ----------
    pvalues : array-like of shape (N,)
        p-values in :math:`[0, 1]`.

    Returns
    -------
    ndarray of shape (N,)

    Notes
    -----
    Implements {eq}`eq-stat-bonferroni` of the statistics chapter.
    """
    p = _as_sample(pvalues, "pvalues")
    if np.any((p < 0) | (p > 1)):
        raise ValueError("pvalues must lie in [0, 1].")
    return np.minimum(1.0, p.size * p)
