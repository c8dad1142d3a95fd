"""The activations and their derivatives (written as functions of the activation)."""

import numpy as np
import pytest
import torch

from mlmath.neural_networks.mlp import ACTIVATIONS, DERIVATIVES, softmax

TORCH = {"identity": lambda z: z, "logistic": torch.sigmoid, "tanh": torch.tanh,
         "relu": torch.relu}


@pytest.mark.parametrize("name", sorted(DERIVATIVES))
def test_activation_matches_torch(name):
    Z = np.random.default_rng(0).normal(size=(6, 5)) * 3
    expected = TORCH[name](torch.tensor(Z, dtype=torch.float64)).numpy()
    np.testing.assert_allclose(ACTIVATIONS[name](Z), expected, rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("name", sorted(DERIVATIVES))
def test_derivative_of_activation_is_the_derivative(name):
    # phi'(z), computed from a = phi(z), against torch.autograd and central differences
    Z = np.random.default_rng(1).normal(size=(6, 5)) * 2
    Z[np.abs(Z) < 1e-3] = 0.5  # keep away from the ReLU's kink
    zt = torch.tensor(Z, dtype=torch.float64, requires_grad=True)
    TORCH[name](zt).sum().backward()
    ours = DERIVATIVES[name](ACTIVATIONS[name](Z))
    np.testing.assert_allclose(ours, zt.grad.numpy(), rtol=1e-12, atol=1e-14)
    h = 1e-6
    fd = (ACTIVATIONS[name](Z + h) - ACTIVATIONS[name](Z - h)) / (2 * h)
    np.testing.assert_allclose(ours, fd, rtol=1e-6, atol=1e-8)


def test_relu_derivative_is_zero_at_the_kink():
    assert DERIVATIVES["relu"](ACTIVATIONS["relu"](np.array([[0.0, -1.0, 2.0]]))).tolist() \
        == [[0.0, 0.0, 1.0]]


def test_activation_in_place_and_not():
    Z = np.array([[-1.0, 2.0]])
    out = ACTIVATIONS["relu"](Z)
    assert out is not Z and Z[0, 0] == -1.0
    assert ACTIVATIONS["tanh"](Z, out=Z) is Z and Z[0, 1] == np.tanh(2.0)


def test_softmax_is_shift_invariant_and_stable():
    Z = np.array([[1000.0, 1001.0, 999.0], [0.0, 0.0, 0.0]])
    P = softmax(Z)
    assert np.isfinite(P).all()
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_allclose(P[0], softmax(Z[:1] - 1000.0)[0])
    expected = torch.softmax(torch.tensor(Z), dim=1).numpy()
    np.testing.assert_allclose(P, expected, rtol=1e-14)
