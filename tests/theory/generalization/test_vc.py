"""Tests of mlmath.theory.generalization.vc: shattering by half-spaces.

Linear programs decide separability; d + 1 points in general position are shattered (the
chapter's explicit construction), d + 2 points never are (Radon's theorem).
"""

from itertools import product

import numpy as np
import pytest

from mlmath.theory import generalization as gen


@pytest.mark.parametrize("d", [1, 2, 3, 4])
def test_d_plus_one_points_are_shattered(d):
    X = np.vstack([np.zeros(d), np.eye(d)])
    assert gen.shattered_by_halfspaces(X)
    # the chapter's explicit classifier: b = y_0 / 2, w_j = y_j
    for labels in product([-1.0, 1.0], repeat=d + 1):
        y = np.array(labels)
        w, b = y[1:], y[0] / 2
        np.testing.assert_array_equal(np.sign(X @ w + b), y)
        assert gen.linearly_separable(X, y)


@pytest.mark.parametrize("d", [1, 2, 3])
def test_no_d_plus_two_points_are_shattered(d):
    # Radon's theorem: any d + 2 points in R^d split into two sets whose hulls meet.
    rng = np.random.default_rng(d)
    for _ in range(5):
        assert not gen.shattered_by_halfspaces(rng.standard_normal((d + 2, d)))
    xor = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    assert not gen.linearly_separable(xor, np.array([1.0, 1.0, -1.0, -1.0]))
    assert gen.linearly_separable(xor, np.array([1.0, -1.0, 1.0, -1.0]))


@pytest.mark.parametrize("call, match", [
    (lambda: gen.linearly_separable(np.eye(3), [1, -1]), "y must have 3 entries"),
    (lambda: gen.linearly_separable(np.eye(2), [1, 0]), "y must hold labels"),
    (lambda: gen.linearly_separable(np.ones(3), [1, -1, 1]), "X must be 2-D"),
    (lambda: gen.shattered_by_halfspaces(np.zeros((17, 2))), "at most 16 rows"),
])
def test_bad_input_is_refused_by_name(call, match):
    with pytest.raises(ValueError, match=match):
        call()
