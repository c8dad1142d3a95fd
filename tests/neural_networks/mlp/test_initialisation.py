"""The initial weights: scikit-learn's draws, and the variances of the Glorot and He schemes."""

import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier as SkMLP
from sklearn.utils import check_random_state

from mlmath.neural_networks.mlp import (
    glorot_normal,
    glorot_uniform,
    he_normal,
    he_uniform,
    initial_parameters,
)


@pytest.mark.parametrize("activation", ["relu", "logistic", "tanh", "identity"])
def test_initial_parameters_are_scikit_learns_draws(activation):
    units = [7, 5, 4, 3]
    coefs, intercepts = initial_parameters(units, activation, 42)
    twin = SkMLP(activation=activation)
    twin._random_state = check_random_state(42)
    for layer, (fan_in, fan_out) in enumerate(zip(units[:-1], units[1:])):
        W, b = twin._init_coef(fan_in, fan_out, np.float64)
        np.testing.assert_array_equal(coefs[layer], W)
        np.testing.assert_array_equal(intercepts[layer], b)
        assert coefs[layer].shape == (fan_in, fan_out) and intercepts[layer].shape == (fan_out,)


def test_initial_parameters_advances_a_random_state_in_place():
    rng = np.random.RandomState(0)
    initial_parameters([3, 2, 1], "relu", rng)
    fresh = np.random.RandomState(0)
    fresh.uniform(size=3 * 2 + 2 + 2 * 1 + 1)
    assert rng.uniform() == fresh.uniform()


def test_initial_parameters_refuses_empty_layers():
    with pytest.raises(ValueError, match="positive"):
        initial_parameters([3, 0, 1], "relu", 0)


@pytest.mark.parametrize("draw, variance", [
    (glorot_uniform, lambda i, o: 2 / (i + o)), (glorot_normal, lambda i, o: 2 / (i + o)),
    (he_uniform, lambda i, o: 2 / i), (he_normal, lambda i, o: 2 / i)])
def test_schemes_have_their_target_variance(draw, variance):
    W = draw(400, 300, random_state=0)
    assert W.shape == (400, 300)
    assert abs(W.mean()) < 3e-4
    assert W.var() == pytest.approx(variance(400, 300), rel=0.01)
    if draw in (glorot_uniform, he_uniform):  # uniform on [-r, r] with r^2/3 = the variance
        assert np.abs(W).max() <= np.sqrt(3 * variance(400, 300))


@pytest.mark.parametrize("units", [[3, 2.5, 1], [3, 2.0, 1], [3, True, 1], [3], [3, -1, 1]])
def test_initial_parameters_refuses_non_integer_sizes(units):
    # int(2.5) would have silently built a layer of width 2
    with pytest.raises(ValueError, match="positive integer sizes"):
        initial_parameters(units, "relu", 0)


def test_initial_parameters_refuses_an_unknown_activation():
    # "gelu" would silently have got the non-logistic bound
    with pytest.raises(ValueError, match="'activation' parameter of initial_parameters"):
        initial_parameters([3, 2, 1], "gelu", 0)
    coefs, _ = initial_parameters([np.int64(3), 2, 1], "tanh", 0)  # NumPy integers accepted
    assert coefs[0].shape == (3, 2)


@pytest.mark.parametrize("draw", [glorot_uniform, glorot_normal, he_uniform, he_normal])
@pytest.mark.parametrize("fans, name", [((0, 3), "fan_in"), ((3, 0), "fan_out"),
                                        ((-2, 3), "fan_in"), ((2.5, 3), "fan_in")])
def test_schemes_refuse_bad_fans(draw, fans, name):
    # glorot_uniform(0, 3) was a bare ZeroDivisionError, a negative fan a NumPy message
    with pytest.raises(ValueError, match=f"'{name}' parameter of {draw.__name__}"):
        draw(*fans, random_state=0)
