"""mlmath.supervised.linear_regression.base: weighted centring folds weights and intercept
correctly."""

import numpy as np
import pytest

from mlmath.supervised.linear_regression.base import center_data
from mlmath.validation import check_sample_weight


def test_center_data_turns_weighted_least_squares_into_ordinary():
    rng = np.random.default_rng(0)
    X, y, sw = rng.standard_normal((20, 3)), rng.standard_normal(20), rng.uniform(0.5, 2, 20)
    Xw, yw, X_off, y_off = center_data(X, y, sw, fit_intercept=True)
    np.testing.assert_allclose(X_off, np.average(X, axis=0, weights=sw))
    w = rng.standard_normal(3)
    weighted = np.sum(sw * ((y - y_off) - (X - X_off) @ w) ** 2)
    assert np.sum((yw - Xw @ w) ** 2) == pytest.approx(weighted)
    # The weighted column means of the centred data vanish: the intercept decouples.
    np.testing.assert_allclose(np.sqrt(sw) @ Xw, 0.0, atol=1e-12)


def test_center_data_without_intercept_keeps_the_data():
    X, y = np.arange(6.0).reshape(3, 2), np.arange(3.0)
    Xw, yw, X_off, y_off = center_data(X, y, np.ones(3), fit_intercept=False)
    np.testing.assert_array_equal(Xw, X)
    assert y_off == 0.0 and not X_off.any()


@pytest.mark.parametrize("order", ["C", "F"])
def test_center_data_copies_once_in_the_requested_order(order):
    rng = np.random.default_rng(1)
    X, y, sw = rng.standard_normal((15, 4)), rng.standard_normal(15), rng.uniform(0.5, 2, 15)
    Xw, _, X_off, _ = center_data(X, y, sw, fit_intercept=True, order=order)
    assert Xw.flags[{"C": "C_CONTIGUOUS", "F": "F_CONTIGUOUS"}[order]]
    assert not np.shares_memory(Xw, X)
    np.testing.assert_allclose(Xw, (X - X_off) * np.sqrt(sw)[:, None], rtol=1e-14)


def test_check_sample_weight():
    np.testing.assert_array_equal(check_sample_weight(None, 3), np.ones(3))
    np.testing.assert_array_equal(check_sample_weight(2.0, 2), [2.0, 2.0])
    with pytest.raises(ValueError, match="expected \\(3,\\)"):
        check_sample_weight(np.ones((3, 1)), 3)


def test_the_squares_guard_has_one_home():
    import mlmath.supervised.linear_regression.base as linear_base
    import mlmath.supervised.linear_regression.estimators as linear_regression
    from mlmath.validation import check_squares_representable

    assert not hasattr(linear_base, "check_squares_representable")
    assert linear_regression.check_squares_representable is check_squares_representable
