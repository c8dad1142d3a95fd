"""Tests of mlmath.prerequisites.statistics.estimation: MLE and MAP against independent work.

The maximum likelihood estimates against numerical optimisation and torch.autograd, the
unbiasedness claims by simulation, the posteriors against Bayes' rule evaluated numerically, and
MAP with a Gaussian prior against ridge regression.
"""

import math

import numpy as np
import pytest
import scipy.integrate
import scipy.optimize
import torch
from scipy import stats

from mlmath.prerequisites.statistics import (
    bernoulli_mle,
    beta_bernoulli_posterior,
    gaussian_mean_posterior,
    gaussian_mle,
)


def test_gaussian_mle_maximises_the_likelihood_numerically():
    x = np.random.default_rng(0).normal(2.0, 1.5, size=40)
    mu, sigma2 = gaussian_mle(x)

    def nll(theta):
        m, log_s2 = theta
        return -np.sum(stats.norm.logpdf(x, m, np.exp(0.5 * log_s2)))

    res = scipy.optimize.minimize(nll, x0=[0.0, 0.0], method="BFGS", options={"gtol": 1e-10})
    np.testing.assert_allclose([mu, sigma2], [res.x[0], np.exp(res.x[1])], rtol=1e-6)


def test_gaussian_mle_zero_gradient_and_negative_definite_hessian_by_autograd():
    x = torch.tensor(np.random.default_rng(1).normal(-1.0, 0.7, size=25), dtype=torch.float64)
    mu, sigma2 = gaussian_mle(x.numpy())
    theta = torch.tensor([mu, sigma2], dtype=torch.float64, requires_grad=True)

    def loglik(t):
        return torch.distributions.Normal(t[0], torch.sqrt(t[1])).log_prob(x).sum()

    (grad,) = torch.autograd.grad(loglik(theta), theta)
    np.testing.assert_allclose(grad.numpy(), 0.0, atol=1e-10)
    hess = torch.autograd.functional.hessian(loglik, theta).numpy()
    n = x.numel()
    # the chapter's second-order check: diag(-n / sigma2, -n / (2 sigma2^2))
    np.testing.assert_allclose(hess, np.diag([-n / sigma2, -n / (2 * sigma2**2)]), rtol=1e-10,
                               atol=1e-10)


def test_bernoulli_mle_against_bounded_optimisation():
    x = (np.random.default_rng(2).random(50) < 0.3).astype(int)
    k, n = x.sum(), x.size

    def nll(p):
        return -(k * np.log(p) + (n - k) * np.log(1 - p))

    res = scipy.optimize.minimize_scalar(nll, bounds=(1e-9, 1 - 1e-9), method="bounded",
                                         options={"xatol": 1e-10})
    np.testing.assert_allclose(bernoulli_mle(x), res.x, atol=1e-7)
    assert bernoulli_mle(x) == k / n


def test_unbiasedness_of_the_mean_and_of_the_n_minus_1_variance_by_simulation():
    # 200,000 samples of size 5 from N(1, 4): the standard error of the average of the unbiased
    # variance estimates is 4 * sqrt(2 / 4) / sqrt(2e5) ~ 0.0063, so 0.03 is about 5 of them.
    rng = np.random.default_rng(3)
    n, sigma2 = 5, 4.0
    samples = rng.normal(1.0, np.sqrt(sigma2), size=(200_000, n))
    assert abs(samples.mean(axis=1).mean() - 1.0) < 0.01
    assert abs(samples.var(axis=1, ddof=1).mean() - sigma2) < 0.03
    # the 1/n estimator (the MLE) is off by -sigma2 / n = -0.8, far beyond the tolerance
    mle = np.array([gaussian_mle(s)[1] for s in samples[:20_000]])
    assert abs(mle.mean() - (n - 1) / n * sigma2) < 0.06
    assert abs(mle.mean() - sigma2) > 0.5


def test_beta_bernoulli_posterior_against_numerical_bayes_rule():
    x = np.array([1, 0, 1, 1, 0, 1, 1, 1])
    a0, b0 = 2.0, 3.0
    post = beta_bernoulli_posterior(x, a0, b0)
    k, n = x.sum(), x.size
    assert (post.a, post.b) == (a0 + k, b0 + n - k)

    def unnormalised(p):
        return p**k * (1 - p) ** (n - k) * stats.beta.pdf(p, a0, b0)

    z, _ = scipy.integrate.quad(unnormalised, 0, 1)
    grid = np.linspace(0.01, 0.99, 50)
    np.testing.assert_allclose(unnormalised(grid) / z, stats.beta.pdf(grid, post.a, post.b),
                               rtol=1e-8)
    mean, _ = scipy.integrate.quad(lambda p: p * unnormalised(p) / z, 0, 1)
    np.testing.assert_allclose(post.mean, mean, rtol=1e-8)
    res = scipy.optimize.minimize_scalar(lambda p: -unnormalised(p), bounds=(0, 1),
                                         method="bounded", options={"xatol": 1e-10})
    np.testing.assert_allclose(post.map, res.x, atol=1e-7)


def test_beta_bernoulli_edge_cases():
    # uniform prior: MAP is the MLE; no data: the posterior is the prior (flat: no mode)
    x = np.array([0, 1, 1])
    assert beta_bernoulli_posterior(x, 1, 1).map == bernoulli_mle(x)
    empty = beta_bernoulli_posterior([], 1, 1)
    assert (empty.a, empty.b, empty.mean) == (1.0, 1.0, 0.5) and math.isnan(empty.map)
    # all zeros under a uniform prior: the mode is at the boundary 0
    assert beta_bernoulli_posterior([0, 0, 0], 1, 1).map == 0.0
    # a prior parameter below one with no success: density unbounded at 0, mode reported nan
    assert math.isnan(beta_bernoulli_posterior([0, 0], 0.5, 1).map)


def test_gaussian_mean_posterior_against_grid_bayes_rule():
    x = np.random.default_rng(4).normal(1.0, 2.0, size=7)
    sigma, m0, tau0 = 2.0, -1.0, 0.5
    mean, std = gaussian_mean_posterior(x, sigma, m0, tau0)
    grid = np.linspace(-6, 6, 120_001)
    log_post = (stats.norm.logpdf(x[:, None], grid, sigma).sum(axis=0)
                + stats.norm.logpdf(grid, m0, tau0))
    w = np.exp(log_post - log_post.max())
    w /= w.sum()
    grid_mean = np.sum(w * grid)
    np.testing.assert_allclose(mean, grid_mean, atol=1e-6)
    np.testing.assert_allclose(std, np.sqrt(np.sum(w * (grid - grid_mean) ** 2)), rtol=1e-5)
    np.testing.assert_allclose(mean, grid[np.argmax(log_post)], atol=1e-4)   # MAP = mean


def test_map_with_gaussian_prior_on_weights_is_ridge():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((30, 4))
    y = X @ np.array([1.0, -2.0, 0.5, 0.0]) + rng.normal(0, 0.5, 30)
    sigma, sigma_w = 0.5, 0.8

    def neg_log_post(w):
        return (-stats.norm.logpdf(y, X @ w, sigma).sum()
                - stats.norm.logpdf(w, 0, sigma_w).sum())

    w_map = scipy.optimize.minimize(neg_log_post, np.zeros(4), method="BFGS",
                                    options={"gtol": 1e-10}).x
    alpha = sigma**2 / sigma_w**2
    w_ridge = np.linalg.solve(X.T @ X + alpha * np.eye(4), X.T @ y)
    np.testing.assert_allclose(w_map, w_ridge, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("call, match", [
    (lambda: gaussian_mle([1.0]), "at least 2"),
    (lambda: gaussian_mle([1.0, 1.0]), "single distinct value"),
    (lambda: gaussian_mle([1.0, np.nan]), "x contains NaN"),
    (lambda: gaussian_mle([[1.0, 2.0]]), "x must be 1-D"),
    (lambda: bernoulli_mle([0, 2]), "only 0 and 1"),
    (lambda: beta_bernoulli_posterior([1, 0], a=0),
     "The 'a' parameter of beta_bernoulli_posterior must be a float > 0; got 0."),
    (lambda: beta_bernoulli_posterior([1, 0], b=np.inf),
     "The 'b' parameter of beta_bernoulli_posterior must be a float > 0; got inf."),
    (lambda: gaussian_mean_posterior([1.0], sigma=-1),
     "The 'sigma' parameter of gaussian_mean_posterior must be a float > 0; got -1."),
    (lambda: gaussian_mean_posterior([1.0], sigma=1, prior_std=0), "The 'prior_std' parameter"),
    (lambda: gaussian_mean_posterior([1.0], sigma=1, prior_mean=np.nan),
     "The 'prior_mean' parameter of gaussian_mean_posterior must be a finite float"),
])
def test_bad_input_raises_a_clear_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()
