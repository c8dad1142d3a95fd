"""Silhouette and gap statistic (mlmath.unsupervised.kmeans.choosing_k)."""

import numpy as np
import pytest
from scipy.spatial.distance import pdist
from sklearn import metrics
from sklearn.datasets import load_wine, make_blobs, make_moons
from sklearn.preprocessing import StandardScaler

from mlmath.unsupervised.kmeans import (
    KMeans,
    choosing_k,
    gap_statistic,
    silhouette_samples,
    silhouette_score,
)


def _labelled_sets():
    X, y = make_blobs(300, centers=4, random_state=0)
    yield X, y
    X, y = make_moons(250, noise=0.1, random_state=0)
    yield X, y
    X = StandardScaler().fit_transform(load_wine().data)
    yield X, KMeans(5, random_state=0).fit(X).labels_
    X, y = make_blobs(60, centers=3, random_state=1)
    y[0] = 7                                          # a singleton cluster: s = 0 there
    yield X, y


@pytest.mark.parametrize("i", range(4))
def test_silhouette_equals_scikit_learns(i):
    X, y = list(_labelled_sets())[i]
    np.testing.assert_allclose(silhouette_samples(X, y), metrics.silhouette_samples(X, y),
                               atol=1e-10)
    assert silhouette_score(X, y) == pytest.approx(metrics.silhouette_score(X, y), abs=1e-12)


def test_silhouette_in_blocks_equals_one_block(monkeypatch):
    X, y = make_blobs(500, centers=3, random_state=2)
    whole = silhouette_samples(X, y)
    monkeypatch.setattr(choosing_k, "_BLOCK_FLOATS", 7 * 500)   # blocks of 7 rows
    np.testing.assert_allclose(silhouette_samples(X, y), whole, atol=1e-13)


def test_silhouette_with_string_labels_and_far_from_the_origin():
    X, y = make_blobs(200, centers=3, random_state=3)
    names = np.array(["a", "b", "c"])[y]
    near = silhouette_samples(X, names)
    np.testing.assert_allclose(near, metrics.silhouette_samples(X, y), atol=1e-10)
    # the guarded expansion keeps the digits at an offset of 1e6
    np.testing.assert_allclose(silhouette_samples(X + 1e6, y), near, atol=1e-6)


def test_silhouette_rejects_one_label_or_one_point_per_label():
    X = np.random.default_rng(0).normal(size=(10, 2))
    with pytest.raises(ValueError, match="Number of labels"):
        silhouette_score(X, np.zeros(10))
    with pytest.raises(ValueError, match="Number of labels"):
        silhouette_score(X, np.arange(10))
    with pytest.raises(ValueError, match="one label per row"):
        silhouette_score(X, np.zeros(9))
    with pytest.raises(ValueError):
        silhouette_score(np.full((10, 2), np.nan), np.arange(10) % 2)


def test_within_cluster_sum_of_squares_is_the_pairwise_form():
    # W_K = sum_r D_r / (2 n_r), D_r the sum over ordered pairs, equals the inertia
    X, _ = make_blobs(150, centers=3, random_state=4)
    est = KMeans(3, random_state=0).fit(X)
    w = 0.0
    for r in range(3):
        pts = X[est.labels_ == r]
        w += 2 * np.sum(pdist(pts, "sqeuclidean")) / (2 * len(pts))
    assert est.inertia_ == pytest.approx(w, rel=1e-10)


def test_gap_and_its_standard_error_follow_the_formula():
    X, _ = make_blobs(120, centers=3, random_state=5)
    r = gap_statistic(X, 5, n_refs=6, random_state=0)
    B = 6
    mean = r.log_w_ref.sum(axis=1) / B
    np.testing.assert_allclose(r.gap, mean - r.log_w)
    sd = np.sqrt(((r.log_w_ref - mean[:, None]) ** 2).sum(axis=1) / B)
    np.testing.assert_allclose(r.s, sd * np.sqrt(1 + 1 / B))
    first = next(k for k in range(1, 5) if r.gap[k - 1] >= r.gap[k] - r.s[k])
    assert r.k == first
    assert r.log_w[0] == pytest.approx(np.log(np.sum((X - X.mean(0)) ** 2)), rel=1e-12)


@pytest.mark.parametrize("reference", ["box", "pca"])
@pytest.mark.parametrize("k_true", [3, 5])
def test_gap_finds_the_number_of_well_separated_blobs(reference, k_true):
    centres = 12.0 * np.eye(k_true)                  # k_true corners of a simplex
    X, _ = make_blobs(300, centers=centres, cluster_std=1.0, random_state=k_true)
    assert gap_statistic(X, 7, reference=reference, random_state=0).k == k_true


def test_gap_picks_one_cluster_on_uniform_data():
    X = np.random.default_rng(0).uniform(size=(200, 2))
    assert gap_statistic(X, 5, random_state=0).k == 1


def test_gap_rejects_bad_arguments():
    X = np.random.default_rng(0).normal(size=(20, 2))
    with pytest.raises(ValueError, match="k_max"):
        gap_statistic(X, 1)
    with pytest.raises(ValueError, match="n_refs"):
        gap_statistic(X, 3, n_refs=1)
    with pytest.raises(ValueError, match="reference"):
        gap_statistic(X, 3, reference="cube")
