"""Cross-validated scores and an exhaustive grid search over hyperparameters.

Both work with any estimator that follows scikit-learn's API: the book's and scikit-learn's.
"""

import itertools
from collections.abc import Mapping

import numpy as np
import scipy.sparse as sp
from scipy.stats import rankdata
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_classifier
from sklearn.utils import check_array, check_consistent_length, get_tags
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted

from mlmath.model_selection.scoring import get_scorer
from mlmath.model_selection.split import KFold, StratifiedKFold
from mlmath.validation import InvalidParameterError, check_parameter

__all__ = ["parameter_grid", "check_cv", "cross_val_score", "GridSearchCV"]


def parameter_grid(param_grid):
    """Every combination of a grid: a list of parameter dicts.

    Parameters
    ----------
    param_grid : dict of str to sequence, or list of such dicts
        Each dict spans the Cartesian product of its value lists; a list of dicts spans the union
        of their products (to skip meaningless combinations).

    Returns
    -------
    list of dict
        In a fixed order: grids in turn, names sorted, values in the order given.
    """
    grids = [param_grid] if isinstance(param_grid, Mapping) else list(param_grid)
    if not grids:
        raise InvalidParameterError("The 'param_grid' parameter is empty: give at least one "
                                    "dict of parameter values.")
    combos = []
    for grid in grids:
        if not isinstance(grid, Mapping):
            raise InvalidParameterError(
                f"The 'param_grid' parameter must be a dict or a list of dicts; got {grid!r}.")
        names = sorted(grid)
        for name in names:
            values = grid[name]
            if isinstance(values, str) or not hasattr(values, "__len__") or len(values) == 0:
                raise InvalidParameterError(
                    f"The 'param_grid' parameter's entry {name!r} must be a non-empty sequence "
                    f"of values; got {values!r}.")
        for values in itertools.product(*(grid[name] for name in names)):
            combos.append(dict(zip(names, values, strict=True)))
    return combos


def check_cv(cv, y, classifier):
    """A splitter from ``cv``: an int (stratified for classification targets), or an object.

    An int gives :class:`StratifiedKFold` when the estimator is a classifier and ``y`` is a binary
    or multiclass target (scikit-learn's rule), else :class:`KFold`. An object with a ``split``
    method (ours or scikit-learn's) is used as it is; an iterable of ``(train, test)`` pairs is
    wrapped.

    Parameters
    ----------
    cv : int, splitter or iterable of (train, test) index pairs
        The number of folds (``bool`` is refused), an object with a ``split`` method, or the
        folds themselves.
    y : array-like of shape (n_samples,) or None
        The target, read only to decide whether an int ``cv`` stratifies.
    classifier : bool
        Whether the estimator is a classifier.

    Returns
    -------
    splitter
        An object whose ``split(X, y)`` yields ``(train_index, test_index)`` pairs.

    Notes
    -----
    As ``sklearn.model_selection.check_cv``, except that every argument is required (no
    default ``cv=5``; ``cv=None`` is refused) and that an int gives unshuffled folds (no
    ``shuffle`` or ``random_state``; pass a splitter to shuffle).
    """
    if isinstance(cv, (int, np.integer)) and not isinstance(cv, bool):
        stratify = classifier and y is not None and type_of_target(y) in ("binary", "multiclass")
        return StratifiedKFold(int(cv)) if stratify else KFold(int(cv))
    message = f"The 'cv' parameter must be an int, a splitter or an iterable of (train, test); " \
        f"got {cv!r}."
    if isinstance(cv, str):
        raise InvalidParameterError(message)
    if hasattr(cv, "split"):
        return cv
    if hasattr(cv, "__iter__"):
        return _Folds(list(cv))
    raise InvalidParameterError(message)


class _Folds:
    def __init__(self, folds):
        self.folds = folds

    def split(self, X=None, y=None, groups=None):
        yield from self.folds

    def get_n_splits(self, X=None, y=None, groups=None):
        return len(self.folds)


def _take(data, index):
    """Rows ``index`` of an array, a DataFrame or a sparse matrix (``None`` stays ``None``)."""
    if data is None:
        return None
    if hasattr(data, "iloc"):
        return data.iloc[index]
    if sp.issparse(data):
        return data.tocsr()[index]
    return np.asarray(data)[index]


def cross_val_score(estimator, X, y=None, *, scoring=None, cv=5):
    """Fit a clone of ``estimator`` on each training fold and score it on the held-out fold.

    Parameters
    ----------
    estimator : estimator object
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,), default=None
    scoring : str, callable or None, default=None
        See :func:`mlmath.model_selection.scoring.get_scorer`.
    cv : int, splitter or iterable, default=5
        See :func:`check_cv`.

    Returns
    -------
    ndarray of shape (n_splits,)
        One held-out score per fold. Their spread is an estimate of how much a single
        train/test split's score could vary; they are not independent (the training folds
        overlap).

    Notes
    -----
    The fold scores M_j of {eq}`eq-metrics-cv` in the evaluation metrics chapter; see
    {eq}`eq-metrics-naive-variance` there before testing a difference with them.
    """
    if y is not None:
        check_consistent_length(X, y)
    scorer = get_scorer(scoring)
    splitter = check_cv(cv, y, is_classifier(estimator))
    scores = []
    for train, test in splitter.split(X, y):
        model = clone(estimator).fit(_take(X, train), _take(y, train))
        scores.append(scorer(model, _take(X, test), _take(y, test)))
    return np.asarray(scores, dtype=float)


def _best_has(name):
    def check(self):
        if hasattr(self, "best_estimator_"):
            return hasattr(self.best_estimator_, name)
        return hasattr(self.estimator, name)

    return check


class GridSearchCV(MetaEstimatorMixin, BaseEstimator):
    """Exhaustive search over a parameter grid, each candidate scored by cross-validation.

    Parameters
    ----------
    estimator : estimator object
        Cloned for every fit; the book's estimators and scikit-learn's alike.
    param_grid : dict or list of dicts
        See :func:`parameter_grid`.
    scoring : str, callable or None, default=None
        See :func:`mlmath.model_selection.scoring.get_scorer`.
    cv : int, splitter or iterable, default=5
        See :func:`check_cv`.
    refit : bool, default=True
        Refit the best candidate on all the data as ``best_estimator_`` (needed to predict).

    Attributes
    ----------
    cv_results_ : dict of ndarray
        ``params``, ``mean_test_score``, ``std_test_score``, ``rank_test_score`` (1 is best; ties
        share the lowest rank) and ``split<k>_test_score`` for every fold k.
    best_index_ : int
        The first candidate of rank 1.
    best_params_ : dict
    best_score_ : float
        Its mean cross-validated score.
    best_estimator_ : estimator
        Only when ``refit=True``.
    n_splits_ : int

    Notes
    -----
    A candidate whose fit raises stops the search with that error (scikit-learn's default
    records NaN and warns instead): a silent NaN in a grid is easy to miss.

    Each candidate is scored by {eq}`eq-metrics-cv` of the evaluation metrics chapter;
    ``best_score_`` is the best of several noisy estimates and therefore optimistic: estimate
    the tuned model's performance on a held-out set or by nested cross-validation.
    """

    def __init__(self, estimator, param_grid, *, scoring=None, cv=5, refit=True):
        self.estimator = estimator
        self.param_grid = param_grid
        self.scoring = scoring
        self.cv = cv
        self.refit = refit

    def fit(self, X, y=None):
        """Score every candidate by cross-validation, then refit the best one (``refit=True``).

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Training samples, split into folds by ``cv``.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            Target; a classifier's labels are also what an int ``cv`` stratifies on.

        Returns
        -------
        self : GridSearchCV

        Notes
        -----
        Unlike scikit-learn's ``GridSearchCV.fit``, takes no fit parameters (``**params``, such
        as ``groups`` or a ``sample_weight`` for the estimator).
        """
        check_parameter(self.refit, "refit", ["boolean"], owner="GridSearchCV")
        candidates = parameter_grid(self.param_grid)
        valid = self.estimator.get_params()
        for name in candidates[0]:
            if name not in valid:
                raise InvalidParameterError(f"{name!r} is not a parameter of "
                                 f"{type(self.estimator).__name__}; valid: {sorted(valid)}.")
        if y is not None:
            check_consistent_length(X, y)
            # NaN or infinity in y is refused here, before the splitter reads the labels
            check_array(y, ensure_2d=False, dtype=None, input_name="y")
        scorer = get_scorer(self.scoring)
        splitter = check_cv(self.cv, y, is_classifier(self.estimator))
        folds = list(splitter.split(X, y))
        scores = np.empty((len(candidates), len(folds)))
        for i, params in enumerate(candidates):
            for k, (train, test) in enumerate(folds):
                model = clone(self.estimator).set_params(**params)
                model.fit(_take(X, train), _take(y, train))
                scores[i, k] = scorer(model, _take(X, test), _take(y, test))
        mean = scores.mean(axis=1)
        rank = rankdata(-mean, method="min").astype(int)
        self.cv_results_ = {
            "params": candidates,
            "mean_test_score": mean,
            "std_test_score": scores.std(axis=1),
            "rank_test_score": rank,
            **{f"split{k}_test_score": scores[:, k] for k in range(len(folds))},
        }
        self.n_splits_ = len(folds)
        self.best_index_ = int(np.flatnonzero(rank == 1)[0])
        self.best_params_ = candidates[self.best_index_]
        self.best_score_ = float(mean[self.best_index_])
        if self.refit:
            self.best_estimator_ = clone(self.estimator).set_params(**self.best_params_)
            self.best_estimator_.fit(X, y)
        return self

    def _fitted_best(self):
        check_is_fitted(self, "cv_results_")
        if not self.refit:
            raise AttributeError("This GridSearchCV was fitted with refit=False: it has no "
                                 "best_estimator_ to predict with.")
        return self.best_estimator_

    @available_if(_best_has("predict"))
    def predict(self, X):
        """Predict with ``best_estimator_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples, as ``best_estimator_`` expects them.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        return self._fitted_best().predict(X)

    @available_if(_best_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities from ``best_estimator_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples, as ``best_estimator_`` expects them.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        return self._fitted_best().predict_proba(X)

    @available_if(_best_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Log class probabilities from ``best_estimator_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples, as ``best_estimator_`` expects them.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        return self._fitted_best().predict_log_proba(X)

    @available_if(_best_has("decision_function"))
    def decision_function(self, X):
        """Decision function of ``best_estimator_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples, as ``best_estimator_`` expects them.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_classes)
        """
        return self._fitted_best().decision_function(X)

    @available_if(_best_has("transform"))
    def transform(self, X):
        """Transform with ``best_estimator_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples, as ``best_estimator_`` expects them.

        Returns
        -------
        ndarray of shape (n_samples, n_components)
        """
        return self._fitted_best().transform(X)

    def score(self, X, y=None):
        """The search's ``scoring`` applied to ``best_estimator_`` on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples to score on.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            Their target.

        Returns
        -------
        float
            Greater is better (losses are negated); with ``scoring=None``, the value of
            ``best_estimator_.score(X, y)``.
        """
        return get_scorer(self.scoring)(self._fitted_best(), X, y)

    @property
    def classes_(self):
        """Class labels of ``best_estimator_``."""
        return self._fitted_best().classes_

    @property
    def n_features_in_(self):
        """Number of features seen by ``best_estimator_``."""
        return self._fitted_best().n_features_in_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        sub = get_tags(self.estimator)
        tags.estimator_type = sub.estimator_type
        tags.classifier_tags = sub.classifier_tags
        tags.regressor_tags = sub.regressor_tags
        tags.input_tags.pairwise = sub.input_tags.pairwise
        tags.input_tags.sparse = sub.input_tags.sparse
        tags.input_tags.positive_only = sub.input_tags.positive_only
        tags.target_tags = sub.target_tags
        return tags
