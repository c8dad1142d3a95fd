"""Elementwise operations against torch.autograd (float64), on random broadcasting shapes."""

import numpy as np
import pytest
import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mlmath.autograd import Tensor, gradcheck

from .helpers import PROFILE, compare_with_torch, random_arrays, seeds, shapes

# pairs of shapes that broadcast together: size-1 axes and missing leading axes included
pairs = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=4)


def _pair(a, b):
    return hnp.BroadcastableShapes(input_shapes=(a, b), result_shape=np.broadcast_shapes(a, b))


# both operands broadcast (a stretched axis on each side, a prepended axis, a 0-d operand)
both_sides = [example(shapes_=_pair((3, 1), (1, 4)), seed=1),
              example(shapes_=_pair((2, 1, 3), (4, 1)), seed=2),
              example(shapes_=_pair((1, 3, 1, 2), (2, 1, 4, 1)), seed=3),
              example(shapes_=_pair((), (2, 3)), seed=4)]


def with_examples(test):
    for ex in both_sides:
        test = ex(test)
    return test


@st.composite
def broadcast_on_both_sides(draw):
    """Two shapes that each broadcast: a size-1 axis in each, where the other has length > 1,
    and maybe leading axes missing from the second (never a's size-1 axis ``i``)."""
    result = draw(hnp.array_shapes(min_dims=2, max_dims=4, min_side=2, max_side=4))
    i, j = draw(st.permutations(range(len(result))))[:2]
    a = tuple(1 if k == i else n for k, n in enumerate(result))
    b = tuple(1 if k == j else n for k, n in enumerate(result))
    b = b[draw(st.integers(0, i)):]  # drop leading axes of b, keeping its axis i
    return _pair(a, b)

BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@PROFILE
@given(shapes_=pairs, seed=seeds)
@with_examples
def test_binary_op_with_broadcasting_matches_torch(name, shapes_, seed):
    ours, theirs = BINARY[name]
    compare_with_torch(ours, theirs, random_arrays(seed, *shapes_.input_shapes), seed)


@pytest.mark.parametrize("name", ["add", "sub", "mul", "div", "pow"])
@settings(PROFILE, max_examples=15)
@given(shapes_=broadcast_on_both_sides(), seed=seeds)
def test_binary_ops_broadcasting_on_both_sides_match_torch(name, shapes_, seed):
    a, b = random_arrays(seed, *shapes_.input_shapes, positive=True)  # bases, denominators > 0
    f = {**{k: v[0] for k, v in BINARY.items()},
         "div": lambda x, y: x / y, "pow": lambda x, y: x**y}[name]
    assert a.shape != shapes_.result_shape != b.shape
    compare_with_torch(f, f, [a, b], seed)


@PROFILE
@given(shapes_=pairs, seed=seeds)
@with_examples
def test_div_with_broadcasting_matches_torch(shapes_, seed):
    a, b = random_arrays(seed, *shapes_.input_shapes)
    b = np.where(b >= 0, 1.0, -1.0) * (0.5 + np.abs(b))  # denominators away from zero
    compare_with_torch(lambda x, y: x / y, lambda x, y: x / y, [a, b], seed)


@PROFILE
@given(shapes_=pairs, seed=seeds)
@with_examples
def test_pow_with_tensor_exponent_matches_torch(shapes_, seed):
    base, = random_arrays(seed, shapes_.input_shapes[0], positive=True)
    exponent, = random_arrays(seed + 7, shapes_.input_shapes[1])
    compare_with_torch(lambda x, y: x**y, lambda x, y: x**y, [base, exponent], seed)


@PROFILE
@given(shape=shapes, seed=seeds)
def test_scalars_on_either_side_match_torch(shape, seed):
    x, = random_arrays(seed, shape, positive=True)
    f = lambda t: (2.0 - t) * 3 + t / 4 - 1.5 / t + t**2 + t**-0.5 + 2.0**t + -t
    compare_with_torch(f, f, [x], seed)


@pytest.mark.parametrize("name", ["exp", "log", "tanh", "sigmoid", "relu"])
@PROFILE
@given(shape=shapes, seed=seeds)
def test_unary_op_matches_torch(name, shape, seed):
    x, = random_arrays(seed, shape, positive=(name == "log"))
    compare_with_torch(lambda t: getattr(t, name)(), lambda t: getattr(t, name)(), [x], seed)


def test_ndarray_on_the_left_defers_to_the_tensor():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = np.array([3.0, 4.0]) * x + np.array([1.0, 1.0])
    assert isinstance(y, Tensor)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])


def test_sigmoid_does_not_overflow_at_large_arguments():
    z = Tensor([-1000.0, -40.0, 0.0, 40.0, 1000.0], requires_grad=True)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = z.sigmoid()
        s.sum().backward()
    expected = torch.sigmoid(torch.tensor(z.data, dtype=torch.float64)).numpy()
    np.testing.assert_allclose(s.data, expected, rtol=1e-15, atol=0)
    assert s.data[0] == 0.0 and s.data[-1] == 1.0
    np.testing.assert_allclose(z.grad, expected * (1 - expected), rtol=1e-12, atol=0)


def test_relu_derivative_at_zero_is_zero_as_torch():
    x = Tensor([-1.0, 0.0, 2.0], requires_grad=True)
    x.relu().sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 1.0])


def test_shapes_that_do_not_broadcast_are_refused():
    with pytest.raises(ValueError, match=r"shapes \(2, 3\) and \(4,\) do not broadcast"):
        Tensor(np.ones((2, 3))) + Tensor(np.ones(4))


def test_nan_and_inf_propagate_as_in_numpy_and_torch():
    # the documented choice: non-finite values are propagated, not refused
    x = Tensor([np.nan, np.inf, 1.0], requires_grad=True)
    with np.errstate(invalid="ignore"):
        y = (x * 2.0).exp()
        y.sum().backward()
    assert np.isnan(y.data[0]) and np.isinf(y.data[1]) and np.isfinite(y.data[2])
    assert np.isnan(x.grad[0]) and np.isinf(x.grad[1])
    with np.errstate(divide="ignore"):
        assert Tensor([0.0]).log().data[0] == -np.inf


def test_gradcheck_on_a_composite_elementwise_expression():
    a, b = (Tensor(v, requires_grad=True) for v in random_arrays(3, (3, 1), (4,), positive=True))
    f = lambda a, b: ((a * b).tanh() + a / b - (a**b).log() + (-b).exp()).sigmoid()
    assert gradcheck(f, [a, b])


def test_pow_at_base_zero_and_exponent_zero_matches_torch():
    # torch's conventions: d(a**0)/da = 0 for every a (also a = 0), d(0**b)/db = 0 for b >= 0
    base = np.array([0.0, 0.0, 0.0, 0.0, 2.0, 3.0, 1.5])
    exponent = np.array([0.0, 1.0, 2.0, 3.0, 0.0, -1.0, 2.5])
    compare_with_torch(lambda a, b: a**b, lambda a, b: a**b, [base, exponent], rtol=1e-14)
    # a constant exponent: negative bases and 0 ** 0 included
    x = np.array([0.0, -2.0, 3.0, -1.5])
    for p in (0.0, 1.0, 2.0, 3.0):
        compare_with_torch(lambda t, p=p: t**p, lambda t, p=p: t**p, [x], rtol=1e-14)
    # a constant base: 0 ** b with b >= 0
    b = np.array([0.0, 0.5, 2.0])
    compare_with_torch(lambda t: 0.0**t, lambda t: torch.tensor(0.0, dtype=torch.float64)**t,
                       [b], rtol=1e-14)


def test_div_gradient_does_not_underflow_at_tiny_denominators():
    # d(x/y)/dy = -x / y**2 = -1e170 at x = y = 1e-170, although y**2 underflows to 0
    x = np.array([1e-170, 3e-200, 1.0])
    y = np.array([1e-170, 1e-190, 1e-100])
    compare_with_torch(lambda a, b: a / b, lambda a, b: a / b, [x, y], rtol=1e-14, atol=0)


@pytest.mark.parametrize("op", ["mul", "div", "pow", "log", "relu", "exp", "tanh", "sigmoid"])
def test_backward_uses_the_values_of_the_forward_pass(op):
    # rebinding .data between forward and backward must not change the gradient
    f = {"mul": lambda a, b: a * b, "div": lambda a, b: a / b, "pow": lambda a, b: a**b,
         "log": lambda a, b: a.log() * b, "relu": lambda a, b: a.relu() * b,
         "exp": lambda a, b: a.exp() * b, "tanh": lambda a, b: a.tanh() * b,
         "sigmoid": lambda a, b: a.sigmoid() * b}[op]
    values = random_arrays(5, (3,), (3,), positive=True)
    expected = []
    for rebind in (False, True):
        a, b = (Tensor(v, requires_grad=True) for v in values)
        out = f(a, b)
        if rebind:
            a.data, b.data = a.data - 3.0 * (op == "relu") + 1.0, b.data * 3.0
        out.backward(np.ones(3))
        expected.append((a.grad, b.grad))
    for first, second in zip(*expected):
        np.testing.assert_array_equal(first, second)
