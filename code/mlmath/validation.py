"""Parameter checks shared by the package's estimators.

scikit-learn's own parameter validation is private; these two helpers give the same kind of
message (the parameter's name, the value received and what is allowed) from public pieces.
"""

import math
from numbers import Integral, Real

from sklearn.utils import check_scalar

__all__ = ["check_option", "check_positive_int", "check_nonnegative_float", "check_bool"]


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
