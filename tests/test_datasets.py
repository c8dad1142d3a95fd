"""mlmath.datasets: reproducible, shaped as documented, drawn from the stated model."""

import numpy as np
import pytest

from mlmath.datasets import load_dataset, make_linear_regression, make_sine_regression
from mlmath.validation import InvalidParameterError


def test_make_linear_regression_is_seeded_and_follows_the_model():
    X, y, coef = make_linear_regression(50_000, 3, noise=0.5, bias=2.0, correlation=0.6,
                                        random_state=0)
    X2, y2, coef2 = make_linear_regression(50_000, 3, noise=0.5, bias=2.0, correlation=0.6,
                                           random_state=0)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert X.shape == (50_000, 3) and y.shape == (50_000,) and coef.shape == (3,)
    np.testing.assert_allclose(np.corrcoef(X.T)[0, 1], 0.6, atol=0.02)
    residual = y - X @ coef - 2.0
    assert residual.std() == pytest.approx(0.5, rel=0.02)


def test_make_linear_regression_given_coef_and_bad_arguments():
    _, _, coef = make_linear_regression(10, 2, coef=[1.0, -1.0], random_state=0)
    np.testing.assert_array_equal(coef, [1.0, -1.0])
    with pytest.raises(ValueError, match="coef must have shape"):
        make_linear_regression(10, 3, coef=[1.0, 2.0])
    with pytest.raises(InvalidParameterError, match="The 'n_samples' parameter of "
                       "make_linear_regression must be an int >= 1; got 0."):
        make_linear_regression(0, 2)
    with pytest.raises(InvalidParameterError, match="The 'noise' parameter"):
        make_linear_regression(10, 2, noise=-1.0)
    with pytest.raises(InvalidParameterError, match="The 'n_samples' parameter of "
                       "make_sine_regression"):
        make_sine_regression(2.5)
    with pytest.raises(ValueError, match="correlation"):
        make_linear_regression(10, 3, correlation=-0.6)  # not positive definite for d = 3
    with pytest.raises(ValueError, match="correlation"):
        make_linear_regression(10, 3, correlation=1.0)


def test_make_sine_regression():
    X, y = make_sine_regression(1000, noise=0.0, random_state=0)
    assert X.shape == (1000, 1) and (X >= 0).all() and (X <= 1).all()
    np.testing.assert_allclose(y, np.sin(2 * np.pi * X[:, 0]))


@pytest.mark.parametrize("name,shape", [("diabetes", (442, 10)), ("iris", (150, 4)),
                                        ("wine", (178, 13)), ("breast_cancer", (569, 30)),
                                        ("digits", (1797, 64))])
def test_load_dataset(name, shape):
    X, y, names = load_dataset(name, standardize=True)
    assert X.shape == shape and y.shape == (shape[0],) and len(names) == shape[1]
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-12)
    std = X.std(axis=0)
    assert np.all((np.abs(std - 1) < 1e-12) | (std == 0))


def test_load_dataset_unknown_name():
    with pytest.raises(InvalidParameterError, match="The 'name' parameter of load_dataset must "
                       r"be one of \['breast_cancer', .*\]; got 'mnist'."):
        load_dataset("mnist")
    with pytest.raises(InvalidParameterError, match="The 'standardize' parameter"):
        load_dataset("iris", standardize="yes")
