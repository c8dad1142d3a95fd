"""The optimisers on the autograd engine's tensors: a small MLP, a few steps, against torch.

Skipped while ``mlmath.autograd`` is not in the tree. Gradients come from the engine's backward
on one side and torch.autograd on the other; the parameters after every step must agree.
"""

import numpy as np
import pytest
import torch

from mlmath.neural_networks.optim import SGD, Adam, AdamW, RMSprop, clip_grad_norm_

autograd = pytest.importorskip("mlmath.autograd")


@pytest.mark.parametrize("make", [
    (lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
     lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True)),
    (lambda ps: Adam(ps, lr=0.01, weight_decay=1e-3),
     lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=1e-3)),
    (lambda ps: AdamW(ps, lr=0.01, amsgrad=True),
     lambda ps: torch.optim.AdamW(ps, lr=0.01, amsgrad=True)),
    (lambda ps: RMSprop(ps, lr=0.01, centered=True),
     lambda ps: torch.optim.RMSprop(ps, lr=0.01, centered=True)),
], ids=["sgd-nesterov", "adam-l2", "adamw-amsgrad", "rmsprop-centered"])
def test_mlp_training_steps_equal_torch(make):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(16, 4))
    y = rng.integers(0, 3, size=16)
    init = [rng.normal(scale=0.5, size=(4, 8)), np.zeros(8),
            rng.normal(scale=0.5, size=(8, 3)), np.zeros(3)]
    ours = [autograd.Tensor(a, requires_grad=True) for a in init]
    theirs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in init]
    opt, topt = make[0](ours), make[1](theirs)
    Xe, Xt, yt = autograd.Tensor(X), torch.tensor(X), torch.tensor(y)
    for _ in range(5):
        opt.zero_grad()
        topt.zero_grad()
        W1, b1, W2, b2 = ours
        loss = autograd.cross_entropy((Xe @ W1 + b1).tanh() @ W2 + b2, y)
        loss.backward()
        tW1, tb1, tW2, tb2 = theirs
        tloss = torch.nn.functional.cross_entropy(torch.tanh(Xt @ tW1 + tb1) @ tW2 + tb2, yt)
        tloss.backward()
        assert loss.item() == pytest.approx(tloss.item(), rel=1e-10)
        assert clip_grad_norm_(ours, 1.0) == pytest.approx(
            torch.nn.utils.clip_grad_norm_(theirs, 1.0).item(), rel=1e-10)
        opt.step()
        topt.step()
        for p, t in zip(ours, theirs):
            np.testing.assert_allclose(p.data, t.detach().numpy(), rtol=0, atol=1e-8)
    assert np.abs(ours[0].data - init[0]).max() > 1e-3
