"""The code of the chapter Linear discriminant analysis (``book/dimensionality_reduction/lda.md``).

Its tests are under ``tests/dimensionality_reduction/lda/``.
"""

from mlmath.dimensionality_reduction.lda.estimators import LinearDiscriminantAnalysis
from mlmath.dimensionality_reduction.lda.posterior import GaussianPosteriorMixin
from mlmath.dimensionality_reduction.lda.qda import QuadraticDiscriminantAnalysis
from mlmath.dimensionality_reduction.lda.scatter import (
    between_class_covariance,
    check_priors,
    class_counts,
    class_means,
    fisher_criterion,
    within_class_covariance,
)
from mlmath.dimensionality_reduction.lda.shrinkage import (
    covariance,
    empirical_covariance,
    ledoit_wolf_shrinkage,
    shrunk_covariance,
)
from mlmath.dimensionality_reduction.lda.solvers import (
    LDASolution,
    check_within_nonsingular,
    gaussian_intercepts,
    solve_eigen,
    solve_lsqr,
    solve_svd,
)

__all__ = [
    "class_counts",
    "class_means",
    "check_priors",
    "within_class_covariance",
    "between_class_covariance",
    "fisher_criterion",
    "empirical_covariance",
    "shrunk_covariance",
    "ledoit_wolf_shrinkage",
    "covariance",
    "LDASolution",
    "gaussian_intercepts",
    "check_within_nonsingular",
    "solve_eigen",
    "solve_lsqr",
    "solve_svd",
    "GaussianPosteriorMixin",
    "LinearDiscriminantAnalysis",
    "QuadraticDiscriminantAnalysis",
]
