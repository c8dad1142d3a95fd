"""mlmath.validation: parameter checks name the parameter and what is allowed."""

import math

import numpy as np
import pytest

from mlmath.validation import check_bool, check_nonnegative_float, check_option, check_positive_int


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
