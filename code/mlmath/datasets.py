"""Datasets for the book: seeded generators and thin wrappers of scikit-learn's bundled sets.

Nothing here downloads anything: generated data is reproducible from ``random_state`` and the
bundled sets ship inside scikit-learn.
"""

import importlib
import inspect
from collections import namedtuple
from numbers import Integral, Real

import numpy as np
from sklearn import datasets as _skd
from sklearn.utils import check_random_state

from mlmath.validation import Interval, Options, as_finite_array, check_parameter

__all__ = [
    "Dataset",
    "make_linear_regression",
    "make_sine_regression",
    "load_dataset",
    "stdlib_docstrings",
]

Dataset = namedtuple("Dataset", ["X", "y", "feature_names"])
Dataset.__doc__ = """A bundled dataset.

Parameters
----------
X : ndarray of shape (n_samples, n_features)
    The features, as floats.
y : ndarray of shape (n_samples,)
    The targets (floats for a regression set, ints for a classification set).
feature_names : list of str
    One name per column of ``X``.
"""

_BUNDLED = {
    "diabetes": _skd.load_diabetes,
    "iris": _skd.load_iris,
    "wine": _skd.load_wine,
    "breast_cancer": _skd.load_breast_cancer,
    "digits": _skd.load_digits,
}

_COUNT = Interval(Integral, 1, None)
_NONNEGATIVE = Interval(Real, 0, None, closed="left")


def make_linear_regression(
    n_samples=100,
    n_features=2,
    *,
    noise=1.0,
    bias=0.0,
    coef=None,
    correlation=0.0,
    random_state=None,
):
    r"""Draw data from the linear-Gaussian model :math:`y = \vx^\top\vw^\star + b + \varepsilon`.

    The features are Gaussian with unit variances and a common pairwise ``correlation``, so
    ``correlation`` close to one makes :math:`\mX` ill-conditioned on purpose.

    Parameters
    ----------
    n_samples : int, default=100
        Number of samples :math:`n \ge 1`.
    n_features : int, default=2
        Number of features :math:`d \ge 1`.
    noise : float, default=1.0
        Standard deviation :math:`\sigma \ge 0` of the Gaussian noise.
    bias : float, default=0.0
        The intercept :math:`b`.
    coef : array-like of shape (n_features,), default=None
        The true weights :math:`\vw^\star`; drawn from :math:`\Normal(0, 1)` when ``None``.
    correlation : float, default=0.0
        Pairwise correlation of the features, in :math:`(-1/(d-1), 1)` so the covariance is
        positive definite.
    random_state : int, RandomState instance or None, default=None
        Seed of every random draw.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    coef : ndarray of shape (n_features,)
        The true weights used.
    """
    owner = "make_linear_regression"
    check_parameter(n_samples, "n_samples", [_COUNT], owner=owner)
    check_parameter(n_features, "n_features", [_COUNT], owner=owner)
    check_parameter(noise, "noise", [_NONNEGATIVE], owner=owner)
    check_parameter(bias, "bias", [Interval(Real, None, None)], owner=owner)
    check_parameter(correlation, "correlation", [Interval(Real, -1, 1, closed="neither")],
                    owner=owner)
    if n_features > 1 and correlation <= -1.0 / (n_features - 1):
        raise ValueError(
            f"correlation={correlation} makes the feature covariance singular for "
            f"n_features={n_features}; it must exceed {-1.0 / (n_features - 1):.4g}."
        )
    rng = check_random_state(random_state)
    if coef is None:
        coef = rng.standard_normal(n_features)
    else:
        coef = as_finite_array(coef, "coef", shape=(n_features,))
    cov = np.full((n_features, n_features), correlation)
    np.fill_diagonal(cov, 1.0)
    chol = np.linalg.cholesky(cov)
    X = rng.standard_normal((n_samples, n_features)) @ chol.T
    y = X @ coef + bias + noise * rng.standard_normal(n_samples)
    return X, y, coef


def make_sine_regression(n_samples=20, *, noise=0.3, random_state=None):
    r"""Noisy samples of :math:`\sin(2\pi x)` on :math:`[0, 1]`, the classic test of overfitting.

    Parameters
    ----------
    n_samples : int, default=20
        Number of samples.
    noise : float, default=0.3
        Standard deviation of the Gaussian noise added to :math:`\sin(2\pi x)`.
    random_state : int, RandomState instance or None, default=None
        Seed of every random draw.

    Returns
    -------
    X : ndarray of shape (n_samples, 1)
        Inputs drawn uniformly on :math:`[0, 1]`.
    y : ndarray of shape (n_samples,)
    """
    check_parameter(n_samples, "n_samples", [_COUNT], owner="make_sine_regression")
    check_parameter(noise, "noise", [_NONNEGATIVE], owner="make_sine_regression")
    rng = check_random_state(random_state)
    x = rng.uniform(0.0, 1.0, n_samples)
    y = np.sin(2 * np.pi * x) + noise * rng.standard_normal(n_samples)
    return x[:, None], y


def load_dataset(name, *, standardize=False):
    """Load one of scikit-learn's bundled datasets as float arrays.

    Parameters
    ----------
    name : {"diabetes", "iris", "wine", "breast_cancer", "digits"}
        The dataset.
    standardize : bool, default=False
        Centre every feature and scale it to unit variance (features of zero variance are
        only centred).

    Returns
    -------
    Dataset
        Named tuple ``(X, y, feature_names)``.
    """
    check_parameter(name, "name", [Options(sorted(_BUNDLED))], owner="load_dataset")
    check_parameter(standardize, "standardize", ["boolean"], owner="load_dataset")
    bunch = _BUNDLED[name]()
    X = np.asarray(bunch.data, dtype=float)
    y = np.asarray(bunch.target)
    y = y.astype(float) if name == "diabetes" else y.astype(int)
    if standardize:
        std = X.std(axis=0)
        X = (X - X.mean(axis=0)) / np.where(std > 0, std, 1.0)
    names = [str(f) for f in getattr(bunch, "feature_names", [f"x{j}" for j in range(X.shape[1])])]
    return Dataset(X, y, names)


# A labelled text corpus from Python's standard library (no download): each document is the
# docstring of a public function, class or method, labelled with its module's name. Everything
# is sorted, so the corpus is the same on every run of the same Python version.

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
