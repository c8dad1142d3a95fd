r"""Confidence intervals: for a Gaussian mean, for a proportion, and the percentile bootstrap.

The sections "Confidence intervals" and "The bootstrap" of the statistics chapter
(``book/prerequisites/statistics.md``) derive the :math:`z` and :math:`t` intervals, the Wald
and Wilson intervals for a proportion and the percentile bootstrap interval that these
functions compute; the docstrings name the equations.
"""

from numbers import Integral, Real

import numpy as np
from scipy import stats

from mlmath.prerequisites.statistics._samples import sample_array
from mlmath.validation import Interval, check_callable, check_parameter

__all__ = ["mean_interval", "wald_interval", "wilson_interval", "bootstrap_ci"]

_LEVEL = Interval(Real, 0, 1, closed="neither")


def _counts(k, n):
    """``k`` successes out of ``n`` trials, integers (or integer arrays) with ``0 <= k <= n``."""
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


def _proportion(k, n, level, owner):
    """Checked ``(p_hat, n, z)`` for an interval on a proportion."""
    level = float(check_parameter(level, "level", [_LEVEL], owner=owner))
    k, n = _counts(k, n)
    return k / n, n, _z(level)


def _clipped_interval(centre, half):
    low, high = np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
    return (float(low), float(high)) if low.ndim == 0 else (low, high)


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
    level = float(check_parameter(level, "level", [_LEVEL], owner="mean_interval"))
    check_parameter(sigma, "sigma", [None, Interval(Real, 0, None, closed="neither")],
                    owner="mean_interval")
    if sigma is None:
        x = sample_array(x, "x", min_size=2)
        half = stats.t.ppf(0.5 + level / 2, df=x.size - 1) * x.std(ddof=1) / np.sqrt(x.size)
    else:
        x = sample_array(x, "x")
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
    p, n, z = _proportion(k, n, level, "wald_interval")
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
    p, n, z = _proportion(k, n, level, "wilson_interval")
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
    check_callable(statistic, "statistic")
    n_resamples = int(check_parameter(n_resamples, "n_resamples", [Interval(Integral, 1, None)],
                                      owner="bootstrap_ci"))
    level = float(check_parameter(level, "level", [_LEVEL], owner="bootstrap_ci"))
    x = sample_array(x, "x", min_size=2)
    rng = np.random.default_rng(random_state)
    idx = rng.integers(0, x.size, size=(n_resamples, x.size))
    replicates = np.asarray(statistic(x[idx], axis=-1), dtype=np.float64)
    if replicates.shape != (n_resamples,):
        raise ValueError(f"statistic(samples, axis=-1) must return shape ({n_resamples},), got "
                         f"{replicates.shape}: pass a function with an axis argument.")
    low, high = np.quantile(replicates, [(1 - level) / 2, (1 + level) / 2])
    return float(low), float(high)


