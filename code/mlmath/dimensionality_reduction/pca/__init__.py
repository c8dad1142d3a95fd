"""The code of the chapter principal component analysis (``book/dimensionality_reduction/pca.md``).

Its tests are under ``tests/dimensionality_reduction/pca/``.
"""

from mlmath.dimensionality_reduction.pca.kernel_pca import (
    KernelPCA,
    center_kernel,
    center_kernel_new,
    pairwise_kernel,
    top_eigenpairs,
)
from mlmath.dimensionality_reduction.pca.pca import PCA, choose_n_components
from mlmath.dimensionality_reduction.pca.ppca import (
    ppca_covariance,
    ppca_log_likelihood,
    ppca_ml,
)
from mlmath.dimensionality_reduction.pca.svd import (
    randomized_range_finder,
    randomized_svd,
    svd_flip,
)

__all__ = [
    "svd_flip",
    "randomized_range_finder",
    "randomized_svd",
    "ppca_ml",
    "ppca_covariance",
    "ppca_log_likelihood",
    "PCA",
    "choose_n_components",
    "pairwise_kernel",
    "center_kernel",
    "center_kernel_new",
    "top_eigenpairs",
    "KernelPCA",
]
