"""Gradients and hessians by finite differences; leaf value and gain against brute force."""

import numpy as np
import pytest
from scipy.optimize import minimize_scalar
from scipy.special import expit, logsumexp

from mlmath.ensembles.histogram_boosting import (
    leaf_weight,
    logistic_grad_hess,
    softmax_grad_hess,
    split_gain,
    squared_error_grad_hess,
)


def _fd(f, x, eps=1e-5):
    return (f(x + eps) - f(x - eps)) / (2 * eps)


def test_gradients_and_hessians_are_the_derivatives_of_the_losses():
    rng = np.random.default_rng(0)
    y, F = rng.standard_normal(20), rng.standard_normal(20)
    g, h = squared_error_grad_hess(y, F)
    np.testing.assert_allclose(g, _fd(lambda f: 0.5 * (f - y) ** 2, F), rtol=1e-7)
    np.testing.assert_allclose(h, _fd(lambda f: f - y, F), rtol=1e-7)
    yb = rng.integers(0, 2, 20)
    loss = lambda f: -(yb * np.log(expit(f)) + (1 - yb) * np.log(expit(-f)))  # noqa: E731
    g, h = logistic_grad_hess(yb, F)
    np.testing.assert_allclose(g, _fd(loss, F), rtol=1e-6)
    np.testing.assert_allclose(h, _fd(lambda f: logistic_grad_hess(yb, f)[0], F), rtol=1e-6)
    Y = np.eye(3)[rng.integers(0, 3, 20)]
    R = rng.standard_normal((20, 3))
    g, h = softmax_grad_hess(Y, R)
    for k in range(3):
        def loss_k(v, k=k):
            Rk = R.copy()
            Rk[:, k] = v
            return logsumexp(Rk, axis=1) - np.sum(Y * Rk, axis=1)
        np.testing.assert_allclose(g[:, k], _fd(loss_k, R[:, k]), rtol=1e-6, atol=1e-9)
        second = _fd(lambda v, k=k: _fd(loss_k, v, 1e-4), R[:, k], 1e-4)
        # xgboost's multi:softprob uses twice the diagonal of the hessian
        np.testing.assert_allclose(h[:, k], 2 * second, rtol=1e-4)


def _leaf(g, h, lam, alpha):
    f = lambda v: np.sum(g * v + 0.5 * h * v * v) + 0.5 * lam * v * v + alpha * abs(v)  # noqa: E731
    res = minimize_scalar(f, bounds=(-100, 100), method="bounded", options={"xatol": 1e-11})
    return res.x, res.fun


@pytest.mark.parametrize("lam, alpha", [(1.0, 0.0), (0.0, 0.4), (3.0, 5.0)])
def test_leaf_weight_and_split_gain_against_numerical_minimisation(lam, alpha):
    rng = np.random.default_rng(1)
    for _ in range(5):
        g, h = rng.standard_normal(9) * 3, rng.uniform(0.1, 1.0, 9)
        left = rng.random(9) < 0.5
        v, obj = _leaf(g, h, lam, alpha)
        assert leaf_weight(g.sum(), h.sum(), lam, alpha) == pytest.approx(v, abs=1e-7)
        (_, lo), (_, ro) = _leaf(g[left], h[left], lam, alpha), _leaf(g[~left], h[~left], lam,
                                                                       alpha)
        gain = split_gain(g[left].sum(), h[left].sum(), g[~left].sum(), h[~left].sum(), lam,
                          alpha, gamma=0.3)
        assert gain == pytest.approx(2 * (obj - lo - ro) - 0.3, abs=1e-7)
    # the L1 penalty zeroes a leaf whose gradient sum is within alpha
    assert leaf_weight(0.3, 2.0, 1.0, 0.5) == 0.0


def test_unregularised_gain_is_the_weighted_between_group_sum_of_squares():
    """Part 4 of prop-xgb-newton: with lambda = alpha = 0 the bracket is
    H_L (zbar_L - zbar_P)^2 + H_R (zbar_R - zbar_P)^2, zbar the h-weighted mean of -g/h,
    and the decrease of the weighted within-node sum of squares of -g/h."""
    rng = np.random.default_rng(11)
    g, h = rng.standard_normal(30), rng.uniform(0.05, 1.0, 30)
    z = -g / h
    left = rng.random(30) < 0.4
    left[:2], left[2:4] = True, False

    def zbar(mask):
        return np.average(z[mask], weights=h[mask])

    every = np.ones(30, dtype=bool)
    between = (h[left].sum() * (zbar(left) - zbar(every)) ** 2
               + h[~left].sum() * (zbar(~left) - zbar(every)) ** 2)

    def within(mask):
        return np.sum(h[mask] * (z[mask] - zbar(mask)) ** 2)

    bracket = split_gain(g[left].sum(), h[left].sum(), g[~left].sum(), h[~left].sum(), 0.0)
    assert bracket == pytest.approx(between, rel=1e-10)
    assert bracket == pytest.approx(within(every) - within(left) - within(~left), rel=1e-10)
