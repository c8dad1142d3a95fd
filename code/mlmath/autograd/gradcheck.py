"""Gradient checking: the engine's Jacobian against central finite differences in float64."""

import numpy as np

from mlmath.autograd.tensor import Tensor, no_grad

__all__ = ["GradcheckError", "gradcheck", "numerical_jacobian", "analytical_jacobian"]


class GradcheckError(AssertionError):
    """Raised by ``gradcheck`` when a backward disagrees with finite differences."""


def _check_inputs(f, inputs):
    if not callable(f):
        raise TypeError(f"f must be callable; got {type(f).__name__}.")
    inputs = list(inputs)
    if not inputs or not all(isinstance(t, Tensor) for t in inputs):
        raise TypeError("inputs must be a non-empty sequence of Tensors.")
    if not any(t.requires_grad for t in inputs):
        raise ValueError("gradcheck: no input has requires_grad=True; nothing to check.")
    for i, t in enumerate(inputs):
        if t.requires_grad and t._backward is not None:
            raise ValueError(f"gradcheck: input {i} is the result of an operation, not a leaf; "
                             "perturbing it would not reach the function. Pass a leaf "
                             "(Tensor(x, requires_grad=True)) and apply the operation inside f.")
        if not np.all(np.isfinite(t.data)):
            raise ValueError(f"gradcheck: input {i} holds NaN or infinite values.")
    return inputs


def numerical_jacobian(f, inputs, eps=1e-6):
    """Jacobians of ``f`` by central differences, one per input that requires grad.

    Parameters
    ----------
    f : callable
        ``f(*inputs) -> Tensor``.
    inputs : sequence of Tensor
        The point (leaves); each input's data is perturbed in place, entry by entry, and
        restored.
    eps : float, default=1e-6
        The step: ``(f(x + eps e_j) - f(x - eps e_j)) / (2 eps)``, error ``O(eps^2)``.

    Returns
    -------
    list of ndarray of shape (f's output size, input size)

    Notes
    -----
    Implements {eq}`eq-backprop-central` of the chapter, entry by entry.
    """
    jacobians = []
    for t in inputs:
        if not t.requires_grad:
            continue
        columns = []
        with no_grad():
            for j in range(t.size):
                entry = np.unravel_index(j, t.shape)  # t.data itself, whatever its memory layout
                saved = t.data[entry]
                t.data[entry] = saved + eps
                up = f(*inputs).data.ravel().copy()
                t.data[entry] = saved - eps
                down = f(*inputs).data.ravel().copy()
                t.data[entry] = saved
                columns.append((up - down) / (2 * eps))
        size = f(*inputs).size
        jacobians.append(np.array(columns).T.reshape(size, t.size))
    return jacobians


def analytical_jacobian(f, inputs):
    """Jacobians of ``f`` from the engine: one ``backward`` per output entry (a one-hot grad).

    Parameters
    ----------
    f : callable
        ``f(*inputs) -> Tensor``.
    inputs : sequence of Tensor
        The point. Their ``.grad`` is restored afterwards.

    Returns
    -------
    list of ndarray of shape (f's output size, input size)
        Row ``i`` is the vector-Jacobian product with the ``i``-th unit vector.
    """
    checked = [t for t in inputs if t.requires_grad]
    saved = [t.grad for t in checked]
    out = f(*inputs)
    rows = [np.zeros((out.size, t.size)) for t in checked]
    try:
        for i in range(out.size):
            unit = np.zeros(out.size)
            unit[i] = 1.0
            for t in checked:
                t.grad = None
            if out.requires_grad:
                out.backward(unit.reshape(out.shape))
            for row, t in zip(rows, checked):
                if t.grad is not None:  # an input the output does not depend on: row of zeros
                    row[i] = t.grad.ravel()
    finally:
        for t, g in zip(checked, saved):
            t.grad = g
    return rows


def gradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-4):
    """Check the engine's gradients of ``f`` at ``inputs`` against central differences.

    Parameters
    ----------
    f : callable
        ``f(*inputs) -> Tensor`` (of any shape), built from the engine's operations.
    inputs : sequence of Tensor
        The point; the inputs with ``requires_grad=True`` are checked (float64 data).
    eps : float, default=1e-6
        Finite-difference step.
    atol, rtol : float, default=1e-5, 1e-4
        Entry ``(i, j)`` passes when ``|analytic - numeric| <= atol + rtol * |numeric|``; a NaN
        on either side fails.

    Returns
    -------
    bool
        True when every entry of every Jacobian passes.

    Raises
    ------
    GradcheckError
        Naming the input and the entry with the largest violation (or the first NaN),
        otherwise.
    ValueError
        If an input that requires grad is not a leaf, or holds NaN or infinite values.

    Notes
    -----
    The numerical Jacobian is {eq}`eq-backprop-central` of the chapter; the analytical one is
    built from one ``backward`` per output entry.
    """
    inputs = _check_inputs(f, inputs)
    numeric = numerical_jacobian(f, inputs, eps)
    analytic = analytical_jacobian(f, inputs)
    positions = [i for i, t in enumerate(inputs) if t.requires_grad]
    for position, num, ana in zip(positions, numeric, analytic):
        excess = np.abs(ana - num) - (atol + rtol * np.abs(num))
        bad = ~(excess <= 0)  # written so that a NaN fails: every comparison with NaN is False
        if bad.any():
            worst = np.where(np.isnan(excess), np.inf, excess)  # the first NaN, else the largest
            row, col = np.unravel_index(np.argmax(worst), excess.shape)
            raise GradcheckError(
                f"gradcheck failed for input {position}: d output[{row}] / d input[{col}] "
                f"(flat indices) is {ana[row, col]:.10g} by backward but {num[row, col]:.10g} "
                f"by central differences (eps={eps}, atol={atol}, rtol={rtol}).")
    return True
