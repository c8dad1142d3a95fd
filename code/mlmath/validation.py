"""One validation layer for the whole package: parameters, arrays, labels, weights.

Every estimator and public function checks its arguments here, so a bad value gets one kind of
error with one form of message, wherever it is passed:

    The 'C' parameter of SVC must be a float > 0; got 0.

A bad *parameter* (a hyperparameter or an option) raises :class:`InvalidParameterError`, which
subclasses both ``ValueError`` and ``TypeError`` as scikit-learn's own error of that name does, so
code that catches either keeps working. Estimators declare their constraints in a class attribute
``_parameter_constraints`` (a dict from parameter name to a list of accepted forms, any of which
may match) and call :func:`validate_parameters` first thing in ``fit``, before looking at the data.
Bad *data* (NaN, wrong shapes, overflowing values) raises ``ValueError`` with a message that names
the argument and the remedy.
"""

import math
from numbers import Integral, Real

import numpy as np
from sklearn.utils.multiclass import check_classification_targets

__all__ = [
    "InvalidParameterError",
    "Interval",
    "RealNotInt",
    "Options",
    "HasMethods",
    "check_parameter",
    "validate_parameters",
    "check_option",
    "check_positive_int",
    "check_nonnegative_float",
    "check_bool",
    "as_finite_array",
    "check_callable",
    "encode_class_labels",
    "class_weights",
    "check_sample_weight",
    "check_squares_representable",
]


class InvalidParameterError(ValueError, TypeError):
    """A parameter has a value or a type that is not accepted.

    Subclasses ``ValueError`` and ``TypeError``, like ``sklearn.utils._param_validation``'s
    error of the same name, so ``except ValueError`` and ``except TypeError`` both catch it.
    """


def _is_bool(value):
    return isinstance(value, (bool, np.bool_))


class RealNotInt:
    """The kind of :class:`Interval` that accepts real numbers that are not integers.

    A parameter that is a count when it is an int and a fraction when it is a float
    (``min_samples_split=2`` against ``min_samples_split=0.5``) lists one interval of each kind,
    so that the int ``1`` is not taken for the fraction ``1.0``.
    """


class Interval:
    """Numbers of one kind (``Integral``, ``Real`` or :class:`RealNotInt`) in an interval.

    Parameters
    ----------
    kind : {numbers.Integral, numbers.Real, RealNotInt}
        ``Integral`` accepts Python and NumPy integers; ``Real`` accepts any real number,
        integers included; ``RealNotInt`` real numbers that are not integers (floats).
        ``bool`` is never accepted.
    low, high : float or None
        The bounds; ``None`` means unbounded on that side (a value must still be finite).
        ``high=math.inf`` with a closed right end accepts ``inf`` itself.
    closed : {"left", "right", "both", "neither"}, default="both"
        Which bounds belong to the interval.
    """

    def __init__(self, kind, low, high, *, closed="both"):
        if kind not in (Integral, Real, RealNotInt):
            raise ValueError(
                f"kind must be numbers.Integral, numbers.Real or RealNotInt; got {kind!r}.")
        if closed not in ("left", "right", "both", "neither"):
            raise ValueError(
                f"closed must be 'left', 'right', 'both' or 'neither'; got {closed!r}.")
        self.kind, self.low, self.high, self.closed = kind, low, high, closed

    def accepts(self, value):
        """True when ``value`` is a number of this kind inside the interval.

        Parameters
        ----------
        value : object
            The value to test.

        Returns
        -------
        bool
        """
        kind = Real if self.kind is RealNotInt else self.kind
        if _is_bool(value) or not isinstance(value, kind):
            return False
        if self.kind is RealNotInt and isinstance(value, Integral):
            return False
        value = float(value)
        if math.isnan(value):
            return False
        left = self.closed in ("left", "both")
        right = self.closed in ("right", "both")
        if self.low is not None and (value < self.low or (value == self.low and not left)):
            return False
        if self.high is None:
            return math.isfinite(value)
        if value > self.high or (value == self.high and not right):
            return False
        return not math.isinf(value) or (value == self.high and right)

    def __str__(self):
        what = "an int" if self.kind is Integral else "a float"

        def num(v):
            return f"{v:g}" if isinstance(v, float) else str(v)

        left = self.closed in ("left", "both")
        right = self.closed in ("right", "both")
        if self.low is None and self.high is None:
            return f"a finite {what.split()[1]}" if self.kind is Real else what
        if self.high is None:
            return f"{what} {'>=' if left else '>'} {num(self.low)}"
        if self.low is None:
            return f"{what} {'<=' if right else '<'} {num(self.high)}"
        return (f"{what} in {'[' if left else '('}{num(self.low)}, "
                f"{num(self.high)}{']' if right else ')'}")


class Options:
    """One of a fixed set of values (strings, ``None``, booleans).

    Parameters
    ----------
    values : iterable
        The accepted values; a string matches only a string, a bool only a bool.
    """

    def __init__(self, values):
        self.values = tuple(values)

    def accepts(self, value):
        """True when ``value`` is one of the options (with the same type).

        Parameters
        ----------
        value : object
            The value to test.

        Returns
        -------
        bool
        """
        return any(value is v or (type(value) is type(v) and value == v) for v in self.values)

    def __str__(self):
        return " or ".join(repr(v) for v in self.values) if len(self.values) <= 2 \
            else "one of " + repr(list(self.values))


class HasMethods:
    """Constraint: an object with every one of the named methods (an estimator, for instance).

    Parameters
    ----------
    methods : sequence of str
        The names of the methods the object must have, callable.
    """

    def __init__(self, methods):
        self.methods = tuple(methods)

    def accepts(self, value):
        """Whether ``value`` has every one of the methods, callable.

        Parameters
        ----------
        value : object
            The parameter's value; a class (not an instance) is refused.

        Returns
        -------
        bool
        """
        return not isinstance(value, type) and all(
            callable(getattr(value, m, None)) for m in self.methods)

    def __str__(self):
        return "an object with the methods " + " and ".join(repr(m) for m in self.methods)


def _accepts(constraint, value):
    if constraint is None:
        return value is None
    if constraint == "boolean":
        return _is_bool(value)
    if constraint == "callable":
        return callable(value)
    if constraint == "random_state":
        return value is None or (isinstance(value, Integral) and not _is_bool(value)
                                 and 0 <= value < 2**32) \
            or isinstance(value, (np.random.RandomState, np.random.Generator))
    if constraint == "array-like":  # a string has a length but is not an array of numbers
        return not isinstance(value, (str, bytes)) and (
            hasattr(value, "__len__") or hasattr(value, "__array__"))
    if isinstance(constraint, type):
        return isinstance(value, constraint) and not (_is_bool(value) and constraint is not bool)
    return constraint.accepts(value)


def _describe(constraint):
    names = {None: "None", "boolean": "a bool", "callable": "a callable",
             "random_state": "None, an int in [0, 2**32 - 1] or a numpy random generator",
             "array-like": "an array-like"}
    if isinstance(constraint, str) or constraint is None:
        return names[constraint]
    if isinstance(constraint, type):
        return f"an instance of {constraint.__name__}"
    return str(constraint)


def check_parameter(value, name, constraints, *, owner=None):
    """Raise :class:`InvalidParameterError` unless ``value`` satisfies one of ``constraints``.

    Parameters
    ----------
    value : object
        The parameter's value.
    name : str
        The parameter's name, used in the message.
    constraints : list
        Accepted forms, any of which may match: an :class:`Interval`, an :class:`Options`,
        ``None``, a type, or one of the strings ``"boolean"``, ``"callable"``,
        ``"random_state"``, ``"array-like"``.
    owner : str, optional
        The estimator or function the parameter belongs to, named in the message.

    Returns
    -------
    value : object
        ``value``, unchanged.
    """
    if any(_accepts(c, value) for c in constraints):
        return value
    if len(constraints) == 1:
        wants = [_describe(constraints[0])]
    else:  # options spelled out one by one: "'scale', 'auto' or a float >= 0"
        wants = [w for c in constraints for w in (
            [repr(v) for v in c.values] if isinstance(c, Options) else [_describe(c)])]
    allowed = wants[0] if len(wants) == 1 else ", ".join(wants[:-1]) + " or " + wants[-1]
    of = f" of {owner}" if owner else ""
    raise InvalidParameterError(f"The '{name}' parameter{of} must be {allowed}; got {value!r}.")


def validate_parameters(estimator):
    """Check every parameter of ``estimator`` against its class's ``_parameter_constraints``.

    Called first thing in ``fit``: a bad hyperparameter is reported before the data is read.
    Parameters without an entry are not checked here (the estimator checks what depends on the
    data, or on other parameters, itself).

    Parameters
    ----------
    estimator : BaseEstimator
        An estimator whose class defines ``_parameter_constraints``.

    Returns
    -------
    params : dict
        The checked parameters, by name.
    """
    # getattr, not get_params: get_params inspects the constructor's signature at every call,
    # which costs more than a small fit (the constraints name every parameter they check)
    owner = type(estimator).__name__
    params = {}
    for name, constraints in getattr(estimator, "_parameter_constraints", {}).items():
        params[name] = check_parameter(getattr(estimator, name), name, constraints, owner=owner)
    return params


def check_option(value, name, options, *, owner=None):
    """Raise :class:`InvalidParameterError` unless ``value`` is one of ``options``.

    Parameters
    ----------
    value : object
        The parameter's value.
    name : str
        The parameter's name, used in the message.
    options : sequence
        The allowed values (strings or ``None``).
    owner : str, optional
        The estimator or function the parameter belongs to.

    Returns
    -------
    value : object
        ``value``, unchanged.
    """
    return check_parameter(value, name, [Options(options)], owner=owner)


def check_positive_int(value, name, *, owner=None):
    """Check that ``value`` is an integer ``>= 1`` (``bool`` is refused).

    Parameters
    ----------
    value : object
        The parameter's value.
    name : str
        The parameter's name, used in the message.
    owner : str, optional
        The estimator or function the parameter belongs to.

    Returns
    -------
    int
    """
    return int(check_parameter(value, name, [Interval(Integral, 1, None)], owner=owner))


def check_nonnegative_float(value, name, *, max_val=None, strict=False, owner=None):
    """Check that ``value`` is a finite real ``>= 0`` (``> 0`` when ``strict``), ``<= max_val``.

    Parameters
    ----------
    value : object
        The parameter's value.
    name : str
        The parameter's name, used in the message.
    max_val : float, optional
        An upper bound (included, or excluded when ``strict``).
    strict : bool, default=False
        Exclude the bounds.
    owner : str, optional
        The estimator or function the parameter belongs to.

    Returns
    -------
    float
    """
    closed = ("neither" if strict else "both") if max_val is not None \
        else ("neither" if strict else "left")
    interval = Interval(Real, 0.0, max_val, closed=closed)
    return float(check_parameter(value, name, [interval], owner=owner))


def check_bool(value, name, *, owner=None):
    """Check that ``value`` is a ``bool``.

    Parameters
    ----------
    value : object
        The parameter's value.
    name : str
        The parameter's name, used in the message.
    owner : str, optional
        The estimator or function the parameter belongs to.

    Returns
    -------
    bool
    """
    return bool(check_parameter(value, name, ["boolean"], owner=owner))


def as_finite_array(a, name, *, ndim=None, shape=None, dtype=float, min_size=0):
    """Convert ``a`` to an array and refuse NaN, infinities and wrong dimensions.

    The one array check of the package's functions (the estimators use scikit-learn's
    ``validate_data``, which does the same and more).

    Parameters
    ----------
    a : array-like
        The argument.
    name : str
        Its name, used in the messages.
    ndim : int or tuple of int, optional
        The accepted numbers of dimensions.
    shape : tuple, optional
        The expected shape; ``None`` entries match any length.
    dtype : data-type, default=float
        The dtype to convert to. Complex input is refused (never silently made real).
    min_size : int, default=0
        The fewest elements accepted (1: refuse an empty array).

    Returns
    -------
    ndarray
    """
    if np.iscomplexobj(a) and not np.issubdtype(np.dtype(dtype), np.complexfloating):
        raise ValueError(f"{name} must be real; got complex values.")
    try:
        arr = np.asarray(a, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be an array of numbers; got {type(a).__name__} "
                         f"({exc}).") from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, Integral) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{k}-D" for k in allowed)
            raise ValueError(f"{name} must be {want}; got an array of shape {arr.shape}.")
    if shape is not None and (len(shape) != arr.ndim or any(
            s is not None and s != t for s, t in zip(shape, arr.shape))):
        want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
        raise ValueError(f"{name} must have shape {want}; got {arr.shape}.")
    if arr.size < min_size:
        raise ValueError(f"{name} must have at least {min_size} element"
                         f"{'s' if min_size > 1 else ''}; got {arr.size}.")
    if np.issubdtype(arr.dtype, np.inexact) and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinity.")
    return arr


def check_callable(f, name, *, owner=None):
    """Raise :class:`InvalidParameterError` unless ``f`` is callable.

    Parameters
    ----------
    f : object
        The argument.
    name : str
        Its name, used in the message.
    owner : str, optional
        The function the argument belongs to, named in the message.

    Returns
    -------
    f : callable
    """
    return check_parameter(f, name, ["callable"], owner=owner)


def encode_class_labels(y, *, min_classes=2):
    """Check classification targets and encode them as ``0, ..., K-1``.

    The shared first step of every classifier's ``fit``: continuous or multi-output targets are
    refused with scikit-learn's message, and a target with fewer than ``min_classes`` distinct
    labels is refused by name (a classifier cannot learn from one class).

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Class labels of any type that ``np.unique`` can sort (integers, strings, ...).
    min_classes : int, default=2
        The fewest distinct labels accepted.

    Returns
    -------
    classes : ndarray of shape (n_classes,)
        The sorted distinct labels (becomes the estimator's ``classes_``).
    y_encoded : ndarray of shape (n_samples,), dtype int
        The index of each sample's label in ``classes``.
    """
    check_classification_targets(y)
    classes, y_encoded = np.unique(np.asarray(y), return_inverse=True)
    if len(classes) < min_classes:
        raise ValueError(
            f"This classifier needs samples of at least {min_classes} classes in y; "
            f"got {len(classes)} class: {classes.tolist()!r}."
        )
    return classes, y_encoded.reshape(-1).astype(np.intp)


def class_weights(class_weight, classes, y_encoded, sample_weight=None, *, owner=None):
    r"""The weight of each class, scikit-learn's ``class_weight`` parameter resolved.

    ``"balanced"`` gives class :math:`k` the weight :math:`n_\omega / (K\,n_{\omega,k})`, with
    :math:`n_{\omega,k}` the total weight of the samples of class :math:`k` (their number when
    ``sample_weight`` is ``None``) and :math:`n_\omega` the total weight, so that every class
    carries the same total weight :math:`n_\omega / K`; a dict gives its value to each class it
    names and 1 to the others (keys for labels absent from ``y`` are ignored when every class
    present is named, as scikit-learn does); ``None`` weighs every class 1. The classifiers
    multiply each sample's weight (or, in the SVMs, its bound :math:`C`) by its class's weight.

    Parameters
    ----------
    class_weight : dict, "balanced" or None
        The estimator's parameter.
    classes : ndarray of shape (n_classes,)
        The sorted class labels (``classes_``).
    y_encoded : ndarray of shape (n_samples,), dtype int
        The index of each sample's class in ``classes``.
    sample_weight : ndarray of shape (n_samples,), optional
        Weights the class totals of ``"balanced"`` (scikit-learn's LogisticRegression and
        LinearSVC do; its SVC and trees count samples).
    owner : str, optional
        The estimator, named in the messages.

    Returns
    -------
    ndarray of shape (n_classes,)
        The weight of each class; index it by ``y_encoded`` for the samples'.
    """
    K = len(classes)
    of = f" of {owner}" if owner else ""
    if class_weight is None:
        return np.ones(K)
    if isinstance(class_weight, str):
        check_option(class_weight, "class_weight", ["balanced"], owner=owner)
        per_class = np.bincount(y_encoded, weights=sample_weight, minlength=K).astype(float)
        with np.errstate(divide="ignore"):
            return np.where(per_class > 0, per_class.sum() / (K * per_class), 0.0)
    check_parameter(class_weight, "class_weight", [dict, None], owner=owner)
    # scikit-learn's rule: a key that is not a class of y is allowed (a cross-validation fold
    # may lack a class) as long as every class of y is named; otherwise it is most likely a typo.
    unknown = [key for key in class_weight if not np.any(classes == key)]
    unnamed = [c for c in classes.tolist() if c not in class_weight]
    if unknown and unnamed:
        raise InvalidParameterError(
            f"The 'class_weight' parameter{of} has keys that are not class labels of y "
            f"({unknown!r}) while the classes {unnamed!r} have no weight: name every class "
            f"of y ({classes.tolist()!r}).")
    return np.array([check_parameter(class_weight.get(c, 1.0), f"class_weight[{c!r}]",
                                     [Interval(Real, 0.0, None, closed="left")], owner=owner)
                     for c in classes.tolist()], dtype=float)


def check_sample_weight(sample_weight, n_samples):
    """Validate sample weights: finite, non-negative, not all zero, one per sample.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,) or None
        ``None`` means every sample has weight one.
    n_samples : int

    Returns
    -------
    ndarray of shape (n_samples,)
    """
    if sample_weight is None:
        return np.ones(n_samples)
    sw = np.asarray(sample_weight, dtype=float)
    if sw.ndim == 0:
        sw = np.full(n_samples, float(sw))
    if sw.shape != (n_samples,):
        raise ValueError(
            f"sample_weight.shape == {sw.shape}, expected ({n_samples},): one weight per sample."
        )
    if not np.all(np.isfinite(sw)):
        raise ValueError("sample_weight contains NaN or infinity.")
    if np.any(sw < 0):
        raise ValueError("sample_weight must be non-negative.")
    if not np.any(sw > 0):
        raise ValueError("sample_weight is zero for every sample: there is nothing to fit.")
    return sw


def check_squares_representable(X, *, p=2.0, underflow=True, alternative=None):
    """Refuse data whose squared column norms (sums of ``|x|^p``) overflow or underflow float64.

    Estimators that square the data (normal equations, ridge, gradient descent, coordinate
    descent, the linear SVM and logistic regression solvers, Euclidean distances) would silently
    return zeros, NaN or arbitrary neighbours on such data; the check is one pass over ``X``,
    :math:`O(nd)`, done before any long computation; its temporaries take 1 MiB at most (none
    for ``p = 2``).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    p : float, default=2.0
        The power the estimator raises the data to (the Minkowski exponent of a distance);
        ``inf`` raises nothing, and nothing is checked.
    underflow : bool, default=True
        Also refuse features whose nonzero values are so small that the sum of their powers
        underflows (below the smallest normal float64). Turned off for queries of a fitted
        model: a tiny coordinate of one query is exact enough next to training data.
    alternative : str, default=None
        Another remedy, appended to the message (e.g. a solver that does not square the data).

    Returns
    -------
    X : ndarray
        ``X``, unchanged.
    """
    p = float(p)
    if math.isinf(p):
        return X
    # For p = 2, einsum sums the squares with no temporary; other powers go through row blocks
    # of at most 2**16 entries, so that |x|^p takes 1 MiB at most however many rows X has.
    step = max(1, 2**16 // max(X.shape[1], 1))
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        if p == 2.0:
            col = np.einsum("ij,ij->j", X, X)
        else:
            col = np.zeros(X.shape[1])
            for a in range(0, X.shape[0], step):
                block = np.abs(X[a:a + step])
                col += block.sum(axis=0) if p == 1.0 else (block ** p).sum(axis=0)
    # a column can only underflow where its sum is below the smallest normal number: look for
    # nonzero entries in those columns alone (usually there are none), in row blocks again
    small = np.flatnonzero(col < np.finfo(np.float64).tiny) if underflow else np.empty(0, int)
    nonzero = np.zeros(small.size, dtype=bool)
    if small.size:
        rows = max(1, 2**16 // small.size)
        for a in range(0, X.shape[0], rows):
            nonzero |= np.any(X[a:a + rows][:, small] != 0, axis=0)
    what = "squared norms" if p == 2.0 else f"sums of |x|^{p:g}"
    verb = "square" if p == 2.0 else f"raise to the power {p:g}"
    remedy = "rescale the features, e.g. with sklearn.preprocessing.StandardScaler"
    if alternative:
        remedy += f", or {alternative}"
    if not np.all(np.isfinite(col)):
        bad = np.flatnonzero(~np.isfinite(col))[:5].tolist()
        raise ValueError(
            f"The {what} of some features (columns {bad}) overflow float64 (values above "
            f"~1e{int(308 // p)}), which would make the result meaningless: {remedy}."
        )
    if np.any(nonzero):
        bad = small[nonzero][:5].tolist()
        raise ValueError(
            f"Some features (columns {bad}) are too small to {verb} in float64 (values "
            f"below ~1e-{int(308 // p)}: their {what} underflow), which would make the "
            f"result meaningless: {remedy}."
        )
    return X
