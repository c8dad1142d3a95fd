"""TSNE: quality against scikit-learn's, the schedule, the reported objective, bad input."""

import numpy as np
import pytest
from sklearn.datasets import load_digits, make_blobs
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE as SkTSNE
from sklearn.manifold import trustworthiness

from mlmath.dimensionality_reduction.tsne import (
    TSNE,
    joint_affinities,
    kl_divergence,
    pairwise_sq_distances,
    pca_initialisation,
)
from mlmath.validation import InvalidParameterError


def _data(name):
    if name == "digits":
        return load_digits().data[:300]
    X, _ = make_blobs(n_samples=300, centers=5, n_features=10, cluster_std=[1, 2, 0.5, 3, 1],
                      random_state=0)
    return X


@pytest.mark.parametrize("name", ["digits", "blobs"])
@pytest.mark.parametrize("method", ["barnes_hut", "exact"])
def test_trustworthiness_within_002_of_scikit_learn(name, method):
    X = _data(name)
    kw = dict(method=method, random_state=0, max_iter=400, perplexity=20.0)
    ours = trustworthiness(X, TSNE(**kw).fit_transform(X), n_neighbors=5)
    theirs = trustworthiness(X, SkTSNE(**kw).fit_transform(X), n_neighbors=5)
    assert abs(ours - theirs) <= 0.02, (ours, theirs)
    assert ours > 0.9


def test_reported_kl_is_the_exact_kl_of_the_embedding():
    X = _data("digits")[:200]
    m = TSNE(method="exact", perplexity=15.0, max_iter=300, random_state=0).fit(X)
    P = joint_affinities(pairwise_sq_distances(X), 15.0)
    assert m.kl_divergence_ == pytest.approx(kl_divergence(P, m.embedding_), rel=1e-12)
    # and it is close to scikit-learn's value on the same problem
    sk = SkTSNE(method="exact", perplexity=15.0, max_iter=300, random_state=0).fit(X)
    assert m.kl_divergence_ == pytest.approx(sk.kl_divergence_, rel=0.05)


def test_schedule_attributes_match_scikit_learn():
    X = _data("blobs")[:120]
    kw = dict(random_state=0, max_iter=300, perplexity=10.0, early_exaggeration=4.0)
    ours, theirs = TSNE(**kw).fit(X), SkTSNE(**kw).fit(X)
    assert ours.learning_rate_ == theirs.learning_rate_ == 50.0
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.kl_history_.shape == (6, 2) and ours.kl_history_[-1, 0] == 300
    assert TSNE(learning_rate=123.0, max_iter=250).fit(X).learning_rate_ == 123.0


def test_pca_initialisation_equals_scikit_learn_up_to_sign():
    X = _data("digits")
    ours = pca_initialisation(X, 2)
    ref = PCA(n_components=2, svd_solver="full").fit_transform(X)
    ref = ref / np.std(ref[:, 0]) * 1e-4
    np.testing.assert_allclose(np.abs(ours), np.abs(ref), rtol=1e-6, atol=1e-12)
    assert np.std(ours[:, 0]) == pytest.approx(1e-4)


def test_init_array_random_and_precomputed():
    X = _data("blobs")[:100]
    Z0 = np.random.default_rng(0).normal(size=(100, 2)) * 1e-4
    D = np.sqrt(pairwise_sq_distances(X))
    for method in ("exact", "barnes_hut"):      # the same affinities from either metric
        a = TSNE(method=method, metric="precomputed")._affinities(D, 10.0)
        b = TSNE(method=method)._affinities(X, 10.0)
        a, b = (a, b) if method == "exact" else (a.toarray(), b.toarray())
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-15)
    c = TSNE(init="random", random_state=3, perplexity=10.0, max_iter=250).fit_transform(X)
    d = TSNE(init="random", random_state=3, perplexity=10.0, max_iter=250).fit_transform(X)
    assert np.array_equal(c, d)
    for method in ("exact", "barnes_hut"):
        e = TSNE(method=method, init=Z0, perplexity=10.0, max_iter=250,
                 metric="precomputed").fit_transform(D)
        assert np.all(np.isfinite(e))


def test_three_components_and_float32():
    X = _data("blobs")[:150]
    for method in ("exact", "barnes_hut"):
        Z = TSNE(3, method=method, perplexity=10.0, max_iter=300,
                 random_state=0).fit_transform(X.astype(np.float32))
        assert Z.shape == (150, 3) and Z.dtype == np.float64
        assert trustworthiness(X, Z, n_neighbors=5) > 0.9


def test_degenerate_data_gives_finite_embeddings():
    rng = np.random.default_rng(0)
    for X in (np.ones((20, 3)), np.repeat(rng.normal(size=(5, 2)), 4, axis=0),
              rng.normal(size=(30, 1))):
        for method in ("exact", "barnes_hut"):
            Z = TSNE(method=method, perplexity=5.0, init="random", random_state=0,
                     max_iter=250).fit_transform(X)
            assert np.all(np.isfinite(Z))


def test_small_samples_lower_the_perplexity_with_a_warning():
    X = _data("blobs")[:10]
    with pytest.warns(UserWarning, match="perplexity=3"):
        m = TSNE(max_iter=250).fit(X)
    assert m.perplexity_ == 3.0
    # n - 1 = 9 candidates: a perplexity in [n - 1, n) is unreachable and replaced too
    for perplexity in (9.0, 9.5):
        with pytest.warns(UserWarning, match="n_samples - 1 = 9"):
            m = TSNE(perplexity=perplexity, max_iter=250).fit(X)
        assert m.perplexity_ == 3.0
    assert TSNE(perplexity=8.9, max_iter=250).fit(X).perplexity_ == 8.9


def test_n_iter_at_the_shortest_schedule_matches_scikit_learn():
    X = _data("blobs")[:60]
    kw = dict(perplexity=10.0, max_iter=250, random_state=0)
    assert TSNE(**kw).fit(X).n_iter_ == SkTSNE(**kw).fit(X).n_iter_ == 250


@pytest.mark.parametrize("method", ["barnes_hut", "exact"])
def test_large_offset_gives_the_affinities_of_the_centred_data(method):
    # |x|^2 - 2 x.x' + |x'|^2 on raw data offset by 1e8 loses the distances to cancellation
    # (blobs: continuous values, so no ties among neighbours to break differently)
    X = _data("blobs")
    a = TSNE(method=method)._affinities(X + 1e8, 30.0)
    b = TSNE(method=method)._affinities(X, 30.0)
    a, b = (a, b) if method == "exact" else (a.toarray(), b.toarray())
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-12)


@pytest.mark.parametrize("kwargs,match", [
    (dict(perplexity=0.0), "'perplexity'"),
    (dict(max_iter=100), "'max_iter'"),
    (dict(method="fft"), "'method'"),
    (dict(angle=1.5), "'angle'"),
    (dict(metric="cosine"), "'metric'"),
    (dict(early_exaggeration=0.5), "'early_exaggeration'"),
])
def test_bad_parameters(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        TSNE(**kwargs).fit(_data("blobs")[:50])


def test_bad_input():
    X = _data("blobs")[:50]
    Xn = X.copy()
    Xn[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        TSNE().fit(Xn)
    with pytest.raises(ValueError, match="overflow"):
        TSNE().fit(X * 1e200)
    with pytest.raises(ValueError, match="n_components <= 3"):
        TSNE(4).fit(X)
    with pytest.raises(ValueError, match="n_features=1"):
        TSNE().fit(X[:, :1])
    with pytest.raises(ValueError, match="square"):
        TSNE(metric="precomputed", init="random").fit(X)
    with pytest.raises(ValueError, match='init="pca"'):
        TSNE(metric="precomputed").fit(np.zeros((5, 5)))
    with pytest.raises(ValueError, match="shape"):
        TSNE(init=np.zeros((3, 2))).fit(X)
    with pytest.raises(ValueError, match="minimum of 2"):
        TSNE().fit(X[:1])
