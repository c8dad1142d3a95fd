"""The base class's contract: checks of parameters and hyperparameters, zero_grad, skipping."""

import numpy as np
import pytest

from mlmath.neural_networks.optim import (
    SGD,
    Adagrad,
    Adam,
    AdamW,
    Parameter,
    RMSprop,
)
from mlmath.validation import InvalidParameterError

ALL = [SGD, Adagrad, RMSprop, Adam, AdamW]


@pytest.mark.parametrize("cls", ALL)
def test_bad_parameter_lists(cls):
    with pytest.raises(ValueError, match="empty parameter list"):
        cls([])
    with pytest.raises(ValueError, match="empty parameter list"):
        cls([{"params": []}])
    with pytest.raises(TypeError, match=".data and .grad"):
        cls([np.zeros(3)])  # an ndarray has .data (a buffer) but no .grad
    with pytest.raises(TypeError, match="iterable of parameters"):
        cls(Parameter(np.zeros(3)))
    with pytest.raises(TypeError, match="iterable of parameters"):
        cls(3)
    p = Parameter(np.zeros(3))
    p.data = np.zeros(3, dtype=np.int64)
    with pytest.raises(TypeError, match="float64 ndarray"):
        cls([p])
    q = Parameter(np.zeros(3))
    with pytest.raises(ValueError, match="twice"):
        cls([q, q])
    with pytest.raises(TypeError, match="unknown hyperparameters"):
        cls([{"params": [q], "lrr": 0.1}])


@pytest.mark.parametrize("cls", ALL)
def test_negative_learning_rate(cls):
    with pytest.raises(InvalidParameterError, match="'lr' parameter of " + cls.__name__):
        cls([Parameter(np.zeros(2))], lr=-0.1)


@pytest.mark.parametrize("kwargs, match", [
    ({"momentum": -0.1}, "momentum"),
    ({"weight_decay": -1.0}, "weight_decay"),
    ({"nesterov": True}, "Nesterov"),                                  # no momentum
    ({"nesterov": True, "momentum": 0.9, "dampening": 0.1}, "Nesterov"),
    ({"nesterov": 1}, "nesterov"),
    ({"momentum": 0.9, "dampening": float("nan")}, "dampening"),  # was NaN parameters
    ({"momentum": 0.9, "dampening": float("inf")}, "dampening"),
])
def test_sgd_bad_hyperparameters(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        SGD([Parameter(np.zeros(2))], lr=0.1, **kwargs)


@pytest.mark.parametrize("cls", [Adam, AdamW])
@pytest.mark.parametrize("betas", [(1.0, 0.999), (0.9, 1.0), (-0.1, 0.9), (0.9,), 0.9,
                                   (0.9, float("nan"))])
def test_adam_bad_betas(cls, betas):
    with pytest.raises(InvalidParameterError, match="beta"):
        cls([Parameter(np.zeros(2))], betas=betas)


@pytest.mark.parametrize("cls, kwargs", [
    (Adam, {"eps": -1e-8}), (Adagrad, {"lr_decay": -0.1}),
    (Adagrad, {"initial_accumulator_value": -1.0}), (RMSprop, {"alpha": -0.5}),
    (RMSprop, {"alpha": 2.0}), (RMSprop, {"alpha": float("nan")}),  # alpha=2 gave NaN
    (RMSprop, {"centered": "yes"}), (Adam, {"amsgrad": None}),
])
def test_other_bad_hyperparameters(cls, kwargs):
    with pytest.raises(InvalidParameterError, match=next(iter(kwargs))):
        cls([Parameter(np.zeros(2))], **kwargs)


def test_group_hyperparameters_are_checked_too():
    with pytest.raises(InvalidParameterError, match="lr"):
        SGD([{"params": [Parameter(np.zeros(2))], "lr": -1.0}], lr=0.1)


def test_step_skips_none_and_updates_in_place():
    a, b = Parameter(np.ones(2)), Parameter(np.ones(3))
    data_a, data_b = a.data, b.data
    opt = SGD([a, b], lr=0.5)
    a.grad = np.array([1.0, 2.0])
    opt.step()
    assert a.data is data_a and b.data is data_b  # in place
    np.testing.assert_array_equal(a.data, [0.5, 0.0])
    np.testing.assert_array_equal(b.data, np.ones(3))  # no gradient: untouched
    assert b not in opt.state
    opt.zero_grad()
    assert a.grad is None and b.grad is None
    a.grad = np.array([1.0, 1.0])
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(a.grad, [0.0, 0.0])
    assert b.grad is None  # no gradient yet: stays None, as in torch


def test_zero_grad_in_place_on_a_scalar_gradient():
    # a 0-d parameter whose grad is a NumPy scalar: grad[...] = 0 used to raise TypeError
    p = Parameter(3.0)
    opt = SGD([p], lr=0.5)
    p.grad = np.float64(2.0)
    opt.step()
    assert p.data == 2.0
    opt.zero_grad(set_to_none=False)
    assert isinstance(p.grad, np.ndarray) and p.grad.shape == () and p.grad == 0.0
    g = p.grad
    opt.zero_grad(set_to_none=False)
    assert p.grad is g  # an array is zeroed in place, not replaced


STEPPERS = [
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.3)),
    ("SGD", dict(lr=0.1, momentum=0.8, nesterov=True)),
    ("Adagrad", dict(lr=0.1)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True)),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.05, amsgrad=True)),
    ("AdamW", dict(lr=0.05, weight_decay=0.1)),
]


@pytest.mark.parametrize("name, kwargs", STEPPERS)
def test_step_never_writes_into_the_gradient(name, kwargs):
    # torch's accumulate-in-place idiom: zero_grad(set_to_none=False), then grad += g. A
    # state buffer that aliased p.grad (e.g. SGD's buffer = grad, without a copy) would be
    # zeroed and overwritten by the next gradient, and the step would write into p.grad.
    import torch

    ours_cls, theirs_cls = ALL[[c.__name__ for c in ALL].index(name)], getattr(torch.optim, name)
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    p = Parameter([1.0, -1.0])
    p.grad = np.zeros(2)
    t = torch.tensor([1.0, -1.0], dtype=torch.float64, requires_grad=True)
    t.grad = torch.zeros(2, dtype=torch.float64)
    opt, topt = ours_cls([p], **kwargs), theirs_cls([t], **kwargs)
    for step in range(4):
        opt.zero_grad(set_to_none=False)
        topt.zero_grad(set_to_none=False)
        g = A @ p.data + np.array([0.5, -0.25 * step])
        p.grad += g
        with torch.no_grad():
            t.grad += torch.tensor(g)
        opt.step()
        topt.step()
        np.testing.assert_array_equal(p.grad, g)  # the step left the gradient alone
        np.testing.assert_allclose(p.data, t.detach().numpy(), rtol=0, atol=1e-14)


def test_gradient_of_the_wrong_shape():
    p = Parameter(np.zeros(3))
    opt = Adam([p])
    p.grad = np.zeros(2)
    with pytest.raises(ValueError, match="shape"):
        opt.step()


def test_state_is_kept_per_parameter():
    p = Parameter(np.zeros(2))
    opt = Adam([p], lr=0.1, amsgrad=True)
    for _ in range(3):
        p.grad = np.array([1.0, -2.0])
        opt.step()
    state = opt.state[p]
    assert state["step"] == 3
    assert set(state) == {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
    # constant gradient: the bias-corrected moments are exactly g and g^2, the step is lr*sign
    np.testing.assert_allclose(p.data, -3 * 0.1 * np.sign([1.0, -2.0]) / (1 + 1e-8 / 2),
                               rtol=1e-8)
    assert list(opt.state) == [p] and len(opt.state) == 1


def test_sgd_momentum_buffer_starts_at_the_first_gradient():
    p = Parameter(np.zeros(1))
    opt = SGD([p], lr=1.0, momentum=0.9, dampening=0.5)
    for g, expected in ((1.0, -1.0), (1.0, -1.0 - (0.9 + 0.5))):
        p.grad = np.array([g])
        opt.step()
        np.testing.assert_allclose(p.data, [expected])


@pytest.mark.parametrize("cls", ALL)
def test_defaults_are_torchs(cls):
    import inspect

    import torch

    ours = inspect.signature(cls).parameters
    theirs = inspect.signature(getattr(torch.optim, cls.__name__)).parameters
    shared = [name for name in ours if name != "params"]
    assert shared and all(name in theirs for name in shared)
    for name in shared:
        assert ours[name].default == theirs[name].default, name
