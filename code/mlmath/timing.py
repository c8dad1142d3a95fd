"""Timing helpers: median fit time of an estimator, fit time against problem size, and medians
of several tasks timed in turn.

Chapters plot these numbers (they vary from run to run, so a chapter never prints them raw);
the benchmark suite (``make bench``) uses the same functions.
"""

import math
import time

import numpy as np
from sklearn.base import clone

from mlmath.validation import check_option

__all__ = ["time_fit", "fit_time_curve", "time_alternating"]


def time_fit(estimator, X, y, *, repeats=5, statistic="median", clock=time.process_time):
    """Median (or fastest) seconds of ``clone(estimator).fit(X, y)`` over ``repeats`` runs.

    Parameters
    ----------
    estimator : estimator instance
        Unfitted; it is cloned for every run so no run warm-starts another.
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    repeats : int, default=5
    statistic : {"median", "min"}, default="median"
        How the runs are summarised: the median, or the fastest run, which other load on a
        shared machine disturbs less.
    clock : callable, default=time.process_time
        The clock read before and after each fit. The default counts the CPU time of this
        process (all its threads), which other processes on a loaded machine disturb far less
        than wall time; pass ``time.perf_counter`` for wall time (for an estimator that works
        in other processes, whose CPU time this process's clock does not see).

    Returns
    -------
    float
    """
    check_option(statistic, "statistic", ["median", "min"], owner="time_fit")
    return _summarise(_fit_times(estimator, X, y, repeats, clock), statistic, "time_fit")


def _fit_times(estimator, X, y, repeats, clock):
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}.")
    times = []
    for _ in range(repeats):
        model = clone(estimator)
        start = clock()
        model.fit(X, y)
        times.append(clock() - start)
    return times


def _summarise(times, statistic, owner):
    check_option(statistic, "statistic", ["median", "min"], owner=owner)
    return float(np.median(times) if statistic == "median" else np.min(times))


def fit_time_curve(estimators, make_data, sizes, *, repeats=3, statistic="median",
                   clock=time.process_time):
    """Median (or fastest) fit time of each estimator at each problem size.

    At each size the estimators are fitted in turn, one run each per round, ``repeats`` rounds,
    so that a change of load on a shared machine falls on all of them alike.

    Parameters
    ----------
    estimators : dict of str to estimator
        Labelled unfitted estimators.
    make_data : callable
        ``make_data(n)`` returns ``(X, y)`` with ``n`` samples.
    sizes : array-like of int
    repeats : int, default=3
    statistic : {"median", "min"}, default="median"
        As in :func:`time_fit`.
    clock : callable, default=time.process_time
        As in :func:`time_fit`: CPU time of this process by default.

    Returns
    -------
    dict of str to ndarray of shape (len(sizes),)
        Seconds per fit.
    """
    check_option(statistic, "statistic", ["median", "min"], owner="fit_time_curve")
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}.")
    out = {label: np.empty(len(sizes)) for label in estimators}
    for k, n in enumerate(sizes):
        X, y = make_data(int(n))
        runs = {label: [] for label in estimators}
        for _ in range(repeats):
            for label, est in estimators.items():
                runs[label] += _fit_times(est, X, y, 1, clock)
        for label in estimators:
            out[label][k] = _summarise(runs[label], statistic, "fit_time_curve")
    return out


def time_alternating(tasks, *, repeats=5, budget=None, min_seconds=0.02, max_number=10_000,
                     clock=time.perf_counter):
    """Median seconds per call of each task, the tasks timed in turn.

    The tasks run in rounds (task 0, task 1, ..., then task 0 again), so that a change in the
    machine's load during the measurement hits every task alike and their ratio stays meaningful
    on a shared machine. The first round calibrates: a task whose call took at least
    ``min_seconds`` keeps that call as its first sample; a faster task is called ``number``
    times per sample from then on (as :mod:`timeit` does), with ``number`` chosen so that a
    sample lasts about ``min_seconds``, and its calibration call is discarded.

    Parameters
    ----------
    tasks : sequence of (setup, run)
        ``run(setup())`` is one call; only ``run`` is timed (``setup`` may make a fresh clone of
        an estimator, say). ``setup`` may be ``None``: the call is then ``run()``.
    repeats : int, default=5
        Samples per task at most.
    budget : float or None, default=None
        Seconds of wall time after which no new round starts (the rounds needed for one sample
        per task always run), so that a slow case gets fewer samples. ``None``: no limit.
    min_seconds : float, default=0.02
        Shortest duration of one sample.
    max_number : int, default=10_000
        Most calls per sample.
    clock : callable, default=time.perf_counter
        Returns seconds. :func:`time.process_time` counts only this process's CPU time, which
        the other processes of a loaded machine disturb less than wall time (with one thread,
        the two agree on an idle machine). ``budget`` is always wall time.

    Returns
    -------
    medians : ndarray of shape (len(tasks),)
        Median seconds per call of each task.
    samples : int
        Fewest samples any task's median was taken over.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}.")
    tasks = list(tasks)
    start = time.perf_counter()

    def one_sample(setup, run, number):
        args = [setup() for _ in range(number)] if setup is not None else None
        t0 = clock()
        if args is None:
            for _ in range(number):
                run()
        else:
            for arg in args:
                run(arg)
        return (clock() - t0) / number

    numbers, samples = [], []
    for setup, run in tasks:  # calibration round
        t = one_sample(setup, run, 1)
        if t >= min_seconds:
            numbers.append(1)
            samples.append([t])
        else:
            numbers.append(min(max_number, math.ceil(min_seconds / max(t, 1e-9))))
            samples.append([])
    while True:
        fewest = min(len(s) for s in samples)
        if fewest >= repeats or (
            fewest >= 1 and budget is not None and time.perf_counter() - start >= budget
        ):
            break
        for (setup, run), number, s in zip(tasks, numbers, samples):
            if len(s) < repeats:
                s.append(one_sample(setup, run, number))
    return np.array([np.median(s) for s in samples]), min(len(s) for s in samples)
