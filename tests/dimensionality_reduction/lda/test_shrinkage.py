"""Covariance estimates (mlmath.dimensionality_reduction.lda.shrinkage) against scikit-learn and
against the Ledoit–Wolf formulas evaluated sample by sample."""

import numpy as np
import pytest
from sklearn import covariance as skcov

from mlmath.dimensionality_reduction.lda.shrinkage import (
    covariance,
    empirical_covariance,
    ledoit_wolf_shrinkage,
    shrunk_covariance,
)


def _data():
    rng = np.random.default_rng(0)
    yield "n > d correlated", rng.normal(size=(200, 5)) @ rng.normal(size=(5, 5)) + 3.0
    yield "d > n", rng.normal(size=(20, 60)) @ rng.normal(size=(60, 60))
    yield "d ~ n, unequal scales", rng.normal(size=(40, 40)) * np.linspace(0.1, 10, 40)
    yield "near isotropic", rng.normal(size=(500, 8))
    yield "one feature", rng.normal(size=(30, 1))


DATA = list(_data())
IDS = [name for name, _ in DATA]


def _lw_by_the_paper(X):
    """Ledoit and Wolf (2004), Lemma 3.2 and Theorem 3.1 estimates, one sample at a time."""
    X = X - X.mean(axis=0)
    n, d = X.shape
    S = X.T @ X / n
    norm2 = lambda A: np.trace(A @ A.T) / d  # noqa: E731  the paper's normalised Frobenius norm
    m = np.trace(S) / d
    d2 = norm2(S - m * np.eye(d))
    b_bar2 = sum(norm2(np.outer(x, x) - S) for x in X) / n**2
    b2 = min(b_bar2, d2)
    return b2 / d2 if d2 > 0 else 0.0


@pytest.mark.parametrize(("name", "X"), DATA, ids=IDS)
def test_ledoit_wolf_intensity_equals_scikit_learn_and_the_paper(name, X):
    ours = ledoit_wolf_shrinkage(X)
    assert ours == pytest.approx(skcov.ledoit_wolf_shrinkage(X), rel=1e-9, abs=1e-12)
    assert ours == pytest.approx(_lw_by_the_paper(X), rel=1e-9, abs=1e-12)
    assert 0.0 <= ours <= 1.0


def test_ledoit_wolf_is_zero_for_a_scaled_identity_and_grows_as_n_shrinks():
    X = np.vstack([np.eye(4), -np.eye(4)]) * 3.0  # empirical covariance 9/4 I exactly
    assert ledoit_wolf_shrinkage(X, assume_centered=True) == 0.0
    rng = np.random.default_rng(1)
    A = rng.normal(size=(10, 10))
    small = [ledoit_wolf_shrinkage(rng.normal(size=(n, 10)) @ A) for n in (15, 1000)]
    assert small[0] > small[1]


@pytest.mark.parametrize("delta", [0.0, 0.1, 0.5, 1.0])
def test_shrunk_covariance_equals_scikit_learn(delta):
    X = DATA[0][1]
    S = empirical_covariance(X)
    np.testing.assert_allclose(S, skcov.empirical_covariance(X), rtol=1e-12)
    np.testing.assert_allclose(shrunk_covariance(S, delta), skcov.shrunk_covariance(S, delta),
                               rtol=1e-12, atol=1e-12)
    # the trace, hence the average variance, is kept
    assert np.trace(shrunk_covariance(S, delta)) == pytest.approx(np.trace(S), rel=1e-12)


@pytest.mark.parametrize(("name", "X"), DATA, ids=IDS)
def test_auto_shrinkage_standardises_then_rescales_as_scikit_learn(name, X):
    from sklearn.discriminant_analysis import _cov  # private, pinned scikit-learn version

    np.testing.assert_allclose(covariance(X, "auto"), _cov(X, "auto"), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(covariance(X, 0.3), _cov(X, 0.3), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(covariance(X), np.cov(X.T, bias=True).reshape(X.shape[1], -1),
                               rtol=1e-10, atol=1e-12)


def test_shrinkage_makes_a_singular_covariance_invertible():
    X = DATA[1][1]  # 20 samples, 60 features: rank at most 19
    S = empirical_covariance(X)
    assert np.linalg.matrix_rank(S) < X.shape[1]
    assert np.linalg.eigvalsh(covariance(X, "auto"))[0] > 0
