"""Oracle and bad-input tests of mlmath.supervised.linear_regression.estimators.

Oracles: each estimator against its scikit-learn twin, on several datasets, with the
tolerances stated next to each comparison. Bad input: NaN, infinity, wrong shapes, empty
arrays, invalid hyperparameters and unfitted prediction must raise a clear error.
"""

import warnings

import numpy as np
import pytest
from sklearn import linear_model as sk
from sklearn.datasets import load_diabetes, load_linnerud, make_regression
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.preprocessing import StandardScaler
from timelimit import time_limit

import mlmath.supervised.linear_regression.estimators as estimators_module
from mlmath.datasets import make_linear_regression
from mlmath.supervised.linear_regression.estimators import (
    ElasticNet,
    Lasso,
    LinearRegression,
    Ridge,
    SGDRegressor,
)


def _diabetes():
    X, y = load_diabetes(return_X_y=True)
    return X, y


def _correlated():
    X, y, _ = make_linear_regression(300, 8, noise=0.5, correlation=0.95, bias=3.0,
                                     random_state=1)
    return X, y


def _wide():
    X, y = make_regression(40, 60, n_informative=10, noise=1.0, random_state=2)
    return X, y


def _tall():
    X, y = make_regression(2000, 15, noise=5.0, bias=-4.0, random_state=3)
    return X, y


DATASETS = {"diabetes": _diabetes, "correlated": _correlated, "tall": _tall}


def assert_same_model(ours, theirs, *, rtol, atol, X):
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=rtol, atol=atol)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=rtol, atol=atol)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=rtol, atol=atol)


# --- ordinary least squares ----------------------------------------------------------------


@pytest.mark.parametrize("data", DATASETS)
@pytest.mark.parametrize("solver", ["auto", "normal", "qr", "svd"])
def test_linear_regression_direct_solvers_match_sklearn(data, solver):
    X, y = DATASETS[data]()
    ours = LinearRegression(solver=solver).fit(X, y)
    theirs = sk.LinearRegression().fit(X, y)
    # Direct solvers agree to a few hundred ulps of the coefficients' scale (cond(X) <= ~1e2).
    assert_same_model(ours, theirs, rtol=1e-8, atol=1e-8 * np.abs(theirs.coef_).max(), X=X)
    assert ours.score(X, y) == pytest.approx(theirs.score(X, y), rel=1e-10)


@pytest.mark.parametrize("data", DATASETS)
def test_linear_regression_gradient_descent_matches_sklearn(data):
    X, y = DATASETS[data]()
    X = StandardScaler().fit_transform(X)
    ours = LinearRegression(solver="gd", tol=1e-10, max_iter=100_000).fit(X, y)
    theirs = sk.LinearRegression().fit(X, y)
    # Gradient descent stops at a relative gradient of 1e-10: coefficients agree to ~1e-6.
    assert_same_model(ours, theirs, rtol=1e-6, atol=1e-6 * np.abs(theirs.coef_).max(), X=X)
    assert ours.n_iter_ > 1


def test_linear_regression_rank_deficient_svd_is_minimum_norm():
    X, y = _wide()  # n < d: infinitely many minimisers
    ours = LinearRegression(solver="svd").fit(X, y)
    theirs = sk.LinearRegression().fit(X, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(ours.predict(X), y, rtol=1e-7, atol=1e-7)  # interpolates


@pytest.mark.parametrize("solver", ["normal", "qr"])
def test_linear_regression_rank_deficient_refused_by_normal_and_qr(solver):
    X, y = _wide()
    with pytest.raises(np.linalg.LinAlgError, match="rank|n_samples"):
        LinearRegression(solver=solver).fit(X, y)


@pytest.mark.parametrize("solver", ["normal", "qr", "svd"])
def test_linear_regression_multioutput_matches_sklearn(solver):
    X, Y = load_linnerud(return_X_y=True)
    ours = LinearRegression(solver=solver).fit(X, Y)
    theirs = sk.LinearRegression().fit(X, Y)
    assert ours.coef_.shape == (3, 3) and ours.intercept_.shape == (3,)
    assert_same_model(ours, theirs, rtol=1e-8, atol=1e-9, X=X)


@pytest.mark.parametrize("est", [LinearRegression(), Ridge(alpha=2.0), Lasso(alpha=0.05),
                                 ElasticNet(alpha=0.05, l1_ratio=0.3)])
def test_sample_weight_matches_sklearn(est):
    X, y = _correlated()
    sw = np.random.default_rng(0).uniform(0.1, 3.0, size=len(y))
    ours = est.set_params(**({"tol": 1e-10} if "tol" in est.get_params() else {}))
    ours = ours.fit(X, y, sample_weight=sw)
    twin = getattr(sk, type(est).__name__)()
    shared = {k: v for k, v in ours.get_params().items() if k in twin.get_params()}
    theirs = twin.set_params(**shared).fit(X, y, sample_weight=sw)
    assert_same_model(ours, theirs, rtol=1e-6, atol=1e-7, X=X)


def test_no_intercept_matches_sklearn():
    X, y = _correlated()
    pairs = [
        (LinearRegression(fit_intercept=False), sk.LinearRegression(fit_intercept=False)),
        (Ridge(3.0, fit_intercept=False), sk.Ridge(3.0, fit_intercept=False)),
        (Lasso(0.1, fit_intercept=False, tol=1e-10), sk.Lasso(0.1, fit_intercept=False, tol=1e-10)),
    ]
    for ours, theirs in pairs:
        ours.fit(X, y)
        theirs.fit(X, y)
        assert ours.intercept_ == 0.0
        assert_same_model(ours, theirs, rtol=1e-6, atol=1e-8, X=X)


# --- ridge -----------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [*DATASETS, "wide"])
@pytest.mark.parametrize("solver", ["auto", "cholesky", "svd"])
@pytest.mark.parametrize("alpha", [1e-3, 1.0, 100.0])
def test_ridge_matches_sklearn(data, solver, alpha):
    X, y = (DATASETS | {"wide": _wide})[data]()
    ours = Ridge(alpha=alpha, solver=solver).fit(X, y)
    theirs = sk.Ridge(alpha=alpha, solver="svd").fit(X, y)
    assert_same_model(ours, theirs, rtol=1e-7, atol=1e-7 * np.abs(theirs.coef_).max(), X=X)


def test_ridge_multioutput_matches_sklearn():
    X, Y = load_linnerud(return_X_y=True)
    ours = Ridge(alpha=10.0).fit(X, Y)
    theirs = sk.Ridge(alpha=10.0).fit(X, Y)
    assert_same_model(ours, theirs, rtol=1e-8, atol=1e-9, X=X)


# --- lasso and elastic net -------------------------------------------------------------------


@pytest.mark.parametrize("data", [*DATASETS, "wide"])
@pytest.mark.parametrize("alpha_frac", [0.5, 0.05, 0.005])
def test_lasso_matches_sklearn(data, alpha_frac):
    X, y = (DATASETS | {"wide": _wide})[data]()
    X = StandardScaler().fit_transform(X)
    alpha = alpha_frac * np.abs(X.T @ (y - y.mean())).max() / len(y)
    ours = Lasso(alpha=alpha, tol=1e-12, max_iter=20_000).fit(X, y)
    theirs = sk.Lasso(alpha=alpha, tol=1e-12, max_iter=20_000).fit(X, y)
    # Both certified by a duality gap <= 1e-12 ||y||^2/n: coefficients agree to ~1e-5 relative.
    scale = max(1.0, np.abs(theirs.coef_).max())
    assert_same_model(ours, theirs, rtol=1e-5, atol=1e-5 * scale, X=X)
    np.testing.assert_array_equal(ours.coef_ == 0, theirs.coef_ == 0)  # same support
    assert ours.dual_gap_ >= 0


def test_elastic_net_with_no_l1_part_is_ridge():
    X, y = _diabetes()
    X = StandardScaler().fit_transform(X)
    ours = ElasticNet(alpha=0.3, l1_ratio=0.0, tol=1e-16, max_iter=100_000).fit(X, y)
    # (1/2n)||r||^2 + (alpha/2)||w||^2 has the minimiser of ||r||^2 + n alpha ||w||^2.
    exact = sk.Ridge(alpha=0.3 * len(y)).fit(X, y)
    assert_same_model(ours, exact, rtol=1e-7, atol=1e-7 * np.abs(exact.coef_).max(), X=X)


@pytest.mark.parametrize("l1_ratio", [0.2, 0.7, 1.0])
def test_elastic_net_matches_sklearn(l1_ratio):
    X, y = _diabetes()
    X = StandardScaler().fit_transform(X)
    ours = ElasticNet(alpha=0.3, l1_ratio=l1_ratio, tol=1e-12, max_iter=20_000).fit(X, y)
    theirs = sk.ElasticNet(alpha=0.3, l1_ratio=l1_ratio, tol=1e-12, max_iter=20_000).fit(X, y)
    assert_same_model(ours, theirs, rtol=1e-6, atol=1e-6 * np.abs(theirs.coef_).max(), X=X)


def test_lasso_default_tolerance_scores_match_sklearn():
    X, y = _diabetes()
    ours = Lasso(alpha=0.1).fit(X, y)
    theirs = sk.Lasso(alpha=0.1).fit(X, y)
    assert ours.score(X, y) == pytest.approx(theirs.score(X, y), abs=1e-3)


def test_elastic_net_hands_coordinate_descent_fortran_ordered_data(monkeypatch):
    # The centred copy is made column-contiguous, so coordinate descent copies nothing more.
    import mlmath.supervised.linear_regression.estimators as lr

    seen = []

    def spy(X, *args, **kwargs):
        seen.append(X.flags["F_CONTIGUOUS"])
        return enet(X, *args, **kwargs)

    enet = lr.enet_coordinate_descent
    monkeypatch.setattr(lr, "enet_coordinate_descent", spy)
    X, y = _correlated()
    Lasso(alpha=0.1).fit(np.ascontiguousarray(X), y)
    ElasticNet(alpha=0.1).fit(X, np.c_[y, -y])
    assert seen == [True, True, True]


def test_elastic_net_multioutput_matches_sklearn():
    X, Y = load_linnerud(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    ours = ElasticNet(alpha=1.0, tol=1e-12, max_iter=50_000).fit(X, Y)
    theirs = sk.ElasticNet(alpha=1.0, tol=1e-12, max_iter=50_000).fit(X, Y)
    assert ours.dual_gap_.shape == (3,)
    assert_same_model(ours, theirs, rtol=1e-6, atol=1e-6, X=X)


@pytest.mark.parametrize("name", ["LinearRegression", "Ridge", "Lasso", "ElasticNet"])
@pytest.mark.parametrize("n_targets", [1, 2])
def test_two_dimensional_targets_give_the_twins_shapes(name, n_targets):
    X, y = _correlated()
    Y = np.column_stack([y + k for k in range(n_targets)])
    ours = getattr(estimators_module, name)()
    theirs = getattr(sk, name)()
    ours.fit(X, Y)
    theirs.fit(X, Y)
    for attr in ("coef_", "intercept_", "n_iter_", "dual_gap_"):
        if hasattr(theirs, attr) and getattr(theirs, attr) is not None:
            assert np.shape(getattr(ours, attr)) == np.shape(getattr(theirs, attr)), attr
    assert ours.predict(X).shape == theirs.predict(X).shape
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-3, atol=1e-3)


# --- SGD -------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", DATASETS)
def test_sgd_matches_sklearn_sgd(data):
    X, y = DATASETS[data]()
    X = StandardScaler().fit_transform(X)
    y = (y - y.mean()) / y.std()
    seeds = range(5)
    ours = np.mean([SGDRegressor(random_state=s).fit(X, y).score(X, y) for s in seeds])
    theirs = np.mean([sk.SGDRegressor(random_state=s).fit(X, y).score(X, y) for s in seeds])
    # The same algorithm up to the sampling order: mean R^2 over seeds within 0.01. (On the
    # ill-conditioned "correlated" data both stop ~0.06 short of the optimum, alike.)
    assert ours == pytest.approx(theirs, abs=1e-2)
    if data != "correlated":
        # Penalty alpha/2 ||w||^2 on the mean loss = Ridge(alpha * n) on the summed loss.
        exact = sk.Ridge(alpha=1e-4 * len(y)).fit(X, y).score(X, y)
        assert ours == pytest.approx(exact, abs=1e-2)


@pytest.mark.parametrize("penalty,twin", [
    ("l2", lambda n, a, r: sk.Ridge(alpha=a * n)),
    ("l1", lambda n, a, r: sk.Lasso(alpha=a)),
    ("elasticnet", lambda n, a, r: sk.ElasticNet(alpha=a, l1_ratio=r)),
    (None, lambda n, a, r: sk.LinearRegression()),
])
def test_sgd_converges_to_the_exact_minimiser(penalty, twin):
    X, y, _ = make_linear_regression(2000, 5, noise=0.5, bias=1.0, random_state=0)
    ours = SGDRegressor(penalty=penalty, alpha=0.05, l1_ratio=0.5, learning_rate="constant",
                        eta0=0.05, batch_size=200, tol=None, max_iter=400,
                        random_state=0).fit(X, y)
    exact = twin(len(y), 0.05, 0.5).fit(X, y)
    # Constant-step mini-batch SGD hovers within O(eta * gradient noise) of the optimum.
    np.testing.assert_allclose(ours.coef_, exact.coef_, atol=2e-2)
    np.testing.assert_allclose(ours.intercept_[0], exact.intercept_, atol=2e-2)


@pytest.mark.parametrize("learning_rate", ["constant", "invscaling"])
def test_sgd_runs_sklearns_iterations_for_l2_only(learning_rate):
    # With the same visiting order (shuffle=False) and batch_size=1 the package's iterates are
    # scikit-learn's for penalty="l2" and None; for "l1" and "elasticnet" scikit-learn applies
    # the cumulative penalty of Tsuruoka et al. (2009) instead of the proximal step.
    X, y, _ = make_linear_regression(1125, 10, noise=1.0, bias=3.0, random_state=0)
    same = dict(alpha=0.2, l1_ratio=0.5, shuffle=False, tol=None, max_iter=5,
                learning_rate=learning_rate, eta0=0.01)
    for penalty in ["l2", None]:
        ours = SGDRegressor(penalty=penalty, **same).fit(X, y)
        theirs = sk.SGDRegressor(penalty=penalty, **same).fit(X, y)
        np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0, atol=1e-12)
        np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=0, atol=1e-12)
    ours = SGDRegressor(penalty="l1", **same).fit(X, y)
    theirs = sk.SGDRegressor(penalty="l1", **same).fit(X, y)
    assert np.max(np.abs(ours.coef_ - theirs.coef_)) > 1e-6


@pytest.mark.parametrize("setting", [
    {}, {"penalty": None}, {"alpha": 0.01}, {"tol": 1e-5}, {"fit_intercept": False},
    {"learning_rate": "constant", "eta0": 0.001}, {"n_iter_no_change": 2, "tol": 1e-4},
])
def test_sgd_stops_after_sklearns_number_of_epochs(setting):
    # The stopping rule is scikit-learn's: the objective summed during each epoch (each sample's
    # term at the weights before its update), stop after n_iter_no_change epochs above the best
    # minus tol. In the same order (shuffle=False) the iterates are the same, so is n_iter_, and
    # so are the weights at which both stop.
    X, y, _ = make_linear_regression(600, 8, noise=1.0, bias=2.0, random_state=5)
    ours = SGDRegressor(shuffle=False, **setting).fit(X, y)
    theirs = sk.SGDRegressor(shuffle=False, **setting).fit(X, y)
    assert 1 < ours.n_iter_ < 1000
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=0, atol=1e-12)


@pytest.mark.parametrize("penalty", ["l2", None])
def test_sgd_sample_weight_runs_sklearns_weighted_iterations(penalty):
    # scikit-learn multiplies each sample's gradient by its weight; with the same order of the
    # samples the iterates agree to rounding.
    X, y, _ = make_linear_regression(400, 6, noise=1.0, bias=2.0, random_state=4)
    sw = np.random.default_rng(4).uniform(0.0, 3.0, 400)
    same = dict(penalty=penalty, alpha=0.05, shuffle=False, tol=None, max_iter=4)
    ours = SGDRegressor(**same).fit(X, y, sample_weight=sw)
    theirs = sk.SGDRegressor(**same).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=0, atol=1e-12)


def test_sgd_weight_two_is_a_duplicated_sample_in_expectation():
    # Weight 2 doubles a sample's expected gradient, as a second copy does: without a penalty
    # both runs approach the same minimiser, the weighted least-squares solution, and the
    # twin (shuffling with its own generator) lands within the same SGD noise.
    X, y, _ = make_linear_regression(600, 4, noise=0.5, bias=1.0, random_state=5)
    sw = np.where(np.arange(600) % 3 == 0, 2.0, 1.0)
    dup = np.repeat(np.arange(600), sw.astype(int))
    kw = dict(penalty=None, tol=None, max_iter=60, learning_rate="invscaling", eta0=0.02,
              power_t=0.5, random_state=0)
    weighted = SGDRegressor(**kw).fit(X, y, sample_weight=sw)
    duplicated = SGDRegressor(**kw).fit(X[dup], y[dup])
    exact = sk.LinearRegression().fit(X, y, sample_weight=sw)
    twin = sk.SGDRegressor(**kw).fit(X, y, sample_weight=sw)
    for model in (weighted, duplicated, twin):
        np.testing.assert_allclose(model.coef_, exact.coef_, atol=1e-2)
        np.testing.assert_allclose(model.intercept_[0], exact.intercept_, atol=1e-2)
    np.testing.assert_allclose(weighted.coef_, twin.coef_, atol=1e-2)
    # and a zero weight is a removed sample for the objective the estimator stops on
    unweighted = SGDRegressor(**kw).fit(X, y, sample_weight=np.ones(600))
    np.testing.assert_array_equal(unweighted.coef_, SGDRegressor(**kw).fit(X, y).coef_)


def test_sgd_shares_only_prediction_with_the_centring_models():
    from mlmath.supervised.linear_regression.base import BaseLinearModel, LinearPredictorMixin

    assert not issubclass(SGDRegressor, BaseLinearModel)
    assert issubclass(SGDRegressor, LinearPredictorMixin)
    assert issubclass(Ridge, LinearPredictorMixin)


@pytest.mark.parametrize("est,params", [
    (LinearRegression, {"solver": "cholesky"}), (Ridge, {"alpha": -1.0}),
    (Lasso, {"alpha": -1.0}), (ElasticNet, {"l1_ratio": 2.0}), (SGDRegressor, {"eta0": 0.0}),
])
def test_parameters_are_checked_before_the_data(est, params):
    from mlmath.validation import InvalidParameterError

    X = np.full((5, 2), np.nan)
    name = next(iter(params))
    with pytest.raises(InvalidParameterError,
                       match=f"The '{name}' parameter of {est.__name__} must be"):
        est(**params).fit(X, np.ones(5))


def _cumulative_penalty_sgd(X, y, alpha, rho, eta0, power_t, epochs):
    """Plain SGD with the cumulative l1 penalty as the linear regression chapter describes it."""
    n, d = X.shape
    w, b, u, q, t = np.zeros(d), 0.0, 0.0, np.zeros(d), 1
    for _ in range(epochs):
        for i in range(n):
            eta = eta0 / t**power_t
            r = X[i] @ w + b - y[i]
            w *= max(0.0, 1.0 - (1.0 - rho) * eta * alpha)
            w -= eta * r * X[i]
            b -= eta * r
            u += rho * eta * alpha  # the total penalty each weight could have received
            before = w.copy()
            pos, neg = w > 0, w < 0
            w[pos] = np.maximum(0.0, w[pos] - (u + q[pos]))
            w[neg] = np.minimum(0.0, w[neg] + (u - q[neg]))
            q += w - before  # the signed penalty each weight did receive
            t += 1
    return w, b


@pytest.mark.parametrize(("penalty", "rho"), [("l1", 1.0), ("elasticnet", 0.5)])
def test_sklearn_l1_sgd_is_the_cumulative_penalty(penalty, rho):
    X, y, _ = make_linear_regression(200, 6, noise=1.0, bias=3.0, coef=[3, 0, 0, 1, 0, -2],
                                     random_state=0)
    theirs = sk.SGDRegressor(penalty=penalty, l1_ratio=rho, alpha=0.1, shuffle=False, tol=None,
                             max_iter=3, learning_rate="invscaling", eta0=0.01,
                             power_t=0.25).fit(X, y)
    w, b = _cumulative_penalty_sgd(X, y, 0.1, rho, 0.01, 0.25, 3)
    np.testing.assert_allclose(theirs.coef_, w, rtol=0, atol=1e-12)
    np.testing.assert_allclose(theirs.intercept_[0], b, rtol=0, atol=1e-12)


def test_sgd_partial_fit_continues_and_counts_updates():
    X, y, _ = make_linear_regression(256, 3, random_state=0)
    est = SGDRegressor(batch_size=32, random_state=0)
    est.partial_fit(X, y)
    assert est.t_ == 8 and est.n_iter_ == 1
    first = est.coef_.copy()
    est.partial_fit(X, y)
    assert est.t_ == 16 and not np.allclose(first, est.coef_)
    with pytest.raises(ValueError, match="features"):
        est.partial_fit(X[:, :2], y)


def test_sgd_is_reproducible_with_random_state():
    X, y, _ = make_linear_regression(300, 4, random_state=0)
    a = SGDRegressor(random_state=7).fit(X, y).coef_
    b = SGDRegressor(random_state=7).fit(X, y).coef_
    np.testing.assert_array_equal(a, b)


def test_sgd_step_cap_keeps_badly_scaled_data_stable():
    # Features ~ N(100, 1): plain SGD with eta0 = 0.01 has eta * ||x||^2 ~ 200 and diverges
    # (scikit-learn only clips its loss derivative and returns weights of order 1e11).
    rng = np.random.RandomState(0)
    X = rng.normal(loc=100, size=(100, 2))
    y = X @ [1.0, -2.0] + rng.normal(size=100)
    est = SGDRegressor(random_state=0, max_iter=200, tol=None).fit(X, y)
    assert np.all(np.isfinite(est.coef_)) and np.isfinite(est.intercept_[0])
    assert est.score(X, y) > 0.5
    huge = SGDRegressor(eta0=50.0, learning_rate="constant", random_state=0).fit(X * 10, y)
    assert np.all(np.isfinite(huge.coef_))
    with pytest.raises(FloatingPointError, match="standardise"):
        SGDRegressor(random_state=0).fit(X * 1e160, y)  # ||x||^2 overflows float64


# --- bad input -------------------------------------------------------------------------------

ESTIMATORS = [LinearRegression(), LinearRegression(solver="gd"), Ridge(), Lasso(),
              ElasticNet(), SGDRegressor()]


@pytest.fixture
def data():
    X, y, _ = make_linear_regression(30, 3, random_state=0)
    return X, y


@pytest.mark.parametrize("est", ESTIMATORS, ids=repr)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_X_or_y_is_refused(est, bad, data):
    X, y = data
    Xb = X.copy()
    Xb[3, 1] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        est.fit(Xb, y)
    yb = y.copy()
    yb[0] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        est.fit(X, yb)


@pytest.mark.parametrize("est", ESTIMATORS, ids=repr)
def test_wrong_shapes_and_empty_arrays_are_refused(est, data):
    X, y = data
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        est.fit(X, y[:-1])
    with pytest.raises(ValueError, match="2D array"):
        est.fit(X[:, 0], y)
    with pytest.raises(ValueError, match="0 sample"):
        est.fit(X[:0], y[:0])
    with pytest.raises(ValueError, match="0 feature"):
        est.fit(X[:, :0], y)
    est.fit(X, y)
    with pytest.raises(ValueError, match="3 features"):
        est.predict(X[:, :2])


@pytest.mark.parametrize("est", ESTIMATORS, ids=repr)
def test_predict_before_fit_is_refused(est, data):
    from sklearn.base import clone

    with pytest.raises(NotFittedError):
        clone(est).predict(data[0])


@pytest.mark.parametrize("est,params,match", [
    (Ridge, {"alpha": -1.0}, "alpha"),
    (Lasso, {"alpha": -0.1}, "alpha"),
    (ElasticNet, {"alpha": np.nan}, "alpha"),
    (ElasticNet, {"l1_ratio": 1.5}, "l1_ratio"),
    (SGDRegressor, {"alpha": -1e-4}, "alpha"),
    (SGDRegressor, {"eta0": 0.0}, "eta0"),
    (SGDRegressor, {"penalty": "l3"}, "penalty"),
    (SGDRegressor, {"learning_rate": "optimal"}, "learning_rate"),
    (SGDRegressor, {"batch_size": 0}, "batch_size"),
    (LinearRegression, {"solver": "cholesky"}, "solver"),
    (LinearRegression, {"max_iter": 0}, "max_iter"),
    (LinearRegression, {"step_size": -1.0}, "step_size"),
    (Ridge, {"solver": "lsqr"}, "solver"),
    (Lasso, {"tol": -1.0}, "tol"),
    (Lasso, {"max_iter": 2.5}, "max_iter"),
    (Ridge, {"fit_intercept": "yes"}, "fit_intercept"),
])
def test_invalid_hyperparameters_are_refused_by_name(est, params, match, data):
    with pytest.raises((ValueError, TypeError), match=match):
        est(**params).fit(*data)


@pytest.mark.parametrize("est", [LinearRegression(), Ridge(), Lasso(), ElasticNet(),
                                 SGDRegressor()], ids=repr)
def test_bad_sample_weight_is_refused(est, data):
    X, y = data
    with pytest.raises(ValueError, match="sample_weight.shape"):
        est.fit(X, y, sample_weight=np.ones(len(y) + 1))
    with pytest.raises(ValueError, match="non-negative"):
        est.fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ValueError, match="NaN or infinity"):
        est.fit(X, y, sample_weight=np.full(len(y), np.nan))
    with pytest.raises(ValueError, match="zero for every sample"):
        est.fit(X, y, sample_weight=np.zeros(len(y)))


def test_gradient_descent_divergent_step_is_refused(data):
    X, y = data
    with pytest.raises(FloatingPointError, match="2/L"):
        LinearRegression(solver="gd", step_size=100.0).fit(X, y)


def test_gradient_descent_warns_when_not_converged(data):
    from sklearn.exceptions import ConvergenceWarning

    X, y = data
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        LinearRegression(solver="gd", max_iter=2).fit(X, y)


def test_lasso_warns_when_not_converged():
    from sklearn.exceptions import ConvergenceWarning

    X, y = _correlated()
    with pytest.warns(ConvergenceWarning, match="duality gap"):
        Lasso(alpha=1e-4, max_iter=1, tol=1e-12).fit(X, y)


@pytest.mark.parametrize("scale,match", [(1e160, "overflow"), (1e-160, "too small")])
@pytest.mark.parametrize("est", [LinearRegression(solver="normal"), LinearRegression(solver="gd"),
                                 Ridge(), Lasso(), ElasticNet()], ids=repr)
def test_data_that_cannot_be_squared_is_refused_not_zeroed(est, scale, match, data):
    X, y = data
    with pytest.raises(ValueError, match=match):
        est.fit(X * scale, y)


@pytest.mark.parametrize("solver", ["svd", "qr"])
@pytest.mark.parametrize("scale", [1e160, 1e-160])
def test_qr_and_svd_solve_extreme_scales(solver, scale, data):
    X, y = data
    ours = LinearRegression(solver=solver).fit(X * scale, y)
    theirs = sk.LinearRegression().fit(X * scale, y)
    np.testing.assert_allclose(ours.predict(X * scale), theirs.predict(X * scale), rtol=1e-8)


def test_gradient_descent_tolerance_is_relative_to_the_first_gradient(data):
    X, y = data
    small = LinearRegression(solver="gd", tol=1e-10, max_iter=100_000).fit(X * 1e-5, y)
    exact = sk.LinearRegression().fit(X * 1e-5, y)
    np.testing.assert_allclose(small.coef_, exact.coef_, rtol=1e-6)


@pytest.mark.parametrize("est", [Lasso(alpha=0.0), ElasticNet(alpha=0.0),
                                 ElasticNet(alpha=0.0, l1_ratio=0.0)])
def test_zero_alpha_converges_to_least_squares_without_warning(est):
    # With alpha = 0 the duality gap is the objective itself; the fit once ran all 1,000 sweeps
    # and warned of non-convergence at the exact least-squares solution.
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 5))
    y = X @ np.arange(1.0, 6.0) + 3.0 + rng.standard_normal(200)
    with time_limit(10), warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        est.fit(X, y)
    assert est.n_iter_ < 20
    ols = LinearRegression().fit(X, y)
    np.testing.assert_allclose(est.coef_, ols.coef_, rtol=1e-3)
    assert est.intercept_ == pytest.approx(ols.intercept_, rel=1e-3)
