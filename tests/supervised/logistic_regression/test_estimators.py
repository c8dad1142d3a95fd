"""Oracle and bad-input tests of mlmath.supervised.logistic_regression.estimators.

Oracles: the estimator against scikit-learn's ``LogisticRegression`` on several datasets
(binary and multiclass, every solver, L2, none and L1), with the tolerances stated next to
each comparison, and held-out accuracy within 0.02 of the twin's. Bad input: NaN, infinity,
wrong shapes, a single class, continuous targets, invalid hyperparameters and unfitted use must
raise a clear error.
"""

import warnings

import numpy as np
import pytest
import sklearn.linear_model as sk
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import train_test_split
from timelimit import time_limit

from mlmath.datasets import load_dataset
from mlmath.supervised.logistic_regression.estimators import (
    LogisticRegression,
    convergence_message,
)
from mlmath.supervised.logistic_regression.solvers import SolverResult
from mlmath.validation import InvalidParameterError


def _data(name):
    if name == "synthetic-binary":
        X, y = make_classification(400, 8, n_informative=5, random_state=0)
        return X, y
    if name == "synthetic-4class":
        X, y = make_classification(500, 10, n_informative=6, n_classes=4, random_state=1)
        return X, y
    ds = load_dataset(name, standardize=True)
    return ds.X, ds.y


DATASETS = ["breast_cancer", "iris", "wine", "synthetic-binary", "synthetic-4class"]


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("solver", ["lbfgs", "newton-cholesky"])
@pytest.mark.parametrize("C", [0.05, 1.0])
def test_coefficients_match_scikit_learn_at_tight_tolerance(name, solver, C):
    X, y = _data(name)
    ref = sk.LogisticRegression(C=C, tol=1e-10, max_iter=10_000).fit(X, y)
    ours = LogisticRegression(C=C, tol=1e-10, solver=solver, max_iter=10_000).fit(X, y)
    # Both are within ~1e-8 of the unique minimiser; coefficients are of size up to ~10.
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=2e-5)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=2e-5)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-6)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


def test_default_lbfgs_takes_scikit_learns_path():
    # Same objective, same start, same L-BFGS-B settings: the same iterates up to rounding.
    X, y = _data("breast_cancer")
    ours, ref = LogisticRegression().fit(X, y), sk.LogisticRegression().fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-8)
    assert abs(int(ours.n_iter_[0]) - int(ref.n_iter_[0])) <= 1


@pytest.mark.parametrize("name", ["breast_cancer", "wine", "digits", "synthetic-4class"])
def test_held_out_accuracy_within_002_of_the_twin(name):
    if name == "digits":
        ds = load_dataset("digits", standardize=True)
        X, y = ds.X, ds.y
    else:
        X, y = _data(name)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    for solver in ["lbfgs", "newton-cholesky"]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            ours = LogisticRegression(solver=solver).fit(X_tr, y_tr)
            ref = sk.LogisticRegression().fit(X_tr, y_tr)
        assert abs(ours.score(X_te, y_te) - ref.score(X_te, y_te)) <= 0.02


@pytest.mark.parametrize("name", ["breast_cancer", "synthetic-binary"])
def test_unpenalised_fit_matches_scikit_learn(name):
    X, y = _data(name)
    if name == "breast_cancer":
        X = X[:, :5]                                     # not separable on these columns
    ref = sk.LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(X, y)
    for solver in ["lbfgs", "newton-cholesky"]:
        ours = LogisticRegression(C=np.inf, tol=1e-10, solver=solver,
                                  max_iter=10_000).fit(X, y)
        np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-4, atol=1e-5)


def test_unpenalised_multinomial_agrees_up_to_the_flat_directions():
    # full column rank (no redundant features), so the flat directions are the class shifts
    X, y = make_classification(500, 6, n_informative=6, n_redundant=0, n_classes=4,
                               random_state=1)
    ref = sk.LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(X, y)
    ours = LogisticRegression(C=np.inf, tol=1e-10, solver="newton-cholesky").fit(X, y)
    # our representative has centred weights and intercepts; sklearn's is equivalent
    np.testing.assert_allclose(ours.coef_, ref.coef_ - ref.coef_.mean(axis=0), atol=1e-4)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_ - ref.intercept_.mean(),
                               atol=1e-4)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-6)
    np.testing.assert_allclose(ours.coef_.sum(axis=0), 0.0, atol=1e-10)


@pytest.mark.parametrize("name", ["breast_cancer", "synthetic-binary", "wine"])
def test_l1_fista_matches_saga_and_is_sparse(name):
    X, y = _data(name)
    C = 0.1
    ref = sk.LogisticRegression(C=C, l1_ratio=1.0, solver="saga", tol=1e-12,
                                max_iter=100_000).fit(X, y)
    ours = LogisticRegression(C=C, l1_ratio=1.0, solver="fista", tol=1e-9,
                              max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-4)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-4)
    zeros = ours.coef_ == 0
    assert zeros.any()                                   # C = 0.1 zeroes some weights
    np.testing.assert_array_equal(zeros, np.abs(ref.coef_) < 1e-8)


def test_elastic_net_and_l2_fista_match_scikit_learn():
    X, y = _data("synthetic-binary")
    ref = sk.LogisticRegression(C=0.3, l1_ratio=0.5, solver="saga", tol=1e-12,
                                max_iter=100_000).fit(X, y)
    ours = LogisticRegression(C=0.3, l1_ratio=0.5, solver="fista", tol=1e-9,
                              max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-4)
    ref = sk.LogisticRegression(C=0.3, tol=1e-10).fit(X, y)
    ours = LogisticRegression(C=0.3, solver="fista", tol=1e-9, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-5)


@pytest.mark.parametrize("solver", ["lbfgs", "newton-cholesky", "fista"])
def test_sample_weights_equal_repetition_and_match_scikit_learn(solver):
    X, y = _data("iris")
    rng = np.random.default_rng(0)
    reps = rng.integers(0, 4, size=len(y))
    kw = dict(tol=1e-10, max_iter=100_000, solver=solver)
    a = LogisticRegression(**kw).fit(X, y, sample_weight=reps)
    b = LogisticRegression(**kw).fit(np.repeat(X, reps, axis=0), np.repeat(y, reps))
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-6)
    ref = sk.LogisticRegression(tol=1e-10, max_iter=10_000).fit(X, y, sample_weight=reps)
    np.testing.assert_allclose(a.coef_, ref.coef_, atol=1e-5)


def test_shapes_and_attributes():
    X, y = _data("synthetic-binary")
    m = LogisticRegression().fit(X, y)
    assert m.coef_.shape == (1, 8) and m.intercept_.shape == (1,)
    assert m.decision_function(X).shape == (400,)
    assert m.predict_proba(X).shape == (400, 2) and m.n_iter_.shape == (1,)
    assert m.n_iter_.dtype == np.int32
    np.testing.assert_allclose(m.predict_proba(X).sum(axis=1), 1.0)
    np.testing.assert_allclose(np.log(m.predict_proba(X)), m.predict_log_proba(X), atol=1e-12)
    np.testing.assert_array_equal(m.predict(X), (m.decision_function(X) > 0).astype(int))
    X, y = _data("synthetic-4class")
    m = LogisticRegression().fit(X, y)
    assert m.coef_.shape == (4, 10) and m.intercept_.shape == (4,)
    assert m.decision_function(X).shape == (500, 4)
    np.testing.assert_allclose(m.intercept_.sum(), 0.0, atol=1e-10)
    np.testing.assert_array_equal(m.predict(X), m.decision_function(X).argmax(axis=1))
    m = LogisticRegression(fit_intercept=False).fit(X, y)
    np.testing.assert_array_equal(m.intercept_, np.zeros(4))


def test_string_labels_and_their_order():
    X, y = _data("synthetic-binary")
    labels = np.array(["spam", "ham"])[y]
    m = LogisticRegression().fit(X, labels)
    np.testing.assert_array_equal(m.classes_, ["ham", "spam"])
    ref = LogisticRegression().fit(X, (labels == "spam").astype(int))
    np.testing.assert_allclose(m.coef_, ref.coef_)
    assert set(m.predict(X)) <= {"ham", "spam"}


@pytest.mark.parametrize("solver", ["lbfgs", "newton-cholesky"])
def test_separable_data_without_penalty_weights_grow_as_the_tolerance_shrinks(solver):
    # No minimiser exists: the gradient vanishes only at infinity, so every tighter
    # tolerance buys a larger weight (about log(1/tol)), while C < inf gives a finite one.
    X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    y = np.array([0, 0, 1, 1])
    w = [LogisticRegression(C=np.inf, tol=tol, solver=solver, max_iter=1000).fit(X, y)
         .coef_[0, 0] for tol in (1e-2, 1e-4, 1e-8)]
    assert w[0] < w[1] < w[2] and w[2] > 15
    w_pen = [LogisticRegression(C=1.0, tol=tol, solver=solver).fit(X, y).coef_[0, 0]
             for tol in (1e-4, 1e-10)]
    assert 0 < w_pen[0] < 5 and abs(w_pen[0] - w_pen[1]) < 1e-3


def test_deprecated_penalty_spelling_maps_like_scikit_learn():
    X, y = _data("synthetic-binary")
    with pytest.warns(FutureWarning):
        a = LogisticRegression(penalty=None, tol=1e-10).fit(X, y)
    b = LogisticRegression(C=np.inf, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(a.coef_, b.coef_)
    with pytest.warns(FutureWarning):
        a = LogisticRegression(penalty="l1", solver="fista", C=0.1, max_iter=10_000).fit(X, y)
    b = LogisticRegression(l1_ratio=1.0, solver="fista", C=0.1, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(a.coef_, b.coef_)


@pytest.mark.parametrize("params, err, match", [
    (dict(C=0.0), ValueError, "'C' parameter"),
    (dict(C=-1.0), ValueError, "'C' parameter"),
    (dict(C="big"), ValueError, "'C' parameter"),
    (dict(l1_ratio=1.5), ValueError, "l1_ratio"),
    (dict(l1_ratio=1.0), ValueError, "solver='fista'"),
    (dict(solver="sag"), ValueError, "'solver' parameter"),
    (dict(penalty="l3"), ValueError, "'penalty' parameter"),
    (dict(tol=-1.0), ValueError, "tol"),
    (dict(max_iter=-1), ValueError, "max_iter"),
    (dict(max_iter=True), TypeError, "max_iter"),
    (dict(fit_intercept="yes"), TypeError, "fit_intercept"),
])
def test_invalid_parameters_are_refused_by_name(params, err, match):
    X, y = _data("synthetic-binary")
    with pytest.raises(err, match=match):
        LogisticRegression(**params).fit(X, y)


def test_bad_input_raises_clear_errors():
    X, y = _data("synthetic-binary")
    Xn = X.copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        LogisticRegression().fit(Xn, y)
    Xn[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        LogisticRegression().fit(Xn, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        LogisticRegression().fit(X, y[:-1])
    with pytest.raises(ValueError, match="at least 2 classes"):
        LogisticRegression().fit(X, np.zeros(len(y)))
    with pytest.raises(ValueError, match="Unknown label type"):
        LogisticRegression().fit(X, np.linspace(0, 1, len(y)))
    with pytest.raises(ValueError, match="sample_weight"):
        LogisticRegression().fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(NotFittedError):
        LogisticRegression().predict(X)
    m = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        m.predict(X[:, :3])
    with pytest.raises(ValueError, match="2D array"):
        m.predict_proba(X[0])


def test_max_iter_reached_warns_and_zero_iterations_keep_zero_weights():
    X, y = _data("breast_cancer")
    for solver in ["lbfgs", "newton-cholesky", "fista"]:
        with pytest.warns(ConvergenceWarning, match="did not converge in max_iter=1 .*increase"):
            m = LogisticRegression(solver=solver, max_iter=1, tol=1e-12).fit(X, y)
        assert m.n_iter_[0] == 1
    with pytest.warns(ConvergenceWarning):
        m = LogisticRegression(max_iter=0, solver="newton-cholesky").fit(X, y)
    np.testing.assert_array_equal(m.coef_, 0.0)
    # SciPy's L-BFGS-B takes its first line-search step even at max_iter=0, as in scikit-learn
    with pytest.warns(ConvergenceWarning):
        m = LogisticRegression(max_iter=0).fit(X, y)
        ref = sk.LogisticRegression(max_iter=0).fit(X, y)
    np.testing.assert_allclose(m.coef_, ref.coef_, atol=1e-12)
    assert m.n_iter_[0] == ref.n_iter_[0] == 0


@pytest.mark.parametrize("scale,match", [(1e160, "overflow"), (1e-160, "too small")])
@pytest.mark.parametrize("solver", ["lbfgs", "newton-cholesky", "fista"])
def test_data_that_cannot_be_squared_is_refused_by_name(solver, scale, match):
    # The solvers' curvature X^T W X squares X: on X * 1e160 the old fit failed inside SciPy
    # with an unrelated message (or stopped at coef_ = 0), on X * 1e-160 it returned coef_ = 0.
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    with time_limit(10), pytest.raises(ValueError, match=rf"(?s){match}.*StandardScaler"):
        LogisticRegression(solver=solver).fit(X * scale, y)



@pytest.mark.parametrize("name", ["synthetic-binary", "synthetic-4class"])
@pytest.mark.parametrize("class_weight", [None, "balanced", "dict"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("solver", ["lbfgs", "newton-cholesky"])
def test_class_weight_matches_scikit_learn(name, class_weight, weighted, solver):
    X, y = _data(name)
    keep = (y != 0) | (np.arange(len(y)) % 4 == 0)        # class 0 four times rarer
    X, y = X[keep], y[keep]
    if class_weight == "dict":
        class_weight = {0: 3.0, 1: 0.5}                       # other classes weigh one
    sw = np.random.default_rng(0).uniform(0.2, 2.0, len(y)) if weighted else None
    ref = sk.LogisticRegression(C=0.3, class_weight=class_weight, tol=1e-10,
                                max_iter=10_000).fit(X, y, sample_weight=sw)
    ours = LogisticRegression(C=0.3, class_weight=class_weight, tol=1e-10, solver=solver,
                              max_iter=10_000).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=2e-5)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=2e-5)


def test_class_weight_is_a_sample_weight_per_class_and_string_labels_work():
    X, y = _data("synthetic-4class")
    labels = np.array(["a", "b", "c", "d"])[y]
    cw = {"a": 2.0, "c": 0.25}
    m1 = LogisticRegression(class_weight=cw, tol=1e-10, max_iter=1000).fit(X, labels)
    sw = np.vectorize(lambda c: cw.get(c, 1.0))(labels)
    m2 = LogisticRegression(tol=1e-10, max_iter=1000).fit(X, labels, sample_weight=sw)
    np.testing.assert_allclose(m1.coef_, m2.coef_, atol=1e-12)


@pytest.mark.parametrize("class_weight, match", [
    ({5: 1.0}, "keys"),
    ({0: -1.0}, r"class_weight\[0\]"),
    ("balance", "class_weight"),
    ({0: 0.0, 1: 0.0}, "zero for every sample"),
])
def test_bad_class_weight_is_refused_by_name(class_weight, match):
    X, y = _data("synthetic-binary")
    with pytest.raises(ValueError, match=match):
        LogisticRegression(class_weight=class_weight).fit(X, y)


def test_bad_parameters_are_reported_before_bad_data():
    X, y = _data("synthetic-binary")
    X = X.copy()
    X[0, 0] = np.nan
    with pytest.raises(InvalidParameterError, match="'C' parameter of LogisticRegression"):
        LogisticRegression(C=0.0).fit(X, y)
    with pytest.raises(InvalidParameterError, match="l1_ratio"):
        LogisticRegression(l1_ratio=0.5).fit(X, y)     # needs solver='fista'


def test_convergence_message_tells_max_iter_from_a_failed_line_search():
    theta = np.zeros(2)
    assert convergence_message("lbfgs", SolverResult(theta, 3, True, []), 10) is None
    assert convergence_message("lbfgs", SolverResult(theta, 10, True, []), 10) is None
    at_limit = convergence_message("lbfgs", SolverResult(theta, 10, False, []), 10)
    assert "did not converge in max_iter=10" in at_limit and "increase max_iter" in at_limit
    early = convergence_message("newton-cholesky", SolverResult(theta, 4, False, []), 10)
    assert "stopped after 4 of max_iter=10" in early and "line search" in early
    assert "increasing max_iter cannot help" in early
    assert "did not converge in max_iter=0" in convergence_message(
        "newton-cholesky", SolverResult(theta, 0, False, []), 0)


def test_newton_line_search_failure_warns_that_max_iter_cannot_help(monkeypatch):
    # An objective whose value never decreases along Newton's direction (the gradient and
    # Hessian are the true ones, the value is frozen): no step passes the Armijo test, Newton
    # stops at once, and the warning must not suggest raising max_iter.
    X, y = _data("breast_cancer")
    objective = LogisticRegression._objective

    def frozen_value(self, *args, **kwargs):
        fun, hess, null = objective(self, *args, **kwargs)
        return (lambda theta: (1.0, fun(theta)[1])), hess, null

    monkeypatch.setattr(LogisticRegression, "_objective", frozen_value)
    with pytest.warns(ConvergenceWarning, match="stopped after 0 of max_iter=100") as record:
        m = LogisticRegression(solver="newton-cholesky").fit(X, y)
    assert "increasing max_iter cannot help" in str(record[0].message)
    assert m.n_iter_[0] == 0


def test_far_offset_features_warning_matches_how_newton_stopped():
    # Features 1e7 away from the origin with a weak penalty: Newton's steps on the intercept
    # change J by less than its rounding, and the line search can fail before max_iter
    # (whether it does depends on the rounding of the platform's BLAS). Whichever way Newton
    # stopped, the warning must name that reason.
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 3))
    y = (X[:, 0] + 0.5 * rng.standard_normal(200) > 0).astype(int)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always", ConvergenceWarning)
        m = LogisticRegression(C=1e6, solver="newton-cholesky", tol=1e-8).fit(X + 1e7, y)
    messages = [str(w.message) for w in record if w.category is ConvergenceWarning]
    assert len(messages) == 1
    if m.n_iter_[0] < 100:
        assert "line search" in messages[0] and "cannot help" in messages[0]
    else:
        assert "increase max_iter" in messages[0]
