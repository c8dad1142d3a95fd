"""Every public callable of mlmath has a numpydoc Parameters section (issue 10, section 3).

Public means listed in a module's ``__all__`` (and defined there), with the public methods of
the public classes; a callable that takes no argument (besides ``self``) needs none. Named
tuples document their fields as Parameters too (the tuple's constructor takes them).
"""

import importlib
import inspect
import pkgutil
import re

import mlmath

PARAMETERS = re.compile(r"^\s*Parameters\n\s*-{4,}", re.M)


def _takes_arguments(func):
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):  # builtins, numba dispatchers without a Python signature
        return False
    return any(p.name not in ("self", "cls") for p in signature.parameters.values())


def _documented(obj):
    return bool(obj.__doc__) and PARAMETERS.search(inspect.getdoc(obj) or "") is not None


def _public_callables():
    for info in pkgutil.walk_packages(mlmath.__path__, prefix="mlmath."):
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isclass(obj):
                if issubclass(obj, BaseException):
                    continue  # an exception's arguments are its message
                yield f"{module.__name__}.{name}", obj, obj
                for attr, member in vars(obj).items():
                    if attr.startswith("_"):
                        continue
                    func = getattr(member, "__func__", member)
                    if inspect.isfunction(func):
                        yield f"{module.__name__}.{name}.{attr}", func, func
            elif callable(obj):
                yield f"{module.__name__}.{name}", obj, getattr(obj, "py_func", obj)


def test_every_public_callable_has_a_parameters_section():
    missing = [name for name, obj, signature_of in _public_callables()
               if _takes_arguments(signature_of) and not _documented(obj)]
    assert not missing, "no numpydoc Parameters section:\n" + "\n".join(missing)
