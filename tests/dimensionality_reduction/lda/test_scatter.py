"""Class statistics and Fisher's criterion (mlmath.dimensionality_reduction.lda.scatter), checked
against loops, scipy's generalised eigensolver and a brute-force maximisation."""

import numpy as np
import pytest
from scipy import linalg, optimize
from sklearn.datasets import load_iris, load_wine, make_classification

from mlmath.dimensionality_reduction.lda.scatter import (
    between_class_covariance,
    check_priors,
    class_counts,
    class_means,
    fisher_criterion,
    within_class_covariance,
)
from mlmath.dimensionality_reduction.lda.shrinkage import empirical_covariance


def _datasets():
    X, y = load_iris(return_X_y=True)
    yield "iris", X, y
    X, y = load_wine(return_X_y=True)
    yield "wine", (X - X.mean(0)) / X.std(0), y
    X, y = make_classification(300, 6, n_informative=4, n_redundant=0, n_classes=5,
                               n_clusters_per_class=1, random_state=0)
    yield "synthetic K=5", X, y
    X, y = make_classification(200, 4, n_informative=3, n_redundant=0, random_state=1)
    yield "two classes", X, y


DATASETS = list(_datasets())
IDS = [d[0] for d in DATASETS]


def _stats(X, y):
    K = len(np.unique(y))
    counts = class_counts(y, K)
    priors = counts / counts.sum()
    means = class_means(X, y, K)
    return K, priors, means, within_class_covariance(X, y, means, priors), \
        between_class_covariance(means, priors)


@pytest.mark.parametrize(("name", "X", "y"), DATASETS, ids=IDS)
def test_class_statistics_equal_class_by_class_loops(name, X, y):
    K, priors, means, Sw, Sb = _stats(X, y)
    loop_means = np.array([X[y == k].mean(axis=0) for k in range(K)])
    loop_Sw = sum(priors[k] * np.cov(X[y == k].T, bias=True) for k in range(K))
    xbar = X.mean(axis=0)
    loop_Sb = sum(priors[k] * np.outer(means[k] - xbar, means[k] - xbar) for k in range(K))
    np.testing.assert_allclose(means, loop_means, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(Sw, loop_Sw, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(Sb, loop_Sb, rtol=1e-10, atol=1e-12)
    # with the class frequencies as weights, total = within + between (prop-lda-total)
    np.testing.assert_allclose(empirical_covariance(X), Sw + Sb, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(("name", "X", "y"), DATASETS, ids=IDS)
def test_between_class_covariance_has_rank_at_most_k_minus_1(name, X, y):
    K, *_, Sb = _stats(X, y)
    assert np.linalg.matrix_rank(Sb) == min(K - 1, X.shape[1])
    evals = linalg.eigvalsh(Sb)
    assert np.all(np.abs(evals[: X.shape[1] - (K - 1)]) < 1e-10 * evals[-1])


@pytest.mark.parametrize(("name", "X", "y"), DATASETS, ids=IDS)
def test_the_largest_generalised_eigenvalue_is_the_maximum_of_fishers_criterion(name, X, y):
    K, priors, means, Sw, Sb = _stats(X, y)
    evals, evecs = linalg.eigh(Sb, Sw)
    w = evecs[:, -1]
    assert fisher_criterion(w, Sb, Sw) == pytest.approx(evals[-1], rel=1e-10)
    # every column at once, and the stationarity condition S_B w = J(w) S_W w
    np.testing.assert_allclose(fisher_criterion(evecs, Sb, Sw), evals, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(Sb @ w, evals[-1] * Sw @ w, rtol=1e-8, atol=1e-12)
    # brute force: maximise the Rayleigh quotient from random starts, no eigensolver involved
    rng = np.random.default_rng(0)
    best = max((optimize.minimize(lambda v: -fisher_criterion(v, Sb, Sw), rng.normal(size=len(w)),
                                  method="BFGS", options={"gtol": 1e-10})
                for _ in range(5)), key=lambda r: -r.fun)
    assert -best.fun == pytest.approx(evals[-1], rel=1e-6)
    u = best.x / np.linalg.norm(best.x)
    assert abs(u @ w) / np.linalg.norm(w) == pytest.approx(1.0, abs=1e-5)  # same direction


def test_two_class_direction_is_the_within_inverse_times_the_mean_difference():
    _, X, y = DATASETS[3]
    K, priors, means, Sw, Sb = _stats(X, y)
    w = np.linalg.solve(Sw, means[1] - means[0])
    evecs = linalg.eigh(Sb, Sw)[1]
    cos = abs(w @ evecs[:, -1]) / np.linalg.norm(w) / np.linalg.norm(evecs[:, -1])
    assert cos == pytest.approx(1.0, abs=1e-12)


def test_priors_are_checked_and_renormalised():
    counts = np.array([5, 15])
    np.testing.assert_allclose(check_priors(None, counts), [0.25, 0.75])
    with pytest.warns(UserWarning, match="do not sum to 1"):
        np.testing.assert_allclose(check_priors([1.0, 3.0], counts), [0.25, 0.75])
    for bad in ([0.5, 0.5, 0.0], [-0.1, 1.1], [np.nan, 1.0], [0.0, 0.0]):
        with pytest.raises(ValueError):
            check_priors(bad, counts)
