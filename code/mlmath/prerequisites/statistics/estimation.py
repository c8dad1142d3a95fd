r"""Point estimation: maximum likelihood and maximum a posteriori (MAP) estimates.

The sections "Maximum likelihood" and "Maximum a posteriori estimation" of the statistics
chapter (``book/prerequisites/statistics.md``) derive the Gaussian and Bernoulli maximum
likelihood estimates and the conjugate posteriors (Beta–Bernoulli, and a Gaussian prior on a
Gaussian mean) that these functions compute; the docstrings name the equations.
"""

from collections import namedtuple
from numbers import Real

import numpy as np

from mlmath.prerequisites.statistics._samples import sample_array
from mlmath.validation import Interval, check_parameter

__all__ = [
    "gaussian_mle",
    "bernoulli_mle",
    "beta_bernoulli_posterior",
    "gaussian_mean_posterior",
    "BetaPosterior",
]

BetaPosterior = namedtuple("BetaPosterior", ["a", "b", "mean", "map"])


BetaPosterior.__doc__ = """Posterior Beta(a, b) of a Bernoulli parameter, its mean and its mode.

Parameters
----------
a, b : float
    The posterior's parameters.
mean : float
    The posterior mean ``a / (a + b)``.
map : float
    The posterior mode (the MAP estimate), ``nan`` where the density has none.
"""


_POSITIVE = Interval(Real, 0, None, closed="neither")


def _bernoulli_outcomes(x, name):
    """``x`` as a non-empty finite 1-D array of 0s and 1s."""
    arr = sample_array(x, name)
    if not np.all((arr == 0) | (arr == 1)):
        raise ValueError(f"{name} must contain only 0 and 1 (Bernoulli outcomes).")
    return arr


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
    x = sample_array(x, "x", min_size=2)
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
    x = _bernoulli_outcomes(x, "x")
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
    a = float(check_parameter(a, "a", [_POSITIVE], owner="beta_bernoulli_posterior"))
    b = float(check_parameter(b, "b", [_POSITIVE], owner="beta_bernoulli_posterior"))
    x = _bernoulli_outcomes(x, "x") if np.size(x) else np.zeros(0)
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
    owner = "gaussian_mean_posterior"
    sigma = float(check_parameter(sigma, "sigma", [_POSITIVE], owner=owner))
    m0 = float(check_parameter(prior_mean, "prior_mean", [Interval(Real, None, None)],
                               owner=owner))
    tau0 = float(check_parameter(prior_std, "prior_std", [_POSITIVE], owner=owner))
    x = sample_array(x, "x")
    precision = 1 / tau0**2 + x.size / sigma**2
    mean = (m0 / tau0**2 + x.sum() / sigma**2) / precision
    return float(mean), float(np.sqrt(1 / precision))


