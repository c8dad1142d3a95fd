"""Lloyd's algorithm, its distances and k-means++ seeding (mlmath.unsupervised.kmeans.lloyd)."""

import numpy as np
import pytest
from sklearn.cluster import kmeans_plusplus as sk_kmeans_plusplus
from sklearn.datasets import make_blobs

from mlmath.unsupervised.kmeans.lloyd import (
    assign,
    inertia,
    kmeans_plusplus,
    lloyd,
    lloyd_step,
    random_init,
    scaled_tolerance,
    squared_distances,
    update_centers,
)


def _direct(X, C):
    diff = X[:, None, :] - C[None, :, :]          # (n, k, d)
    return np.einsum("ijk,ijk->ij", diff, diff)


@pytest.mark.parametrize("offset", [0.0, 1e3, 1e8])
def test_distance_expansion_matches_the_direct_computation(offset):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 7)) + offset
    C = rng.normal(size=(9, 7)) + offset
    C[0] = X[5]                                    # an exact zero distance
    D = squared_distances(X, C)
    np.testing.assert_allclose(D, _direct(X, C), rtol=1e-10, atol=0)
    assert D[5, 0] == 0.0
    assert np.all(D >= 0)


def test_far_from_the_origin_the_plain_expansion_would_fail():
    # the reason for the recomputation: at offset 1e8 the expansion alone loses every digit
    rng = np.random.default_rng(1)
    X = rng.normal(size=(50, 3)) + 1e8
    C = rng.normal(size=(4, 3)) + 1e8
    naive = (np.sum(X**2, 1)[:, None] - 2 * X @ C.T + np.sum(C**2, 1)[None, :])
    exact = _direct(X, C)
    assert np.max(np.abs(naive - exact) / exact) > 1e-2
    np.testing.assert_allclose(squared_distances(X, C), exact, rtol=1e-12)


def test_distances_with_precomputed_norms_and_mixed_scales():
    rng = np.random.default_rng(2)
    X = np.vstack([rng.normal(size=(40, 4)), rng.normal(size=(40, 4)) + 1e6])
    C = np.vstack([X[:2], X[-2:] + 1e-3])
    D = squared_distances(X, C, X_sq=np.sum(X**2, 1), C_sq=np.sum(C**2, 1))
    np.testing.assert_allclose(D, _direct(X, C), rtol=1e-9)


def test_assign_and_inertia_agree_with_brute_force():
    X, _ = make_blobs(200, centers=4, random_state=3)
    C = X[:4]
    labels, d2 = assign(X, C)
    D = _direct(X, C)
    np.testing.assert_array_equal(labels, np.argmin(D, axis=1))
    np.testing.assert_allclose(d2, D.min(axis=1), rtol=1e-12)
    assert inertia(X, C, labels) == pytest.approx(D.min(axis=1).sum(), rel=1e-12)
    w = np.linspace(0.5, 2.0, 200)
    assert inertia(X, C, labels, w) == pytest.approx(D.min(axis=1) @ w, rel=1e-12)


def test_update_moves_every_centre_to_the_weighted_mean_of_its_points():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(100, 3))
    labels = rng.integers(0, 5, size=100)
    w = rng.uniform(0.5, 2.0, size=100)
    C_new = update_centers(X, labels, w, np.zeros((5, 3)))
    for j in range(5):
        m = labels == j
        np.testing.assert_allclose(C_new[j], (w[m] @ X[m]) / w[m].sum(), rtol=1e-12)


def test_an_empty_cluster_takes_the_point_farthest_from_its_centre():
    X = np.array([[0.0, 0.0], [0.1, 0.0], [0.0, 0.1], [10.0, 0.0]])
    C_old = np.array([[0.0, 0.0], [100.0, 100.0]])            # centre 1 gets no point
    labels, d2 = assign(X, C_old)
    assert np.all(labels == 0)
    C_new = update_centers(X, labels, np.ones(4), C_old, d2)
    np.testing.assert_allclose(C_new[1], X[3])                # the farthest point
    np.testing.assert_allclose(C_new[0], X[:3].mean(axis=0))  # removed from cluster 0


@pytest.mark.parametrize("seed", range(5))
def test_lloyd_decreases_the_inertia_at_every_half_step(seed):
    X, _ = make_blobs(400, centers=6, cluster_std=2.5, random_state=seed)
    rng = np.random.default_rng(seed)
    C = X[rng.choice(400, 8, replace=False)] + rng.normal(scale=3.0, size=(8, 2))
    w = np.ones(400)
    values = []
    for _ in range(30):
        C_new, labels = lloyd_step(X, C, w)
        values.append(inertia(X, C, labels))       # after the assignment step
        values.append(inertia(X, C_new, labels))   # after the update step
        C = C_new
    values = np.array(values)
    assert np.all(np.diff(values) <= 1e-10 * values[:-1])


def test_lloyd_reaches_a_fixed_point_in_finitely_many_steps():
    X, _ = make_blobs(500, centers=5, cluster_std=2.0, random_state=7)
    C0 = X[:5]
    C, labels, value, n_iter = lloyd(X, C0, max_iter=1000, tol=0.0)
    assert n_iter < 1000
    C_again, labels_again = lloyd_step(X, C, np.ones(500))
    np.testing.assert_array_equal(labels_again, labels)      # assignment unchanged ...
    np.testing.assert_allclose(C_again, C, rtol=0, atol=1e-12)  # ... so are the centres
    assert value == pytest.approx(inertia(X, C, labels), rel=1e-12)


def test_scaled_tolerance_is_tol_times_the_mean_variance():
    X = np.random.default_rng(0).normal(size=(50, 3)) * [1.0, 2.0, 3.0]
    assert scaled_tolerance(X, 1e-4) == pytest.approx(1e-4 * np.var(X, axis=0).mean())
    assert scaled_tolerance(X, 0) == 0.0


def _potential(X, C):
    return _direct(X, C).min(axis=1).sum()


@pytest.mark.parametrize("k", [3, 10])
def test_kmeans_plusplus_matches_scikit_learns_expected_inertia(k):
    X, _ = make_blobs(600, centers=k, cluster_std=1.5, random_state=11)
    ours = [_potential(X, kmeans_plusplus(X, k, random_state=s)[0]) for s in range(200)]
    theirs = [_potential(X, sk_kmeans_plusplus(X, k, random_state=1000 + s)[0])
              for s in range(200)]
    # means of 200 seedings each: within 3 standard errors of their difference
    se = np.sqrt(np.var(ours) / 200 + np.var(theirs) / 200)
    assert abs(np.mean(ours) - np.mean(theirs)) <= 3 * se + 1e-9 * np.mean(theirs)


def test_kmeans_plusplus_returns_rows_of_x_and_the_guarantee_holds():
    X, _ = make_blobs(500, centers=8, random_state=5)
    C, idx = kmeans_plusplus(X, 8, random_state=0)
    np.testing.assert_array_equal(C, X[idx])
    assert len(set(idx.tolist())) == 8
    # Arthur and Vassilvitskii: E[potential] <= 8 (ln k + 2) OPT for plain k-means++; the best
    # of several Lloyd runs stands in for OPT (an upper bound of it, so the check is weaker)
    opt = min(lloyd(X, kmeans_plusplus(X, 8, random_state=s)[0])[2] for s in range(10))
    plain = np.mean([_potential(X, kmeans_plusplus(X, 8, random_state=s, n_local_trials=1)[0])
                     for s in range(100)])
    assert plain <= 8 * (np.log(8) + 2) * opt


def test_random_init_draws_distinct_points():
    X = np.arange(20.0).reshape(10, 2)
    C = random_init(X, 10, random_state=0)
    assert sorted(map(tuple, C)) == sorted(map(tuple, X))
