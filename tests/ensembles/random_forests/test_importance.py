"""Permutation importance against a direct loop and scikit-learn's, and against MDI's bias."""

import numpy as np
import pytest
from sklearn.datasets import make_friedman1
from sklearn.inspection import permutation_importance as sk_permutation_importance

from mlmath.ensembles.random_forests import (
    RandomForestClassifier,
    RandomForestRegressor,
    permutation_importance,
)


@pytest.fixture(scope="module")
def regression():
    X, y = make_friedman1(500, n_features=7, noise=0.5, random_state=0)
    forest = RandomForestRegressor(n_estimators=20, random_state=0).fit(X[:300], y[:300])
    return forest, X[300:], y[300:]


def test_equals_a_direct_loop_over_shuffles(regression):
    forest, X, y = regression
    result = permutation_importance(forest, X, y, n_repeats=3, random_state=2)
    seed = np.random.RandomState(2).randint(2**31)
    base = forest.score(X, y)
    for j in range(X.shape[1]):
        rs, idx = np.random.RandomState(seed), np.arange(len(X))
        Xp = X.copy()
        for k in range(3):
            rs.shuffle(idx)
            Xp[:, j] = Xp[idx, j]  # each repeat shuffles the column as it was left
            assert result.importances[j, k] == pytest.approx(base - forest.score(Xp, y),
                                                             rel=1e-10, abs=1e-12)
    np.testing.assert_allclose(result.importances_mean, result.importances.mean(1))
    np.testing.assert_allclose(result.importances_std, result.importances.std(1))


def test_equals_scikit_learns(regression):
    forest, X, y = regression
    ours = permutation_importance(forest, X, y, n_repeats=4, random_state=5)
    theirs = sk_permutation_importance(forest, X, y, n_repeats=4, random_state=5)
    np.testing.assert_allclose(ours.importances, theirs.importances, rtol=1e-10, atol=1e-12)
    scorer = lambda est, X, y: -np.mean(np.abs(est.predict(X) - y))  # noqa: E731
    ours = permutation_importance(forest, X, y, scoring=scorer, n_repeats=2, random_state=1)
    theirs = sk_permutation_importance(forest, X, y, scoring=scorer, n_repeats=2, random_state=1)
    np.testing.assert_allclose(ours.importances, theirs.importances, rtol=1e-10, atol=1e-12)


def test_impurity_importance_favours_a_high_cardinality_noise_feature():
    # a binary informative feature and a continuous pure-noise one: the fully grown trees split
    # on the noise again and again (MDI counts every such split), while shuffling it on held-out
    # data costs nothing
    rng = np.random.default_rng(0)
    n = 1_200
    informative = rng.integers(0, 2, size=n)
    y = np.where(rng.random(n) < 0.75, informative, 1 - informative)
    X = np.column_stack([informative, rng.normal(size=n)])
    forest = RandomForestClassifier(n_estimators=30, random_state=0).fit(X[:800], y[:800])
    mdi = forest.feature_importances_
    perm = permutation_importance(forest, X[800:], y[800:], n_repeats=5, random_state=0)
    assert mdi[1] > mdi[0]  # the noise looks the more important by impurity
    assert perm.importances_mean[0] > 0.1 > abs(perm.importances_mean[1]) + 0.05
