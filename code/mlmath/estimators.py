"""Discover every estimator the package exports.

The test suite runs scikit-learn's ``check_estimator`` over :func:`all_estimators` and the
benchmarks time each one against its scikit-learn twin, so a new estimator is covered as soon as
its module lists it in ``__all__``.
"""

import functools
import importlib
import inspect
import pkgutil

from sklearn.base import BaseEstimator

import mlmath

__all__ = ["all_estimators", "all_meta_estimators", "sklearn_twin"]

_NOT_MODULES = ("mlmath.estimators",)


def _needs_arguments(cls):
    """True for a meta-estimator, whose constructor requires arguments (an inner estimator)."""
    return any(
        p.default is inspect.Parameter.empty
        and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        for p in inspect.signature(cls.__init__).parameters.values()
        if p.name != "self"
    )


def all_estimators():
    """Every public estimator class of :mod:`mlmath` that can be built with no argument.

    A class counts when a module lists it in ``__all__``, it subclasses
    :class:`sklearn.base.BaseEstimator`, it is not abstract, its name does not start with
    ``Base`` (the convention for shared base classes) and its constructor needs no argument.
    Meta-estimators, which need an inner estimator, are listed by :func:`all_meta_estimators`.

    Returns
    -------
    list of (str, type)
        ``(qualified module path + "." + name, class)`` pairs, sorted.
    """
    return [(name, cls) for name, cls in _discover() if not _needs_arguments(cls)]


def all_meta_estimators():
    """The public estimator classes whose constructor requires arguments, sorted.

    Returns
    -------
    list of (str, type)
    """
    return [(name, cls) for name, cls in _discover() if _needs_arguments(cls)]


def _discover():
    found = {}
    for info in pkgutil.walk_packages(mlmath.__path__, prefix="mlmath."):
        if info.name in _NOT_MODULES:
            continue
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseEstimator)
                and not inspect.isabstract(obj)
                and not name.startswith("Base")
                and obj.__module__ == module.__name__
            ):
                found[f"{obj.__module__}.{name}"] = obj
    return sorted(found.items())


@functools.cache
def _sklearn_estimators_by_name():
    """scikit-learn's estimator classes by name (discovering them imports all of scikit-learn:
    done once per process)."""
    from sklearn.utils.discovery import all_estimators as sk_all

    return dict(sk_all())


def sklearn_twin(cls):
    """The scikit-learn estimator class of the same name as ``cls``, or ``None``.

    Parameters
    ----------
    cls : type
        An estimator class.

    Returns
    -------
    type or None
        scikit-learn's class of the same name, or ``None`` when scikit-learn has none.
    """
    return _sklearn_estimators_by_name().get(cls.__name__)
