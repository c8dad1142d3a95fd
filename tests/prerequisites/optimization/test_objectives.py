"""Tests of mlmath.prerequisites.optimization.objectives: the logistic test function.

Its value, gradient and Hessian against finite differences and torch.autograd, and the bound on
the sigmoid's second derivative that the chapter derives.
"""

import numpy as np
import pytest
import torch

from mlmath.prerequisites import optimization as opt
from mlmath.validation import InvalidParameterError
from prerequisites.optimization.problems import SIGMOID2_MAX


def test_logistic_objective_matches_autograd():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((30, 3)), np.where(rng.random(30) < 0.5, -1.0, 1.0)
    f, grad, hess = opt.logistic_objective(X, y, alpha=0.3)
    w = rng.standard_normal(3)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

    def J(wt):
        return torch.mean(torch.log1p(torch.exp(-yt * (Xt @ wt)))) + 0.15 * wt @ wt

    wt = torch.tensor(w, requires_grad=True)
    value = J(wt)
    value.backward()
    np.testing.assert_allclose(f(w), value.item(), rtol=1e-12)
    np.testing.assert_allclose(grad(w), wt.grad.numpy(), rtol=1e-10)
    H_torch = torch.autograd.functional.hessian(J, torch.from_numpy(w)).numpy()
    np.testing.assert_allclose(hess(w), H_torch, rtol=1e-10, atol=1e-14)


def test_logistic_gradient_and_hessian_match_finite_differences():
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((50, 4)), np.where(rng.random(50) < 0.5, -1.0, 1.0)
    f, grad, hess = opt.logistic_objective(X, y, alpha=0.1)
    w, h = rng.standard_normal(4), 1e-6
    E = np.eye(4)
    fd_grad = np.array([(f(w + h * e) - f(w - h * e)) / (2 * h) for e in E])
    fd_hess = np.array([(grad(w + h * e) - grad(w - h * e)) / (2 * h) for e in E])
    np.testing.assert_allclose(grad(w), fd_grad, atol=1e-8)
    np.testing.assert_allclose(hess(w), fd_hess, atol=1e-8)


def test_sigmoid_second_derivative_bound_is_the_maximum():
    z = np.linspace(-10, 10, 200_001)
    s = 1 / (1 + np.exp(-z))
    second = s * (1 - s) * (1 - 2 * s)
    assert np.abs(second).max() <= SIGMOID2_MAX
    assert np.abs(second).max() > SIGMOID2_MAX * (1 - 1e-8)


def test_logistic_objective_input_checks():
    with pytest.raises(ValueError, match="-1 and \\+1"):
        opt.logistic_objective(np.ones((2, 1)), [0.0, 1.0])
    with pytest.raises(InvalidParameterError,
                       match="The 'alpha' parameter of logistic_objective must be a float >= 0"):
        opt.logistic_objective(np.ones((2, 1)), [-1.0, 1.0], alpha=-1.0)
    with pytest.raises(ValueError, match="rows"):
        opt.logistic_objective(np.ones((3, 1)), [-1.0, 1.0])
