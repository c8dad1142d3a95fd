"""The two estimators against scikit-learn: same predictions where the trees are the same,
same leaf values on scikit-learn's own trees for every loss, held-out scores within 0.02."""

import numpy as np
import pytest
import sklearn.ensemble as ske
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_wine,
    make_classification,
    make_friedman1,
)
from sklearn.model_selection import train_test_split

from mlmath.ensembles.gradient_boosting import (
    GradientBoostingClassifier,
    GradientBoostingRegressor,
)
from mlmath.ensembles.gradient_boosting.losses import LOSSES

X_REG, Y_REG = make_friedman1(400, 8, noise=1.0, random_state=0)
X_NEW, _ = make_friedman1(200, 8, noise=1.0, random_state=1)
W = np.random.default_rng(0).uniform(0.5, 2.0, 400)


def assert_same_model(ours, ref, X_new, atol=1e-8):
    np.testing.assert_allclose(ours.init_raw_prediction_.ravel(),
                               np.ravel(ref._raw_predict_init(X_new[:1])), atol=atol)
    np.testing.assert_allclose(ours.train_score_, ref.train_score_, rtol=1e-8, atol=atol)
    for X in (X_REG, X_new):
        if hasattr(ref, "decision_function"):
            np.testing.assert_allclose(ours.decision_function(X), ref.decision_function(X),
                                       atol=atol)
            np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=atol)
        else:
            np.testing.assert_allclose(ours.predict(X), ref.predict(X), atol=atol)


@pytest.mark.parametrize("loss,alpha", [("squared_error", 0.9), ("huber", 0.9)])
def test_unweighted_regression_equals_scikit_learn(loss, alpha):
    params = dict(loss=loss, alpha=alpha, n_estimators=60, random_state=0, min_samples_leaf=5)
    ours = GradientBoostingRegressor(**params).fit(X_REG, Y_REG)
    ref = ske.GradientBoostingRegressor(**params).fit(X_REG, Y_REG)
    assert_same_model(ours, ref, X_NEW)
    np.testing.assert_allclose(ours.feature_importances_, ref.feature_importances_, atol=1e-10)


@pytest.mark.parametrize("loss,alpha", [("squared_error", 0.9), ("absolute_error", 0.9),
                                        ("huber", 0.5), ("quantile", 0.9),
                                        ("quantile", 0.25)])
def test_weighted_regression_equals_scikit_learn_for_every_loss(loss, alpha):
    # continuous weights and leaves of at least 10 samples: no two candidate splits tie
    # exactly, so both libraries grow the same trees (see the tie test below)
    params = dict(loss=loss, alpha=alpha, n_estimators=40, random_state=0,
                  min_samples_leaf=10)
    ours = GradientBoostingRegressor(**params).fit(X_REG, Y_REG, sample_weight=W)
    ref = ske.GradientBoostingRegressor(**params).fit(X_REG, Y_REG, sample_weight=W)
    assert_same_model(ours, ref, X_NEW)


@pytest.mark.parametrize("n_classes,loss,n,leaf", [(2, "log_loss", 400, 2),
                                                    (2, "exponential", 400, 2),
                                                    (3, "log_loss", 600, 3)])
def test_weighted_classification_equals_scikit_learn(n_classes, loss, n, leaf):
    X, y = make_classification(n, 8, n_informative=5, n_classes=n_classes, random_state=0)
    labels = np.array(["a", "b", "c"])[y]
    sw = np.random.default_rng(0).uniform(0.5, 2.0, n)
    params = dict(loss=loss, n_estimators=40, random_state=0, min_samples_leaf=leaf)
    ours = GradientBoostingClassifier(**params).fit(X, labels, sample_weight=sw)
    ref = ske.GradientBoostingClassifier(**params).fit(X, labels, sample_weight=sw)
    assert_same_model(ours, ref, X_NEW)
    assert ours.estimators_.shape == ref.estimators_.shape == (40, 1 if n_classes == 2 else 3)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    for a, b in zip(ours.staged_predict_proba(X[:20]), ref.staged_predict_proba(X[:20])):
        np.testing.assert_allclose(a, b, atol=1e-8)


@pytest.mark.parametrize("n_classes,loss", [(2, "log_loss"), (2, "exponential"),
                                            (3, "log_loss")])
def test_unweighted_classification_scores_the_training_set_as_scikit_learn(n_classes, loss):
    # on the training samples a tie between two features that cut a node into the same two
    # groups changes nothing, so the scores agree even where new points would not
    X, y = make_classification(600, 10, n_informative=6, n_classes=n_classes, random_state=0)
    params = dict(loss=loss, n_estimators=25, random_state=0)
    ours = GradientBoostingClassifier(**params).fit(X, y)
    ref = ske.GradientBoostingClassifier(**params).fit(X, y)
    np.testing.assert_allclose(ours.decision_function(X), ref.decision_function(X), atol=1e-8)
    np.testing.assert_allclose(ours.train_score_, ref.train_score_, rtol=1e-10)


@pytest.mark.parametrize("loss", ["squared_error", "absolute_error", "huber", "quantile"])
def test_leaf_values_on_scikit_learns_own_trees(loss):
    # for every loss and stage: given the tree scikit-learn grew, our gradient and our leaf
    # values reproduce its leaves (this isolates the loss from the tie-breaking of the trees)
    ref = ske.GradientBoostingRegressor(loss=loss, alpha=0.8, n_estimators=15,
                                        random_state=0).fit(X_REG, Y_REG)
    ours = LOSSES[loss](alpha=0.8)
    X32 = X_REG.astype(np.float32)
    raw = ref._raw_predict_init(X32)
    np.testing.assert_allclose(ours.init_raw(Y_REG), raw[0], atol=1e-12)
    sw = np.ones(len(Y_REG))
    for t, staged in enumerate(ref._staged_raw_predict(X32)):
        tree = ref.estimators_[t, 0].tree_
        ours.start_stage(Y_REG, raw, sw)
        r = ours.negative_gradient(Y_REG, raw)[:, 0]
        leaf = tree.apply(X32)
        values = ours.leaf_values(leaf, tree.node_count, Y_REG, raw, r, sw)
        if values is None:  # squared error keeps the tree's mean residual
            values = np.bincount(leaf, r, tree.node_count) / np.maximum(
                np.bincount(leaf, None, tree.node_count), 1)
        is_leaf = tree.children_left == -1
        np.testing.assert_allclose(values[is_leaf], tree.value[is_leaf, 0, 0], atol=1e-10)
        raw = staged


def test_ties_explain_the_differences_on_unweighted_quantile_loss():
    # two-valued pseudo-residuals: distinct splits of a node often have exactly the same score;
    # scikit-learn breaks the tie by a random order of the features, we by the lowest index
    X, y = make_friedman1(600, 10, noise=1.0, random_state=0)
    X32 = X.astype(np.float32)
    params = dict(loss="quantile", alpha=0.9, n_estimators=5, random_state=0)
    ours = GradientBoostingRegressor(**params).fit(X, y)
    ref = ske.GradientBoostingRegressor(**params).fit(X, y)
    raw = ref._raw_predict_init(X32)[:, 0]
    for t, staged in enumerate(ref._staged_raw_predict(X32)):
        ta, tb = ours.estimators_[t, 0].tree_, ref.estimators_[t, 0].tree_
        differ = np.flatnonzero((ta.feature != tb.feature) | (ta.threshold != tb.threshold))
        if differ.size:
            node = int(differ[0])  # the nodes before it (in preorder) are the same
            ours_in = ta.decision_path(X32)[:, [node]].toarray().ravel() == 1
            ref_in = tb.decision_path(X32)[:, [node]].toarray().ravel() == 1
            np.testing.assert_array_equal(ours_in, ref_in)
            r = np.where(y >= raw, 0.9, -0.1)[ours_in]  # the node's pseudo-residuals
            x = X32[ours_in]

            def proxy(tree, x=x, r=r, node=node):
                left = x[:, tree.feature[node]] <= tree.threshold[node]
                return r[left].sum() ** 2 / left.sum() + r[~left].sum() ** 2 / (~left).sum()

            assert proxy(ta) == pytest.approx(proxy(tb), rel=1e-12)  # an exact tie
            return
        raw = staged[:, 0]
    pytest.fail("the two libraries grew the same trees; no tie to examine")


def held_out(est_ours, est_ref, X, y, classify):
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=0,
                                              stratify=y if classify else None)
    return (est_ours.fit(X_tr, y_tr).score(X_te, y_te),
            est_ref.fit(X_tr, y_tr).score(X_te, y_te))


@pytest.mark.parametrize("name", ["friedman1", "diabetes", "friedman1-huber",
                                  "friedman1-subsample"])
def test_held_out_r2_within_002_of_scikit_learn(name):
    X, y = (load_diabetes(return_X_y=True) if name == "diabetes"
            else make_friedman1(800, 10, noise=1.0, random_state=3))
    params = dict(n_estimators=60, random_state=0)
    if name.endswith("huber"):
        params["loss"] = "huber"
    if name.endswith("subsample"):
        params["subsample"] = 0.7
    ours, ref = held_out(GradientBoostingRegressor(**params),
                         ske.GradientBoostingRegressor(**params), X, y, False)
    assert abs(ours - ref) <= 0.02


@pytest.mark.parametrize("name", ["classification", "breast_cancer", "wine"])
def test_held_out_accuracy_within_002_of_scikit_learn(name):
    X, y = {"classification": lambda: make_classification(800, 10, n_informative=6,
                                                          random_state=2),
            "breast_cancer": lambda: load_breast_cancer(return_X_y=True),
            "wine": lambda: load_wine(return_X_y=True)}[name]()
    params = dict(n_estimators=60, random_state=0)
    ours, ref = held_out(GradientBoostingClassifier(**params),
                         ske.GradientBoostingClassifier(**params), X, y, True)
    assert abs(ours - ref) <= 0.02
