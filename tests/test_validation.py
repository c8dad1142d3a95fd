"""mlmath.validation: parameter checks name the parameter and what is allowed."""

import math

import numpy as np
import pytest

from mlmath.validation import (
    check_bool,
    check_nonnegative_float,
    check_option,
    check_positive_int,
    check_squares_representable,
)


def test_check_option():
    assert check_option("svd", "solver", ["svd", "qr"]) == "svd"
    assert check_option(None, "penalty", [None, "l2"]) is None
    with pytest.raises(ValueError, match=r"'solver' parameter must be one of \['svd', 'qr'\]"):
        check_option("lu", "solver", ["svd", "qr"])
    with pytest.raises(ValueError, match="solver"):
        check_option(["svd"], "solver", ["svd"])  # unhashable values are refused, not raised on


@pytest.mark.parametrize("value", [0, -3, 2.5, True, "4"])
def test_check_positive_int_refuses(value):
    with pytest.raises((TypeError, ValueError), match="max_iter"):
        check_positive_int(value, "max_iter")


def test_check_positive_int_accepts_numpy_ints():
    import numpy as np

    assert check_positive_int(np.int64(7), "max_iter") == 7


@pytest.mark.parametrize("value,kw", [(-1.0, {}), (math.nan, {}), (math.inf, {}),
                                      (0.0, {"strict": True}), (1.5, {"max_val": 1.0}),
                                      (False, {}), ("1", {})])
def test_check_nonnegative_float_refuses(value, kw):
    with pytest.raises((TypeError, ValueError), match="alpha"):
        check_nonnegative_float(value, "alpha", **kw)


def test_check_nonnegative_float_accepts_boundaries():
    assert check_nonnegative_float(0, "alpha") == 0.0
    assert check_nonnegative_float(1.0, "l1_ratio", max_val=1.0) == 1.0
    assert check_nonnegative_float(1e-9, "eta0", strict=True) == 1e-9


def test_check_bool():
    assert check_bool(True, "shuffle") is True
    with pytest.raises(TypeError, match="shuffle must be a bool"):
        check_bool(1, "shuffle")


def test_encode_class_labels_strings_and_order():
    from mlmath.validation import encode_class_labels

    classes, y = encode_class_labels(np.array(["b", "a", "b", "c"]))
    assert classes.tolist() == ["a", "b", "c"]
    assert y.tolist() == [1, 0, 1, 2]
    assert y.dtype == np.intp


def test_encode_class_labels_refuses_one_class_and_continuous():
    from mlmath.validation import encode_class_labels

    with pytest.raises(ValueError, match="at least 2 classes"):
        encode_class_labels(np.array([3, 3, 3]))
    with pytest.raises(ValueError, match="Unknown label type"):
        encode_class_labels(np.array([0.5, 1.5, 2.25]))


@pytest.mark.parametrize("scale,match", [(1e160, "overflow float64"), (1e-160, "too small")])
def test_check_squares_representable_names_the_problem_and_the_remedy(scale, match):
    X = np.array([[1.0, 2.0], [3.0, -4.0]])
    X[:, 1] *= scale  # one bad column, named in the message
    with pytest.raises(ValueError, match=rf"(?s)columns \[1\].*{match}.*StandardScaler"):
        check_squares_representable(X)
    with pytest.raises(ValueError, match="or use solver='svd'"):
        check_squares_representable(X, alternative="use solver='svd'")


def test_check_squares_representable_follows_the_power():
    X = np.full((3, 2), 1e120)  # squares overflow, first powers do not
    assert check_squares_representable(X, p=1.0) is X
    assert check_squares_representable(X, p=np.inf) is X  # max |x|: nothing is raised to a power
    with pytest.raises(ValueError, match=r"\|x\|\^3 .*overflow.*1e102"):
        check_squares_representable(X, p=3.0)
    tiny = np.full((3, 2), 1e-160)
    check_squares_representable(tiny, underflow=False)  # queries: a tiny coordinate is exact
    with pytest.raises(ValueError, match="too small"):
        check_squares_representable(tiny)


def test_check_squares_representable_accepts_ordinary_data_and_zero_columns():
    X = np.random.default_rng(0).normal(size=(50, 3)) * [1e-100, 1.0, 1e100]
    X = np.column_stack([X, np.zeros(50)])
    assert check_squares_representable(X) is X
