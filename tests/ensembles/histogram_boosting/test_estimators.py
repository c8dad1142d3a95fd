"""XGBoostRegressor/XGBoostClassifier against the xgboost library and HistGradientBoosting*."""

import json

import numpy as np
import pytest
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_wine,
    make_classification,
    make_friedman1,
)
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split

from mlmath.ensembles.histogram_boosting import XGBoostClassifier, XGBoostRegressor

xgb = pytest.importorskip("xgboost")


def _grid_data(n=1500, d=5, seed=0, nan=0.0):
    """Features with <= 60 distinct values (both libraries bin them exactly)."""
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 60, size=(n, d)).astype(float)
    y = np.sin(X[:, 0] / 6) + X[:, 1] / 30 - (X[:, 2] > 30) + 0.3 * rng.standard_normal(n)
    if nan:
        X[rng.random(X.shape) < nan] = np.nan
    return X, y


PARAMS = [
    dict(n_estimators=15, max_depth=4, learning_rate=0.3),
    dict(n_estimators=10, max_depth=5, learning_rate=0.5, reg_lambda=3.0, reg_alpha=2.0,
         gamma=2.0, min_child_weight=6.0, base_score=0.4),
]


def _twin(cls, **params):
    return cls(tree_method="hist", max_bin=256, n_jobs=1, **params)


@pytest.mark.parametrize("params", PARAMS)
@pytest.mark.parametrize("nan", [0.0, 0.15])
def test_regressor_equals_xgboost_where_the_algorithms_coincide(params, nan):
    X, y = _grid_data(nan=nan)
    ours = XGBoostRegressor(**params).fit(X, y)
    twin = _twin(xgb.XGBRegressor, **params).fit(X, y)
    np.testing.assert_allclose(ours.predict(X), twin.predict(X), atol=1e-5, rtol=0)
    assert ours.base_score_ == pytest.approx(
        params.get("base_score", np.mean(y)), rel=1e-6)


@pytest.mark.parametrize("params", PARAMS)
@pytest.mark.parametrize("n_classes", [2, 3])
def test_classifier_equals_xgboost_where_the_algorithms_coincide(params, n_classes):
    X, y = _grid_data(nan=0.1, seed=1)
    y = np.digitize(y, np.quantile(y, np.arange(1, n_classes) / n_classes))
    ours = XGBoostClassifier(**params).fit(X, y)
    twin = _twin(xgb.XGBClassifier, **params).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), twin.predict_proba(X), atol=1e-5, rtol=0)
    if "base_score" not in params:  # xgboost 3.2's estimate of the initial score
        cfg = json.loads(twin.get_booster().save_config())["learner"]["learner_model_param"]
        base = np.array(json.loads(cfg["base_score"]))
        expected = ours.base_score_ if n_classes > 2 else 1 / (1 + np.exp(-ours.base_score_))
        np.testing.assert_allclose(expected, base, rtol=1e-6)


def _walk(ours, t, frame, node_id):
    """Compare our subtree at node t with xgboost's at node_id: feature and default direction."""
    row = frame.loc[node_id]
    if row.Feature == "Leaf":
        assert ours.children_left[t] == -1
        return 0
    assert ours.feature[t] == int(row.Feature[1:])
    assert ours.missing_go_left[t] == (row.Missing == row.Yes)
    return (1 + _walk(ours, ours.children_left[t], frame, row.Yes)
            + _walk(ours, ours.children_right[t], frame, row.No))


def test_learned_default_directions_agree_with_xgboost():
    X, y = _grid_data(nan=0.3, seed=2)
    y = y + 2 * np.isnan(X[:, 0]) - np.isnan(X[:, 1])
    ours = XGBoostRegressor(n_estimators=3, max_depth=4).fit(X, y)
    twin = _twin(xgb.XGBRegressor, n_estimators=3, max_depth=4).fit(X, y)
    frame = twin.get_booster().trees_to_dataframe().set_index("ID")
    n_splits = 0
    for i, tree in enumerate(ours.trees_):
        n_splits += _walk(tree, 0, frame, f"{i}-0")
    lefts = np.concatenate([t.missing_go_left[t.children_left >= 0] for t in ours.trees_])
    assert n_splits > 20 and 0 < lefts.mean() < 1


def _nan(X, rate, seed):
    X = X.copy()
    X[np.random.default_rng(seed).random(X.shape) < rate] = np.nan
    return X


def _datasets():
    Xf, yf = make_friedman1(1200, n_features=8, noise=1.0, random_state=0)
    Xc, yc = make_classification(1200, 12, n_informative=6, random_state=0)
    Xm, ym = make_classification(1200, 12, n_informative=6, n_classes=3, random_state=1)
    return [("friedman1", Xf, yf, "reg"), ("diabetes", *load_diabetes(return_X_y=True), "reg"),
            ("classification", Xc, yc, "clf"),
            ("breast_cancer", *load_breast_cancer(return_X_y=True), "clf"),
            ("three_classes", Xm, ym, "clf"), ("wine", *load_wine(return_X_y=True), "clf")]


@pytest.mark.parametrize("nan", [0.0, 0.1])
@pytest.mark.parametrize("name, X, y, kind", _datasets(), ids=[d[0] for d in _datasets()])
def test_held_out_quality_within_002_of_xgboost_and_histgradientboosting(name, X, y, kind,
                                                                          nan):
    # wine's test split has 54 samples (one is 0.0185 of accuracy, the tolerance's size): there
    # the scores are means over five splits and missing-value masks
    splits = range(5) if name == "wine" else [0]
    stratify = y if kind == "clf" else None
    params = dict(n_estimators=100, learning_rate=0.2, max_depth=3)
    hgb = dict(max_iter=100, learning_rate=0.2, max_depth=3, max_leaf_nodes=None,
               l2_regularization=1.0, min_samples_leaf=1)
    if kind == "reg":
        models = [XGBoostRegressor(**params), _twin(xgb.XGBRegressor, **params),
                  HistGradientBoostingRegressor(**hgb)]
        score = r2_score
    else:
        models = [XGBoostClassifier(**params), _twin(xgb.XGBClassifier, **params),
                  HistGradientBoostingClassifier(**hgb)]
        score = accuracy_score
    scores = []
    for split in splits:
        Xs = _nan(X, nan, 3 + split) if nan else X
        Xtr, Xte, ytr, yte = train_test_split(Xs, y, test_size=0.3, random_state=split,
                                              stratify=stratify)
        scores.append([score(yte, m.fit(Xtr, ytr).predict(Xte)) for m in models])
    ours, twin, sk = np.mean(scores, axis=0)
    assert ours >= twin - 0.02, (ours, twin)
    assert ours >= sk - 0.02, (ours, sk)


def test_staged_predict_importances_and_early_stopping():
    X, y = make_friedman1(600, n_features=8, noise=1.0, random_state=0)
    model = XGBoostRegressor(n_estimators=30, random_state=0).fit(X, y)
    stages = list(model.staged_predict(X))
    assert len(stages) == 30
    np.testing.assert_allclose(stages[-1], model.predict(X), atol=1e-12)
    assert np.all(np.diff(model.train_score_) <= 1e-12)
    imp = model.feature_importances_
    assert imp.sum() == pytest.approx(1.0) and imp[5:].sum() < 0.1  # features 5-7 are noise
    stop = XGBoostRegressor(n_estimators=500, learning_rate=0.5, early_stopping_rounds=5,
                            random_state=0).fit(X, y)
    assert stop.n_estimators_ < 500 and len(stop.trees_) == stop.n_estimators_
    assert np.argmin(stop.validation_score_) == stop.n_estimators_ - 1
    Xm, ym = make_classification(300, 6, n_informative=4, n_classes=3, random_state=0)
    clf = XGBoostClassifier(n_estimators=8, subsample=0.7, colsample_bytree=0.5,
                            random_state=0).fit(Xm, ym)
    assert len(clf.trees_) == 24
    np.testing.assert_allclose(clf.predict_proba(Xm).sum(1), 1.0)
    assert clf.decision_function(Xm).shape == (300, 3)


def test_sample_weight_is_repetition():
    X, y = _grid_data(n=300, nan=0.1, seed=4)
    w = np.random.default_rng(0).integers(1, 4, 300)
    a = XGBoostRegressor(n_estimators=10).fit(X, y, sample_weight=w).predict(X)
    b = XGBoostRegressor(n_estimators=10).fit(np.repeat(X, w, 0), np.repeat(y, w)).predict(X)
    np.testing.assert_allclose(a, b, atol=1e-10)


def test_bad_and_degenerate_input():
    X, y = _grid_data(n=200)
    with pytest.raises(ValueError, match="[Ii]nf"):
        XGBoostRegressor().fit(np.where(X == 0, np.inf, X), y)
    model = XGBoostRegressor(n_estimators=5).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :3])
    with pytest.raises(ValueError, match="[Ii]nf"):
        model.predict(np.full_like(X, np.inf))
    np.testing.assert_allclose(model.predict(X.astype(np.float32)), model.predict(X),
                               atol=1e-12)
    const = XGBoostRegressor(n_estimators=5).fit(np.ones((50, 3)), y[:50])
    np.testing.assert_allclose(const.predict(np.ones((2, 3))), np.mean(y[:50]))
    all_nan = XGBoostRegressor(n_estimators=5).fit(np.full((50, 2), np.nan), y[:50])
    assert np.all(np.isfinite(all_nan.predict(np.zeros((3, 2)))))
    with pytest.raises(ValueError, match="overflow"):
        XGBoostRegressor().fit(X, y * 1e160)
    with pytest.raises(ValueError, match="class"):
        XGBoostClassifier().fit(X, np.zeros(200))
    with pytest.raises(ValueError, match="probability"):
        XGBoostClassifier(base_score=2.0).fit(X, y > 0)
