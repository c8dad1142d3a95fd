"""Tests of mlmath.prerequisites.optimization.gradient_descent: the proved rates and line search.

The O(1/t) and linear rates of gradient descent at every iteration, on random quadratics and on
the logistic loss; the termination bound of the backtracking line search and its Armijo
condition; the input checks of both functions.
"""

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from mlmath.prerequisites import optimization as opt
from mlmath.supervised.linear_regression import least_squares as ls
from mlmath.validation import InvalidParameterError
from prerequisites.optimization.problems import logistic_problem, random_psd


@pytest.mark.parametrize("seed", range(5))
def test_sublinear_rate_on_convex_quadratics_at_every_iteration(seed):
    """f(w_t) - f* <= L ||w_0 - w*||^2 / (2t) for a singular (not strongly convex) quadratic."""
    rng = np.random.default_rng(seed)
    d = 8
    Q, eig = random_psd(rng, d, rank=5, cond=1e4)
    c = Q @ rng.standard_normal(d)  # c in the range of Q: a minimiser exists
    f = lambda w: 0.5 * w @ Q @ w + c @ w
    grad = lambda w: Q @ w + c
    L = eig.max()
    w0 = 3 * rng.standard_normal(d)
    path = opt.gradient_descent(grad, w0, 1.0 / L, max_iter=400, tol=0.0)
    w_star = -np.linalg.pinv(Q) @ c
    # the minimiser closest to w0 (the bound holds for every minimiser; this one is the best)
    P_null = np.eye(d) - np.linalg.pinv(Q) @ Q
    w_star = w_star + P_null @ (w0 - w_star)
    f_star = f(w_star)
    gaps = np.array([f(w) for w in path]) - f_star
    t = np.arange(1, len(path))
    bound = L * np.sum((w0 - w_star) ** 2) / (2 * t)
    assert np.all(gaps[1:] <= bound + 1e-12)
    # the bound is not vacuous: at t = 1 it is within a factor 10 of the truth
    assert gaps[1] > bound[0] / 100
    # monotone decrease (sufficient-decrease lemma)
    assert np.all(np.diff(gaps) <= 1e-14)


@pytest.mark.parametrize("seed", range(4))
def test_sublinear_rate_on_logistic_loss_at_every_iteration(seed):
    X, y, f, grad, hess, L, w_hat = logistic_problem(seed, alpha=0.0)
    w0 = np.random.default_rng(seed + 10).standard_normal(X.shape[1]) * 2
    path = opt.gradient_descent(grad, w0, 1.0 / L, max_iter=300, tol=0.0)
    gaps = np.array([f(w) for w in path]) - f(w_hat)
    t = np.arange(1, len(path))
    bound = L * np.sum((w0 - w_hat) ** 2) / (2 * t)
    assert np.all(gaps[1:] <= bound + 1e-12)
    dist = np.linalg.norm(path - w_hat, axis=1)
    assert np.all(np.diff(dist) <= 1e-12)  # the distance to the minimiser never grows


@pytest.mark.parametrize("seed", range(4))
def test_linear_rate_under_strong_convexity(seed):
    rng = np.random.default_rng(seed)
    d = 6
    Q, eig = random_psd(rng, d, cond=30.0)
    c = rng.standard_normal(d)
    f = lambda w: 0.5 * w @ Q @ w + c @ w
    grad = lambda w: Q @ w + c
    mu, L = eig.min(), eig.max()
    w_star = np.linalg.solve(Q, -c)
    w0 = rng.standard_normal(d) * 5
    path = opt.gradient_descent(grad, w0, 1.0 / L, max_iter=200, tol=0.0)
    t = np.arange(len(path))
    gaps = np.array([f(w) for w in path]) - f(w_star)
    assert np.all(gaps <= (1 - mu / L) ** t * gaps[0] + 1e-13)
    dist2 = np.sum((path - w_star) ** 2, axis=1)
    assert np.all(dist2 <= (1 - mu / L) ** t * dist2[0] + 1e-13)


@pytest.mark.parametrize("seed", range(3))
def test_linear_rate_on_regularised_logistic_loss(seed):
    alpha = 0.05
    X, y, f, grad, hess, L, w_hat = logistic_problem(seed, alpha=alpha)
    mu = alpha  # the ridge term alone gives mu; the data term adds a PSD Hessian
    w0 = np.random.default_rng(seed).standard_normal(X.shape[1]) * 3
    path = opt.gradient_descent(grad, w0, 1.0 / L, max_iter=150, tol=0.0)
    t = np.arange(len(path))
    gaps = np.array([f(w) for w in path]) - f(w_hat)
    assert np.all(gaps <= (1 - mu / L) ** t * gaps[0] + 1e-12)
    # the PL inequality f - f* <= ||grad||^2 / (2 mu) at every iterate
    grads = np.array([grad(w) for w in path])
    assert np.all(gaps <= np.sum(grads**2, axis=1) / (2 * mu) + 1e-12)


def test_divergence_above_two_over_L_is_reported():
    Q = np.diag([1.0, 10.0])
    with pytest.raises(FloatingPointError, match="diverged"), np.errstate(over="ignore"):
        opt.gradient_descent(lambda w: Q @ w, [1.0, 1.0], 2.5 / 10.0, max_iter=5000, tol=0.0)


def test_generic_gradient_descent_equals_least_squares_gradient_descent():
    """The generic routine with the least-squares gradient takes the exemplar's steps."""
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((60, 4)), rng.standard_normal(60)
    L = ls.lipschitz_constant(X)
    with pytest.warns(ConvergenceWarning):  # tol=0: it runs all max_iter iterations
        _, n_iter, path_ls = ls.gradient_descent(X, y, step_size=1 / L, max_iter=50, tol=0.0,
                                                 return_path=True)
    path = opt.gradient_descent(lambda w: ls.squared_loss_gradient(X, y, w), np.zeros(4),
                                1 / L, max_iter=50, tol=0.0)
    np.testing.assert_allclose(path, path_ls, rtol=1e-12, atol=1e-14)


def test_gradient_descent_stops_on_tolerance_and_with_backtracking():
    _, _, f, grad, _, _, w_hat = logistic_problem(7, alpha=0.1)
    path = opt.gradient_descent(grad, np.zeros(4), "backtracking", f=f, max_iter=1000, tol=1e-9)
    assert np.linalg.norm(grad(path[-1])) <= 1e-9
    assert len(path) < 1001
    np.testing.assert_allclose(path[-1], w_hat, atol=1e-7)
    values = np.array([f(w) for w in path])
    assert np.all(np.diff(values) <= 0)  # Armijo: no step increases f


@pytest.mark.parametrize("seed", range(5))
def test_backtracking_satisfies_armijo_and_the_termination_bound(seed):
    """The accepted step satisfies Armijo and is >= min(step0, beta * 2(1-c)(-g.v)/(L||v||^2))."""
    rng = np.random.default_rng(seed)
    Q, eig = random_psd(rng, 5, cond=100.0)
    f = lambda w: 0.5 * w @ Q @ w
    L = eig.max()
    w = rng.standard_normal(5)
    g = Q @ w
    v = -g + 0.5 * np.linalg.norm(g) * rng.standard_normal(5) / np.sqrt(5)
    if g @ v >= 0:
        v = -g
    for c, beta in [(1e-4, 0.5), (0.3, 0.8), (0.9, 0.1)]:
        eta = opt.backtracking_line_search(f, g, w, v, c=c, shrink=beta, step0=10.0)
        assert f(w + eta * v) <= f(w) + c * eta * (g @ v) + 1e-15
        eta_bar = 2 * (1 - c) * (-(g @ v)) / (L * (v @ v))
        assert eta >= min(10.0, beta * eta_bar) * (1 - 1e-12)
        # and it is the first of the sequence 10 * beta^k that is accepted
        if eta < 10.0:
            assert f(w + eta / beta * v) > f(w) + c * eta / beta * (g @ v)


@pytest.mark.parametrize("step", [0.0, -1.0, np.nan, np.inf])
def test_non_positive_or_non_finite_step_is_refused(step):
    with pytest.raises(InvalidParameterError, match="The 'step' parameter of gradient_descent"):
        opt.gradient_descent(lambda w: w, [1.0], step)


def test_bad_arguments_are_refused():
    grad = lambda w: w
    with pytest.raises(InvalidParameterError,
                       match="The 'step' parameter of gradient_descent must be a float > 0 or "
                             "'backtracking'; got True"):
        opt.gradient_descent(grad, [1.0], True)
    with pytest.raises(InvalidParameterError, match="'backtracking'; got 'armijo'"):
        opt.gradient_descent(grad, [1.0], "armijo")
    with pytest.raises(ValueError, match="f="):
        opt.gradient_descent(grad, [1.0], "backtracking")
    with pytest.raises(InvalidParameterError, match="The 'grad' parameter must be a callable"):
        opt.gradient_descent(None, [1.0], 0.1)
    with pytest.raises(ValueError, match="w0 contains NaN"):
        opt.gradient_descent(grad, [1.0, np.nan], 0.1)
    with pytest.raises(ValueError, match="w0 must be 1-D"):
        opt.gradient_descent(grad, [[1.0, 2.0]], 0.1)
    with pytest.raises(ValueError, match="non-empty 1-D"):
        opt.gradient_descent(grad, [], 0.1)
    with pytest.raises(ValueError, match="w0 must be an array of numbers"):
        opt.gradient_descent(grad, ["a"], 0.1)
    with pytest.raises(ValueError, match="shape"):
        opt.gradient_descent(lambda w: np.zeros(3), [1.0, 2.0], 0.1)
    with pytest.raises(InvalidParameterError,
                       match="The 'max_iter' parameter of gradient_descent must be an int >= 0"):
        opt.gradient_descent(grad, [1.0], 0.1, max_iter=-1)
    with pytest.raises(InvalidParameterError, match="'max_iter'.*; got 2.5"):
        opt.gradient_descent(grad, [1.0], 0.1, max_iter=2.5)
    with pytest.raises(InvalidParameterError,
                       match="The 'tol' parameter of gradient_descent must be a float >= 0"):
        opt.gradient_descent(grad, [1.0], 0.1, tol=-1.0)


def test_line_search_refuses_ascent_directions_and_bad_constants():
    f = lambda w: w @ w
    w = np.array([1.0, 0.0])
    g = 2 * w
    with pytest.raises(ValueError, match="descent direction"):
        opt.backtracking_line_search(f, g, w, g)
    with pytest.raises(ValueError, match="descent direction"):
        opt.backtracking_line_search(f, np.zeros(2), w, -g)
    with pytest.raises(InvalidParameterError, match="The 'c' parameter of "
                       r"backtracking_line_search must be a float in \(0, 1\); got 1.0"):
        opt.backtracking_line_search(f, g, w, -g, c=1.0)
    with pytest.raises(InvalidParameterError, match="The 'shrink' parameter"):
        opt.backtracking_line_search(f, g, w, -g, shrink=1.5)
    with pytest.raises(InvalidParameterError, match="The 'step0' parameter"):
        opt.backtracking_line_search(f, g, w, -g, step0=0.0)
    with pytest.raises(InvalidParameterError, match="The 'max_halvings' parameter"):
        opt.backtracking_line_search(f, g, w, -g, max_halvings=-1)
    with pytest.raises(ValueError, match="same shape"):
        opt.backtracking_line_search(f, g, w, -g[:1])
    with pytest.raises(RuntimeError, match="Armijo"):  # a wrong gradient: no step is accepted
        opt.backtracking_line_search(lambda v: -v @ v + 10 * v[0] ** 4, -g, w, g,
                                     max_halvings=3, step0=1e-3)
