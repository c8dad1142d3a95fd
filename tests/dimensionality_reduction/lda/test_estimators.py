"""LinearDiscriminantAnalysis and QuadraticDiscriminantAnalysis against scikit-learn, against the
Gaussian-classifier formula of scipy.stats, and on bad input."""

import warnings

import numpy as np
import pytest
from scipy import linalg, special, stats
from sklearn import discriminant_analysis as da
from sklearn.datasets import load_digits, load_iris, load_wine, make_classification

from mlmath.dimensionality_reduction.lda import (
    LinearDiscriminantAnalysis,
    QuadraticDiscriminantAnalysis,
    check_within_nonsingular,
    class_means,
    within_class_covariance,
)
from mlmath.validation import InvalidParameterError


def _datasets():
    X, y = load_iris(return_X_y=True)
    yield "iris", X, y
    X, y = load_wine(return_X_y=True)
    yield "wine", X, y
    X, y = make_classification(400, 8, n_informative=5, n_redundant=0, n_classes=4,
                               n_clusters_per_class=1, random_state=0)
    yield "synthetic K=4", X, y
    X, y = make_classification(300, 5, n_informative=3, n_redundant=0, weights=[0.3],
                               random_state=1)
    yield "two classes", X, np.where(y == 1, "yes", "no")


DATASETS = list(_datasets())
IDS = [d[0] for d in DATASETS]
CONFIGS = [{}, {"solver": "eigen"}, {"solver": "eigen", "shrinkage": "auto"},
           {"solver": "eigen", "shrinkage": 0.2}, {"solver": "lsqr", "shrinkage": "auto"},
           {"priors": "custom"}, {"solver": "eigen", "priors": "custom"}]


def _configure(cfg, y):
    cfg = dict(cfg)
    if cfg.get("priors") == "custom":
        K = len(np.unique(y))
        cfg["priors"] = np.arange(1, K + 1) / np.arange(1, K + 1).sum()
    return cfg


def _align_signs(A, B):
    """A with each column's sign flipped to match B's (directions are defined up to sign)."""
    return A * np.sign(np.sum(A * B, axis=0))


@pytest.mark.parametrize("cfg", CONFIGS, ids=lambda c: str(c) or "svd")
@pytest.mark.parametrize(("name", "X", "y"), DATASETS, ids=IDS)
def test_lda_equals_scikit_learn(name, X, y, cfg):
    cfg = _configure(cfg, y)
    ours = LinearDiscriminantAnalysis(**cfg).fit(X, y)
    twin = da.LinearDiscriminantAnalysis(**cfg).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), twin.predict_proba(X), atol=1e-8)
    np.testing.assert_array_equal(ours.predict(X), twin.predict(X))
    scale = np.abs(twin.coef_).max()
    if cfg.get("solver", "svd") == "svd" or ours.coef_.shape[0] == 1:
        np.testing.assert_allclose(ours.coef_, twin.coef_, atol=1e-8 * scale)
        np.testing.assert_allclose(ours.intercept_, twin.intercept_, atol=1e-8 * max(1, scale))
        np.testing.assert_allclose(ours.decision_function(X), twin.decision_function(X),
                                   atol=1e-8 * max(1, scale))
    else:  # eigen, lsqr centre at xbar: coef_ differs from scikit-learn's by a common vector
        np.testing.assert_allclose(ours.coef_ - ours.coef_[0], twin.coef_ - twin.coef_[0],
                                   atol=1e-8 * scale)
        np.testing.assert_allclose(ours.intercept_ - ours.intercept_[0],
                                   twin.intercept_ - twin.intercept_[0], atol=1e-8 * max(1, scale))
        D, D_twin = ours.decision_function(X), twin.decision_function(X)
        np.testing.assert_allclose(D - D[:, :1], D_twin - D_twin[:, :1],
                                   atol=1e-8 * max(1, np.abs(D_twin).max()))
    np.testing.assert_allclose(ours.means_, twin.means_, rtol=1e-12)
    np.testing.assert_allclose(ours.priors_, twin.priors_, rtol=1e-12)
    if cfg.get("solver", "svd") != "svd":
        np.testing.assert_allclose(ours.covariance_, twin.covariance_, rtol=1e-9, atol=1e-12)
    if cfg.get("solver", "svd") != "lsqr":
        T, T_twin = ours.transform(X), twin.transform(X)
        assert T.shape == T_twin.shape
        np.testing.assert_allclose(_align_signs(T, T_twin), T_twin,
                                   atol=1e-8 * np.abs(T_twin).max())
        np.testing.assert_allclose(ours.explained_variance_ratio_,
                                   twin.explained_variance_ratio_, atol=1e-10)


@pytest.mark.parametrize(("name", "X", "y"), DATASETS, ids=IDS)
def test_lda_posterior_is_the_shared_covariance_gaussian_classifier(name, X, y):
    for solver in ("svd", "eigen", "lsqr"):
        model = LinearDiscriminantAnalysis(solver=solver, store_covariance=True).fit(X, y)
        joint = np.column_stack([
            np.log(model.priors_[k]) + stats.multivariate_normal(
                model.means_[k], model.covariance_).logpdf(X)
            for k in range(len(model.classes_))])
        brute = np.exp(joint - joint.max(axis=1, keepdims=True))
        brute /= brute.sum(axis=1, keepdims=True)
        np.testing.assert_allclose(model.predict_proba(X), brute, atol=1e-8)


@pytest.mark.parametrize(("name", "X", "y"), DATASETS, ids=IDS)
def test_at_most_k_minus_1_directions_and_their_normalisation(name, X, y):
    K, d = len(np.unique(y)), X.shape[1]
    for solver in ("svd", "eigen"):
        model = LinearDiscriminantAnalysis(solver=solver, store_covariance=True).fit(X, y)
        assert model.transform(X).shape == (X.shape[0], min(K - 1, d))
        W = model.scalings_[:, : min(K - 1, d)]
        np.testing.assert_allclose(W.T @ model.covariance_ @ W, np.eye(W.shape[1]), atol=1e-8)
    assert LinearDiscriminantAnalysis().fit(X, y).scalings_.shape[1] <= K - 1
    with pytest.raises(ValueError, match="cannot be larger"):
        LinearDiscriminantAnalysis(n_components=K).fit(X, y)


@pytest.mark.parametrize(("name", "X", "y"), DATASETS, ids=IDS)
def test_svd_and_eigen_directions_agree_up_to_sign_and_shift(name, X, y):
    svd = LinearDiscriminantAnalysis().fit(X, y)
    eig = LinearDiscriminantAnalysis(solver="eigen").fit(X, y)
    T_svd, T_eig = svd.transform(X), eig.transform(X)
    T_eig = T_eig - T_eig.mean(axis=0) + T_svd.mean(axis=0)
    np.testing.assert_allclose(_align_signs(T_eig, T_svd), T_svd, atol=1e-7 * np.abs(T_svd).max())


@pytest.mark.parametrize("reg_param", [0.0, 0.05, 0.5])
@pytest.mark.parametrize(("name", "X", "y"), DATASETS, ids=IDS)
def test_qda_equals_scikit_learn_and_the_gaussian_formula(name, X, y, reg_param):
    ours = QuadraticDiscriminantAnalysis(reg_param=reg_param, store_covariance=True).fit(X, y)
    twin = da.QuadraticDiscriminantAnalysis(reg_param=reg_param).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), twin.predict_proba(X), atol=1e-8)
    np.testing.assert_array_equal(ours.predict(X), twin.predict(X))
    np.testing.assert_allclose(ours.decision_function(X), twin.decision_function(X),
                               rtol=1e-8, atol=1e-8)
    for k in range(len(ours.classes_)):
        Xk = X[y == ours.classes_[k]]
        cov = (1 - reg_param) * np.cov(Xk.T, bias=True) + reg_param * np.eye(X.shape[1])
        np.testing.assert_allclose(ours.covariance_[k], cov, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(ours.scalings_[k], twin.scalings_[k], rtol=1e-9)
    joint = np.column_stack([np.log(ours.priors_[k]) + stats.multivariate_normal(
        ours.means_[k], ours.covariance_[k]).logpdf(X) for k in range(len(ours.classes_))])
    np.testing.assert_allclose(ours.predict_log_proba(X),
                               joint - special.logsumexp(joint, axis=1, keepdims=True), atol=1e-8)


def test_qda_with_priors_equals_scikit_learn():
    X, y = DATASETS[1][1:]
    ours = QuadraticDiscriminantAnalysis(priors=[0.5, 0.3, 0.2]).fit(X, y)
    twin = da.QuadraticDiscriminantAnalysis(priors=[0.5, 0.3, 0.2]).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), twin.predict_proba(X), atol=1e-8)


def test_log_probabilities_stay_finite_far_from_the_data():
    X, y = DATASETS[0][1:]
    far = X[:3] * 1e3
    for cls in (LinearDiscriminantAnalysis, QuadraticDiscriminantAnalysis):
        model = cls().fit(X, y)
        log_p = model.predict_log_proba(far)
        assert np.all(np.isfinite(log_p)) and np.min(log_p) < -745  # exp(log_p) underflows
        np.testing.assert_allclose(np.exp(log_p).sum(axis=1), 1.0)


# ---- bad or degenerate input -----------------------------------------------------------------

def _collinear():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 3))
    y = np.repeat([0, 1, 2], 30)
    X[:, 0] += 2 * y
    return np.column_stack([X, X[:, 0] - X[:, 1]]), y


def test_collinear_features_svd_as_scikit_learn_eigen_a_clear_error_shrinkage_fits():
    X, y = _collinear()
    ours, twin = LinearDiscriminantAnalysis().fit(X, y), da.LinearDiscriminantAnalysis().fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), twin.predict_proba(X), atol=1e-8)
    assert ours.scalings_.shape[0] == 4
    with pytest.raises(linalg.LinAlgError, match="within-class covariance is singular"):
        LinearDiscriminantAnalysis(solver="eigen").fit(X, y)
    shrunk = LinearDiscriminantAnalysis(solver="eigen", shrinkage="auto").fit(X, y)
    assert shrunk.score(X, y) >= ours.score(X, y) - 0.05
    with pytest.raises(linalg.LinAlgError, match="increase reg_param"):
        QuadraticDiscriminantAnalysis().fit(X, y)


def test_fewer_samples_than_features():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(30, 40)), np.repeat([0, 1], 15)
    X[y == 1, :5] += 1.0
    twin = da.LinearDiscriminantAnalysis().fit(X, y)
    np.testing.assert_allclose(LinearDiscriminantAnalysis().fit(X, y).predict_proba(X),
                               twin.predict_proba(X), atol=1e-8)
    with pytest.raises(linalg.LinAlgError, match="singular"):
        LinearDiscriminantAnalysis(solver="eigen").fit(X, y)
    with pytest.raises(linalg.LinAlgError, match="15 samples, 40 features"):
        QuadraticDiscriminantAnalysis().fit(X, y)
    with pytest.raises(linalg.LinAlgError):  # scikit-learn refuses even with reg_param
        da.QuadraticDiscriminantAnalysis(reg_param=0.2).fit(X, y)
    # ours completes the eigenbasis: the covariance is (1 - r) Sigma_k + r I, checked by scipy
    r = 0.2
    model = QuadraticDiscriminantAnalysis(reg_param=r, store_covariance=True).fit(X, y)
    for k in range(2):
        cov = (1 - r) * np.cov(X[y == k].T, bias=True) + r * np.eye(40)
        np.testing.assert_allclose(model.covariance_[k], cov, atol=1e-12)
    joint = np.column_stack([np.log(0.5) + stats.multivariate_normal(
        model.means_[k], model.covariance_[k]).logpdf(X) for k in range(2)])
    np.testing.assert_allclose(model.decision_function(X), joint[:, 1] - joint[:, 0], rtol=1e-8)


def test_degenerate_data_gets_clear_errors():
    X, y = np.ones((10, 3)), np.repeat([0, 1], 5)
    with pytest.raises(ValueError, match="constant within every class"):
        LinearDiscriminantAnalysis().fit(X, y)
    with pytest.raises(ValueError, match="singular"):
        LinearDiscriminantAnalysis(solver="eigen").fit(X, y)
    with pytest.raises(ValueError, match="singular"):
        QuadraticDiscriminantAnalysis().fit(X, y)
    Xr, yr = DATASETS[0][1:]
    with pytest.raises(ValueError, match="only 1 sample"):
        QuadraticDiscriminantAnalysis().fit(Xr[:101], yr[:101])
    with pytest.raises(ValueError, match="more than the number of classes"):
        LinearDiscriminantAnalysis().fit(Xr[[0, 50, 100]], yr[[0, 50, 100]])
    with pytest.raises(ValueError, match="NaN"):
        LinearDiscriminantAnalysis().fit(np.where(Xr > 7, np.nan, Xr), yr)
    with pytest.raises(ValueError, match="overflow"):
        LinearDiscriminantAnalysis().fit(Xr * 1e200, yr)
    with pytest.raises(ValueError, match="overflow"):
        QuadraticDiscriminantAnalysis().fit(Xr * 1e200, yr)
    with pytest.raises(ValueError, match="expecting 4 features"):
        LinearDiscriminantAnalysis().fit(Xr, yr).transform(Xr[:, :3])
    with pytest.raises(ValueError, match="expecting 4 features"):
        QuadraticDiscriminantAnalysis().fit(Xr, yr).predict(Xr[:, :3])
    with pytest.raises(ValueError, match="at least 2 classes"):
        LinearDiscriminantAnalysis().fit(Xr[:50], yr[:50])


def test_one_feature_duplicates_and_float32():
    X, y = DATASETS[0][1:]
    for Xv, yv in [(X[:, :1], y), (np.vstack([X, X]), np.r_[y, y])]:
        for cls, twin in [(LinearDiscriminantAnalysis, da.LinearDiscriminantAnalysis),
                          (QuadraticDiscriminantAnalysis, da.QuadraticDiscriminantAnalysis)]:
            np.testing.assert_allclose(cls().fit(Xv, yv).predict_proba(Xv),
                                       twin().fit(Xv, yv).predict_proba(Xv), atol=1e-8)
    m32 = LinearDiscriminantAnalysis().fit(X.astype(np.float32), y)
    m64 = LinearDiscriminantAnalysis().fit(X.astype(np.float32).astype(np.float64), y)
    assert m32.coef_.dtype == np.float64
    np.testing.assert_array_equal(m32.coef_, m64.coef_)


def test_parameter_combinations_scikit_learn_refuses():
    X, y = DATASETS[0][1:]
    with pytest.raises(NotImplementedError, match="shrinkage not supported"):
        LinearDiscriminantAnalysis(shrinkage="auto").fit(X, y)
    with pytest.raises(NotImplementedError, match="transform not implemented"):
        LinearDiscriminantAnalysis(solver="lsqr").fit(X, y).transform(X)
    with pytest.raises(InvalidParameterError, match="'shrinkage' parameter"):
        LinearDiscriminantAnalysis(solver="eigen", shrinkage=1.5).fit(X, y)
    with pytest.raises(InvalidParameterError, match="'reg_param' parameter"):
        QuadraticDiscriminantAnalysis(reg_param=-0.1).fit(X, y)
    with pytest.warns(UserWarning, match="do not sum to 1"):
        LinearDiscriminantAnalysis(priors=[1, 1, 2]).fit(X, y)


def _mean_shift_data(n, d, seed):
    """Two Gaussian classes, identity covariance, means -0.25 and +0.25 in every feature."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    return rng.normal(size=(n, d)) + (2 * y[:, None] - 1) * 0.25, y


def test_shrinkage_helps_when_features_are_as_many_as_samples():
    X_tr, y_tr = _mean_shift_data(100, 100, 0)
    X_te, y_te = _mean_shift_data(2000, 100, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lstsq on a singular S_W
        plain = LinearDiscriminantAnalysis(solver="lsqr").fit(X_tr, y_tr).score(X_te, y_te)
    shrunk = LinearDiscriminantAnalysis(solver="lsqr", shrinkage="auto").fit(X_tr, y_tr)
    assert shrunk.score(X_te, y_te) > plain + 0.2


def test_digits_projection_matches_scikit_learn():
    X, y = load_digits(return_X_y=True)
    ours, twin = LinearDiscriminantAnalysis().fit(X, y), da.LinearDiscriminantAnalysis().fit(X, y)
    T, T_twin = ours.transform(X), twin.transform(X)
    np.testing.assert_allclose(_align_signs(T, T_twin), T_twin, atol=1e-8 * np.abs(T_twin).max())
    assert T.shape[1] == 9


def test_held_out_quality_within_002_of_scikit_learn_with_regularised_qda():
    # the shared twin-quality data give singular class covariances at reg_param=0, where both
    # packages refuse QDA; with a little regularisation both fit and must agree
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    cases = [load_breast_cancer(return_X_y=True), load_digits(return_X_y=True),
             make_classification(1_000, 12, n_informative=6, n_redundant=2, n_classes=3,
                                 class_sep=0.8, flip_y=0.05, random_state=7)]
    for X, y in cases:
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
        scaler = StandardScaler().fit(X_tr)
        X_tr, X_te = scaler.transform(X_tr), scaler.transform(X_te)
        for ours, twin in [(LinearDiscriminantAnalysis(), da.LinearDiscriminantAnalysis()),
                           (QuadraticDiscriminantAnalysis(reg_param=0.01),
                            da.QuadraticDiscriminantAnalysis(reg_param=0.01))]:
            s_ours = ours.fit(X_tr, y_tr).score(X_te, y_te)
            assert abs(s_ours - twin.fit(X_tr, y_tr).score(X_te, y_te)) <= 0.02


def test_eigen_singularity_check_is_invariant_to_feature_units():
    X, y = load_wine(return_X_y=True)
    reference = LinearDiscriminantAnalysis(solver="eigen").fit(X, y)
    for col, factor in [(12, 1e4), (12, 1e8), (0, 1e-8)]:
        Xs = X.copy()
        Xs[:, col] *= factor
        for cfg in ({"solver": "eigen"}, {"solver": "eigen", "shrinkage": "auto"}):
            ours = LinearDiscriminantAnalysis(**cfg).fit(Xs, y)
            twin = da.LinearDiscriminantAnalysis(**cfg).fit(Xs, y)
            np.testing.assert_array_equal(ours.predict(Xs), twin.predict(Xs))
        # LDA is invariant to rescaling a feature (ex-lda-1): the same posterior as unscaled
        np.testing.assert_allclose(LinearDiscriminantAnalysis(solver="eigen").fit(Xs, y)
                                   .predict_proba(Xs), reference.predict_proba(X), atol=1e-6)
    # an exact linear combination is still refused, in any units
    Xc = np.column_stack([X, 1e6 * (X[:, 0] - 2 * X[:, 3])])
    with pytest.raises(linalg.LinAlgError, match="within-class covariance is singular"):
        LinearDiscriminantAnalysis(solver="eigen").fit(Xc, y)


@pytest.mark.parametrize("column", ["constant 0.1", "constant 1/3", "constant per class"])
def test_eigen_refuses_a_feature_constant_within_classes_up_to_rounding(column):
    # 0.1 and 1/3 are not representable: the class means are off by rounding, so the computed
    # within-class variance is about 1e-32, not 0, and S_W is numerically singular
    X, y = load_wine(return_X_y=True)
    col = {"constant 0.1": np.full(len(y), 0.1), "constant 1/3": np.full(len(y), 1 / 3),
           "constant per class": 1 / 3 + 0.1 * y}[column]
    Xc = np.column_stack([X, col])
    with pytest.raises(linalg.LinAlgError, match=r"feature\(s\) \[13\] are constant"):
        LinearDiscriminantAnalysis(solver="eigen").fit(Xc, y)
    S = within_class_covariance(Xc, y, class_means(Xc, y, 3), np.bincount(y) / len(y))
    assert 0 < S[13, 13] < 1e-30  # what the old test, c == 0, let through
    # scaling the column does not change the verdict; shrinkage makes S_W well conditioned
    Xc[:, 13] *= 1e10
    with pytest.raises(linalg.LinAlgError, match="constant"):
        LinearDiscriminantAnalysis(solver="eigen").fit(Xc, y)
    Xc[:, 13] /= 1e10
    for shrinkage in (0.1, "auto"):
        LinearDiscriminantAnalysis(solver="eigen", shrinkage=shrinkage).fit(Xc, y)


def test_rounding_level_bound_holds_for_constant_features_of_any_value_and_size():
    # n eps max|x_j| bounds the rounding error of the class means (recursive summation)
    rng = np.random.default_rng(0)
    for n in (7, 178, 5_000, 100_000):
        y = np.arange(n) % 3
        for _ in range(5):
            v = rng.uniform(-10, 10, size=3) * 10.0 ** rng.integers(-8, 8)
            X = np.column_stack([rng.normal(size=(n, 2)), v[y]])  # last: constant per class
            means = class_means(X, y, 3)
            c = np.sqrt(within_class_covariance(X, y, means, np.bincount(y) / n)[2, 2])
            assert c <= n * np.finfo(float).eps * np.abs(X[:, 2]).max()
            with pytest.raises(linalg.LinAlgError, match="constant"):
                check_within_nonsingular(
                    within_class_covariance(X, y, means, np.bincount(y) / n), X)


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # scikit-learn's log(0)
@pytest.mark.parametrize("solver", ["svd", "eigen", "lsqr"])
def test_two_classes_with_a_zero_prior_give_finite_probabilities(solver):
    X, y = load_wine(return_X_y=True)
    X, y = X[y < 2], y[y < 2]
    for priors, certain in [([0.0, 1.0], 1), ([1.0, 0.0], 0)]:
        ours = LinearDiscriminantAnalysis(solver=solver, priors=priors).fit(X, y)
        twin = da.LinearDiscriminantAnalysis(solver=solver, priors=priors).fit(X, y)
        proba = ours.predict_proba(X)
        assert np.all(np.isfinite(proba))
        np.testing.assert_array_equal(proba[:, certain], 1.0)
        np.testing.assert_array_equal(proba, twin.predict_proba(X))
        np.testing.assert_array_equal(ours.predict(X), np.full(len(y), certain))


@pytest.mark.parametrize("solver", ["svd", "eigen", "lsqr"])
def test_a_large_common_offset_of_the_features_changes_nothing(solver):
    X, y = load_wine(return_X_y=True)
    reference = LinearDiscriminantAnalysis(solver=solver).fit(X, y).predict_proba(X)
    for offset in (1e6, 1e8):
        model = LinearDiscriminantAnalysis(solver=solver).fit(X + offset, y)
        np.testing.assert_allclose(model.predict_proba(X + offset), reference, atol=1e-6)
        assert model.score(X + offset, y) == 1.0


def test_eigen_accepts_a_real_small_spread_on_a_large_offset():
    # the rounding level of step 3 is measured after shifting by the feature means, so a feature
    # whose within-class spread is real but tiny next to a common offset is kept and used
    X, y = load_wine(return_X_y=True)
    rng = np.random.default_rng(1)
    small = 1e8 + 1e-6 * (rng.normal(size=len(y)) + 2.0 * y)
    X_small = np.column_stack([X[:, :1], small])
    with_small = LinearDiscriminantAnalysis(solver="eigen").fit(X_small, y)
    alone = LinearDiscriminantAnalysis(solver="eigen").fit(X[:, :1], y)
    assert with_small.score(X_small, y) > alone.score(X[:, :1], y) + 0.1
    # ... while a feature constant within the classes on the same offset is still refused
    with pytest.raises(linalg.LinAlgError, match="constant"):
        LinearDiscriminantAnalysis(solver="eigen").fit(
            np.column_stack([X, 1e8 + 0.1 * y]), y)
