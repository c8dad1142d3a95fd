"""Matrix products, indexing, reshape, transpose and concatenate against torch.autograd."""

import numpy as np
import pytest
import torch
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mlmath.autograd import Tensor, concatenate

from .helpers import PROFILE, compare_with_torch, random_arrays, seeds

sides = st.integers(1, 4)


@st.composite
def matmul_shapes(draw):
    """Operand shapes for np.matmul: 1-D and 2-D operands, and broadcast batch axes."""
    n, k, m = draw(sides), draw(sides), draw(sides)
    batch = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=1, max_dims=2,
                                                   max_side=3))
    left = draw(st.sampled_from(["vector", "matrix", "batched"]))
    right = draw(st.sampled_from(["vector", "matrix", "batched"]))
    a = {"vector": (k,), "matrix": (n, k), "batched": (*batch.input_shapes[0], n, k)}[left]
    b = {"vector": (k,), "matrix": (k, m), "batched": (*batch.input_shapes[1], k, m)}[right]
    return a, b


@PROFILE
@given(shapes_=matmul_shapes(), seed=seeds)
@example(shapes_=((3, 1, 2, 4), (1, 5, 4, 3)), seed=0)  # both batched, broadcast both ways
@example(shapes_=((2, 1, 2, 4), (3, 4, 2)), seed=1)  # a batch axis prepended to the second
@example(shapes_=((2, 3, 4), (4,)), seed=2)
@example(shapes_=((4,), (2, 3, 4, 2)), seed=3)
def test_matmul_matches_torch(shapes_, seed):
    arrays = random_arrays(seed, *shapes_)
    compare_with_torch(lambda a, b: a @ b, torch.matmul, arrays, seed)


def test_matmul_with_a_constant_on_either_side():
    w = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    (np.ones((4, 2)) @ w @ np.ones(3)).sum().backward()
    np.testing.assert_array_equal(w.grad, np.full((2, 3), 4.0))


def test_matmul_refuses_misaligned_shapes():
    with pytest.raises(ValueError, match=r"shapes \(2, 3\) and \(2, 3\) do not align"):
        Tensor(np.ones((2, 3))) @ Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match="at least one axis"):
        Tensor(2.0) @ Tensor(np.ones(3))


@st.composite
def indices(draw):
    """A shape and an index into it: slices, integers, integer arrays with repeats."""
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5))
    kind = draw(st.sampled_from(["basic", "array", "mixed"]))
    if kind == "basic":
        return shape, draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
    rows = draw(st.lists(st.integers(-shape[0], shape[0] - 1), min_size=1, max_size=8))
    if kind == "array" or len(shape) == 1:
        return shape, np.array(rows)
    return shape, (np.array(rows), slice(None, None, draw(st.sampled_from([1, 2, -1]))))


@PROFILE
@given(shape_index=indices(), seed=seeds)
@example(shape_index=((3, 4), np.array([True, False, True])), seed=0)  # a boolean mask
@example(shape_index=((2, 3), np.array([[True, False, True], [False, False, True]])), seed=1)
@example(shape_index=((2, 3), (None, slice(None), 1)), seed=2)  # a new axis
@example(shape_index=((2, 3, 2), (Ellipsis, None, np.array([1, 1, 0]))), seed=3)
def test_indexing_matches_torch(shape_index, seed):
    shape, index = shape_index
    x, = random_arrays(seed, shape)
    # torch reads the same entries through their flat positions (torch has no negative steps)
    positions = torch.tensor(np.array(np.arange(x.size).reshape(shape)[index]))
    theirs = lambda t: t.reshape(-1)[positions]
    compare_with_torch(lambda t: t[index], theirs, [x], seed)


def test_a_tensor_index_is_refused():
    x = Tensor([10.0, 20.0, 30.0], requires_grad=True)
    with pytest.raises(TypeError, match="not a Tensor"):
        x[Tensor([True, False, True])]  # would read positions [1, 0, 1]
    with pytest.raises(TypeError, match="not a Tensor"):
        Tensor(np.ones((2, 3)))[Tensor([0.7]), :]


def test_repeated_indices_accumulate():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[np.array([0, 2, 0, 0])].sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 0.0, 1.0])


@PROFILE
@given(shape=hnp.array_shapes(min_dims=1, max_dims=4, max_side=4), seed=seeds,
       data=st.data())
def test_reshape_and_transpose_match_torch(shape, seed, data):
    x, = random_arrays(seed, shape)
    new_shape = (-1, *shape[:0:-1]) if len(shape) > 1 else (x.size,)
    axes = tuple(ax - len(shape) * data.draw(st.booleans())  # negative axes too
                 for ax in data.draw(st.permutations(range(len(shape)))))
    ours = lambda t: t.reshape(new_shape).T.reshape(*x.shape).transpose(*axes)
    theirs = lambda t: t.reshape(new_shape).permute(*range(len(shape))[::-1])\
        .reshape(*x.shape).permute(*axes)
    compare_with_torch(ours, theirs, [x], seed)


@pytest.mark.parametrize("shape, axes", [((2, 2), (-1, 0)), ((2, 3), (-1, 0)), ((2, 3), (-1, -2)),
                                         ((2, 3, 4), (-1, 0, -2)), ((2, 3, 4), (2, -3, 1))])
def test_transpose_with_negative_axes_matches_torch(shape, axes):
    x, = random_arrays(0, shape)
    compare_with_torch(lambda t: t.transpose(*axes), lambda t: t.permute(*axes), [x])
    compare_with_torch(lambda t: t.transpose(axes), lambda t: t.permute(*axes), [x])


def test_transpose_refuses_what_is_not_a_permutation():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(ValueError, match="not a permutation"):
        x.transpose(0)
    with pytest.raises(ValueError, match="repeated axis"):
        x.transpose(-1, 1)
    with pytest.raises(np.exceptions.AxisError):
        x.transpose(0, 2)


@PROFILE
@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4), seed=seeds, data=st.data())
def test_concatenate_matches_torch(shape, seed, data):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    lengths = data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=4))
    shapes_ = [tuple(n if i == axis % len(shape) else s for i, s in enumerate(shape))
               for n in lengths]
    arrays = random_arrays(seed, *shapes_)
    ours = lambda *ts: concatenate(ts, axis=axis)
    theirs = lambda *ts: torch.cat(ts, dim=axis)
    compare_with_torch(ours, theirs, arrays, seed)


def test_concatenate_with_constants_and_refusals():
    x = Tensor(np.ones((2, 2)), requires_grad=True)
    out = concatenate([x, np.zeros((1, 2)), x], axis=0)
    assert out.shape == (5, 2)
    (out * np.arange(5.0)[:, None]).sum().backward()
    np.testing.assert_array_equal(x.grad, [[3.0, 3.0], [5.0, 5.0]])  # rows 0 + 3, 1 + 4
    with pytest.raises(ValueError, match="at least one tensor"):
        concatenate([])
