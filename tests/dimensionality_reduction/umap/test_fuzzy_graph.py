"""The fuzzy graph against umap-learn's internals (dimensionality_reduction.umap.fuzzy_graph)."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits, load_iris
from sklearn.neighbors import NearestNeighbors

from mlmath.dimensionality_reduction.umap.fuzzy_graph import (
    exact_knn,
    fuzzy_simplicial_set,
    fuzzy_union,
    membership_strengths,
    smooth_knn_dist,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import umap.umap_ as umap_internals


def _datasets():
    rng = np.random.default_rng(0)
    return {
        "digits": load_digits().data[:600],
        "iris (with duplicates)": load_iris().data,
        "gaussian": rng.normal(size=(300, 3)),
    }


DATA = _datasets()


@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "cosine"])
def test_exact_knn_matches_a_brute_force_search(metric):
    X = DATA["gaussian"] + 0.1
    idx, dist = exact_knn(X, 8, metric=metric)
    ref = NearestNeighbors(n_neighbors=8, metric=metric, algorithm="brute").fit(X)
    ref_dist, ref_idx = ref.kneighbors(X)
    np.testing.assert_allclose(dist, ref_dist, rtol=1e-10, atol=1e-12)
    assert np.all(idx[:, 0] == np.arange(X.shape[0]))
    assert np.mean(idx == ref_idx) > 0.999  # only exact ties may be ordered differently


def test_exact_knn_puts_the_point_first_among_duplicates():
    X = np.repeat(DATA["gaussian"][:20], 3, axis=0)
    idx, dist = exact_knn(X, 4)
    assert np.all(idx[:, 0] == np.arange(60))
    assert np.all(dist[:, :3] == 0.0)


@pytest.mark.parametrize("name", list(DATA))
@pytest.mark.parametrize("k, local_connectivity, rtol", [
    (15, 1.0, 1e-6), (5, 1.0, 1e-6), (10, 2.0, 1e-6),
    # a fractional value interpolates rho_i, which umap-learn rounds to float32 (relative
    # 6e-8); the bisection then amplifies that rounding to a few 1e-6 in sigma_i
    (30, 1.5, 1e-5), (10, 0.5, 1e-5),
])
def test_rho_and_sigma_equal_umap_learns(name, k, local_connectivity, rtol):
    X = DATA[name]
    _, dist = exact_knn(X, k)
    dist = dist.astype(np.float32)  # umap-learn works in float32; give both the same input
    sigmas, rhos = smooth_knn_dist(dist, float(k), local_connectivity=local_connectivity)
    ref_sigmas, ref_rhos = umap_internals.smooth_knn_dist(
        dist, float(k), local_connectivity=local_connectivity)
    np.testing.assert_allclose(rhos, ref_rhos, rtol=1e-6, atol=0)
    np.testing.assert_allclose(sigmas, ref_sigmas, rtol=rtol, atol=0)


@pytest.mark.parametrize("name", list(DATA))
@pytest.mark.parametrize("mix", [1.0, 0.5, 0.0])
def test_graph_equals_umap_learns_given_the_same_neighbours(name, mix):
    X = DATA[name]
    idx, dist = exact_knn(X, 15)
    dist = dist.astype(np.float32)
    graph, _, _ = fuzzy_simplicial_set(X, 15, knn=(idx, dist), set_op_mix_ratio=mix)
    ref, _, _ = umap_internals.fuzzy_simplicial_set(
        X, 15, 0, "euclidean", knn_indices=idx, knn_dists=dist, set_op_mix_ratio=mix)
    assert abs(graph - ref.tocsr()).max() < 1e-6
    assert abs(graph - graph.T).max() == 0.0
    assert graph.min() >= 0.0 and graph.max() <= 1.0


def test_the_memberships_sum_to_log2_k():
    # the defining equation of sigma_i, checked directly on the memberships
    X = DATA["digits"]
    k = 15
    idx, dist = exact_knn(X, k)
    sigmas, rhos = smooth_knn_dist(dist, float(k))
    A = membership_strengths(idx, dist, sigmas, rhos)
    sums = np.asarray(A.sum(axis=1)).ravel()
    np.testing.assert_allclose(sums, np.log2(k), atol=1e-5)
    assert np.all(A.max(axis=1).toarray().ravel() == 1.0)  # the nearest neighbour: strength 1


def test_fuzzy_union_is_the_probabilistic_sum():
    rng = np.random.default_rng(1)
    A = rng.uniform(size=(6, 6)) * (rng.uniform(size=(6, 6)) < 0.5)
    G = fuzzy_union(A).toarray()
    np.testing.assert_allclose(G, A + A.T - A * A.T, rtol=1e-14)
    np.testing.assert_allclose(fuzzy_union(A, 0.0).toarray(), A * A.T, rtol=1e-14)


def test_bad_input_is_refused():
    X = DATA["gaussian"]
    with pytest.raises(ValueError, match="NaN"):
        exact_knn(np.where(np.eye(300, 3) > 0, np.nan, X), 5)
    with pytest.raises(ValueError, match="larger than the number of samples"):
        exact_knn(X[:4], 5)
    with pytest.raises(ValueError, match="n_neighbors"):
        exact_knn(X, 1)
    with pytest.raises(ValueError, match="metric"):
        exact_knn(X, 5, metric="hamming")
    with pytest.raises(ValueError, match="cosine"):
        exact_knn(np.vstack([X, np.zeros(3)]), 5, metric="cosine")
    with pytest.raises(ValueError, match="local_connectivity"):
        smooth_knn_dist(exact_knn(X, 5)[1], 5.0, local_connectivity=0.0)
    with pytest.raises(ValueError, match="set_op_mix_ratio"):
        fuzzy_union(np.eye(3), 1.5)


def test_degenerate_data_gives_finite_memberships():
    # all points equal: every distance is zero, rho_i = 0 and every membership is one
    X = np.ones((20, 3))
    graph, sigmas, rhos = fuzzy_simplicial_set(X, 5)
    assert np.all(np.isfinite(graph.data)) and np.all(graph.data == 1.0)
    assert np.all(rhos == 0.0)
    # one feature, float32 input
    X1 = DATA["gaussian"][:, :1].astype(np.float32)
    graph, _, _ = fuzzy_simplicial_set(X1, 5)
    assert np.all(np.isfinite(graph.data)) and graph.max() <= 1.0


def test_exact_knn_survives_a_large_common_offset():
    # the uncentred expansion |x|^2 - 2 x.x' + |x'|^2 cancels at an offset of 1e8 and picked
    # wrong neighbours for every point; centring first keeps them
    X = DATA["gaussian"]
    idx, dist = exact_knn(X, 8)
    idx_off, dist_off = exact_knn(X + 1e8, 8)
    assert np.array_equal(np.sort(idx, axis=1), np.sort(idx_off, axis=1))
    np.testing.assert_allclose(dist_off, dist, atol=1e-6)


def test_exact_knn_manhattan_memory_stays_bounded():
    # a (block, n, d) array of differences would take 600 * 600 * 100 * 8 bytes = 288 MB
    import tracemalloc

    X = np.random.default_rng(2).normal(size=(600, 100))
    tracemalloc.start()
    try:
        idx, dist = exact_knn(X, 5, metric="manhattan")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40e6, peak
    ref_dist, _ = NearestNeighbors(n_neighbors=5, metric="manhattan",
                                   algorithm="brute").fit(X).kneighbors(X)
    np.testing.assert_allclose(dist, ref_dist, rtol=1e-12)
