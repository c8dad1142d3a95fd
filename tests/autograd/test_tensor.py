"""The Tensor, the graph, the topological order, accumulation, no_grad and unbroadcast."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis.extra import numpy as hnp
from timelimit import time_limit

from mlmath.autograd import Tensor, is_grad_enabled, no_grad, topological_order, unbroadcast

from .helpers import PROFILE, compare_with_torch, random_arrays, seeds


def test_construction_copies_into_float64():
    values = np.array([1, 2, 3])
    t = Tensor(values)
    values[0] = 100
    assert t.data.dtype == np.float64 and t.data[0] == 1.0
    assert (t.shape, t.ndim, t.size, t.requires_grad, t.grad) == ((3,), 1, 3, False, None)
    u = Tensor(t, requires_grad=True)
    assert u.data is not t.data and u.requires_grad
    n = t.numpy()
    n[1] = -1
    assert t.data[1] == 2.0
    d = u.detach()
    assert not d.requires_grad and d.data is not u.data
    assert Tensor(2.5).item() == 2.5
    assert "requires_grad=True" in repr(u)
    with pytest.raises(TypeError, match="complex"):
        Tensor([1 + 2j])


def test_diamond_graph_sums_both_paths():
    # y = x*x + exp(x): x is used three times, u = x*x twice downstream
    x = Tensor(1.5, requires_grad=True)
    u = x * x
    v = x.exp()
    y = u * v + u
    order = topological_order(y)
    position = {id(node): i for i, node in enumerate(order)}
    assert len(order) == len({id(n) for n in order}) == 5  # x, u, v, u*v, y: each once
    for node in order:  # every node after its inputs
        for parent in node._parents:
            assert position[id(parent)] < position[id(node)]
    y.backward()
    expected = 2 * 1.5 * np.exp(1.5) + 1.5**2 * np.exp(1.5) + 2 * 1.5
    assert x.grad == pytest.approx(expected, rel=1e-14)


def test_chain_of_10000_operations_has_no_recursion_error():
    x = Tensor(0.5, requires_grad=True)
    y = x
    with time_limit(30):
        for _ in range(10_000):
            y = y * 1.0001 + 0.0  # 20,000 nodes in a chain
        y.backward()
    assert x.grad == pytest.approx(1.0001**10_000, rel=1e-10)
    assert len(topological_order(y)) == 20_001


def test_gradients_accumulate_over_two_backward_calls_as_in_torch():
    a, b = random_arrays(0, (3, 2), (2,))
    x = Tensor(a, requires_grad=True)
    y = (x * b).tanh().sum()
    y.backward()
    first = x.grad.copy()
    y.backward()  # the graph is kept: a second backward through it is fine
    tx = torch.tensor(a, requires_grad=True)
    ty = (tx * torch.tensor(b)).tanh().sum()
    ty.backward(retain_graph=True)
    ty.backward()
    np.testing.assert_allclose(x.grad, 2 * first, rtol=1e-15)
    np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-12)


def test_only_leaves_receive_grad_and_constants_are_left_alone():
    x = Tensor([1.0, 2.0], requires_grad=True)
    c = Tensor([3.0, 4.0])
    h = x * c
    (h * h).sum().backward()
    assert h.grad is None and c.grad is None
    np.testing.assert_array_equal(x.grad, 2 * c.data**2 * x.data)


def test_max_and_matmul_backward_use_the_values_of_the_forward_pass():
    a, b = random_arrays(2, (3, 2), (2, 4))
    grads = []
    for rebind in (False, True):
        x, w = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
        out = (x @ w).max(axis=0) + x.max()
        if rebind:  # rebinding .data after the forward pass must not change the gradient
            x.data, w.data = -x.data, w.data + 1.0
        out.backward(np.ones(4))
        grads.append((x.grad, w.grad))
    for first, second in zip(*grads):
        np.testing.assert_array_equal(first, second)


def test_backward_errors():
    x = Tensor(np.ones((2, 2)), requires_grad=True)
    with pytest.raises(RuntimeError, match="needs `grad`"):
        (x * 2).backward()
    with pytest.raises(ValueError, match=r"grad has shape \(3,\)"):
        (x * 2).backward(np.ones(3))
    with pytest.raises(RuntimeError, match="does not require grad"):
        Tensor(1.0).exp().backward()


def test_backward_with_an_explicit_grad_is_a_vector_jacobian_product():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).backward(np.array([1.0, 0.0, 2.0]))
    np.testing.assert_array_equal(x.grad, [2.0, 0.0, 12.0])


def test_no_grad_builds_no_graph_and_restores_the_state():
    x = Tensor([1.0], requires_grad=True)
    with no_grad():
        assert not is_grad_enabled()
        y = x * 2
        x.data -= 0.5  # an optimiser step: in place
    assert is_grad_enabled()
    assert not y.requires_grad and y._parents == ()
    assert x.data[0] == 0.5
    with pytest.raises(ZeroDivisionError), no_grad():
        raise ZeroDivisionError
    assert is_grad_enabled()


def test_nested_no_grad_restores_the_state_it_found():
    x = Tensor([1.0], requires_grad=True)
    with no_grad():
        with no_grad():
            assert not is_grad_enabled()
        assert not is_grad_enabled()  # the inner exit restores "disabled", not "enabled"
        y = x * 2
    assert is_grad_enabled() and not y.requires_grad
    assert (x * 2).requires_grad


def test_backward_refuses_an_adjoint_of_the_wrong_shape():
    from mlmath.autograd.tensor import record

    def bad_sum(a):  # a VJP that forgets to broadcast g back to a's shape
        def backward(g):
            return (g,)

        return record(a.data.sum(), (a,), backward)

    x = Tensor(np.ones(3), requires_grad=True)
    with pytest.raises(RuntimeError, match=r"backward of 'bad_sum' returned an adjoint of shape "
                                           r"\(\) for an input of shape \(3,\)"):
        bad_sum(x * 2.0).backward()
    with pytest.raises(RuntimeError, match="'bad_sum'"):
        bad_sum(x).backward()  # directly on a leaf as well
    assert x.grad is None


@PROFILE
@given(shapes_=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=4, max_side=4),
       seed=seeds)
def test_unbroadcast_sums_over_broadcast_axes(shapes_, seed):
    shape, other = shapes_.input_shapes
    grad = np.random.default_rng(seed).standard_normal(shapes_.result_shape)
    # the adjoint of broadcast_to is unbroadcast: <broadcast_to(u), grad> = <u, unbroadcast(grad)>
    u = np.random.default_rng(seed + 1).standard_normal(shape)
    out = unbroadcast(grad, shape)
    assert out.shape == shape
    assert np.sum(np.broadcast_to(u, shapes_.result_shape) * grad) == pytest.approx(
        np.sum(u * out), rel=1e-10, abs=1e-10)


@PROFILE
@given(seed=seeds)
def test_a_composite_random_expression_matches_torch(seed):
    shapes_ = [(4, 3), (3,), (3, 5), (1, 5)]
    arrays = random_arrays(seed, *shapes_)
    rng = np.random.default_rng(seed)
    target = rng.integers(0, 5, size=4)
    index = rng.integers(0, 4, size=6)

    def ours(x, b, w, c):
        from mlmath.autograd import concatenate, cross_entropy

        h = ((x + b).tanh() @ w + c).sigmoid() * 3 - (x**2).mean(axis=1, keepdims=True)
        z = concatenate([h, h[index].max(axis=0, keepdims=True) / 2], axis=0)
        return cross_entropy(z[:4], target) + z.log_softmax(0).T.reshape(-1).sum() * 0.1

    def theirs(x, b, w, c):
        f = torch.nn.functional
        h = ((x + b).tanh() @ w + c).sigmoid() * 3 - (x**2).mean(dim=1, keepdim=True)
        z = torch.cat([h, h[torch.tensor(index)].amax(dim=0, keepdim=True) / 2], dim=0)
        return f.cross_entropy(z[:4], torch.tensor(target)) + torch.log_softmax(
            z, 0).T.reshape(-1).sum() * 0.1

    compare_with_torch(ours, theirs, arrays, seed)
