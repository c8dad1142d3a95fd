"""Forward mode with dual numbers, against finite differences, torch.autograd and the engine."""

import numpy as np
import pytest
import torch

from mlmath.neural_networks.backprop import Dual, jacobian_forward, jvp


def f_scalar(x):
    """Baydin et al.'s example, ln x1 + x1 x2 - sin x2: the same code runs on Dual and torch."""
    return x[0].log() + x[0] * x[1] - x[1].sin()


def f_vector(x):
    """A map R^3 -> R^2 through every operation of Dual."""
    u = (x * x).sum() / (1.0 + x[0].exp()) - 2.0 ** 1 * x[1].cos()
    w = x[2].tanh() * x[0].sigmoid() + (x[1] ** 3) - 1.0 / x[2] + (3.0 - x[0])
    return u, w


def _stack(pair):
    if isinstance(pair[0], Dual):
        return Dual(np.stack([p.value for p in pair]), np.stack([p.tangent for p in pair]))
    return torch.stack(pair)


def _central(f, x, h=1e-6):
    x = np.asarray(x, float)
    cols = []
    for e in np.eye(len(x)):
        fp = np.asarray(f(Dual(x + h * e)).value)
        fm = np.asarray(f(Dual(x - h * e)).value)
        cols.append((fp - fm) / (2 * h))
    return np.stack(cols, axis=-1)


def test_worked_example_values():
    value, _ = jvp(f_scalar, [2.0, 5.0], [1.0, 0.0])
    assert value == pytest.approx(np.log(2) + 10 - np.sin(5), abs=1e-14)
    assert np.allclose(jacobian_forward(f_scalar, [2.0, 5.0]), [1 / 2 + 5, 2 - np.cos(5)],
                       atol=1e-14)


@pytest.mark.parametrize("seed", range(5))
def test_jacobian_matches_torch_and_finite_differences(seed):
    x = np.random.default_rng(seed).uniform(0.5, 2.0, 3)
    f = lambda z: _stack(f_vector(z))  # noqa: E731
    J = jacobian_forward(f, x)
    J_torch = torch.autograd.functional.jacobian(f, torch.tensor(x)).numpy()
    assert J.shape == (2, 3)
    assert np.allclose(J, J_torch, atol=1e-12, rtol=1e-12)
    assert np.allclose(J, _central(f, x), atol=1e-7)


def test_jvp_is_linear_in_the_direction():
    f = lambda z: _stack(f_vector(z))  # noqa: E731
    x, v, w = np.array([0.7, 1.3, 1.9]), np.array([1.0, -2.0, 0.5]), np.array([0.3, 0.1, -1.0])
    jv, jw, jvw = (jvp(f, x, d)[1] for d in (v, w, 2 * v - 3 * w))
    assert np.allclose(jvw, 2 * jv - 3 * jw, atol=1e-12)
    assert np.allclose(jv, jacobian_forward(f, x) @ v, atol=1e-12)


def test_dual_power_and_reflected_operations():
    x = Dual(1.5, 1.0)
    for g, dg in [(lambda u: u ** x, lambda: 1.5 ** 1.5 * (np.log(1.5) + 1.0)),
                  (lambda u: 2.0 / u, lambda: -2.0 / 1.5 ** 2),
                  (lambda u: 2.0 - u, lambda: -1.0),
                  (lambda u: -u * 4.0, lambda: -4.0)]:
        assert g(x).tangent == pytest.approx(dg(), rel=1e-13)


def test_sigmoid_does_not_overflow():
    with np.errstate(all="raise"):
        s = Dual([-1000.0, 0.0, 1000.0], 1.0).sigmoid()
    assert np.allclose(s.value, [0.0, 0.5, 1.0]) and np.allclose(s.tangent, [0.0, 0.25, 0.0])


def test_forward_mode_equals_the_engines_reverse_mode():
    from mlmath.autograd import Tensor

    x = np.array([2.0, 5.0])
    t = Tensor(x, requires_grad=True)
    (t[0].log() + t[0] * t[1] - t[1].exp() / 100.0).backward()
    J = jacobian_forward(lambda z: z[0].log() + z[0] * z[1] - z[1].exp() / 100.0, x)
    assert np.allclose(t.grad, J, atol=1e-13)


def test_bad_input():
    with pytest.raises(ValueError, match="shape"):
        jvp(f_scalar, [1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="NaN"):
        jvp(f_scalar, [np.nan, 2.0], [1.0, 0.0])
    with pytest.raises(TypeError, match="Dual"):
        jvp(lambda z: 1.0, [1.0, 2.0], [1.0, 0.0])


def test_power_zero_has_tangent_zero_everywhere():
    with np.errstate(all="raise"):
        d = Dual([0.0, 2.0, -3.0], 1.0) ** 0
    assert np.array_equal(d.value, [1.0, 1.0, 1.0]) and np.array_equal(d.tangent, [0.0, 0.0, 0.0])
    x = torch.tensor([0.0, 2.0, -3.0], dtype=torch.float64, requires_grad=True)
    (x ** 0).sum().backward()
    assert np.array_equal(x.grad.numpy(), d.tangent)


@pytest.mark.parametrize("u", [-40.0, -700.0, -5.0, 0.0, 5.0, 40.0, 700.0])
def test_sigmoid_has_full_relative_accuracy(u):
    s = Dual(u, 1.0).sigmoid()
    x = torch.tensor(u, dtype=torch.float64, requires_grad=True)
    torch.sigmoid(x).backward()
    exact_value = 1.0 / (1.0 + np.exp(-u)) if u >= 0 else np.exp(u) / (1.0 + np.exp(u))
    exact_slope = np.exp(-abs(u)) / (1.0 + np.exp(-abs(u))) ** 2
    assert s.value == pytest.approx(exact_value, rel=1e-15)
    assert s.tangent == pytest.approx(exact_slope, rel=1e-14)
    if abs(u) <= 5:  # torch's backward, s (1 - s), loses the digits of 1 - s for large u
        assert s.tangent == pytest.approx(x.grad.item(), rel=1e-12)
