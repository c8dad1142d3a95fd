"""Bootstrap samples, out-of-bag bookkeeping and BaggingClassifier, against direct computations."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.ensemble import BaggingClassifier as SkBagging
from sklearn.ensemble import RandomForestClassifier as SkForest
from sklearn.linear_model import Perceptron

from mlmath.ensembles.random_forests import (
    BaggingClassifier,
    RandomForestClassifier,
    member_seeds,
)


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(300, 8, n_informative=4, n_classes=3, n_clusters_per_class=1,
                               random_state=0)
    return X, np.array(["a", "b", "c"])[y]


def test_seeds_and_bootstrap_samples_are_scikit_learns(data):
    X, y = data
    ours = RandomForestClassifier(n_estimators=7, random_state=4).fit(X, y)
    twin = SkForest(n_estimators=7, random_state=4).fit(X, y)
    for a, b in zip(ours.estimators_samples_, twin.estimators_samples_):
        assert np.array_equal(np.sort(a), np.sort(b))
    ours = BaggingClassifier(n_estimators=5, max_features=0.5, random_state=4).fit(X, y)
    twin = SkBagging(n_estimators=5, max_features=0.5, random_state=4).fit(X, y)
    for a, b in zip(ours.estimators_samples_, twin.estimators_samples_):
        assert np.array_equal(np.sort(a), np.sort(b))
    for a, b in zip(ours.estimators_features_, twin.estimators_features_):
        assert np.array_equal(a, b)
    assert np.array_equal(member_seeds(4, 3), np.random.RandomState(4).randint(2**31 - 1, size=3))


def _direct_oob_proba(est, X, n_classes):
    """For each sample, the mean probability of the members that did not draw it (a loop)."""
    proba = np.full((len(X), n_classes), np.nan)
    members = list(zip(est.estimators_, est.estimators_samples_,
                       getattr(est, "estimators_features_", [None] * len(est.estimators_))))
    for i in range(len(X)):
        rows = []
        for member, samples, feats in members:
            if i in set(samples.tolist()):
                continue
            x = X[i:i + 1] if feats is None else X[i:i + 1, feats]
            p = np.zeros(n_classes)
            p[np.asarray(member.classes_, dtype=int)] = member.predict_proba(x)[0]
            rows.append(p)
        if rows:
            proba[i] = np.mean(rows, axis=0)
    return proba


def test_bagging_oob_score_is_the_direct_computation(data):
    X, y = data
    est = BaggingClassifier(n_estimators=15, max_features=0.75, oob_score=True,
                            random_state=1).fit(X, y)
    direct = _direct_oob_proba(est, X, 3)
    assert not np.any(np.isnan(direct))  # 15 members: every sample is left out by some
    np.testing.assert_allclose(est.oob_decision_function_, direct, rtol=1e-12, atol=1e-12)
    y_enc = np.searchsorted(est.classes_, y)
    assert est.oob_score_ == pytest.approx(np.mean(np.argmax(direct, axis=1) == y_enc))


def test_bagging_prediction_is_the_mean_of_the_members(data):
    X, y = data
    est = BaggingClassifier(n_estimators=6, max_features=5, random_state=2).fit(X, y)
    mean = np.mean([m.predict_proba(X[:, f]) for m, f in
                    zip(est.estimators_, est.estimators_features_)], axis=0)
    np.testing.assert_allclose(est.predict_proba(X), mean)
    assert np.array_equal(est.predict(X), est.classes_[np.argmax(mean, axis=1)])
    assert all(len(np.unique(f)) == 5 for f in est.estimators_features_)


def test_bagging_a_classifier_without_probabilities_averages_votes(data):
    X, y = data
    est = BaggingClassifier(Perceptron(random_state=0), n_estimators=5, random_state=0)
    est.fit(X, y)
    votes = np.zeros((len(X), 3))
    for m, f in zip(est.estimators_, est.estimators_features_):
        assert sorted(f) == list(range(X.shape[1]))  # all features: fitted on X itself,
        votes[np.arange(len(X)), m.predict(X)] += 1  # as scikit-learn; encoded classes
    np.testing.assert_allclose(est.predict_proba(X), votes / 5)


def test_bagging_with_n_jobs_is_the_same_fit(data):
    X, y = data
    one = BaggingClassifier(n_estimators=8, random_state=5).fit(X, y)
    two = BaggingClassifier(n_estimators=8, random_state=5, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(one.predict_proba(X), two.predict_proba(X))


def test_bagging_averages_away_variance():
    # a bagged deep tree generalises better than one deep tree on noisy data
    X, y = make_classification(1_000, 10, n_informative=5, flip_y=0.15, random_state=3)
    from mlmath.supervised.decision_trees import DecisionTreeClassifier

    tree = DecisionTreeClassifier(random_state=0).fit(X[:600], y[:600]).score(X[600:], y[600:])
    bag = BaggingClassifier(n_estimators=30, random_state=0).fit(X[:600], y[:600])
    assert bag.score(X[600:], y[600:]) > tree + 0.03


def test_oob_needs_bootstrap(data):
    X, y = data
    with pytest.raises(ValueError, match="bootstrap=True"):
        BaggingClassifier(bootstrap=False, oob_score=True).fit(X, y)
    with pytest.raises(ValueError, match="max_samples"):  # without replacement: at most n
        BaggingClassifier(max_samples=1_000, bootstrap=False).fit(X, y)
    w = np.zeros(len(y))
    w[:10] = 1.0  # ten samples to draw 150 from, without replacement
    with pytest.raises(ValueError, match="positive sample_weight"):
        BaggingClassifier(max_samples=150, bootstrap=False).fit(X, y, sample_weight=w)
    big = BaggingClassifier(n_estimators=2, max_samples=1_000, random_state=0).fit(X, y)
    assert all(s.size == 1_000 for s in big.estimators_samples_)  # with replacement: any size


def test_weighted_resamples_are_scikit_learns(data):
    # with sample weights both libraries draw sample i with probability w_i / sum(w)
    X, y = data
    w = np.random.default_rng(0).integers(0, 4, len(X)).astype(float)
    for ours, twin in [
        (RandomForestClassifier(n_estimators=4, random_state=1, max_samples=0.5),
         SkForest(n_estimators=4, random_state=1, max_samples=0.5)),
        (BaggingClassifier(n_estimators=4, random_state=1, max_features=0.5),
         SkBagging(n_estimators=4, random_state=1, max_features=0.5)),
        (BaggingClassifier(n_estimators=4, random_state=2, bootstrap=False, max_samples=0.3),
         SkBagging(n_estimators=4, random_state=2, bootstrap=False, max_samples=0.3)),
    ]:
        ours.fit(X, y, sample_weight=w)
        twin.fit(X, y, sample_weight=w)
        for a, b in zip(ours.estimators_samples_, twin.estimators_samples_):
            assert np.array_equal(np.sort(a), np.sort(b))
            assert np.all(w[a] > 0)  # a zero-weight sample is never drawn


def test_bagging_matches_the_twins_held_out_accuracy():
    # mean accuracy over five stratified splits s = 0..4, the model seeded with s, on both sides
    from sklearn.datasets import load_breast_cancer, load_wine
    from sklearn.model_selection import train_test_split

    def held_out(model_cls, X, y):
        scores = []
        for s in range(5):
            X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=s,
                                                      stratify=y)
            model = model_cls(n_estimators=30, random_state=s)
            scores.append(model.fit(X_tr, y_tr).score(X_te, y_te))
        return np.mean(scores)

    sets = [load_breast_cancer(return_X_y=True), load_wine(return_X_y=True),
            make_classification(800, 12, n_informative=6, n_classes=3, random_state=0)]
    for X, y in sets:
        ours, twin = held_out(BaggingClassifier, X, y), held_out(SkBagging, X, y)
        assert abs(ours - twin) <= 0.02, (ours, twin)
