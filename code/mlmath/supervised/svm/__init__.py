"""The code of the chapter Support Vector Machines (``book/supervised/svm.md``).

Its tests are under ``tests/supervised/svm/``.
"""

from mlmath.supervised.svm.kernels import (
    KERNELS,
    check_finite_kernel,
    kernel_description,
    kernel_diagonal,
    kernel_matrix,
    linear_kernel,
    polynomial_kernel,
    rbf_kernel,
    resolve_gamma,
    sigmoid_kernel,
)
from mlmath.supervised.svm.linear_svc import (
    LinearSVC,
    dual_coordinate_descent,
    hinge_dual,
    squared_hinge_dual,
    squared_hinge_newton,
    squared_hinge_primal,
)
from mlmath.supervised.svm.smo import (
    KernelColumns,
    dual_objective,
    kkt_violation,
    smo,
    two_variable_update,
)
from mlmath.supervised.svm.svc import (
    SVC,
    decision_chunk_rows,
    ovr_from_ovo,
    pairwise_coupling,
    platt_sigmoid,
)

__all__ = [
    "KERNELS",
    "linear_kernel",
    "rbf_kernel",
    "polynomial_kernel",
    "sigmoid_kernel",
    "kernel_matrix",
    "kernel_diagonal",
    "resolve_gamma",
    "check_finite_kernel",
    "kernel_description",
    "LinearSVC",
    "squared_hinge_primal",
    "squared_hinge_newton",
    "hinge_dual",
    "squared_hinge_dual",
    "dual_coordinate_descent",
    "KernelColumns",
    "dual_objective",
    "two_variable_update",
    "smo",
    "kkt_violation",
    "SVC",
    "ovr_from_ovo",
    "decision_chunk_rows",
    "platt_sigmoid",
    "pairwise_coupling",
]
