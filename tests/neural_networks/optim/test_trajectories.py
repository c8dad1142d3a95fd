"""Every optimiser follows torch.optim's trajectory to 1e-6 on two surfaces.

The surfaces are the Rosenbrock function and a quadratic of condition number 100. The same
analytic gradient is fed to both sides at every step (float64), for 200 steps, under several
hyperparameter settings each; a control test shows the comparison can fail.
"""

import numpy as np
import pytest
import torch

from mlmath.neural_networks.optim import (
    SGD,
    Adagrad,
    Adam,
    AdamW,
    RMSprop,
    ill_conditioned_matrix,
    quadratic_grad,
    rosenbrock_grad,
    run_optimizer,
)

A = ill_conditioned_matrix(100.0, dim=2)
PROBLEMS = {
    "rosenbrock": (rosenbrock_grad, np.array([-1.2, 1.0])),
    "quadratic": (lambda x: quadratic_grad(x, A), np.array([2.0, -1.5])),
}
N_STEPS = 200

# (ours, torch's, keyword arguments, learning rate on Rosenbrock, on the quadratic)
CASES = [
    (SGD, torch.optim.SGD, {}, 1e-3, 1e-2),
    (SGD, torch.optim.SGD, {"momentum": 0.9}, 2e-4, 2e-3),
    (SGD, torch.optim.SGD, {"momentum": 0.9, "dampening": 0.5}, 5e-4, 2e-3),
    (SGD, torch.optim.SGD, {"momentum": 0.9, "nesterov": True}, 2e-4, 2e-3),
    (SGD, torch.optim.SGD, {"momentum": 0.5, "weight_decay": 0.1}, 5e-4, 5e-3),
    (Adagrad, torch.optim.Adagrad, {}, 0.3, 0.5),
    (Adagrad, torch.optim.Adagrad, {"lr_decay": 0.01, "initial_accumulator_value": 0.1,
                                    "eps": 1e-6, "weight_decay": 0.05}, 0.3, 0.5),
    (RMSprop, torch.optim.RMSprop, {}, 1e-2, 1e-2),
    (RMSprop, torch.optim.RMSprop, {"momentum": 0.9}, 1e-3, 1e-3),
    (RMSprop, torch.optim.RMSprop, {"centered": True, "alpha": 0.9, "eps": 1e-4}, 1e-2, 1e-2),
    (RMSprop, torch.optim.RMSprop, {"centered": True, "momentum": 0.5, "weight_decay": 0.1,
                                    "eps": 1e-4}, 1e-3, 1e-3),
    (Adam, torch.optim.Adam, {}, 0.05, 0.05),
    (Adam, torch.optim.Adam, {"amsgrad": True}, 0.05, 0.05),
    (Adam, torch.optim.Adam, {"weight_decay": 0.1}, 0.05, 0.05),
    (Adam, torch.optim.Adam, {"betas": (0.5, 0.9), "eps": 1e-6, "amsgrad": True,
                              "weight_decay": 0.05}, 0.02, 0.05),
    (AdamW, torch.optim.AdamW, {}, 0.05, 0.05),
    (AdamW, torch.optim.AdamW, {"weight_decay": 0.5, "amsgrad": True}, 0.05, 0.05),
]


def torch_trajectory(make_opt, grad_fn, x0, n_steps):
    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    opt = make_opt([x])
    out = [x0.copy()]
    for _ in range(n_steps):
        x.grad = torch.tensor(grad_fn(x.detach().numpy().copy()), dtype=torch.float64)
        opt.step()
        out.append(x.detach().numpy().copy())
    return np.array(out)


def _id(case):
    return case[0].__name__ + "-" + ",".join(f"{k}={v}" for k, v in case[2].items())


@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_trajectory_equals_torch(case, problem):
    ours_cls, torch_cls, kwargs, lr_rosen, lr_quad = case
    lr = lr_rosen if problem == "rosenbrock" else lr_quad
    grad_fn, x0 = PROBLEMS[problem]
    ours = run_optimizer(lambda ps: ours_cls(ps, lr=lr, **kwargs), grad_fn, x0, N_STEPS)
    theirs = torch_trajectory(lambda ps: torch_cls(ps, lr=lr, **kwargs), grad_fn, x0, N_STEPS)
    assert ours.shape == (N_STEPS + 1, 2)
    assert np.all(np.isfinite(ours))
    assert np.abs(ours[-1] - x0).max() > 1e-2  # the run went somewhere: not a vacuous match
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-6)


@pytest.mark.parametrize("problem", PROBLEMS)
def test_the_comparison_detects_a_different_update(problem):
    grad_fn, x0 = PROBLEMS[problem]
    ours = run_optimizer(lambda ps: Adam(ps, lr=0.05, amsgrad=True), grad_fn, x0, N_STEPS)
    theirs = torch_trajectory(lambda ps: torch.optim.Adam(ps, lr=0.05), grad_fn, x0, N_STEPS)
    assert np.abs(ours - theirs).max() > 1e-4
    nesterov = run_optimizer(lambda ps: SGD(ps, lr=2e-3, momentum=0.9, nesterov=True),
                             grad_fn, x0, 50)
    heavy = torch_trajectory(lambda ps: torch.optim.SGD(ps, lr=2e-3, momentum=0.9),
                             grad_fn, x0, 50)
    assert np.abs(nesterov - heavy).max() > 1e-4


def test_adamw_differs_from_adam_with_l2_unless_the_decay_is_zero():
    grad_fn, x0 = PROBLEMS["quadratic"]
    for wd, differ in ((0.1, True), (0.0, False)):
        adam = run_optimizer(lambda ps, wd=wd: Adam(ps, lr=0.05, weight_decay=wd),
                             grad_fn, x0, N_STEPS)
        adamw = run_optimizer(lambda ps, wd=wd: AdamW(ps, lr=0.05, weight_decay=wd),
                              grad_fn, x0, N_STEPS)
        gap = np.abs(adam - adamw).max()
        assert (gap > 1e-2) if differ else (gap == 0.0), (wd, gap)


def test_param_groups_with_their_own_hyperparameters_equal_torch():
    rng = np.random.default_rng(0)
    w0, b0 = rng.normal(size=(3, 2)), rng.normal(size=2)
    targets = rng.normal(size=(3, 2)), rng.normal(size=2)

    def grads(w, b):
        return w - targets[0], 3.0 * (b - targets[1])

    from mlmath.neural_networks.optim import Parameter
    w, b = Parameter(w0), Parameter(b0)
    opt = Adam([{"params": [w]}, {"params": [b], "lr": 0.2, "betas": (0.8, 0.99)}],
               lr=0.05, weight_decay=0.01)
    tw = torch.tensor(w0, requires_grad=True)
    tb = torch.tensor(b0, requires_grad=True)
    topt = torch.optim.Adam([{"params": [tw]}, {"params": [tb], "lr": 0.2,
                                                "betas": (0.8, 0.99)}],
                            lr=0.05, weight_decay=0.01)
    for step in range(30):
        gw, gb = grads(w.data, b.data)
        w.grad = gw
        b.grad = gb if step % 3 else None  # None: skipped, in both
        tw.grad = torch.tensor(gw)
        tb.grad = torch.tensor(gb) if step % 3 else None
        opt.step()
        topt.step()
    np.testing.assert_allclose(w.data, tw.detach().numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(b.data, tb.detach().numpy(), rtol=0, atol=1e-12)
    assert opt.state[b]["step"] == topt.state[tb]["step"].item() == 20
