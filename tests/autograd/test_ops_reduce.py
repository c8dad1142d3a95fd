"""Reductions, the softmax family and cross-entropy against torch.autograd (float64)."""

import numpy as np
import pytest
import torch
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mlmath.autograd import Tensor, cross_entropy

from .helpers import PROFILE, compare_with_torch, random_arrays, seeds

TORCH_REDUCTIONS = {
    "sum": lambda t, axis, keepdims: t.sum(dim=axis, keepdim=keepdims),
    "mean": lambda t, axis, keepdims: t.mean(dim=axis, keepdim=keepdims),
    "max": lambda t, axis, keepdims: t.amax(dim=() if axis is None else axis, keepdim=keepdims),
}


@st.composite
def shape_and_axis(draw, min_dims=1):
    """A shape and a reduction axis: None, one axis, or a tuple of axes (negative ones included).

    A 0-d shape gets ``None`` (an empty tuple of axes is tested apart: torch reads ``dim=()``
    as all axes, NumPy as none).
    """
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=4, min_side=1, max_side=4))
    kind = draw(st.sampled_from(["none", "int", "tuple"]))
    if kind == "none" or not shape:
        return shape, None
    if kind == "int":
        return shape, draw(st.integers(-len(shape), len(shape) - 1))
    axes = draw(st.lists(st.integers(0, len(shape) - 1), min_size=1, unique=True))
    return shape, tuple(ax - len(shape) * draw(st.booleans()) for ax in axes)  # signed


@pytest.mark.parametrize("name", sorted(TORCH_REDUCTIONS))
@PROFILE
@given(shape_axis=shape_and_axis(min_dims=0), keepdims=st.booleans(), seed=seeds)
@example(shape_axis=((), None), keepdims=False, seed=0)
@example(shape_axis=((), None), keepdims=True, seed=1)
@example(shape_axis=((2, 3, 4), (-1, 0)), keepdims=False, seed=2)
@example(shape_axis=((2, 3, 4), (-3, -2)), keepdims=True, seed=3)
def test_reduction_matches_torch(name, shape_axis, keepdims, seed):
    shape, axis = shape_axis
    x, = random_arrays(seed, shape)
    ours = lambda t: getattr(t, name)(axis=axis, keepdims=keepdims)
    theirs = lambda t: TORCH_REDUCTIONS[name](t, axis, keepdims)
    compare_with_torch(ours, theirs, [x], seed)


@PROFILE
@given(shape_axis=shape_and_axis(), keepdims=st.booleans(), seed=seeds)
def test_max_with_ties_shares_the_gradient_as_torch_amax(shape_axis, keepdims, seed):
    shape, axis = shape_axis
    x = np.random.default_rng(seed).integers(0, 3, size=shape).astype(float)  # many ties
    ours = lambda t: t.max(axis=axis, keepdims=keepdims)
    theirs = lambda t: TORCH_REDUCTIONS["max"](t, axis, keepdims)
    compare_with_torch(ours, theirs, [x], seed)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@PROFILE
@given(shape_axis=shape_and_axis(), seed=seeds)
def test_softmax_family_matches_torch(name, shape_axis, seed):
    shape, axis = shape_axis
    axis = -1 if not isinstance(axis, int) else axis
    x, = random_arrays(seed, shape)
    x = 5 * x
    ours = lambda t: getattr(t, name)(axis=axis)
    theirs = lambda t: getattr(torch, name)(t, dim=axis)
    compare_with_torch(ours, theirs, [x], seed)


@PROFILE
@given(n=st.integers(1, 8), k=st.integers(1, 6), seed=seeds)
def test_cross_entropy_matches_torch(n, k, seed):
    logits, = random_arrays(seed, (n, k))
    target = np.random.default_rng(seed).integers(0, k, size=n)
    ours = lambda t: cross_entropy(t, target)
    theirs = lambda t: torch.nn.functional.cross_entropy(t, torch.tensor(target))
    compare_with_torch(ours, theirs, [3 * logits], seed)


@pytest.mark.parametrize("name", sorted(TORCH_REDUCTIONS))
def test_reduction_over_no_axis_is_the_identity_as_numpy(name):
    x = Tensor(random_arrays(0, (2, 3))[0], requires_grad=True)
    y = getattr(x, name)(axis=())
    np.testing.assert_array_equal(y.data, getattr(x.data, name)(axis=()))
    np.testing.assert_array_equal(y.data, x.data)
    g = random_arrays(1, (2, 3))[0]
    y.backward(g)
    np.testing.assert_array_equal(x.grad, g)


def test_softmax_family_and_cross_entropy_are_stable_at_1000():
    z = np.array([[1000.0, 0.0, -1000.0], [-1000.0, -1000.0, 1000.0]])
    t = torch.tensor(z, dtype=torch.float64)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = Tensor(z, requires_grad=True).softmax()
        s.sum().backward()
        ls = Tensor(z, requires_grad=True).log_softmax()
        ls.sum().backward()
        x = Tensor(z, requires_grad=True)
        loss = cross_entropy(x, np.array([2, 0]))
        loss.backward()
    np.testing.assert_allclose(s.data, torch.softmax(t, 1).numpy(), rtol=1e-15, atol=0)
    np.testing.assert_allclose(ls.data, torch.log_softmax(t, 1).numpy(), rtol=1e-15, atol=0)
    assert np.isfinite(loss.item()) and loss.item() == pytest.approx(2000.0, rel=1e-15)
    assert np.all(np.isfinite(x.grad))


def test_cross_entropy_refuses_bad_targets():
    logits = Tensor(np.zeros((3, 4)), requires_grad=True)
    with pytest.raises(ValueError, match="integer class labels"):
        cross_entropy(logits, np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match="integer class labels"):
        cross_entropy(logits, np.array([True, False, True]))
    with pytest.raises(ValueError, match=r"must lie in \{0, ..., 3\}"):
        cross_entropy(logits, np.array([0, 1, 4]))
    with pytest.raises(ValueError, match=r"must lie in"):
        cross_entropy(logits, np.array([0, -1, 1]))
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        cross_entropy(logits, np.array([0, 1]))
    with pytest.raises(ValueError, match=r"shape \(n, K\)"):
        cross_entropy(Tensor(np.zeros(4)), np.array([0]))
    with pytest.raises(ValueError, match="at least one sample"):
        cross_entropy(Tensor(np.zeros((0, 4))), np.zeros(0, dtype=int))
    with pytest.raises(TypeError, match="must be a Tensor"):
        cross_entropy(np.zeros((3, 4)), np.array([0, 1, 2]))
    with pytest.raises(TypeError, match="integer ndarray of class labels, not a Tensor"):
        cross_entropy(logits, Tensor([0, 1, 2]))
    with pytest.raises(ValueError, match=r"at least one class \(K >= 1\)"):
        cross_entropy(Tensor(np.zeros((3, 0))), np.array([0, 0, 0]))
