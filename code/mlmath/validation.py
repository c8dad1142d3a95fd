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
