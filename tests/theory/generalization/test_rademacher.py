"""Tests of mlmath.theory.generalization.rademacher: Rademacher complexity.

The Monte Carlo estimate against exact enumeration of the sign vectors, its two exact values
(one hypothesis, all sign vectors), and Massart's bound.
"""

from itertools import product

import numpy as np
import pytest

from mlmath.theory import generalization as gen

GRID = np.linspace(0.025, 0.975, 20)  # 20 thresholds, 40 hypotheses


def exact_rademacher(A):
    """The empirical Rademacher complexity by enumerating all 2^n sign vectors."""
    n = A.shape[1]
    signs = np.array(list(product([-1.0, 1.0], repeat=n)))
    return (signs @ A.T).max(axis=1).mean() / n


def test_rademacher_of_one_hypothesis_is_zero():
    a = np.random.default_rng(0).choice([-1.0, 1.0], size=50)
    est, se = gen.empirical_rademacher(a, n_draws=20_000, random_state=1, return_std=True)
    assert abs(est) <= 4 * se
    assert exact_rademacher(a[None, :12]) == pytest.approx(0.0, abs=1e-15)


def test_rademacher_of_all_sign_vectors_is_one():
    A = np.array(list(product([-1.0, 1.0], repeat=8)))
    assert gen.empirical_rademacher(A, n_draws=50, random_state=0) == 1.0


def test_rademacher_against_enumeration_and_massart():
    rng = np.random.default_rng(3)
    x = np.sort(rng.uniform(size=12))
    A = 2.0 * gen.threshold_classifiers(x, GRID) - 1.0
    exact = exact_rademacher(A)
    est, se = gen.empirical_rademacher(A, n_draws=40_000, random_state=4, return_std=True)
    assert abs(est - exact) <= 4 * se
    assert exact <= gen.massart_bound(A)
    for size in (2, 5, 30):
        B = rng.standard_normal((size, 12))
        assert exact_rademacher(B) <= gen.massart_bound(B)
    # scale: R(cA) = |c| R(A) for the same signs
    np.testing.assert_allclose(gen.empirical_rademacher(3 * A, random_state=7),
                               3 * gen.empirical_rademacher(A, random_state=7), rtol=1e-12)


def test_massart_formula():
    A = np.array([[1.0, -1.0, 1.0], [0.5, 0.5, 0.0]])
    assert gen.massart_bound(A) == pytest.approx(np.sqrt(3) * np.sqrt(2 * np.log(2)) / 3)
    assert gen.massart_bound(A[:1]) == 0.0


@pytest.mark.parametrize("call, match", [
    (lambda: gen.empirical_rademacher(np.ones((2, 3, 4))), "predictions must be 1-D or 2-D"),
    (lambda: gen.empirical_rademacher([[1.0, np.nan]]), "predictions contains NaN"),
    (lambda: gen.empirical_rademacher([[1.0, 1.0]], n_draws=0),
     "The 'n_draws' parameter of empirical_rademacher must be an int >= 1; got 0."),
    (lambda: gen.empirical_rademacher([[1.0]], return_std=1), "The 'return_std' parameter"),
    (lambda: gen.empirical_rademacher([["a", "b"]]), "predictions must be an array of numbers"),
    (lambda: gen.massart_bound(np.empty((0, 3))), "predictions must not be empty"),
])
def test_bad_input_is_refused_by_name(call, match):
    with pytest.raises(ValueError, match=match):
        call()
