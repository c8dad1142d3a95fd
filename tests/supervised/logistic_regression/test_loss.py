"""Derivation checks of mlmath.supervised.logistic_regression.loss.

Every formula the solvers rely on is checked against an independent computation: the losses
against a direct evaluation of the cross-entropy, the gradients and Hessians against
``torch.autograd`` and finite differences, the IRLS update against the Newton step, convexity
(a positive semidefinite Hessian) at random points, and the Lipschitz bounds against the
Hessian's largest eigenvalue.
"""

import tracemalloc

import numpy as np
import pytest
import torch

from mlmath.supervised.logistic_regression.estimators import logistic_lipschitz, null_directions
from mlmath.supervised.logistic_regression.loss import (
    add_intercept_column,
    binary_hessian,
    binary_loss_and_gradient,
    irls_update,
    multinomial_hessian,
    multinomial_loss_and_gradient,
    penalty_mask,
)

torch.set_default_dtype(torch.float64)


def _binary_problem(seed, n=40, d=4, fit_intercept=True):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = (rng.random(n) < 0.4).astype(float)
    sw = rng.uniform(0.2, 2.0, size=n)
    X1 = add_intercept_column(X, fit_intercept)
    mask = penalty_mask(d, fit_intercept)
    theta = rng.normal(size=X1.shape[1])
    return X1, y, sw, mask, theta


def _multi_problem(seed, n=50, d=3, K=4, fit_intercept=True):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = rng.integers(0, K, size=n)
    sw = rng.uniform(0.2, 2.0, size=n)
    X1 = add_intercept_column(X, fit_intercept)
    mask = penalty_mask(d, fit_intercept, K)
    theta = rng.normal(size=K * X1.shape[1])
    return X1, y, sw, mask, theta


def _torch_binary(X1, y, sw, alpha, mask):
    X1, y, sw, mask = map(torch.as_tensor, (X1, y, sw, mask))

    def f(theta):
        z = X1 @ theta
        bce = torch.nn.functional.binary_cross_entropy_with_logits(z, y, reduction="none")
        return (sw * bce).sum() / sw.sum() + 0.5 * alpha * ((theta * mask) ** 2).sum()
    return f


def _torch_multi(X1, y, sw, alpha, mask, K):
    X1, sw, mask = map(torch.as_tensor, (X1, sw, mask))
    y = torch.as_tensor(y, dtype=torch.long)

    def f(theta):
        Z = X1 @ theta.reshape(K, -1).T
        ce = torch.nn.functional.cross_entropy(Z, y, reduction="none")
        return (sw * ce).sum() / sw.sum() + 0.5 * alpha * ((theta * mask) ** 2).sum()
    return f


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_binary_loss_gradient_hessian_match_torch_autograd(seed, fit_intercept):
    X1, y, sw, mask, theta = _binary_problem(seed, fit_intercept=fit_intercept)
    alpha = 0.3
    f = _torch_binary(X1, y, sw, alpha, mask)
    t = torch.tensor(theta, requires_grad=True)
    val = f(t)
    (g_t,) = torch.autograd.grad(val, t)
    H_t = torch.autograd.functional.hessian(f, torch.tensor(theta))
    loss, g = binary_loss_and_gradient(theta, X1, y, sw, alpha, mask)
    np.testing.assert_allclose(loss, val.item(), rtol=1e-12)
    np.testing.assert_allclose(g, g_t.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(binary_hessian(theta, X1, sw, alpha, mask), H_t.numpy(),
                               rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_multinomial_loss_gradient_hessian_match_torch_autograd(seed, fit_intercept):
    K = 4
    X1, y, sw, mask, theta = _multi_problem(seed, K=K, fit_intercept=fit_intercept)
    alpha = 0.2
    f = _torch_multi(X1, y, sw, alpha, mask, K)
    t = torch.tensor(theta, requires_grad=True)
    val = f(t)
    (g_t,) = torch.autograd.grad(val, t)
    H_t = torch.autograd.functional.hessian(f, torch.tensor(theta))
    loss, g = multinomial_loss_and_gradient(theta, X1, y, sw, alpha, K, mask)
    np.testing.assert_allclose(loss, val.item(), rtol=1e-12)
    np.testing.assert_allclose(g, g_t.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(multinomial_hessian(theta, X1, sw, alpha, K, mask), H_t.numpy(),
                               rtol=1e-10, atol=1e-12)


def test_gradients_and_hessian_vector_products_match_finite_differences():
    eps = 1e-6
    X1, y, sw, mask, theta = _binary_problem(5)
    rng = np.random.default_rng(0)
    v = rng.normal(size=theta.size)
    f = lambda th: binary_loss_and_gradient(th, X1, y, sw, 0.1, mask)  # noqa: E731
    fd = (f(theta + eps * v)[0] - f(theta - eps * v)[0]) / (2 * eps)
    np.testing.assert_allclose(fd, f(theta)[1] @ v, rtol=1e-7)
    Hv = (f(theta + eps * v)[1] - f(theta - eps * v)[1]) / (2 * eps)
    np.testing.assert_allclose(binary_hessian(theta, X1, sw, 0.1, mask) @ v, Hv, rtol=1e-6,
                               atol=1e-9)

    K = 3
    X1, y, sw, mask, theta = _multi_problem(6, K=K)
    v = rng.normal(size=theta.size)
    f = lambda th: multinomial_loss_and_gradient(th, X1, y, sw, 0.1, K, mask)  # noqa: E731
    fd = (f(theta + eps * v)[0] - f(theta - eps * v)[0]) / (2 * eps)
    np.testing.assert_allclose(fd, f(theta)[1] @ v, rtol=1e-7)
    Hv = (f(theta + eps * v)[1] - f(theta - eps * v)[1]) / (2 * eps)
    np.testing.assert_allclose(multinomial_hessian(theta, X1, sw, 0.1, K, mask) @ v, Hv,
                               rtol=1e-6, atol=1e-9)


def test_loss_is_the_cross_entropy_written_directly():
    X1, y, sw, mask, theta = _binary_problem(3)
    p = 1 / (1 + np.exp(-(X1 @ theta)))
    ce = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    np.testing.assert_allclose(binary_loss_and_gradient(theta, X1, y, sw, 0.0)[0],
                               np.average(ce, weights=sw), rtol=1e-12)
    K = 3
    X1, y, sw, mask, theta = _multi_problem(4, K=K)
    Z = X1 @ theta.reshape(K, -1).T
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    ce = -np.log(P[np.arange(len(y)), y])
    np.testing.assert_allclose(multinomial_loss_and_gradient(theta, X1, y, sw, 0.0, K)[0],
                               np.average(ce, weights=sw), rtol=1e-12)


def test_losses_do_not_overflow_for_huge_scores():
    X1 = np.array([[1000.0, 1.0], [-1000.0, 1.0]])
    y = np.array([0.0, 1.0])
    loss, g = binary_loss_and_gradient(np.array([1.0, 0.0]), X1, y, np.ones(2), 0.0)
    np.testing.assert_allclose(loss, 1000.0)                 # each sample costs log(1+e^1000)
    assert np.all(np.isfinite(g))
    loss, g = multinomial_loss_and_gradient(np.array([1.0, 0, -1.0, 0]), X1, np.array([1, 0]),
                                            np.ones(2), 0.0, 2)
    np.testing.assert_allclose(loss, 2000.0)
    assert np.all(np.isfinite(g))


def test_binary_loss_equals_two_class_softmax_with_a_zero_reference_class():
    # Over-parameterisation: softmax over (0, z) is the sigmoid of z.
    X1, y, sw, mask, theta = _binary_problem(7)
    theta2 = np.concatenate([np.zeros_like(theta), theta])
    lb, gb = binary_loss_and_gradient(theta, X1, y, sw, 0.0)
    lm, gm = multinomial_loss_and_gradient(theta2, X1, y.astype(int), sw, 0.0, 2)
    np.testing.assert_allclose(lb, lm, rtol=1e-12)
    np.testing.assert_allclose(gb, gm[theta.size:], rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("seed", range(5))
def test_hessians_are_positive_semidefinite_and_definite_with_l2(seed):
    X1, y, sw, mask, theta = _binary_problem(seed, n=8, d=10)        # d > n: singular X^T X
    H0 = binary_hessian(theta * 3, X1, sw, 0.0, mask)
    assert np.linalg.eigvalsh(H0).min() > -1e-12
    X1, y, sw, mask, theta = _binary_problem(seed)
    assert np.linalg.eigvalsh(binary_hessian(theta, X1, sw, 0.5, mask)).min() > 0
    K = 3
    X1, y, sw, mask, theta = _multi_problem(seed, K=K)
    H = multinomial_hessian(theta, X1, sw, 0.5, K, mask)
    assert np.linalg.eigvalsh(H).min() > -1e-12


def test_multinomial_hessian_peak_memory_is_o_of_n_d_plus_hessian_size():
    # Assembled block by block, the Hessian needs O(n (D + K)) for the probabilities and one
    # (n, D) temporary, plus its own (K D)^2 entries. The old code built two (n, K D) arrays
    # (the products p_ik x_i and their weighted copy): 8.4 times this budget here.
    rng = np.random.default_rng(0)
    n, D, K = 20_000, 8, 8
    X1 = rng.standard_normal((n, D))
    sw = np.ones(n)
    theta = 0.1 * rng.standard_normal(K * D)
    budget = 8 * (n * (D + K) + (K * D) ** 2)             # bytes of that many float64
    tracemalloc.start()
    try:
        H = multinomial_hessian(theta, X1, sw, 0.1, K)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak <= 4 * budget, f"peak {peak / 1e6:.1f} MB > 4 x {budget / 1e6:.1f} MB"
    np.testing.assert_allclose(H, H.T, rtol=1e-12, atol=1e-15)


def test_multinomial_flat_directions_are_the_hessian_null_space_and_orthogonal_to_gradients():
    K = 4
    X1, y, sw, mask, theta = _multi_problem(8, K=K)
    D = X1.shape[1]
    for alpha, penalised in [(0.3, True), (0.0, False)]:
        U = null_directions(K, D, True, penalised)
        assert U.shape[1] == (1 if penalised else D)
        np.testing.assert_allclose(U.T @ U, np.eye(U.shape[1]), atol=1e-14)
        H = multinomial_hessian(theta, X1, sw, alpha, K, mask)
        np.testing.assert_allclose(H @ U, 0.0, atol=1e-12)
        # the loss part of the gradient is orthogonal to every flat direction
        g = multinomial_loss_and_gradient(theta, X1, y, sw, 0.0, K, mask)[1]
        np.testing.assert_allclose(U.T @ g, 0.0, atol=1e-12)
        # and H + U U^T is positive definite: the null space is exactly span(U)
        assert np.linalg.eigvalsh(H + U @ U.T).min() > 1e-8
    # moving along a flat direction leaves the objective unchanged
    U = null_directions(K, D, True, False)
    f0 = multinomial_loss_and_gradient(theta, X1, y, sw, 0.0, K, mask)[0]
    f1 = multinomial_loss_and_gradient(theta + 2.5 * U[:, 0], X1, y, sw, 0.0, K, mask)[0]
    np.testing.assert_allclose(f0, f1, rtol=1e-12)


@pytest.mark.parametrize("alpha", [0.0, 0.2])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_irls_update_is_the_newton_step(alpha, fit_intercept):
    X1, y, sw, mask, theta = _binary_problem(11, fit_intercept=fit_intercept)
    theta = 0.3 * theta
    _, g = binary_loss_and_gradient(theta, X1, y, sw, alpha, mask)
    H = binary_hessian(theta, X1, sw, alpha, mask)
    newton = theta - np.linalg.solve(H, g)
    np.testing.assert_allclose(irls_update(theta, X1, y, sw, alpha, mask), newton,
                               rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("seed", range(4))
def test_lipschitz_bounds_dominate_the_hessian_everywhere(seed):
    rng = np.random.default_rng(seed)
    X1, y, sw, mask, _ = _binary_problem(seed)
    L = logistic_lipschitz(X1, sw, 0.1, 2)
    for _ in range(5):
        theta = rng.normal(scale=0.1, size=X1.shape[1])    # near 0 the bound is nearly tight
        assert np.linalg.eigvalsh(binary_hessian(theta, X1, sw, 0.1, mask)).max() <= L + 1e-12
    # at theta = 0 every p_i = 1/2, p_i(1 - p_i) = 1/4: the bound is attained up to alpha
    H0 = binary_hessian(np.zeros(X1.shape[1]), X1, sw, 0.1, mask)
    assert np.linalg.eigvalsh(H0).max() >= L - 0.1 - 1e-12
    K = 3
    X1, y, sw, mask, _ = _multi_problem(seed, K=K)
    L = logistic_lipschitz(X1, sw, 0.1, K)
    for _ in range(5):
        theta = rng.normal(scale=2.0, size=K * X1.shape[1])
        H = multinomial_hessian(theta, X1, sw, 0.1, K, mask)
        assert np.linalg.eigvalsh(H).max() <= L + 1e-12


def test_penalty_mask_marks_the_intercepts():
    np.testing.assert_array_equal(penalty_mask(2, True, 2), [1, 1, 0, 1, 1, 0])
    np.testing.assert_array_equal(penalty_mask(2, False), [1, 1])
    X = np.arange(6.0).reshape(3, 2)
    np.testing.assert_array_equal(add_intercept_column(X, True)[:, -1], 1.0)
    assert add_intercept_column(X, False) is X
