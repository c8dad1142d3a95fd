"""Tests of mlmath.prerequisites.calculus and of every identity of the calculus chapter.

Each matrix-calculus identity the chapter derives is checked on random inputs twice: against
the package's central differences and against torch.autograd (which shares no code with them).
The numerical derivatives themselves are checked against closed forms, including the h^2 error
scaling of central differences; Taylor's remainder bounds are checked on a test function with a
known Hessian Lipschitz constant; the leaf weight and split gain against brute-force
minimisation of the second-order objective.
"""

import numpy as np
import pytest
import scipy.optimize
import torch

from mlmath.numerics import logsumexp, sigmoid, softmax
from mlmath.prerequisites import calculus as calc
from mlmath.validation import InvalidParameterError

torch.set_default_dtype(torch.float64)


def torch_grad(f, x):
    """Gradient of the scalar torch function f at the NumPy array x, by reverse mode."""
    xt = torch.tensor(x, requires_grad=True)
    f(xt).backward()
    return xt.grad.numpy()


def torch_jacobian(f, x):
    """Jacobian (m, d) of f at x, both flattened in row-major order."""
    J = torch.autograd.functional.jacobian(f, torch.tensor(x))
    m = int(np.prod(J.shape[: J.ndim - x.ndim]))
    return J.reshape(m, x.size).numpy()


def random_spd(rng, k):
    B = rng.standard_normal((k, k))
    return B @ B.T + k * np.eye(k)


# ---------------------------------------------------------------------------------------------
# the identities: numerical derivatives and autograd
# ---------------------------------------------------------------------------------------------

IDENTITY_CASES = ["linear", "quadratic", "least_squares", "trace", "trace_quadratic",
                  "logdet_spd", "logabsdet_general", "det", "logsumexp", "cross_entropy"]


def identity_case(name, rng):
    """(numpy f, torch f, analytic gradient, point) for each scalar identity of the chapter."""
    d, k = 5, 4
    if name == "linear":
        a = rng.standard_normal(d)
        return (lambda x: a @ x, lambda x: torch.tensor(a) @ x, lambda x: a,
                rng.standard_normal(d))
    if name == "quadratic":
        A = rng.standard_normal((d, d))
        return (lambda x: x @ A @ x, lambda x: x @ torch.tensor(A) @ x,
                lambda x: (A + A.T) @ x, rng.standard_normal(d))
    if name == "least_squares":
        A, b = rng.standard_normal((7, d)), rng.standard_normal(7)
        At, bt = torch.tensor(A), torch.tensor(b)
        return (lambda x: np.sum((A @ x - b) ** 2), lambda x: torch.sum((At @ x - bt) ** 2),
                lambda x: 2 * A.T @ (A @ x - b), rng.standard_normal(d))
    if name == "trace":
        A = rng.standard_normal((k, 3))
        return (lambda X: np.trace(A @ X), lambda X: torch.trace(torch.tensor(A) @ X),
                lambda X: A.T, rng.standard_normal((3, k)))
    if name == "trace_quadratic":
        A = rng.standard_normal((k, k))
        return (lambda X: np.trace(X.T @ A @ X), lambda X: torch.trace(X.T @ torch.tensor(A) @ X),
                lambda X: (A + A.T) @ X, rng.standard_normal((k, 3)))
    if name == "logdet_spd":
        return (lambda X: np.linalg.slogdet(X)[1], torch.logdet,
                lambda X: np.linalg.inv(X).T, random_spd(rng, k))
    if name == "logabsdet_general":  # not symmetric, not positive definite: log|det X|
        return (lambda X: np.linalg.slogdet(X)[1], lambda X: torch.linalg.slogdet(X)[1],
                lambda X: np.linalg.inv(X).T, rng.standard_normal((k, k)) + 2 * np.eye(k))
    if name == "det":  # Jacobi's formula
        return (np.linalg.det, torch.det, lambda X: np.linalg.det(X) * np.linalg.inv(X).T,
                rng.standard_normal((k, k)))
    if name == "logsumexp":
        return (logsumexp, lambda z: torch.logsumexp(z, 0),
                softmax, 3 * rng.standard_normal(6))
    if name == "cross_entropy":
        y = np.eye(6)[2]
        yt = torch.tensor(y)
        return (lambda z: logsumexp(z) - y @ z, lambda z: torch.logsumexp(z, 0) - yt @ z,
                lambda z: softmax(z) - y, 3 * rng.standard_normal(6))
    raise KeyError(name)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("name", IDENTITY_CASES)
def test_identity_against_numerical_gradient_and_autograd(name, seed):
    rng = np.random.default_rng(seed)
    f, ft, grad, x = identity_case(name, rng)
    analytic = grad(x)
    np.testing.assert_allclose(calc.numerical_gradient(f, x), analytic, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(torch_grad(ft, x), analytic, rtol=1e-10, atol=1e-12)
    assert calc.check_gradient(f, grad, x) < 1e-7


def test_quadratic_and_least_squares_hessians():
    rng = np.random.default_rng(3)
    A = rng.standard_normal((4, 4))
    B, b = rng.standard_normal((6, 4)), rng.standard_normal(6)
    x = rng.standard_normal(4)
    np.testing.assert_allclose(calc.numerical_hessian(lambda v: v @ A @ v, x), A + A.T,
                               atol=1e-6)
    H_ls = calc.numerical_hessian(lambda v: np.sum((B @ v - b) ** 2), x)
    np.testing.assert_allclose(H_ls, 2 * B.T @ B, atol=1e-5)
    H_torch = torch.autograd.functional.hessian(
        lambda v: torch.sum((torch.tensor(B) @ v - torch.tensor(b)) ** 2), torch.tensor(x))
    np.testing.assert_allclose(H_torch.numpy(), 2 * B.T @ B, rtol=1e-12)


@pytest.mark.parametrize("seed", [0, 1])
def test_inverse_derivative(seed):
    """d(X^-1) = -X^-1 dX X^-1; in row-major vec form the Jacobian is -(X^-1 kron X^-T)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((4, 4)) + 3 * np.eye(4)
    Xinv = np.linalg.inv(X)
    expected = -np.kron(Xinv, Xinv.T)
    np.testing.assert_allclose(calc.numerical_jacobian(np.linalg.inv, X), expected, atol=1e-7)
    np.testing.assert_allclose(torch_jacobian(torch.linalg.inv, X), expected, atol=1e-12)
    # the directional form, for one random direction E
    E = rng.standard_normal((4, 4))
    t = 1e-6
    fd = (np.linalg.inv(X + t * E) - np.linalg.inv(X - t * E)) / (2 * t)
    np.testing.assert_allclose(fd, -Xinv @ E @ Xinv, atol=1e-7)


@pytest.mark.parametrize("seed", [0, 1])
def test_softmax_jacobian_and_sigmoid_derivative(seed):
    rng = np.random.default_rng(seed)
    z = 2 * rng.standard_normal(5)
    p = softmax(z)
    expected = np.diag(p) - np.outer(p, p)
    np.testing.assert_allclose(calc.numerical_jacobian(softmax, z), expected, atol=1e-9)
    np.testing.assert_allclose(torch_jacobian(lambda v: torch.softmax(v, 0), z), expected,
                               atol=1e-14)
    # the Jacobian is symmetric, singular along the ones vector, and positive semidefinite
    np.testing.assert_allclose(expected @ np.ones(5), 0.0, atol=1e-15)
    assert np.linalg.eigvalsh(expected).min() > -1e-15
    # the Hessian of log-sum-exp is the softmax Jacobian
    np.testing.assert_allclose(calc.numerical_hessian(logsumexp, z), expected, atol=1e-6)
    s = rng.standard_normal(7) * 4
    ds = calc.numerical_jacobian(sigmoid, s)
    np.testing.assert_allclose(ds, np.diag(sigmoid(s) * (1 - sigmoid(s))), atol=1e-10)
    st = torch.tensor(s, requires_grad=True)
    torch.sigmoid(st).sum().backward()
    np.testing.assert_allclose(st.grad.numpy(), sigmoid(s) * (1 - sigmoid(s)), rtol=1e-12)


def test_chain_rule_jacobian_product():
    """J_{f o g}(x) = J_f(g(x)) J_g(x) for a map R^3 -> R^4 -> R^2."""
    rng = np.random.default_rng(4)
    A = rng.standard_normal((4, 3))

    def g(x):
        return np.tanh(A @ x)

    def f(u):
        return np.array([np.sum(u**2), np.prod(u)])

    x = rng.standard_normal(3)
    composed = calc.numerical_jacobian(lambda v: f(g(v)), x)
    product = calc.numerical_jacobian(f, g(x)) @ calc.numerical_jacobian(g, x)
    np.testing.assert_allclose(composed, product, atol=1e-8)
    u = g(x)
    Jf = np.vstack([2 * u, np.prod(u) / u])
    Jg = (1 - u**2)[:, None] * A
    np.testing.assert_allclose(composed, Jf @ Jg, atol=1e-8)


def test_gradient_is_the_steepest_ascent_direction():
    """Among unit directions, the directional derivative is largest along grad/||grad||."""
    rng = np.random.default_rng(5)
    A = rng.standard_normal((3, 3))
    f = lambda x: np.log1p(np.sum((A @ x) ** 2))  # noqa: E731
    x = rng.standard_normal(3)
    g = calc.numerical_gradient(f, x)
    dirs = rng.standard_normal((2000, 3))
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    slopes = dirs @ g  # directional derivatives, by the chain rule
    assert slopes.max() <= np.linalg.norm(g) + 1e-12
    t = 1e-6
    u = g / np.linalg.norm(g)
    np.testing.assert_allclose((f(x + t * u) - f(x - t * u)) / (2 * t), np.linalg.norm(g),
                               rtol=1e-7)


# ---------------------------------------------------------------------------------------------
# the numerical derivatives
# ---------------------------------------------------------------------------------------------

def test_central_difference_error_scales_as_h_squared():
    """Error / h^2 tends to |f'''(x)| / 6 as h -> 0 (before rounding takes over)."""
    x0 = 0.7
    f, df, d3f = np.sin, np.cos(x0), -np.cos(x0)
    hs = np.array([1e-1, 3e-2, 1e-2, 3e-3, 1e-3])
    err = np.array([abs(calc.numerical_gradient(lambda v: f(v[0]), [x0], h=h)[0] - df)
                    for h in hs])
    np.testing.assert_allclose(err / hs**2, abs(d3f) / 6, rtol=2e-3)
    slope = np.polyfit(np.log(hs), np.log(err), 1)[0]
    assert abs(slope - 2) < 0.01
    # the forward difference, for contrast, is first order
    fwd = np.abs((f(x0 + hs) - f(x0)) / hs - df)
    assert abs(np.polyfit(np.log(hs), np.log(fwd), 1)[0] - 1) < 0.05


def test_default_step_balances_truncation_and_rounding():
    """The default h = eps^(1/3) is near the best step; much smaller steps lose to rounding."""
    f = lambda v: np.exp(v[0])  # noqa: E731
    x0 = 1.0
    err_default = abs(calc.numerical_gradient(f, [x0])[0] - np.e)
    errs = {h: abs(calc.numerical_gradient(f, [x0], h=h)[0] - np.e)
            for h in np.logspace(-12, -1, 45)}
    assert err_default < 1e-9
    assert err_default < 20 * min(errs.values())
    assert errs[min(errs)] > 1e3 * err_default  # h = 1e-12: rounding dominates


def test_numerical_hessian_on_logistic_loss():
    rng = np.random.default_rng(6)
    X = rng.standard_normal((40, 3))
    y = (rng.random(40) < 0.5).astype(float)

    def J(w):
        z = X @ w
        return np.mean(np.logaddexp(0, z) - y * z)

    w = rng.standard_normal(3)
    p = sigmoid(X @ w)
    H = X.T @ (X * (p * (1 - p))[:, None]) / 40
    np.testing.assert_allclose(calc.numerical_hessian(J, w), H, atol=1e-7)
    grad = lambda v: X.T @ (sigmoid(X @ v) - y) / 40  # noqa: E731
    assert calc.check_gradient(J, grad, w) < 1e-8
    wrong = lambda v: X.T @ (sigmoid(X @ v) - y) / 39  # noqa: E731
    assert calc.check_gradient(J, wrong, w) > 1e-3


def test_check_gradient_zero_gradient_and_jacobian_shapes():
    assert calc.check_gradient(lambda x: 1.0, lambda x: np.zeros(3), np.ones(3)) == 0.0
    J = calc.numerical_jacobian(lambda X: X.T @ X, np.arange(6.0).reshape(3, 2))
    assert J.shape == (4, 6)


# ---------------------------------------------------------------------------------------------
# Taylor's theorem
# ---------------------------------------------------------------------------------------------

def test_taylor_remainder_bounds():
    """f(x) = sum_j cos(x_j) has Hessian diag(-cos x_j), which is 1-Lipschitz in the spectral norm
    (M = 1) and bounded by 1 (L = 1). The first- and second-order remainders obey L/2 |v|^2 and
    M/6 |v|^3; the second-order remainder divided by t^3 tends to sum_j sin(x_j) u_j^3 / 6."""
    rng = np.random.default_rng(7)
    f = lambda x: np.sum(np.cos(x))  # noqa: E731
    grad = lambda x: -np.sin(x)  # noqa: E731
    hess = lambda x: np.diag(-np.cos(x))  # noqa: E731
    for _ in range(200):
        x, v = rng.standard_normal(4) * 2, rng.standard_normal(4) * rng.uniform(0.01, 2)
        first = f(x) + grad(x) @ v
        second = first + 0.5 * v @ hess(x) @ v
        nv = np.linalg.norm(v)
        assert abs(f(x + v) - first) <= 0.5 * nv**2 + 1e-12
        assert abs(f(x + v) - second) <= nv**3 / 6 + 1e-12
    x, u = rng.standard_normal(4), rng.standard_normal(4)
    u /= np.linalg.norm(u)
    limit = np.sum(np.sin(x) * u**3) / 6
    for t in [1e-2, 3e-3]:
        r = f(x + t * u) - (f(x) + t * grad(x) @ u + 0.5 * t**2 * u @ hess(x) @ u)
        np.testing.assert_allclose(r / t**3, limit, rtol=0.05, atol=1e-4)


def test_one_dimensional_lagrange_remainder():
    """exp(x) = 1 + x + x^2/2 + e^xi x^3/6 with xi between 0 and x: the remainder lies between
    the values at the end points, and the integral form gives the same number."""
    for x in [-2.0, -0.5, 0.3, 1.5]:
        r = np.exp(x) - (1 + x + x**2 / 2)
        lo, hi = sorted([x**3 / 6, np.exp(x) * x**3 / 6])
        assert lo <= r <= hi
        t = np.linspace(0, 1, 20001)
        integrand = (1 - t) ** 2 / 2 * np.exp(t * x) * x**3
        integral = np.sum((integrand[1:] + integrand[:-1]) / 2) * (t[1] - t[0])
        np.testing.assert_allclose(integral, r, rtol=1e-7)


# ---------------------------------------------------------------------------------------------
# the second-order step of boosting
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("alpha", [0.0, 1.0, 10.0])
def test_leaf_weight_against_brute_force(alpha):
    rng = np.random.default_rng(8)
    g, h = rng.standard_normal(25), rng.uniform(0.05, 0.25, 25)

    def model(c):
        return np.sum(g * c + 0.5 * h * c**2) + 0.5 * alpha * c**2

    c, value = calc.leaf_weight(g, h, alpha)
    res = scipy.optimize.minimize_scalar(model, bounds=(-50, 50), method="bounded",
                                         options={"xatol": 1e-12})
    np.testing.assert_allclose(c, res.x, atol=1e-7)
    np.testing.assert_allclose(value, model(c), rtol=1e-12)
    grid = np.linspace(c - 1, c + 1, 2001)
    assert model(c) <= np.min([model(v) for v in grid]) + 1e-12


def test_leaf_weight_squared_and_logistic_losses():
    """Squared loss: the second-order model is exact and alpha = 0 gives the mean residual.
    Logistic loss: g = p - y and h = p(1 - p) are the autograd derivatives, and the leaf weight
    is one Newton step on the leaf's exact loss."""
    rng = np.random.default_rng(9)
    y, F = rng.standard_normal(30), rng.standard_normal(30)
    c, _ = calc.leaf_weight(F - y, np.ones(30))
    np.testing.assert_allclose(c, np.mean(y - F), rtol=1e-12)
    yb = (rng.random(30) < 0.5).astype(float)
    Ft = torch.tensor(F, requires_grad=True)
    loss = torch.sum(torch.nn.functional.softplus(Ft) - torch.tensor(yb) * Ft)
    (g_t,) = torch.autograd.grad(loss, Ft, create_graph=True)
    h_t = torch.autograd.grad(g_t.sum(), Ft)[0]
    p = sigmoid(F)
    np.testing.assert_allclose(g_t.detach().numpy(), p - yb, rtol=1e-12)
    np.testing.assert_allclose(h_t.numpy(), p * (1 - p), rtol=1e-12)
    exact = lambda c: np.sum(np.logaddexp(0, F + c) - yb * (F + c))  # noqa: E731
    d1 = calc.numerical_gradient(lambda v: exact(v[0]), [0.0])[0]
    d2 = calc.numerical_hessian(lambda v: exact(v[0]), [0.0])[0, 0]
    np.testing.assert_allclose(calc.leaf_weight(p - yb, p * (1 - p))[0], -d1 / d2, rtol=1e-6)


@pytest.mark.parametrize("alpha, zeta", [(0.0, 0.0), (1.0, 0.0), (2.0, 0.5)])
def test_split_gain_against_brute_force(alpha, zeta):
    rng = np.random.default_rng(10)
    g, h = rng.standard_normal(40), rng.uniform(0.1, 1.0, 40)
    left = rng.random(40) < 0.4

    def best(mask):
        obj = lambda c: np.sum(g[mask] * c + 0.5 * h[mask] * c**2) + 0.5 * alpha * c**2  # noqa
        return scipy.optimize.minimize_scalar(obj).fun

    brute = best(np.ones(40, bool)) - (best(left) + best(~left)) - zeta
    np.testing.assert_allclose(calc.split_gain(g, h, left, alpha, zeta), brute, rtol=1e-8)


def test_split_gain_is_nonnegative_without_any_penalty():
    """With alpha = 0 and no leaf cost the gain is >= 0 (the Cauchy-Schwarz step of the chapter);
    with alpha > 0 a split can increase the objective, and the random draws find such a split."""
    rng = np.random.default_rng(11)
    negative_with_alpha = 0
    for _ in range(200):
        g, h = rng.standard_normal(10), rng.uniform(0.01, 1, 10)
        left = np.arange(10) < rng.integers(1, 10)
        assert calc.split_gain(g, h, left) >= -1e-12
        negative_with_alpha += calc.split_gain(g, h, left, alpha=0.5) < 0
    assert negative_with_alpha > 0


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------

def test_bad_input_numerical_derivatives():
    f = lambda x: float(np.sum(x**2))  # noqa: E731
    with pytest.raises(InvalidParameterError, match="The 'f' parameter must be a callable; got 3"):
        calc.numerical_gradient(3.0, np.ones(2))
    with pytest.raises(ValueError, match="x contains NaN"):
        calc.numerical_gradient(f, [1.0, np.nan])
    with pytest.raises(ValueError, match="x is empty"):
        calc.numerical_gradient(f, [])
    with pytest.raises(ValueError, match="x must be an array of numbers"):
        calc.numerical_gradient(f, ["a", "b"])
    with pytest.raises(ValueError, match="x must be real; got complex values"):
        calc.numerical_gradient(f, [1j, 2.0])
    with pytest.raises(ValueError, match="x must be real; got complex values"):
        calc.numerical_gradient(f, np.array([1.0 + 1j, 2.0]))
    with pytest.raises(InvalidParameterError, match="The 'h' parameter of numerical_gradient "
                       "must be None or a float > 0; got 0.0."):
        calc.numerical_gradient(f, np.ones(2), h=0.0)
    with pytest.raises(InvalidParameterError, match="The 'h' parameter"):
        calc.numerical_gradient(f, np.ones(2), h="small")
    with pytest.raises(ValueError, match="f must return a scalar"):
        calc.numerical_gradient(lambda x: x, np.ones(2))
    with pytest.raises(ValueError, match="x must be 1-D"):
        calc.numerical_hessian(f, np.ones((2, 2)))
    with pytest.raises(InvalidParameterError, match="The 'h' parameter of numerical_jacobian"):
        calc.numerical_jacobian(np.sin, np.ones(2), h=-1.0)
    with pytest.raises(ValueError, match="fixed size"):
        calc.numerical_jacobian(lambda x: np.ones(int(x[0] > 1) + 1), np.ones(1))
    with pytest.raises(InvalidParameterError, match="The 'grad' parameter must be a callable"):
        calc.check_gradient(f, None, np.ones(2))
    with pytest.raises(ValueError, match="grad must return an array of shape"):
        calc.check_gradient(f, lambda x: np.ones(3), np.ones(2))


def test_bad_input_boosting():
    g, h = np.ones(4), np.ones(4)
    with pytest.raises(ValueError, match="same shape"):
        calc.leaf_weight(g, np.ones(3))
    with pytest.raises(ValueError, match="h must be non-negative"):
        calc.leaf_weight(g, -h)
    with pytest.raises(InvalidParameterError, match="The 'alpha' parameter of leaf_weight must "
                       "be a float >= 0; got -1.0."):
        calc.leaf_weight(g, h, alpha=-1.0)
    with pytest.raises(InvalidParameterError, match="The 'alpha' parameter"):
        calc.leaf_weight(g, h, alpha=None)
    with pytest.raises(ValueError, match="g contains NaN"):
        calc.leaf_weight([np.inf, 1.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="must be > 0"):
        calc.leaf_weight(g, np.zeros(4), alpha=0.0)
    with pytest.raises(ValueError, match="left must be a boolean"):
        calc.split_gain(g, h, [1, 0, 1, 0])
    with pytest.raises(ValueError, match="at least one sample to each child"):
        calc.split_gain(g, h, np.ones(4, bool))
    with pytest.raises(InvalidParameterError, match="The 'min_split_loss' parameter of "
                       "split_gain must be a float >= 0; got -0.1."):
        calc.split_gain(g, h, np.arange(4) < 2, min_split_loss=-0.1)
    with pytest.raises(InvalidParameterError, match="The 'min_split_loss' parameter"):
        calc.split_gain(g, h, np.arange(4) < 2, min_split_loss="big")
