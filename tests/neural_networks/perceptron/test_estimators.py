"""Perceptron against scikit-learn's: the same coef_, intercept_, n_iter_ and t_."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Perceptron as SkPerceptron

from mlmath.neural_networks.perceptron import Perceptron
from mlmath.validation import InvalidParameterError

SETTINGS = [
    {"shuffle": False},
    {},
    {"random_state": 5},
    {"penalty": "l2", "alpha": 0.01},
    {"penalty": "l1", "alpha": 0.1},
    {"penalty": "elasticnet", "alpha": 0.01, "l1_ratio": 0.4},
    {"class_weight": "balanced"},
    {"tol": None, "max_iter": 7},
    {"fit_intercept": False, "eta0": 0.1, "shuffle": False},
    {"n_iter_no_change": 2, "tol": 0.0},
]


@pytest.mark.parametrize("n_classes", [2, 3, 4])
@pytest.mark.parametrize("params", SETTINGS, ids=str)
def test_same_fit_as_scikit_learn(n_classes, params):
    X, y = make_classification(300, 6, n_informative=4, n_classes=n_classes, random_state=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = Perceptron(**params).fit(X, y)
        twin = SkPerceptron(**params).fit(X, y)
    np.testing.assert_allclose(ours.coef_, twin.coef_, rtol=0, atol=1e-10)
    np.testing.assert_allclose(ours.intercept_, twin.intercept_, rtol=0, atol=1e-10)
    assert ours.n_iter_ == twin.n_iter_
    assert ours.t_ == twin.t_
    np.testing.assert_array_equal(ours.predict(X), twin.predict(X))
    np.testing.assert_allclose(ours.decision_function(X), twin.decision_function(X), atol=1e-9)


def _dataset(name):
    if name == "digits":
        return load_digits(return_X_y=True)
    n_classes, seed = {"three classes": (3, 2), "two classes": (2, 1)}[name]
    return make_classification(300, 6, n_informative=4, n_classes=n_classes, random_state=seed)


def _assert_same_fit(ours, twin):
    np.testing.assert_allclose(ours.coef_, twin.coef_, rtol=0, atol=1e-10)
    np.testing.assert_allclose(ours.intercept_, twin.intercept_, rtol=0, atol=1e-10)
    assert ours.n_iter_ == twin.n_iter_


# Each case stops at another epoch, or with other weights, when the objective reads the exact
# norms of the weights instead of scikit-learn's cached ones (stale after the L1 truncation).
PENALISED = [
    ("three classes", {"penalty": "l1", "alpha": 0.1}),
    ("three classes", {"penalty": "l1", "alpha": 0.1, "fit_intercept": False}),
    ("three classes", {"penalty": "elasticnet", "alpha": 0.01}),
    ("three classes", {"penalty": "elasticnet", "alpha": 0.1}),
    ("two classes", {"penalty": "l1", "alpha": 0.01, "fit_intercept": False}),
    ("two classes", {"penalty": "elasticnet", "alpha": 0.01, "fit_intercept": False}),
    ("digits", {"penalty": "l1", "alpha": 0.01}),
    ("digits", {"penalty": "l1", "alpha": 0.1}),
    ("digits", {"penalty": "elasticnet", "alpha": 0.01}),
    ("digits", {"penalty": "elasticnet", "alpha": 0.1, "fit_intercept": False}),
]


@pytest.mark.parametrize(("data", "params"), PENALISED, ids=str)
def test_l1_and_elasticnet_stop_at_scikit_learns_epoch(data, params):
    X, y = _dataset(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        _assert_same_fit(Perceptron(**params).fit(X, y), SkPerceptron(**params).fit(X, y))


@pytest.mark.parametrize(("data", "params"), [
    ("three classes", {"penalty": "elasticnet", "alpha": 0.1}),
    ("digits", {"penalty": "l1", "alpha": 0.01}),
    ("digits", {"penalty": "elasticnet", "alpha": 0.1}),
], ids=str)
def test_sample_weights_follow_their_samples_through_the_shuffle(data, params):
    # shuffle=True (the default): each visit must use the weight of the sample it visits
    X, y = _dataset(data)
    sw = np.random.default_rng(0).uniform(0.2, 2.0, size=len(y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = Perceptron(**params).fit(X, y, sample_weight=sw)
        twin = SkPerceptron(**params).fit(X, y, sample_weight=sw)
    _assert_same_fit(ours, twin)


def test_sample_and_class_weights_match_scikit_learn():
    X, y = make_classification(200, 5, n_classes=3, n_informative=3, random_state=2)
    sw = np.random.default_rng(0).uniform(0.2, 2.0, size=200)
    params = {"class_weight": {0: 2.0, 1: 0.5}, "shuffle": False}
    ours = Perceptron(**params).fit(X, y, sample_weight=sw)
    twin = SkPerceptron(**params).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(ours.coef_, twin.coef_, rtol=0, atol=1e-10)
    np.testing.assert_allclose(ours.intercept_, twin.intercept_, rtol=0, atol=1e-10)


def test_string_labels_and_separable_data_are_fitted_exactly():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2))
    y = np.where(X[:, 0] + 0.5 * X[:, 1] > 0, "pos", "neg")
    model = Perceptron(max_iter=100, tol=None).fit(X, y)
    assert model.score(X, y) == 1.0


def test_early_stopping_is_refused_clearly():
    X, y = make_classification(50, 3, n_informative=2, n_redundant=0, random_state=0)
    with pytest.raises(InvalidParameterError, match="'early_stopping' parameter of Perceptron"):
        Perceptron(early_stopping=True).fit(X, y)


@pytest.mark.parametrize(("name", "value"), [("eta0", 0.0), ("penalty", "l3"),
                                             ("max_iter", 0), ("l1_ratio", 1.5)])
def test_bad_parameters_name_themselves(name, value):
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter of Perceptron"):
        Perceptron(**{name: value}).fit([[0.0], [1.0]], [0, 1])


def test_not_converging_warns():
    X, y = make_classification(200, 5, flip_y=0.3, random_state=0)
    with pytest.warns(ConvergenceWarning, match="max_iter=2"):
        Perceptron(max_iter=2).fit(X, y)


def _data():
    X, y = make_classification(60, 3, n_informative=2, n_redundant=0, random_state=3)
    return X, y


def test_nan_and_inf_are_refused():
    X, y = _data()
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        Perceptron().fit(X, y)
    X[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        Perceptron().fit(X, y)


def test_one_class_and_wrong_feature_count_are_refused():
    X, y = _data()
    with pytest.raises(ValueError, match="at least 2 classes"):
        Perceptron().fit(X, np.zeros(len(y)))
    model = Perceptron().fit(X, y)
    with pytest.raises(ValueError, match="expecting 3 features"):
        model.predict(X[:, :2])


@pytest.mark.parametrize("scale", [1e200, 1e-200])
def test_over_and_underflowing_squares_are_refused(scale):
    # scikit-learn returns weights here; the scores x.w would be inf or 0, so we refuse
    X, y = _data()
    with pytest.raises(ValueError, match="overflow float64|underflow"):
        Perceptron().fit(X * scale, y)


@pytest.mark.parametrize("case", ["all points equal", "one feature", "duplicates"])
def test_degenerate_data_give_the_twins_fit(case):
    X, y = _data()
    if case == "all points equal":
        X = np.ones_like(X)
    elif case == "one feature":
        X = X[:, :1]
    else:
        X, y = np.vstack([X, X]), np.r_[y, y]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours, twin = Perceptron().fit(X, y), SkPerceptron().fit(X, y)
    np.testing.assert_allclose(ours.coef_, twin.coef_, rtol=0, atol=1e-10)
    assert ours.n_iter_ == twin.n_iter_


def test_float32_input_is_fitted_in_float64():
    # scikit-learn computes in float32 for float32 input; the package in float64, so the two
    # agree to float32 rounding, and the package's fit equals its float64 fit exactly
    X, y = _data()
    X32 = X.astype(np.float32)
    ours = Perceptron().fit(X32, y)
    np.testing.assert_array_equal(ours.coef_, Perceptron().fit(X32.astype(np.float64), y).coef_)
    np.testing.assert_allclose(ours.coef_, SkPerceptron().fit(X32, y).coef_, rtol=1e-5, atol=1e-5)
    assert ours.coef_.dtype == np.float64
