"""mlmath.timing: clones the estimator for every run and returns one median per size."""

import numpy as np
import pytest
from sklearn.base import BaseEstimator, RegressorMixin

from mlmath.timing import fit_time_curve, time_alternating, time_fit


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


def test_time_alternating_runs_tasks_in_turn():
    log = []
    slow = (lambda: "clone", lambda arg: log.append(("a", arg)))
    fast = (None, lambda: log.append(("b", None)))
    medians, samples = time_alternating([slow, fast], repeats=3, min_seconds=0.0)
    # min_seconds=0: every call is a sample, the calibration round included
    assert log == [("a", "clone"), ("b", None)] * 3
    assert medians.shape == (2,) and (medians >= 0).all() and samples == 3


def test_time_alternating_budget_and_calibration():
    calls = []
    task = (None, lambda: calls.append(1))
    # an instant call is repeated per sample; its calibration call is discarded; budget=0 stops
    # after the first round that gives every task one sample
    medians, samples = time_alternating([task], repeats=5, budget=0.0, min_seconds=1.0,
                                        max_number=7)
    assert samples == 1 and len(calls) == 1 + 7 and medians[0] >= 0
    with pytest.raises(ValueError, match="repeats"):
        time_alternating([task], repeats=0)


def test_time_fit_and_curve_take_the_fastest_run_on_request():
    est = CountingEstimator()
    X, y = np.zeros((3, 1)), np.zeros(3)
    assert time_fit(est, X, y, repeats=5, statistic="min") >= 0.0
    with pytest.raises(ValueError, match="'statistic' parameter of time_fit"):
        time_fit(est, X, y, statistic="mean")
    out = fit_time_curve({"a": est}, lambda n: (np.zeros((n, 1)), np.zeros(n)), [2, 3],
                         repeats=2, statistic="min")
    assert out["a"].shape == (2,)


def test_fit_time_curve_fits_the_estimators_in_turn_on_the_given_clock():
    order = []

    class Logged(CountingEstimator):
        def __init__(self, name="a"):
            self.name = name

        def fit(self, X, y):
            order.append(self.name)
            return self

    ticks = iter(range(1000))
    out = fit_time_curve({"a": Logged("a"), "b": Logged("b")},
                         lambda n: (np.zeros((n, 1)), np.zeros(n)), [2], repeats=3,
                         clock=lambda: float(next(ticks)))
    # one run each per round: a, b, a, b, a, b; every run spans exactly one tick of the clock
    assert order == ["a", "b"] * 3
    assert out["a"][0] == out["b"][0] == 1.0
    with pytest.raises(ValueError, match="repeats"):
        fit_time_curve({"a": Logged()}, lambda n: (np.zeros((n, 1)), np.zeros(n)), [2],
                       repeats=0)
