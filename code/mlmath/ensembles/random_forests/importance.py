r"""Permutation importance: the drop in a fitted model's score when one feature is shuffled.

Shuffling column :math:`j` breaks its link with the target (and with the other features) while
keeping its distribution; the importance is the score on the intact data minus the score on the
shuffled data, averaged over ``n_repeats`` shuffles. Unlike the impurity importance of a forest,
it is measured on any data (held-out data, so that it reflects generalisation) and a feature that
the model merely memorised, such as a continuous noise feature the trees split on many times,
gets an importance near zero.

The shuffles are scikit-learn's (one seed from ``random_state``, a fresh ``RandomState`` of it
per feature, a permutation shuffled in place once per repeat and applied to the column as the
previous repeat left it), so the two functions agree to the
last bit on the same model; all ``n_repeats`` shuffled copies of a column are predicted in one
call.
"""

from numbers import Integral

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils import Bunch, check_random_state
from sklearn.utils.validation import check_is_fitted

from mlmath.validation import Interval, as_finite_array, check_parameter

__all__ = ["permutation_importance"]


def _scores_of_blocks(estimator, X_big, y, n_blocks, scoring):
    """The score of each of the ``n_blocks`` consecutive blocks of ``len(y)`` rows."""
    n = len(y)
    if scoring is not None:
        return np.array([scoring(estimator, X_big[k * n:(k + 1) * n], y)
                         for k in range(n_blocks)])
    pred = np.asarray(estimator.predict(X_big)).reshape(n_blocks, n)
    if is_classifier(estimator):
        return np.mean(pred == np.asarray(y)[None, :], axis=1)  # accuracy
    y = np.asarray(y, dtype=float)
    return 1.0 - np.sum((pred - y) ** 2, axis=1) / np.sum((y - y.mean()) ** 2)  # R^2


def permutation_importance(estimator, X, y, *, scoring=None, n_repeats=5, random_state=None):
    """Mean decrease of the score when each feature is shuffled, ``n_repeats`` times.

    Parameters
    ----------
    estimator : fitted estimator
        A classifier (scored by accuracy) or a regressor (scored by :math:`R^2`).
    X : array-like of shape (n_samples, n_features)
        Data to score on (held-out data measure what generalises).
    y : array-like of shape (n_samples,)
        Targets of ``X``.
    scoring : callable or None, default=None
        ``scoring(estimator, X, y)`` returning a score (larger is better); ``None``: accuracy
        or :math:`R^2`, as ``estimator.score``.
    n_repeats : int, default=5
        Number of shuffles per feature.
    random_state : int, RandomState instance or None, default=None
        Seed of the shuffles.

    Returns
    -------
    Bunch
        ``importances`` of shape ``(n_features, n_repeats)`` (baseline score minus shuffled
        score), ``importances_mean`` and ``importances_std`` over the repeats.

    Notes
    -----
    Implements {eq}`eq-rf-permutation-importance` of the random forests chapter.
    """
    check_is_fitted(estimator)
    owner = "permutation_importance"
    check_parameter(n_repeats, "n_repeats", [Interval(Integral, 1, None)], owner=owner)
    check_parameter(scoring, "scoring", ["callable", None], owner=owner)
    check_parameter(random_state, "random_state", ["random_state"], owner=owner)
    X = as_finite_array(X, "X", ndim=2, min_size=1)
    n, d = X.shape
    if len(y) != n:
        raise ValueError(f"X has {n} samples but y has {len(y)}; they must match.")
    seed = check_random_state(random_state).randint(np.iinfo(np.int32).max + 1)
    baseline = _scores_of_blocks(estimator, X, y, 1, scoring)[0]
    importances = np.empty((d, n_repeats))
    X_big = np.tile(X, (n_repeats, 1))
    for j in range(d):
        rs = np.random.RandomState(seed)
        idx, column = np.arange(n), np.arange(n)
        perms = []
        for _ in range(n_repeats):
            rs.shuffle(idx)  # in place, as scikit-learn; and like scikit-learn, each repeat
            column = column[idx]  # shuffles the already shuffled column
            perms.append(column)
        X_big[:, j] = X[np.concatenate(perms), j]
        importances[j] = baseline - _scores_of_blocks(estimator, X_big, y, n_repeats, scoring)
        X_big[:, j] = np.tile(X[:, j], n_repeats)
    return Bunch(importances_mean=importances.mean(axis=1),
                 importances_std=importances.std(axis=1), importances=importances)
