"""The code of the chapter Naive Bayes (``book/supervised/naive_bayes.md``).

Its tests are under ``tests/supervised/naive_bayes/``.
"""

from mlmath.supervised.naive_bayes.base import (
    BaseNB,
    check_class_prior,
    combine_mean_variance,
    weighted_class_moments,
)
from mlmath.supervised.naive_bayes.estimators import (
    BernoulliNB,
    GaussianNB,
    MultinomialNB,
)

__all__ = [
    "BaseNB",
    "combine_mean_variance",
    "weighted_class_moments",
    "check_class_prior",
    "GaussianNB",
    "MultinomialNB",
    "BernoulliNB",
]
