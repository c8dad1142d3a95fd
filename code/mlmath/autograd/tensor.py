"""The engine's core: a ``Tensor`` that records the graph, and reverse-mode ``backward``.

Every operation on tensors returns a new tensor that remembers its inputs (``_parents``) and a
function (``_backward``) mapping the adjoint of its output, an array ``g`` of the output's
shape, to the adjoints of its inputs: a vector-Jacobian product (VJP). ``backward`` orders the
graph topologically, without recursion, and applies the VJPs from the output back to the leaves,
summing the contributions of a node used several times.

Non-finite data are propagated as NumPy propagates them (with NumPy's ``RuntimeWarning`` where
NumPy issues one), as ``torch`` does: ``log(0)`` is ``-inf``, and so on. An engine cannot refuse
them at construction, because a finite input may legitimately overflow inside a graph; the
functions that need finite inputs (``gradcheck``, ``cross_entropy``'s targets) check their own.

Each operation keeps the arrays its backward needs (its inputs' ``.data`` or its own result) at
the moment it runs. Changing such an array IN PLACE (``t.data -= ...``) between the forward pass
and ``backward`` is not detected and gives wrong gradients (``torch`` detects it with version
counters); rebinding ``t.data`` to a new array of the same shape does not affect a recorded
graph.
"""

import contextlib

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

__all__ = ["Tensor", "no_grad", "is_grad_enabled", "unbroadcast", "topological_order", "record"]

_GRAD_ENABLED = True


def is_grad_enabled():
    """Whether operations record the graph now (False inside ``no_grad``)."""
    return _GRAD_ENABLED


@contextlib.contextmanager
def no_grad():
    """A context in which operations build no graph: their results do not require grad.

    Used for parameter updates and evaluation, as ``torch.no_grad``; contexts nest, and each
    restores the state it found. Unlike ``torch.no_grad``, whose switch is per thread, the
    switch is one flag for the whole process: do not record graphs in other threads meanwhile.
    """
    global _GRAD_ENABLED
    previous, _GRAD_ENABLED = _GRAD_ENABLED, False
    try:
        yield
    finally:
        _GRAD_ENABLED = previous


def unbroadcast(grad, shape):
    """Sum a gradient over the axes along which an operand of ``shape`` was broadcast.

    Parameters
    ----------
    grad : ndarray
        The adjoint of a broadcast result; its shape is the broadcast shape.
    shape : tuple of int
        The operand's own shape (it broadcasts to ``grad.shape``).

    Returns
    -------
    ndarray of shape ``shape``
        The adjoint of the operand: broadcasting copies an entry, so the copies' adjoints add.

    Notes
    -----
    Implements {eq}`eq-backprop-unbroadcast` of the chapter.
    """
    lead = grad.ndim - len(shape)  # leading axes that broadcasting prepended
    stretched = tuple(lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1)
    return grad.sum(axis=tuple(range(lead)) + stretched, keepdims=True).reshape(shape)


def normalize_axes(axis, ndim):
    """The axes of a reduction as a sorted tuple of non-negative ints (``None``: all axes)."""
    if axis is None:
        return tuple(range(ndim))
    return tuple(sorted(normalize_axis_tuple(axis, ndim)))


class Tensor:
    """An array of float64 numbers that records the operations applied to it.

    Parameters
    ----------
    data : array_like
        The values; copied into a new float64 array (a ``Tensor`` is unwrapped first).
    requires_grad : bool, default=False
        Whether ``backward`` computes the gradient with respect to this tensor (a leaf).

    Attributes
    ----------
    data : ndarray of float64
        The values; optimisers update it in place (``t.data -= ...``).
    grad : ndarray of ``data``'s shape, or None
        The accumulated gradient of the leaves, after ``backward``; ``None`` before.

    Notes
    -----
    NaN and infinite values are propagated as NumPy and ``torch`` propagate them, not refused:
    see the module's docstring. An in-place change of ``data`` between a forward pass that used
    it and ``backward`` is not detected (``torch`` raises): update parameters after
    ``backward``, as the optimisers do.
    """

    __array_ufunc__ = None  # ndarray (op) Tensor defers to Tensor's reflected operator

    def __init__(self, data, requires_grad=False):
        if isinstance(data, Tensor):
            data = data.data
        if np.iscomplexobj(data):
            raise TypeError("Tensor holds real float64 data; got complex values.")
        self.data = np.array(data, dtype=np.float64)
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self._parents = ()  # the inputs of the operation that made this tensor
        self._backward = None  # g -> adjoints of the parents (a VJP); None for a leaf

    # ---- properties of the array ------------------------------------------------------------
    @property
    def shape(self):
        return self.data.shape

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def size(self):
        return self.data.size

    @property
    def T(self):
        return self.transpose()

    def item(self):
        """The value of a one-element tensor as a Python float."""
        return self.data.item()

    def numpy(self):
        """A copy of the values as an ndarray."""
        return self.data.copy()

    def detach(self):
        """A new leaf with the same values (a copy) that does not require grad."""
        return Tensor(self.data)

    def __repr__(self):
        flag = ", requires_grad=True" if self.requires_grad else ""
        return f"Tensor({np.array2string(self.data, separator=', ')}{flag})"

    def __len__(self):
        return len(self.data)

    # ---- reverse mode -------------------------------------------------------------------------
    def backward(self, grad=None):
        """Accumulate the gradient of this tensor into the ``.grad`` of every leaf it depends on.

        Parameters
        ----------
        grad : array_like of this tensor's shape, optional
            The adjoint of this tensor (the vector of the vector-Jacobian product). May be
            omitted only for a one-element tensor, where it is 1.

        Notes
        -----
        Implements the adjoint recurrence {eq}`eq-backprop-adjoint` of the chapter. Gradients
        accumulate (``leaf.grad += ...``) across calls, as in ``torch``; the graph is kept, so
        ``backward`` may be called again on the same output.
        """
        if not self.requires_grad:
            raise RuntimeError("backward on a tensor that does not require grad: no leaf with "
                               "requires_grad=True was used to compute it.")
        if grad is None:
            if self.size != 1:
                raise RuntimeError(f"backward on a tensor of shape {self.shape} needs `grad`: "
                                   "a gradient is implied only for a one-element output.")
            grad = np.ones(self.shape)
        else:
            grad = np.array(grad.data if isinstance(grad, Tensor) else grad, dtype=np.float64)
            if grad.shape != self.shape:
                raise ValueError(f"grad has shape {grad.shape}; the tensor has shape "
                                 f"{self.shape}.")
        adjoints = {id(self): grad}  # node -> the sum of the adjoints reaching it so far
        for node in reversed(topological_order(self)):  # outputs before their inputs
            g = adjoints.pop(id(node))
            if node._backward is None:  # a leaf: accumulate, as torch does
                node.grad = g.copy() if node.grad is None else node.grad + g
                continue
            for parent, parent_grad in zip(node._parents, node._backward(g), strict=True):
                if parent.requires_grad:  # a node used twice receives the sum of both adjoints
                    _check_shape(parent_grad, parent, node)
                    total = adjoints.get(id(parent))
                    adjoints[id(parent)] = parent_grad if total is None else total + parent_grad

    # ---- operators (the operations live in the ops_* modules) --------------------------------
    def __add__(self, other):
        return ops_elementwise.add(self, other)

    def __radd__(self, other):
        return ops_elementwise.add(other, self)

    def __sub__(self, other):
        return ops_elementwise.sub(self, other)

    def __rsub__(self, other):
        return ops_elementwise.sub(other, self)

    def __mul__(self, other):
        return ops_elementwise.mul(self, other)

    def __rmul__(self, other):
        return ops_elementwise.mul(other, self)

    def __truediv__(self, other):
        return ops_elementwise.div(self, other)

    def __rtruediv__(self, other):
        return ops_elementwise.div(other, self)

    def __pow__(self, other):
        return ops_elementwise.power(self, other)

    def __rpow__(self, other):
        return ops_elementwise.power(other, self)

    def __neg__(self):
        return ops_elementwise.neg(self)

    def __matmul__(self, other):
        return ops_shape.matmul(self, other)

    def __rmatmul__(self, other):
        return ops_shape.matmul(other, self)

    def __getitem__(self, index):
        return ops_shape.getitem(self, index)

    # ---- methods ------------------------------------------------------------------------------
    def exp(self):
        """Elementwise exponential."""
        return ops_elementwise.exp(self)

    def log(self):
        """Elementwise natural logarithm."""
        return ops_elementwise.log(self)

    def tanh(self):
        """Elementwise hyperbolic tangent."""
        return ops_elementwise.tanh(self)

    def sigmoid(self):
        """Elementwise logistic sigmoid, computed without overflow."""
        return ops_elementwise.sigmoid(self)

    def relu(self):
        """Elementwise ``max(x, 0)`` (its derivative at 0 is taken as 0, as in torch)."""
        return ops_elementwise.relu(self)

    def sum(self, axis=None, keepdims=False):
        """Sum over ``axis``; see :func:`mlmath.autograd.ops_reduce.sum`.

        Parameters
        ----------
        axis : int, tuple of int or None, default=None
            The axes summed over (``None``: all).
        keepdims : bool, default=False
            Whether the summed axes are kept with length 1.
        """
        return ops_reduce.sum(self, axis, keepdims)

    def mean(self, axis=None, keepdims=False):
        """Mean over ``axis``.

        Parameters
        ----------
        axis : int, tuple of int or None, default=None
            The axes averaged over (``None``: all).
        keepdims : bool, default=False
            Whether the averaged axes are kept with length 1.
        """
        return ops_reduce.mean(self, axis, keepdims)

    def max(self, axis=None, keepdims=False):
        """Maximum over ``axis``; tied maxima share the gradient equally (``torch.amax``).

        Parameters
        ----------
        axis : int, tuple of int or None, default=None
            The axes reduced (``None``: all).
        keepdims : bool, default=False
            Whether the reduced axes are kept with length 1.
        """
        return ops_reduce.max(self, axis, keepdims)

    def softmax(self, axis=-1):
        """Softmax along ``axis``, computed without overflow.

        Parameters
        ----------
        axis : int, default=-1
            The axis along which the entries sum to one.
        """
        return ops_reduce.softmax(self, axis)

    def log_softmax(self, axis=-1):
        """Logarithm of the softmax along ``axis``, computed without overflow.

        Parameters
        ----------
        axis : int, default=-1
            The axis of the softmax.
        """
        return ops_reduce.log_softmax(self, axis)

    def reshape(self, *shape):
        """The same entries in a new shape (``t.reshape(2, 3)`` or ``t.reshape((2, 3))``).

        Parameters
        ----------
        *shape : int or tuple of int
            The new shape (one entry may be -1).
        """
        return ops_shape.reshape(self, *shape)

    def transpose(self, *axes):
        """Permute the axes (no argument: reverse them, as ``.T``).

        Parameters
        ----------
        *axes : int or tuple of int
            The permutation, as in ``np.transpose``.
        """
        return ops_shape.transpose(self, *axes)


def record(data, parents, backward):
    """Wrap the result of an operation, recording it in the graph when grad is enabled.

    Parameters
    ----------
    data : ndarray
        The operation's result.
    parents : tuple of Tensor
        Its inputs.
    backward : callable
        ``g -> tuple`` of the inputs' adjoints (one per parent, in order; an entry is ignored
        where its parent does not require grad).

    Returns
    -------
    Tensor
        A tensor that requires grad exactly when grad is enabled and some input requires it.
    """
    out = Tensor.__new__(Tensor)  # no copy: a fresh result, or a view of an input (reshape, ...)
    out.data = np.asarray(data, dtype=np.float64)
    out.grad = None
    out.requires_grad = _GRAD_ENABLED and any(p.requires_grad for p in parents)
    out._parents = parents if out.requires_grad else ()
    out._backward = backward if out.requires_grad else None
    return out


def _check_shape(grad, parent, node):
    """Refuse an adjoint whose shape is not its node's: a bug in an operation's backward."""
    if np.shape(grad) != parent.shape:
        parts = getattr(node._backward, "__qualname__", "?").split(".<locals>.")
        op = parts[-2] if len(parts) > 1 else parts[0]  # "mul.<locals>.backward" -> "mul"
        raise RuntimeError(f"the backward of {op!r} returned an adjoint of shape "
                           f"{np.shape(grad)} for an input of shape {parent.shape}.")


def as_tensor(value):
    """``value`` itself if it is a Tensor, else a constant Tensor (no grad) holding it."""
    return value if isinstance(value, Tensor) else Tensor(value)


def topological_order(root):
    """The nodes that ``root`` depends on (and that require grad), inputs before outputs.

    An iterative depth-first search with an explicit stack, so that a chain of any length
    is ordered without reaching Python's recursion limit.

    Parameters
    ----------
    root : Tensor
        The output.

    Returns
    -------
    list of Tensor
        Every node reachable from ``root`` through inputs that require grad, each once, each
        after all of its inputs; ``root`` is last.
    """
    order, visited = [], set()
    stack = [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:  # all of node's inputs are already in ``order``
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))  # revisit node once its inputs are finished
        stack.extend((p, False) for p in node._parents if p.requires_grad and id(p) not in visited)
    return order


# The operation modules import ``Tensor`` and ``record`` from here, so they are imported last.
from mlmath.autograd import ops_elementwise, ops_reduce, ops_shape  # noqa: E402
