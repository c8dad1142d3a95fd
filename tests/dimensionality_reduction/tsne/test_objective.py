"""The exact objective and gradient against torch.autograd and finite differences."""

import numpy as np
import pytest
import torch

from mlmath.dimensionality_reduction.tsne import (
    joint_affinities,
    kl_divergence,
    kl_divergence_and_gradient,
    pairwise_sq_distances,
    student_t_affinities,
)


def _problem(n=40, q=2, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5))
    P = joint_affinities(pairwise_sq_distances(X), 8.0)
    return P, rng.normal(size=(n, q))


def _torch_kl(P, Z, dof):
    P = torch.tensor(P)
    Z = torch.tensor(Z, requires_grad=True)
    D = ((Z[:, None, :] - Z[None, :, :]) ** 2).sum(-1)
    W = (1 + D / dof) ** (-(dof + 1) / 2) * (1 - torch.eye(len(P), dtype=P.dtype))
    Q = W / W.sum()
    mask = P > 0
    kl = (P[mask] * torch.log(P[mask] / Q[mask])).sum()
    kl.backward()
    return kl.item(), Z.grad.numpy()


@pytest.mark.parametrize("q,dof", [(2, 1.0), (3, 2.0), (1, 1.0), (2, 0.5)])
def test_gradient_equals_autograd(q, dof):
    P, Z = _problem(q=q)
    kl, grad = kl_divergence_and_gradient(P, Z, dof)
    kl_t, grad_t = _torch_kl(P, Z, dof)
    assert kl == pytest.approx(kl_t, rel=1e-12)
    np.testing.assert_allclose(grad, grad_t, rtol=1e-9, atol=1e-14)


def test_gradient_equals_finite_differences():
    P, Z = _problem(n=15)
    _, grad = kl_divergence_and_gradient(P, Z)
    h = 1e-6
    fd = np.zeros_like(Z)
    for i in range(Z.shape[0]):
        for a in range(Z.shape[1]):
            E = np.zeros_like(Z)
            E[i, a] = h
            fd[i, a] = (kl_divergence(P, Z + E) - kl_divergence(P, Z - E)) / (2 * h)
    np.testing.assert_allclose(grad, fd, rtol=1e-6, atol=1e-9)


def test_kl_is_zero_when_q_equals_p_and_positive_otherwise():
    _, Z = _problem(n=30)
    _, _, Q = student_t_affinities(Z)
    kl, grad = kl_divergence_and_gradient(Q, Z)
    assert abs(kl) < 1e-12 and np.abs(grad).max() < 1e-12
    P, _ = _problem(n=30)
    assert kl_divergence(P, Z) > 0


def test_the_gradient_could_fail():
    # a wrong constant (2 instead of 4) is caught by the autograd comparison
    P, Z = _problem()
    _, grad = kl_divergence_and_gradient(P, Z)
    assert not np.allclose(grad / 2, _torch_kl(P, Z, 1.0)[1], rtol=1e-3)
