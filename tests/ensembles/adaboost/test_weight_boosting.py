"""AdaBoost (SAMME): the stage weight against a line search of the exponential loss, the
training-error bound on data, and the sequence of weights against scikit-learn's."""

import numpy as np
import pytest
from scipy.optimize import minimize_scalar
from sklearn.datasets import make_classification
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import AdaBoostClassifier as SkAdaBoost
from sklearn.neighbors import KNeighborsClassifier
from sklearn.tree import DecisionTreeClassifier as SkTree

from mlmath.ensembles.adaboost import AdaBoostClassifier, samme_step, samme_training_error_bound
from mlmath.validation import InvalidParameterError


def _codes(labels, K):
    """SAMME class codes: 1 for the class, -1/(K-1) for the others, shape (n, K)."""
    C = np.full((len(labels), K), -1.0 / (K - 1))
    C[np.arange(len(labels)), labels] = 1.0
    return C


def _line_search(w, y, g, K):
    """argmin over beta of sum_i w_i exp(-(1/K) beta y_i . g_i), by a bounded scalar search."""
    margin = np.sum(_codes(y, K) * _codes(g, K), axis=1) / K
    res = minimize_scalar(lambda b: np.log(np.sum(w * np.exp(-b * margin))),
                          bounds=(0.0, 200.0), method="bounded",
                          options={"xatol": 1e-11})
    return res.x, margin


@pytest.mark.parametrize("K", [2, 3, 5])
def test_stage_weight_is_the_line_search_minimiser_of_the_exponential_loss(K):
    rng = np.random.default_rng(K)
    n = 400
    y = rng.integers(K, size=n)
    g = np.where(rng.random(n) < 0.7, y, rng.integers(K, size=n))  # a better-than-chance h
    w = rng.random(n)
    error, alpha, new_w = samme_step(g != y, w, K)
    assert error == pytest.approx(np.sum(w * (g != y)) / np.sum(w), rel=1e-14)
    beta, margin = _line_search(w, y, g, K)
    # the minimiser along h, rescaled from the code loss to SAMME's weight: alpha = K beta/(K-1)^2
    assert alpha == pytest.approx(K * beta / (K - 1) ** 2, rel=1e-6)
    # and the reweighting is the exponential loss's: w_i exp(-beta margin_i), up to a constant
    reweighted = w * np.exp(-beta * margin)
    np.testing.assert_allclose(new_w / new_w.sum(), reweighted / reweighted.sum(), rtol=1e-6)


def test_learning_rate_scales_the_weight():
    rng = np.random.default_rng(0)
    wrong = rng.random(50) < 0.3
    _, a1, _ = samme_step(wrong, np.ones(50), 4)
    _, a_half, w_half = samme_step(wrong, np.ones(50), 4, learning_rate=0.5)
    assert a_half == pytest.approx(0.5 * a1, rel=1e-15)
    np.testing.assert_allclose(w_half, np.where(wrong, np.exp(0.5 * a1), 1.0), rtol=1e-14)


@pytest.mark.parametrize("K", [2, 3])
def test_fitted_weights_minimise_the_exponential_loss_of_the_ensemble_so_far(K):
    # at stage t the sample weights are exp(-(1/K) y . F_{t-1}) with F the code-space ensemble;
    # each alpha_t must be the line-search minimiser along the stage's predictions
    X, y = make_classification(300, 6, n_informative=4, n_classes=K, n_clusters_per_class=1,
                               random_state=1)
    ada = AdaBoostClassifier(n_estimators=8, random_state=0).fit(X, y)
    T = len(ada.estimators_)
    assert T == 8
    F = np.zeros((len(y), K))
    Y = _codes(y, K)
    for t, est in enumerate(ada.estimators_):
        w = np.exp(-np.sum(Y * F, axis=1) / K)
        g = est.predict(X)
        beta, _ = _line_search(w, y, g, K)
        assert ada.estimator_weights_[t] == pytest.approx(K * beta / (K - 1) ** 2, rel=1e-5)
        assert ada.estimator_errors_[t] == pytest.approx(np.average(g != y, weights=w),
                                                         rel=1e-10)
        # the ensemble so far from the fitted weight (not the searched one, whose tolerance
        # would otherwise accumulate in the next stages' weights)
        F += ada.estimator_weights_[t] * (K - 1) ** 2 / K * _codes(g, K)


def test_training_error_bound_holds_on_data():
    # a diagonal boundary: every stump has an edge, none is perfect, and many are needed
    X = np.random.default_rng(0).normal(size=(400, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    ada = AdaBoostClassifier(n_estimators=100, random_state=0).fit(X, y)
    assert len(ada.estimators_) == 100
    errors = ada.estimator_errors_[:len(ada.estimators_)]
    product, bound = samme_training_error_bound(errors)
    gamma = 0.5 - errors
    np.testing.assert_allclose(bound, np.exp(-2 * np.cumsum(gamma**2)), rtol=1e-14)
    np.testing.assert_allclose(product, np.cumprod(np.sqrt(1 - 4 * gamma**2)), rtol=1e-12)
    train_error = np.array([np.mean(p != y) for p in ada.staged_predict(X)])
    assert np.all(train_error <= product + 1e-12)
    assert np.all(product <= bound + 1e-12)
    assert bound[-1] < 0.1  # the bound does fall with the stages, and the error with it
    assert train_error[-1] < train_error[0]
    # the staged predictions end where predict is
    np.testing.assert_array_equal(list(ada.staged_predict(X))[-1], ada.predict(X))


@pytest.mark.parametrize("K", [2, 3, 4])
@pytest.mark.parametrize("learning_rate", [1.0, 0.3])
def test_same_trees_give_scikit_learns_weights_and_outputs(K, learning_rate):
    # scikit-learn's own stump as base estimator, same random_state: the same trees stage by
    # stage, so the whole sequence of weights and errors must agree to rounding
    X, y = make_classification(500, 8, n_informative=5, n_classes=K, random_state=K)
    params = dict(n_estimators=30, learning_rate=learning_rate, random_state=2)
    ours = AdaBoostClassifier(SkTree(max_depth=2), **params).fit(X, y)
    theirs = SkAdaBoost(SkTree(max_depth=2), **params).fit(X, y)
    assert len(ours.estimators_) == len(theirs.estimators_)
    np.testing.assert_allclose(ours.estimator_weights_, theirs.estimator_weights_, rtol=1e-10)
    np.testing.assert_allclose(ours.estimator_errors_, theirs.estimator_errors_, rtol=1e-10)
    np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(X),
                               rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-10)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    for a, b in zip(ours.staged_decision_function(X), theirs.staged_decision_function(X),
                    strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    for a, b in zip(ours.staged_predict_proba(X), theirs.staged_predict_proba(X), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10)


@pytest.mark.parametrize("K", [2, 3])
def test_own_stumps_give_scikit_learns_weights_on_continuous_data(K):
    # the package's stump and scikit-learn's choose the same split when no two splits tie
    X, y = make_classification(400, 6, n_informative=4, n_classes=K, random_state=10 + K)
    ours = AdaBoostClassifier(n_estimators=25, random_state=0).fit(X, y)
    theirs = SkAdaBoost(n_estimators=25, random_state=0).fit(X, y)
    np.testing.assert_allclose(ours.estimator_weights_, theirs.estimator_weights_, rtol=1e-9)
    np.testing.assert_allclose(ours.estimator_errors_, theirs.estimator_errors_, rtol=1e-9)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-9)


def test_decision_function_is_the_weighted_vote_in_class_codes():
    X, y = make_classification(300, 5, n_informative=3, n_classes=3, random_state=4)
    labels = np.array(["a", "b", "c"])[y]
    ada = AdaBoostClassifier(n_estimators=12, learning_rate=0.7, random_state=0).fit(X, labels)
    K, T = 3, len(ada.estimators_)
    alpha = ada.estimator_weights_[:T]
    votes = sum(a * _codes(np.searchsorted(ada.classes_, est.predict(X)), K)
                for a, est in zip(alpha, ada.estimators_))
    np.testing.assert_allclose(ada.decision_function(X), votes / alpha.sum(), rtol=1e-12)
    p = np.exp(votes / alpha.sum() / (K - 1))
    np.testing.assert_allclose(ada.predict_proba(X), p / p.sum(axis=1, keepdims=True),
                               rtol=1e-12)
    assert set(ada.predict(X)) <= set(ada.classes_)
    imp = ada.feature_importances_
    assert imp.shape == (5,) and imp.sum() == pytest.approx(1.0)


def test_a_perfect_stage_stops_boosting():
    X = np.arange(20, dtype=float).reshape(-1, 1)
    y = (X[:, 0] >= 10).astype(int)
    ada = AdaBoostClassifier(n_estimators=10).fit(X, y)
    assert len(ada.estimators_) == 1
    assert ada.estimator_weights_[0] == 1.0 and ada.estimator_errors_[0] == 0.0
    np.testing.assert_array_equal(ada.estimator_weights_[1:], 0.0)
    np.testing.assert_array_equal(ada.predict(X), y)


def test_a_base_classifier_no_better_than_chance_is_refused():
    X = np.random.default_rng(0).normal(size=(40, 2))
    y = np.repeat([0, 1], 20)
    with pytest.raises(ValueError, match="worse than random"):
        AdaBoostClassifier(DummyClassifier(strategy="most_frequent")).fit(X, y)


def test_bad_settings_are_refused():
    X, y = make_classification(50, 4, random_state=0)
    with pytest.raises(InvalidParameterError, match="'n_estimators' parameter"):
        AdaBoostClassifier(n_estimators=0).fit(X, y)
    with pytest.raises(InvalidParameterError, match="'learning_rate' parameter"):
        AdaBoostClassifier(learning_rate=0.0).fit(X, y)
    with pytest.raises(InvalidParameterError, match="'estimator' parameter"):
        AdaBoostClassifier(estimator="stump").fit(X, y)
    with pytest.raises(ValueError, match="doesn't support sample_weight"):
        AdaBoostClassifier(KNeighborsClassifier()).fit(X, y)


def test_zero_weight_samples_are_as_if_removed():
    X, y = make_classification(300, 6, n_informative=4, n_classes=3, random_state=8)
    sw = np.ones(len(y))
    sw[::4] = 0.0
    kept = sw > 0
    a = AdaBoostClassifier(n_estimators=15, random_state=0).fit(X, y, sample_weight=sw)
    b = AdaBoostClassifier(n_estimators=15, random_state=0).fit(X[kept], y[kept])
    np.testing.assert_allclose(a.estimator_weights_, b.estimator_weights_, rtol=1e-12)
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), rtol=1e-12)
    scores = list(a.staged_score(X[kept], y[kept]))
    assert len(scores) == 15 and scores[-1] == pytest.approx(a.score(X[kept], y[kept]))


def test_bad_input_gets_a_clear_error():
    X = np.random.default_rng(0).normal(size=(30, 3))
    y = np.repeat([0, 1, 2], 10)
    for bad in (np.nan, np.inf):
        X_bad = X.copy()
        X_bad[4, 1] = bad
        with pytest.raises(ValueError, match="NaN|infinity"):
            AdaBoostClassifier(n_estimators=3).fit(X_bad, y)
    ada = AdaBoostClassifier(n_estimators=3).fit(X, y)
    with pytest.raises(ValueError, match="3 features"):
        ada.predict(X[:, :2])
    with pytest.raises(ValueError, match="NaN"):
        ada.predict(np.where(X > 1.5, np.nan, X))
    with pytest.raises(ValueError, match="at least 2 classes"):
        AdaBoostClassifier().fit(X, np.zeros(30))


def test_float32_input_gives_the_float64_fit():
    X, y = make_classification(200, 5, n_informative=3, random_state=3)
    X = X.astype(np.float32)
    a = AdaBoostClassifier(n_estimators=10, random_state=0).fit(X, y)
    b = AdaBoostClassifier(n_estimators=10, random_state=0).fit(X.astype(np.float64), y)
    np.testing.assert_array_equal(a.estimator_weights_, b.estimator_weights_)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


def test_degenerate_data_give_a_constant_or_exact_answer():
    # all points equal: no stump has an edge, boosting stops early with a constant vote
    X_equal = np.ones((20, 2))
    y = np.repeat([0, 1], 10)
    ada = AdaBoostClassifier(n_estimators=10).fit(X_equal, y)
    assert len(ada.estimators_) < 10
    assert len(set(ada.predict(X_equal))) == 1
    # one feature, duplicated rows with consistent labels: separable, one stage suffices
    X_dup = np.repeat(np.arange(6.0), 5)[:, None]
    y_dup = (X_dup[:, 0] > 2).astype(int)
    ada = AdaBoostClassifier(n_estimators=10).fit(X_dup, y_dup)
    assert len(ada.estimators_) == 1
    np.testing.assert_array_equal(ada.predict(X_dup), y_dup)


def _datasets():
    from sklearn.datasets import load_breast_cancer, load_digits, load_wine, make_hastie_10_2

    X_h, y_h = make_hastie_10_2(1500, random_state=0)
    X_c, y_c = make_classification(1500, 20, n_informative=8, n_classes=3, random_state=0)
    return {"hastie": (X_h, y_h), "classification": (X_c, y_c),
            "breast_cancer": load_breast_cancer(return_X_y=True),
            "wine": load_wine(return_X_y=True), "digits": load_digits(return_X_y=True)}


@pytest.mark.parametrize("name", ["hastie", "classification", "breast_cancer", "wine", "digits"])
def test_held_out_accuracy_within_two_points_of_scikit_learn(name):
    from sklearn.model_selection import train_test_split

    X, y = _datasets()[name]
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    params = dict(n_estimators=50, learning_rate=0.5, random_state=0)
    ours = AdaBoostClassifier(**params).fit(X_tr, y_tr).score(X_te, y_te)
    theirs = SkAdaBoost(**params).fit(X_tr, y_tr).score(X_te, y_te)
    assert abs(ours - theirs) <= 0.02


@pytest.mark.parametrize("K", [2, 3, 5])
def test_population_minimiser_of_the_multiclass_exponential_loss(K):
    # the chapter's prop-ada-samme-population: with sum_k F_k = 0 the conditional risk
    # sum_k q_k exp(-F_k / (K-1)) is minimised at F_k = (K-1)(log q_k - mean log q), so that
    # q = softmax(F / (K-1)); for K = 2 this is half the log-odds (prop-ada-population)
    from scipy.optimize import minimize
    from scipy.special import softmax as sp_softmax

    q = np.random.default_rng(K).dirichlet(np.ones(K))
    codes = _codes(np.arange(K), K)  # row k: the code of class k

    def risk(free):  # F in the hyperplane sum_k F_k = 0, from its first K - 1 entries
        F = np.append(free, -free.sum())
        return np.sum(q * np.exp(-(codes @ F) / K))

    res = minimize(risk, np.zeros(K - 1), method="BFGS", options={"gtol": 1e-12})
    F_num = np.append(res.x, -res.x.sum())
    F_formula = (K - 1) * (np.log(q) - np.log(q).mean())
    np.testing.assert_allclose(F_num, F_formula, atol=1e-5)
    np.testing.assert_allclose(sp_softmax(F_formula / (K - 1)), q, rtol=1e-12)
    if K == 2:
        assert F_formula[0] == pytest.approx(0.5 * np.log(q[0] / q[1]), rel=1e-12)


def test_shrunk_stage_weight_still_shrinks_the_bound():
    # Z(eta alpha) <= 1 - eta (1 - sqrt(1 - 4 gamma^2)) for 0 < eta <= 1 (the chapter's shrinkage
    # paragraph), and Z(alpha_t) = 2 sqrt(eps (1 - eps)) at the minimiser
    for eps in [0.05, 0.3, 0.45, 0.499]:
        alpha = 0.5 * np.log((1 - eps) / eps)

        def Z(a, eps=eps):
            return (1 - eps) * np.exp(-a) + eps * np.exp(a)

        assert Z(alpha) == pytest.approx(2 * np.sqrt(eps * (1 - eps)), rel=1e-12)
        gamma = 0.5 - eps
        for eta in [0.1, 0.5, 1.0]:
            assert Z(eta * alpha) <= 1 - eta * (1 - np.sqrt(1 - 4 * gamma**2)) + 1e-15
            assert Z(eta * alpha) < 1
