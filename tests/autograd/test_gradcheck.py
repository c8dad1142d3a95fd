"""gradcheck passes correct backwards and catches a deliberately wrong one."""

import numpy as np
import pytest

from mlmath.autograd import (
    GradcheckError,
    Tensor,
    analytical_jacobian,
    cross_entropy,
    gradcheck,
    numerical_jacobian,
)
from mlmath.autograd.tensor import record

from .helpers import random_arrays


def broken_square(a):
    """x**2 with a wrong backward (2x + 0.01 instead of 2x): gradcheck must catch it."""

    def backward(g):
        return (g * (2 * a.data + 0.01),)

    return record(a.data**2, (a,), backward)


def transposed_matmul(a, b):
    """a @ b with a backward that forgets a transpose where it happens to type-check."""

    def backward(g):
        return g @ b.data, a.data.T @ g  # should be g @ b.T

    return record(a.data @ b.data, (a, b), backward)


def test_gradcheck_catches_a_wrong_backward_and_names_the_worst_entry():
    x = Tensor(random_arrays(0, (2, 3))[0], requires_grad=True)
    with pytest.raises(GradcheckError, match="gradcheck failed for input 0"):
        gradcheck(lambda t: broken_square(t).sum(), [x])
    a, b = (Tensor(v, requires_grad=True) for v in random_arrays(1, (3, 3), (3, 3)))
    with pytest.raises(GradcheckError, match="by backward but"):
        gradcheck(transposed_matmul, [a, b])


def test_gradcheck_passes_the_engine_and_restores_inputs():
    x, w = (Tensor(v, requires_grad=True) for v in random_arrays(2, (4, 3), (3, 2)))
    x.grad = np.full(x.shape, 7.0)
    before = x.data.copy()
    target = np.array([0, 1, 1, 0])
    assert gradcheck(lambda x, w: cross_entropy((x @ w).relu() + x[:, :2], target), [x, w])
    np.testing.assert_array_equal(x.data, before)  # perturbations undone
    np.testing.assert_array_equal(x.grad, 7.0)  # gradients left as they were
    assert w.grad is None


def test_jacobians_of_a_linear_map_are_its_matrix():
    m = random_arrays(3, (3, 4))[0]
    x = Tensor(random_arrays(4, (4,))[0], requires_grad=True)
    f = lambda t: Tensor(m) @ t
    np.testing.assert_allclose(numerical_jacobian(f, [x])[0], m, atol=1e-9)
    np.testing.assert_allclose(analytical_jacobian(f, [x])[0], m, rtol=1e-15)


def nan_backward(a):
    """exp with a backward that returns NaN at the first entry: gradcheck must catch it."""

    def backward(g):
        grad = g * np.exp(a.data)
        grad.flat[0] = np.nan
        return (grad,)

    return record(np.exp(a.data), (a,), backward)


def zero_backward(a):
    """exp with a backward that returns zeros: gradcheck must catch it."""
    return record(np.exp(a.data), (a,), lambda g: (np.zeros_like(g),))


def test_gradcheck_fails_on_nan_gradients():
    x = Tensor([0.5, 1.0, 2.0], requires_grad=True)
    with pytest.raises(GradcheckError, match=r"d output\[0\] / d input\[0\].* is nan by backward"):
        gradcheck(nan_backward, [x])


def test_gradcheck_perturbs_non_contiguous_leaves():
    # a leaf whose .data is not C-contiguous (Fortran order, a transposed view): the
    # perturbations must reach the function
    values = random_arrays(6, (3, 2))[0]
    for data in (np.asfortranarray(values), values.T.copy().T, np.ones((4, 6))[::2, ::3]):
        x = Tensor(values, requires_grad=True)
        x.data = data
        assert not x.data.flags.c_contiguous
        np.testing.assert_allclose(numerical_jacobian(lambda t: t.exp(), [x])[0],
                                   np.diag(np.exp(data).ravel()), rtol=1e-8)
        assert gradcheck(lambda t: t.exp(), [x])
        with pytest.raises(GradcheckError, match="by backward but"):
            gradcheck(zero_backward, [x])


def test_gradcheck_refuses_inputs_that_are_not_leaves():
    base = Tensor(random_arrays(7, (2, 3))[0], requires_grad=True)
    with pytest.raises(ValueError, match="input 0 is the result of an operation, not a leaf"):
        gradcheck(lambda t: t.exp(), [base.T])


def test_inputs_without_grad_are_not_checked_and_bad_calls_are_refused():
    x = Tensor([1.0, 2.0], requires_grad=True)
    c = Tensor([3.0, 4.0])
    assert gradcheck(lambda x, c: (x * c).exp(), [x, c])
    with pytest.raises(ValueError, match="no input has requires_grad"):
        gradcheck(lambda c: c * 2, [c])
    with pytest.raises(ValueError, match="NaN or infinite"):
        gradcheck(lambda t: t * 2, [Tensor([np.nan], requires_grad=True)])
    with pytest.raises(TypeError, match="sequence of Tensors"):
        gradcheck(lambda t: t, [np.ones(2)])
    with pytest.raises(TypeError, match="callable"):
        gradcheck(3, [x])
