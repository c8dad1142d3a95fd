"""DBSCAN against scikit-learn's, its input checks and its memory (dbscan.estimators)."""

import tracemalloc
from fractions import Fraction

import numpy as np
import pytest
from sklearn import cluster
from sklearn.datasets import load_iris, load_wine, make_blobs, make_circles, make_moons
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler

from mlmath.unsupervised.dbscan import DBSCAN
from mlmath.validation import InvalidParameterError


def _blobs_with_noise():
    X, _ = make_blobs(1500, centers=4, cluster_std=[0.3, 0.6, 1.0, 1.5], random_state=0)
    noise = np.random.default_rng(0).uniform(-12, 12, size=(150, 2))
    return np.vstack([X, noise])


def _shared_border(first):
    """Two dense groups and one point between them, within eps of a core point of each but
    not core itself; ``first`` says which group comes first in the index order."""
    a = np.column_stack([np.linspace(0.0, 0.3, 4), np.zeros(4)])
    b = np.column_stack([np.linspace(1.6, 1.9, 4), np.zeros(4)])
    mid = np.array([[0.95, 0.0]])
    return np.vstack([a, mid, b] if first == "a" else [b, mid, a])


CASES = [
    ("blobs with noise", _blobs_with_noise(), dict(eps=0.4, min_samples=8)),
    ("moons", make_moons(600, noise=0.06, random_state=0)[0], dict(eps=0.12, min_samples=5)),
    ("shared border, a first", _shared_border("a"), dict(eps=0.7, min_samples=4)),
    ("shared border, b first", _shared_border("b"), dict(eps=0.7, min_samples=4)),
    ("duplicates", np.repeat(make_blobs(100, random_state=1)[0], 3, axis=0)[::-1],
     dict(eps=0.3, min_samples=4)),
    ("min_samples = 1", _blobs_with_noise(), dict(eps=0.2, min_samples=1)),
    ("tiny eps: all noise", _blobs_with_noise(), dict(eps=1e-8, min_samples=2)),
    ("huge eps: one cluster", _blobs_with_noise(), dict(eps=1e3, min_samples=5)),
    ("manhattan", _blobs_with_noise(), dict(eps=0.5, min_samples=8, metric="manhattan")),
    ("chebyshev", _blobs_with_noise(), dict(eps=0.3, min_samples=8, metric="chebyshev")),
    ("minkowski p=3", _blobs_with_noise(), dict(eps=0.4, min_samples=8, metric="minkowski",
                                                p=3.0)),
    ("wine 13-d", StandardScaler().fit_transform(load_wine().data), dict(eps=2.0, min_samples=5)),
]


@pytest.mark.parametrize("algorithm", ["auto", "brute", "kd_tree"])
@pytest.mark.parametrize(("name", "X", "params"), CASES, ids=[c[0] for c in CASES])
def test_labels_and_core_points_equal_scikit_learns(name, X, params, algorithm):
    ours = DBSCAN(algorithm=algorithm, **params).fit(X)
    twin = cluster.DBSCAN(algorithm=algorithm, **params).fit(X)
    # not only up to relabelling: the same numbers (the border rule reproduces its order)
    np.testing.assert_array_equal(ours.labels_, twin.labels_)
    np.testing.assert_array_equal(ours.core_sample_indices_, twin.core_sample_indices_)
    np.testing.assert_array_equal(ours.components_, twin.components_)


@pytest.mark.parametrize("d", [3, 12, 16, 30])
def test_continuous_data_in_low_and_high_dimension_as_scikit_learn(d):
    # d > 15: scikit-learn searches by brute force (the expansion), else by its k-d tree; on
    # continuous data no distance lies within rounding of eps, so the labels must be equal
    rng = np.random.default_rng(d)
    X, _ = make_blobs(400, n_features=d, centers=4, cluster_std=1.0, random_state=d)
    X = np.vstack([X, rng.uniform(-10, 10, size=(40, d))])
    eps = float(np.quantile(np.linalg.norm(X[:200, None] - X[None, :200], axis=-1), 0.05))
    for ms in [3, 10]:
        ours = DBSCAN(eps=eps, min_samples=ms).fit(X)
        twin = cluster.DBSCAN(eps=eps, min_samples=ms).fit(X)
        assert adjusted_rand_score(ours.labels_, twin.labels_) == 1.0
        np.testing.assert_array_equal(ours.labels_, twin.labels_)  # numbers included
        np.testing.assert_array_equal(ours.core_sample_indices_, twin.core_sample_indices_)
        assert 0 < ours.core_sample_indices_.size < X.shape[0]


def test_grid_data_with_more_than_15_features_as_scikit_learns_kd_tree():
    # 0.1-grids: many distances lie within rounding of eps; the package (brute force here)
    # and scikit-learn's k-d tree both sum the squared differences coordinate by coordinate
    rng = np.random.default_rng(0)
    for _ in range(20):
        X = np.zeros((int(rng.integers(12, 80)), 16))
        X[:, :2] = rng.integers(0, 10, size=(X.shape[0], 2)) * 0.1
        ours = DBSCAN(eps=0.1, min_samples=3).fit(X)
        twin = cluster.DBSCAN(eps=0.1, min_samples=3, algorithm="kd_tree").fit(X)
        np.testing.assert_array_equal(ours.labels_, twin.labels_)
        np.testing.assert_array_equal(ours.core_sample_indices_, twin.core_sample_indices_)


def test_the_reviewers_example_is_exact():
    # 20 points 0.0, 0.1, ..., 1.9 on one axis of 16: the definition in exact arithmetic
    X = np.zeros((20, 16))
    X[:, 0] = np.arange(20) * 0.1
    x = [Fraction(v) for v in X[:, 0]]
    counts = [sum(abs(a - b) <= Fraction(0.1) for b in x) for a in x]
    exact_core = [i for i, c in enumerate(counts) if c >= 3]
    ours = DBSCAN(eps=0.1, min_samples=3).fit(X)
    assert ours.core_sample_indices_.tolist() == exact_core == [1, 4, 7, 8, 9]
    twin = cluster.DBSCAN(eps=0.1, min_samples=3).fit(X)  # brute force: the expansion
    assert twin.core_sample_indices_.tolist() != exact_core


def test_an_offset_of_1e8_does_not_change_the_labels():
    X, _ = make_blobs(300, n_features=20, centers=3, random_state=4)
    ours = DBSCAN(eps=5.0, min_samples=5).fit(X)
    assert ours.labels_.max() == 2 and np.any(ours.labels_ == -1)
    shifted = DBSCAN(eps=5.0, min_samples=5).fit(X + 1e8)
    np.testing.assert_array_equal(shifted.labels_, ours.labels_)
    np.testing.assert_array_equal(shifted.core_sample_indices_, ours.core_sample_indices_)


def test_the_shared_border_point_follows_the_index_order():
    for first in ["a", "b"]:
        labels = DBSCAN(eps=0.7, min_samples=4).fit_predict(_shared_border(first))
        assert labels.tolist() == [0, 0, 0, 0, 0, 1, 1, 1, 1]
    assert set(DBSCAN(eps=0.7, min_samples=4).fit(_shared_border("a")).core_sample_indices_) \
        == {0, 1, 2, 3, 5, 6, 7, 8}


def test_sample_weight_as_in_scikit_learn():
    X = _blobs_with_noise()
    w = np.random.default_rng(0).uniform(0.0, 3.0, X.shape[0])
    for ms in [3, 10]:
        ours = DBSCAN(eps=0.4, min_samples=ms).fit(X, sample_weight=w)
        twin = cluster.DBSCAN(eps=0.4, min_samples=ms).fit(X, sample_weight=w)
        np.testing.assert_array_equal(ours.labels_, twin.labels_)
    ints = np.random.default_rng(1).integers(1, 4, X.shape[0])
    weighted = DBSCAN(eps=0.4, min_samples=10).fit(X, sample_weight=ints)
    repeated = DBSCAN(eps=0.4, min_samples=10).fit(np.repeat(X, ints, axis=0))
    np.testing.assert_array_equal(np.repeat(weighted.labels_, ints), repeated.labels_)


def _ari_datasets():
    X, y = make_blobs(1000, centers=[[0, 0], [6, 0], [0, 9]], cluster_std=[0.5, 1.0, 1.8],
                      random_state=2)
    yield "blobs unequal spread", X, y, 0.6, 10
    X, y = make_blobs(1000, centers=3, random_state=170)
    yield "anisotropic", X @ np.array([[0.6, -0.64], [-0.41, 0.85]]), y, 0.3, 8
    X, y = make_moons(800, noise=0.07, random_state=0)
    yield "moons", X, y, 0.15, 5
    X, y = make_circles(800, factor=0.5, noise=0.05, random_state=0)
    yield "circles", X, y, 0.15, 5
    X, y = load_iris(return_X_y=True)
    yield "iris", StandardScaler().fit_transform(X), y, 0.8, 5
    X, y = load_wine(return_X_y=True)
    yield "wine", StandardScaler().fit_transform(X), y, 2.3, 5


@pytest.mark.parametrize(("name", "X", "y", "eps", "ms"), list(_ari_datasets()),
                         ids=[d[0] for d in _ari_datasets()])
def test_ari_to_the_truth_is_within_002_of_the_twins(name, X, y, eps, ms):
    ours = adjusted_rand_score(y, DBSCAN(eps=eps, min_samples=ms).fit_predict(X))
    twin = adjusted_rand_score(y, cluster.DBSCAN(eps=eps, min_samples=ms).fit_predict(X))
    assert abs(ours - twin) <= 0.02, (ours, twin)


def test_bad_input_gets_clear_errors():
    X = _blobs_with_noise()[:50]
    for bad in [np.nan, np.inf]:
        Xb = X.copy()
        Xb[3, 1] = bad
        with pytest.raises(ValueError, match="NaN|infinity"):
            DBSCAN().fit(Xb)
    with pytest.raises(ValueError, match="overflow"):
        DBSCAN().fit(X * 1e200)
    for params in [dict(eps=0.0), dict(eps=-1.0), dict(min_samples=0), dict(metric="cosine"),
                   dict(algorithm="ball_tree"), dict(leaf_size=0), dict(p=0.5)]:
        with pytest.raises(InvalidParameterError):
            DBSCAN(**params).fit(X)
    with pytest.raises(ValueError, match="sample_weight"):
        DBSCAN().fit(X, sample_weight=np.ones(3))
    with pytest.raises(ValueError, match="non-negative"):
        DBSCAN().fit(X, sample_weight=-np.ones(50))
    with pytest.raises(ValueError):
        DBSCAN().fit(np.empty((0, 2)))


def test_degenerate_data():
    same = DBSCAN(eps=0.1, min_samples=3).fit(np.ones((40, 3)))
    assert np.all(same.labels_ == 0) and same.core_sample_indices_.size == 40
    one = DBSCAN(min_samples=1).fit([[1.0, 2.0]])
    assert one.labels_.tolist() == [0]
    assert DBSCAN(min_samples=2).fit([[1.0, 2.0]]).labels_.tolist() == [-1]
    x1 = np.random.default_rng(0).normal(size=(200, 1))
    np.testing.assert_array_equal(DBSCAN(eps=0.05).fit_predict(x1),
                                  cluster.DBSCAN(eps=0.05).fit_predict(x1))
    X = _blobs_with_noise()
    np.testing.assert_array_equal(DBSCAN(eps=0.4).fit_predict(X.astype(np.float32)),
                                  cluster.DBSCAN(eps=0.4).fit_predict(X.astype(np.float32)))


def test_fit_at_n_20000_peaks_far_below_an_n_by_n_array():
    n = 20_000
    X, _ = make_blobs(n, centers=6, cluster_std=1.0, random_state=0)
    DBSCAN(eps=0.2).fit(X[:500])  # load the compiled functions before measuring
    tracemalloc.start()
    est = DBSCAN(eps=0.2, min_samples=10).fit(X)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert est.core_sample_indices_.size > n // 2
    assert peak < 0.01 * 8 * n * n, peak  # an n x n float64 array: 3.2 GB; we stay < 32 MB
