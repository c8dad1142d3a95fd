"""The SGD layout and the whole pipeline (mlmath.dimensionality_reduction.umap.layout)."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_digits
from sklearn.manifold import trustworthiness

from mlmath.dimensionality_reduction.umap.curve import find_ab_params
from mlmath.dimensionality_reduction.umap.fuzzy_graph import fuzzy_simplicial_set
from mlmath.dimensionality_reduction.umap.layout import (
    epochs_per_sample,
    optimize_layout,
    prune_edges,
    rescale_to_box,
    spectral_layout,
    umap_embedding,
)
from mlmath.dimensionality_reduction.umap.objective import cross_entropy

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import umap
    import umap.umap_ as umap_internals

X_DIGITS = load_digits().data[:500]


def test_epochs_per_sample_equals_umap_learns():
    w = np.random.default_rng(0).uniform(0.01, 1.0, 200)
    np.testing.assert_allclose(epochs_per_sample(w, 200),
                               umap_internals.make_epochs_per_sample(w, 200), rtol=1e-14)


def test_the_embedding_is_reproducible_and_finite():
    Z1 = umap_embedding(X_DIGITS[:200], n_epochs=50, random_state=3)
    Z2 = umap_embedding(X_DIGITS[:200], n_epochs=50, random_state=3)
    assert np.array_equal(Z1, Z2)
    assert np.all(np.isfinite(Z1)) and Z1.shape == (200, 2)


def test_sgd_lowers_the_cross_entropy():
    X = X_DIGITS[:200]
    graph, _, _ = fuzzy_simplicial_set(X, 10)
    a, b = find_ab_params(1.0, 0.1)
    Z0 = spectral_layout(graph, 2, random_state=0)
    Z = optimize_layout(Z0, graph, a, b, n_epochs=200, random_state=0)
    assert cross_entropy(graph, Z, a, b) < 0.8 * cross_entropy(graph, Z0, a, b)


def test_spectral_layout_spans_the_graph_laplacian_eigenvectors():
    graph, _, _ = fuzzy_simplicial_set(X_DIGITS[:200], 10)
    Z = spectral_layout(graph, 2, random_state=0)
    deg = np.asarray(graph.sum(axis=1)).ravel()
    L = np.eye(200) - graph.toarray() / np.sqrt(np.outer(deg, deg))
    vals, vecs = np.linalg.eigh(L)
    # up to scale and 1e-4 noise, the columns lie in the span of eigenvectors 2 and 3
    P = vecs[:, 1:3] @ vecs[:, 1:3].T
    resid = np.linalg.norm(Z - P @ Z) / np.linalg.norm(Z)
    assert resid < 1e-3


@pytest.fixture(scope="module")
def umap_learn_embedding():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return umap.UMAP(n_neighbors=15, min_dist=0.1, random_state=0).fit_transform(X_DIGITS)


def test_trustworthiness_within_002_of_umap_learn(umap_learn_embedding):
    ours = umap_embedding(X_DIGITS, n_neighbors=15, min_dist=0.1, random_state=0)
    t_ours = trustworthiness(X_DIGITS, ours, n_neighbors=5)
    t_ref = trustworthiness(X_DIGITS, umap_learn_embedding, n_neighbors=5)
    assert abs(t_ours - t_ref) <= 0.02, (t_ours, t_ref)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="NaN"):
        umap_embedding(np.full((10, 2), np.nan))
    with pytest.raises(ValueError, match="at least 3 samples"):
        umap_embedding(np.eye(2))
    with pytest.raises(ValueError, match="n_neighbors"):
        umap_embedding(X_DIGITS[:10], n_neighbors=15)
    with pytest.raises(ValueError, match="init"):
        umap_embedding(X_DIGITS[:50], init="pca")
    with pytest.raises(ValueError, match="init must have shape"):
        umap_embedding(X_DIGITS[:50], init=np.zeros((49, 2)))
    with pytest.raises(ValueError, match="n_epochs"):
        optimize_layout(np.zeros((3, 2)), sp.eye(3), 1.0, 1.0, n_epochs=0)
    with pytest.raises(ValueError, match="connected components"):
        spectral_layout(sp.eye(4, format="csr"), 2)


def test_degenerate_data():
    # duplicates and one feature run; a disconnected graph needs a random start
    X = np.repeat(np.arange(30.0)[:, None], 2, axis=0)
    Z = umap_embedding(X, n_neighbors=5, n_epochs=30, init="random", random_state=0)
    assert np.all(np.isfinite(Z))
    X2 = np.vstack([X_DIGITS[:60], X_DIGITS[:60] + 1e4])  # two far groups: two components
    with pytest.warns(UserWarning, match="connected components"):
        Z = umap_embedding(X2, n_epochs=30, random_state=0)
    assert np.all(np.isfinite(Z))
    Z = umap_embedding(X_DIGITS[:100].astype(np.float32), n_epochs=30, random_state=0)
    assert Z.dtype == np.float64 and np.all(np.isfinite(Z))


def test_the_step_schedule_equals_umap_learns_without_negative_samples():
    # with no negative samples both loops are deterministic: same start, same edges, same
    # step sizes (umap-learn updates alpha after each epoch, so epochs 0 and 1 share eta_0)
    from umap.layouts import optimize_layout_euclidean

    graph, _, _ = fuzzy_simplicial_set(X_DIGITS[:100], 10)
    G = graph.tocoo()
    a, b = find_ab_params(1.0, 0.1)
    Z0 = np.random.default_rng(0).uniform(0.0, 10.0, size=(100, 2))
    T = 5  # short: the float32 of umap-learn and the float64 here drift apart over many epochs
    eps = epochs_per_sample(G.data, T)
    ours = optimize_layout(Z0, G, a, b, n_epochs=T, negative_sample_rate=0, random_state=0)
    start = Z0.astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = optimize_layout_euclidean(
            start, start, G.row, G.col, T, 100, eps, a, b,
            np.zeros(3, dtype=np.int64), 1.0, 1.0, 0, parallel=False, move_other=True)
    np.testing.assert_allclose(ours, ref, atol=1e-3)  # the points move by about 5


def test_prune_edges_follows_umap_learn():
    graph, _, _ = fuzzy_simplicial_set(X_DIGITS[:200], 10)
    vmax = graph.max()
    for T, T_prune in [(200, 200), (30, 30), (5, 500)]:
        kept = prune_edges(graph, T)
        assert kept.data.min() >= vmax / T_prune
        assert kept.nnz == np.sum(graph.data >= vmax / T_prune)


def test_every_start_is_rescaled_to_the_box_first():
    Z = rescale_to_box(np.array([[1.0, -5.0], [3.0, 5.0], [2.0, 0.0]]))
    np.testing.assert_allclose(Z, [[0.0, 0.0], [10.0, 10.0], [5.0, 5.0]])
    # a vanishing step leaves umap_embedding at the rescaled start
    init = np.random.default_rng(1).normal(size=(80, 2)) * [1.0, 30.0]
    Z = umap_embedding(X_DIGITS[:80], init=init, n_epochs=2, learning_rate=1e-12, random_state=0)
    np.testing.assert_allclose(Z, rescale_to_box(init), atol=1e-9)
