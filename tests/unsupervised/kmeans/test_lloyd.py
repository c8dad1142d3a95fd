"""Lloyd's algorithm, its distances and k-means++ seeding (mlmath.unsupervised.kmeans.lloyd)."""

import warnings

import numpy as np
import pytest
import sklearn.cluster as skc
from sklearn.cluster import kmeans_plusplus as sk_kmeans_plusplus
from sklearn.cluster._k_means_lloyd import lloyd_iter_chunked_dense
from sklearn.datasets import make_blobs

from mlmath.unsupervised.kmeans import KMeans
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


@pytest.mark.parametrize("k", [3, 16, 17, 40])   # the running minimum (K <= 16) and argmin
def test_assign_takes_the_lowest_index_on_ties_in_both_strategies(k):
    # integer points and centres: every distance is exact, so the ties are real ties; with
    # duplicated centres every point is tied between at least two. 8,000 points at K = 40
    # take two blocks of rows.
    rng = np.random.default_rng(5)
    X = rng.integers(-3, 4, size=(8_000 if k == 40 else 1_000, 3)).astype(float)
    C = rng.integers(-3, 4, size=(k, 3)).astype(float)
    h = k // 2
    C[h:2 * h] = C[:h]                             # centres h, ..., 2h - 1 repeat 0, ..., h - 1
    labels, d2 = assign(X, C)
    D = _direct(X, C)
    np.testing.assert_array_equal(labels, np.argmin(D, axis=1))   # argmin: the lowest index
    np.testing.assert_array_equal(d2, D.min(axis=1))
    assert not np.any((labels >= h) & (labels < 2 * h))    # never the later copy of a centre
    assert np.any(labels < h)


@pytest.mark.parametrize("n_points, n_centres", [(300, 9), (5, 50)])
def test_distances_are_right_with_more_centres_than_points_and_far_from_the_origin(
        n_points, n_centres):
    # squared_distances is built as its transpose: check both shapes, with the guard at work
    rng = np.random.default_rng(6)
    X = rng.normal(size=(n_points, 4)) + 1e8
    C = rng.normal(size=(n_centres, 4)) + 1e8
    C[0] = X[1]
    D = squared_distances(X, C)
    assert D.shape == (n_points, n_centres)
    np.testing.assert_allclose(D, _direct(X, C), rtol=1e-12)
    assert D[1, 0] == 0.0


def test_inertia_in_blocks_is_the_direct_sum():
    # 3,000 points of 40 features: the inertia is summed in 8 blocks of rows
    rng = np.random.default_rng(7)
    X, C = rng.normal(size=(3_000, 40)), rng.normal(size=(5, 40))
    labels = rng.integers(0, 5, size=3_000)
    direct = np.sum((X - C[labels]) ** 2, axis=1)
    assert inertia(X, C, labels) == pytest.approx(direct.sum(), rel=1e-13)
    w = rng.uniform(0.5, 2.0, size=3_000)
    assert inertia(X, C, labels, w) == pytest.approx(direct @ w, rel=1e-13)


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
    C_new = update_centers(X, labels, np.ones(4), C_old)
    np.testing.assert_allclose(C_new[1], X[3])                # the farthest point
    np.testing.assert_allclose(C_new[0], X[:3].mean(axis=0))  # removed from cluster 0


def _sklearn_step(X, C, w):
    # one Lloyd iteration of scikit-learn's own code (assignment, relocation, means)
    X, C = np.ascontiguousarray(X, dtype=float), np.ascontiguousarray(C, dtype=float)
    C_new, weight = np.zeros_like(C), np.zeros(len(C))
    labels, shift = np.full(len(X), -1, dtype=np.int32), np.zeros(len(C))
    lloyd_iter_chunked_dense(X, np.asarray(w, dtype=float), C, C_new, weight, labels, shift, 1)
    return C_new, labels


@pytest.mark.parametrize("X, C_old", [
    # every point on its centre: no relocation, the empty centre joins the heaviest cluster
    ([[0.0], [0.0], [5.0], [5.0]], [[0.0], [0.0], [5.0]]),
    # relocation fires; the moved point was alone, so its old cluster empties in turn
    ([[0.0], [1.0], [10.0]], [[0.5], [14.0], [30.0]]),
    # two empty clusters, two farthest points
    ([[0.0], [5.0], [6.0]], [[2.0], [100.0], [200.0]]),
    # the review's example: relocation moves the point at distance 2 (squared 4)
    ([[0.0], [0.0], [3.0], [100.0]], [[1.0], [100.0], [100.0]]),
])
def test_one_step_with_empty_clusters_is_scikit_learns(X, C_old):
    X, C_old = np.array(X), np.array(C_old)
    w = np.ones(len(X))
    C_new, labels = lloyd_step(X, C_old, w)
    C_sk, labels_sk = _sklearn_step(X, C_old, w)
    np.testing.assert_array_equal(labels, labels_sk)
    np.testing.assert_allclose(C_new, C_sk, rtol=1e-12, atol=1e-12)


def test_a_cluster_emptied_by_relocation_takes_the_heaviest_clusters_mean():
    X = np.array([[0.0], [1.0], [10.0]])
    C_new, relocated = update_centers(X, np.array([0, 0, 1]), np.ones(3),
                                      np.array([[0.5], [14.0], [30.0]]), return_labels=True)
    np.testing.assert_array_equal(relocated, [0, 0, 2])
    np.testing.assert_allclose(C_new.ravel(), [0.5, 0.5, 10.0])
    # where the heaviest cluster has the larger index, scikit-learn 1.9.1 copies its *sum*
    # (here 3); this package copies its mean, 1, as the comment in scikit-learn intends
    X = np.ones((3, 1))
    np.testing.assert_allclose(update_centers(X, np.array([1, 1, 1]), np.ones(3),
                                              np.array([[5.0], [1.0]])).ravel(), [1.0, 1.0])


@pytest.mark.parametrize("n_clusters, seed", [(60, 0), (60, 1), (55, 2), (70, 3)])
def test_fit_on_duplicates_with_more_clusters_than_points_is_scikit_learns(n_clusters, seed):
    # 50 distinct points, each 20 times, from the same k-means++ seeds (which repeat a point once
    # all 50 are taken): every point ends on a centre, relocation is skipped, the spare centres
    # join the heaviest cluster, and both stop at iteration 2. (From seeds that leave distinct
    # points uncovered, which copy is relocated and which of two nearly coincident centres wins
    # a tie depend on rounding in the last bit, and the runs can part.)
    X = np.repeat(np.random.default_rng(seed).normal(size=(50, 2)), 20, axis=0)
    C0 = sk_kmeans_plusplus(X, n_clusters, random_state=seed)[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")           # both warn of fewer distinct clusters
        ours = KMeans(n_clusters, init=C0, n_init=1).fit(X)
        twin = skc.KMeans(n_clusters, init=C0, n_init=1).fit(X)
    assert ours.n_iter_ == twin.n_iter_ == 2
    np.testing.assert_array_equal(ours.labels_, twin.labels_)
    np.testing.assert_allclose(ours.cluster_centers_, twin.cluster_centers_, atol=1e-12)


def test_fit_from_the_same_centres_with_duplicate_seeds_is_scikit_learns():
    # duplicate initial centres leave clusters empty; relocation fires at positive distance
    X, _ = make_blobs(300, centers=4, random_state=3)
    C0 = np.repeat(X[:3], 2, axis=0)                          # 6 centres, 3 distinct
    for tol in [0.0, 1e-4]:
        ours = KMeans(6, init=C0, n_init=1, tol=tol).fit(X)
        twin = skc.KMeans(6, init=C0, n_init=1, tol=tol).fit(X)
        assert ours.n_iter_ == twin.n_iter_
        np.testing.assert_array_equal(ours.labels_, twin.labels_)
        np.testing.assert_allclose(ours.cluster_centers_, twin.cluster_centers_, atol=1e-9)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("duplicate_seeds", [False, True])
def test_lloyd_decreases_the_inertia_at_every_half_step(seed, duplicate_seeds):
    X, _ = make_blobs(400, centers=6, cluster_std=2.5, random_state=seed)
    rng = np.random.default_rng(seed)
    C = X[rng.choice(400, 8, replace=False)] + rng.normal(scale=3.0, size=(8, 2))
    if duplicate_seeds:
        C[4:] = C[:4]          # the copies are empty after the first assignment: relocation
    w = np.ones(400)
    values, fired = [], 0
    for _ in range(30):
        labels, _ = assign(X, C)
        C_new, relocated = update_centers(X, labels, w, C, return_labels=True)
        fired += int(np.any(relocated != labels))
        values.append(inertia(X, C, labels))           # after the assignment step
        moved = relocated != labels                     # after the relocation: the moved
        d2 = np.sum((X - C[labels]) ** 2, axis=1)        # points sit on their new centres
        values.append(inertia(X, C, labels) - d2[moved].sum())
        values.append(inertia(X, C_new, relocated))    # after the update step
        C = C_new
    values = np.array(values)
    assert np.all(np.diff(values) <= 1e-10 * values[:-1])
    assert fired > 0 or not duplicate_seeds


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
