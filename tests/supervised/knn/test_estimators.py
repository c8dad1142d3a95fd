"""Oracle and bad-input tests of mlmath.supervised.knn.estimators against scikit-learn's twins."""

import numpy as np
import pytest
import sklearn
from sklearn import neighbors as skn
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import train_test_split
from timelimit import time_limit

from mlmath.datasets import load_dataset
from mlmath.supervised.knn.estimators import (
    KNeighborsClassifier,
    KNeighborsRegressor,
    neighbor_weights,
)


def _split(name):
    ds = load_dataset(name, standardize=True)
    return train_test_split(ds.X, ds.y, test_size=0.3, random_state=0)


CONFIGS = [dict(n_neighbors=1), dict(n_neighbors=5), dict(n_neighbors=15, weights="distance"),
           dict(n_neighbors=7, algorithm="brute", p=1),
           dict(n_neighbors=4, metric="chebyshev"), dict(n_neighbors=6, p=3)]


def _determined(ref, X, k):
    """Queries whose k nearest neighbours form a unique set (no tie at the k-th distance)."""
    if k == ref.n_samples_fit_:
        return np.ones(len(X), dtype=bool)
    dist = ref.kneighbors(X, n_neighbors=k + 1)[0]
    return dist[:, k - 1] < dist[:, k] * (1 - 1e-12)


# digits (d = 64) with the non-Euclidean metrics is slow on both sides and adds nothing
PAIRS = [(name, config) for name in ["iris", "wine", "breast_cancer", "digits"]
         for config in CONFIGS if name != "digits" or set(config) <= {"n_neighbors", "weights"}]


@pytest.mark.parametrize("name, config", PAIRS, ids=str)
def test_classifier_matches_sklearn(name, config):
    X_tr, X_te, y_tr, y_te = _split(name)
    ours = KNeighborsClassifier(**config).fit(X_tr, y_tr)
    ref = skn.KNeighborsClassifier(**config).fit(X_tr, y_tr)
    # The neighbour set is unique unless the k-th and (k+1)-th distances tie (iris has
    # duplicate points, Chebyshev distances on digits tie often): where it is unique, the
    # neighbours, labels and probabilities must be identical; everywhere the distances.
    ok = _determined(ref, X_te, ours.n_neighbors)
    assert ok.mean() > 0.5
    np.testing.assert_array_equal(ours.predict(X_te)[ok], ref.predict(X_te)[ok])
    np.testing.assert_allclose(ours.predict_proba(X_te)[ok], ref.predict_proba(X_te)[ok],
                               atol=1e-12)
    assert abs(ours.score(X_te, y_te) - ref.score(X_te, y_te)) <= 0.02
    dist, ind = ours.kneighbors(X_te)
    dist_ref, ind_ref = ref.kneighbors(X_te)
    np.testing.assert_array_equal(np.sort(ind[ok], axis=1), np.sort(ind_ref[ok], axis=1))
    np.testing.assert_allclose(dist, dist_ref, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("config", CONFIGS, ids=str)
def test_exact_equality_on_tie_free_data(config):
    X, y = make_classification(700, 5, n_informative=3, random_state=8)
    ours = KNeighborsClassifier(**config).fit(X[:500], y[:500])
    ref = skn.KNeighborsClassifier(**config).fit(X[:500], y[:500])
    np.testing.assert_array_equal(ours.predict(X[500:]), ref.predict(X[500:]))
    np.testing.assert_array_equal(ours.kneighbors(X[500:])[1], ref.kneighbors(X[500:])[1])


@pytest.mark.parametrize("config", CONFIGS, ids=str)
def test_regressor_matches_sklearn(config):
    datasets = [_split("diabetes"),
                train_test_split(*make_regression(600, 4, noise=5.0, random_state=0),
                                 random_state=0)]
    for X_tr, X_te, y_tr, y_te in datasets:
        ours = KNeighborsRegressor(**config).fit(X_tr, y_tr)
        ref = skn.KNeighborsRegressor(**config).fit(X_tr, y_tr)
        ok = _determined(ref, X_te, ours.n_neighbors)
        assert ok.mean() > 0.5
        np.testing.assert_allclose(ours.predict(X_te)[ok], ref.predict(X_te)[ok], rtol=1e-12)
        assert abs(ours.score(X_te, y_te) - ref.score(X_te, y_te)) <= 0.02


def test_generated_classification_and_string_labels():
    X, y = make_classification(800, 6, n_informative=4, n_classes=3, random_state=1)
    labels = np.array(["cat", "dog", "emu"])[y]
    ours = KNeighborsClassifier(9, weights="distance").fit(X[:600], labels[:600])
    ref = skn.KNeighborsClassifier(9, weights="distance").fit(X[:600], labels[:600])
    np.testing.assert_array_equal(ours.classes_, ["cat", "dog", "emu"])
    np.testing.assert_array_equal(ours.predict(X[600:]), ref.predict(X[600:]))


def test_brute_and_tree_agree():
    X, y = make_classification(1500, 5, random_state=2)
    pb = KNeighborsClassifier(11, algorithm="brute").fit(X, y).predict_proba(X)
    pt = KNeighborsClassifier(11, algorithm="kd_tree").fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(pb, pt)


def test_auto_follows_sklearns_rule():
    X = np.random.default_rng(0).standard_normal((100, 3))
    y = np.arange(100) % 2
    assert KNeighborsClassifier().fit(X, y)._fit_method == "kd_tree"
    assert KNeighborsClassifier(50).fit(X, y)._fit_method == "brute"  # k >= n // 2
    X20 = np.random.default_rng(0).standard_normal((100, 20))
    assert KNeighborsClassifier().fit(X20, y)._fit_method == "brute"  # d > 15


def test_kneighbors_without_X_excludes_each_point_itself():
    X, y = make_classification(200, 4, random_state=3)
    for algorithm in ["brute", "kd_tree"]:
        ours = KNeighborsClassifier(5, algorithm=algorithm).fit(X, y)
        ref = skn.KNeighborsClassifier(5).fit(X, y)
        dist, ind = ours.kneighbors()
        assert not np.any(ind == np.arange(200)[:, None])
        np.testing.assert_array_equal(ind, ref.kneighbors()[1])
        np.testing.assert_allclose(dist, ref.kneighbors()[0], rtol=1e-10)
        np.testing.assert_array_equal(ours.predict(None), ref.predict(None))
        assert ours.kneighbors(n_neighbors=3, return_distance=False).shape == (200, 3)


def test_duplicates_in_kneighbors_without_X():
    X = np.repeat(np.arange(5.0)[:, None], 4, axis=0)  # every point four times
    y = np.arange(20) % 2
    ind = KNeighborsClassifier(2, algorithm="brute").fit(X, y).kneighbors(return_distance=False)
    assert ind.shape == (20, 2)
    assert np.all(X[ind][..., 0] == X[:, :1])  # neighbours are the duplicates


def test_distance_weights_with_exact_matches():
    dist = np.array([[0.0, 1.0, 2.0], [0.5, 1.0, 4.0], [0.0, 0.0, 3.0]])
    w = neighbor_weights(dist, "distance")
    np.testing.assert_array_equal(w, [[1, 0, 0], [2, 1, 0.25], [1, 1, 0]])
    assert neighbor_weights(dist, "uniform") is None
    np.testing.assert_array_equal(neighbor_weights(dist, lambda d: d + 1), dist + 1)
    # predicting the training points with distance weights returns their own labels
    X, y = make_classification(300, 5, flip_y=0.3, random_state=4)
    model = KNeighborsClassifier(10, weights="distance").fit(X, y)
    np.testing.assert_array_equal(model.predict(X), y)


def test_callable_weights_match_sklearn():
    X, y = make_classification(400, 4, random_state=5)

    def gaussian(d):
        return np.exp(-d**2)

    ours = KNeighborsClassifier(8, weights=gaussian).fit(X[:300], y[:300])
    ref = skn.KNeighborsClassifier(8, weights=gaussian).fit(X[:300], y[:300])
    np.testing.assert_allclose(ours.predict_proba(X[300:]), ref.predict_proba(X[300:]),
                               atol=1e-12)
    zero = KNeighborsClassifier(3, weights=lambda d: 0 * d).fit(X, y)
    with pytest.raises(ValueError, match="zero weights"):
        zero.predict(X)
    bad = KNeighborsClassifier(3, weights=lambda d: d[:, :1]).fit(X, y)
    with pytest.raises(ValueError, match="same shape|shape"):
        bad.predict(X)


def test_vote_ties_go_to_the_first_class():
    X = np.array([[0.0], [1.0], [-1.0], [2.0]])
    y = np.array([1, 0, 1, 0])  # the two nearest of 0.5 are one of each class
    for algorithm in ["brute", "kd_tree"]:
        model = KNeighborsClassifier(2, algorithm=algorithm).fit(X, y)
        assert model.predict([[0.5]])[0] == 0
        np.testing.assert_array_equal(model.predict_proba([[0.5]]), [[0.5, 0.5]])


def test_regressor_multi_output():
    X, Y = make_regression(300, 3, n_targets=2, random_state=6)
    for weights in ["uniform", "distance"]:
        ours = KNeighborsRegressor(6, weights=weights).fit(X[:200], Y[:200])
        ref = skn.KNeighborsRegressor(6, weights=weights).fit(X[:200], Y[:200])
        assert ours.predict(X[200:]).shape == (100, 2)
        np.testing.assert_allclose(ours.predict(X[200:]), ref.predict(X[200:]), rtol=1e-12)


def test_attributes():
    X, y = make_classification(100, 4, random_state=7)
    m = KNeighborsClassifier(p=1).fit(X, y)
    assert m.n_features_in_ == 4 and m.n_samples_fit_ == 100
    assert m.effective_metric_ == "manhattan" and m.effective_metric_params_ == {}
    m = KNeighborsRegressor(p=3).fit(X, y.astype(float))
    assert m.effective_metric_ == "minkowski" and m.effective_metric_params_ == {"p": 3.0}
    assert KNeighborsClassifier(p=np.inf).fit(X, y).effective_metric_ == "chebyshev"


def test_too_many_neighbors_is_refused():
    X, y = np.arange(8.0)[:, None], np.arange(8) % 2
    model = KNeighborsClassifier(9).fit(X, y)
    with pytest.raises(ValueError, match="n_neighbors <= n_samples_fit.*n_neighbors = 9"):
        model.predict(X)
    with pytest.raises(ValueError, match="n_neighbors < n_samples_fit"):
        KNeighborsClassifier(8).fit(X, y).kneighbors()


@pytest.mark.parametrize("params, match", [
    (dict(n_neighbors=0), "n_neighbors"), (dict(n_neighbors=2.5), "n_neighbors"),
    (dict(weights="gaussian"), "weights"), (dict(algorithm="ball_tree"), "algorithm"),
    (dict(metric="cosine"), "metric"), (dict(p=0.5), "'p' parameter"),
    (dict(p="two"), "'p' parameter"), (dict(leaf_size=0), "leaf_size"),
])
def test_invalid_parameters(params, match):
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10) % 2
    for cls in [KNeighborsClassifier, KNeighborsRegressor]:
        with pytest.raises((ValueError, TypeError), match=match):
            cls(**params).fit(X, y)


def test_bad_input():
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10) % 2
    with pytest.raises(NotFittedError):
        KNeighborsClassifier().predict(X)
    with pytest.raises(NotFittedError):
        KNeighborsRegressor().kneighbors(X)
    for bad in [np.nan, np.inf]:
        Xb = X.copy()
        Xb[0, 0] = bad
        with pytest.raises(ValueError, match="NaN|infinity"):
            KNeighborsClassifier().fit(Xb, y)
        with pytest.raises(ValueError, match="NaN|infinity"):
            KNeighborsClassifier().fit(X, y).predict(Xb)
    with pytest.raises(ValueError, match="features"):
        KNeighborsClassifier().fit(X, y).predict(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="at least 2 classes"):
        KNeighborsClassifier().fit(X, np.zeros(10))
    with pytest.raises(ValueError, match="Unknown label type"):
        KNeighborsClassifier().fit(X, np.linspace(0, 1, 10))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        KNeighborsRegressor().fit(X, np.zeros(9))


def test_regressor_predict_without_X_is_leave_one_out():
    X, y = make_regression(150, 3, noise=1.0, random_state=9)
    ours = KNeighborsRegressor(4, weights="distance").fit(X, y)
    ref = skn.KNeighborsRegressor(4, weights="distance").fit(X, y)
    np.testing.assert_allclose(ours.predict(None), ref.predict(None), rtol=1e-12)
    # leave-one-out by hand: refit without each point
    i = 17
    keep = np.arange(150) != i
    manual = KNeighborsRegressor(4, weights="distance").fit(X[keep], y[keep]).predict(X[i:i + 1])
    np.testing.assert_allclose(ours.predict(None)[i], manual[0], rtol=1e-12)


def test_kneighbors_argument_checks():
    X, y = make_classification(50, 3, n_informative=2, n_redundant=0, random_state=10)
    model = KNeighborsClassifier().fit(X, y)
    with pytest.raises(ValueError, match="n_neighbors"):
        model.kneighbors(X, n_neighbors=0)
    with pytest.raises(TypeError, match="n_neighbors"):
        model.kneighbors(X, n_neighbors=2.5)
    assert model.kneighbors(X[:3], n_neighbors=50)[1].shape == (3, 50)


@pytest.mark.parametrize("algorithm", ["brute", "kd_tree"])
def test_ties_the_contract_of_the_chapter(algorithm):
    # The chapter's k-neighbourhood: among points tied at the k-th distance the search picks,
    # deterministically and from the inputs only (not the labels); the returned list is sorted
    # by (distance, index) and its distances are the k smallest.
    rng = np.random.default_rng(11)
    X = rng.integers(0, 3, size=(200, 2)).astype(float)  # many duplicates and equal distances
    Q = rng.integers(0, 3, size=(40, 2)).astype(float) + 0.25
    y1 = rng.integers(0, 2, size=200)
    y2 = 1 - y1
    for k in [1, 5, 13]:
        a = KNeighborsClassifier(k, algorithm=algorithm, leaf_size=4).fit(X, y1)
        b = KNeighborsClassifier(k, algorithm=algorithm, leaf_size=4).fit(X, y2)
        dist, ind = a.kneighbors(Q)
        np.testing.assert_array_equal(ind, b.kneighbors(Q)[1])  # labels play no part
        np.testing.assert_array_equal(ind, a.kneighbors(Q)[1])  # deterministic
        D = np.sqrt(((Q[:, None, :] - X[None, :, :]) ** 2).sum(axis=2))
        np.testing.assert_allclose(dist, np.sort(D, axis=1)[:, :k], atol=1e-12)
        np.testing.assert_allclose(np.take_along_axis(D, ind, axis=1), dist, atol=1e-12)
        for drow, irow in zip(dist, ind):
            order = np.lexsort((irow, drow))
            np.testing.assert_array_equal(order, np.arange(k))  # sorted by (distance, index)
            assert len(set(irow)) == k


@pytest.mark.parametrize("algorithm", ["brute", "kd_tree"])
@pytest.mark.parametrize("Est", [KNeighborsClassifier, KNeighborsRegressor])
@pytest.mark.parametrize("scale,match", [(1e160, "overflow"), (1e-200, "too small")])
def test_fit_refuses_data_whose_squared_distances_are_not_representable(Est, algorithm, scale,
                                                                         match):
    # Old code: every squared distance was inf (or 0), and the neighbours arbitrary.
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    with time_limit(10), pytest.raises(ValueError, match=rf"(?s){match}.*StandardScaler"):
        Est(algorithm=algorithm).fit(X * scale, y)


@pytest.mark.parametrize("algorithm", ["brute", "kd_tree"])
@pytest.mark.parametrize("method", ["kneighbors", "predict"])
def test_a_query_whose_squares_overflow_raises(algorithm, method):
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    knn = KNeighborsClassifier(algorithm=algorithm).fit(X, y)
    with time_limit(10), pytest.raises(ValueError, match="overflow.*StandardScaler"):
        getattr(knn, method)(X[:3] * 1e160)


def test_other_powers_and_tiny_query_coordinates():
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    with pytest.raises(ValueError, match=r"\|x\|\^3"):
        KNeighborsRegressor(p=3).fit(X * 1e110, y)  # cubes overflow before squares do
    big = X * 1e110
    cheb = KNeighborsClassifier(metric="chebyshev").fit(big, y)  # max |x - z|: no powers
    np.testing.assert_array_equal(cheb.kneighbors(big[:5])[1],
                                  KNeighborsClassifier(metric="chebyshev").fit(X, y)
                                  .kneighbors(X[:5])[1])
    knn = KNeighborsClassifier().fit(X, y)
    q = X[:3].copy()
    q[:, 0] = 1e-200  # a tiny coordinate of a query is exact enough: accepted
    np.testing.assert_array_equal(knn.kneighbors(q)[1],
                                  knn.kneighbors(np.column_stack([np.zeros(3), q[:, 1:]]))[1])


# --- sample_weight and n_jobs ------------------------------------------------------------------

@pytest.mark.parametrize("weights", ["uniform", "distance"])
@pytest.mark.parametrize("algorithm", ["brute", "kd_tree"])
def test_unit_sample_weights_give_the_twins_results(weights, algorithm):
    X, y = make_classification(300, 4, n_informative=3, n_redundant=0, random_state=12)
    Xr, yr = make_regression(300, 4, noise=1.0, random_state=12)
    ones = np.ones(250)
    for Est, ref, (A, b) in [(KNeighborsClassifier, skn.KNeighborsClassifier, (X, y)),
                             (KNeighborsRegressor, skn.KNeighborsRegressor, (Xr, yr))]:
        ours = Est(7, weights=weights, algorithm=algorithm).fit(A[:250], b[:250], ones)
        twin = ref(7, weights=weights, algorithm=algorithm).fit(A[:250], b[:250])
        if Est is KNeighborsClassifier:
            np.testing.assert_allclose(ours.predict_proba(A[250:]), twin.predict_proba(A[250:]),
                                       atol=1e-12)
        np.testing.assert_allclose(ours.predict(A[250:]), twin.predict(A[250:]), rtol=1e-12)


def test_integer_sample_weights_by_hand():
    # points on a line; query 0: neighbours in order x = 0.1 (w 2, class 1), 0.3 (w 0),
    # -0.4 (w 1, class 0), 0.7 (w 3, class 1); k = 4 takes 2 + 0 + 1 + 1 (cut from 3)
    X = np.array([[0.1], [0.3], [-0.4], [0.7], [5.0]])
    y = np.array([1, 0, 0, 1, 0])
    sw = np.array([2, 0, 1, 3, 1])
    clf = KNeighborsClassifier(4).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(clf.predict_proba([[0.0]]), [[1 / 4, 3 / 4]])
    wdist = KNeighborsClassifier(4, weights="distance").fit(X, y, sample_weight=sw)
    votes = np.array([1 / 0.4, 2 / 0.1 + 1 / 0.7])
    np.testing.assert_allclose(wdist.predict_proba([[0.0]]), [votes / votes.sum()])
    t = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    reg = KNeighborsRegressor(4).fit(X, t, sample_weight=sw)
    np.testing.assert_allclose(reg.predict([[0.0]]), [(2 * 1 + 1 * 3 + 1 * 4) / 4])
    # integer weights are multiplicities: the same as repeating the points
    rep = np.repeat(np.arange(5), sw)
    np.testing.assert_allclose(
        KNeighborsRegressor(4).fit(X[rep], t[rep]).predict([[0.0], [2.0]]),
        reg.predict([[0.0], [2.0]]))


def test_zero_sample_weight_removes_a_point():
    X, y = make_classification(200, 3, n_informative=2, n_redundant=0, random_state=13)
    sw = np.ones(200)
    sw[::3] = 0.0
    keep = sw > 0
    for weights in ["uniform", "distance"]:
        a = KNeighborsClassifier(5, weights=weights).fit(X, y, sample_weight=sw)
        b = KNeighborsClassifier(5, weights=weights).fit(X[keep], y[keep])
        np.testing.assert_allclose(a.predict_proba(X[:50] + 0.01), b.predict_proba(X[:50] + 0.01),
                                   atol=1e-12)
        y2 = y.copy()
        y2[~keep] = 1 - y2[~keep]  # the labels of weight-0 points play no part
        c = KNeighborsClassifier(5, weights=weights).fit(X, y2, sample_weight=sw)
        np.testing.assert_array_equal(a.predict(X), c.predict(X))


def test_bad_sample_weight():
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10) % 2
    with pytest.raises(ValueError, match="non-negative"):
        KNeighborsClassifier(3).fit(X, y, sample_weight=-np.ones(10))
    with pytest.raises(ValueError, match="expected"):
        KNeighborsRegressor(3).fit(X, y, sample_weight=np.ones(9))


@pytest.mark.parametrize("algorithm", ["brute", "kd_tree"])
def test_n_jobs_gives_identical_results(algorithm):
    X, y = make_classification(1500, 6, n_informative=4, random_state=14)
    Q = X[:700] + 0.05
    base = KNeighborsClassifier(5, algorithm=algorithm).fit(X, y)
    with sklearn.config_context(working_memory=0.05):  # many chunks
        dist, ind = base.kneighbors(Q)
        for n_jobs in [2, -1]:
            par = KNeighborsClassifier(5, algorithm=algorithm, n_jobs=n_jobs).fit(X, y)
            d2, i2 = par.kneighbors(Q)
            np.testing.assert_array_equal(i2, ind)
            np.testing.assert_array_equal(d2, dist)
            np.testing.assert_array_equal(par.predict_proba(Q), base.predict_proba(Q))
            reg = KNeighborsRegressor(5, algorithm=algorithm, n_jobs=n_jobs).fit(X, y * 1.0)
            np.testing.assert_array_equal(
                reg.predict(Q), KNeighborsRegressor(5, algorithm=algorithm).fit(X, y * 1.0)
                .predict(Q))


def test_parameters_are_checked_before_the_data():
    from mlmath.validation import InvalidParameterError
    with pytest.raises(InvalidParameterError,
                       match="The 'n_neighbors' parameter of KNeighborsClassifier"):
        KNeighborsClassifier(0).fit([[np.nan]], [0])
    with pytest.raises(InvalidParameterError, match="'n_jobs' parameter of KNeighborsRegressor"):
        KNeighborsRegressor(n_jobs=1.5).fit([[np.nan]], [0])
