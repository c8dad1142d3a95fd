"""KMeans and MiniBatchKMeans against scikit-learn, and their API (mlmath.unsupervised.kmeans)."""

import numpy as np
import pytest
from sklearn import cluster
from sklearn.datasets import load_iris, make_blobs
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler

from mlmath.unsupervised.kmeans import KMeans, MiniBatchKMeans
from mlmath.validation import InvalidParameterError


def _datasets():
    X, y = make_blobs(1500, centers=5, cluster_std=1.0, random_state=0)
    yield "blobs", X, y, 5
    X, y = make_blobs(2000, n_features=6, centers=8, cluster_std=2.0, random_state=1)
    yield "blobs 6d overlapping", X, y, 8
    X, y = make_blobs(1000, centers=[[0, 0], [5, 0], [0, 8]], cluster_std=[0.5, 1.5, 3.0],
                      random_state=2)
    yield "blobs unequal", X, y, 3
    X, y = load_iris(return_X_y=True)
    yield "iris", StandardScaler().fit_transform(X), y, 3


DATASETS = list(_datasets())
IDS = [d[0] for d in DATASETS]


@pytest.mark.parametrize(("name", "X", "y", "k"), DATASETS, ids=IDS)
def test_inertia_equals_the_twins_from_the_same_initial_centres(name, X, y, k):
    rng = np.random.default_rng(0)
    for _ in range(3):
        C0 = X[rng.choice(X.shape[0], k, replace=False)]
        ours = KMeans(k, init=C0, n_init=1).fit(X)
        twin = cluster.KMeans(k, init=C0, n_init=1).fit(X)
        assert ours.inertia_ == pytest.approx(twin.inertia_, rel=1e-6)
        assert adjusted_rand_score(ours.labels_, twin.labels_) == 1.0


@pytest.mark.parametrize(("name", "X", "y", "k"), DATASETS, ids=IDS)
@pytest.mark.parametrize(("ours_cls", "twin_cls"), [(KMeans, cluster.KMeans),
                                                    (MiniBatchKMeans, cluster.MiniBatchKMeans)],
                         ids=["KMeans", "MiniBatchKMeans"])
def test_ari_to_the_truth_is_within_002_of_the_twins(name, X, y, k, ours_cls, twin_cls):
    # defaults apart from n_clusters; medians over ten seeds, since one seeding is luck
    ours = np.median([adjusted_rand_score(y, ours_cls(k, random_state=s).fit(X).labels_)
                      for s in range(10)])
    twin = np.median([adjusted_rand_score(y, twin_cls(k, random_state=s).fit(X).labels_)
                      for s in range(10)])
    assert abs(ours - twin) <= 0.02, (ours, twin)


def test_random_init_with_several_runs_keeps_the_best():
    _, X, _, k = DATASETS[1]
    est = KMeans(k, init="random", n_init=5, random_state=0).fit(X)
    singles = [KMeans(k, init="random", n_init=1, random_state=s).fit(X).inertia_
               for s in range(5)]
    assert est.inertia_ <= max(singles)
    twin = cluster.KMeans(k, init="random", random_state=0).fit(X)
    assert est.inertia_ == pytest.approx(twin.inertia_, rel=0.02)


@pytest.mark.parametrize("cls", [KMeans, MiniBatchKMeans])
def test_predict_transform_score_and_fit_predict_agree(cls):
    X, _ = make_blobs(600, centers=4, random_state=3)
    X_new, _ = make_blobs(100, centers=4, random_state=4)
    est = cls(4, random_state=0).fit(X)
    np.testing.assert_array_equal(est.predict(X), est.labels_)
    np.testing.assert_array_equal(cls(4, random_state=0).fit_predict(X), est.labels_)
    T = est.transform(X_new)
    assert T.shape == (100, 4)
    np.testing.assert_array_equal(np.argmin(T, axis=1), est.predict(X_new))
    direct = np.sqrt(((X_new[:, None] - est.cluster_centers_[None]) ** 2).sum(-1))
    np.testing.assert_allclose(T, direct, rtol=1e-10)
    assert est.score(X) == pytest.approx(-est.inertia_, rel=1e-10)
    assert est.score(X_new) == pytest.approx(-(T.min(axis=1) ** 2).sum(), rel=1e-10)
    np.testing.assert_allclose(cls(4, random_state=0).fit_transform(X), est.transform(X))


def test_kmeans_far_from_the_origin_clusters_as_near_it():
    X, y = make_blobs(800, centers=4, random_state=5)
    near = KMeans(4, random_state=0).fit(X)
    far = KMeans(4, random_state=0).fit(X + 1e8)
    assert adjusted_rand_score(near.labels_, far.labels_) == 1.0
    np.testing.assert_array_equal(far.predict(X + 1e8), far.labels_)
    # the inertia at 1e8 keeps its digits: the distances are computed without cancellation
    assert far.inertia_ == pytest.approx(near.inertia_, rel=1e-6)


def test_iterations_and_the_tolerance_rule():
    X, _ = make_blobs(1000, centers=6, cluster_std=2.0, random_state=6)
    C0 = X[:6]
    for tol in (0.0, 1e-4, 1e-1):
        ours = KMeans(6, init=C0, tol=tol).fit(X)
        twin = cluster.KMeans(6, init=C0, tol=tol).fit(X)
        assert ours.n_iter_ == twin.n_iter_
    assert KMeans(6, init=C0, max_iter=2).fit(X).n_iter_ == 2


def test_minibatch_stopping_rules():
    X, _ = make_blobs(3000, centers=5, random_state=8)
    full = MiniBatchKMeans(5, batch_size=100, max_iter=3, max_no_improvement=None,
                           random_state=0).fit(X)
    assert full.n_steps_ == 3 * 3000 // 100 and full.n_iter_ == 3
    early = MiniBatchKMeans(5, batch_size=100, max_iter=50, max_no_improvement=3,
                            random_state=0).fit(X)
    assert early.n_steps_ < 50 * 3000 // 100
    twin = cluster.MiniBatchKMeans(5, batch_size=100, max_iter=50, max_no_improvement=3,
                                   random_state=0).fit(X)
    assert early.inertia_ == pytest.approx(twin.inertia_, rel=0.05)


def test_sample_weight_counts_like_repetition_in_lloyd():
    X, _ = make_blobs(300, centers=3, random_state=9)
    C0 = X[:3]
    w = np.r_[np.full(100, 2.0), np.ones(200)]
    weighted = KMeans(3, init=C0).fit(X, sample_weight=w)
    repeated = KMeans(3, init=C0).fit(np.vstack([X[:100], X]))
    np.testing.assert_allclose(weighted.cluster_centers_, repeated.cluster_centers_,
                               rtol=1e-10)
    assert weighted.inertia_ == pytest.approx(repeated.inertia_, rel=1e-10)


@pytest.mark.parametrize("cls", [KMeans, MiniBatchKMeans])
def test_bad_input_gives_clear_errors(cls):
    X = np.random.default_rng(0).normal(size=(20, 3))
    with pytest.raises(InvalidParameterError, match=rf"'n_clusters' parameter of {cls.__name__}"):
        cls(n_clusters=0).fit(X)
    with pytest.raises(InvalidParameterError, match="'init' parameter"):
        cls(init="kmeans++").fit(X)
    with pytest.raises(InvalidParameterError, match="'tol' parameter"):
        cls(tol=-1.0).fit(X)
    with pytest.raises(ValueError, match="n_samples=20 should be >= n_clusters=25"):
        cls(n_clusters=25).fit(X)
    with pytest.raises(ValueError, match="shape of the initial centers"):
        cls(n_clusters=2, init=np.zeros((3, 3))).fit(X)
    with pytest.raises(ValueError, match="init"):
        cls(n_clusters=2, init=np.array([[np.nan, 0, 0], [0, 0, 0]])).fit(X)
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        cls(n_clusters=2).fit(X_nan)
    with pytest.raises(ValueError, match="overflow"):
        cls(n_clusters=2).fit(X * 1e200)
    est = cls(n_clusters=2, random_state=0).fit(X)
    with pytest.raises(ValueError, match="features"):
        est.predict(X[:, :2])
    with pytest.warns(RuntimeWarning, match="only one init"):
        cls(n_clusters=2, init=X[:2], n_init=3).fit(X)


def test_duplicate_points_warn_of_fewer_distinct_clusters():
    from sklearn.exceptions import ConvergenceWarning

    X = np.repeat([[0.0, 0.0], [1.0, 1.0]], 10, axis=0)
    with pytest.warns(ConvergenceWarning, match="distinct clusters"):
        KMeans(3, random_state=0).fit(X)


@pytest.mark.parametrize("seed", range(3))
def test_same_random_state_gives_the_twins_result(seed):
    # Seeding and batches draw their random numbers in scikit-learn's order, so with the same
    # random_state both estimators reproduce the twin's run (scikit-learn pinned in
    # requirements.txt; a change of its draw order would break this test alone, not the others)
    X, _ = make_blobs(4000, n_features=4, centers=7, cluster_std=2.0, random_state=seed)
    for ours, twin in [(KMeans(7, random_state=seed), cluster.KMeans(7, random_state=seed)),
                       (MiniBatchKMeans(7, batch_size=256, random_state=seed),
                        cluster.MiniBatchKMeans(7, batch_size=256, random_state=seed))]:
        ours.fit(X)
        twin.fit(X)
        assert ours.inertia_ == pytest.approx(twin.inertia_, rel=1e-9)
        np.testing.assert_allclose(ours.cluster_centers_, twin.cluster_centers_, rtol=1e-8,
                                   atol=1e-8)
        assert ours.n_iter_ == twin.n_iter_
