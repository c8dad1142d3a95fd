"""mlmath.numerics against scipy.special and torch, including arguments that overflow naive code."""

import numpy as np
import pytest
import torch
from scipy import special

from mlmath import numerics as nm

EXTREME = np.array([-1000.0, -50.0, -1.0, 0.0, 1e-8, 3.0, 50.0, 1000.0])


def test_logsumexp_matches_scipy_on_extreme_values():
    a = np.stack([EXTREME, EXTREME[::-1] * 0.5])
    for axis in (None, 0, 1, -1):
        np.testing.assert_allclose(nm.logsumexp(a, axis=axis), special.logsumexp(a, axis=axis),
                                   rtol=1e-13)
    np.testing.assert_allclose(nm.logsumexp(a, axis=1, keepdims=True),
                               special.logsumexp(a, axis=1, keepdims=True), rtol=1e-13)
    assert isinstance(nm.logsumexp(EXTREME), float)


def test_logsumexp_of_minus_infinity():
    assert nm.logsumexp(np.array([-np.inf, -np.inf])) == -np.inf
    assert nm.logsumexp(np.array([-np.inf, 0.0])) == 0.0


def test_softmax_and_log_softmax_match_torch():
    a = np.random.default_rng(0).standard_normal((4, 7)) * 300
    ref = torch.softmax(torch.from_numpy(a), dim=-1).numpy()
    np.testing.assert_allclose(nm.softmax(a), ref, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(nm.log_softmax(a, axis=0),
                               torch.log_softmax(torch.from_numpy(a), dim=0).numpy(), rtol=1e-12)
    np.testing.assert_allclose(nm.softmax(a).sum(axis=-1), 1.0, rtol=1e-14)


def test_sigmoid_and_log_sigmoid_never_overflow():
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        s = nm.sigmoid(EXTREME)
        ls = nm.log_sigmoid(EXTREME)
    np.testing.assert_allclose(s, special.expit(EXTREME), rtol=1e-14)
    np.testing.assert_allclose(ls, special.log_expit(EXTREME), rtol=1e-14)
    assert nm.sigmoid(0.0) == 0.5 and isinstance(nm.sigmoid(0.0), float)


def test_sigmoid_derivative_identity_by_autograd():
    x = torch.linspace(-8, 8, 33, dtype=torch.float64, requires_grad=True)
    torch.sigmoid(x).sum().backward()
    s = nm.sigmoid(x.detach().numpy())
    np.testing.assert_allclose(x.grad.numpy(), s * (1 - s), rtol=1e-12)


ALL = [nm.logsumexp, nm.softmax, nm.log_softmax, nm.sigmoid, nm.log_sigmoid]


@pytest.mark.parametrize("fn", ALL)
def test_bad_input_is_refused(fn):
    with pytest.raises(TypeError, match="numeric"):
        fn(np.array(["a", "b"]))
    with pytest.raises(TypeError, match="real"):
        fn(np.array([1 + 1j]))


@pytest.mark.parametrize("fn", [nm.logsumexp, nm.softmax, nm.log_softmax])
def test_empty_reduction_is_refused(fn):
    with pytest.raises(ValueError, match="empty"):
        fn(np.array([]))
