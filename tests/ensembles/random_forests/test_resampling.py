"""Resamples, their counts and out-of-bag masks, and the parallel fit, against direct checks."""

import warnings

import numpy as np

from mlmath.ensembles.random_forests import (
    bootstrap_counts,
    bootstrap_indices,
    fit_in_parallel,
    oob_mask,
    resample_size,
)


def test_bootstrap_indices_are_reproducible_from_the_seed():
    a, b = bootstrap_indices(17, 50), bootstrap_indices(17, 50)
    assert np.array_equal(a, b) and a.shape == (50,) and a.min() >= 0 and a.max() < 50
    assert not np.array_equal(a, bootstrap_indices(18, 50))
    counts = bootstrap_counts(17, 50)
    assert np.array_equal(counts, [np.sum(a == i) for i in range(50)])  # counted one by one
    assert np.array_equal(oob_mask(17, 50), [i not in set(a) for i in range(50)])
    assert bootstrap_indices(3, 50, 20).shape == (20,)


def test_the_out_of_bag_fraction_is_near_one_over_e():
    n = 2_000
    frac = np.mean([oob_mask(s, n).mean() for s in range(200)])
    # (1 - 1/n)^n, the probability that n draws miss a given sample; sd of the mean ~ 3e-4
    assert abs(frac - (1 - 1 / n) ** n) < 2e-3
    assert abs((1 - 1 / n) ** n - np.exp(-1)) < 1e-4


def test_resample_size_is_scikit_learns_rule():
    from sklearn.ensemble._bootstrap import _get_n_samples_bootstrap  # private: an oracle only

    w = np.linspace(0.5, 2.0, 40)
    for max_samples in [None, 7, 0.3, 0.999, 1e-3, 1.5]:
        for sw in [None, w]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the twin warns about tiny fractions
                expected = _get_n_samples_bootstrap(40, max_samples, sw)
            assert resample_size(max_samples, 40, sw) == expected


def _pid_after_a_pause(member):
    import os
    import time

    time.sleep(0.5)  # long enough that each of the two workers takes a share
    return member, os.getpid()


def test_fit_in_parallel_uses_other_processes():
    import os

    done = fit_in_parallel(_pid_after_a_pause, list(range(4)), (), 2)
    assert [m for m, _ in done] == [0, 1, 2, 3]  # in the order of the members
    pids = {pid for _, pid in done}
    assert os.getpid() not in pids and len(pids) == 2
    assert {pid for _, pid in fit_in_parallel(_pid_after_a_pause, [0], (), 2)} == {os.getpid()}
