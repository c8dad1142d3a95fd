"""A time limit for a test of something that once hung: the test fails instead of stalling CI.

Not a speed test (speed is measured by ``make bench``): the limit is generous, and exists only
so that an infinite loop becomes a failure with a message.
"""

import contextlib
import signal


@contextlib.contextmanager
def time_limit(seconds):
    """Raise TimeoutError in the block if it runs longer than ``seconds`` (main thread only)."""

    def _expire(signum, frame):
        raise TimeoutError(f"still running after {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
