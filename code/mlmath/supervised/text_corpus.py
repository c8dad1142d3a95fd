"""A small labelled text corpus built from Python's standard library, with no download.

Each document is the docstring of a public function, class or method of a standard-library
module, labelled with the module's name: classifying a docstring by its module is a text
classification task of the kind naive Bayes was made for. Everything is sorted, so the corpus is
the same on every run of the same Python version.
"""

import importlib
import inspect

import numpy as np

__all__ = ["stdlib_docstrings"]


def _module_docstrings(modname, min_words):
    module = importlib.import_module(modname)
    found = {}

    def add(qualname, obj):
        doc = inspect.getdoc(obj) if getattr(obj, "__doc__", None) else None
        if doc and len(doc.split()) >= min_words:
            found[qualname] = doc

    for name, obj in sorted(vars(module).items()):
        if name.startswith("_") or not str(getattr(obj, "__module__", "")).startswith(modname):
            continue  # private, or imported from elsewhere
        if inspect.isfunction(obj):
            add(name, obj)
        elif inspect.isclass(obj):
            add(name, obj)
            for meth_name, meth in sorted(vars(obj).items()):
                if not meth_name.startswith("_") and inspect.isfunction(meth):
                    add(f"{name}.{meth_name}", meth)
    return [found[key] for key in sorted(found)]


def stdlib_docstrings(modules, *, min_words=5):
    """Docstrings of the public functions, classes and methods of standard-library modules.

    Parameters
    ----------
    modules : sequence of str
        Importable module names, e.g. ``["logging", "unittest"]``.
    min_words : int, default=5
        Docstrings with fewer words are skipped.

    Returns
    -------
    docs : list of str
        The docstrings (cleaned by ``inspect.getdoc``), module by module in the order given,
        and sorted by qualified name within a module.
    labels : ndarray of shape (n_docs,), dtype str
        The module each docstring comes from.
    """
    docs, labels = [], []
    for modname in modules:
        found = _module_docstrings(modname, min_words)
        if not found:
            raise ValueError(f"Module {modname!r} has no public docstring of {min_words}+ words.")
        docs += found
        labels += [modname] * len(found)
    return docs, np.array(labels)
