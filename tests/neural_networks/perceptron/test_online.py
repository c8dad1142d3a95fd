"""The online loop: scikit-learn's shuffle, and the update rule against a plain NumPy loop."""

import numpy as np
import pytest

from mlmath.neural_networks.perceptron import perceptron_epochs, xorshift_shuffle


def _xorshift_reference(n, seed):
    """The shuffle written with Python integers, modulo 2**32."""
    index = list(range(n))
    s = seed
    for i in range(n - 1):
        if s == 0:
            s = 1
        s ^= (s << 13) & 0xFFFFFFFF
        s ^= s >> 17
        s ^= (s << 5) & 0xFFFFFFFF
        j = i + (s % 2**31) % (n - i)
        index[i], index[j] = index[j], index[i]
    return index


@pytest.mark.parametrize("seed", [0, 1, 12345, 2**31 - 2, 2**32 - 1])
def test_shuffle_matches_python_integers(seed):
    index = np.arange(57, dtype=np.int32)
    xorshift_shuffle(index, seed)
    assert index.tolist() == _xorshift_reference(57, seed)
    assert sorted(index.tolist()) == list(range(57))


def test_one_epoch_equals_the_update_rule_in_numpy():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 4))
    y = np.where(rng.normal(size=40) > 0, 1.0, -1.0)
    w_ref, b_ref, mistakes = np.zeros(4), 0.0, 0
    for i in range(40):
        if y[i] * (X[i] @ w_ref + b_ref) <= 0:
            w_ref += 0.5 * y[i] * X[i]
            b_ref += 0.5 * y[i]
            mistakes += 1
    w = np.zeros(4)
    b, n_iter, n_mistakes = perceptron_epochs(X, y, np.ones(40), w, 0.0, 0.5, 0.0, 0.0, 0,
                                              True, 1, -np.inf, 5, False, 0, 1.0, 1.0)
    np.testing.assert_allclose(w, w_ref, atol=1e-12)
    assert b == pytest.approx(b_ref) and n_iter == 1 and n_mistakes == mistakes
