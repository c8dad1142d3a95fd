import time

import pytest
from timelimit import time_limit


def test_time_limit_turns_a_hang_into_an_error():
    with pytest.raises(TimeoutError, match="a hang"):
        with time_limit(0.2):
            while True:
                time.sleep(0.01)


def test_time_limit_lets_a_quick_block_finish():
    with time_limit(5):
        assert sum(range(10)) == 45
