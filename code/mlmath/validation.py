"""Parameter checks shared by the package's estimators.

scikit-learn's own parameter validation is private; these two helpers give the same kind of
message (the parameter's name, the value received and what is allowed) from public pieces.
"""

import math
from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_scalar
from sklearn.utils.multiclass import check_classification_targets

__all__ = [
    "check_option",
    "check_positive_int",
    "check_nonnegative_float",
    "check_bool",
    "encode_class_labels",
    "check_sample_weight",
    "check_squares_representable",
]


def check_option(value, name, options):
    """Raise ``ValueError`` unless ``value`` is one of ``options``.

    Parameters
    ----------
    value : object
        The parameter's value.
    name : str
        The parameter's name, used in the message.
    options : sequence
        The allowed values.

    Returns
    -------
    value : object
        ``value``, unchanged.
    """
    if isinstance(value, str) or value is None:
        if value in options:
            return value
    raise ValueError(
        f"The '{name}' parameter must be one of {list(options)}; got {value!r}."
    )


def check_positive_int(value, name):
    """Check that ``value`` is an integer ``>= 1`` (``bool`` is refused)."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an int, got a bool.")
    check_scalar(value, name, Integral, min_val=1)
    return int(value)


def check_nonnegative_float(value, name, *, max_val=None, strict=False):
    """Check that ``value`` is a real number ``>= 0`` (``> 0`` when ``strict``), ``<= max_val``."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a float, got a bool.")
    check_scalar(
        value,
        name,
        Real,
        min_val=0.0,
        max_val=max_val,
        include_boundaries=("right" if strict else "both") if max_val is not None
        else ("neither" if strict else "left"),
    )
    if not math.isfinite(value):  # NaN passes the comparisons above
        raise ValueError(f"{name} must be a finite number, got {value}.")
    return float(value)


def check_bool(value, name):
    """Check that ``value`` is a ``bool``."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__}.")
    return value


def encode_class_labels(y, *, min_classes=2):
    """Check classification targets and encode them as ``0, ..., K-1``.

    The shared first step of every classifier's ``fit``: continuous or multi-output targets are
    refused with scikit-learn's message, and a target with fewer than ``min_classes`` distinct
    labels is refused by name (a classifier cannot learn from one class).

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Class labels of any type that ``np.unique`` can sort (integers, strings, ...).
    min_classes : int, default=2
        The fewest distinct labels accepted.

    Returns
    -------
    classes : ndarray of shape (n_classes,)
        The sorted distinct labels (becomes the estimator's ``classes_``).
    y_encoded : ndarray of shape (n_samples,), dtype int
        The index of each sample's label in ``classes``.
    """
    check_classification_targets(y)
    classes, y_encoded = np.unique(np.asarray(y), return_inverse=True)
    if len(classes) < min_classes:
        raise ValueError(
            f"This classifier needs samples of at least {min_classes} classes in y; "
            f"got {len(classes)} class: {classes.tolist()!r}."
        )
    return classes, y_encoded.reshape(-1).astype(np.intp)


def check_sample_weight(sample_weight, n_samples):
    """Validate sample weights: finite, non-negative, not all zero, one per sample.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,) or None
        ``None`` means every sample has weight one.
    n_samples : int

    Returns
    -------
    ndarray of shape (n_samples,)
    """
    if sample_weight is None:
        return np.ones(n_samples)
    sw = np.asarray(sample_weight, dtype=float)
    if sw.ndim == 0:
        sw = np.full(n_samples, float(sw))
    if sw.shape != (n_samples,):
        raise ValueError(
            f"sample_weight.shape == {sw.shape}, expected ({n_samples},): one weight per sample."
        )
    if not np.all(np.isfinite(sw)):
        raise ValueError("sample_weight contains NaN or infinity.")
    if np.any(sw < 0):
        raise ValueError("sample_weight must be non-negative.")
    if not np.any(sw > 0):
        raise ValueError("sample_weight is zero for every sample: there is nothing to fit.")
    return sw


def check_squares_representable(X, *, p=2.0, underflow=True, alternative=None):
    """Refuse data whose squared column norms (sums of ``|x|^p``) overflow or underflow float64.

    Estimators that square the data (normal equations, ridge, gradient descent, coordinate
    descent, the linear SVM and logistic regression solvers, Euclidean distances) would silently
    return zeros, NaN or arbitrary neighbours on such data; the check is one pass over ``X``,
    :math:`O(nd)`, done before any long computation.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    p : float, default=2.0
        The power the estimator raises the data to (the Minkowski exponent of a distance);
        ``inf`` raises nothing, and nothing is checked.
    underflow : bool, default=True
        Also refuse features whose nonzero values are so small that the sum of their powers
        underflows (below the smallest normal float64). Turned off for queries of a fitted
        model: a tiny coordinate of one query is exact enough next to training data.
    alternative : str, default=None
        Another remedy, appended to the message (e.g. a solver that does not square the data).

    Returns
    -------
    X : ndarray
        ``X``, unchanged.
    """
    p = float(p)
    if math.isinf(p):
        return X
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        if p == 2.0:
            col = np.einsum("ij,ij->j", X, X)
        elif p == 1.0:
            col = np.abs(X).sum(axis=0)
        else:
            col = (np.abs(X) ** p).sum(axis=0)
    what = "squared norms" if p == 2.0 else f"sums of |x|^{p:g}"
    verb = "square" if p == 2.0 else f"raise to the power {p:g}"
    remedy = "rescale the features, e.g. with sklearn.preprocessing.StandardScaler"
    if alternative:
        remedy += f", or {alternative}"
    if not np.all(np.isfinite(col)):
        bad = np.flatnonzero(~np.isfinite(col))[:5].tolist()
        raise ValueError(
            f"The {what} of some features (columns {bad}) overflow float64 (values above "
            f"~1e{int(308 // p)}), which would make the result meaningless: {remedy}."
        )
    if underflow:
        tiny = (col < np.finfo(np.float64).tiny) & np.any(X != 0, axis=0)
        if np.any(tiny):
            bad = np.flatnonzero(tiny)[:5].tolist()
            raise ValueError(
                f"Some features (columns {bad}) are too small to {verb} in float64 (values "
                f"below ~1e-{int(308 // p)}: their {what} underflow), which would make the "
                f"result meaningless: {remedy}."
            )
    return X
