"""Regression metrics against sklearn.metrics on random inputs."""

import itertools

import numpy as np
import pytest
import sklearn.metrics as skm

import mlmath.metrics as mm

NAMES = ["mean_squared_error", "root_mean_squared_error", "mean_absolute_error",
         "r2_score", "explained_variance_score"]


@pytest.mark.parametrize(("name", "seed", "outputs", "weights"),
                         list(itertools.product(NAMES, range(5), [1, 3], [0, 1])))
def test_equals_sklearn(name, seed, outputs, weights):
    rng = np.random.default_rng(seed)
    shape = (80,) if outputs == 1 else (80, outputs)
    y = rng.normal(size=shape) * 3 + 1
    p = y + rng.normal(size=shape) + 0.3
    w = rng.uniform(0.1, 2, 80) if weights else None
    for multioutput in ("uniform_average", "raw_values"):
        ours = getattr(mm, name)(y, p, sample_weight=w, multioutput=multioutput)
        theirs = getattr(skm, name)(y, p, sample_weight=w, multioutput=multioutput)
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_median_absolute_error(seed):
    rng = np.random.default_rng(seed)
    y, p = rng.normal(size=(51, 2)), rng.normal(size=(51, 2))
    np.testing.assert_allclose(mm.median_absolute_error(y, p), skm.median_absolute_error(y, p))


def test_constant_target_conventions():
    y = np.full(5, 2.0)
    assert mm.r2_score(y, y) == 1.0 == skm.r2_score(y, y)
    assert mm.r2_score(y, y + 1) == 0.0 == skm.r2_score(y, y + 1)
    assert mm.explained_variance_score(y, y + 1) == pytest.approx(
        skm.explained_variance_score(y, y + 1))


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="same shape"):
        mm.mean_squared_error([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="NaN"):
        mm.r2_score([1.0, np.nan], [1.0, 2.0])
    with pytest.raises(ValueError, match="multioutput"):
        mm.r2_score([1.0, 2.0], [1.0, 2.0], multioutput="variance_weighted")
    with pytest.raises(ValueError, match="empty"):
        mm.mean_absolute_error([], [])
