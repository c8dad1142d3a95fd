r"""Gradient clipping: rescale by the total norm (direction kept) or clamp each entry.

As ``torch.nn.utils.clip_grad_norm_`` and ``clip_grad_value_``: both act in place on ``p.grad``
and skip parameters whose gradient is ``None``.
"""

import math
from numbers import Real

import numpy as np

from mlmath.validation import Interval, check_parameter

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _grads(parameters, owner):
    if hasattr(parameters, "grad"):  # one parameter, as torch accepts one tensor
        parameters = [parameters]
    try:
        parameters = list(parameters)
    except TypeError:
        raise TypeError(f"{owner} expects parameters (objects with .grad) or an iterable of "
                        f"them; got {type(parameters).__name__}.") from None
    for p in parameters:
        if not hasattr(p, "grad"):
            raise TypeError(f"{owner} expects objects with a .grad attribute; got "
                            f"{type(p).__name__}.")
    return [p.grad for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False):
    r"""Rescale the gradients so that their joint norm is at most ``max_norm``, in place.

    Parameters
    ----------
    parameters : object or iterable
        Objects with ``.grad`` (an ndarray, or ``None``: skipped).
    max_norm : float
        The largest joint norm allowed, >= 0.
    norm_type : float, default=2.0
        The :math:`p` of the :math:`p`-norm, :math:`p \ge 1` or ``math.inf``.
    error_if_nonfinite : bool, default=False
        Raise when the total norm is NaN or infinite (otherwise the gradients become NaN,
        as in torch).

    Returns
    -------
    total_norm : float
        The norm of all the gradients concatenated, *before* clipping.

    Notes
    -----
    Implements {eq}`eq-dlopt-clip` of the chapter: every gradient is multiplied by
    :math:`\min(1, c / (\lVert\mathbf{g}\rVert + 10^{-6}))`, torch's constant included.
    """
    max_norm = float(check_parameter(max_norm, "max_norm", [Interval(Real, 0.0, None)],
                                     owner="clip_grad_norm_"))
    norm_type = float(check_parameter(norm_type, "norm_type",
                                      [Interval(Real, 1.0, math.inf)], owner="clip_grad_norm_"))
    grads = _grads(parameters, "clip_grad_norm_")
    if not grads:
        return 0.0
    if math.isinf(norm_type):
        total = max(float(np.max(np.abs(g))) if np.size(g) else 0.0 for g in grads)
    else:  # the norm of the per-parameter norms, as torch computes it
        norms = np.array([np.linalg.norm(np.ravel(g), ord=norm_type) for g in grads])
        total = float(np.linalg.norm(norms, ord=norm_type))
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"The total norm of order {norm_type} of the gradients is "
                           f"{total}; set error_if_nonfinite=False to clip anyway.")
    coef = min(max_norm / (total + 1e-6), 1.0)
    for g in grads:
        g *= coef
    return total


def clip_grad_value_(parameters, clip_value):
    """Clamp every gradient entry to ``[-clip_value, clip_value]``, in place.

    Parameters
    ----------
    parameters : object or iterable
        Objects with ``.grad`` (an ndarray, or ``None``: skipped).
    clip_value : float
        The bound, >= 0.

    Notes
    -----
    Clipping by value changes the direction of the gradient; {eq}`eq-dlopt-clip` of the
    chapter rescales it instead.
    """
    clip_value = float(check_parameter(clip_value, "clip_value", [Interval(Real, 0.0, None)],
                                       owner="clip_grad_value_"))
    for g in _grads(parameters, "clip_grad_value_"):
        np.clip(g, -clip_value, clip_value, out=g)
