"""The code of the chapter Gaussian mixtures and EM (``book/unsupervised/gaussian_mixtures.md``).

Its tests are under ``tests/unsupervised/gaussian_mixtures/``.
"""

from mlmath.unsupervised.gaussian_mixtures.cholesky import (
    COVARIANCE_TYPES,
    log_det_cholesky,
    precision_cholesky,
    precision_cholesky_from_precisions,
    precisions_from_cholesky,
)
from mlmath.unsupervised.gaussian_mixtures.em import e_step, em, estimate_log_resp, m_step
from mlmath.unsupervised.gaussian_mixtures.estimators import GaussianMixture, n_parameters
from mlmath.unsupervised.gaussian_mixtures.log_density import (
    log_gaussian_density,
    squared_mahalanobis,
)

__all__ = [
    "COVARIANCE_TYPES",
    "precision_cholesky",
    "precision_cholesky_from_precisions",
    "precisions_from_cholesky",
    "log_det_cholesky",
    "squared_mahalanobis",
    "log_gaussian_density",
    "estimate_log_resp",
    "e_step",
    "m_step",
    "em",
    "n_parameters",
    "GaussianMixture",
]
