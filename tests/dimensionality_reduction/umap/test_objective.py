"""The cross-entropy and its gradient terms (mlmath.dimensionality_reduction.umap.objective)."""

import numpy as np
import pytest
import torch
from scipy.optimize import approx_fprime

from mlmath.dimensionality_reduction.umap.objective import (
    attractive_gradient,
    cross_entropy,
    cross_entropy_gradient,
    repulsive_gradient,
)

A, B = 1.577, 0.895  # the curve of min_dist=0.1, spread=1


def _torch_terms(zi, zj, a, b):
    zi = torch.tensor(zi, dtype=torch.float64, requires_grad=True)
    zj = torch.tensor(zj, dtype=torch.float64)
    D = ((zi - zj) ** 2).sum()
    w = 1.0 / (1.0 + a * D**b)
    (g_attr,) = torch.autograd.grad(-torch.log(w), zi, retain_graph=True)
    (g_rep,) = torch.autograd.grad(-torch.log(1.0 - w), zi)
    return g_attr.numpy(), g_rep.numpy()


@pytest.mark.parametrize("a, b", [(A, B), (1.0, 1.0), (0.58, 1.33), (1.93, 0.79)])
@pytest.mark.parametrize("seed", range(4))
def test_edge_gradients_equal_autograd(a, b, seed):
    rng = np.random.default_rng(seed)
    zi, zj = rng.normal(size=3), rng.normal(size=3)
    g_attr, g_rep = _torch_terms(zi, zj, a, b)
    np.testing.assert_allclose(attractive_gradient(zi, zj, a, b), g_attr, rtol=1e-12)
    np.testing.assert_allclose(repulsive_gradient(zi, zj, a, b), g_rep, rtol=1e-12)


def test_the_guarded_repulsion_is_umap_learns_and_stays_bounded():
    zi, zj = np.array([0.0, 0.0]), np.array([1e-4, 0.0])
    exact = repulsive_gradient(zi, zj, A, B)
    guarded = repulsive_gradient(zi, zj, A, B, eps=1e-3)
    assert np.linalg.norm(exact) > 1e3  # the exact push blows up like 2b / distance
    assert np.linalg.norm(guarded) < 1.0
    D = 1e-8
    np.testing.assert_allclose(guarded[0], 2 * B / ((1e-3 + D) * (1 + A * D**B)) * 1e-4)


def test_full_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    n, q = 12, 2
    V = rng.uniform(size=(n, n)) * (rng.uniform(size=(n, n)) < 0.4)
    V = np.triu(V, 1)
    V = V + V.T
    Z = rng.normal(size=(n, q))
    grad = cross_entropy_gradient(V, Z, A, B)
    fd = approx_fprime(Z.ravel(), lambda z: cross_entropy(V, z.reshape(n, q), A, B), 1e-7)
    np.testing.assert_allclose(grad.ravel(), fd, rtol=1e-5, atol=1e-5)


def test_cross_entropy_is_zero_only_at_a_perfect_match():
    rng = np.random.default_rng(1)
    Z = rng.normal(size=(8, 2))
    diff = Z[:, None] - Z[None]
    W = 1 / (1 + A * (diff**2).sum(-1) ** B)
    np.fill_diagonal(W, 0.0)
    assert abs(cross_entropy(W, Z, A, B)) < 1e-12
    assert cross_entropy(np.clip(W * 1.1, 0, 1), Z, A, B) > 0
