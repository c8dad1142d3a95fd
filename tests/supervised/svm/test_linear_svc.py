"""Tests of mlmath.supervised.svm.linear_svc: the objectives' gradients against finite differences,
strong duality between the primal and the duals, the Newton and dual coordinate descent solvers'
optimality, LinearSVC against liblinear (coefficients with both sides converged tightly, with
sample and class weights, accuracy at the defaults), parameter validation."""

import numpy as np
import pytest
from scipy.optimize import approx_fprime
from sklearn import svm as sk
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine, make_blobs
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from timelimit import time_limit

from mlmath.supervised.svm.linear_svc import (
    LinearSVC,
    dual_coordinate_descent,
    hinge_dual,
    squared_hinge_dual,
    squared_hinge_newton,
    squared_hinge_primal,
)
from mlmath.validation import InvalidParameterError


def _scaled(loader):
    X, y = loader(return_X_y=True)
    return StandardScaler().fit_transform(X), y


DATASETS = {
    "iris": lambda: _scaled(load_iris),
    "wine": lambda: _scaled(load_wine),
    "breast_cancer": lambda: _scaled(load_breast_cancer),
    "blobs": lambda: make_blobs(300, centers=3, cluster_std=3.0, random_state=0),
}

rng = np.random.default_rng(0)
X_small = rng.standard_normal((40, 5))
y_small = np.where(X_small[:, 0] + 0.5 * rng.standard_normal(40) > 0, 1.0, -1.0)


def test_squared_hinge_gradient_matches_finite_differences():
    for w in [np.zeros(5), rng.standard_normal(5), 3 * rng.standard_normal(5)]:
        num = approx_fprime(w, lambda v: squared_hinge_primal(v, X_small, y_small, 0.7)[0],
                            1e-7)
        np.testing.assert_allclose(squared_hinge_primal(w, X_small, y_small, 0.7)[1], num,
                                   rtol=1e-5, atol=1e-5)


def test_dual_gradients_match_finite_differences():
    a = rng.uniform(0, 1, 40)
    num = approx_fprime(a, lambda v: hinge_dual(v, X_small, y_small)[0], 1e-7)
    np.testing.assert_allclose(hinge_dual(a, X_small, y_small)[1], num, rtol=1e-5, atol=1e-5)
    num = approx_fprime(a, lambda v: squared_hinge_dual(v, X_small, y_small, 0.7)[0], 1e-7)
    np.testing.assert_allclose(squared_hinge_dual(a, X_small, y_small, 0.7)[1], num,
                               rtol=1e-5, atol=1e-5)


def test_newton_reaches_a_stationary_point_and_strong_duality():
    C = 0.7
    w, n_iter = squared_hinge_newton(X_small, y_small, C, tol=1e-12)
    value, grad = squared_hinge_primal(w, X_small, y_small, C)
    assert np.linalg.norm(grad) < 1e-9 and n_iter < 30
    # the dual optimum from the KKT relation a_i = 2 C max(0, 1 - y_i w^T x_i)
    a = 2 * C * np.maximum(0.0, 1.0 - y_small * (X_small @ w))
    np.testing.assert_allclose(X_small.T @ (a * y_small), w, atol=1e-9)
    np.testing.assert_allclose(-squared_hinge_dual(a, X_small, y_small, C)[0], value,
                               rtol=1e-10)


PRIMAL = [dict(), dict(C=0.05), dict(intercept_scaling=10.0), dict(fit_intercept=False)]
DUAL = [dict(dual=True), dict(loss="hinge"), dict(loss="hinge", C=0.05),
        dict(loss="hinge", fit_intercept=False)]
CASES = [(data, p) for data in DATASETS for p in PRIMAL + DUAL]


@pytest.mark.parametrize("data,params", CASES,
                         ids=[f"{d}-" + ("-".join(f"{k}={v}" for k, v in p.items()) or "default")
                              for d, p in CASES])
def test_linear_svc_matches_liblinear(data, params):
    X, y = DATASETS[data]()
    ours = LinearSVC(tol=1e-10, max_iter=100_000, random_state=0, **params).fit(X, y)
    ref = sk.LinearSVC(tol=1e-10, max_iter=100_000, **params).fit(X, y)
    assert ours.coef_.shape == ref.coef_.shape
    # both solve the same strongly convex problem to 1e-10: coefficients agree to 1e-4
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-4)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-4)
    np.testing.assert_allclose(ours.decision_function(X), ref.decision_function(X), atol=1e-3)


@pytest.mark.parametrize("data", ["iris", "wine", "breast_cancer", "digits"])
def test_held_out_accuracy_within_002_of_sklearn(data):
    X, y = _scaled(load_digits) if data == "digits" else DATASETS[data]()
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    hinge = dict(loss="hinge", max_iter=20_000)  # liblinear needs more than 1000 on iris
    grid = [dict()] if data in ("digits", "breast_cancer") else [dict(), hinge]
    for params in grid:
        ours = LinearSVC(**params).fit(X_tr, y_tr).score(X_te, y_te)
        ref = sk.LinearSVC(**params).fit(X_tr, y_tr).score(X_te, y_te)
        assert abs(ours - ref) <= 0.02, (params, ours, ref)


def test_intercept_is_penalised_through_the_constant_feature():
    # with a huge penalty on the intercept weight (small intercept_scaling) the intercept
    # shrinks towards zero; a large scaling lets it approach the unpenalised value
    X, y = make_blobs(200, centers=[[4, 4], [6, 6]], random_state=0)
    b_small = LinearSVC(intercept_scaling=0.01).fit(X, y).intercept_[0]
    b_large = LinearSVC(intercept_scaling=100.0, tol=1e-8).fit(X, y).intercept_[0]
    assert abs(b_small) < 1e-2 < abs(b_large)
    # and the augmented problem is what we solve: the intercept is s * w_{d+1}
    Xa = np.hstack([X, np.full((200, 1), 3.0)])
    w, _ = squared_hinge_newton(Xa, np.where(y == 1, 1.0, -1.0), 1.0, tol=1e-12)
    model = LinearSVC(intercept_scaling=3.0, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(model.coef_[0], w[:-1], atol=1e-8)
    np.testing.assert_allclose(model.intercept_[0], 3.0 * w[-1], atol=1e-8)


def test_attributes_and_string_labels():
    X, y = DATASETS["iris"]()
    labels = np.array(["setosa", "versicolor", "virginica"])[y]
    model = LinearSVC().fit(X, labels)
    assert model.coef_.shape == (3, 4) and model.intercept_.shape == (3,)
    assert isinstance(model.n_iter_, int) and model.n_features_in_ == 4
    dec = model.decision_function(X)
    np.testing.assert_array_equal(model.predict(X), model.classes_[np.argmax(dec, axis=1)])
    binary = LinearSVC().fit(X[y < 2], labels[y < 2])
    assert binary.coef_.shape == (1, 4) and binary.decision_function(X).shape == (150,)
    assert LinearSVC(fit_intercept=False).fit(X, y).intercept_ == 0.0


def test_max_iter_warns():
    X, y = DATASETS["breast_cancer"]()
    with pytest.warns(ConvergenceWarning, match="converge"):
        LinearSVC(loss="hinge", max_iter=2).fit(X, y)


@pytest.mark.parametrize("params,match", [
    (dict(C=0.0), "'C' parameter of LinearSVC must be a float > 0; got 0.0"),
    (dict(penalty="l1"), "'penalty'"), (dict(loss="log"), "'loss'"),
    (dict(multi_class="crammer_singer"), "'multi_class'"), (dict(tol=-1.0), "'tol'"),
    (dict(dual="yes"), "'dual' parameter of LinearSVC must be 'auto' or a bool; got 'yes'"),
    (dict(loss="hinge", dual=False), "'dual' parameter of LinearSVC must be True or 'auto'"),
    (dict(intercept_scaling=0.0), "'intercept_scaling'"), (dict(max_iter=0), "'max_iter'"),
    (dict(fit_intercept=1), "'fit_intercept' parameter of LinearSVC must be a bool"),
    (dict(class_weight="auto"), "'class_weight'"), (dict(random_state="x"), "'random_state'"),
])
def test_invalid_parameters_are_refused_by_name_before_the_data(params, match):
    X, y = DATASETS["iris"]()
    for data in [X, np.full_like(X, np.nan)]:  # the parameter is reported even on bad data
        with pytest.raises(InvalidParameterError, match=match):
            LinearSVC(**params).fit(data, y)


def test_unknown_class_weight_labels_are_refused():
    X, y = DATASETS["iris"]()
    with pytest.raises(InvalidParameterError, match="class_weight"):
        LinearSVC(class_weight={7: 2.0}).fit(X, y)


def test_bad_input():
    X, y = DATASETS["iris"]()
    with pytest.raises(NotFittedError):
        LinearSVC().predict(X)
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        LinearSVC().fit(X_nan, y)
    with pytest.raises(ValueError, match="1 class"):
        LinearSVC().fit(X, np.zeros(len(X)))
    with pytest.raises(ValueError, match="Unknown label type"):
        LinearSVC().fit(X, np.linspace(0, 1, len(X)))
    model = LinearSVC().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :2])


@pytest.mark.parametrize("scale,match", [(1e160, "overflow"), (1e-160, "too small")])
@pytest.mark.parametrize("params", [{}, {"dual": True}, {"loss": "hinge"}], ids=repr)
def test_data_that_cannot_be_squared_is_refused_not_zeroed(params, scale, match):
    # Both solvers square X (the Hessian X_A^T X_A, the dual's Gram products): on X * 1e160 the
    # old fit returned coef_ = 0 and a single predicted class, without a warning.
    X, y = DATASETS["iris"]()
    with time_limit(10), pytest.raises(ValueError, match=rf"(?s){match}.*StandardScaler"):
        LinearSVC(**params).fit(X * scale, y)


def test_ordinary_scales_are_accepted_and_unchanged():
    X, y = DATASETS["iris"]()
    ours = LinearSVC(fit_intercept=False).fit(X, y)
    # the same problem rescaled: w -> w / 1e100 and C -> C / 1e200 multiply the objective
    scaled = LinearSVC(fit_intercept=False, C=1e-200).fit(X * 1e100, y)
    np.testing.assert_allclose(scaled.coef_ * 1e100, ours.coef_, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("loss", ["hinge", "squared_hinge"])
def test_dual_coordinate_descent_satisfies_kkt_and_strong_duality(loss):
    # At the solution every projected gradient vanishes (to tol) and the primal objective
    # equals the dual one: the derivation of the clipped one-variable update, checked.
    C = np.where(y_small > 0, 0.7, 1.3) * rng.uniform(0.5, 2.0, 40)  # one C_i per sample
    hinge = loss == "hinge"
    upper = C if hinge else np.full(40, np.inf)
    diag = np.zeros(40) if hinge else 0.5 / C
    a, w, n_epochs = dual_coordinate_descent(X_small, y_small, upper, diag, 1e-12, 100_000,
                                              np.random.default_rng(0))
    assert n_epochs < 100_000 and np.all((a >= 0) & (a <= upper))
    np.testing.assert_allclose(X_small.T @ (a * y_small), w, atol=1e-10)
    G = y_small * (X_small @ w) - 1.0 + diag * a
    pg = np.where(a == 0, np.minimum(G, 0), np.where(a == upper, np.maximum(G, 0), G))
    assert np.abs(pg).max() <= 1e-10
    r = np.maximum(1.0 - y_small * (X_small @ w), 0.0)
    if hinge:
        primal, dual = 0.5 * w @ w + C @ r, -hinge_dual(a, X_small, y_small)[0]
    else:
        primal, dual = squared_hinge_primal(w, X_small, y_small, C)[0], \
            -squared_hinge_dual(a, X_small, y_small, C)[0]
        w_newton, _ = squared_hinge_newton(X_small, y_small, C, tol=1e-12)
        np.testing.assert_allclose(w, w_newton, atol=1e-8)
    np.testing.assert_allclose(primal, dual, rtol=1e-9)


def test_dual_coordinate_descent_is_reproducible_with_random_state():
    X, y = DATASETS["wine"]()
    first = LinearSVC(loss="hinge", random_state=3).fit(X, y).coef_
    np.testing.assert_array_equal(LinearSVC(loss="hinge", random_state=3).fit(X, y).coef_, first)


WEIGHTED = [dict(), dict(loss="hinge"), dict(dual=True)]


@pytest.mark.parametrize("data", ["iris", "breast_cancer"])
@pytest.mark.parametrize("params", WEIGHTED, ids=repr)
@pytest.mark.parametrize("weights", ["sample", "balanced", "dict", "both"])
def test_sample_and_class_weights_match_liblinear(data, params, weights):
    # liblinear's semantics: C_i = C * sample_weight_i * class weight (binary: each class its
    # weight; one-vs-rest: the positive class only); weight-zero samples are dropped
    X, y = DATASETS[data]()
    sw = np.random.default_rng(0).uniform(0.0, 3.0, len(y))
    sw[:10] = 0.0
    cw = {"sample": None, "balanced": "balanced", "dict": {0: 3.0, 1: 0.5},
          "both": "balanced"}[weights]
    fit_kw = dict(sample_weight=sw) if weights in ("sample", "both") else {}
    common = dict(tol=1e-10, max_iter=100_000, class_weight=cw, **params)
    ours = LinearSVC(random_state=0, **common).fit(X, y, **fit_kw)
    ref = sk.LinearSVC(**common).fit(X, y, **fit_kw)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-6)


def test_integer_sample_weights_repeat_samples_and_zero_drops_them():
    X, y = DATASETS["wine"]()
    sw = np.random.default_rng(1).integers(0, 3, len(y))
    weighted = LinearSVC(tol=1e-10).fit(X, y, sample_weight=sw)
    repeated = LinearSVC(tol=1e-10).fit(np.repeat(X, sw, axis=0), np.repeat(y, sw))
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(weighted.intercept_, repeated.intercept_, rtol=1e-10,
                               atol=1e-12)
