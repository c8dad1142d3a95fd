"""Probabilistic PCA: the closed-form maximum-likelihood solution."""

import numpy as np
from scipy import optimize, stats
from sklearn.decomposition import PCA as SkPCA

from mlmath.dimensionality_reduction.pca.ppca import (
    ppca_covariance,
    ppca_log_likelihood,
    ppca_ml,
)


def _data(n=200, d=6, q=2, seed=0):
    rng = np.random.default_rng(seed)
    W = rng.normal(size=(d, q)) * 2.0
    return rng.normal(size=(n, q)) @ W.T + 0.5 * rng.normal(size=(n, d)) + 3.0


def test_log_likelihood_matches_scipy():
    X = _data()
    mean, W, sigma2 = ppca_ml(X, 2)
    ours = ppca_log_likelihood(X, mean, W, sigma2)
    ref = stats.multivariate_normal(mean, ppca_covariance(W, sigma2)).logpdf(X)
    np.testing.assert_allclose(ours, ref, rtol=1e-12)


def test_sigma2_is_the_mean_of_the_discarded_eigenvalues():
    X = _data()
    lam = np.sort(np.linalg.eigvalsh(np.cov(X.T, bias=True)))[::-1]
    mean, W, sigma2 = ppca_ml(X, 2)
    np.testing.assert_allclose(sigma2, lam[2:].mean(), rtol=1e-12)
    # W W^T has the top eigenvalues minus sigma2, on the top eigenvectors
    np.testing.assert_allclose(np.sort(np.linalg.eigvalsh(W @ W.T))[::-1][:2], lam[:2] - sigma2,
                               rtol=1e-10)


def test_ml_solution_beats_perturbations_and_numerical_optimisation():
    X = _data(n=150, d=5, q=2, seed=1)
    mean, W, sigma2 = ppca_ml(X, 2)
    best = ppca_log_likelihood(X, mean, W, sigma2).sum()
    rng = np.random.default_rng(0)
    for _ in range(50):
        dW = 1e-3 * rng.normal(size=W.shape)
        ds = 1e-3 * rng.normal()
        assert ppca_log_likelihood(X, mean, W + dW, sigma2 + ds).sum() < best
        assert ppca_log_likelihood(X, mean + 1e-3 * rng.normal(size=5), W, sigma2).sum() < best

    def negative(theta):
        return -ppca_log_likelihood(X, mean, theta[:-1].reshape(5, 2), np.exp(theta[-1])).sum()

    start = np.r_[rng.normal(size=10), 0.0]
    found = optimize.minimize(negative, start, method="BFGS", options={"gtol": 1e-8})
    np.testing.assert_allclose(-found.fun, best, rtol=1e-7)            # same maximum
    assert -found.fun <= best + 1e-6                                   # never above it
    W_found = found.x[:-1].reshape(5, 2)
    np.testing.assert_allclose(W_found @ W_found.T, W @ W.T, atol=1e-3)  # W up to rotation
    np.testing.assert_allclose(np.exp(found.x[-1]), sigma2, rtol=1e-4)


def test_ddof_one_is_scikit_learns_model():
    X = _data(seed=2)
    mean, W, sigma2 = ppca_ml(X, 2, ddof=1)
    sk = SkPCA(2, svd_solver="full").fit(X)
    np.testing.assert_allclose(ppca_covariance(W, sigma2), sk.get_covariance(), rtol=1e-10)
    np.testing.assert_allclose(ppca_log_likelihood(X, mean, W, sigma2), sk.score_samples(X),
                               rtol=1e-10)


def test_more_features_than_samples():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(6, 10))
    mean, W, sigma2 = ppca_ml(X, 2)
    lam = np.sort(np.linalg.eigvalsh(np.cov(X.T, bias=True)))[::-1]
    np.testing.assert_allclose(sigma2, lam[2:].mean(), rtol=1e-10, atol=1e-14)
    assert np.all(np.isfinite(ppca_log_likelihood(X, mean, W, sigma2)))
