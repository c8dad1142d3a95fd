"""clip_grad_norm_ and clip_grad_value_ equal torch.nn.utils's."""

import math

import numpy as np
import pytest
import torch

from mlmath.neural_networks.optim import Parameter, clip_grad_norm_, clip_grad_value_


def _pair(seed, scale):
    rng = np.random.default_rng(seed)
    shapes = [(3, 4), (5,), (2, 2)]
    ours, theirs = [], []
    for k, shape in enumerate(shapes):
        g = scale * rng.normal(size=shape)
        p = Parameter(np.zeros(shape))
        t = torch.zeros(shape, dtype=torch.float64, requires_grad=True)
        if k != 2:  # the last has no gradient: skipped by both
            p.grad, t.grad = g.copy(), torch.tensor(g)
        ours.append(p)
        theirs.append(t)
    return ours, theirs


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
@pytest.mark.parametrize("max_norm", [0.5, 1e3])
def test_clip_grad_norm_equals_torch(norm_type, max_norm):
    ours, theirs = _pair(0, 2.0)
    before = [p.grad.copy() for p in ours[:2]]
    total = clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    ttotal = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    assert total == pytest.approx(ttotal.item(), rel=1e-12)
    for p, t in zip(ours, theirs):
        if t.grad is None:
            assert p.grad is None
        else:
            np.testing.assert_allclose(p.grad, t.grad.numpy(), rtol=1e-12, atol=0)
    if max_norm < total:  # clipped: the direction is kept, the norm is max_norm
        flat = np.concatenate([p.grad.ravel() for p in ours[:2]])
        assert np.linalg.norm(flat, ord=norm_type) == pytest.approx(max_norm, rel=1e-5)
        ratio = ours[0].grad / before[0]
        assert np.allclose(ratio, ratio.flat[0])
    else:
        for p, g in zip(ours[:2], before):
            assert np.array_equal(p.grad, g * min(1.0, max_norm / (total + 1e-6)))


def test_clip_grad_norm_edge_cases():
    assert clip_grad_norm_([Parameter(np.zeros(2))], 1.0) == 0.0  # no gradients at all
    p = Parameter(np.zeros(2))
    p.grad = np.array([3.0, 4.0])
    assert clip_grad_norm_(p, 1.0) == 5.0  # one parameter, not in a list, as torch allows
    p.grad = np.array([np.inf, 1.0])
    with pytest.raises(RuntimeError, match="total norm"):
        clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    with pytest.raises(ValueError, match="max_norm"):
        clip_grad_norm_([p], -1.0)
    with pytest.raises(TypeError, match=".grad"):
        clip_grad_norm_([np.zeros(2)], 1.0)


def test_clip_grad_value_equals_torch():
    ours, theirs = _pair(1, 3.0)
    clip_grad_value_(ours, 1.5)
    torch.nn.utils.clip_grad_value_(theirs, 1.5)
    for p, t in zip(ours, theirs):
        if t.grad is not None:
            np.testing.assert_array_equal(p.grad, t.grad.numpy())
    assert max(np.abs(p.grad).max() for p in ours[:2]) == 1.5
    with pytest.raises(ValueError, match="clip_value"):
        clip_grad_value_(ours, -1.0)
