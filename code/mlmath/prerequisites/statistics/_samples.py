"""The one array check of the statistics chapter's functions: a finite 1-D sample of some size."""

from mlmath.validation import as_finite_array


def sample_array(x, name, *, min_size=1):
    """``x`` as a finite 1-D float array of at least ``min_size`` values.

    :func:`mlmath.validation.as_finite_array`, plus the smallest sample an estimate needs (a
    variance needs two values, a mean one).

    Parameters
    ----------
    x : array-like of shape (n,)
        The sample.
    name : str
        Its name, used in the messages.
    min_size : int, default=1
        The fewest values accepted.

    Returns
    -------
    ndarray of shape (n,)
    """
    arr = as_finite_array(x, name, ndim=1)
    if arr.size < min_size:
        raise ValueError(f"{name} needs at least {min_size} values, got {arr.size}.")
    return arr
