r"""Hypothesis tests for comparing two models on one test set, and Bonferroni's correction.

The section "Hypothesis tests" of the statistics chapter (``book/prerequisites/statistics.md``)
derives McNemar's test, the paired :math:`t`-test and the paired sign-flip permutation test,
and the Bonferroni correction for several comparisons ("Many comparisons"); the docstrings name
the equations. Accuracy comes from :func:`mlmath.metrics.accuracy_score`.
"""

from collections import namedtuple
from itertools import product
from numbers import Integral

import numpy as np
from scipy import stats

from mlmath.prerequisites.statistics._samples import sample_array
from mlmath.validation import Interval, as_finite_array, check_bool, check_parameter

__all__ = ["mcnemar_test", "paired_t_test", "paired_permutation_test", "bonferroni", "TestResult"]

TestResult = namedtuple("TestResult", ["statistic", "pvalue"])


TestResult.__doc__ = """A test statistic and its p-value.

Parameters
----------
statistic : float
    The test statistic.
pvalue : float
    Its p-value.
"""


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
    check_bool(exact, "exact", owner="mcnemar_test")
    check_bool(correction, "correction", owner="mcnemar_test")
    y_true, pred_a, pred_b = (as_finite_array(v, name, ndim=1, dtype=None) for v, name in
                              ((y_true, "y_true"), (pred_a, "pred_a"), (pred_b, "pred_b")))
    if not y_true.size == pred_a.size == pred_b.size or y_true.size == 0:
        raise ValueError(f"y_true, pred_a and pred_b must have the same, nonzero length; got "
                         f"{y_true.size}, {pred_a.size} and {pred_b.size}.")
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
    """The two paired samples, finite, of one length of at least ``min_size``."""
    a = sample_array(scores_a, "scores_a", min_size=min_size)
    b = sample_array(scores_b, "scores_b", min_size=min_size)
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
    check_parameter(n_permutations, "n_permutations", [None, Interval(Integral, 1, None)],
                    owner="paired_permutation_test")
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
    n_permutations = int(n_permutations)
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
    p = sample_array(pvalues, "pvalues")
    if np.any((p < 0) | (p > 1)):
        raise ValueError("pvalues must lie in [0, 1].")
    return np.minimum(1.0, p.size * p)


