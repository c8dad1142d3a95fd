"""The merge trees against SciPy, against each other, and against recomputation from scratch."""

import numpy as np
import pytest
from scipy.cluster.hierarchy import linkage as scipy_linkage
from scipy.spatial.distance import pdist
from sklearn.datasets import make_blobs, make_moons

from mlmath.unsupervised.hierarchical import (
    REDUCIBLE_LINKAGES,
    agglomerate,
    cluster_distance,
    lance_williams_general,
    lance_williams_update,
    mst_linkage,
    naive_linkage,
    nn_chain_linkage,
    prim_mst,
)
from mlmath.unsupervised.hierarchical.nn_chain import _lw


def _datasets():
    rng = np.random.default_rng(0)
    yield "gaussian", rng.normal(size=(120, 3))
    yield "blobs", make_blobs(150, centers=4, cluster_std=[0.5, 1.0, 2.0, 0.3],
                              random_state=1)[0]
    yield "moons", make_moons(140, noise=0.05, random_state=2)[0]
    yield "anisotropic", rng.normal(size=(100, 2)) @ np.array([[0.6, -0.6], [-0.4, 0.8]])
    yield "one feature", rng.uniform(size=(60, 1))


DATA = dict(_datasets())


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("method", REDUCIBLE_LINKAGES)
def test_heights_and_tree_equal_scipy(name, method):
    X = DATA[name]
    ref = scipy_linkage(X, method)
    Z = agglomerate(X, method)
    np.testing.assert_allclose(Z[:, 2], ref[:, 2], rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(Z[:, [0, 1, 3]], ref[:, [0, 1, 3]])


@pytest.mark.parametrize("method", REDUCIBLE_LINKAGES)
def test_ties_on_an_integer_grid(method):
    # many exactly equal distances: the chain and Prim's algorithm scan and break ties as
    # SciPy does, so the trees (children and sizes, not only the heights) are identical
    X = np.array([[i, j] for i in range(6) for j in range(5)], dtype=float)
    X = np.vstack([X, X[:4]])  # duplicates: distance 0
    ref = scipy_linkage(X, method)
    Z = agglomerate(X, method)
    np.testing.assert_allclose(Z[:, 2], ref[:, 2], rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(Z[:, [0, 1, 3]], ref[:, [0, 1, 3]])


@pytest.mark.parametrize("method", REDUCIBLE_LINKAGES)
def test_ties_on_random_integer_data(method):
    # small integer coordinates: many equal distances and duplicates, and still SciPy's tree
    rng = np.random.default_rng(5)
    for _ in range(30):
        X = rng.integers(0, 4, size=(int(rng.integers(2, 25)), 2)).astype(float)
        ref = scipy_linkage(X, method)
        Z = agglomerate(X, method)
        np.testing.assert_allclose(Z[:, 2], ref[:, 2], rtol=1e-10, atol=1e-12)
        np.testing.assert_array_equal(Z[:, [0, 1, 3]], ref[:, [0, 1, 3]])


def test_ward_update_is_clamped_at_zero():
    # 1-D samples a, b, c with c exactly the mean of a and b: the Ward distance of {c} to
    # {a, b} is 0, and rounding makes the squared update about -1.8e-15; no NaN may come out
    a, b, c = 0.7515849379786919, 5.662630282842244, 3.2071076104104677
    d_ca, d_cb, d_ab = abs(c - a), abs(c - b), abs(a - b)
    t = 1.0 / 3.0
    assert 2 * t * d_ca**2 + 2 * t * d_cb**2 - t * d_ab**2 < 0  # the rounding the clamp fixes
    upd = lance_williams_update(np.array([d_ca]), np.array([d_cb]), d_ab, 1, 1, np.array([1.0]),
                                "ward")
    assert upd[0] == 0.0
    assert lance_williams_general(d_ca, d_cb, d_ab, 1, 1, 1, "ward") == 0.0
    assert _lw(d_ca, d_cb, d_ab, 1.0, 1.0, 1.0, 3) == 0.0  # the compiled update, called directly
    Z = nn_chain_linkage(pdist(np.array([[a], [b], [c]])), "ward")
    assert np.all(np.isfinite(Z[:, 2]))
    np.testing.assert_allclose(Z[:, 2], scipy_linkage(np.array([[a], [b], [c]]), "ward")[:, 2],
                               rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("method", REDUCIBLE_LINKAGES)
def test_nn_chain_equals_the_naive_algorithm(name, method):
    D = pdist(DATA[name])
    naive = naive_linkage(D, method)
    chain = nn_chain_linkage(D, method)
    np.testing.assert_allclose(chain[:, 2], naive[:, 2], rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(chain[:, [0, 1, 3]], naive[:, [0, 1, 3]])


@pytest.mark.parametrize("name", DATA)
def test_minimum_spanning_tree_route_equals_single_linkage(name):
    X = DATA[name]
    Z, naive = mst_linkage(X), naive_linkage(pdist(X), "single")
    np.testing.assert_array_equal(Z[:, [0, 1, 3]], naive[:, [0, 1, 3]])
    np.testing.assert_allclose(Z[:, 2], naive[:, 2], rtol=1e-13)  # pdist rounds differently
    edges, lengths = prim_mst(X)
    # a spanning tree: n - 1 edges that join everything (union-find through the labelling),
    # of minimum total length (scipy's MST of the complete graph)
    from scipy.sparse.csgraph import minimum_spanning_tree
    from scipy.spatial.distance import squareform
    ref = minimum_spanning_tree(squareform(pdist(X))).sum()
    assert lengths.sum() == pytest.approx(ref, rel=1e-12)
    np.testing.assert_allclose(lengths, np.linalg.norm(X[edges[:, 0]] - X[edges[:, 1]], axis=1))


@pytest.mark.parametrize("method", ["centroid", "median"])
def test_naive_algorithm_with_the_non_reducible_linkages_equals_scipy(method):
    X = DATA["blobs"]
    ref = scipy_linkage(X, method)
    Z = naive_linkage(pdist(X), method)
    np.testing.assert_allclose(Z[:, 2], ref[:, 2], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("method", ["single", "complete", "average", "ward", "centroid"])
def test_lance_williams_equals_recomputation_after_every_merge(method):
    # replay the naive merges; after each, the distance of the new cluster to every other
    # cluster by the update must equal the distance recomputed from the points
    X = DATA["blobs"][:40]
    n = len(X)
    Z = naive_linkage(pdist(X), method)
    members = {i: [i] for i in range(n)}
    for k, (a, b, h, _) in enumerate(Z):
        A, B = members.pop(int(a)), members.pop(int(b))
        assert h == pytest.approx(cluster_distance(X[A], X[B], method), rel=1e-9, abs=1e-12)
        for C in list(members.values())[:8]:
            d_ca = cluster_distance(X[C], X[A], method)
            d_cb = cluster_distance(X[C], X[B], method)
            direct = cluster_distance(X[C], X[A + B], method)
            args = (d_ca, d_cb, h, len(A), len(B), len(C), method)
            assert lance_williams_general(*args) == pytest.approx(direct, rel=1e-9, abs=1e-12)
            upd = lance_williams_update(np.array([d_ca]), np.array([d_cb]), h, len(A), len(B),
                                        np.array([len(C)]), method)[0]
            assert upd == pytest.approx(direct, rel=1e-9, abs=1e-12)
        members[n + k] = A + B


@pytest.mark.parametrize("method", REDUCIBLE_LINKAGES)
def test_reducibility_holds_numerically(method):
    # d(A u B, C) >= min(d(A, C), d(B, C)) whenever d(A, B) <= both, on random clusters
    rng = np.random.default_rng(3)
    checked = 0
    for _ in range(400):
        X = rng.normal(size=(rng.integers(3, 12), 2))
        parts = np.array_split(rng.permutation(len(X)), 3)
        A, B, C = (X[p] for p in parts)
        d_ab, d_ac, d_bc = (cluster_distance(P, Q, method) for P, Q in ((A, B), (A, C), (B, C)))
        if d_ab <= min(d_ac, d_bc):
            checked += 1
            assert cluster_distance(np.vstack([A, B]), C, method) >= min(d_ac, d_bc) - 1e-12
    assert checked > 50


def test_centroid_linkage_is_not_reducible_and_has_an_inversion():
    # an equilateral triangle: A and B merge at 1, their centroid is sqrt(3)/2 < 1 from C
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, np.sqrt(3) / 2]])
    Z = naive_linkage(pdist(X), "centroid")
    assert Z[1, 2] < Z[0, 2]
    np.testing.assert_allclose(Z[:, 2], scipy_linkage(X, "centroid")[:, 2])
    assert cluster_distance(X[:2], X[2:], "centroid") < 1.0


def test_the_chain_leaves_its_input_alone_unless_told():
    D = pdist(DATA["gaussian"])
    D0 = D.copy()
    nn_chain_linkage(D, "average")
    np.testing.assert_array_equal(D, D0)
    nn_chain_linkage(D, "average", overwrite=True)
    assert not np.array_equal(D, D0)


def test_the_chain_refuses_a_matrix_that_is_not_condensed():
    with pytest.raises(ValueError, match="condensed"):
        nn_chain_linkage(np.ones(4), "ward")
    with pytest.raises(ValueError, match="linkage"):
        nn_chain_linkage(np.ones(3), "centroid")
