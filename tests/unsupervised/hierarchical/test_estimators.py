"""AgglomerativeClustering against scikit-learn: labels, children, heights, quality, bad input."""

import numpy as np
import pytest
import sklearn.cluster as skc
from scipy.cluster.hierarchy import dendrogram
from scipy.cluster.hierarchy import linkage as scipy_linkage
from sklearn.datasets import load_iris, load_wine, make_blobs, make_circles, make_moons
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler

from mlmath.unsupervised.hierarchical import (
    AgglomerativeClustering,
    cut_tree_labels,
    linkage_matrix,
)
from mlmath.validation import InvalidParameterError

LINKAGES = ["ward", "complete", "average", "single"]


def _labelled():
    X, y = make_blobs(300, centers=3, cluster_std=[0.4, 1.0, 2.0], random_state=0)
    yield "unequal blobs", X, y
    X, y = make_blobs(300, centers=3, random_state=170)
    yield "anisotropic", X @ np.array([[0.6, -0.6], [-0.4, 0.8]]), y
    yield "moons", *make_moons(300, noise=0.05, random_state=0)
    yield "circles", *make_circles(300, factor=0.5, noise=0.05, random_state=0)
    for load in (load_iris, load_wine):
        X, y = load(return_X_y=True)
        yield load.__name__[5:], StandardScaler().fit_transform(X), y


DATA = {name: (X, y) for name, X, y in _labelled()}


def _same_partition(a, b):
    return adjusted_rand_score(a, b) == 1.0


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("method", LINKAGES)
def test_labels_children_heights_and_ari_match_scikit_learn(name, method):
    X, y = DATA[name]
    K = len(np.unique(y))
    ours = AgglomerativeClustering(K, linkage=method, compute_distances=True).fit(X)
    ref = skc.AgglomerativeClustering(K, linkage=method, compute_distances=True).fit(X)
    assert _same_partition(ours.labels_, ref.labels_)
    # scikit-learn's single linkage lists a merged pair in its own order; the pairs are equal
    np.testing.assert_array_equal(np.sort(ours.children_, axis=1), np.sort(ref.children_, axis=1))
    np.testing.assert_allclose(ours.distances_, ref.distances_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.distances_, scipy_linkage(X, method)[:, 2], rtol=1e-10)
    assert abs(adjusted_rand_score(y, ours.labels_) - adjusted_rand_score(y, ref.labels_)) <= 0.02
    assert (ours.n_clusters_, ours.n_leaves_, ours.n_connected_components_) == (K, len(X), 1)


@pytest.mark.parametrize("method", LINKAGES)
@pytest.mark.parametrize("threshold", [0.5, 2.0, 8.0])
def test_distance_threshold_matches_scikit_learn(method, threshold):
    X = DATA["unequal blobs"][0]
    ours = AgglomerativeClustering(None, linkage=method, distance_threshold=threshold).fit(X)
    ref = skc.AgglomerativeClustering(None, linkage=method, distance_threshold=threshold).fit(X)
    assert ours.n_clusters_ == ref.n_clusters_
    assert _same_partition(ours.labels_, ref.labels_)
    np.testing.assert_allclose(ours.distances_, ref.distances_, rtol=1e-10)


def test_distances_only_when_asked():
    X = DATA["moons"][0]
    assert not hasattr(AgglomerativeClustering().fit(X), "distances_")


def test_cut_labels_equal_scipy_fcluster_partition():
    from scipy.cluster.hierarchy import cut_tree, fcluster
    X = DATA["iris"][0]
    Z = scipy_linkage(X, "average")
    n = len(X)
    for K in (1, 2, 5, 30, n):
        ours = cut_tree_labels(Z[:, :2].astype(int), n, K)
        assert len(np.unique(ours)) == K and ours[0] == 0
        # cut_tree cuts after the first n - K merges, as cut_tree_labels does; fcluster cuts
        # at a height, which gives the same partition when the merges n - K and n - K + 1
        # (1-based) have different heights: checked here, so that no case is skipped
        np.testing.assert_array_equal(ours, cut_tree(Z, n_clusters=K).ravel())
        if 1 < K < n:
            assert Z[n - K - 1, 2] < Z[n - K, 2]
        assert _same_partition(ours, fcluster(Z, K, criterion="maxclust"))


def test_linkage_matrix_draws_a_dendrogram():
    X = DATA["iris"][0][:40]
    model = AgglomerativeClustering(linkage="ward", compute_distances=True).fit(X)
    Z = linkage_matrix(model)
    np.testing.assert_allclose(Z, scipy_linkage(X, "ward"))
    assert len(dendrogram(Z, no_plot=True)["leaves"]) == 40
    with pytest.raises(ValueError, match="compute_distances"):
        linkage_matrix(AgglomerativeClustering().fit(X))


def test_degenerate_data():
    same = np.ones((10, 3))
    for method in LINKAGES:
        m = AgglomerativeClustering(3, linkage=method, compute_distances=True).fit(same)
        assert np.all(m.distances_ == 0) and len(np.unique(m.labels_)) == 3
    one_feature = np.arange(12.0)[:, None] ** 2
    for method in LINKAGES:
        ref = skc.AgglomerativeClustering(3, linkage=method).fit(one_feature).labels_
        assert _same_partition(AgglomerativeClustering(3, linkage=method).fit(one_feature).labels_,
                               ref)
    m = AgglomerativeClustering(2).fit(np.array([[0.0], [1.0]]))
    assert sorted(m.labels_) == [0, 1]


def test_float32_input_gives_the_float64_tree():
    X = DATA["iris"][0].astype(np.float32)
    ours = AgglomerativeClustering(3, compute_distances=True).fit(X)
    ref = AgglomerativeClustering(3, compute_distances=True).fit(X.astype(np.float64))
    np.testing.assert_array_equal(ours.distances_, ref.distances_)


def test_bad_input_is_refused_clearly():
    X = DATA["iris"][0]
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        AgglomerativeClustering().fit(bad)
    bad[3, 1] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        AgglomerativeClustering().fit(bad)
    with pytest.raises(ValueError, match="minimum of 2"):
        AgglomerativeClustering(1).fit(X[:1])
    with pytest.raises(ValueError, match="more clusters than samples"):
        AgglomerativeClustering(5).fit(X[:4])
    with pytest.raises(ValueError, match="Exactly one"):
        AgglomerativeClustering(None).fit(X)
    with pytest.raises(ValueError, match="Exactly one"):
        AgglomerativeClustering(3, distance_threshold=1.0).fit(X)
    with pytest.raises(ValueError):  # squares that overflow: every distance would be inf
        AgglomerativeClustering().fit(np.array([[1e200, 0.0], [0.0, 1e200], [1.0, 1.0]]))
    with pytest.raises(InvalidParameterError, match="'metric' parameter"):
        AgglomerativeClustering(metric="manhattan").fit(X)
    with pytest.raises(InvalidParameterError, match="'linkage' parameter"):
        AgglomerativeClustering(linkage="centroid").fit(X)
