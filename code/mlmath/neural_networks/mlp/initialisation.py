r"""Initial weights: scikit-learn's Glorot-uniform draw, and the Glorot and He schemes.

The code of the book's chapter Multilayer networks. Glorot and Bengio choose the variance
:math:`2/(d_{l-1}+d_l)` (keeping the variance of activations and of back-propagated errors
roughly constant through tanh layers); He et al. choose :math:`2/d_{l-1}` (ReLU halves the second
moment). A uniform law on :math:`[-r, r]` has variance :math:`r^2/3`.
"""

from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state

from mlmath.validation import Interval, Options, check_parameter

__all__ = ["initial_parameters", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal"]


def initial_parameters(layer_units, activation, random_state):
    r"""scikit-learn's initial weights and biases, drawn in its order.

    For each layer :math:`l`, with :math:`r = \sqrt{6/(d_{l-1}+d_l)}` (``sqrt(2/...)`` for the
    logistic activation), first :math:`\mW^{(l)} \sim U[-r, r]^{d_{l-1}\times d_l}`, then
    :math:`\vb^{(l)} \sim U[-r, r]^{d_l}`.

    Parameters
    ----------
    layer_units : sequence of int
        ``[n_features, *hidden_layer_sizes, n_outputs]``, each ``>= 1``.
    activation : {"identity", "logistic", "tanh", "relu"}
        The hidden activation (only ``"logistic"`` changes the range).
    random_state : int, RandomState instance or None
        A RandomState is advanced in place (as scikit-learn's ``_random_state``).

    Returns
    -------
    coefs : list of ndarray, shapes (layer_units[l-1], layer_units[l])
    intercepts : list of ndarray, shapes (layer_units[l],)
    """
    units = list(layer_units)
    if len(units) < 2 or not all(isinstance(u, Integral) and not isinstance(u, bool) and u >= 1
                                 for u in units):
        raise ValueError("layer_units must hold at least two positive integer sizes; got "
                         f"{layer_units!r}.")
    units = [int(u) for u in units]
    check_parameter(activation, "activation", [Options(["identity", "logistic", "tanh", "relu"])],
                    owner="initial_parameters")
    rng = check_random_state(random_state)
    factor = 2.0 if activation == "logistic" else 6.0
    coefs, intercepts = [], []
    for fan_in, fan_out in zip(units[:-1], units[1:]):
        bound = np.sqrt(factor / (fan_in + fan_out))
        coefs.append(rng.uniform(-bound, bound, (fan_in, fan_out)))
        intercepts.append(rng.uniform(-bound, bound, fan_out))
    return coefs, intercepts


def _check_fans(fan_in, fan_out, owner):
    for value, name in ((fan_in, "fan_in"), (fan_out, "fan_out")):
        check_parameter(value, name, [Interval(Integral, 1, None, closed="left")], owner=owner)


def _draw(fan_in, fan_out, variance, law, random_state):
    rng = check_random_state(random_state)
    if law == "uniform":
        bound = np.sqrt(3.0 * variance)
        return rng.uniform(-bound, bound, (fan_in, fan_out))
    return rng.normal(0.0, np.sqrt(variance), (fan_in, fan_out))


def glorot_uniform(fan_in, fan_out, random_state=None):
    r"""Glorot-uniform weights :math:`U[-r, r]`, :math:`r = \sqrt{6/(d_{l-1}+d_l)}`.

    Their variance is :math:`r^2/3 = 2/(d_{l-1}+d_l)`.

    Parameters
    ----------
    fan_in, fan_out : int
        :math:`d_{l-1}` and :math:`d_l`.
    random_state : int, RandomState instance or None

    Returns
    -------
    ndarray of shape (fan_in, fan_out)
    """
    _check_fans(fan_in, fan_out, "glorot_uniform")
    return _draw(fan_in, fan_out, 2.0 / (fan_in + fan_out), "uniform", random_state)


def glorot_normal(fan_in, fan_out, random_state=None):
    r"""Weights :math:`N(0, 2/(d_{l-1}+d_l))`.

    Parameters
    ----------
    fan_in, fan_out : int
    random_state : int, RandomState instance or None

    Returns
    -------
    ndarray of shape (fan_in, fan_out)
    """
    _check_fans(fan_in, fan_out, "glorot_normal")
    return _draw(fan_in, fan_out, 2.0 / (fan_in + fan_out), "normal", random_state)


def he_uniform(fan_in, fan_out, random_state=None):
    r"""Weights :math:`U[-r, r]` with :math:`r = \sqrt{6/d_{l-1}}`: variance :math:`2/d_{l-1}`.

    Parameters
    ----------
    fan_in, fan_out : int
    random_state : int, RandomState instance or None

    Returns
    -------
    ndarray of shape (fan_in, fan_out)
    """
    _check_fans(fan_in, fan_out, "he_uniform")
    return _draw(fan_in, fan_out, 2.0 / fan_in, "uniform", random_state)


def he_normal(fan_in, fan_out, random_state=None):
    r"""Weights :math:`N(0, 2/d_{l-1})`.

    Parameters
    ----------
    fan_in, fan_out : int
    random_state : int, RandomState instance or None

    Returns
    -------
    ndarray of shape (fan_in, fan_out)
    """
    _check_fans(fan_in, fan_out, "he_normal")
    return _draw(fan_in, fan_out, 2.0 / fan_in, "normal", random_state)
