"""MLPClassifier and MLPRegressor: the same fits as scikit-learn 1.9, held-out quality, and
bad input."""

import warnings

import numpy as np
import pytest
from sklearn import neural_network as sk
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    make_classification,
    make_friedman1,
    make_multilabel_classification,
)
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from mlmath.neural_networks.mlp import MLPClassifier, MLPRegressor
from mlmath.validation import InvalidParameterError

XC, YC = make_classification(240, 8, n_informative=5, n_classes=3, random_state=0)
XB, YB = make_classification(240, 8, random_state=1)
XR, YR = make_friedman1(240, 8, random_state=0)
XM, YM = make_multilabel_classification(200, 8, n_classes=3, random_state=0)

CASES = [
    ("C", XC, YC, dict(solver="adam")),
    ("C", XB, YB, dict(solver="adam", activation="logistic")),
    ("C", XB, YB, dict(solver="sgd", learning_rate_init=0.05)),
    ("C", XC, YC, dict(solver="sgd", momentum=0.0, learning_rate_init=0.05)),
    ("C", XC, YC, dict(solver="sgd", nesterovs_momentum=False, learning_rate="invscaling",
                       learning_rate_init=0.2, power_t=0.3)),
    ("C", XC, YC, dict(solver="sgd", learning_rate="adaptive", max_iter=150,
                       n_iter_no_change=2, tol=1e-2)),
    ("C", XC, YC, dict(solver="adam", early_stopping=True, max_iter=80, activation="tanh")),
    ("C", XB, YB, dict(solver="sgd", early_stopping=True, max_iter=80,
                       hidden_layer_sizes=(7, 5), validation_fraction=0.2)),
    ("C", XM, YM, dict(solver="adam", early_stopping=True, max_iter=40)),
    ("C", XC, YC, dict(solver="adam", shuffle=False, batch_size=50, alpha=0.5)),
    ("C", XC, YC, dict(solver="lbfgs", max_iter=40)),
    ("C", XC, YC, dict(solver="adam", max_iter=300, tol=1e-3, n_iter_no_change=3)),
    ("R", XR, YR, dict(solver="adam", activation="identity")),
    ("R", XR, YR, dict(solver="sgd", learning_rate_init=0.01, activation="tanh")),
    ("R", XR, YR, dict(solver="sgd", learning_rate_init=0.01, learning_rate="adaptive",
                       max_iter=100, n_iter_no_change=2, tol=1e-1)),
    ("R", XR, YR, dict(solver="adam", early_stopping=True, max_iter=100)),
    ("R", XR, np.c_[YR, np.sqrt(YR)], dict(solver="adam", batch_size=64)),
    # several outputs with early stopping: the validation score is r2_score's uniform average
    ("R", XR, np.c_[YR, YR ** 2 / 10], dict(solver="adam", early_stopping=True, max_iter=60,
                                             tol=1e-3, n_iter_no_change=3)),
    ("R", XR, YR, dict(solver="lbfgs", max_iter=30)),
    ("R", XR, YR / 10, dict(loss="poisson", solver="adam")),
]


def _pair(kind, **params):
    ours = (MLPClassifier if kind == "C" else MLPRegressor)(**params)
    twin = (sk.MLPClassifier if kind == "C" else sk.MLPRegressor)(**params)
    return ours, twin


@pytest.mark.parametrize("kind, X, y, params", CASES)
def test_same_fit_as_scikit_learn(kind, X, y, params):
    params = {"hidden_layer_sizes": (16,), "max_iter": 25, "random_state": 3, **params}
    ours, twin = _pair(kind, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours.fit(X, y)
        twin.fit(X, y)
    assert ours.n_iter_ == twin.n_iter_ and ours.n_layers_ == twin.n_layers_
    assert ours.n_outputs_ == twin.n_outputs_ and ours.out_activation_ == twin.out_activation_
    for a, b in zip(ours.coefs_ + ours.intercepts_, twin.coefs_ + twin.intercepts_):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-10)
    assert ours.loss_ == pytest.approx(twin.loss_, abs=1e-10)
    if params["solver"] != "lbfgs":
        np.testing.assert_allclose(ours.loss_curve_, twin.loss_curve_, rtol=0, atol=1e-10)
        assert ours.t_ == twin.t_
        assert ours.best_loss_ == twin.best_loss_
        assert ours.validation_scores_ == twin.validation_scores_
        assert ours.best_validation_score_ == twin.best_validation_score_
    np.testing.assert_array_equal(ours.predict(X), twin.predict(X))
    if kind == "C":
        np.testing.assert_array_equal(ours.classes_, twin.classes_)
        np.testing.assert_allclose(ours.predict_proba(X), twin.predict_proba(X), atol=1e-10)


def test_same_fit_with_a_random_state_instance_and_no_patience_limit():
    kw = dict(hidden_layer_sizes=(5,), max_iter=15, n_iter_no_change=np.inf)
    ours = MLPClassifier(random_state=np.random.RandomState(7), **kw)
    twin = sk.MLPClassifier(random_state=np.random.RandomState(7), **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours.fit(XC, YC)
        twin.fit(XC, YC)
    np.testing.assert_array_equal(ours.coefs_[0], twin.coefs_[0])


def test_convergence_warning_and_stopping_rule():
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(3\) reached"):
        MLPRegressor(hidden_layer_sizes=(4,), max_iter=3, random_state=0).fit(XR, YR)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        est = MLPClassifier(hidden_layer_sizes=(8,), max_iter=500, tol=0.5, n_iter_no_change=2,
                            random_state=0).fit(XC, YC)
    # tol = 0.5: the first epoch improves on an infinite best loss, no later one improves enough;
    # the count must EXCEED n_iter_no_change = 2, so training stops after 1 + 3 epochs
    assert est.n_iter_ == 4 and len(est.loss_curve_) == 4


def test_early_stopping_keeps_the_best_epoch():
    est = MLPClassifier(hidden_layer_sizes=(8,), early_stopping=True, max_iter=60,
                        random_state=0).fit(XC, YC)
    assert est.best_loss_ is None and len(est.validation_scores_) == est.n_iter_
    assert est.best_validation_score_ == max(est.validation_scores_)


def test_predict_proba_and_log_proba():
    est = MLPClassifier(hidden_layer_sizes=(8,), max_iter=30, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(XB, np.where(YB == 1, "yes", "no"))
    P = est.predict_proba(XB)
    assert P.shape == (240, 2)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_allclose(est.predict_log_proba(XB), np.log(P))
    np.testing.assert_array_equal(est.predict(XB), est.classes_[P.argmax(axis=1)])


DATASETS = {
    "digits": ("C", load_digits(return_X_y=True)),
    "breast_cancer": ("C", load_breast_cancer(return_X_y=True)),
    "make_classification": ("C", make_classification(600, 20, n_informative=8, n_classes=3,
                                                     random_state=0)),
    "friedman1": ("R", make_friedman1(600, 10, noise=0.5, random_state=0)),
    "diabetes": ("R", load_diabetes(return_X_y=True)),
}


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_held_out_score_within_002_of_scikit_learn(name):
    kind, (X, y) = DATASETS[name]
    if kind == "R":
        y = (y - y.mean()) / y.std()
    gaps = []
    for seed in range(3):
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=seed)
        scaler = StandardScaler().fit(X_tr)
        X_tr, X_te = scaler.transform(X_tr), scaler.transform(X_te)
        ours, twin = _pair(kind, hidden_layer_sizes=(32,), max_iter=40, random_state=seed,
                           learning_rate_init=0.01)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            gaps.append(ours.fit(X_tr, y_tr).score(X_te, y_te)
                        - twin.fit(X_tr, y_tr).score(X_te, y_te))
    assert abs(np.mean(gaps)) <= 0.02


# ------------------------------------------------------------------------------ bad input
def test_nan_and_inf_refused():
    X = XR.copy()
    X[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        MLPRegressor().fit(X, YR)
    X[3, 2] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        MLPRegressor().fit(X, YR)
    est = MLPRegressor(hidden_layer_sizes=(3,), max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(XR, YR)
    with pytest.raises(ValueError, match="NaN"):
        est.predict(X.clip(-1, 1) * np.nan)


def test_wrong_feature_count_at_predict():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = MLPClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0).fit(XC, YC)
    with pytest.raises(ValueError, match="features"):
        est.predict(XC[:, :5])
    with pytest.raises(ValueError, match="samples"):
        MLPClassifier().fit(XC, YC[:-1])


@pytest.mark.parametrize("sizes", [0, (0,), (5, 0), (3.5,), ("a",)])
def test_bad_hidden_layer_sizes(sizes):
    with pytest.raises(InvalidParameterError, match="hidden_layer_sizes"):
        MLPClassifier(hidden_layer_sizes=sizes).fit(XC, YC)


@pytest.mark.parametrize("param, value", [("solver", "newton"), ("alpha", -1.0),
                                          ("learning_rate_init", 0.0), ("momentum", 1.5),
                                          ("batch_size", 0), ("beta_1", 1.0),
                                          ("activation", "gelu"), ("n_iter_no_change", 0)])
def test_bad_parameters(param, value):
    with pytest.raises(InvalidParameterError, match=param):
        MLPRegressor(**{param: value}).fit(XR, YR)


def test_one_class_refused():
    with pytest.raises(ValueError, match="at least 2 classes"):
        MLPClassifier().fit(XC, np.zeros(len(XC)))
    with pytest.raises(ValueError, match="Unknown label type"):
        MLPClassifier().fit(XC, XC[:, 0])


@pytest.mark.parametrize("cls, y", [(MLPClassifier, YC), (MLPRegressor, YR)])
def test_early_stopping_needs_a_positive_validation_fraction(cls, y):
    # scikit-learn fails inside train_test_split ("test_size=0.0 should be ..."); ours names
    # the parameter. Without early stopping, or with L-BFGS (which ignores it), 0 is allowed.
    with pytest.raises(InvalidParameterError, match="'validation_fraction' must be in"):
        cls(early_stopping=True, validation_fraction=0.0).fit(XR, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        cls(validation_fraction=0.0, max_iter=2).fit(XR, y)
        cls(solver="lbfgs", early_stopping=True, validation_fraction=0.0, max_iter=2).fit(XR, y)


def test_too_few_samples_for_early_stopping():
    with pytest.raises(ValueError, match="validation set is too small"):
        MLPRegressor(early_stopping=True).fit(XR[:5], YR[:5])


def test_overflowing_input_gets_a_clear_error():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="non-finite"):
            MLPRegressor(hidden_layer_sizes=(4,), max_iter=3, random_state=0).fit(
                XR * 1e300, YR)


def test_degenerate_data_fits():
    X = np.ones((30, 3))
    y = np.arange(30.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = MLPRegressor(hidden_layer_sizes=(4,), max_iter=50, random_state=0).fit(X, y)
        pred = est.predict(X)
        one = MLPClassifier(hidden_layer_sizes=(4,), max_iter=5, random_state=0).fit(
            XB[:, :1], YB)
    assert np.ptp(pred) < 1e-12 and np.isfinite(pred).all()  # all points equal: one output
    assert one.coefs_[0].shape == (1, 4)


def test_float32_input_is_computed_in_float64():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = MLPClassifier(hidden_layer_sizes=(4,), max_iter=5, random_state=0)
        a.fit(XC.astype(np.float32), YC)
        b = MLPClassifier(hidden_layer_sizes=(4,), max_iter=5, random_state=0)
        b.fit(XC.astype(np.float32).astype(np.float64), YC)
    assert a.coefs_[0].dtype == np.float64
    np.testing.assert_array_equal(a.coefs_[0], b.coefs_[0])


def test_column_target_warns_and_poisson_needs_nonnegative_targets():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.warns(DataConversionWarning):
            MLPRegressor(hidden_layer_sizes=(3,), max_iter=2).fit(XR, YR.reshape(-1, 1))
    with pytest.raises(ValueError, match="poisson"):
        MLPRegressor(loss="poisson").fit(XR, YR - 10)


def test_batch_size_larger_than_n_is_clipped_with_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.warns(UserWarning, match="clipped"):
            MLPRegressor(hidden_layer_sizes=(3,), max_iter=2, batch_size=1000).fit(XR, YR)


def test_epoch_shuffle_is_sklearn_utils_shuffle():
    from sklearn.utils import shuffle

    from mlmath.neural_networks.mlp.base import _shuffle

    a, b = np.random.RandomState(5), np.random.RandomState(5)
    order_a = order_b = np.arange(50)[::-1].copy()
    for _ in range(3):
        order_a = _shuffle(order_a, a)
        order_b = shuffle(order_b, random_state=b)
        np.testing.assert_array_equal(order_a, order_b)


def test_no_hidden_layer_is_a_linear_model_and_deep_networks_match():
    for sizes in [(), (6, 5, 4)]:
        ours, twin = _pair("C", hidden_layer_sizes=sizes, max_iter=10, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            ours.fit(XC, YC)
            twin.fit(XC, YC)
        assert ours.n_layers_ == len(sizes) + 2
        for a, b in zip(ours.coefs_, twin.coefs_):
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-10)


def test_lbfgs_warns_as_scikit_learn_does():
    with pytest.warns(ConvergenceWarning, match="lbfgs failed to converge"):
        est = MLPRegressor(solver="lbfgs", hidden_layer_sizes=(5,), max_iter=3,
                           random_state=0).fit(XR, YR)
    assert est.n_iter_ == 3 and not hasattr(est, "loss_curve_")
