"""Matrix product and the operations that move entries: indexing, reshape, transpose, concatenate.

Their vector-Jacobian products move the adjoint back: ``g @ B^T`` and ``A^T @ g`` for a
product, scattering (with accumulation) for indexing, the inverse reshape or permutation, and
splitting for a concatenation.
"""

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from mlmath.autograd.tensor import Tensor, as_tensor, record, unbroadcast

__all__ = ["matmul", "getitem", "reshape", "transpose", "concatenate"]


def matmul(a, b):
    """Matrix product ``a @ b`` with ``np.matmul``'s rules (1-D, 2-D, batched and broadcast).

    Parameters
    ----------
    a : Tensor or array_like of shape (..., n, k) or (k,)
    b : Tensor or array_like of shape (..., k, m) or (k,)

    Returns
    -------
    Tensor of shape (..., n, m) (an axis of a 1-D operand is dropped, as ``np.matmul``)

    Notes
    -----
    The backward implements {eq}`eq-backprop-matmul-vjp` of the chapter.
    """
    a, b = as_tensor(a), as_tensor(b)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError("matmul: operands must have at least one axis; use * for scalars.")
    if a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
        raise ValueError(f"matmul: shapes {a.shape} and {b.shape} do not align (the last "
                         "axis of the first must equal the second-to-last of the second).")
    x, y = a.data, b.data  # the forward's arrays, kept for the backward

    def backward(g):  # C = A B: VJP (G B^T, A^T G), summed over broadcast batch axes
        a2 = x if x.ndim > 1 else x[None, :]  # a vector as a 1 x k row
        b2 = y if y.ndim > 1 else y[:, None]  # a vector as a k x 1 column
        g2 = g if b.ndim > 1 else g[..., None]  # restore the axes that a vector operand dropped
        g2 = g2 if a.ndim > 1 else g2[..., None, :]
        grad_a = grad_b = None
        if a.requires_grad:
            grad_a = unbroadcast(g2 @ np.swapaxes(b2, -1, -2), a2.shape).reshape(a.shape)
        if b.requires_grad:
            grad_b = unbroadcast(np.swapaxes(a2, -1, -2) @ g2, b2.shape).reshape(b.shape)
        return grad_a, grad_b

    return record(x @ y, (a, b), backward)


def getitem(a, index):
    """``a[index]``: basic (integers, slices) and integer-array indexing, as NumPy.

    Parameters
    ----------
    a : Tensor
    index : int, slice, None, Ellipsis, ndarray of int or bool, or tuple of these
        Any index NumPy accepts. A Tensor index is refused: it holds float64, so a boolean mask
        or a fraction in it would silently become integer positions; pass an ndarray.

    Returns
    -------
    Tensor

    Notes
    -----
    The backward scatters with ``np.add.at``, so an entry selected several times (repeated
    integer indices) receives the sum of its copies' adjoints.
    """
    parts = index if isinstance(index, tuple) else (index,)
    if any(isinstance(part, Tensor) for part in parts):
        raise TypeError("index a Tensor with ints, slices or an integer or boolean ndarray, not "
                        "a Tensor (its float64 values would be read as positions).")

    def backward(g):  # VJP: scatter-add g into a zero array of a's shape
        grad = np.zeros(a.shape)
        np.add.at(grad, index, g)
        return (grad,)

    return record(a.data[index], (a,), backward)


def reshape(a, *shape):
    """The entries of ``a`` in a new shape.

    Parameters
    ----------
    a : Tensor
    *shape : int or tuple of int
        The new shape (``reshape(a, 2, 3)`` or ``reshape(a, (2, 3))``; one entry may be -1).

    Returns
    -------
    Tensor
    """
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])

    def backward(g):  # reshaping moves no value: VJP reshapes g back
        return (g.reshape(a.shape),)

    return record(a.data.reshape(shape), (a,), backward)


def transpose(a, *axes):
    """Permute the axes of ``a`` (no ``axes``: reverse them).

    Parameters
    ----------
    a : Tensor
    *axes : int or tuple of int
        The permutation, as in ``np.transpose`` (``transpose(a, 1, 0)`` or
        ``transpose(a, (1, 0))``).

    Returns
    -------
    Tensor
    """
    if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
        axes = tuple(axes[0])
    axes = tuple(range(a.ndim))[::-1] if not axes else axes
    # negative axes count from the end, as in NumPy; the inverse below needs them non-negative
    axes = normalize_axis_tuple(axes, a.ndim, "axes")  # refuses repeated or out-of-range axes
    if len(axes) != a.ndim:
        raise ValueError(f"transpose: axes {axes} are not a permutation of the {a.ndim} axes "
                         f"of a tensor of shape {a.shape}.")

    def backward(g):  # VJP: the inverse permutation
        return (g.transpose(np.argsort(axes)),)

    return record(a.data.transpose(axes), (a,), backward)


def concatenate(tensors, axis=0):
    """Join tensors along an existing axis, as ``np.concatenate``.

    Parameters
    ----------
    tensors : sequence of Tensor or array_like
        The pieces; their shapes agree except along ``axis``.
    axis : int, default=0
        The axis along which they are joined.

    Returns
    -------
    Tensor
    """
    tensors = tuple(as_tensor(t) for t in tensors)
    if not tensors:
        raise ValueError("concatenate needs at least one tensor.")
    data = np.concatenate([t.data for t in tensors], axis=axis)
    cuts = np.cumsum([t.shape[axis] for t in tensors])[:-1]

    def backward(g):  # VJP: split g at the same places
        return tuple(np.split(g, cuts, axis=axis))

    return record(data, tensors, backward)
