"""Timing helpers: median fit time of an estimator, and fit time against problem size.

Chapters plot these numbers (they vary from run to run, so a chapter never prints them raw);
the benchmark suite (``make bench``) uses the same functions.
"""

import time

import numpy as np
from sklearn.base import clone

__all__ = ["time_fit", "fit_time_curve"]


def time_fit(estimator, X, y, *, repeats=5):
    """Median wall-clock seconds of ``clone(estimator).fit(X, y)`` over ``repeats`` runs.

    Parameters
    ----------
    estimator : estimator instance
        Unfitted; it is cloned for every run so no run warm-starts another.
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    repeats : int, default=5

    Returns
    -------
    float
    """
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}.")
    times = []
    for _ in range(repeats):
        model = clone(estimator)
        start = time.perf_counter()
        model.fit(X, y)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def fit_time_curve(estimators, make_data, sizes, *, repeats=3):
    """Median fit time of each estimator at each problem size.

    Parameters
    ----------
    estimators : dict of str to estimator
        Labelled unfitted estimators.
    make_data : callable
        ``make_data(n)`` returns ``(X, y)`` with ``n`` samples.
    sizes : array-like of int
    repeats : int, default=3

    Returns
    -------
    dict of str to ndarray of shape (len(sizes),)
        Seconds per fit.
    """
    out = {label: np.empty(len(sizes)) for label in estimators}
    for k, n in enumerate(sizes):
        X, y = make_data(int(n))
        for label, est in estimators.items():
            out[label][k] = time_fit(est, X, y, repeats=repeats)
    return out
