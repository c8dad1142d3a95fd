"""K-fold cross-validation splitters: plain and stratified.

Both yield ``(train_index, test_index)`` pairs, as scikit-learn's splitters do, so they work with
scikit-learn's ``cross_val_score`` and ``GridSearchCV`` as well as with ours.
"""

from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import type_of_target

from mlmath.validation import Interval, InvalidParameterError, check_parameter

__all__ = ["KFold", "StratifiedKFold", "n_samples"]


def n_samples(X):
    """Number of rows of an array, a DataFrame, a sparse matrix or any array-like.

    Parameters
    ----------
    X : array-like, DataFrame or sparse matrix
        Anything with a ``shape``, a length, or convertible by ``np.asarray``.

    Returns
    -------
    int
        ``X.shape[0]`` when ``X`` has a shape, else ``len(X)``, else the number of rows of
        ``np.asarray(X)``.
    """
    if hasattr(X, "shape"):
        return X.shape[0]
    if hasattr(X, "__len__"):
        return len(X)
    return np.asarray(X).shape[0]


class _BaseKFold:
    def __init__(self, n_splits=5, *, shuffle=False, random_state=None):
        owner = type(self).__name__
        check_parameter(n_splits, "n_splits", [Interval(Integral, 2, None)], owner=owner)
        check_parameter(shuffle, "shuffle", ["boolean"], owner=owner)
        check_parameter(random_state, "random_state", ["random_state"], owner=owner)
        if not shuffle and random_state is not None:
            raise InvalidParameterError(
                "random_state has no effect when shuffle=False: leave it None, or pass "
                "shuffle=True.")
        self.n_splits = int(n_splits)
        self.shuffle = shuffle
        self.random_state = random_state

    def get_n_splits(self, X=None, y=None, groups=None):
        """The number of folds."""
        return self.n_splits

    def split(self, X, y=None, groups=None):
        """Yield ``(train_index, test_index)`` for each fold.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,), default=None
            Needed by :class:`StratifiedKFold`.
        groups : ignored

        Yields
        ------
        train_index, test_index : ndarray of int
        """
        n = n_samples(X)
        if self.n_splits > n:
            raise ValueError(f"Cannot make n_splits={self.n_splits} folds of {n} samples.")
        fold_of = self._fold_of_each_sample(n, y)
        for k in range(self.n_splits):
            in_test = fold_of == k
            yield np.flatnonzero(~in_test), np.flatnonzero(in_test)

    def __repr__(self):
        return (f"{type(self).__name__}(n_splits={self.n_splits}, shuffle={self.shuffle}, "
                f"random_state={self.random_state!r})")


class KFold(_BaseKFold):
    """Contiguous folds of (optionally shuffled) indices; sizes differ by at most one.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds, at least 2.
    shuffle : bool, default=False
        Permute the samples before cutting them into folds.
    random_state : int, RandomState instance or None, default=None
        Seed of the permutation (only with ``shuffle=True``).

    Notes
    -----
    The first ``n % n_splits`` folds hold ``n // n_splits + 1`` samples, the others
    ``n // n_splits``: the same folds as scikit-learn's ``KFold``. The folds of
    {eq}`eq-metrics-cv` in the evaluation metrics chapter.
    """

    def _fold_of_each_sample(self, n, y):
        order = np.arange(n)
        if self.shuffle:
            order = check_random_state(self.random_state).permutation(n)
        sizes = np.full(self.n_splits, n // self.n_splits)
        sizes[: n % self.n_splits] += 1
        fold_of = np.empty(n, dtype=int)
        fold_of[order] = np.repeat(np.arange(self.n_splits), sizes)
        return fold_of


class StratifiedKFold(_BaseKFold):
    """Folds that keep each class's proportion: per class, fold counts differ by at most one.

    Samples are ordered by class (shuffled within each class when ``shuffle=True``) and dealt to
    the folds in turn, 0, 1, ..., n_splits - 1, 0, 1, ...; the deal continues from one class to
    the next, so the fold sizes also differ by at most one.

    Parameters
    ----------
    n_splits : int, default=5
    shuffle : bool, default=False
    random_state : int, RandomState instance or None, default=None

    Notes
    -----
    Removes the fold-to-fold variation {eq}`eq-metrics-fold-prevalence` of the class
    proportions (evaluation metrics chapter).
    """

    def _fold_of_each_sample(self, n, y):
        if y is None:
            raise ValueError("StratifiedKFold needs the class labels y to stratify on.")
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.ravel()  # a column vector of labels stratifies like its 1-D form
        if y.shape != (n,):
            raise ValueError(f"y must have shape ({n},); got {y.shape}.")
        kind = type_of_target(y)
        if kind not in ("binary", "multiclass"):
            raise ValueError(f"StratifiedKFold needs binary or multiclass labels; y is {kind}.")
        _, y_enc, counts = np.unique(y, return_inverse=True, return_counts=True)
        if np.all(counts < self.n_splits):
            raise ValueError(f"n_splits={self.n_splits} is greater than the number of members "
                             f"of every class (largest class: {counts.max()}).")
        tiebreak = np.arange(n)
        if self.shuffle:
            tiebreak = check_random_state(self.random_state).permutation(n)
        order = np.lexsort((tiebreak, y_enc.ravel()))  # by class, then by the (shuffled) index
        fold_of = np.empty(n, dtype=int)
        fold_of[order] = np.arange(n) % self.n_splits
        return fold_of
