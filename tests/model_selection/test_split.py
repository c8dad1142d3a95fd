"""KFold and StratifiedKFold: partitions, balance, and scikit-learn's folds where they agree."""

import numpy as np
import pytest
import sklearn.model_selection as skms

from mlmath.model_selection import KFold, StratifiedKFold
from mlmath.validation import InvalidParameterError


def _folds(splitter, X, y=None):
    return [(np.asarray(tr), np.asarray(te)) for tr, te in splitter.split(X, y)]


def _assert_partition(folds, n):
    tests = np.concatenate([te for _, te in folds])
    np.testing.assert_array_equal(np.sort(tests), np.arange(n))  # every sample tested once
    for train, test in folds:
        assert np.intersect1d(train, test).size == 0
        assert len(train) + len(test) == n


@pytest.mark.parametrize("n", [10, 11, 37, 100])
@pytest.mark.parametrize("k", [2, 3, 5, 10])
def test_kfold_equals_sklearn(n, k):
    X = np.zeros((n, 2))
    ours = _folds(KFold(k), X)
    theirs = _folds(skms.KFold(k), X)
    _assert_partition(ours, n)
    for (a_tr, a_te), (b_tr, b_te) in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(a_te, np.sort(b_te))
        np.testing.assert_array_equal(a_tr, np.sort(b_tr))


def test_kfold_shuffle_is_seeded_and_a_partition():
    X = np.zeros((53, 1))
    a = _folds(KFold(4, shuffle=True, random_state=3), X)
    b = _folds(KFold(4, shuffle=True, random_state=3), X)
    c = _folds(KFold(4, shuffle=True, random_state=4), X)
    _assert_partition(a, 53)
    assert all(np.array_equal(x[1], y[1]) for x, y in zip(a, b, strict=True))
    assert not all(np.array_equal(x[1], y[1]) for x, y in zip(a, c, strict=True))


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("shuffle", [False, True])
def test_stratified_kfold_balances_every_class_and_every_fold(seed, shuffle):
    rng = np.random.default_rng(seed)
    y = rng.choice(["a", "b", "c"], size=rng.integers(30, 200), p=[0.6, 0.3, 0.1])
    k = 5
    folds = _folds(StratifiedKFold(k, shuffle=shuffle, random_state=seed if shuffle else None),
                   np.zeros((len(y), 1)), y)
    _assert_partition(folds, len(y))
    sizes = [len(te) for _, te in folds]
    assert max(sizes) - min(sizes) <= 1
    for label in np.unique(y):
        per_fold = [np.sum(y[te] == label) for _, te in folds]
        assert max(per_fold) - min(per_fold) <= 1, (label, per_fold)


def test_stratified_kfold_works_inside_sklearn_cross_val_score():
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression

    X, y = load_iris(return_X_y=True)
    scores = skms.cross_val_score(LogisticRegression(max_iter=500), X, y,
                                  cv=StratifiedKFold(5))
    assert scores.shape == (5,) and scores.min() > 0.8


def test_bad_parameters_and_data():
    with pytest.raises(InvalidParameterError,
                       match="The 'n_splits' parameter of KFold must be an int >= 2; got 1."):
        KFold(1)
    with pytest.raises(ValueError, match="'n_splits' parameter of StratifiedKFold"):
        StratifiedKFold(2.5)
    with pytest.raises(TypeError, match="'shuffle' parameter of KFold must be a bool"):
        KFold(3, shuffle=1)
    with pytest.raises(ValueError, match="random_state has no effect"):
        KFold(3, random_state=0)
    with pytest.raises(ValueError, match="Cannot make n_splits=5 folds of 3"):
        list(KFold(5).split(np.zeros((3, 1))))
    with pytest.raises(ValueError, match="needs the class labels"):
        list(StratifiedKFold(2).split(np.zeros((4, 1))))
    with pytest.raises(ValueError, match="binary or multiclass"):
        list(StratifiedKFold(2).split(np.zeros((4, 1)), [0.1, 0.2, 0.3, 0.4]))
    with pytest.raises(ValueError, match="greater than the number of members of every class"):
        list(StratifiedKFold(5).split(np.zeros((6, 1)), [0, 0, 0, 1, 1, 1]))
