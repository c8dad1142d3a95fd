"""The step timer runs both frameworks on one thread each and restores the thread settings.

No timing is asserted: timings vary with the machine's load.
"""

import numpy as np
import pytest
import torch
from threadpoolctl import threadpool_info, threadpool_limits

from mlmath.neural_networks.backprop import time_training_step
from mlmath.neural_networks.backprop import timing as timing_module


def _blas_threads():
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


def test_returns_two_positive_medians_and_restores_threads():
    threads = torch.get_num_threads()
    torch.set_num_threads(2)  # not 1, so that a timer that forgot to restore it is caught
    try:
        times = time_training_step([5, 7, 3], 16, activation="logistic", repeats=2, budget=0.5)
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(threads)
    assert set(times) == {"engine", "torch"}
    assert all(t > 0 for t in times.values())


def test_both_libraries_are_held_to_one_thread_while_timed(monkeypatch):
    seen = {}

    def fake_time_alternating(tasks, **kwargs):  # records the settings during the timing
        seen["torch"] = torch.get_num_threads()
        seen["blas"] = _blas_threads()
        for _, run in tasks:
            run()
        return np.array([1.0, 2.0]), 1

    monkeypatch.setattr(timing_module, "time_alternating", fake_time_alternating)
    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        # 2 threads before the call (not 1, as under OMP_NUM_THREADS=1), so that a timer that
        # does not limit them, or does not restore them, is caught
        with threadpool_limits(2, user_api="blas"):
            before = _blas_threads()
            times = time_training_step([5, 7, 3], 16)
            after = _blas_threads()
        torch_after = torch.get_num_threads()
    finally:
        torch.set_num_threads(threads)
    assert before and all(t == 2 for t in before)
    assert times == {"engine": 1.0, "torch": 2.0}
    assert seen["torch"] == 1
    assert seen["blas"] and all(t == 1 for t in seen["blas"])
    assert after == before and torch_after == 2  # restored


def test_bad_input():
    with pytest.raises(ValueError, match="output classes"):
        time_training_step([5, 1], 4)
    with pytest.raises(ValueError, match="batch_size"):
        time_training_step([5, 3], 0)
    with pytest.raises(ValueError, match="activation"):
        time_training_step([5, 3], 4, activation="identity")
