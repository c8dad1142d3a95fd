"""The targets a regression tree is grown on: exact reconstruction, centring, scaling, refusal."""

import numpy as np
import pytest

from mlmath.supervised.decision_trees.targets import regression_targets


@pytest.mark.parametrize("shift, exponent", [(0.0, 0), (1e9, 0), (0.0, 400), (1e6, 460),
                                              (0.0, -600)])
def test_targets_are_recovered_exactly_and_centred_or_scaled_when_needed(shift, exponent):
    rng = np.random.default_rng(0)
    y = np.ldexp(shift + rng.normal(size=200), exponent)
    sw = rng.random(200) + 0.5
    z, c, e = regression_targets(y, sw)
    # y = 2^e (c + z), to the rounding of the shift alone (none when c = 0): c + z is y - c
    # rounded, then c added, two roundings of at most eps/2 relative to |y| here
    np.testing.assert_allclose(np.ldexp(c + z, e), y, rtol=4 * np.finfo(float).eps, atol=0)
    if c == 0.0:
        np.testing.assert_array_equal(np.ldexp(z, e), y)
    # (tiny targets, 2^-600: their squares underflow to a zero variance, which any mean
    # dwarfs; the shift is harmless, and their tree is a single leaf, as scikit-learn's)
    if exponent >= 0:
        assert (c != 0.0) == (shift != 0.0)  # centred exactly when the mean dwarfs the spread
    y_max = np.max(np.abs(y))
    assert (e != 0) == (y_max > 2.0**332)  # scaled only when large
    # and then only back into [2^331, 2^332): as large as unscaled targets may be, no larger
    assert e == 0 or 2.0**331 <= y_max / 2.0**e < 2.0**332


@pytest.mark.parametrize("scale", [1e90, 1e99, 1e101, 1e150, 1e160])
def test_huge_targets_split_as_the_same_targets_unscaled(scale):
    # the spread is 1e-10 of the mean, far above the rounding level (1e-16): the four
    # distinct values are separated into four leaves, whether or not y is scaled (the scaled
    # targets keep the magnitude of unscaled ones, so the impurity threshold epsilon does not
    # stop the growth any earlier)
    from mlmath.supervised.decision_trees import DecisionTreeRegressor

    X = np.arange(8.0).reshape(-1, 1)
    y = scale * (1 + 1e-10 * np.array([0, 0, 1, 1, 2, 2, 3, 3]))
    tree = DecisionTreeRegressor().fit(X, y)
    assert tree.get_n_leaves() == 4
    np.testing.assert_allclose(tree.predict(X), y, rtol=4 * np.finfo(float).eps)


def test_tiny_entries_beside_huge_ones_are_kept():
    # 1e150 needs a scaling by 2^e with e = 167 only: 1e-250 / 2^167 is still a normal float,
    # so the small entries, and the mean of their leaf, are exact to rounding
    from mlmath.supervised.decision_trees import DecisionTreeRegressor

    y = np.array([1e150] * 3 + [3e-250, 1e-250, 2e-250])
    z, c, e = regression_targets(y, np.ones(6))
    assert c == 0.0 and e == 167
    np.testing.assert_array_equal(np.ldexp(z, e), y)
    tree = DecisionTreeRegressor(max_depth=1).fit(np.arange(6.0).reshape(-1, 1), y)
    np.testing.assert_allclose(tree.predict([[5.0]]), [2e-250], rtol=1e-15)


def test_a_constant_target_gives_exact_zeros_however_large():
    for value in (3.7, -1e300, 1.7e308):
        z, c, e = regression_targets(np.full(50, value), np.ones(50))
        assert np.all(z == 0.0) and np.ldexp(c, e) == value


@pytest.mark.parametrize("y, sw", [
    (np.array([-1e155, 1e155]), np.ones(2)),  # half the range squared overflows
    (np.array([-1e153, 1e153] * 100), np.full(200, 1e3)),  # the weighted sum of squares does
])
def test_targets_whose_squared_deviations_overflow_are_refused(y, sw):
    with pytest.raises(ValueError, match="squared deviations of y .* overflow float64"):
        regression_targets(y, sw)
    regression_targets(y / 1e4, sw)  # a little smaller: accepted
