"""The Barnes-Hut tree and forces against the exact sums."""

import numpy as np
import pytest
from scipy import sparse

from mlmath.dimensionality_reduction.tsne import (
    attractive_forces,
    build_tree,
    joint_affinities,
    kl_divergence_and_gradient,
    kl_divergence_and_gradient_bh,
    pairwise_sq_distances,
    repulsive_forces,
    student_t_affinities,
    upper_pairs,
)


def _exact_repulsion(Z, dof=1.0):
    W, U, _ = student_t_affinities(Z, dof)
    M = W * U
    return M.sum(1)[:, None] * Z - M @ Z, W.sum()


@pytest.mark.parametrize("q", [1, 2, 3])
def test_tree_counts_and_centres_of_mass(q):
    Z = np.random.default_rng(q).normal(size=(200, q))
    center, half, count, mass, child, leaf = build_tree(Z)
    assert count[0] == 200 and np.allclose(mass[0], Z.mean(0))
    assert np.sum(count[leaf]) == 200
    inner = ~leaf
    for c in np.flatnonzero(inner):                      # children partition their parent
        kids = child[c][child[c] >= 0]
        assert count[kids].sum() == count[c]
        assert np.allclose((count[kids, None] * mass[kids]).sum(0), count[c] * mass[c])
        assert np.all(half[kids] == half[c] / 2)


@pytest.mark.parametrize("q,dof", [(2, 1.0), (3, 2.0)])
def test_angle_zero_is_exact(q, dof):
    Z = np.random.default_rng(0).normal(size=(300, q))
    F, z = repulsive_forces(Z, 0.0, dof)
    F_ref, z_ref = _exact_repulsion(Z, dof)
    np.testing.assert_allclose(F, F_ref, rtol=1e-10, atol=1e-12)
    assert z == pytest.approx(z_ref, rel=1e-12)


def test_error_shrinks_with_the_angle_and_is_small_at_half():
    rng = np.random.default_rng(1)
    Z = np.vstack([rng.normal(size=(300, 2)) + c for c in ([0, 0], [8, 0], [0, 8])])
    F_ref, z_ref = _exact_repulsion(Z)
    errs = []
    for theta in [0.8, 0.5, 0.2, 0.05]:
        F, z = repulsive_forces(Z, theta)
        errs.append(np.linalg.norm(F / z - F_ref / z_ref) / np.linalg.norm(F_ref / z_ref))
        if theta == 0.5:
            assert abs(z / z_ref - 1) < 1e-2
    assert all(a > b for a, b in zip(errs, errs[1:]))
    assert errs[1] < 0.02                                 # angle 0.5: below 2 % relative
    assert errs[-1] < 1e-3


def test_duplicates_and_self_interaction():
    Z = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 0.0], [1.0, 2.0], [1.0, 2.0], [1.0, 2.0]])
    for theta in (0.0, 0.5, 1.0):
        F, z = repulsive_forces(Z, theta)
        F_ref, z_ref = _exact_repulsion(Z)
        np.testing.assert_allclose(F, F_ref, atol=1e-12)
        assert z == pytest.approx(z_ref)
    F, z = repulsive_forces(np.zeros((5, 2)), 0.5)         # all equal: every w = 1, no force
    assert z == 20.0 and np.all(F == 0)


def test_bh_gradient_and_kl_tend_to_exact():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(150, 4))
    P = joint_affinities(pairwise_sq_distances(X), 10.0)
    Z = rng.normal(size=(150, 2))
    kl, grad = kl_divergence_and_gradient(P, Z)
    pairs = upper_pairs(sparse.csr_array(P))
    kl0, grad0 = kl_divergence_and_gradient_bh(pairs, Z, 0.0)
    np.testing.assert_allclose(grad0, grad, rtol=1e-9, atol=1e-13)
    assert kl0 == pytest.approx(kl, rel=1e-9)
    _, grad5 = kl_divergence_and_gradient_bh(pairs, Z, 0.5)
    assert np.linalg.norm(grad5 - grad) / np.linalg.norm(grad) < 0.02


def test_attractive_forces_equal_dense_sum():
    rng = np.random.default_rng(3)
    A = sparse.random_array((50, 50), density=0.2, rng=rng)
    P = A + A.T
    P.setdiag(0)
    Z = rng.normal(size=(50, 2))
    F, _ = attractive_forces(upper_pairs(P), Z)
    Pd = P.toarray()
    U = 1 / (1 + pairwise_sq_distances(Z))
    M = Pd * U
    np.testing.assert_allclose(F, M.sum(1)[:, None] * Z - M @ Z, atol=1e-12)
