"""The boosting loop: early stopping, subsampling and OOB, staged predictions, bad input."""

import numpy as np
import pytest
import sklearn.ensemble as ske
from sklearn.datasets import make_classification, make_friedman1

from mlmath.ensembles.gradient_boosting import (
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    in_bag_mask,
)

X, Y = make_friedman1(500, 6, noise=1.0, random_state=0)


def test_early_stopping_stops_where_scikit_learn_stops():
    # same validation split (scikit-learn's train_test_split, same seed), same rule
    params = dict(n_estimators=500, learning_rate=0.3, n_iter_no_change=5,
                  validation_fraction=0.2, tol=1e-3, random_state=0, min_samples_leaf=10)
    w = np.random.default_rng(0).uniform(0.5, 2.0, len(Y))
    ours = GradientBoostingRegressor(**params).fit(X, Y, sample_weight=w)
    ref = ske.GradientBoostingRegressor(**params).fit(X, Y, sample_weight=w)
    assert ours.n_estimators_ == ref.n_estimators_ < 500
    assert ours.estimators_.shape == (ours.n_estimators_, 1)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), atol=1e-8)


def test_early_stopping_rule_by_hand():
    # stop at the first stage whose validation loss is not tol below one of the losses kept
    # for the last n_iter_no_change stages (the kept losses start at +inf)
    est = GradientBoostingRegressor(n_estimators=300, learning_rate=0.5, n_iter_no_change=3,
                                    tol=0.0, random_state=1).fit(X, Y)
    from sklearn.model_selection import train_test_split

    X_tr, X_val, y_tr, y_val = train_test_split(X, Y, random_state=1, test_size=0.1)
    losses = [np.mean((y_val - p) ** 2) for p in est.staged_predict(X_val)]
    history = np.full(3, np.inf)
    for t, val in enumerate(losses):
        if np.any(val < history):
            history[t % 3] = val
        else:
            break
    assert t == est.n_estimators_ - 1 == len(losses) - 1


def test_subsample_records_oob_improvement_consistently():
    est = GradientBoostingRegressor(n_estimators=30, subsample=0.5, random_state=0).fit(X, Y)
    assert est.oob_improvement_.shape == est.oob_scores_.shape == (30,)
    np.testing.assert_allclose(est.oob_improvement_[1:], -np.diff(est.oob_scores_))
    # so the cumulative sum telescopes: loss of F_0 on the first out-of-bag set minus the last
    # out-of-bag loss (the first set is the first draw of the estimator's random state)
    first_out = ~in_bag_mask(len(Y), 0.5, np.random.RandomState(0))
    loss_F0 = 2 * 0.5 * np.mean((Y[first_out] - est.init_raw_prediction_[0]) ** 2)
    np.testing.assert_allclose(np.cumsum(est.oob_improvement_), loss_F0 - est.oob_scores_)
    assert est.oob_score_ == est.oob_scores_[-1]
    again = GradientBoostingRegressor(n_estimators=30, subsample=0.5, random_state=0).fit(X, Y)
    np.testing.assert_array_equal(est.predict(X), again.predict(X))  # seeded
    assert not hasattr(GradientBoostingRegressor(n_estimators=3).fit(X, Y), "oob_scores_")


def test_subsample_with_one_sample_gets_a_clear_error():
    # one sample: the in-bag draw takes it, no out-of-bag sample is left to score
    with pytest.raises(ValueError, match="at least 2 training samples"):
        GradientBoostingRegressor(n_estimators=2, subsample=0.5).fit(X[:1], Y[:1])
    GradientBoostingRegressor(n_estimators=2, subsample=0.5).fit(X[:2], Y[:2])  # two are fine


def test_criterion_is_ignored_as_in_scikit_learn():
    # scikit-learn 1.9: "This parameter has no effect"; the trees grow by the squared error
    a = GradientBoostingRegressor(criterion="friedman_mse", n_estimators=5).fit(X, Y)
    b = GradientBoostingRegressor(criterion="squared_error", n_estimators=5).fit(X, Y)
    assert all(tree.criterion == "squared_error" for tree in a.estimators_.ravel())
    np.testing.assert_array_equal(a.predict(X), b.predict(X))


def test_in_bag_mask_draws_the_requested_number_without_replacement():
    rng = np.random.RandomState(0)
    mask = in_bag_mask(101, 0.5, rng)
    assert mask.sum() == 50
    assert in_bag_mask(3, 0.01, rng).sum() == 1


def test_staged_predictions_end_at_the_prediction():
    reg = GradientBoostingRegressor(n_estimators=7, random_state=0).fit(X, Y)
    staged = list(reg.staged_predict(X[:9]))
    assert len(staged) == 7
    np.testing.assert_allclose(staged[-1], reg.predict(X[:9]))
    Xc, yc = make_classification(200, 5, n_informative=3, n_classes=3, random_state=0)
    clf = GradientBoostingClassifier(n_estimators=5, random_state=0).fit(Xc, yc)
    for staged, final in [(list(clf.staged_decision_function(Xc))[-1], clf.decision_function(Xc)),
                          (list(clf.staged_predict_proba(Xc))[-1], clf.predict_proba(Xc)),
                          (list(clf.staged_predict(Xc))[-1], clf.predict(Xc))]:
        np.testing.assert_array_equal(staged, final)
    np.testing.assert_allclose(clf.predict_proba(Xc).sum(axis=1), 1.0)
    assert clf.apply(Xc).shape == (200, 5, 3) and reg.apply(X).shape == (500, 7)


def test_zero_learning_rate_and_init_zero():
    est = GradientBoostingRegressor(n_estimators=5, learning_rate=0.0).fit(X, Y)
    np.testing.assert_allclose(est.predict(X), np.mean(Y))
    est = GradientBoostingRegressor(n_estimators=5, init="zero").fit(X, Y)
    assert est.init_raw_prediction_[0] == 0.0
    ref = ske.GradientBoostingRegressor(n_estimators=5, init="zero").fit(X, Y)
    np.testing.assert_allclose(est.predict(X), ref.predict(X), atol=1e-8)


def test_degenerate_data():
    # all points equal: every tree is one leaf, the prediction the initial constant
    Xc = np.ones((20, 3))
    y = np.arange(20.0)
    est = GradientBoostingRegressor(n_estimators=5).fit(Xc, y)
    np.testing.assert_allclose(est.predict(Xc), np.mean(y))
    assert np.all(est.feature_importances_ == 0)
    # one feature; duplicated rows; float32 input gives the float64 fit (the trees see float32)
    x1 = np.repeat(np.linspace(0, 1, 10), 3)[:, None]
    GradientBoostingRegressor(n_estimators=5).fit(x1, np.sin(6 * x1[:, 0]))
    a = GradientBoostingRegressor(n_estimators=5).fit(X.astype(np.float32), Y).predict(X)
    b = GradientBoostingRegressor(n_estimators=5).fit(X, Y).predict(X)
    np.testing.assert_array_equal(a, b)
    # constant target
    np.testing.assert_allclose(GradientBoostingRegressor(n_estimators=3).fit(X, np.full(500, 2.0))
                               .predict(X), 2.0)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_and_inf_are_refused(bad):
    Xb = X.copy()
    Xb[3, 2] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        GradientBoostingRegressor(n_estimators=2).fit(Xb, Y)
    est = GradientBoostingRegressor(n_estimators=2).fit(X, Y)
    with pytest.raises(ValueError, match="NaN|infinity"):
        est.predict(Xb)


def test_bad_input_gets_a_clear_error():
    est = GradientBoostingRegressor(n_estimators=2).fit(X, Y)
    with pytest.raises(ValueError, match="features"):
        est.predict(X[:, :3])
    with pytest.raises(ValueError, match="infinity|too large"):
        with np.errstate(over="ignore"):
            GradientBoostingRegressor(n_estimators=2).fit(X * 1e300, Y)  # beyond float32
    Xc, yc = make_classification(60, 5, n_informative=3, n_redundant=0, n_classes=3,
                                 random_state=0)
    with pytest.raises(ValueError, match="two classes"):
        GradientBoostingClassifier(loss="exponential").fit(Xc, yc)
    with pytest.raises(ValueError, match="fewer than 2 classes"):
        GradientBoostingClassifier().fit(Xc, yc, sample_weight=(yc == 0).astype(float))
    with pytest.raises(ValueError, match="at least 2 classes"):
        GradientBoostingClassifier().fit(Xc, np.zeros(60))
    with pytest.raises(ValueError):  # too few samples to set some aside for validation
        GradientBoostingRegressor(n_iter_no_change=2).fit(X[:1], Y[:1])
    with pytest.raises(ValueError, match="lacks a class|too few"):
        GradientBoostingClassifier(n_iter_no_change=2, validation_fraction=0.5,
                                   random_state=0).fit(Xc[:4], [0, 0, 1, 2])


def test_overflowing_targets_are_refused():
    with pytest.raises(ValueError, match="squared targets overflow"):
        GradientBoostingRegressor(n_estimators=3).fit(X, Y * 1e200)
    big = GradientBoostingRegressor(n_estimators=3).fit(X, Y * 1e100)  # large but fine
    np.testing.assert_allclose(big.predict(X) / 1e100,
                               GradientBoostingRegressor(n_estimators=3).fit(X, Y).predict(X),
                               rtol=1e-8)
