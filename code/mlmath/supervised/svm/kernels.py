"""Kernel functions of the support vector machine chapter: linear, RBF, polynomial, sigmoid.

A kernel ``k(x, z)`` is an inner product of feature maps, ``k(x, z) = <phi(x), phi(z)>``; the
functions below return the matrix ``K[i, j] = k(X[i], Z[j])`` of a whole block at once, with the
same parametrisation as scikit-learn and libsvm (``gamma``, ``degree``, ``coef0``).
"""

import numpy as np

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
]

KERNELS = ("linear", "poly", "rbf", "sigmoid")


def linear_kernel(X, Z):
    """Linear kernel ``K = X Z^T``.

    Parameters
    ----------
    X : ndarray of shape (n_samples_X, n_features)
    Z : ndarray of shape (n_samples_Z, n_features)

    Returns
    -------
    K : ndarray of shape (n_samples_X, n_samples_Z)

    Notes
    -----
    Implements {eq}`eq-svm-kernels` (first line) of the support vector machine chapter.
    """
    return X @ Z.T


def rbf_kernel(X, Z, gamma):
    """Gaussian (RBF) kernel ``K[i, j] = exp(-gamma ||x_i - z_j||^2)``.

    The squared distances are expanded as ``||x||^2 + ||z||^2 - 2 x^T z`` (one matrix product)
    and clipped at zero, which rounding can cross for nearby points. Both blocks are first
    centred on the mean of ``Z`` (the kernel is translation invariant): far from the origin,
    say with an offset of ``1e8``, the expansion would otherwise subtract numbers of order
    ``1e16`` to find distances of order one, and lose every digit.

    Parameters
    ----------
    X : ndarray of shape (n_samples_X, n_features)
    Z : ndarray of shape (n_samples_Z, n_features)
    gamma : float
        Inverse squared length scale, ``gamma > 0``.

    Returns
    -------
    K : ndarray of shape (n_samples_X, n_samples_Z)

    Notes
    -----
    Implements {eq}`eq-svm-kernels` (third line) of the support vector machine chapter.
    """
    shift = Z.mean(axis=0) if Z.shape[0] else 0.0
    X, Z = X - shift, Z - shift
    sq = (np.einsum("ij,ij->i", X, X)[:, None] + np.einsum("ij,ij->i", Z, Z)[None, :]
          - 2.0 * (X @ Z.T))                         # (n_X, n_Z) squared distances
    np.maximum(sq, 0.0, out=sq)
    sq *= -gamma
    return np.exp(sq, out=sq)


def polynomial_kernel(X, Z, gamma, degree, coef0):
    """Polynomial kernel ``K = (gamma X Z^T + coef0) ** degree``.

    Parameters
    ----------
    X : ndarray of shape (n_samples_X, n_features)
    Z : ndarray of shape (n_samples_Z, n_features)
    gamma : float
    degree : int
    coef0 : float

    Returns
    -------
    K : ndarray of shape (n_samples_X, n_samples_Z)

    Notes
    -----
    Implements {eq}`eq-svm-kernels` (second line) of the support vector machine chapter.
    """
    K = gamma * (X @ Z.T) + coef0
    return K**degree


def sigmoid_kernel(X, Z, gamma, coef0):
    """Sigmoid kernel ``K = tanh(gamma X Z^T + coef0)`` (not positive semidefinite in general).

    Parameters
    ----------
    X : ndarray of shape (n_samples_X, n_features)
    Z : ndarray of shape (n_samples_Z, n_features)
    gamma : float
    coef0 : float

    Returns
    -------
    K : ndarray of shape (n_samples_X, n_samples_Z)
    """
    return np.tanh(gamma * (X @ Z.T) + coef0)


def kernel_matrix(X, Z, kernel, *, gamma=1.0, degree=3, coef0=0.0):
    """The kernel matrix ``K[i, j] = k(X[i], Z[j])`` of a named kernel.

    Parameters
    ----------
    X : ndarray of shape (n_samples_X, n_features)
    Z : ndarray of shape (n_samples_Z, n_features)
    kernel : {"linear", "poly", "rbf", "sigmoid"}
    gamma, degree, coef0 : float, int, float
        The kernel's parameters (ignored where the kernel has none).

    Returns
    -------
    K : ndarray of shape (n_samples_X, n_samples_Z)
    """
    if kernel == "linear":
        return linear_kernel(X, Z)
    if kernel == "rbf":
        return rbf_kernel(X, Z, gamma)
    if kernel == "poly":
        return polynomial_kernel(X, Z, gamma, degree, coef0)
    if kernel == "sigmoid":
        return sigmoid_kernel(X, Z, gamma, coef0)
    raise ValueError(f"The 'kernel' parameter must be one of {list(KERNELS)}; got {kernel!r}.")


def kernel_diagonal(X, kernel, *, gamma=1.0, degree=3, coef0=0.0):
    """The diagonal ``k(x_i, x_i)`` of the kernel matrix of ``X`` in ``O(nd)``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    kernel, gamma, degree, coef0
        As in :func:`kernel_matrix`.

    Returns
    -------
    diag : ndarray of shape (n_samples,)
    """
    sq = np.einsum("ij,ij->i", X, X)
    if kernel == "linear":
        return sq
    if kernel == "rbf":
        return np.ones(X.shape[0])
    if kernel == "poly":
        return (gamma * sq + coef0) ** degree
    if kernel == "sigmoid":
        return np.tanh(gamma * sq + coef0)
    raise ValueError(f"The 'kernel' parameter must be one of {list(KERNELS)}; got {kernel!r}.")


def resolve_gamma(gamma, X):
    """The numeric ``gamma`` of scikit-learn's ``SVC`` for the training data ``X``.

    ``"scale"`` gives ``1 / (d * X.var())`` (``1`` if ``X`` is constant), ``"auto"`` gives
    ``1 / d``, and a number is returned as a float.

    Parameters
    ----------
    gamma : {"scale", "auto"} or float
    X : ndarray of shape (n_samples, n_features)

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the resulting ``gamma`` is not a finite number (``"scale"`` with data so small or so
        large that ``1 / (d * X.var())`` overflows or ``X.var()`` does), or is ``0`` from
        ``"scale"`` (``X.var()`` infinite).
    """
    if isinstance(gamma, str):
        if gamma == "scale":
            with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
                var = X.var()
                if var == 0:
                    return 1.0
                value = 1.0 / (X.shape[1] * var)
            if not (np.isfinite(var) and np.isfinite(value) and value > 0):
                raise ValueError(
                    "gamma='scale' resolves to 1 / (n_features * X.var()) = "
                    f"{float(value)!r} with X.var() = {float(var)!r}: the data's scale is too "
                    "extreme for floating point. Rescale X (e.g. with StandardScaler) or pass "
                    "a finite numeric gamma.")
            return float(value)
        if gamma == "auto":
            return 1.0 / X.shape[1]
    value = float(gamma)
    if not np.isfinite(value):
        raise ValueError(f"gamma must be a finite number, got {gamma!r}.")
    return value


def check_finite_kernel(values, kernel, what="kernel matrix", **params):
    """Raise a ``ValueError`` if ``values`` (kernel entries) hold an infinity or a NaN.

    Kernel values overflow when the data or the kernel's parameters are extreme (a linear
    kernel of data of order ``1e200``, a polynomial kernel of degree 200); SMO cannot work with
    them (its gaps become NaN), so the error is raised before it starts.

    Parameters
    ----------
    values : ndarray
        Kernel entries.
    kernel : str
        The kernel's name, for the message.
    what : str, default="kernel matrix"
        What ``values`` are, for the message.
    **params
        The kernel's parameters, for the message.
    """
    if not np.isfinite(values).all():
        raise ValueError(
            f"The {kernel_description(kernel, **params)} {what} contains infinite or NaN "
            "values: the data or the kernel parameters are too extreme for floating point. "
            "Rescale X (e.g. with StandardScaler) or use milder kernel parameters.")


_KERNEL_PARAMS = {"linear": (), "rbf": ("gamma",), "poly": ("gamma", "degree", "coef0"),
                  "sigmoid": ("gamma", "coef0")}


def kernel_description(kernel, **params):
    """``'poly' kernel (gamma=..., degree=..., coef0=...)``: the kernel and the parameters it uses,
    for error messages.

    Parameters
    ----------
    kernel : str
        The kernel's name.
    **params
        Kernel parameters; only those the kernel uses are shown.

    Returns
    -------
    str
    """
    used = [f"{k}={params[k]!r}" for k in _KERNEL_PARAMS.get(kernel, ()) if k in params]
    return f"{kernel!r} kernel" + (f" ({', '.join(used)})" if used else "")
