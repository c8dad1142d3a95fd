"""Perplexity calibration and the joint affinities against scikit-learn's own code."""

import numpy as np
import pytest
from sklearn.datasets import load_digits, make_blobs
from sklearn.manifold._utils import _binary_search_perplexity
from sklearn.neighbors import NearestNeighbors

from mlmath.dimensionality_reduction.tsne import (
    conditional_affinities,
    joint_affinities,
    joint_affinities_nn,
    nearest_neighbors,
    pairwise_sq_distances,
)


@pytest.fixture(scope="module")
def digits():
    return load_digits().data[:300]


@pytest.mark.parametrize("perplexity", [2.0, 10.0, 30.0])
def test_bisection_hits_the_perplexity_for_every_point(digits, perplexity):
    P, beta = conditional_affinities(pairwise_sq_distances(digits), perplexity)
    assert np.allclose(P.sum(axis=1), 1.0) and np.all(np.diag(P) == 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        H = -np.sum(np.where(P > 0, P * np.log(P), 0.0), axis=1)
    assert np.all(np.abs(H - np.log(perplexity)) <= 1e-5)      # 2^H in bits = perplexity
    assert np.all(beta > 0)


@pytest.mark.parametrize("perplexity", [5.0, 30.0])
def test_bisection_equals_scikit_learn_full_and_neighbours(digits, perplexity):
    D = pairwise_sq_distances(digits).astype(np.float32)
    ours, _ = conditional_affinities(D.astype(np.float64), perplexity)
    theirs = _binary_search_perplexity(D, perplexity, 0)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-12)
    idx, d2 = nearest_neighbors(digits, int(3 * perplexity + 1))
    d2 = d2.astype(np.float32)
    ours, _ = conditional_affinities(d2.astype(np.float64), perplexity)
    np.testing.assert_allclose(ours, _binary_search_perplexity(d2, perplexity, 0),
                               rtol=1e-6, atol=1e-12)


def test_bisection_stops_on_unreachable_targets():
    # identical points: every precision gives entropy log(n-1); the search must end anyway
    P, _ = conditional_affinities(np.zeros((6, 6)), 2.0)
    assert np.all(np.isfinite(P)) and np.allclose(P.sum(axis=1), 1.0)


def test_nearest_neighbours_equal_brute_force():
    X, _ = make_blobs(n_samples=500, n_features=5, random_state=0)
    idx, d2 = nearest_neighbors(X, 7, block=64)
    dist, ref = NearestNeighbors(n_neighbors=7).fit(X).kneighbors()
    np.testing.assert_allclose(d2, dist**2, rtol=1e-8, atol=1e-9)
    assert np.mean(idx == ref) > 0.999


def test_joint_affinities_are_symmetric_distributions(digits):
    P = joint_affinities(pairwise_sq_distances(digits), 20.0)
    assert np.allclose(P, P.T) and np.isclose(P.sum(), 1.0) and np.all(np.diag(P) == 0)
    idx, d2 = nearest_neighbors(digits, 61)
    Ps = joint_affinities_nn(idx, d2, 20.0)
    assert abs(Ps - Ps.T).max() < 1e-15 and np.isclose(Ps.sum(), 1.0)
    # the neighbour version keeps almost all the mass of the exact one
    assert np.sum(P[Ps.toarray() > 0]) > 0.98
