"""PCA against scikit-learn and against independent computations."""

import numpy as np
import pytest
from sklearn.datasets import load_digits, load_iris
from sklearn.decomposition import PCA as SkPCA
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import check_estimator

from mlmath.dimensionality_reduction.pca.pca import PCA, choose_n_components
from mlmath.dimensionality_reduction.pca.ppca import ppca_log_likelihood, ppca_ml


def _datasets():
    rng = np.random.default_rng(0)
    spread = rng.normal(size=(300, 8)) * np.array([5, 3, 2, 1, .5, .3, .2, .1]) + 10.0
    wide = rng.normal(size=(20, 50))                                          # n < d
    low_rank = rng.normal(size=(100, 3)) @ rng.normal(size=(3, 12))           # rank 3
    iris = StandardScaler().fit_transform(load_iris().data)
    digits = load_digits().data[:400]
    return {"spread": spread, "wide": wide, "low_rank": low_rank, "iris": iris,
            "digits": digits}


DATA = _datasets()


def _reconstruction_error(est, X):
    return float(np.sum((X - est.inverse_transform(est.transform(X))) ** 2))


@pytest.mark.parametrize("name", sorted(DATA))
@pytest.mark.parametrize("solver", ["full", "covariance_eigh", "randomized"])
def test_matches_scikit_learn(name, solver):
    X = DATA[name]
    q = 2
    ours = PCA(q, svd_solver=solver, random_state=0).fit(X)
    sk = SkPCA(q, svd_solver=solver, random_state=0).fit(X)
    e_ours, e_sk = _reconstruction_error(ours, X), _reconstruction_error(sk, X)
    assert abs(e_ours - e_sk) <= 1e-8 * e_sk
    np.testing.assert_allclose(ours.explained_variance_, sk.explained_variance_, rtol=1e-8)
    np.testing.assert_allclose(ours.explained_variance_ratio_, sk.explained_variance_ratio_,
                               rtol=1e-8)
    np.testing.assert_allclose(ours.singular_values_, sk.singular_values_, rtol=1e-8)
    np.testing.assert_allclose(ours.mean_, sk.mean_, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.noise_variance_, sk.noise_variance_, rtol=1e-7)
    # components with their signs (the low-rank, covariance route loses digits: looser there)
    tol = 1e-6 if solver == "covariance_eigh" else 1e-8
    np.testing.assert_allclose(ours.components_, sk.components_, atol=tol)
    np.testing.assert_allclose(ours.transform(X), sk.transform(X), atol=1e-6 * np.abs(X).max())


@pytest.mark.parametrize("name", sorted(DATA))
def test_default_solver_and_all_components_match(name):
    X = DATA[name]
    ours, sk = PCA().fit(X), SkPCA().fit(X)
    assert ours._fit_svd_solver == sk._fit_svd_solver
    assert ours.n_components_ == sk.n_components_
    keep = sk.explained_variance_ > 1e-10 * sk.explained_variance_[0]     # well-defined axes
    np.testing.assert_allclose(ours.components_[keep], sk.components_[keep], atol=1e-7)
    np.testing.assert_allclose(ours.fit_transform(X)[:, keep], sk.fit_transform(X)[:, keep],
                               atol=1e-7 * np.abs(X).max())


_SOLVER_CASES = [((600, 100), q) for q in (None, 1, 10, 79, 80, 0.5)] + [
    ((2000, 600), 5), ((2000, 600), None), ((700, 700), 5), ((700, 700), 600),
    ((501, 20), None), ((520, 60), 3), ((520, 60), None), ((300, 8), 2)]


@pytest.mark.parametrize(("shape", "q"), _SOLVER_CASES)
def test_auto_solver_rule_matches_scikit_learn(shape, q):
    # every branch of the rule: covariance (n >= 10 d, d <= 1000), full (at most 500 on a
    # side), randomized (1 <= q < 0.8 min(n, d)) and full otherwise (q = 80 = 0.8 * 100, None,
    # a fraction)
    X = np.random.default_rng(0).normal(size=shape)
    ours = PCA(q)
    assert ours._solver(*shape, min(shape) if q is None else q) == \
        SkPCA(q, random_state=0).fit(X)._fit_svd_solver


def test_auto_solver_rule_branches():
    assert {q: PCA()._solver(600, 100, q) for q in (1, 79, 80)} == {
        1: "randomized", 79: "randomized", 80: "full"}
    assert PCA()._solver(10_000, 1_000, 5) == "covariance_eigh"    # n = 10 d, d = 1000
    assert PCA()._solver(10_010, 1_001, 5) == "randomized"         # d > 1000: no covariance
    assert PCA()._solver(10_010, 1_001, 1_001) == "full"
    assert PCA()._solver(500, 20, 2) == "covariance_eigh"
    assert PCA()._solver(499, 50, 2) == "full"


def test_float32_input_gives_float32_output_as_scikit_learn():
    X = DATA["spread"]
    f32 = X.astype(np.float32)
    for kw in ({}, {"whiten": True}, {"svd_solver": "randomized", "random_state": 0}):
        ours, sk = PCA(3, **kw).fit(f32), SkPCA(3, **kw).fit(f32)
        for method in ("transform", "fit_transform"):
            Z_ours, Z_sk = getattr(ours, method)(f32), getattr(sk, method)(f32)
            assert Z_ours.dtype == Z_sk.dtype == np.float32
            np.testing.assert_allclose(Z_ours, Z_sk, rtol=1e-3, atol=1e-3 * np.abs(Z_sk).max())
        back = ours.inverse_transform(ours.transform(f32))
        assert back.dtype == sk.inverse_transform(sk.transform(f32)).dtype == np.float32
        assert ours.transform(X).dtype == np.float64        # float64 input: float64 output
        # computed in float64: the fit equals the float64 fit of the same (rounded) numbers
        np.testing.assert_allclose(ours.explained_variance_,
                                   PCA(3, **kw).fit(f32.astype(float)).explained_variance_,
                                   rtol=1e-12)


def test_noise_variance_averages_what_each_solver_has():
    X = np.random.default_rng(3).normal(size=(10, 30))               # n < d
    q = 3
    full, cov = PCA(q, svd_solver="full").fit(X), PCA(q, svd_solver="covariance_eigh").fit(X)
    s = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)          # 10 values, the last ~0
    ev = s**2 / 9
    assert full.noise_variance_ == pytest.approx(ev[q:].mean(), rel=1e-10)      # over 10 - 3
    assert cov.noise_variance_ == pytest.approx(ev[q:].sum() / (30 - q), rel=1e-8)  # over 30 - 3
    for est, solver in ((full, "full"), (cov, "covariance_eigh")):
        assert est.noise_variance_ == pytest.approx(
            SkPCA(q, svd_solver=solver).fit(X).noise_variance_, rel=1e-8)


def test_explained_variance_against_the_covariance_eigenvalues():
    X = DATA["spread"]
    lam, V = np.linalg.eigh(np.cov(X.T))                   # independent: eigh of covariance
    lam, V = lam[::-1], V[:, ::-1]
    pca = PCA().fit(X)
    np.testing.assert_allclose(pca.explained_variance_, lam, rtol=1e-10)
    np.testing.assert_allclose(np.abs(np.sum(pca.components_ * V.T, axis=1)), 1.0, atol=1e-10)
    np.testing.assert_allclose(pca.explained_variance_ratio_, lam / lam.sum(), rtol=1e-10)


def test_reconstruction_error_is_the_sum_of_discarded_eigenvalues():
    X = DATA["digits"]
    for q in (1, 5, 20):
        pca = PCA(q, svd_solver="full").fit(X)
        tail = np.sum(PCA(svd_solver="full").fit(X).singular_values_[q:] ** 2)
        np.testing.assert_allclose(_reconstruction_error(pca, X), tail, rtol=1e-9)


@pytest.mark.parametrize("fraction", [0.5, 0.8, 0.9, 0.95, 0.99])
@pytest.mark.parametrize("name", ["digits", "iris", "spread"])
def test_variance_fraction_picks_scikit_learns_number(fraction, name):
    X = DATA[name]
    ours = PCA(fraction, svd_solver="full").fit(X)
    sk = SkPCA(fraction, svd_solver="full").fit(X)
    assert ours.n_components_ == sk.n_components_
    assert ours.explained_variance_ratio_.sum() > fraction
    assert ours.explained_variance_ratio_[:-1].sum() <= fraction


def test_choose_n_components_rule():
    ratio = np.array([0.5, 0.3, 0.2])
    assert choose_n_components(ratio, 0.5) == 2          # strictly more than the fraction
    assert choose_n_components(ratio, 0.49) == 1
    assert choose_n_components(ratio, 0.999999) == 3


def test_whitening_gives_identity_covariance():
    X = DATA["spread"]
    pca = PCA(4, whiten=True).fit(X)
    Z = pca.transform(X)
    np.testing.assert_allclose(np.cov(Z.T), np.eye(4), atol=1e-10)
    np.testing.assert_allclose(pca.fit_transform(X), Z, atol=1e-9)
    np.testing.assert_allclose(pca.inverse_transform(Z), SkPCA(4).fit(X).inverse_transform(
        SkPCA(4).fit(X).transform(X)), atol=1e-9)
    np.testing.assert_allclose(Z, SkPCA(4, whiten=True).fit(X).transform(X), atol=1e-9)


def test_score_and_covariance_match_scikit_learn_and_ppca():
    X = DATA["spread"]
    ours, sk = PCA(3, svd_solver="full").fit(X), SkPCA(3, svd_solver="full").fit(X)
    np.testing.assert_allclose(ours.get_covariance(), sk.get_covariance(), rtol=1e-10,
                               atol=1e-12)
    np.testing.assert_allclose(ours.get_precision(), sk.get_precision(), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(ours.get_precision() @ ours.get_covariance(), np.eye(8),
                               atol=1e-10)
    np.testing.assert_allclose(ours.score_samples(X), sk.score_samples(X), rtol=1e-10)
    mean, W, sigma2 = ppca_ml(X, 3, ddof=1)
    np.testing.assert_allclose(ours.score_samples(X), ppca_log_likelihood(X, mean, W, sigma2),
                               rtol=1e-10)
    assert ours.score(X) == pytest.approx(sk.score(X), rel=1e-12)


def test_zero_components_and_full_rank_precision():
    X = DATA["iris"]
    p0 = PCA(0, svd_solver="full").fit(X)
    np.testing.assert_allclose(p0.get_precision(), SkPCA(0, svd_solver="full").fit(X)
                               .get_precision(), rtol=1e-10)
    full = PCA(svd_solver="full").fit(X)
    assert full.noise_variance_ == 0.0
    np.testing.assert_allclose(full.get_precision() @ full.get_covariance(), np.eye(4),
                               atol=1e-8)


@pytest.mark.parametrize("est", [PCA(svd_solver="full"), PCA(2, svd_solver="randomized"),
                                 PCA(whiten=True), PCA(0.9, svd_solver="full")])
def test_other_configurations_pass_the_estimator_suite(est):
    check_estimator(est)


def test_bad_input_gets_clear_errors():
    X = DATA["spread"]
    with pytest.raises(ValueError, match="NaN"):
        PCA().fit(np.where(np.eye(300, 8) == 1, np.nan, X))
    with pytest.raises(ValueError, match="infinity"):
        PCA().fit(np.where(np.eye(300, 8) == 1, np.inf, X))
    with pytest.raises(ValueError, match="n_samples=1"):
        PCA().fit(X[:1])
    with pytest.raises(ValueError, match="must be between 0 and"):
        PCA(9).fit(X)
    with pytest.raises(ValueError, match="must be between 1 and"):
        PCA(0, svd_solver="randomized").fit(X)
    with pytest.raises(ValueError, match="variance fraction"):
        PCA(0.5, svd_solver="randomized").fit(X)
    with pytest.raises(ValueError, match="n_components"):
        PCA(1.5).fit(X)
    with pytest.raises(ValueError, match="overflow"):
        PCA().fit(X * 1e200)
    pca = PCA(2).fit(X)
    with pytest.raises(ValueError, match="features"):
        pca.transform(X[:, :5])
    with pytest.raises(ValueError, match="n_components_=2"):
        pca.inverse_transform(np.zeros((3, 5)))


def test_degenerate_data():
    same = np.ones((10, 3))
    pca = PCA().fit(same)
    assert np.all(pca.explained_variance_ == 0)
    np.testing.assert_allclose(pca.inverse_transform(pca.transform(same)), same)
    one = DATA["spread"][:, :1]
    np.testing.assert_allclose(PCA().fit(one).explained_variance_, [np.var(one, ddof=1)])
    dup = np.repeat(DATA["iris"][:5], 3, axis=0)
    ours, sk = PCA(2).fit(dup), SkPCA(2).fit(dup)
    np.testing.assert_allclose(ours.explained_variance_, sk.explained_variance_, rtol=1e-10)
    f32 = DATA["iris"].astype(np.float32)
    np.testing.assert_allclose(PCA(2).fit(f32).explained_variance_,
                               PCA(2).fit(f32.astype(float)).explained_variance_)
