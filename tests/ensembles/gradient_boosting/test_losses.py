"""Every loss: gradient by finite differences, leaf values by 1-D minimisation or a Newton step,
initial constant by minimisation, and the (K-1)/K factor of the K-class leaf."""

import numpy as np
import pytest
from scipy.optimize import minimize_scalar
from sklearn._loss import loss as skloss

from mlmath.ensembles.gradient_boosting.classification_losses import (
    BinomialLogLoss,
    ExponentialLoss,
    MultinomialLogLoss,
)
from mlmath.ensembles.gradient_boosting.losses import (
    AbsoluteError,
    HuberLoss,
    QuantileLoss,
    SquaredError,
    newton_ratio,
)

rng = np.random.default_rng(0)
N = 40
Y_REG = rng.normal(size=N) * 3
Y_BIN = rng.integers(0, 2, N).astype(float)
Y_MULTI = rng.integers(0, 4, N).astype(float)
RAW1 = rng.normal(size=(N, 1))
RAW4 = rng.normal(size=(N, 4))
W = rng.uniform(0.5, 2.0, N)


def regression_losses():
    huber = HuberLoss(alpha=0.8)
    huber.start_stage(Y_REG, RAW1, W)
    return [SquaredError(), AbsoluteError(), QuantileLoss(alpha=0.3), QuantileLoss(alpha=0.9),
            huber]


def all_cases():
    return ([(loss, Y_REG, RAW1) for loss in regression_losses()]
            + [(BinomialLogLoss(2), Y_BIN, RAW1), (ExponentialLoss(2), Y_BIN, RAW1),
               (MultinomialLogLoss(4), Y_MULTI, RAW4)])


@pytest.mark.parametrize("case", range(8))
def test_negative_gradient_by_central_differences(case):
    loss, y, raw = all_cases()[case]
    r = loss.negative_gradient(y, raw)
    h = 1e-6
    for k in range(raw.shape[1]):
        up, down = raw.copy(), raw.copy()
        up[:, k] += h
        down[:, k] -= h
        fd = -(loss.pointwise(y, up) - loss.pointwise(y, down)) / (2 * h)
        # away from the kinks of the absolute, pinball and Huber losses
        smooth = np.abs(y - raw[:, 0]) > 1e-3
        if isinstance(loss, HuberLoss):
            smooth &= np.abs(np.abs(y - raw[:, 0]) - loss.delta) > 1e-3
        np.testing.assert_allclose(r[smooth, k], fd[smooth], atol=1e-6)


def test_negative_gradients_are_scikit_learns_including_at_the_kinks():
    y = np.array([0.0, 1.0, 2.0, 5.0])
    raw = np.array([[1.0], [1.0], [1.0], [1.0]])  # y == F at the second sample
    np.testing.assert_array_equal(AbsoluteError().negative_gradient(y, raw)[:, 0],
                                  -skloss.AbsoluteError().gradient(y, raw[:, 0]))
    np.testing.assert_array_equal(QuantileLoss(alpha=0.9).negative_gradient(y, raw)[:, 0],
                                  -skloss.PinballLoss(quantile=0.9).gradient(y, raw[:, 0]))
    h = HuberLoss(alpha=0.9)
    h.delta = 1.0
    ref = skloss.HuberLoss(quantile=0.9, delta=1.0)
    np.testing.assert_allclose(h.negative_gradient(y, raw)[:, 0], -ref.gradient(y, raw[:, 0]))


def leaf_objective(loss, y, raw, w, v):
    shifted = raw.copy()
    shifted[:, 0] += v
    return np.sum(w * loss.pointwise(y, shifted))


@pytest.mark.parametrize("case", range(4))
def test_leaf_value_minimises_the_loss_in_each_leaf(case):
    # squared, absolute and pinball losses: the leaf value is the exact 1-D minimiser
    loss = regression_losses()[case]
    leaf = rng.integers(1, 4, N)  # leaves 1, 2, 3 of a 4-node "tree"
    r = loss.negative_gradient(Y_REG, RAW1)[:, 0]
    v = loss.leaf_values(leaf, 4, Y_REG, RAW1, r, W)
    if v is None:  # squared error: the tree's own value, the weighted mean residual
        v = np.bincount(leaf, W * r, 4) / np.maximum(np.bincount(leaf, W, 4), 1e-300)
    for j in (1, 2, 3):
        m = leaf == j
        f = lambda c, m=m: leaf_objective(loss, Y_REG[m], RAW1[m], W[m], c)  # noqa: E731
        grid = np.concatenate([(Y_REG - RAW1[:, 0])[m], [v[j]]])  # kinks, and the candidate
        brute = min(f(c) for c in grid)
        smooth = minimize_scalar(f, bounds=(-20, 20), method="bounded",
                                 options={"xatol": 1e-10}).fun
        assert f(v[j]) <= min(brute, smooth) + 1e-9


def test_huber_leaf_is_friedmans_one_step_and_exact_when_no_residual_is_clipped():
    loss = HuberLoss(alpha=0.9)
    leaf = rng.integers(0, 3, N)
    u = Y_REG - RAW1[:, 0]
    loss.delta = 100.0  # nothing clipped: the loss is quadratic, the step is exact (the mean)
    v = loss.leaf_values(leaf, 3, Y_REG, RAW1, u, W)
    for j in range(3):
        m = leaf == j
        exact = minimize_scalar(lambda c, m=m: leaf_objective(loss, Y_REG[m], RAW1[m], W[m], c),
                                bounds=(-20, 20), method="bounded",
                                options={"xatol": 1e-12}).x
        assert v[j] == pytest.approx(exact, abs=1e-7)
        assert v[j] == pytest.approx(np.average(u[m], weights=W[m]), abs=1e-12)
    loss.delta = 0.5  # clipped: median + mean of the clipped deviations, scikit-learn's value
    v = loss.leaf_values(leaf, 3, Y_REG, RAW1, u, W)
    ref = skloss.HuberLoss(quantile=0.9, delta=0.5)
    for j in range(3):
        m = leaf == j
        assert v[j] == pytest.approx(ref.fit_intercept_only(u[m], W[m]), abs=1e-12)


@pytest.mark.parametrize("loss", [BinomialLogLoss(2), ExponentialLoss(2)])
def test_binary_leaf_is_one_newton_step_of_the_leaf_objective(loss):
    leaf = rng.integers(0, 3, N)
    r = loss.negative_gradient(Y_BIN, RAW1)[:, 0]
    v = loss.leaf_values(leaf, 3, Y_BIN, RAW1, r, W)
    h = 1e-4
    for j in range(3):
        m = leaf == j
        f = lambda c, m=m: leaf_objective(loss, Y_BIN[m], RAW1[m], W[m], c)  # noqa: E731
        d1 = (f(h) - f(-h)) / (2 * h)
        d2 = (f(h) - 2 * f(0.0) + f(-h)) / h**2
        assert v[j] == pytest.approx(-d1 / d2, rel=1e-5)


def test_multiclass_leaf_is_the_damped_diagonal_newton_step():
    K = 4
    loss = MultinomialLogLoss(K)
    leaf = rng.integers(0, 3, N)
    r = loss.negative_gradient(Y_MULTI, RAW4)
    h = 1e-4
    for k in range(K):
        v = loss.leaf_values(leaf, 3, Y_MULTI, RAW4, r[:, k], W, k)
        for j in range(3):
            m = leaf == j

            def f(c, m=m, k=k):
                shifted = RAW4[m].copy()
                shifted[:, k] += c
                return np.sum(W[m] * loss.pointwise(Y_MULTI[m], shifted))

            d1 = (f(h) - f(-h)) / (2 * h)
            d2 = (f(h) - 2 * f(0.0) + f(-h)) / h**2
            assert v[j] == pytest.approx((K - 1) / K * (-d1 / d2), rel=1e-5)


@pytest.mark.parametrize("K", [2, 3, 5])
def test_factor_makes_the_diagonal_step_exact_at_equal_probabilities(K):
    # all scores equal: p_k = 1/K; the exact Newton step of the leaf (pseudo-inverse of the
    # summed Hessian, which has the all-ones vector in its null space) is (K-1)/K times the
    # diagonal step, for every class at once
    n = 30
    y = rng.integers(0, K, n)
    onehot = np.eye(K)[y]
    p = np.full((n, K), 1.0 / K)
    g = (p - onehot).sum(axis=0)  # gradient of the summed loss in the leaf
    H = n * (np.diag(p[0]) - np.outer(p[0], p[0]))
    exact = -np.linalg.pinv(H) @ g
    diagonal = -g / (n * p[0] * (1 - p[0]))
    np.testing.assert_allclose(exact, (K - 1) / K * diagonal, atol=1e-12)
    loss = MultinomialLogLoss(K)
    r = loss.negative_gradient(y.astype(float), np.zeros((n, K)))
    for k in range(K):
        v = loss.leaf_values(np.zeros(n, np.intp), 1, y.astype(float), np.zeros((n, K)),
                             r[:, k], np.ones(n), k)
        assert v[0] == pytest.approx(exact[k], abs=1e-12)


def second_derivative_column(loss, y, raw, k):
    """The table's second derivative of the loss in score k, written out independently."""
    u = y - raw[:, 0]
    if isinstance(loss, SquaredError):
        return np.ones_like(u)
    if isinstance(loss, (AbsoluteError, QuantileLoss)):
        return np.zeros_like(u)
    if isinstance(loss, HuberLoss):
        return (np.abs(u) < loss.delta).astype(float)
    if isinstance(loss, ExponentialLoss):  # before its base class, the log-loss
        return np.exp(-(2 * y - 1) * raw[:, 0])
    if isinstance(loss, BinomialLogLoss):
        p = 1.0 / (1.0 + np.exp(-raw[:, 0]))
        return p * (1 - p)
    p = np.exp(raw - raw.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    return p[:, k] * (1 - p[:, k])  # K classes: the diagonal of the Hessian


@pytest.mark.parametrize("case", range(8))
def test_second_derivative_column_by_central_differences(case):
    loss, y, raw = all_cases()[case]
    h = 1e-4
    for k in range(raw.shape[1]):
        up, down = raw.copy(), raw.copy()
        up[:, k] += h
        down[:, k] -= h
        fd = (loss.pointwise(y, up) - 2 * loss.pointwise(y, raw) + loss.pointwise(y, down)) / h**2
        # where it exists: at least h away from the kinks of the absolute, pinball and Huber losses
        smooth = np.abs(y - raw[:, 0]) > 2 * h
        if isinstance(loss, HuberLoss):
            smooth &= np.abs(np.abs(y - raw[:, 0]) - loss.delta) > 2 * h
        assert smooth.sum() > N // 2
        np.testing.assert_allclose(second_derivative_column(loss, y, raw, k)[smooth], fd[smooth],
                                   atol=1e-5)


def test_unweighted_initial_constant_is_numpys_interpolated_quantile():
    # scikit-learn's start on unweighted data: np.median / np.percentile (linear interpolation),
    # which need not minimise the pinball loss: y = 0..6, q = 0.25 gives 1.5, but 1 is better
    y = np.arange(7.0)
    raw1 = np.zeros((7, 1))
    loss = QuantileLoss(alpha=0.25)
    F0 = loss.init_raw(y)[0]
    assert F0 == np.percentile(y, 25) == 1.5
    assert F0 == skloss.PinballLoss(quantile=0.25).fit_intercept_only(y)
    total = lambda c: np.sum(loss.pointwise(y, raw1 + c))  # noqa: E731
    assert total(1.5) == pytest.approx(4.625) and total(1.0) == pytest.approx(4.5)
    assert loss.init_raw(y, np.ones(7))[0] == 1.0  # weighted: the minimiser of eq-gb-init
    y8 = np.arange(8.0)  # even count: the interpolated median, still a minimiser here
    for cls in (AbsoluteError, HuberLoss):
        assert cls().init_raw(y8)[0] == np.median(y8) == 3.5


@pytest.mark.parametrize("case", range(8))
def test_initial_constant_minimises_the_loss(case):
    loss, y, raw = all_cases()[case]
    F0 = loss.init_raw(y, W)
    if isinstance(loss, HuberLoss):  # Friedman's Algorithm 4 starts Huber from the median
        assert F0[0] == AbsoluteError().init_raw(y, W)[0]
        return
    K = raw.shape[1]
    f = lambda F: np.sum(W * loss.pointwise(y, np.tile(F, (N, 1))))  # noqa: E731
    base = f(F0)
    for k in range(K):
        for step in (1e-3, -1e-3, 0.1, -0.1):
            F = F0.copy()
            F[k] += step
            assert f(F) >= base - 1e-10
    if K > 1:
        assert abs(F0.sum()) < 1e-12  # centred scores: the symmetric multinomial logit


def test_newton_ratio_is_zero_without_curvature():
    np.testing.assert_array_equal(newton_ratio(np.array([1.0, 2.0]), np.array([0.0, 4.0])),
                                  [0.0, 0.5])


def test_losses_match_scikit_learns_values():
    np.testing.assert_allclose(SquaredError()(Y_REG, RAW1, W),
                               skloss.HalfSquaredError()(Y_REG, RAW1[:, 0], W))
    np.testing.assert_allclose(BinomialLogLoss(2)(Y_BIN, RAW1, W),
                               skloss.HalfBinomialLoss()(Y_BIN, RAW1[:, 0], W))
    np.testing.assert_allclose(ExponentialLoss(2)(Y_BIN, RAW1, W),
                               skloss.ExponentialLoss()(Y_BIN, RAW1[:, 0], W))
    np.testing.assert_allclose(MultinomialLogLoss(4)(Y_MULTI, RAW4, W),
                               skloss.HalfMultinomialLoss(n_classes=4)(Y_MULTI, RAW4, W))
    np.testing.assert_allclose(QuantileLoss(alpha=0.3)(Y_REG, RAW1, W),
                               skloss.PinballLoss(quantile=0.3)(Y_REG, RAW1[:, 0], W))
