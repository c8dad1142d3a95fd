"""The mini-batch step and partial_fit (mlmath.unsupervised.kmeans.minibatch)."""

import numpy as np
import pytest
from sklearn import cluster
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

from mlmath.unsupervised.kmeans import MiniBatchKMeans, assign, minibatch_step


def test_minibatch_learning_rate_is_one_over_the_count():
    rng = np.random.default_rng(0)
    C = np.array([[0.0, 0.0], [10.0, 10.0]])
    counts = np.zeros(2)
    seen = []
    for _ in range(4):
        Xb = rng.normal(size=(30, 2)) * 0.5            # all nearest to centre 0
        labels, _ = assign(Xb, C)
        assert np.all(labels == 0)
        C = minibatch_step(Xb, np.ones(30), labels, C, counts)
        seen.append(Xb)
        # with rate 1/count the centre is the running mean of every point it received
        np.testing.assert_allclose(C[0], np.vstack(seen).mean(axis=0), rtol=1e-12)
    assert counts.tolist() == [120.0, 0.0]
    np.testing.assert_array_equal(C[1], [10.0, 10.0])


def test_the_batch_step_equals_point_by_point_sgd_with_rate_w_over_count():
    # the closed form of the step against the sequential update mu += (w / N) (x - mu)
    rng = np.random.default_rng(1)
    C = rng.normal(size=(3, 4))
    counts = np.array([5.0, 0.0, 2.5])
    Xb, wb = rng.normal(size=(40, 4)), rng.uniform(0.5, 2.0, 40)
    labels = rng.integers(0, 3, 40)
    expected, N = C.copy(), counts.copy()
    for x, w, k in zip(Xb, wb, labels):
        N[k] += w
        expected[k] += (w / N[k]) * (x - expected[k])
    got = minibatch_step(Xb, wb, labels, C, counts)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(counts, N)


def test_partial_fit_over_batches_clusters_like_the_twin():
    X, y = make_blobs(3000, centers=4, cluster_std=1.0, random_state=3)
    ours = MiniBatchKMeans(4, random_state=0)
    twin = cluster.MiniBatchKMeans(4, random_state=0, n_init=1)
    for batch in np.array_split(np.random.default_rng(0).permutation(3000), 10):
        ours.partial_fit(X[batch])
        twin.partial_fit(X[batch])
    assert ours.n_steps_ == 10
    ari_ours = adjusted_rand_score(y, ours.predict(X))
    ari_twin = adjusted_rand_score(y, twin.predict(X))
    assert ari_ours >= ari_twin - 0.02, (ari_ours, ari_twin)


def test_partial_fit_first_call_seeds_and_later_calls_check_features():
    X, _ = make_blobs(200, centers=3, random_state=0)
    est = MiniBatchKMeans(3, random_state=0).partial_fit(X)
    assert est.cluster_centers_.shape == (3, 2) and est.n_steps_ == 1
    assert est.labels_.shape == (200,)
    with pytest.raises(ValueError, match="features"):
        est.partial_fit(np.ones((5, 3)))
    with pytest.raises(ValueError, match="n_clusters"):
        MiniBatchKMeans(5).partial_fit(X[:3])


def test_partial_fit_after_fit_continues_from_the_counts():
    X, _ = make_blobs(500, centers=3, random_state=0)
    est = MiniBatchKMeans(3, random_state=0, batch_size=100).fit(X)
    counts = est._counts.copy()
    est.partial_fit(X[:50])
    assert est._counts.sum() == pytest.approx(counts.sum() + 50)
