"""mlp_forward against the same network in torch: outputs and the gradient of the loss."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from mlmath.autograd import Tensor, cross_entropy, mlp_forward

from .helpers import PROFILE, random_arrays, seeds

TORCH_ACTIVATIONS = {"identity": lambda z: z, "logistic": torch.sigmoid,
                     "tanh": torch.tanh, "relu": torch.relu}


@PROFILE
@given(widths=st.lists(st.integers(1, 6), min_size=2, max_size=4),
       activation=st.sampled_from(sorted(TORCH_ACTIVATIONS)), seed=seeds)
def test_mlp_forward_and_loss_gradient_match_torch(widths, activation, seed):
    n = 5
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, widths[0]))
    arrays = []
    for d_in, d_out in zip(widths[:-1], widths[1:]):
        arrays += random_arrays(rng.integers(2**31), (d_in, d_out), (d_out,))
    target = rng.integers(0, widths[-1], size=n)

    params = [(Tensor(arrays[i], requires_grad=True), Tensor(arrays[i + 1], requires_grad=True))
              for i in range(0, len(arrays), 2)]
    logits = mlp_forward(x, params, activation)
    loss = cross_entropy(logits, target)
    loss.backward()

    t_params = [torch.tensor(a, requires_grad=True) for a in arrays]
    a = torch.tensor(x)
    for layer in range(len(t_params) // 2):
        z = a @ t_params[2 * layer] + t_params[2 * layer + 1]
        a = TORCH_ACTIVATIONS[activation](z) if 2 * layer + 2 < len(t_params) else z
    t_loss = torch.nn.functional.cross_entropy(a, torch.tensor(target))
    t_loss.backward()

    np.testing.assert_allclose(logits.data, a.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert loss.item() == pytest.approx(t_loss.item(), rel=1e-12)
    ours = [g for w, b in params for g in (w.grad, b.grad)]
    for mine, theirs in zip(ours, t_params):
        np.testing.assert_allclose(mine, theirs.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_mlp_forward_refuses_bad_arguments():
    w, b = Tensor(np.ones((3, 2))), Tensor(np.zeros(2))
    with pytest.raises(ValueError, match="activation must be one of"):
        mlp_forward(np.ones((4, 3)), [(w, b)], "softplus")
    with pytest.raises(ValueError, match="do not fit inputs of width 5"):
        mlp_forward(np.ones((4, 5)), [(w, b)], "relu")
    with pytest.raises(ValueError, match=r"shape \(n, d\)"):
        mlp_forward(np.ones(3), [(w, b)], "relu")
    with pytest.raises(ValueError, match="at least one"):
        mlp_forward(np.ones((4, 3)), [], "relu")
