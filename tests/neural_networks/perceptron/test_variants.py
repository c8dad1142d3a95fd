"""Novikoff's bound on separable data; the pocket and averaged variants; failure on XOR."""

import numpy as np
import pytest

from mlmath.neural_networks.perceptron import (
    add_bias_feature,
    averaged_perceptron,
    novikoff_bound,
    perceptron,
    pocket_perceptron,
)


def _separable(seed, n=200, d=3, margin=0.3):
    rng = np.random.default_rng(seed)
    u = rng.normal(size=d + 1)
    u[-1] = 0.3 * np.tanh(u[-1])         # a modest bias: both classes present
    u /= np.linalg.norm(u)
    X = rng.normal(size=(4 * n, d))
    s = add_bias_feature(X) @ u
    keep = np.abs(s) > margin
    return X[keep][:n], np.sign(s[keep][:n]), u


@pytest.mark.parametrize("seed", range(5))
def test_mistakes_are_within_novikoff_bound(seed):
    X, y, u = _separable(seed)
    Xb = add_bias_feature(X)
    for direction in (u, None):           # the generating direction, then the SVM's
        R, gamma = novikoff_bound(X, y, direction)
        assert gamma > 0
        for order in (np.arange(len(y)), np.random.default_rng(seed).permutation(len(y))):
            w, mistakes, converged = perceptron(Xb[order], y[order], max_epochs=10_000)
            assert converged and np.all(y * (Xb @ w) > 0)
            assert mistakes <= (R / gamma) ** 2


def test_svm_direction_has_the_wider_margin():
    X, y, u = _separable(1)
    _, gamma_u = novikoff_bound(X, y, u)
    _, gamma_svm = novikoff_bound(X, y)
    assert gamma_svm >= gamma_u - 1e-6


def test_no_bias_bound():
    X, y, u = _separable(2)
    Xb = add_bias_feature(X)                  # the bias feature is part of X here
    R, gamma = novikoff_bound(Xb, y, fit_intercept=False)
    w, mistakes, _ = perceptron(Xb, y, max_epochs=10_000)
    assert gamma > 0 and mistakes <= (R / gamma) ** 2


def test_xor_is_never_learned_and_the_pocket_keeps_its_best():
    X = add_bias_feature(np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]))
    y = np.array([-1.0, 1.0, 1.0, -1.0])
    _, _, converged = perceptron(X, y, max_epochs=1000)
    assert not converged
    w, errors = pocket_perceptron(X, y, max_epochs=50)
    # the in-order perceptron cycles through weights with two errors at best (one is the best
    # any line can do); the pocket keeps such weights, where the zero start had four
    assert errors == np.sum(y * (X @ w) <= 0) == 2


def test_pocket_beats_the_last_iterate_on_noisy_data():
    X, y, _ = _separable(4, margin=0.0)
    y = y.copy()
    y[::10] *= -1
    Xb = add_bias_feature(X)
    w_last, _, _ = perceptron(Xb, y, max_epochs=20)
    w_pocket, errors = pocket_perceptron(Xb, y, max_epochs=20)
    assert errors <= np.sum(y * (Xb @ w_last) <= 0)


def test_averaged_is_the_mean_of_the_iterates():
    X, y, _ = _separable(3, n=30)
    Xb = add_bias_feature(X)
    w, total, count = np.zeros(Xb.shape[1]), np.zeros(Xb.shape[1]), 0
    for _ in range(2):
        for i in range(len(y)):
            if y[i] * (Xb[i] @ w) <= 0:
                w = w + y[i] * Xb[i]
            total, count = total + w, count + 1
    w_bar = averaged_perceptron(Xb, y, max_epochs=2)
    expected = total / count
    _, _, converged = perceptron(Xb, y, max_epochs=1)
    if converged:                          # stopped after one clean epoch: average over it
        pytest.skip("separated in one epoch")
    np.testing.assert_allclose(w_bar, expected, atol=1e-12)


def test_bad_labels_are_refused():
    with pytest.raises(ValueError, match="-1 and \\+1"):
        perceptron(np.zeros((3, 2)), np.array([0.0, 1.0, 1.0]))


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_default_direction_has_the_largest_margin(fit_intercept):
    # the widest unit vector solves min ||w||^2 s.t. y_i w.x_i >= 1, gamma = 1/||w|| (scipy QP)
    from scipy.optimize import minimize

    X, y, _ = _separable(6, n=40, d=2)
    Xt = add_bias_feature(X) if fit_intercept else X
    if not fit_intercept:                      # without a bias feature, separable data need b = 0
        y = np.sign(Xt @ np.array([1.0, -0.5]))
        Xt = Xt[np.abs(Xt @ np.array([1.0, -0.5])) > 0.2]
        y = np.sign(Xt @ np.array([1.0, -0.5]))
    cons = {"type": "ineq", "fun": lambda w: y * (Xt @ w) - 1, "jac": lambda w: y[:, None] * Xt}
    w0 = np.linalg.lstsq(Xt, y, rcond=None)[0] * 10
    qp = minimize(lambda w: w @ w, w0, jac=lambda w: 2 * w, constraints=[cons], method="SLSQP",
                  options={"ftol": 1e-14, "maxiter": 500})
    R, gamma = novikoff_bound(Xt[:, :X.shape[1]] if fit_intercept else Xt, y,
                              fit_intercept=fit_intercept)
    assert qp.success
    assert gamma == pytest.approx(1 / np.linalg.norm(qp.x), rel=1e-5)
    assert R == pytest.approx(np.linalg.norm(Xt, axis=1).max())


def test_inseparable_data_are_refused_by_the_bound_not_run_for_ever():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([-1.0, 1.0, 1.0, -1.0])
    with pytest.raises(ValueError, match="not linearly separable"):
        novikoff_bound(X, y)
    R, gamma = novikoff_bound(X, y, u=np.array([1.0, 1.0, -1.0]))
    assert gamma <= 0 and R == pytest.approx(np.sqrt(3))


def test_bad_inputs_to_the_functions():
    X = np.ones((4, 2))
    y = np.array([1.0, -1.0, 1.0, -1.0])
    with pytest.raises(ValueError, match="NaN or infinity"):
        perceptron(np.where(X > 0, np.nan, X), y)
    with pytest.raises(ValueError, match="overflow float64"):
        pocket_perceptron(X * 1e200, y)
    with pytest.raises(ValueError, match="nonzero"):
        novikoff_bound(X, y, u=np.zeros(3))
    w, _, converged = perceptron(X, y, max_epochs=5)  # all points equal: cycles, terminates
    assert not converged and np.all(np.isfinite(w))
