r"""Estimation, intervals and tests: the statistics that machine learning uses.

The code of the statistics chapter (``book/prerequisites/statistics.md``), one module per
concept:

- :mod:`.estimation`: maximum likelihood and MAP estimates for the Gaussian and the Bernoulli
  (:func:`gaussian_mle`, :func:`bernoulli_mle`, :func:`beta_bernoulli_posterior`,
  :func:`gaussian_mean_posterior`);
- :mod:`.intervals`: confidence intervals for a mean and for a proportion, and the percentile
  bootstrap (:func:`mean_interval`, :func:`wald_interval`, :func:`wilson_interval`,
  :func:`bootstrap_ci`);
- :mod:`.hypothesis_tests`: the tests used to compare two models on one test set
  (:func:`mcnemar_test`, :func:`paired_t_test`, :func:`paired_permutation_test`) and
  Bonferroni's correction (:func:`bonferroni`).

Every public name is re-exported here.
"""

from mlmath.prerequisites.statistics.estimation import (
    BetaPosterior,
    bernoulli_mle,
    beta_bernoulli_posterior,
    gaussian_mean_posterior,
    gaussian_mle,
)
from mlmath.prerequisites.statistics.hypothesis_tests import (
    TestResult,
    bonferroni,
    mcnemar_test,
    paired_permutation_test,
    paired_t_test,
)
from mlmath.prerequisites.statistics.intervals import (
    bootstrap_ci,
    mean_interval,
    wald_interval,
    wilson_interval,
)

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
