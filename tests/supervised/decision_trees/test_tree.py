"""The flat tree arrays: prediction (apply, decision_path), importances, leaf values, subtrees."""

import numpy as np
import pytest

from mlmath.supervised.decision_trees.growth import grow_tree
from mlmath.supervised.decision_trees.impurity import CRITERIA
from mlmath.supervised.decision_trees.tree import TREE_LEAF, TREE_UNDEFINED, Tree


def _grow(X, y, name="squared_error", w=None, **kw):
    crit = CRITERIA[name]()
    w = np.ones(len(y)) if w is None else w
    k = int(y.max()) + 1 if crit.is_classification else None
    return grow_tree(X, crit.sample_terms(y, w, k), crit, **kw), crit.sample_stats(y, w, k)


def test_apply_agrees_with_leaf_membership_and_decision_path():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 3))
    y = X[:, 0] + 0.1 * rng.normal(size=200)
    tree, stats = _grow(X, y, max_depth=5)
    leaf = tree.apply(X)
    assert np.all(tree.children_left[leaf] == TREE_LEAF)
    # the value of each leaf is the mean of the samples that reach it
    for t in np.unique(leaf):
        assert tree.value[t, 0, 0] == pytest.approx(y[leaf == t].mean())
        assert tree.n_node_samples[t] == np.sum(leaf == t)
    path = tree.decision_path(X).toarray()
    assert np.all(path[np.arange(200), leaf] == 1) and np.all(path[:, 0] == 1)
    assert np.all(path.sum(axis=1) == tree.node_depth()[leaf] + 1)


def test_feature_importances_match_the_definition():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(200, 3))
    tree, _ = _grow(X, X[:, 0] + 0.5 * rng.normal(size=200), max_depth=4)
    expected = np.zeros(3)
    w, imp = tree.weighted_n_node_samples, tree.impurity
    for t in range(tree.node_count):
        lc, rc = tree.children_left[t], tree.children_right[t]
        if lc != TREE_LEAF:
            expected[tree.feature[t]] += w[t] * imp[t] - w[lc] * imp[lc] - w[rc] * imp[rc]
    np.testing.assert_allclose(tree.compute_feature_importances(), expected / expected.sum())


def test_set_leaf_values_and_subtree():
    rng = np.random.default_rng(6)
    X = rng.normal(size=(100, 2))
    tree, _ = _grow(X, X[:, 0], max_depth=3)
    new = np.arange(tree.node_count, dtype=float)
    tree.set_leaf_values(new)
    leaf = tree.apply(X)
    np.testing.assert_array_equal(tree.predict(X)[:, 0, 0], leaf.astype(float))
    keep = np.zeros(tree.node_count, dtype=bool)
    keep[1] = True  # collapse the left child of the root
    sub = tree.subtree(keep)
    assert sub.node_count == tree.node_count - (tree.n_leaves - sub.n_leaves) * 2
    assert sub.children_left[1] == TREE_LEAF and sub.value[1, 0, 0] == tree.value[1, 0, 0]


def _random_tree(rng, n_internal, d, chain=False):
    """A random binary tree in preorder; ``chain``: every right child a leaf (a deep, thin tree).

    Thresholds are random float64 numbers, most of them between two float32 values.
    """
    left, right, feature, threshold = [], [], [], []

    def build(k):  # k internal nodes in this subtree; returns its root id
        t = len(left)
        left.append(TREE_LEAF), right.append(TREE_LEAF)
        feature.append(TREE_UNDEFINED), threshold.append(float(TREE_UNDEFINED))
        if k == 0:
            return t
        k_left = k - 1 if chain else int(rng.integers(0, k))
        feature[t], threshold[t] = int(rng.integers(0, d)), float(rng.normal())
        left[t] = build(k_left)
        right[t] = build(k - 1 - k_left)
        return t

    build(n_internal)
    m = len(left)
    return Tree(np.array(left), np.array(right), np.array(feature), np.array(threshold),
                np.ones((m, 1, 1)), np.zeros(m), np.ones(m, dtype=np.intp), np.ones(m), d)


def _walk_one_by_one(tree, X):
    """Reference: each sample walked down alone, x[feature] <= threshold going left."""
    leaf = np.empty(len(X), dtype=np.intp)
    for i, x in enumerate(X):
        t = 0
        while tree.children_left[t] != TREE_LEAF:
            go_left = float(x[tree.feature[t]]) <= tree.threshold[t]  # exact, in float64
            t = tree.children_left[t] if go_left else tree.children_right[t]
        leaf[i] = t
    return leaf


@pytest.mark.parametrize("seed", range(6))
def test_apply_equals_a_per_sample_walk_on_random_trees(seed):
    # the level-by-level walk (leaves their own children, finished samples dropped every four
    # levels) must reach the same leaf as walking each sample alone, for float32 features
    # (compared with float32 thresholds rounded down), float64 ones, and either memory order
    rng = np.random.default_rng(seed)
    d = int(rng.integers(1, 6))
    tree = _random_tree(rng, int(rng.integers(1, 60)), d, chain=seed % 3 == 0)
    X = rng.normal(size=(400, d))
    X[:50] = tree.threshold[rng.integers(0, tree.node_count, size=(50, d))]  # on thresholds
    for Z in (X, X.astype(np.float32), np.asfortranarray(X.astype(np.float32)), X[::2]):
        np.testing.assert_array_equal(tree.apply(Z), _walk_one_by_one(tree, Z))


def test_apply_float32_thresholds_are_rounded_down():
    # the threshold lies between the float32 values 1 and 1 + 2**-23, nearer the upper one (to
    # which it would round): x = 1 goes left and x = 1 + 2**-23 right, as in float64
    t = 1.0 + 2.0**-23 - 2.0**-30
    tree = Tree(np.array([1, -1, -1]), np.array([2, -1, -1]), np.array([0, -2, -2]),
                np.array([t, -2.0, -2.0]), np.ones((3, 1, 1)), np.zeros(3),
                np.ones(3, dtype=np.intp), np.ones(3), 1)
    X = np.array([[1.0], [1.0 + 2.0**-23], [-np.inf], [np.inf]], dtype=np.float32)
    np.testing.assert_array_equal(tree.apply(X), [1, 2, 1, 2])
    np.testing.assert_array_equal(tree.apply(X.astype(np.float64)), [1, 2, 1, 2])


def test_apply_on_a_single_leaf_and_on_no_samples():
    rng = np.random.default_rng(7)
    stump = _random_tree(rng, 0, 2)
    assert stump.max_depth == 0
    np.testing.assert_array_equal(stump.apply(rng.normal(size=(5, 2))), np.zeros(5))
    tree = _random_tree(rng, 10, 2)
    assert tree.apply(np.empty((0, 2))).shape == (0,)


def test_apply_refuses_a_wrong_number_of_features_and_out_of_range_thresholds_are_quiet():
    from sklearn.datasets import make_classification

    from mlmath.supervised.decision_trees import DecisionTreeClassifier

    X, y = make_classification(60, 3, n_informative=2, n_redundant=0, random_state=0)
    tree = DecisionTreeClassifier(random_state=0).fit(X, y).tree_
    with pytest.raises(ValueError, match=r"X must have shape \(n_samples, 3\)"):
        tree.apply(np.zeros((2, 2), dtype=np.float32))
    # a hand-set threshold beyond float32's range: no overflow warning, the same decision
    tree.threshold = tree.threshold.copy()
    tree.threshold[0] = 1e39
    tree._walks = {}
    leaves = tree.apply(X.astype(np.float32))
    assert np.all(leaves == tree.apply(X.astype(np.float64)))


def test_decision_path_of_an_unfitted_tree_is_not_fitted_error():
    from sklearn.exceptions import NotFittedError

    from mlmath.supervised.decision_trees import DecisionTreeClassifier, DecisionTreeRegressor

    for cls in (DecisionTreeClassifier, DecisionTreeRegressor):
        with pytest.raises(NotFittedError):
            cls().decision_path(np.zeros((2, 2)))
