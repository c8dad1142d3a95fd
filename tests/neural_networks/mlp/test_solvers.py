"""The solvers' steps against hand computations and against scikit-learn's optimisers."""

import numpy as np
import pytest
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer, SGDOptimizer

from mlmath.neural_networks.mlp import AdamSolver, SGDSolver


def _two_steps(solver_cls, **kwargs):
    params = [np.array([1.0, -2.0]), np.array([0.5])]
    solver = solver_cls([p.copy() for p in params], **kwargs)
    g1 = [np.array([0.3, -0.1]), np.array([2.0])]
    g2 = [np.array([-0.2, 0.4]), np.array([1.0])]
    solver.update_params(params, g1)
    first = [p.copy() for p in params]
    solver.update_params(params, g2)
    return first, params, g1, g2


def test_sgd_heavy_ball_by_hand():
    eta, beta = 0.1, 0.9
    first, second, g1, g2 = _two_steps(SGDSolver, learning_rate_init=eta, momentum=beta,
                                       nesterov=False)
    v1 = -eta * g1[0]
    np.testing.assert_allclose(first[0], np.array([1.0, -2.0]) + v1, rtol=1e-15)
    v2 = beta * v1 - eta * g2[0]
    np.testing.assert_allclose(second[0], first[0] + v2, rtol=1e-15)


def test_sgd_nesterov_by_hand():
    eta, beta = 0.1, 0.9
    first, second, g1, g2 = _two_steps(SGDSolver, learning_rate_init=eta, momentum=beta,
                                       nesterov=True)
    v1 = -eta * g1[0]
    np.testing.assert_allclose(first[0], np.array([1.0, -2.0]) + beta * v1 - eta * g1[0])
    v2 = beta * v1 - eta * g2[0]
    np.testing.assert_allclose(second[0], first[0] + beta * v2 - eta * g2[0])


def test_plain_sgd_by_hand():
    first, second, g1, g2 = _two_steps(SGDSolver, learning_rate_init=0.5, momentum=0.0)
    np.testing.assert_allclose(second[1], 0.5 - 0.5 * 2.0 - 0.5 * 1.0)


def test_adam_by_hand():
    eta, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    first, second, g1, g2 = _two_steps(AdamSolver, learning_rate_init=eta, beta_1=b1,
                                       beta_2=b2, epsilon=eps)
    m1, v1 = (1 - b1) * g1[0], (1 - b2) * g1[0] ** 2
    step1 = eta * np.sqrt(1 - b2) / (1 - b1) * m1 / (np.sqrt(v1) + eps)
    np.testing.assert_allclose(first[0], np.array([1.0, -2.0]) - step1, rtol=1e-14)
    # the first step has length about eta in every coordinate (bias correction)
    np.testing.assert_allclose(np.abs(step1), eta, rtol=1e-4)
    m2, v2 = b1 * m1 + (1 - b1) * g2[0], b2 * v1 + (1 - b2) * g2[0] ** 2
    step2 = eta * np.sqrt(1 - b2 ** 2) / (1 - b1 ** 2) * m2 / (np.sqrt(v2) + eps)
    np.testing.assert_allclose(second[0], first[0] - step2, rtol=1e-14)


def test_invscaling_and_adaptive_schedules():
    sgd = SGDSolver([np.zeros(1)], learning_rate_init=0.2, lr_schedule="invscaling",
                    power_t=0.25)
    sgd.iteration_ends(80)
    assert sgd.learning_rate == pytest.approx(0.2 / 81 ** 0.25)
    adaptive = SGDSolver([np.zeros(1)], learning_rate_init=1e-5, lr_schedule="adaptive")
    assert adaptive.trigger_stopping() is False
    assert adaptive.learning_rate == pytest.approx(2e-6)
    assert adaptive.trigger_stopping() is False
    assert adaptive.learning_rate == pytest.approx(4e-7)
    assert adaptive.trigger_stopping() is True
    assert SGDSolver([np.zeros(1)]).trigger_stopping() is True
    assert AdamSolver([np.zeros(1)]).trigger_stopping() is True


@pytest.mark.parametrize("ours, theirs, kwargs", [
    (SGDSolver, SGDOptimizer, dict(learning_rate_init=0.05, momentum=0.8, nesterov=True)),
    (SGDSolver, SGDOptimizer, dict(learning_rate_init=0.05, momentum=0.8, nesterov=False)),
    (AdamSolver, AdamOptimizer, dict(learning_rate_init=0.01, beta_1=0.8, beta_2=0.99))])
def test_steps_equal_scikit_learns(ours, theirs, kwargs):
    rng = np.random.default_rng(0)
    a = [rng.normal(size=(3, 2)), rng.normal(size=2)]
    b = [p.copy() for p in a]
    mine, twin = ours(a, **kwargs), theirs(b, **kwargs)
    for _ in range(5):
        grads = [rng.normal(size=(3, 2)), rng.normal(size=2)]
        mine.update_params(a, grads)
        twin.update_params(b, grads)
    for p, q in zip(a, b):
        np.testing.assert_array_equal(p, q)
