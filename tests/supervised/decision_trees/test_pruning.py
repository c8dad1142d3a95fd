"""Weakest-link pruning: scikit-learn's path, and optimality checked by enumerating subtrees."""

import numpy as np
import pytest
from sklearn import tree as skt
from sklearn.datasets import load_breast_cancer, load_diabetes, load_wine, make_friedman1

from mlmath.supervised.decision_trees.estimators import (
    DecisionTreeClassifier,
    DecisionTreeRegressor,
)
from mlmath.supervised.decision_trees.growth import grow_tree
from mlmath.supervised.decision_trees.impurity import CRITERIA
from mlmath.supervised.decision_trees.pruning import (
    cost_complexity_path,
    prune_tree,
    weakest_link_pruning,
)
from mlmath.supervised.decision_trees.tree import TREE_LEAF


def _datasets():
    X, y = make_friedman1(300, n_features=6, noise=0.5, random_state=0)
    return [
        ("breast_cancer", *load_breast_cancer(return_X_y=True), DecisionTreeClassifier,
         skt.DecisionTreeClassifier, {}),
        ("wine", *load_wine(return_X_y=True), DecisionTreeClassifier,
         skt.DecisionTreeClassifier, {"criterion": "entropy"}),
        ("friedman1", X, y, DecisionTreeRegressor, skt.DecisionTreeRegressor, {}),
        ("diabetes", *load_diabetes(return_X_y=True), DecisionTreeRegressor,
         skt.DecisionTreeRegressor, {"max_depth": 8}),
    ]


@pytest.mark.parametrize("name, X, y, ours, twin, kw", _datasets(), ids=lambda v: str(v)[:20])
def test_pruning_path_equals_scikit_learn(name, X, y, ours, twin, kw):
    a = ours(**kw).cost_complexity_pruning_path(X, y)
    b = twin(random_state=0, **kw).cost_complexity_pruning_path(X, y)
    np.testing.assert_allclose(a.ccp_alphas, b.ccp_alphas, rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(a.impurities, b.impurities, rtol=1e-7, atol=1e-12)
    assert np.all(np.diff(a.ccp_alphas) >= -1e-15) and np.all(np.diff(a.impurities) >= -1e-12)


def _all_prunings(tree, t=0):
    """Every pruned subtree rooted at t, as (sum of R over its leaves, number of leaves)."""
    r = tree.weighted_n_node_samples[t] * tree.impurity[t] / tree.weighted_n_node_samples[0]
    options = [(r, 1)]
    lc, rr = tree.children_left[t], tree.children_right[t]
    if lc != TREE_LEAF:
        for a in _all_prunings(tree, lc):
            for b in _all_prunings(tree, rr):
                options.append((a[0] + b[0], a[1] + b[1]))
    return options


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_pruned_tree_minimises_cost_complexity_over_all_subtrees(seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] + 0.8 * rng.normal(size=60) > 0).astype(int)
    crit = CRITERIA["gini"]()
    tree = grow_tree(X, crit.sample_terms(y, np.ones(60), 2), crit, max_depth=4)
    options = _all_prunings(tree)  # a depth-4 tree has at most a few hundred prunings
    alphas = cost_complexity_path(tree)["ccp_alphas"]
    probes = np.concatenate([(alphas[:-1] + alphas[1:]) / 2, [alphas[-1] * 1.5]])
    for alpha in probes:
        best = min(r + alpha * k for r, k in options)
        pruned = prune_tree(tree, alpha)
        leaves = pruned.children_left == TREE_LEAF
        cost = (np.sum(pruned.weighted_n_node_samples[leaves] * pruned.impurity[leaves])
                / pruned.weighted_n_node_samples[0] + alpha * leaves.sum())
        assert cost == pytest.approx(best, rel=1e-12, abs=1e-12)
        # and it is the smallest minimiser
        assert leaves.sum() == min(k for r, k in options if r + alpha * k <= best + 1e-12)


def test_pruned_estimator_predicts_like_scikit_learn():
    X, y = load_breast_cancer(return_X_y=True)
    path = DecisionTreeClassifier().cost_complexity_pruning_path(X, y)
    for alpha in (path.ccp_alphas[1:-1] + path.ccp_alphas[2:]) / 2:
        ours = DecisionTreeClassifier(ccp_alpha=alpha).fit(X, y)
        ref = skt.DecisionTreeClassifier(ccp_alpha=alpha, random_state=0).fit(X, y)
        assert ours.get_n_leaves() == ref.get_n_leaves()
        np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


def test_pruning_to_the_root_and_no_pruning():
    X, y = load_wine(return_X_y=True)
    full = DecisionTreeClassifier().fit(X, y)
    alphas, imps, leaf = weakest_link_pruning(full.tree_, 0.0)
    assert alphas.size == 1 and np.array_equal(leaf, full.tree_.children_left == TREE_LEAF)
    root = prune_tree(full.tree_, 10.0)
    assert root.node_count == 1 and root.n_leaves == 1
