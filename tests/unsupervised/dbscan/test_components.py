"""Core points, components of the core graph and border points (dbscan.components)."""

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import cdist
from sklearn.metrics import adjusted_rand_score

from mlmath.unsupervised.dbscan.components import (
    assign_border,
    core_components,
    core_mask,
    dbscan_labels,
    union_edges,
)
from mlmath.unsupervised.dbscan.neighbourhoods import radius_neighbourhoods


def _data(seed):
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-6, 6, size=(5, 2))
    X = np.vstack([c + rng.normal(scale=s, size=(150, 2))
                   for c, s in zip(centres, [0.2, 0.4, 0.6, 0.8, 1.0])])
    return np.vstack([X, rng.uniform(-8, 8, size=(100, 2))])


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(("eps", "min_samples"), [(0.3, 5), (0.6, 10), (0.15, 3)])
def test_components_equal_scipys_on_the_brute_force_core_graph(seed, eps, min_samples):
    X = _data(seed)
    D = cdist(X, X)
    adjacency = D <= eps
    is_core_bf = adjacency.sum(axis=1) >= min_samples
    indptr, indices = radius_neighbourhoods(X, eps)
    is_core = core_mask(indptr, indices, min_samples)
    np.testing.assert_array_equal(is_core, is_core_bf)
    labels = core_components(indptr, indices, is_core)
    core = np.flatnonzero(is_core)
    n_comp, comp = connected_components(csr_matrix(adjacency[np.ix_(core, core)]),
                                        directed=False)
    assert labels[core].max() + 1 == n_comp
    assert adjusted_rand_score(comp, labels[core]) == 1.0
    assert np.all(labels[~is_core] == -1)
    # numbered by smallest core index: the first core point of cluster c comes before that of c+1
    firsts = [core[labels[core] == c].min() for c in range(n_comp)]
    assert firsts == sorted(firsts)


def test_weighted_core_counts_equal_brute_force():
    X = _data(5)
    w = np.random.default_rng(0).uniform(0, 3, X.shape[0])
    indptr, indices = radius_neighbourhoods(X, 0.4)
    counts = (cdist(X, X) <= 0.4).astype(float) @ w
    for ms in [2.0, 7.5, 20.0]:
        np.testing.assert_array_equal(core_mask(indptr, indices, ms, w), counts >= ms)


def test_border_points_take_the_smallest_neighbouring_cluster():
    X = _data(6)
    eps, ms = 0.5, 12
    indptr, indices = radius_neighbourhoods(X, eps)
    is_core = core_mask(indptr, indices, ms)
    core_labels = core_components(indptr, indices, is_core)
    labels = assign_border(indptr, indices, is_core, core_labels)
    D = cdist(X, X)
    for i in np.flatnonzero(~is_core):  # a loop over the non-core points, as the definition
        near = core_labels[(D[i] <= eps) & is_core]
        assert labels[i] == (near.min() if near.size else -1)
    np.testing.assert_array_equal(labels[is_core], core_labels[is_core])


def test_union_find_on_a_long_chain_and_a_random_graph():
    n = 5000  # a path 0-1-...-n-1 with edges in a shuffled order: one component, root 0
    rng = np.random.default_rng(0)
    order = rng.permutation(n - 1)
    parent = np.arange(n)
    union_edges(parent, order + 1, order)
    assert np.all(parent == 0)
    a, b = rng.integers(0, n, 3000), rng.integers(0, n, 3000)
    parent = np.arange(n)
    union_edges(parent, a, b)
    n_comp, comp = connected_components(csr_matrix((np.ones(a.size), (a, b)), shape=(n, n)),
                                        directed=False)
    assert np.unique(parent).size == n_comp
    assert adjusted_rand_score(comp, parent) == 1.0
    # every root is the smallest member of its set
    assert all(parent[i] <= i for i in range(n))


def test_no_core_point_means_all_noise():
    X = _data(7)
    indptr, indices = radius_neighbourhoods(X, 1e-6)
    labels, is_core = dbscan_labels(indptr, indices, 2)
    assert not is_core.any() and np.all(labels == -1)


def test_decimal_weights_are_summed_exactly():
    from fractions import Fraction
    # ten coincident points of weight 0.1: the stored values sum to just above 1
    X = np.vstack([np.zeros((10, 2)), np.arange(1, 6)[:, None] * [10.0, 0.0]])
    w = np.r_[np.full(10, 0.1), np.ones(5)]
    assert sum(Fraction(x) for x in w[:10]) > 1 and sum([0.1] * 10) < 1
    indptr, indices = radius_neighbourhoods(X, 0.5)
    assert core_mask(indptr, indices, 1, w).all()
    rng = np.random.default_rng(0)
    for _ in range(30):
        Y = rng.integers(0, 6, size=(40, 2)) * 0.5
        w = rng.integers(1, 10, 40) / 10.0
        indptr, indices = radius_neighbourhoods(Y, 0.5)
        for ms in [1, 2, 3]:
            exact = [sum(Fraction(x) for x in w[indices[indptr[i]:indptr[i + 1]]]) >= ms
                     for i in range(40)]
            np.testing.assert_array_equal(core_mask(indptr, indices, ms, w), exact)

