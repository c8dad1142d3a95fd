"""DecisionTreeClassifier and DecisionTreeRegressor against scikit-learn, weights, bad input."""

import tracemalloc

import numpy as np
import pytest
from sklearn import tree as skt
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score

from mlmath.datasets import load_dataset
from mlmath.supervised.decision_trees.estimators import (
    DecisionTreeClassifier,
    DecisionTreeRegressor,
)
from mlmath.validation import InvalidParameterError


def _tie_free_classification(n, d, seed):
    """Continuous features, labels from a noisy smooth rule; big leaves keep the gains distinct."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    score = X[:, 0] - X[:, 1] ** 2 + 0.5 * X[:, 2] + 0.7 * rng.normal(size=n)
    return X, np.digitize(score, [-1.0, 0.5])  # three classes


@pytest.mark.parametrize("criterion", ["gini", "entropy"])
@pytest.mark.parametrize("seed", [0, 1])
def test_classifier_equals_scikit_learn_on_tie_free_data(criterion, seed):
    # integer class counts tie often (two features cutting off the same counts); continuous
    # sample weights make the gains of different partitions distinct
    X, y = _tie_free_classification(1500, 6, seed)
    X_test, _ = _tie_free_classification(1000, 6, seed + 100)
    w = np.random.default_rng(seed).uniform(0.5, 1.5, 1500)
    kw = dict(criterion=criterion, max_depth=6, min_samples_leaf=5)
    ours = DecisionTreeClassifier(**kw).fit(X, y, sample_weight=w)
    ref = skt.DecisionTreeClassifier(random_state=0, **kw).fit(X, y, sample_weight=w)
    # (scikit-learn may split a pure weighted node whose rounded Gini is 1e-15 > eps; the two
    # children then predict the same class, so predictions agree while node counts may not)
    np.testing.assert_array_equal(ours.tree_.feature[:5], ref.tree_.feature[:5])
    np.testing.assert_array_equal(ours.tree_.threshold[:5], ref.tree_.threshold[:5])
    np.testing.assert_array_equal(ours.predict(X_test), ref.predict(X_test))
    np.testing.assert_allclose(ours.predict_proba(X_test), ref.predict_proba(X_test), atol=1e-12)
    np.testing.assert_allclose(ours.feature_importances_, ref.feature_importances_, atol=1e-10)


@pytest.mark.parametrize("max_depth", [3, 6, None])
def test_regressor_equals_scikit_learn_on_tie_free_data(max_depth):
    rng = np.random.default_rng(3)
    X = rng.uniform(-2, 2, size=(800, 5))
    y = np.sin(2 * X[:, 0]) + X[:, 1] * X[:, 2] + 0.2 * rng.normal(size=800)
    X_test = rng.uniform(-2, 2, size=(500, 5))
    kw = dict(max_depth=max_depth, min_samples_leaf=8)
    ours = DecisionTreeRegressor(**kw).fit(X, y)
    ref = skt.DecisionTreeRegressor(random_state=0, **kw).fit(X, y)
    np.testing.assert_allclose(ours.predict(X_test), ref.predict(X_test), rtol=1e-10)
    np.testing.assert_allclose(ours.feature_importances_, ref.feature_importances_, atol=1e-10)
    assert ours.get_depth() == ref.get_depth()


def test_fully_grown_trees_reproduce_the_training_labels():
    X, y = _tie_free_classification(500, 4, 5)
    assert DecisionTreeClassifier().fit(X, y).score(X, y) == 1.0
    reg = DecisionTreeRegressor().fit(X, X[:, 0])
    np.testing.assert_allclose(reg.predict(X), X[:, 0].astype(np.float32), rtol=1e-6)


@pytest.mark.parametrize("name", ["iris", "wine", "breast_cancer", "digits", "diabetes"])
@pytest.mark.parametrize("kw", [{"max_depth": 4}, {"min_samples_leaf": 5}])
def test_held_out_scores_within_0_02_of_scikit_learn(name, kw):
    X, y, _ = load_dataset(name)
    if name == "diabetes":
        cv, ours, ref = (KFold(5, shuffle=True, random_state=0), DecisionTreeRegressor(**kw),
                         skt.DecisionTreeRegressor(random_state=0, **kw))
    else:
        cv, ours, ref = (StratifiedKFold(5, shuffle=True, random_state=0),
                         DecisionTreeClassifier(**kw),
                         skt.DecisionTreeClassifier(random_state=0, **kw))
    a = cross_val_score(ours, X, y, cv=cv).mean()
    b = cross_val_score(ref, X, y, cv=cv).mean()
    assert abs(a - b) <= 0.02, (a, b)


def test_integer_weights_equal_repetition_and_float_weights_match_scikit_learn():
    X, y = _tie_free_classification(300, 4, 7)
    rng = np.random.default_rng(0)
    w = rng.integers(0, 4, size=300)
    a = DecisionTreeClassifier(max_depth=5).fit(X, y, sample_weight=w)
    b = DecisionTreeClassifier(max_depth=5).fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X))
    wf = rng.uniform(0.5, 2.0, 300)
    ours = DecisionTreeClassifier(max_depth=3, min_samples_leaf=15).fit(X, y, sample_weight=wf)
    ref = skt.DecisionTreeClassifier(max_depth=3, min_samples_leaf=15, random_state=0)
    ref.fit(X, y, sample_weight=wf)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-12)
    np.testing.assert_allclose(ours.tree_.weighted_n_node_samples,
                               ref.tree_.weighted_n_node_samples)


def test_parameters_resolve_like_scikit_learn():
    X, y = _tie_free_classification(200, 10, 8)
    for mf, expected in [(None, 10), ("sqrt", 3), ("log2", 3), (4, 4), (0.55, 5)]:
        assert DecisionTreeClassifier(max_features=mf, random_state=0).fit(X, y).max_features_ \
            == expected
    ours = DecisionTreeClassifier(min_samples_leaf=0.05, min_samples_split=0.2).fit(X, y)
    ref = skt.DecisionTreeClassifier(min_samples_leaf=0.05, min_samples_split=0.2,
                                     random_state=0).fit(X, y)
    assert ours.tree_.n_node_samples.min() >= 10
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


def test_string_labels_and_probabilities():
    X, y = _tie_free_classification(300, 4, 9)
    labels = np.array(["low", "mid", "high"])[y]
    clf = DecisionTreeClassifier(max_depth=3).fit(X, labels)
    assert set(clf.classes_) == {"low", "mid", "high"} and clf.n_classes_ == 3
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X)), proba)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[np.argmax(proba, axis=1)])


def test_predictions_are_the_leaf_proportions_and_means():
    # predict_proba reads the leaf's row of tree_.value (normalised once, in fit), predict its
    # largest entry, per sample for fewer samples than nodes and per node otherwise
    X, y = _tie_free_classification(400, 4, 3)
    labels = np.array(["a", "b", "c"])[y]
    clf = DecisionTreeClassifier(max_depth=4).fit(X, labels)
    leaf = clf.apply(X)
    proba = clf.predict_proba(X)
    for t in np.unique(leaf):
        counts = np.array([np.sum(labels[leaf == t] == c) for c in clf.classes_])
        np.testing.assert_allclose(proba[leaf == t],
                                   np.broadcast_to(counts / counts.sum(), (sum(leaf == t), 3)))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-15)
    assert 3 < clf.tree_.node_count <= 400  # both ways of predict below
    for Z in (X[:3], X):
        np.testing.assert_array_equal(
            clf.predict(Z), clf.classes_[np.argmax(clf.predict_proba(Z), axis=1)])
    reg = DecisionTreeRegressor(max_depth=4).fit(X, X[:, 0])
    leaf = reg.apply(X)
    np.testing.assert_array_equal(reg.predict(X), reg.tree_.value[leaf, 0, 0])
    for t in np.unique(leaf):
        assert reg.predict(X[leaf == t][:1])[0] == pytest.approx(X[leaf == t, 0].mean())


def test_leaf_values_can_be_overwritten_for_boosting():
    rng = np.random.default_rng(10)
    X = rng.normal(size=(200, 3))
    reg = DecisionTreeRegressor(max_depth=3).fit(X, X[:, 0])
    leaves = reg.apply(X)
    reg.tree_.set_leaf_values(-np.arange(reg.tree_.node_count, dtype=float))
    np.testing.assert_array_equal(reg.predict(X), -leaves.astype(float))
    path = reg.decision_path(X)
    assert path.shape == (200, reg.tree_.node_count)


@pytest.mark.parametrize("Est", [DecisionTreeClassifier, DecisionTreeRegressor])
def test_bad_input(Est):
    rng = np.random.default_rng(11)
    X, y = rng.normal(size=(30, 3)), rng.integers(0, 2, 30)
    with pytest.raises(NotFittedError):
        Est().predict(X)
    for bad in [np.nan, np.inf]:
        Xb = X.copy()
        Xb[0, 0] = bad
        with pytest.raises(ValueError, match="NaN|infinity"):
            Est().fit(Xb, y)
    with pytest.raises(ValueError, match="2D array"):
        Est().fit(X[:, 0], y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        Est().fit(X, y[:-1])
    fitted = Est().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        fitted.predict(X[:, :2])
    with pytest.raises(ValueError, match="sample_weight"):
        Est().fit(X, y, sample_weight=np.ones(5))
    with pytest.raises(ValueError, match="non-negative"):
        Est().fit(X, y, sample_weight=-np.ones(30))
    for params, err, msg in [
        ({"max_depth": 0}, ValueError, "max_depth"),
        ({"max_depth": 1.5}, TypeError, "max_depth"),
        ({"min_samples_split": 1}, ValueError, "min_samples_split"),
        ({"min_samples_split": 1.5}, ValueError, "min_samples_split"),
        ({"min_samples_leaf": 0}, ValueError, "min_samples_leaf"),
        ({"min_samples_leaf": 1.0}, ValueError, "min_samples_leaf"),
        ({"max_features": 4}, ValueError, "max_features"),
        ({"max_features": "all"}, ValueError, "max_features"),
        ({"max_features": 0.0}, ValueError, "max_features"),
        ({"min_impurity_decrease": -1.0}, ValueError, "min_impurity_decrease"),
        ({"ccp_alpha": -0.1}, ValueError, "ccp_alpha"),
        ({"criterion": "mae"}, ValueError, "criterion"),
    ]:
        with pytest.raises(err, match=msg):
            Est(**params).fit(X, y)


def test_classifier_refuses_one_class_and_continuous_targets():
    X = np.random.default_rng(12).normal(size=(20, 2))
    with pytest.raises(ValueError, match="class"):
        DecisionTreeClassifier().fit(X, np.zeros(20))
    with pytest.raises(ValueError, match="Unknown label type"):
        DecisionTreeClassifier().fit(X, X[:, 0])
    with pytest.raises(ValueError, match="criterion"):
        DecisionTreeRegressor(criterion="gini").fit(X, X[:, 0])


@pytest.mark.parametrize("weighted", [False, True])
def test_regressor_is_unchanged_by_a_large_target_offset(weighted):
    # the squared-error proxy S_1^2 / W cancels catastrophically for y + 1e9 unless the
    # targets are centred first: the old code grew a different, smaller tree
    rng = np.random.RandomState(0)
    X = rng.rand(60, 3)
    y = np.sin(6.0 * X[:, 0]) + X[:, 1] + 0.1 * rng.randn(60)
    sw = rng.rand(60) + 0.5 if weighted else None
    # min_samples_leaf=3: no tiny nodes, where two features can cut off the same samples and
    # rounding alone picks between these equally good splits
    a = DecisionTreeRegressor(max_depth=4, min_samples_leaf=3).fit(X, y, sample_weight=sw)
    b = DecisionTreeRegressor(max_depth=4, min_samples_leaf=3).fit(X, y + 1e9, sample_weight=sw)
    assert b.tree_.node_count == a.tree_.node_count
    np.testing.assert_array_equal(b.tree_.children_left, a.tree_.children_left)
    np.testing.assert_array_equal(b.tree_.children_right, a.tree_.children_right)
    np.testing.assert_array_equal(b.tree_.n_node_samples, a.tree_.n_node_samples)
    np.testing.assert_array_equal(b.tree_.feature, a.tree_.feature)
    np.testing.assert_array_equal(b.tree_.threshold, a.tree_.threshold)
    np.testing.assert_allclose(b.predict(X) - 1e9, a.predict(X), atol=1e-6)
    np.testing.assert_allclose(b.tree_.impurity, a.tree_.impurity, rtol=1e-6, atol=1e-9)


def _friedman(n=300, seed=0):
    from sklearn.datasets import make_friedman1

    return make_friedman1(n, n_features=5, noise=0.5, random_state=seed)


def test_regressor_on_targets_of_1e150_equals_scikit_learn():
    # mean^2 of such targets overflows a Python float (the old code raised OverflowError)
    X, y = _friedman()
    ours = DecisionTreeRegressor(max_depth=4).fit(X, 1e150 * y)
    ref = skt.DecisionTreeRegressor(max_depth=4, random_state=0).fit(X, 1e150 * y)
    np.testing.assert_array_equal(ours.tree_.feature, ref.tree_.feature)
    np.testing.assert_array_equal(ours.tree_.threshold, ref.tree_.threshold)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-12)
    np.testing.assert_allclose(ours.tree_.impurity, ref.tree_.impurity, rtol=1e-9)
    assert np.all(np.isfinite(ours.feature_importances_))


@pytest.mark.parametrize("exponent", [500, 504, 1000])
@pytest.mark.parametrize("centred", [False, True])
def test_regressor_on_targets_times_a_huge_power_of_two_is_the_same_tree_scaled(exponent,
                                                                                 centred):
    # 2^504 ~ 5e151 (centred: a weighted sum of squared deviations ~4e307, near float64's
    # largest) and 2^1000 ~ 1e301 (a near-constant target): the tree of y, with means times
    # 2^k and variances times 2^(2k), exactly. Unscaled, the proxy S_1^2 / W of a large child
    # overflows to inf from ~1e152 on, and the tree is meaningless (scikit-learn's is)
    X, y = _friedman()
    y = y - y.mean() if centred else y
    if exponent == 1000:
        y = 1.0 + 1e-6 * y  # its spread times 2^1000 is ~1e296 > 1e154: refused
    w = np.random.default_rng(0).integers(0, 3, y.size).astype(float)  # bootstrap-like
    a = DecisionTreeRegressor(min_samples_leaf=2).fit(X, y, sample_weight=w)
    if exponent == 1000:
        with pytest.raises(ValueError, match="overflow float64"):
            DecisionTreeRegressor().fit(X, np.ldexp(y, exponent))
        a = DecisionTreeRegressor(max_depth=3).fit(X, np.full(y.size, 1.0))
        b = DecisionTreeRegressor(max_depth=3).fit(X, np.full(y.size, 2.0**exponent))
        assert b.tree_.node_count == 1 and b.predict(X[:3]).tolist() == [2.0**exponent] * 3
        return
    b = DecisionTreeRegressor(min_samples_leaf=2).fit(X, np.ldexp(y, exponent), sample_weight=w)
    for name in ("children_left", "feature", "threshold", "n_node_samples"):
        np.testing.assert_array_equal(getattr(b.tree_, name), getattr(a.tree_, name))
    np.testing.assert_allclose(b.tree_.value, np.ldexp(a.tree_.value, exponent), rtol=1e-14)
    np.testing.assert_allclose(b.tree_.impurity, np.ldexp(a.tree_.impurity, 2 * exponent),
                               rtol=1e-12)
    np.testing.assert_allclose(b.feature_importances_, a.feature_importances_, rtol=1e-12)
    # min_impurity_decrease in the units of y^2, scaled with them
    c = DecisionTreeRegressor(min_impurity_decrease=0.05).fit(X, y)
    e = DecisionTreeRegressor(min_impurity_decrease=np.ldexp(0.05, 2 * exponent)).fit(
        X, np.ldexp(y, exponent))
    np.testing.assert_array_equal(e.tree_.feature, c.tree_.feature)


@pytest.mark.parametrize("scale", [1e200, 1e300])
def test_regressor_refuses_targets_whose_variance_overflows(scale):
    X, y = _friedman()
    with pytest.raises(ValueError, match="squared deviations of y .* overflow float64"):
        DecisionTreeRegressor().fit(X, scale * y)
    # a constant target, however large, is one leaf
    tree = DecisionTreeRegressor().fit(X, np.full(y.size, scale))
    assert tree.tree_.node_count == 1 and np.all(tree.predict(X) == scale)


@pytest.mark.parametrize("scale", [1e150, 2.0**500, 1e200, 1e300])
def test_random_forest_regressor_on_huge_targets(scale):
    from sklearn.ensemble import RandomForestRegressor as SkForest

    from mlmath.ensembles.random_forests import RandomForestRegressor

    X, y = _friedman(600)
    Xt, yt = _friedman(300, seed=1)
    kw = dict(n_estimators=10, random_state=0)
    if scale > 1e154:
        with pytest.raises(ValueError, match="overflow float64"):
            RandomForestRegressor(**kw).fit(X, scale * y)
        return
    a = RandomForestRegressor(**kw).fit(X, y)
    b = RandomForestRegressor(**kw).fit(X, scale * y)
    if scale == 2.0**500:  # exact: every tree is the unscaled one, scaled
        np.testing.assert_allclose(b.predict(Xt), scale * a.predict(Xt), rtol=1e-14)
    # 1e150 rounds differently: the bootstrap's duplicates tie, and rounding breaks the ties
    # another way (scikit-learn's forest does the same), so the held-out R^2 is compared
    r2 = b.score(Xt, scale * yt)
    assert abs(r2 - a.score(Xt, yt)) < 0.03
    if scale == 1e150:  # scikit-learn overflows from ~1e152 on (its forest scores ~0.25 at 2^500)
        assert abs(r2 - SkForest(**kw).fit(X, scale * y).score(Xt, scale * yt)) < 0.03


@pytest.mark.parametrize("class_weight", [None, "balanced", {0: 3.0, 2: 0.5}])
def test_class_weight_equals_scikit_learn(class_weight):
    # unbalanced classes, continuous sample weights (distinct gains, as above) times the class
    # weights: both libraries must grow the same tree
    X, y = _tie_free_classification(1500, 6, 0)
    X_test, _ = _tie_free_classification(1000, 6, 100)
    w = np.random.default_rng(0).uniform(0.5, 1.5, 1500)
    kw = dict(max_depth=6, min_samples_leaf=5, class_weight=class_weight)
    ours = DecisionTreeClassifier(**kw).fit(X, y, sample_weight=w)
    ref = skt.DecisionTreeClassifier(random_state=0, **kw).fit(X, y, sample_weight=w)
    np.testing.assert_array_equal(ours.tree_.feature[:7], ref.tree_.feature[:7])
    np.testing.assert_array_equal(ours.tree_.threshold[:7], ref.tree_.threshold[:7])
    np.testing.assert_allclose(ours.tree_.weighted_n_node_samples[0],
                               ref.tree_.weighted_n_node_samples[0])
    np.testing.assert_array_equal(ours.predict(X_test), ref.predict(X_test))
    np.testing.assert_allclose(ours.predict_proba(X_test), ref.predict_proba(X_test), atol=1e-12)


def test_class_weight_multiplies_sample_weight_and_checks_labels():
    X, y = _tie_free_classification(400, 4, 23)
    labels = np.array(["a", "b", "c"])[y]
    w = np.random.default_rng(0).uniform(0.5, 2.0, 400)
    a = DecisionTreeClassifier(max_depth=4, class_weight={"a": 2.0}).fit(X, labels, w)
    b = DecisionTreeClassifier(max_depth=4).fit(X, labels, w * np.where(labels == "a", 2.0, 1.0))
    np.testing.assert_array_equal(a.tree_.threshold, b.tree_.threshold)
    balanced = DecisionTreeClassifier(max_depth=1, class_weight="balanced").fit(X, labels)
    counts = np.bincount(y)
    root = balanced.tree_.value[0, 0] * balanced.tree_.weighted_n_node_samples[0]
    np.testing.assert_allclose(root, 400 / 3)  # every class weighs n / K in total
    assert counts.min() < counts.max()
    # a key for a class absent from y is accepted when every class of y is named (a
    # cross-validation fold may lack a class), as scikit-learn does
    named = {"a": 2.0, "b": 1.0, "c": 0.5, "z": 7.0}
    ours = DecisionTreeClassifier(max_depth=4, class_weight=named).fit(X, labels, w)
    ref = skt.DecisionTreeClassifier(max_depth=4, class_weight=named, random_state=0)
    ref.fit(X, labels, w)  # continuous weights: no ties between splits
    np.testing.assert_array_equal(ours.tree_.threshold, ref.tree_.threshold)
    with pytest.raises(InvalidParameterError, match=r"not class labels of y \(\['z'\]\)"):
        DecisionTreeClassifier(class_weight={"z": 2.0}).fit(X, labels)
    with pytest.raises(InvalidParameterError, match=r"'class_weight\[0\]' parameter of "
                                                    r"DecisionTreeClassifier must be a float >= 0"):
        DecisionTreeClassifier(class_weight={0: -1.0}).fit(X, y)


@pytest.mark.parametrize("Est", [DecisionTreeClassifier, DecisionTreeRegressor])
def test_parameters_are_checked_first_with_one_message_form(Est):
    name = Est.__name__
    X_bad = np.array([[np.nan, 1.0], [0.0, 1.0]])  # bad data too: the parameter is reported
    for params, expected in [
        ({"max_depth": 0}, f"The 'max_depth' parameter of {name} must be an int >= 1 or None; "
                           "got 0."),
        ({"min_samples_split": 1}, "'min_samples_split' parameter"),
        ({"min_samples_split": 1.5}, "an int >= 2 or a float in (0, 1]; got 1.5"),
        ({"min_samples_leaf": 1.0}, "an int >= 1 or a float in (0, 1); got 1.0"),
        ({"max_features": "all"}, "'max_features' parameter"),
        ({"random_state": "seed"}, "'random_state' parameter"),
        ({"ccp_alpha": -0.1}, "a float >= 0; got -0.1"),
    ]:
        with pytest.raises(InvalidParameterError) as info:
            Est(**params).fit(X_bad, [0, 1])
        assert expected in str(info.value)
    if Est is DecisionTreeClassifier:
        with pytest.raises(InvalidParameterError, match="'class_weight' parameter"):
            Est(class_weight="even").fit(X_bad, [0, 1])
    X = np.random.default_rng(0).normal(size=(20, 3))
    with pytest.raises(InvalidParameterError, match=r"must be an int in \[1, 3\]; got 4"):
        Est(max_features=4).fit(X, np.arange(20) % 2)


@pytest.mark.parametrize("Est, K", [(DecisionTreeClassifier, 10), (DecisionTreeRegressor, 0)])
def test_fit_peak_memory_is_a_few_copies_of_the_data(Est, K):
    # the scan used to hold K planes of (d, n) float64 sums (72 times the float32 data for
    # these ten classes, 24 times for the regressor); it now works on blocks of a few rows and
    # stores the sorted sample indices in 2 bytes
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 64))
    y = rng.integers(0, K, 2000) if K else rng.normal(size=2000)
    Est().fit(X[:50], y[:50])  # first-call allocations (imports, caches) are not the fit's
    tracemalloc.start()
    try:
        Est().fit(X, y)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * X.shape[0] * X.shape[1] * 4, peak / 2**20  # 8 float32 copies of X


def test_many_classes_cost_no_samples_by_classes_array():
    # the per-sample statistics are a class and a weight, not a one-hot (n, K) row: one binary
    # feature, 20,000 samples, 200 classes took 3 arrays of n K float64 (32 MB each) before
    rng = np.random.default_rng(0)
    n, K = 20000, 200
    X = rng.integers(0, 2, size=(n, 1)).astype(np.float32)
    y = rng.integers(0, K, n)
    DecisionTreeClassifier(max_depth=1).fit(X[:50], y[:50] % 2)  # first-call allocations
    tracemalloc.start()
    try:
        ours = DecisionTreeClassifier(max_depth=1).fit(X, y)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2**20, peak / 2**20  # about 1.5 MB now; n K float64 is 32 MB
    ref = skt.DecisionTreeClassifier(max_depth=1, random_state=0).fit(X, y)
    np.testing.assert_array_equal(ours.tree_.threshold, ref.tree_.threshold)
    np.testing.assert_allclose(ours.tree_.value, ref.tree_.value, rtol=1e-12)


@pytest.mark.parametrize("Est", [DecisionTreeClassifier, DecisionTreeRegressor])
def test_min_weight_fraction_leaf_equals_scikit_learn(Est):
    X, y = _tie_free_classification(1000, 5, 24)
    if Est is DecisionTreeRegressor:
        y = X[:, 0] - X[:, 1] ** 2 + 0.3 * np.random.default_rng(1).normal(size=1000)
    w = np.random.default_rng(2).uniform(0.2, 3.0, 1000)
    ours = Est(min_weight_fraction_leaf=0.03).fit(X, y, sample_weight=w)
    ref = getattr(skt, Est.__name__)(min_weight_fraction_leaf=0.03, random_state=0)
    ref.fit(X, y, sample_weight=w)
    assert ours.tree_.weighted_n_node_samples.min() >= 0.03 * w.sum()
    np.testing.assert_array_equal(ours.tree_.feature, ref.tree_.feature)
    np.testing.assert_array_equal(ours.tree_.threshold, ref.tree_.threshold)


@pytest.mark.parametrize("Est", [DecisionTreeClassifier, DecisionTreeRegressor])
def test_fit_with_presorted_equals_fit_without_also_with_zero_weights(Est):
    # gradient boosting sorts X once (presort) and fits every stage with it; zero weights
    # (subsampling) drop rows, whose orders are then subset, not re-sorted
    from mlmath.supervised.decision_trees import presort

    rng = np.random.default_rng(11)
    X = rng.normal(size=(600, 5))
    X[:, 1] = np.round(X[:, 1], 1)
    y = (X[:, 0] + X[:, 1] > 0).astype(int) if Est is DecisionTreeClassifier else X[:, 0] ** 2
    order = presort(X)
    w = rng.poisson(1.0, 600).astype(float)  # about 37 % zeros
    for sw in (None, w):
        a = Est(max_depth=5, random_state=0, max_features=3).fit(X, y, sample_weight=sw)
        b = Est(max_depth=5, random_state=0, max_features=3).fit(X, y, sample_weight=sw,
                                                                  presorted=order)
        np.testing.assert_array_equal(a.tree_.feature, b.tree_.feature)
        np.testing.assert_array_equal(a.tree_.threshold, b.tree_.threshold)
        np.testing.assert_array_equal(a.tree_.value, b.tree_.value)
    with pytest.raises(ValueError, match="presorted"):
        Est().fit(X, y, presorted=order[:, :-1])
    with pytest.raises(ValueError, match="presorted"):
        Est().fit(X, y, sample_weight=w, presorted=presort(X[::-1]))


@pytest.mark.parametrize("Est", [DecisionTreeClassifier, DecisionTreeRegressor])
@pytest.mark.parametrize("bad", ["too_large", "negative", "repeated"])
def test_a_wrong_presorted_array_is_refused_before_the_zero_weight_rows_are_dropped(Est, bad):
    # the full array is checked first: an index n would raise a bare IndexError in the
    # subsetting, and -1 would wrap around to the last sample and be accepted
    from mlmath.supervised.decision_trees import presort

    rng = np.random.default_rng(12)
    X = rng.normal(size=(80, 3))
    y = (X[:, 0] > 0).astype(int) if Est is DecisionTreeClassifier else X[:, 0]
    w = np.ones(80)
    w[::4] = 0.0
    order = presort(X).astype(np.intp)
    j = int(np.flatnonzero(order[0] == 79)[0])  # sample 79 is kept (79 % 4 != 0)
    order[0, j] = {"too_large": 80, "negative": -1, "repeated": order[0, j - 1 if j else 1]}[bad]
    with pytest.raises(ValueError, match="presorted"):
        Est().fit(X, y, sample_weight=w, presorted=order)
