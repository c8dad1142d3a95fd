"""mlmath.timing: clones the estimator for every run and returns one median per size."""

import numpy as np
import pytest
from sklearn.base import BaseEstimator, RegressorMixin

from mlmath.timing import fit_time_curve, time_fit


class CountingEstimator(RegressorMixin, BaseEstimator):
    fits = 0

    def fit(self, X, y):
        assert not hasattr(self, "fitted_"), "time_fit must fit a fresh clone each run"
        CountingEstimator.fits += 1
        self.fitted_ = True
        return self


def test_time_fit_clones_and_counts():
    CountingEstimator.fits = 0
    est = CountingEstimator()
    t = time_fit(est, np.zeros((3, 1)), np.zeros(3), repeats=4)
    assert t >= 0 and CountingEstimator.fits == 4 and not hasattr(est, "fitted_")
    with pytest.raises(ValueError, match="repeats"):
        time_fit(est, np.zeros((3, 1)), np.zeros(3), repeats=0)


def test_fit_time_curve_shape():
    sizes = [5, 10, 20]
    out = fit_time_curve({"a": CountingEstimator(), "b": CountingEstimator()},
                         lambda n: (np.zeros((n, 2)), np.zeros(n)), sizes, repeats=2)
    assert set(out) == {"a", "b"} and all(v.shape == (3,) and (v >= 0).all() for v in out.values())
