"""The momentum-and-gains loop against scikit-learn's ``_gradient_descent``."""

import numpy as np
from sklearn.manifold._t_sne import _gradient_descent

from mlmath.dimensionality_reduction.tsne import gradient_descent


def _quadratic(z, compute_error=True):
    # an ill-conditioned quadratic: some coordinates overshoot (sign flips), some do not
    scale = np.array([1.0, 30.0])
    value = 0.5 * float(np.sum(scale * z**2))
    return value, scale * z


def test_iterates_equal_scikit_learn():
    z0 = np.random.default_rng(0).normal(size=(20, 2))
    ours, err, it, _ = gradient_descent(_quadratic, z0, it=0, max_iter=60, momentum=0.5,
                                        learning_rate=0.05, n_iter_check=10)

    def flat(p, compute_error=True):
        v, g = _quadratic(p.reshape(20, 2), compute_error)
        return v, g.ravel()

    theirs, err_sk, it_sk = _gradient_descent(flat, z0.ravel().copy(), 0, 60, n_iter_check=10,
                                              momentum=0.5, learning_rate=0.05)
    np.testing.assert_allclose(ours.ravel(), theirs, rtol=1e-12, atol=1e-15)
    assert it == it_sk


def test_gains_grow_while_the_gradient_keeps_its_sign():
    # on a linear objective the gradient never changes sign; the first step has a zero
    # update, product 0 (not negative), so its gain is multiplied by 0.8, later ones grow by 0.2
    def linear(z, compute_error=True):
        return float(z.sum()), np.ones_like(z)

    z0 = np.zeros((3, 2))
    z, *_ = gradient_descent(linear, z0, it=0, max_iter=3, momentum=0.0, learning_rate=1.0,
                             n_iter_check=100)
    # gains: 0.8, 1.0, 1.2; with no momentum each step moves by -gain
    np.testing.assert_allclose(z, -(0.8 + 1.0 + 1.2) * np.ones((3, 2)))
