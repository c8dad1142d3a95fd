"""The two-loop recursion equals the dense BFGS inverse-Hessian product."""

import numpy as np
import pytest

from mlmath.neural_networks.optim import lbfgs_direction


def _dense_bfgs_direction(g, S, Y):
    d = g.size
    s, y = S[-1], Y[-1]
    H = (s @ y) / (y @ y) * np.eye(d)
    for s, y in zip(S, Y):
        rho = 1.0 / (y @ s)
        V = np.eye(d) - rho * np.outer(y, s)
        H = V.T @ H @ V + rho * np.outer(s, s)
    return -H @ g


@pytest.mark.parametrize("m", [1, 3, 6])
def test_two_loop_equals_dense_bfgs(m):
    rng = np.random.default_rng(m)
    d = 6
    M = rng.normal(size=(d, d))
    A = M @ M.T + np.eye(d)  # y = A s: the curvature condition holds
    S = [rng.normal(size=d) for _ in range(m)]
    Y = [A @ s for s in S]
    g = rng.normal(size=d)
    direction = lbfgs_direction(g, S, Y)
    np.testing.assert_allclose(direction, _dense_bfgs_direction(g, S, Y), rtol=1e-10)
    assert direction @ g < 0  # a descent direction
    # the secant equation of the newest pair: H y = s
    np.testing.assert_allclose(lbfgs_direction(Y[-1], S, Y), -S[-1], rtol=1e-10)


def test_d_conjugate_pairs_give_the_exact_inverse_hessian():
    rng = np.random.default_rng(7)
    d = 5
    M = rng.normal(size=(d, d))
    A = M @ M.T + np.eye(d)
    S = list(np.linalg.eigh(A)[1].T * rng.uniform(0.5, 2.0, size=(d, 1)))  # A-conjugate
    Y = [A @ s for s in S]
    g = rng.normal(size=d)
    np.testing.assert_allclose(lbfgs_direction(g, S, Y), -np.linalg.solve(A, g), rtol=1e-9)
    # with one pair fewer, H is not the inverse Hessian: the check can fail
    assert not np.allclose(lbfgs_direction(g, S[1:], Y[1:]), -np.linalg.solve(A, g))


def test_edge_cases():
    g = np.array([1.0, -2.0])
    np.testing.assert_array_equal(lbfgs_direction(g, [], []), -g)
    with pytest.raises(ValueError, match="equal lengths"):
        lbfgs_direction(g, [g], [])
    with pytest.raises(ValueError, match="curvature"):
        lbfgs_direction(g, [g], [-g])
    # y^T s = 0 exactly (rho = 1/0) is refused too, also when an older pair is the culprit
    s, y = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    with pytest.raises(ValueError, match="curvature"):
        lbfgs_direction(g, [s], [y])
    with pytest.raises(ValueError, match="curvature"):
        lbfgs_direction(g, [s, g], [y, g])
