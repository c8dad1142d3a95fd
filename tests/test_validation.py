"""mlmath.validation: parameter checks name the parameter and what is allowed."""

import math
from numbers import Integral, Real

import numpy as np
import pytest

from mlmath.validation import (
    Interval,
    InvalidParameterError,
    Options,
    as_finite_array,
    check_bool,
    check_callable,
    check_nonnegative_float,
    check_option,
    check_parameter,
    check_positive_int,
    check_squares_representable,
    validate_parameters,
)


def test_check_option():
    assert check_option("svd", "solver", ["svd", "qr"]) == "svd"
    assert check_option(None, "penalty", [None, "l2"]) is None
    with pytest.raises(InvalidParameterError, match=r"^The 'solver' parameter must be 'svd' or "
                       r"'qr'; got 'lu'\.$"):
        check_option("lu", "solver", ["svd", "qr"])
    with pytest.raises(ValueError, match=r"must be one of \['a', 'b', 'c'\]"):
        check_option("d", "solver", ["a", "b", "c"])
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
    assert check_bool(np.bool_(False), "shuffle") is False
    with pytest.raises(TypeError, match="The 'shuffle' parameter of SGD must be a bool; got 1."):
        check_bool(1, "shuffle", owner="SGD")


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


def test_invalid_parameter_error_is_both_value_and_type_error():
    assert issubclass(InvalidParameterError, ValueError)
    assert issubclass(InvalidParameterError, TypeError)


@pytest.mark.parametrize("interval,inside,outside", [
    (Interval(Real, 0, None, closed="neither"), [1e-300, 2, np.float32(3.5)],
     [0, -1, math.inf, math.nan, True, "1"]),
    (Interval(Real, 0, 1, closed="right"), [1, 0.5, 1e-12], [0, 1.0000001, math.nan]),
    (Interval(Integral, 1, None), [1, np.int64(7)], [0, 2.0, True, np.bool_(True)]),
    (Interval(Real, 0, math.inf, closed="both"), [0, math.inf], [-math.inf, math.nan]),
    (Interval(Real, None, None), [-1e300, 0, 5], [math.inf, -math.inf, math.nan]),
])
def test_interval_membership(interval, inside, outside):
    for v in inside:
        assert interval.accepts(v), (str(interval), v)
    for v in outside:
        assert not interval.accepts(v), (str(interval), v)


def test_one_message_form_lists_every_accepted_form():
    constraints = [Options(["scale", "auto"]), Interval(Real, 0, None, closed="left")]
    assert check_parameter(0.5, "gamma", constraints) == 0.5
    with pytest.raises(InvalidParameterError, match=r"^The 'gamma' parameter of SVC must be "
                       r"'scale', 'auto' or a float >= 0; got -1\.$"):
        check_parameter(-1, "gamma", constraints, owner="SVC")
    with pytest.raises(InvalidParameterError, match=r"must be None or a callable; got 3"):
        check_parameter(3, "metric", [None, "callable"])
    with pytest.raises(InvalidParameterError, match=r"an int in \[1, 10\]; got 11"):
        check_parameter(11, "k", [Interval(Integral, 1, 10)])
    with pytest.raises(InvalidParameterError, match="random generator"):
        check_parameter("seed", "random_state", ["random_state"])
    assert check_parameter(np.random.default_rng(0), "random_state", ["random_state"]) is not None


def test_options_do_not_confuse_types():
    assert not Options([True]).accepts(1)
    assert not Options(["1"]).accepts(1)
    assert not Options([None]).accepts(0)
    assert not Options(["a"]).accepts(["a"])


def test_validate_parameters_uses_the_class_constraints():
    from sklearn.base import BaseEstimator

    class Toy(BaseEstimator):
        _parameter_constraints = {"C": [Interval(Real, 0, None, closed="neither")],
                                  "kernel": [Options(["rbf", "linear"])]}

        def __init__(self, C=1.0, kernel="rbf", note=None):
            self.C, self.kernel, self.note = C, kernel, note

    assert validate_parameters(Toy())["C"] == 1.0
    with pytest.raises(InvalidParameterError, match="The 'C' parameter of Toy must be a float > 0"):
        validate_parameters(Toy(C=0))
    with pytest.raises(InvalidParameterError, match="'kernel' parameter of Toy"):
        validate_parameters(Toy(kernel="poly"))


def test_as_finite_array_names_the_argument():
    assert as_finite_array([1, 2], "w", ndim=1).dtype == float
    with pytest.raises(ValueError, match="w must be 1-D; got an array of shape"):
        as_finite_array([[1.0]], "w", ndim=1)
    with pytest.raises(ValueError, match="A contains NaN or infinity"):
        as_finite_array([1.0, np.nan], "A")
    with pytest.raises(ValueError, match=r"A must have shape \(2, any\); got \(3, 1\)"):
        as_finite_array(np.ones((3, 1)), "A", shape=(2, None))
    with pytest.raises(ValueError, match="must be an array of numbers"):
        as_finite_array(["a"], "x")
    with pytest.raises(ValueError, match="x must be real; got complex values"):
        as_finite_array(np.array([1 + 2j]), "x")
    with pytest.raises(ValueError, match="x must have at least 1 element; got 0"):
        as_finite_array([], "x", min_size=1)


def test_check_callable():
    assert check_callable(len, "f") is len
    with pytest.raises(InvalidParameterError, match="The 'f' parameter must be a callable"):
        check_callable(3, "f")
    with pytest.raises(InvalidParameterError, match="'f' parameter of minimize must be"):
        check_callable(3, "f", owner="minimize")


def test_class_weights_balanced_dict_and_refusals():
    from sklearn.utils.class_weight import compute_class_weight

    from mlmath.validation import class_weights

    y = np.array(["a", "b", "b", "c", "c", "c"])
    classes, y_enc = np.unique(y, return_inverse=True)
    np.testing.assert_allclose(class_weights("balanced", classes, y_enc),
                               compute_class_weight("balanced", classes=classes, y=y))
    sw = np.array([1.0, 2.0, 2.0, 1.0, 1.0, 4.0])
    balanced = class_weights("balanced", classes, y_enc, sw)
    np.testing.assert_allclose(np.bincount(y_enc, weights=sw * balanced[y_enc]), sw.sum() / 3)
    np.testing.assert_allclose(class_weights({"b": 3.0}, classes, y_enc), [1.0, 3.0, 1.0])
    np.testing.assert_allclose(class_weights(None, classes, y_enc), np.ones(3))
    with pytest.raises(InvalidParameterError, match=r"of SVC has keys that are not class labels"):
        class_weights({"z": 1.0}, classes, y_enc, owner="SVC")
    # a fold without class "d": its key is ignored when every class present is named
    np.testing.assert_allclose(class_weights({"a": 1.0, "b": 2.0, "c": 3.0, "d": 5.0},
                                             classes, y_enc), [1.0, 2.0, 3.0])
    with pytest.raises(InvalidParameterError, match=r"class_weight\['a'\]' parameter"):
        class_weights({"a": -1.0}, classes, y_enc)
    with pytest.raises(InvalidParameterError, match="'balanced'"):
        class_weights("balance", classes, y_enc)


def test_real_not_int_tells_a_fraction_from_a_count():
    from mlmath.validation import RealNotInt

    fraction = Interval(RealNotInt, 0.0, 1.0, closed="right")
    assert fraction.accepts(1.0) and fraction.accepts(np.float32(0.5))
    assert not fraction.accepts(1) and not fraction.accepts(np.int64(1))
    with pytest.raises(InvalidParameterError, match=r"an int >= 2 or a float in \(0, 1\]; got 1"):
        check_parameter(1, "min_samples_split", [Interval(Integral, 2, None), fraction])


def test_array_like_refuses_strings():
    assert check_parameter([0.5, 0.5], "priors", ["array-like", None]) == [0.5, 0.5]
    assert check_parameter(np.ones(2), "priors", ["array-like"]) is not None
    with pytest.raises(InvalidParameterError, match="must be an array-like or None; got 'ab'"):
        check_parameter("ab", "priors", ["array-like", None])
