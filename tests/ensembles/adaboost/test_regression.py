"""AdaBoost.R2: one round against a direct computation, the weighted median against brute
force, and the whole fit against scikit-learn's on the same trees."""

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, make_friedman1, make_regression
from sklearn.ensemble import AdaBoostRegressor as SkAdaBoostRegressor
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeRegressor as SkTree

from mlmath.ensembles.adaboost import AdaBoostRegressor, r2_step, weighted_median_predictions
from mlmath.validation import InvalidParameterError


@pytest.mark.parametrize("loss", ["linear", "square", "exponential"])
def test_r2_step_against_a_direct_computation(loss):
    rng = np.random.default_rng(0)
    err = rng.random(40) * 3
    w = rng.random(40)
    w[:5] = 0.0
    w /= w.sum()
    err[0] = 10.0  # the largest error, on a zero-weight sample: the scale is max over D_t(j) > 0
    error, alpha, new_w = r2_step(err, w, loss, learning_rate=0.7)
    pos = w > 0
    rel = err / err[pos].max()
    L = {"linear": rel, "square": rel**2, "exponential": 1 - np.exp(-rel)}[loss]
    avg = np.sum(w[pos] * L[pos])
    beta = avg / (1 - avg)
    assert error == pytest.approx(avg, rel=1e-13)
    assert alpha == pytest.approx(0.7 * np.log(1 / beta), rel=1e-13)
    np.testing.assert_allclose(new_w[pos], w[pos] * beta ** (0.7 * (1 - L[pos])), rtol=1e-13)
    np.testing.assert_array_equal(new_w[~pos], 0.0)


def test_weighted_median_against_brute_force():
    rng = np.random.default_rng(1)
    P = rng.normal(size=(30, 7))
    a = rng.random(7)
    med = weighted_median_predictions(P, a)
    for i in range(30):
        # the smallest prediction whose members at or below it carry half the weight
        ok = [p for p in P[i] if a[P[i] <= p].sum() >= 0.5 * a.sum()]
        assert med[i] == min(ok)


@pytest.mark.parametrize("loss", ["linear", "square", "exponential"])
@pytest.mark.parametrize("learning_rate", [1.0, 0.5])
def test_same_trees_give_scikit_learns_fit(loss, learning_rate):
    # scikit-learn's tree as base: the same seeds and bootstrap samples, hence the same trees
    X, y = make_friedman1(400, 8, noise=1.0, random_state=0)
    params = dict(n_estimators=25, learning_rate=learning_rate, loss=loss, random_state=3)
    ours = AdaBoostRegressor(SkTree(max_depth=3), **params).fit(X, y)
    theirs = SkAdaBoostRegressor(SkTree(max_depth=3), **params).fit(X, y)
    assert len(ours.estimators_) == len(theirs.estimators_)
    np.testing.assert_allclose(ours.estimator_weights_, theirs.estimator_weights_, rtol=1e-12)
    np.testing.assert_allclose(ours.estimator_errors_, theirs.estimator_errors_, rtol=1e-12)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-12)
    for a, b in zip(ours.staged_predict(X), theirs.staged_predict(X), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize("name", ["friedman1", "regression", "diabetes"])
def test_held_out_r2_within_two_points_of_scikit_learn(name):
    data = {"friedman1": lambda: make_friedman1(1500, 10, noise=1.0, random_state=0),
            "regression": lambda: make_regression(1000, 10, n_informative=5, noise=10.0,
                                                  random_state=0),
            "diabetes": lambda: load_diabetes(return_X_y=True)}
    X, y = data[name]()
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=0)
    ours = AdaBoostRegressor(n_estimators=50, random_state=0).fit(X_tr, y_tr).score(X_te, y_te)
    theirs = SkAdaBoostRegressor(n_estimators=50, random_state=0).fit(X_tr, y_tr).score(X_te,
                                                                                       y_te)
    assert abs(ours - theirs) <= 0.02


def test_bad_input_and_degenerate_data():
    X, y = make_friedman1(60, 5, random_state=0)
    with pytest.raises(InvalidParameterError, match="'loss' parameter"):
        AdaBoostRegressor(loss="huber").fit(X, y)
    with pytest.raises(InvalidParameterError, match="'learning_rate' parameter"):
        AdaBoostRegressor(learning_rate=-1.0).fit(X, y)
    X_bad = X.copy()
    X_bad[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        AdaBoostRegressor().fit(X_bad, y)
    X_bad[3, 2] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        AdaBoostRegressor().fit(X_bad, y)
    model = AdaBoostRegressor(n_estimators=5, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="5 features"):
        model.predict(X[:, :3])
    # float32 input gives the float64 fit
    a = AdaBoostRegressor(n_estimators=5, random_state=0).fit(X.astype(np.float32), y)
    b = AdaBoostRegressor(n_estimators=5, random_state=0).fit(X.astype(np.float64), y)
    np.testing.assert_allclose(a.predict(X), b.predict(X), rtol=1e-6)
    # a constant target is fitted perfectly in the first round
    const = AdaBoostRegressor(n_estimators=5, random_state=0).fit(X, np.full(60, 2.5))
    assert len(const.estimators_) == 1
    np.testing.assert_array_equal(const.predict(X), 2.5)
    # all points equal: every round predicts the (bootstrap) mean, boosting still ends cleanly
    flat = AdaBoostRegressor(n_estimators=5, random_state=0).fit(np.ones((30, 2)), y[:30])
    assert np.ptp(flat.predict(np.ones((4, 2)))) == 0.0
