"""Tests of mlmath.prerequisites.probability: the derived Gaussian formulas, checked independently.

The log-density is compared with scipy.stats.multivariate_normal; the marginal and the
conditional with the ratio of joint to marginal densities computed by SciPy, and with Monte Carlo
(tolerances of several standard errors, stated at each check); the sampler's mean and covariance
converge at the rate the chapter derives. Markov's, Chebyshev's and Hoeffding's inequalities are
checked on simulated data, the running mean against a loop, the Kolmogorov distance against
scipy.stats.kstest. Bad input is refused with a message that names the parameter.
"""

import numpy as np
import pytest
import scipy.stats

from mlmath.prerequisites import probability as prob
from mlmath.validation import InvalidParameterError


def random_spd(rng, d, cond=20.0):
    """A random symmetric positive definite matrix with eigenvalues in [1/cond, 1] times 2."""
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    return 2.0 * (Q * np.geomspace(1.0 / cond, 1.0, d)) @ Q.T


# ---------------------------------------------------------------------------------------------
# log-density
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("d", [1, 2, 5])
def test_logpdf_matches_scipy(d):
    rng = np.random.default_rng(d)
    mean, cov = rng.standard_normal(d), random_spd(rng, d)
    X = rng.standard_normal((50, d)) * 3
    expected = scipy.stats.multivariate_normal(mean, cov).logpdf(X)
    np.testing.assert_allclose(prob.mvn_logpdf(X, mean, cov), np.atleast_1d(expected),
                               rtol=1e-10, atol=1e-10)
    single = prob.mvn_logpdf(X[0], mean, cov)
    assert isinstance(single, float)
    np.testing.assert_allclose(single, np.atleast_1d(expected)[0], rtol=1e-10)


def test_logpdf_is_finite_far_in_the_tail_and_integrates_to_one():
    # far from the mean the density underflows to 0; its logarithm stays finite and exact
    mean, cov = np.zeros(2), np.array([[1.0, 0.5], [0.5, 1.0]])
    far = np.array([[60.0, -60.0]])
    value = prob.mvn_logpdf(far, mean, cov)[0]
    quad = far[0] @ np.linalg.solve(cov, far[0])
    np.testing.assert_allclose(value, -0.5 * quad - 0.5 * np.log(0.75) - np.log(2 * np.pi),
                               rtol=1e-12)
    assert np.exp(value) == 0.0
    # Riemann sum of the density over a wide grid: 1 to 1e-6
    g = np.linspace(-8, 8, 401)
    G = np.stack(np.meshgrid(g, g), axis=-1).reshape(-1, 2)
    total = np.exp(prob.mvn_logpdf(G, mean, cov)).sum() * (g[1] - g[0]) ** 2
    np.testing.assert_allclose(total, 1.0, atol=1e-6)


# ---------------------------------------------------------------------------------------------
# sampling
# ---------------------------------------------------------------------------------------------

def test_samples_mean_and_covariance_converge():
    rng = np.random.default_rng(1)
    d = 3
    mean, cov = rng.standard_normal(d), random_spd(rng, d)
    errors = []
    for n in [1_000, 100_000]:
        X = prob.sample_mvn(mean, cov, n, random_state=0)
        assert X.shape == (n, d)
        # each coordinate of the sample mean has standard deviation sqrt(Sigma_jj / n): 5 of them
        np.testing.assert_array_less(np.abs(X.mean(axis=0) - mean), 5 * np.sqrt(np.diag(cov) / n))
        errors.append(np.abs(np.cov(X.T) - cov).max())
    # covariance error shrinks like 1/sqrt(n): a factor 10 for 100 times more samples (4 allowed)
    assert errors[1] < errors[0] / 4
    assert errors[1] < 0.02


def test_samples_are_gaussian_along_any_direction():
    # u^T x ~ N(u^T mu, u^T Sigma u) (the affine theorem): Kolmogorov-Smirnov test at level 1e-3
    rng = np.random.default_rng(2)
    mean, cov = rng.standard_normal(4), random_spd(rng, 4)
    X = prob.sample_mvn(mean, cov, 20_000, random_state=3)
    for _ in range(3):
        u = rng.standard_normal(4)
        dist = scipy.stats.norm(u @ mean, np.sqrt(u @ cov @ u))
        assert scipy.stats.kstest(X @ u, dist.cdf).pvalue > 1e-3


def test_sampling_is_seeded_and_uses_the_cholesky_factor():
    mean, cov = np.array([1.0, -1.0]), np.array([[4.0, 1.2], [1.2, 1.0]])
    a = prob.sample_mvn(mean, cov, 5, random_state=7)
    b = prob.sample_mvn(mean, cov, 5, random_state=7)
    np.testing.assert_array_equal(a, b)
    Z = np.random.RandomState(7).standard_normal((5, 2))
    np.testing.assert_allclose(a, mean + Z @ np.linalg.cholesky(cov).T, rtol=1e-14)


def test_singular_psd_covariance_gives_degenerate_samples():
    # Sigma = v v^T (rank one): every sample lies on the line mu + t v, with variance |v|^4 along v
    v = np.array([1.0, 2.0])
    X = prob.sample_mvn([0.0, 0.0], np.outer(v, v), 50_000, random_state=0)
    np.testing.assert_allclose(X[:, 1], 2 * X[:, 0], atol=1e-10)
    np.testing.assert_allclose(np.cov(X.T), np.outer(v, v), atol=0.1)


# ---------------------------------------------------------------------------------------------
# marginals and conditionals
# ---------------------------------------------------------------------------------------------

def test_conditional_density_is_the_joint_over_the_marginal():
    # p(x1 | x2 = a) = p(x1, a) / p(a): both sides computed by scipy for the joint and marginal
    rng = np.random.default_rng(4)
    d = 5
    mean, cov = rng.standard_normal(d), random_spd(rng, d)
    given = np.array([3, 0])
    a = rng.standard_normal(2)
    m, S = prob.gaussian_conditional(mean, cov, given, a)
    free = np.array([1, 2, 4])
    mm, Sm = prob.gaussian_marginal(mean, cov, given)
    for _ in range(5):
        x1 = m + rng.standard_normal(3)
        x = np.empty(d)
        x[free], x[given] = x1, a
        log_ratio = (scipy.stats.multivariate_normal(mean, cov).logpdf(x)
                     - scipy.stats.multivariate_normal(mm, Sm).logpdf(a))
        np.testing.assert_allclose(scipy.stats.multivariate_normal(m, S).logpdf(x1), log_ratio,
                                   rtol=1e-9)


def test_marginal_is_the_sub_block_and_matches_integration():
    mean = np.array([1.0, -2.0])
    cov = np.array([[2.0, 0.9], [0.9, 1.0]])
    m, S = prob.gaussian_marginal(mean, cov, [1])
    np.testing.assert_array_equal(m, [-2.0])
    np.testing.assert_array_equal(S, [[1.0]])
    # integrate the joint density over x1 numerically at a few x2: the N(-2, 1) density
    g = np.linspace(-12, 14, 4001)
    for x2 in [-3.0, -2.0, 0.5]:
        pts = np.column_stack([g, np.full_like(g, x2)])
        integral = np.trapezoid(np.exp(prob.mvn_logpdf(pts, mean, cov)), g)
        np.testing.assert_allclose(integral, scipy.stats.norm(-2.0, 1.0).pdf(x2), rtol=1e-8)
    m2, S2 = prob.gaussian_marginal(mean, cov, [1, 0])  # reordering permutes the blocks
    np.testing.assert_array_equal(m2, mean[::-1])
    np.testing.assert_array_equal(S2, cov[::-1, ::-1])


def test_conditional_matches_monte_carlo():
    # samples whose x2 falls in a thin slab around a: their x1 has the conditional moments
    mean = np.array([0.5, -1.0])
    cov = np.array([[1.0, 0.8], [0.8, 2.0]])
    a = 0.0
    m, S = prob.gaussian_conditional(mean, cov, [1], [a])
    np.testing.assert_allclose(m, [0.5 + 0.8 / 2.0 * (a + 1.0)], rtol=1e-14)
    np.testing.assert_allclose(S, [[1.0 - 0.8**2 / 2.0]], rtol=1e-14)
    X = prob.sample_mvn(mean, cov, 2_000_000, random_state=0)
    x1 = X[np.abs(X[:, 1] - a) < 0.02, 0]
    assert x1.size > 10_000
    # mean within 5 standard errors; the slab's width biases it by O(0.02^2), far below that
    np.testing.assert_allclose(x1.mean(), m[0], atol=5 * np.sqrt(S[0, 0] / x1.size))
    np.testing.assert_allclose(x1.var(), S[0, 0], rtol=0.05)


def test_conditional_of_independent_blocks_is_the_marginal():
    mean = np.arange(4.0)
    cov = np.diag([1.0, 2.0, 3.0, 4.0])
    cov[0, 1] = cov[1, 0] = 0.5
    m, S = prob.gaussian_conditional(mean, cov, [2, 3], [10.0, -10.0])
    np.testing.assert_allclose(m, mean[:2])
    np.testing.assert_allclose(S, cov[:2, :2])


def test_conditional_accepts_several_observations():
    rng = np.random.default_rng(5)
    mean, cov = rng.standard_normal(4), random_spd(rng, 4)
    A = rng.standard_normal((6, 2))
    M, S = prob.gaussian_conditional(mean, cov, [0, 2], A)
    assert M.shape == (6, 2) and S.shape == (2, 2)
    for row, a in zip(M, A):
        np.testing.assert_allclose(row, prob.gaussian_conditional(mean, cov, [0, 2], a)[0])


def test_conditional_of_a_degenerate_gaussian():
    # Sigma singular (rank 2 in R^3) with the observed block positive definite: the chapter shows
    # that the residual x1 - mu_{1|2}(x2) is independent of x2 with covariance Sigma_{1|2}
    B = np.array([[1.0, 0.5], [0.3, -1.0], [1.3, -0.5]])  # x3 = x1 + x2 exactly
    cov, mean = B @ B.T, np.array([1.0, -1.0, 0.0])
    assert np.linalg.matrix_rank(cov) == 2
    X = prob.sample_mvn(mean, cov, 400_000, random_state=3)
    given = [1, 2]
    M, S = prob.gaussian_conditional(mean, cov, given, X[:, given])
    # x1 = x3 - x2 is a function of the observed pair: the conditional is a point mass
    np.testing.assert_allclose(M[:, 0], X[:, 0], atol=1e-6)  # the factor is exact to ~1e-8
    np.testing.assert_allclose(S, [[0.0]], atol=1e-12)
    # observing x1 alone leaves a degenerate conditional of rank one on (x2, x3)
    M, S = prob.gaussian_conditional(mean, cov, [0], X[:, :1])
    residual = X[:, 1:] - M
    assert np.linalg.matrix_rank(S, tol=1e-10) == 1
    np.testing.assert_allclose(np.cov(residual.T), S, atol=0.01)
    # independent of x1, not merely uncorrelated: also the squares are uncorrelated
    for r in residual.T:
        assert abs(np.corrcoef(r, X[:, 0])[0, 1]) < 0.01
        assert abs(np.corrcoef(r**2, X[:, 0] ** 2)[0, 1]) < 0.01


def test_conditional_covariance_is_the_inverse_of_the_precision_block():
    # the Schur complement identity: Sigma_{1|2} = ((Sigma^{-1})_{11})^{-1}
    rng = np.random.default_rng(6)
    cov = random_spd(rng, 6)
    _, S = prob.gaussian_conditional(np.zeros(6), cov, [1, 4, 5], np.zeros(3))
    P = np.linalg.inv(cov)
    np.testing.assert_allclose(S, np.linalg.inv(P[np.ix_([0, 2, 3], [0, 2, 3])]), rtol=1e-9)


# ---------------------------------------------------------------------------------------------
# the inequalities and the limit theorems
# ---------------------------------------------------------------------------------------------

def test_markov_chebyshev_hoeffding_hold_in_simulation():
    rng = np.random.default_rng(7)
    reps, n, p = 200_000, 50, 0.3
    means = rng.binomial(n, p, size=reps) / n  # sample means of n Bernoulli(p) draws
    x = rng.exponential(1.0, reps)
    for t in [0.05, 0.1, 0.2]:
        freq = np.mean(np.abs(means - p) >= t)
        # the frequency has standard error <= 0.5/sqrt(reps) ~ 0.0011; allow 4 of them
        slack = 4 * 0.5 / np.sqrt(reps)
        assert freq <= p * (1 - p) / (n * t**2) + slack  # Chebyshev
        assert freq <= 2 * np.exp(-2 * n * t**2) + slack  # Hoeffding, [a, b] = [0, 1]
    for a in [0.5, 1.0, 3.0]:
        assert np.mean(x >= a) <= 1.0 / a + 4 * 0.5 / np.sqrt(reps)  # Markov, E x = 1


def test_running_mean_matches_a_loop_and_converges():
    rng = np.random.default_rng(8)
    x = rng.exponential(2.0, size=(1000, 3))
    rm = prob.running_mean(x)
    for t in [0, 9, 999]:
        np.testing.assert_allclose(rm[t], x[: t + 1].mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(prob.running_mean(x.T, axis=1), rm.T, rtol=1e-12)
    np.testing.assert_allclose(prob.running_mean(x.T, axis=-1), rm.T, rtol=1e-12)
    long = prob.running_mean(rng.exponential(2.0, 1_000_000))
    assert abs(long[-1] - 2.0) < 5 * 2.0 / 1000  # 5 standard errors of the mean


def test_kolmogorov_distance_matches_scipy():
    rng = np.random.default_rng(9)
    for m in [1, 7, 500]:
        s = rng.standard_normal(m) + 0.2
        expected = scipy.stats.kstest(s, scipy.stats.norm.cdf).statistic
        np.testing.assert_allclose(prob.kolmogorov_distance(s, scipy.stats.norm.cdf), expected,
                                   rtol=1e-12)


def test_kolmogorov_supremum_approached_just_before_a_jump():
    # one point with F(z_1) = 0.9: the gap F(z) - 0 tends to 0.9 as z increases to z_1, and the
    # formula eq-prob-kolmogorov-sample returns that supremum although no z attains it
    z1 = scipy.stats.norm.ppf(0.9)
    assert prob.kolmogorov_distance([z1], scipy.stats.norm.cdf) == pytest.approx(0.9, abs=1e-12)
    left = z1 - np.geomspace(1e-1, 1e-9, 9)
    gaps = scipy.stats.norm.cdf(left)  # the empirical cdf is 0 left of z_1
    assert np.all(gaps < 0.9) and np.all(np.diff(gaps) > 0)
    assert 0.9 - gaps[-1] < 1e-8


def test_clt_kolmogorov_distance_shrinks_like_one_over_root_n():
    # exact: a mean of n Exp(1) draws is Gamma(n, scale 1/n); standardised: (mean - 1) sqrt(n)
    def distance(n):
        z = np.linspace(-6, 8, 20_001)
        return np.max(np.abs(scipy.stats.gamma(n, scale=1 / n).cdf(1 + z / np.sqrt(n))
                             - scipy.stats.norm.cdf(z)))

    d = np.array([distance(n) for n in [4, 16, 64, 256]])
    ratios = d[:-1] / d[1:]  # 4 times more draws: half the distance
    np.testing.assert_allclose(ratios, 2.0, rtol=0.1)


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------

GOOD_MEAN = np.zeros(2)
GOOD_COV = np.array([[1.0, 0.3], [0.3, 1.0]])


@pytest.mark.parametrize("cov, message", [
    (np.array([[1.0, 0.3], [0.2, 1.0]]), "symmetric"),
    (np.array([[1.0, 2.0], [2.0, 1.0]]), "positive definite"),
    (np.eye(3), r"shape \(2, 2\)"),
    (np.array([[1.0, np.nan], [np.nan, 1.0]]), "NaN"),
    (np.ones(2), "2-D"),
])
def test_bad_covariance_is_refused_by_logpdf_and_conditional(cov, message):
    with pytest.raises(ValueError, match=message):
        prob.mvn_logpdf(np.zeros((1, 2)), GOOD_MEAN, cov)
    with pytest.raises(ValueError, match=message.replace("definite", "")):
        prob.gaussian_conditional(GOOD_MEAN, cov, [0], [0.0])


def test_sampler_refuses_indefinite_and_accepts_semidefinite():
    with pytest.raises(ValueError, match="positive semidefinite.*negative eigenvalue"):
        prob.sample_mvn(GOOD_MEAN, [[1.0, 2.0], [2.0, 1.0]], 3)
    with pytest.raises(ValueError, match="symmetric"):
        prob.sample_mvn(GOOD_MEAN, [[1.0, 0.5], [0.0, 1.0]], 3)
    assert prob.sample_mvn(GOOD_MEAN, np.zeros((2, 2)), 3, random_state=0).shape == (3, 2)
    for n in [0, -1, 2.5, True]:
        with pytest.raises(ValueError, match="n_samples"):
            prob.sample_mvn(GOOD_MEAN, GOOD_COV, n)


def test_logpdf_refuses_singular_covariance_and_bad_points():
    with pytest.raises(ValueError, match="positive definite"):
        prob.mvn_logpdf([0.0, 0.0], GOOD_MEAN, [[1.0, 1.0], [1.0, 1.0]])
    with pytest.raises(ValueError, match="3 columns|2 columns"):
        prob.mvn_logpdf(np.zeros((4, 3)), GOOD_MEAN, GOOD_COV)
    with pytest.raises(ValueError, match="X contains NaN"):
        prob.mvn_logpdf([np.nan, 0.0], GOOD_MEAN, GOOD_COV)
    with pytest.raises(ValueError, match="mean contains NaN"):
        prob.mvn_logpdf([0.0, 0.0], [np.inf, 0.0], GOOD_COV)


@pytest.mark.parametrize("idx, x, message", [
    ([2], [0.0], "idx_given must hold indices"),
    ([0, 0], [0.0, 0.0], "repeat"),
    ([0, 1], [0.0, 0.0], "at least one coordinate"),
    ([0.5], [0.0], "integer"),
    ([0], [0.0, 1.0], "x_given must have 1"),
    ([0], [np.nan], "x_given contains NaN"),
])
def test_conditional_refuses_bad_indices_and_values(idx, x, message):
    with pytest.raises(ValueError, match=message):
        prob.gaussian_conditional(GOOD_MEAN, GOOD_COV, idx, x)


def test_conditional_needs_only_the_observed_block_to_be_definite():
    cov = np.array([[1.0, 0.0], [0.0, 0.0]])  # x2 is a constant: conditioning on it is undefined
    with pytest.raises(ValueError, match="block of cov on idx_given must be positive definite"):
        prob.gaussian_conditional(GOOD_MEAN, cov, [1], [0.0])
    m, S = prob.gaussian_conditional(GOOD_MEAN, cov, [0], [1.0])  # x1 observed: fine
    np.testing.assert_allclose(S, [[0.0]])


def test_marginal_refuses_bad_indices():
    with pytest.raises(ValueError, match="idx must hold indices"):
        prob.gaussian_marginal(GOOD_MEAN, GOOD_COV, [-1])
    with pytest.raises(ValueError, match="idx must be a non-empty"):
        prob.gaussian_marginal(GOOD_MEAN, GOOD_COV, [])


def test_running_mean_and_kolmogorov_refuse_bad_input():
    with pytest.raises(ValueError, match="x contains NaN"):
        prob.running_mean([1.0, np.nan])
    with pytest.raises(ValueError, match="non-empty"):
        prob.running_mean([])
    with pytest.raises(ValueError, match="axis"):
        prob.running_mean(np.ones((2, 2)), axis=2)
    with pytest.raises(ValueError, match="x must be an array of numbers"):
        prob.running_mean(["a", "b"])
    with pytest.raises(InvalidParameterError, match="The 'axis' parameter of running_mean"):
        prob.running_mean(np.ones(2), axis=0.5)
    with pytest.raises(InvalidParameterError, match="The 'cdf' parameter must be a callable"):
        prob.kolmogorov_distance([0.0, 1.0], "norm")
    with pytest.raises(ValueError, match="cdf returned shape"):
        prob.kolmogorov_distance([0.0, 1.0], lambda x: 0.5)
    with pytest.raises(ValueError, match=r"values in \[0, 1\]"):
        prob.kolmogorov_distance([0.0, 1.0], lambda x: x + 2)
    with pytest.raises(ValueError, match="samples contains NaN"):
        prob.kolmogorov_distance([0.0, np.nan], scipy.stats.norm.cdf)
