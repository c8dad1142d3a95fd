"""Oracle, derivation and bad-input tests of mlmath.supervised.naive_bayes.estimators.

Oracles: each classifier against its scikit-learn twin on several datasets (learned attributes to
1e-10, identical predictions). Derivations: the maximum likelihood estimates are stationary
points of the log-likelihood (gradients by torch.autograd) and maximisers (numerical
optimisation); additive smoothing is a Dirichlet/Beta posterior mean and a MAP estimate
(numerical integration and optimisation); predict_proba is Bayes' rule computed by brute force
in linear space with scipy.stats densities; partial_fit in chunks equals fit; with shared
variances the Gaussian log-odds are affine in x.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import torch
from scipy import integrate, optimize, stats
from sklearn import naive_bayes as sknb
from sklearn.datasets import (
    load_breast_cancer,
    load_digits,
    load_iris,
    load_wine,
    make_classification,
)
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import train_test_split

from mlmath.supervised.naive_bayes.estimators import BernoulliNB, GaussianNB, MultinomialNB

CLASSES = {"GaussianNB": GaussianNB, "MultinomialNB": MultinomialNB, "BernoulliNB": BernoulliNB}
ATTRIBUTES = ["class_count_", "class_prior_", "theta_", "var_", "epsilon_", "feature_count_",
              "feature_log_prob_", "class_log_prior_", "n_features_in_"]


def _counts(n=300, d=40, k=3, seed=0, concentration=0.3):
    """Word counts drawn from a multinomial per class (a small synthetic corpus)."""
    rng = np.random.default_rng(seed)
    theta = rng.dirichlet(np.full(d, concentration), size=k)
    y = rng.integers(0, k, n)
    lengths = rng.integers(5, 60, n)
    X = np.vstack([rng.multinomial(m, theta[c]) for m, c in zip(lengths, y)]).astype(float)
    return X, y


def _dataset(name):
    if name == "counts":
        return _counts()
    if name == "classification":
        X, y = make_classification(400, 8, n_informative=5, n_classes=3, random_state=0)
        return X, y
    loader = {"iris": load_iris, "wine": load_wine, "digits": load_digits,
              "breast_cancer": load_breast_cancer}[name]
    return loader(return_X_y=True)


def assert_same_model(ours, theirs, X, *, rtol=1e-10):
    for attr in ATTRIBUTES:
        if hasattr(theirs, attr):
            np.testing.assert_allclose(getattr(ours, attr), getattr(theirs, attr), rtol=rtol,
                                       atol=1e-12, err_msg=attr)
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_allclose(ours.predict_joint_log_proba(X),
                               theirs.predict_joint_log_proba(X), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(ours.predict_log_proba(X), theirs.predict_log_proba(X),
                               rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-10)


# --- oracles against scikit-learn -----------------------------------------------------------

CONFIGS = [
    ("GaussianNB", {}),
    ("GaussianNB", {"var_smoothing": 1e-3}),
    ("MultinomialNB", {}),
    ("MultinomialNB", {"alpha": 0.1, "fit_prior": False}),
    ("BernoulliNB", {}),
    ("BernoulliNB", {"alpha": 0.5, "binarize": 4.0}),
]


@pytest.mark.parametrize("data", ["iris", "wine", "digits", "breast_cancer", "counts",
                                  "classification"])
@pytest.mark.parametrize("name,params", CONFIGS)
@pytest.mark.parametrize("weighted", [False, True])
def test_matches_sklearn(data, name, params, weighted):
    X, y = _dataset(data)
    if name == "MultinomialNB" and np.min(X) < 0:
        X = X - X.min(axis=0)  # counts must be non-negative
    sw = np.random.default_rng(1).uniform(0.1, 3.0, len(y)) if weighted else None
    ours = CLASSES[name](**params).fit(X, y, sample_weight=sw)
    theirs = getattr(sknb, name)(**params).fit(X, y, sample_weight=sw)
    assert_same_model(ours, theirs, X)


@pytest.mark.parametrize("data", ["iris", "wine", "digits", "breast_cancer"])
@pytest.mark.parametrize("name", CLASSES)
def test_held_out_accuracy_matches_sklearn(data, name):
    X, y = _dataset(data)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    # BernoulliNB thresholds every feature at the median of the training data
    params = {"binarize": float(np.median(X_tr))} if name == "BernoulliNB" else {}
    ours = CLASSES[name](**params).fit(X_tr, y_tr).score(X_te, y_te)
    theirs = getattr(sknb, name)(**params).fit(X_tr, y_tr).score(X_te, y_te)
    assert abs(ours - theirs) <= 0.02
    assert ours > 0.6


def test_fixed_priors_alpha_array_and_binary_input_match_sklearn():
    X, y = _dataset("counts")
    alphas = np.linspace(0.1, 2, 40)
    for params in [{"class_prior": [0.2, 0.3, 0.5]}, {"alpha": alphas}]:
        assert_same_model(MultinomialNB(**params).fit(X, y),
                          sknb.MultinomialNB(**params).fit(X, y), X)
    assert_same_model(BernoulliNB(class_prior=[0.2, 0.3, 0.5]).fit(X, y),
                      sknb.BernoulliNB(class_prior=[0.2, 0.3, 0.5]).fit(X, y), X)
    # scikit-learn 1.9.1's BernoulliNB cannot broadcast a per-feature alpha; the formula can
    b = BernoulliNB(alpha=alphas).fit(X, y)
    expected = (b.feature_count_ + alphas) / (b.class_count_[:, None] + 2 * alphas)
    np.testing.assert_allclose(np.exp(b.feature_log_prob_), expected, rtol=1e-13)
    Xb = (X > 1).astype(float)
    assert_same_model(BernoulliNB(binarize=None).fit(Xb, y),
                      sknb.BernoulliNB(binarize=None).fit(Xb, y), Xb)
    X, y = load_iris(return_X_y=True)
    assert_same_model(GaussianNB(priors=[0.5, 0.25, 0.25]).fit(X, y),
                      sknb.GaussianNB(priors=[0.5, 0.25, 0.25]).fit(X, y), X)


def test_string_labels_and_sparse_input():
    X, y = _dataset("counts")
    labels = np.array(["ham", "spam", "eggs"])[y]
    for name in CLASSES:
        model = CLASSES[name]().fit(X, labels)
        assert set(model.predict(X)) <= set(labels)
        np.testing.assert_array_equal(model.classes_, ["eggs", "ham", "spam"])
    for name in ["MultinomialNB", "BernoulliNB"]:
        dense = CLASSES[name]().fit(X, y)
        sparse = CLASSES[name]().fit(sp.csr_matrix(X), y)
        np.testing.assert_allclose(sparse.feature_log_prob_, dense.feature_log_prob_, rtol=1e-13)
        np.testing.assert_allclose(sparse.predict_proba(sp.csr_matrix(X)),
                                   dense.predict_proba(X), rtol=1e-12)


@pytest.mark.parametrize("name", CLASSES)
def test_integer_sample_weights_equal_repetition(name):
    X, y = _dataset("counts")
    w = np.random.default_rng(2).integers(0, 4, len(y))
    weighted = CLASSES[name]().fit(X, y, sample_weight=w)
    repeated = CLASSES[name]().fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    for attr in ["class_count_", "theta_", "feature_count_", "feature_log_prob_",
                 "class_log_prior_"]:
        if hasattr(weighted, attr):
            np.testing.assert_allclose(getattr(weighted, attr), getattr(repeated, attr),
                                       rtol=1e-10, atol=1e-12)
    if name == "GaussianNB":  # epsilon_ uses the unweighted variance, as in scikit-learn
        np.testing.assert_allclose(weighted.var_ - weighted.epsilon_,
                                   repeated.var_ - repeated.epsilon_, rtol=1e-9)


# --- partial_fit ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", CLASSES)
@pytest.mark.parametrize("weighted", [False, True])
def test_partial_fit_in_chunks_equals_fit(name, weighted):
    X, y = _dataset("counts")
    sw = np.random.default_rng(3).uniform(0.5, 2.0, len(y)) if weighted else None
    full = CLASSES[name]().fit(X, y, sample_weight=sw)
    chunked = CLASSES[name]()
    bounds = [0, 7, 100, 101, 250, len(y)]  # uneven chunks, one of a single sample
    for a, b in zip(bounds[:-1], bounds[1:]):
        chunked.partial_fit(X[a:b], y[a:b], classes=np.arange(3) if a == 0 else None,
                            sample_weight=None if sw is None else sw[a:b])
    for attr in ATTRIBUTES:
        if hasattr(full, attr):
            np.testing.assert_allclose(getattr(chunked, attr), getattr(full, attr),
                                       rtol=1e-10, atol=1e-12, err_msg=attr)
    np.testing.assert_array_equal(chunked.predict(X), full.predict(X))


def test_gaussian_partial_fit_matches_sklearn_means_and_counts():
    X, y = load_wine(return_X_y=True)
    ours, theirs = GaussianNB(), sknb.GaussianNB()
    for chunk in np.array_split(np.arange(len(y)), 4):
        ours.partial_fit(X[chunk], y[chunk], classes=[0, 1, 2])
        theirs.partial_fit(X[chunk], y[chunk], classes=[0, 1, 2])
    np.testing.assert_allclose(ours.class_count_, theirs.class_count_)
    np.testing.assert_allclose(ours.theta_, theirs.theta_, rtol=1e-12)
    # scikit-learn's epsilon_ comes from the last chunk only (and the previous epsilon is not
    # removed exactly), so the variances differ by up to a few epsilons; ours equal fit's.
    tol = 3 * max(ours.epsilon_, theirs.epsilon_)
    assert np.max(np.abs(ours.var_ - theirs.var_)) <= tol
    np.testing.assert_allclose(ours.var_, GaussianNB().fit(X, y).var_, rtol=1e-10)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


def test_gaussian_floor_uses_the_all_data_statistics_of_every_chunk():
    # eq-nb-variance-floor and alg-nb-fit: the floor zeta (epsilon_) is var_smoothing times the
    # largest unweighted variance of a feature over *all* the samples seen, so partial_fit must
    # carry the all-data statistics; a last chunk of tiny spread must not shrink it.
    rng = np.random.default_rng(7)
    X = rng.normal(size=(300, 4)) * np.array([1.0, 5.0, 0.1, 2.0]) + 3.0
    X[200:] = 3.0 + 0.01 * rng.normal(size=(100, 4))  # the last chunk barely varies
    y = rng.integers(0, 2, 300)
    sw = rng.uniform(0.5, 2.0, 300)  # weights do not enter the floor
    model = GaussianNB(var_smoothing=1e-3)
    for chunk in (slice(0, 50), slice(50, 200), slice(200, 300)):
        model.partial_fit(X[chunk], y[chunk], classes=[0, 1], sample_weight=sw[chunk])
    zeta = 1e-3 * np.var(X, axis=0).max()
    assert model.epsilon_ == pytest.approx(zeta, rel=1e-12)
    assert model.epsilon_ > 100 * 1e-3 * np.var(X[200:], axis=0).max()  # not the last chunk's
    full = GaussianNB(var_smoothing=1e-3).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(model.var_, full.var_, rtol=1e-10)
    np.testing.assert_allclose(model.var_ - zeta, full.var_ - full.epsilon_, rtol=1e-9)


def test_chan_update_equals_the_variance_of_the_union():
    from mlmath.supervised.naive_bayes.base import combine_mean_variance

    rng = np.random.default_rng(4)
    a, b = rng.normal(3.0, 2.0, (50, 5)), rng.normal(-1.0, 0.5, (17, 5))
    wa, wb = rng.uniform(0, 2, 50), rng.uniform(0, 2, 17)

    def moments(Z, w):
        m = np.average(Z, axis=0, weights=w)
        return np.array([w.sum()]), m[None], np.average((Z - m) ** 2, axis=0, weights=w)[None]

    n, mean, var = combine_mean_variance(*moments(a, wa), *moments(b, wb))
    n_ref, mean_ref, var_ref = moments(np.vstack([a, b]), np.concatenate([wa, wb]))
    np.testing.assert_allclose(n, n_ref)
    np.testing.assert_allclose(mean, mean_ref, rtol=1e-13)
    np.testing.assert_allclose(var, var_ref, rtol=1e-12)
    # an empty part changes nothing, and two empty parts stay at zero
    n0, mean0, var0 = combine_mean_variance(np.zeros(1), np.zeros((1, 5)), np.zeros((1, 5)),
                                            *moments(b, wb))
    np.testing.assert_allclose(mean0, moments(b, wb)[1])
    np.testing.assert_allclose(var0, moments(b, wb)[2])
    z = np.zeros((1, 5))
    assert np.all(combine_mean_variance(np.zeros(1), z, z, np.zeros(1), z, z)[2] == 0)


# --- the derivations ------------------------------------------------------------------------


def test_gaussian_mle_is_a_stationary_point_and_a_maximum():
    X, y = load_iris(return_X_y=True)
    sw = np.random.default_rng(5).uniform(0.5, 2.0, len(y))
    model = GaussianNB(var_smoothing=0.0).fit(X, y, sample_weight=sw)
    for k in range(3):
        Xk, wk = torch.tensor(X[y == k]), torch.tensor(sw[y == k])
        mu = torch.tensor(model.theta_[k], requires_grad=True)
        var = torch.tensor(model.var_[k], requires_grad=True)
        loglik = torch.sum(wk[:, None] * (-0.5 * torch.log(2 * np.pi * var)
                                          - (Xk - mu) ** 2 / (2 * var)))
        loglik.backward()
        np.testing.assert_allclose(mu.grad.numpy(), 0.0, atol=1e-8)
        np.testing.assert_allclose(var.grad.numpy(), 0.0, atol=1e-6)

        def negloglik(p, Xk=X[y == k], wk=sw[y == k]):
            m, v = p[:4], np.exp(p[4:])
            return -np.sum(wk[:, None] * stats.norm.logpdf(Xk, m, np.sqrt(v)))

        start = np.concatenate([Xk.numpy().mean(axis=0) + 0.3, np.zeros(4)])
        res = optimize.minimize(negloglik, start, method="BFGS", options={"gtol": 1e-9})
        np.testing.assert_allclose(res.x[:4], model.theta_[k], atol=1e-4)
        np.testing.assert_allclose(np.exp(res.x[4:]), model.var_[k], rtol=1e-3)


def test_multinomial_mle_maximises_the_likelihood_on_the_simplex():
    X, y = _counts(d=6, concentration=3.0)
    model = MultinomialNB(alpha=0.0).fit(X, y)
    for k in range(3):
        N = torch.tensor(model.feature_count_[k])
        theta = torch.tensor(np.exp(model.feature_log_prob_[k]), requires_grad=True)
        torch.sum(N * torch.log(theta)).backward()
        # stationarity of the Lagrangian: the gradient N_j / theta_j is the constant lambda = N
        np.testing.assert_allclose(theta.grad.numpy(), N.sum().item(), rtol=1e-10)

        def neg(z, N=model.feature_count_[k]):  # softmax parametrisation of the simplex
            return -np.sum(N * (z - np.log(np.sum(np.exp(z)))))

        res = optimize.minimize(neg, np.zeros(6), method="BFGS", options={"gtol": 1e-10})
        np.testing.assert_allclose(np.exp(res.x) / np.exp(res.x).sum(),
                                   np.exp(model.feature_log_prob_[k]), atol=1e-6)


def test_bernoulli_mle_is_a_stationary_point():
    X, y = _counts(d=8, concentration=3.0)
    model = BernoulliNB(alpha=0.0, binarize=1.0).fit(X, y)
    c = torch.tensor(model.feature_count_)
    N = torch.tensor(model.class_count_)[:, None]
    p = torch.tensor(np.exp(model.feature_log_prob_), requires_grad=True)
    torch.sum(c * torch.log(p) + (N - c) * torch.log(1 - p)).backward()
    np.testing.assert_allclose(p.grad.numpy(), 0.0, atol=1e-8)


def test_additive_smoothing_is_the_beta_posterior_mean_and_a_map():
    # Bernoulli feature: c presences among N samples, Beta(alpha, alpha) prior
    c, N, alpha = 3.0, 11.0, 0.7
    X = np.zeros((int(N) + 1, 1))
    X[:int(c), 0] = 1.0
    y = np.r_[np.zeros(int(N)), 1]  # class 0 holds the N samples; class 1 a single sample
    X[-1, 0] = 1.0
    model = BernoulliNB(alpha=alpha, binarize=None).fit(X, y)
    p_hat = np.exp(model.feature_log_prob_[0, 0])

    def unnorm(p, a):
        return p ** (c + a - 1) * (1 - p) ** (N - c + a - 1)

    mean = integrate.quad(lambda p: p * unnorm(p, alpha), 0, 1)[0] / integrate.quad(
        lambda p: unnorm(p, alpha), 0, 1)[0]
    assert p_hat == pytest.approx(mean, rel=1e-8)
    # ... and the mode of the posterior under a Beta(alpha + 1, alpha + 1) prior
    mode = optimize.minimize_scalar(lambda p: -np.log(unnorm(p, alpha + 1)),
                                    bounds=(1e-9, 1 - 1e-9), method="bounded",
                                    options={"xatol": 1e-12}).x
    assert p_hat == pytest.approx(mode, rel=1e-6)


def test_additive_smoothing_is_the_dirichlet_posterior_mean_and_a_map():
    counts, alpha = np.array([4.0, 0.0, 9.0]), 0.5
    X = np.vstack([np.diag(counts), [[1.0, 1.0, 1.0]]])
    y = np.array([0, 0, 0, 1])
    theta_hat = np.exp(MultinomialNB(alpha=alpha).fit(X, y).feature_log_prob_[0])

    def density(t1, t2, a):  # unnormalised Dirichlet posterior on the 2-simplex
        t3 = 1.0 - t1 - t2
        return t1 ** (counts[0] + a - 1) * t2 ** (counts[1] + a - 1) * t3 ** (counts[2] + a - 1)

    def integral(f):
        return integrate.dblquad(lambda t2, t1: f(t1, t2), 0, 1, 0, lambda t1: 1 - t1,
                                 epsabs=1e-12, epsrel=1e-10)[0]

    Z = integral(lambda t1, t2: density(t1, t2, alpha))
    mean = np.array([integral(lambda t1, t2: t1 * density(t1, t2, alpha)),
                     integral(lambda t1, t2: t2 * density(t1, t2, alpha))]) / Z
    np.testing.assert_allclose(theta_hat[:2], mean, rtol=2e-5)

    def neg_log_post(z):  # Dirichlet(alpha + 1) prior: maximise over the simplex (softmax)
        t = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
        return -np.sum((counts + alpha) * np.log(t))

    res = optimize.minimize(neg_log_post, np.zeros(3), method="BFGS", options={"gtol": 1e-10})
    np.testing.assert_allclose(np.exp(res.x) / np.exp(res.x).sum(), theta_hat, atol=1e-6)


def test_predict_proba_is_bayes_rule_in_linear_space():
    rng = np.random.default_rng(6)
    X, y = rng.normal(size=(30, 3)) + np.repeat([[0, 0, 0], [1, 2, 0], [0, 1, 3]], 10, 0), \
        np.repeat([0, 1, 2], 10)
    Xq = rng.normal(size=(8, 3))
    g = GaussianNB().fit(X, y)
    lik = np.prod(stats.norm.pdf(Xq[:, None, :], g.theta_[None], np.sqrt(g.var_[None])), axis=2)
    joint = g.class_prior_ * lik
    np.testing.assert_allclose(g.predict_proba(Xq), joint / joint.sum(1, keepdims=True),
                               rtol=1e-10)

    Xc, yc = _counts(n=60, d=5)
    m = MultinomialNB(alpha=0.5).fit(Xc, yc)
    theta = np.exp(m.feature_log_prob_)
    lik = np.array([[stats.multinomial.pmf(x, x.sum(), t) for t in theta] for x in Xc[:10]])
    joint = np.exp(m.class_log_prior_) * lik
    np.testing.assert_allclose(m.predict_proba(Xc[:10]), joint / joint.sum(1, keepdims=True),
                               rtol=1e-9)

    b = BernoulliNB(alpha=0.5, binarize=1.0).fit(Xc, yc)
    Xbin = (Xc[:10] > 1.0).astype(int)
    lik = np.prod(stats.bernoulli.pmf(Xbin[:, None, :], np.exp(b.feature_log_prob_)[None]),
                  axis=2)
    joint = np.exp(b.class_log_prior_) * lik
    np.testing.assert_allclose(b.predict_proba(Xc[:10]), joint / joint.sum(1, keepdims=True),
                               rtol=1e-10)


def test_log_space_survives_where_linear_space_underflows():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(200, 2000)) + np.repeat([[0.0], [0.15]], 100, axis=0)
    y = np.repeat([0, 1], 100)
    model = GaussianNB().fit(X, y)
    lik = np.prod(stats.norm.pdf(X[:5, None, :], model.theta_[None],
                                 np.sqrt(model.var_[None])), axis=2)
    assert np.all(lik == 0.0)  # linear space: every likelihood underflows, 0/0 follows
    proba = model.predict_proba(X)
    assert np.all(np.isfinite(proba))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(proba, sknb.GaussianNB().fit(X, y).predict_proba(X), atol=1e-9)


def test_shared_variances_make_the_log_odds_affine():
    X, y = load_iris(return_X_y=True)
    model = GaussianNB().fit(X, y)
    model.var_ = np.tile(model.var_.mean(axis=0), (3, 1))  # a variance per feature, shared
    rng = np.random.default_rng(8)
    Z = rng.normal(5.0, 2.0, (50, 4))
    jll = model.predict_joint_log_proba(Z)
    log_odds = jll[:, 1] - jll[:, 0]
    w = (model.theta_[1] - model.theta_[0]) / model.var_[0]
    b = (np.log(model.class_prior_[1] / model.class_prior_[0])
         - np.sum((model.theta_[1] ** 2 - model.theta_[0] ** 2) / (2 * model.var_[0])))
    np.testing.assert_allclose(log_odds, Z @ w + b, rtol=1e-10, atol=1e-9)
    # with per-class variances the log-odds are quadratic: an affine fit leaves residuals
    model.var_ = GaussianNB().fit(X, y).var_
    jll = model.predict_joint_log_proba(Z)
    A = np.column_stack([Z, np.ones(len(Z))])
    residual = np.linalg.lstsq(A, jll[:, 1] - jll[:, 0], rcond=None)[1]
    assert residual[0] > 1.0


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CLASSES)
def test_bad_input_is_refused(name):
    X, y = _dataset("counts")
    model = CLASSES[name]()
    with pytest.raises(NotFittedError):
        model.predict(X)
    Xnan = X.copy()
    Xnan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        CLASSES[name]().fit(Xnan, y)
    Xinf = X.copy()
    Xinf[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        CLASSES[name]().fit(Xinf, y)
    with pytest.raises(ValueError, match="class"):
        CLASSES[name]().fit(X, np.zeros(len(y)))
    with pytest.raises(ValueError, match="continuous|Unknown label"):
        CLASSES[name]().fit(X, np.linspace(0, 1, len(y)))
    with pytest.raises(ValueError):
        CLASSES[name]().fit(X[:-1], y)
    with pytest.raises(ValueError, match="sample_weight"):
        CLASSES[name]().fit(X, y, sample_weight=np.ones(3))
    fitted = CLASSES[name]().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        fitted.predict(X[:, :5])
    with pytest.raises(ValueError, match="classes must be passed"):
        CLASSES[name]().partial_fit(X, y)
    with pytest.raises(ValueError, match="do not exist"):
        CLASSES[name]().partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match="not the same"):
        fitted.partial_fit(X, y, classes=[0, 1, 7])
    with pytest.raises(ValueError, match="features"):
        fitted.partial_fit(X[:, :5], y)


def test_invalid_parameters_are_refused():
    X, y = _dataset("counts")
    with pytest.raises(ValueError, match="var_smoothing"):
        GaussianNB(var_smoothing=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="Number of priors"):
        GaussianNB(priors=[0.5, 0.5]).fit(X, y)
    with pytest.raises(ValueError, match="sum of the priors"):
        GaussianNB(priors=[0.5, 0.5, 0.5]).fit(X, y)
    with pytest.raises(ValueError, match="non-negative"):
        GaussianNB(priors=[1.5, -0.5, 0.0]).fit(X, y)
    for cls in (MultinomialNB, BernoulliNB):
        with pytest.raises(ValueError, match="alpha"):
            cls(alpha=-0.1).fit(X, y)
        with pytest.raises(ValueError, match="one value per feature"):
            cls(alpha=np.ones(3)).fit(X, y)
        with pytest.raises(ValueError, match="alpha"):
            cls(alpha=-np.ones(X.shape[1])).fit(X, y)
        with pytest.raises(TypeError, match="fit_prior"):
            cls(fit_prior="yes").fit(X, y)
        with pytest.raises(TypeError, match="force_alpha"):
            cls(force_alpha=1).fit(X, y)
        with pytest.raises(ValueError, match="Number of priors"):
            cls(class_prior=[0.5, 0.5]).fit(X, y)
        with pytest.raises(ValueError, match="sum of the priors"):
            cls(class_prior=[0.2, 0.2, 0.2]).fit(X, y)
        with pytest.warns(UserWarning, match="alpha too small"):
            model = cls(alpha=0.0, force_alpha=False).fit(X, y)
        assert np.all(np.isfinite(model.feature_log_prob_))
    with pytest.raises(ValueError, match="binarize"):
        BernoulliNB(binarize=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="binary features"):
        BernoulliNB(binarize=None).fit(X, y)


def test_multinomial_refuses_negative_features():
    X, y = _dataset("counts")
    X[3, 2] = -1.0
    with pytest.raises(ValueError, match="Negative values in data passed to MultinomialNB"):
        MultinomialNB().fit(X, y)
    with pytest.raises(ValueError, match="Negative values"):
        MultinomialNB().fit(sp.csr_matrix(X), y)


# --- degenerate fits: an error, never NaN probabilities -------------------------------------


def test_gaussian_refuses_all_constant_features():
    X, y = np.ones((6, 3)), np.array([0, 0, 0, 1, 1, 1])
    with pytest.raises(ValueError, match="every feature is constant"):
        GaussianNB().fit(X, y)
    # var_smoothing = 0 with a feature constant within a class: no floor either
    X = np.column_stack([np.arange(6.0), [1.0, 1.0, 1.0, 2.0, 3.0, 4.0]])
    with pytest.raises(ValueError, match="zero variance in class 0.*var_smoothing > 0"):
        GaussianNB(var_smoothing=0.0).fit(X, y)
    assert np.all(np.isfinite(GaussianNB().fit(X, y).predict_proba(X)))
    # partial_fit may be cured by a later batch, so the error waits for predict
    model = GaussianNB().partial_fit(np.ones((2, 3)), [0, 1], classes=[0, 1])
    with pytest.raises(ValueError, match="every feature is constant"):
        model.predict_proba(np.ones((2, 3)))
    model.partial_fit(np.arange(6.0).reshape(2, 3), [0, 1])
    assert np.all(np.isfinite(model.predict_proba(np.ones((2, 3)))))


def test_multinomial_alpha_zero_refuses_a_zero_count():
    X, y = np.array([[1.0, 0.0], [2.0, 0.0], [0.0, 1.0], [1.0, 3.0]]), np.array([0, 0, 1, 1])
    with pytest.raises(ValueError, match="feature 1 has zero count in class 0.*alpha > 0"):
        MultinomialNB(alpha=0.0).fit(X, y)
    with pytest.raises(ValueError, match="zero count"):
        MultinomialNB(alpha=np.array([1.0, 0.0])).fit(X, y)
    assert np.all(np.isfinite(MultinomialNB(alpha=np.array([0.0, 1.0])).fit(X, y)
                              .predict_proba(X)))
    assert np.all(np.isfinite(MultinomialNB(alpha=1e-3).fit(X, y).predict_proba(X)))


def test_bernoulli_alpha_zero_refuses_a_feature_never_or_always_present():
    # unsmoothed, p_kj = 0 or 1 makes 0 * log(0) = NaN in the scores of every sample
    X = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    y = np.array([0, 0, 1, 1])
    with pytest.raises(ValueError, match="feature 0 is present in every sample of class 0"
                                         ".*alpha > 0"):
        BernoulliNB(alpha=0.0).fit(X, y)
    with pytest.raises(ValueError, match="present in every sample"):  # sparse, thresholded
        BernoulliNB(alpha=0.0, binarize=0.5).fit(sp.csr_matrix(X * 2.0), y)
    with pytest.raises(ValueError, match="feature 0"):
        BernoulliNB(alpha=np.array([0.0, 1.0])).fit(X, y)
    for alpha in (np.array([1.0, 0.0]), 1e-3):  # feature 1 has counts strictly in (0, N_k)
        assert np.all(np.isfinite(BernoulliNB(alpha=alpha).fit(X, y).predict_proba(X)))
    X2 = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match="feature 0 is never present in class 1.*alpha > 0"):
        BernoulliNB(alpha=0.0).fit(X2, y)
    # partial_fit may be cured by a later batch, so the error waits for predict
    model = BernoulliNB(alpha=0.0).partial_fit(X2[:2], y[:2], classes=[0, 1])
    with pytest.raises(ValueError, match="class 1 has no training samples yet"):
        model.predict_proba(X2)
    model.partial_fit(np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]), [1, 1, 1])
    assert np.all(np.isfinite(model.predict_proba(X2)))


@pytest.mark.parametrize("sparse", [False, True])
def test_bernoulli_without_binarize_refuses_non_binary_input_at_prediction(sparse):
    X, y = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), np.array([0, 1, 1])
    conv = sp.csr_matrix if sparse else np.asarray
    model = BernoulliNB(binarize=None).fit(conv(X), y)
    bad = conv(np.array([[5.0, 0.0], [0.0, 1.0]]))
    for method in (model.predict, model.predict_proba, model.predict_log_proba):
        with pytest.raises(ValueError, match="binarize=None needs binary features"):
            method(bad)
    model.predict(conv(X))  # binary input still predicts
    # with a threshold, X is binarised first and any value is accepted
    BernoulliNB(binarize=0.5).fit(conv(X), y).predict(bad)


def test_multinomial_partial_fit_with_an_unseen_class_warns_nothing():
    # Old code: log(0) - log(0) for the class not seen yet emitted "invalid value" (0/0).
    X = np.array([[1.0, 2.0, 0.0], [0.0, 1.0, 3.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = MultinomialNB(alpha=0.0).partial_fit(X, [0, 0], classes=[0, 1, 2])
    with pytest.raises(ValueError, match="class 1 has no training samples yet"):
        model.predict(X)
    model.partial_fit(np.array([[1.0, 1.0, 1.0], [2.0, 1.0, 1.0]]), [1, 2])
    assert np.all(np.isfinite(model.predict_proba(X)))


@pytest.mark.parametrize("make, name", [
    (lambda: GaussianNB(var_smoothing=-1.0), "var_smoothing"),
    (lambda: MultinomialNB(alpha=-1.0), "alpha"),
    (lambda: BernoulliNB(fit_prior="yes"), "fit_prior"),
    (lambda: BernoulliNB(binarize=-0.5), "binarize"),
    (lambda: MultinomialNB(force_alpha=1), "force_alpha"),
])
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_parameters_are_checked_before_the_data(make, name, method):
    from mlmath.validation import InvalidParameterError
    model = make()
    owner = type(model).__name__
    kwargs = {"classes": [0, 1]} if method == "partial_fit" else {}
    with pytest.raises(InvalidParameterError, match=f"The '{name}' parameter of {owner}"):
        getattr(model, method)([[np.nan, -1.0]], [0], **kwargs)  # bad data too
