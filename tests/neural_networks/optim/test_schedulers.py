"""The schedulers set the learning rates torch.optim.lr_scheduler sets, over 100 steps."""

import math

import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler

from mlmath.neural_networks.optim import (
    SGD,
    CosineAnnealingLR,
    LinearWarmup,
    Parameter,
    StepLR,
    WarmupCosine,
)
from mlmath.validation import InvalidParameterError

LRS = (0.1, 0.03)  # two parameter groups with their own base rates


def _ours():
    return SGD([{"params": [Parameter(np.zeros(2))], "lr": LRS[0]},
                {"params": [Parameter(np.zeros(3))], "lr": LRS[1]}])


def _torch():
    return torch.optim.SGD([{"params": [torch.zeros(2, dtype=torch.float64,
                                                    requires_grad=True)], "lr": LRS[0]},
                            {"params": [torch.zeros(3, dtype=torch.float64,
                                                    requires_grad=True)], "lr": LRS[1]}])


def _warmup_cosine_torch(opt, warmup_iters, total_iters, start_factor, eta_min):
    return lr_scheduler.SequentialLR(opt, [
        lr_scheduler.LinearLR(opt, start_factor=start_factor, total_iters=warmup_iters),
        lr_scheduler.CosineAnnealingLR(opt, T_max=total_iters - warmup_iters, eta_min=eta_min),
    ], milestones=[warmup_iters])


CASES = {
    "step": (lambda o: StepLR(o, step_size=7, gamma=0.5),
             lambda o: lr_scheduler.StepLR(o, step_size=7, gamma=0.5)),
    "warmup-default": (lambda o: LinearWarmup(o), lambda o: lr_scheduler.LinearLR(o)),
    "warmup": (lambda o: LinearWarmup(o, start_factor=0.01, total_iters=20),
               lambda o: lr_scheduler.LinearLR(o, start_factor=0.01, total_iters=20)),
    "cosine": (lambda o: CosineAnnealingLR(o, T_max=30, eta_min=1e-3),  # past T_max: rises
               lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=30, eta_min=1e-3)),
    "cosine-100": (lambda o: CosineAnnealingLR(o, T_max=100),
                   lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=100)),
    "warmup-cosine": (lambda o: WarmupCosine(o, 10, 100, start_factor=0.1, eta_min=1e-4),
                      lambda o: _warmup_cosine_torch(o, 10, 100, 0.1, 1e-4)),
    "warmup-cosine-short": (lambda o: WarmupCosine(o, 5, 40),
                            lambda o: _warmup_cosine_torch(o, 5, 40, 1.0 / 3, 0.0)),
}


@pytest.mark.parametrize("name", CASES)
def test_learning_rates_equal_torch(name):
    make_ours, make_torch = CASES[name]
    opt, topt = _ours(), _torch()
    sched, tsched = make_ours(opt), make_torch(topt)
    ours, theirs = [sched.get_last_lr()], [tsched.get_last_lr()]
    for _ in range(100):
        opt.step()
        topt.step()
        sched.step()
        tsched.step()
        ours.append(sched.get_last_lr())
        theirs.append(tsched.get_last_lr())
        assert [g["lr"] for g in opt.param_groups] == ours[-1]
    ours, theirs = np.array(ours), np.array(theirs, dtype=float)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)
    assert np.ptp(ours[:, 0]) > 0.01  # the schedule changed the rate


def test_closed_forms_at_chosen_epochs():
    opt = _ours()
    sched = WarmupCosine(opt, warmup_iters=4, total_iters=12, start_factor=0.25, eta_min=0.01)
    lrs = [sched.get_last_lr()[0]]
    for _ in range(12):
        sched.step()
        lrs.append(sched.get_last_lr()[0])
    assert lrs[0] == pytest.approx(0.025)          # start_factor * base
    assert lrs[2] == pytest.approx(0.1 * (0.25 + 0.75 * 2 / 4))
    assert lrs[4] == pytest.approx(0.1)            # the peak, at the end of the warm-up
    assert lrs[8] == pytest.approx(0.01 + 0.09 * (1 + math.cos(math.pi / 2)) / 2)
    assert lrs[12] == pytest.approx(0.01)          # eta_min at total_iters


def test_bad_arguments():
    with pytest.raises(TypeError, match="mlmath optimiser"):
        StepLR(_torch(), step_size=3)
    with pytest.raises(InvalidParameterError, match="step_size"):
        StepLR(_ours(), step_size=0)
    with pytest.raises(InvalidParameterError, match="start_factor"):
        LinearWarmup(_ours(), start_factor=0.0)
    with pytest.raises(InvalidParameterError, match="T_max"):
        CosineAnnealingLR(_ours(), T_max=0)
    with pytest.raises(InvalidParameterError, match="total_iters"):
        WarmupCosine(_ours(), warmup_iters=10, total_iters=10)
