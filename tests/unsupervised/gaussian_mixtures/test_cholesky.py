"""Precision Cholesky factors and their log-determinants (gaussian_mixtures/cholesky.py)."""

import numpy as np
import pytest
from sklearn.mixture._gaussian_mixture import _compute_precision_cholesky

from mlmath.unsupervised.gaussian_mixtures.cholesky import (
    log_det_cholesky,
    precision_cholesky,
    precision_cholesky_from_precisions,
    precisions_from_cholesky,
)


def _spd(rng, K, d):
    A = rng.normal(size=(K, d, d))
    return A @ np.swapaxes(A, 1, 2) + 0.5 * np.eye(d)


def _covariances(kind, rng, K=3, d=4):
    return {"full": _spd(rng, K, d), "tied": _spd(rng, 1, d)[0],
            "diag": rng.uniform(0.2, 3.0, (K, d)), "spherical": rng.uniform(0.2, 3.0, K)}[kind]


def _as_full(cov, kind, K=3, d=4):
    if kind == "full":
        return cov
    if kind == "tied":
        return np.broadcast_to(cov, (K, d, d))
    if kind == "diag":
        return np.stack([np.diag(c) for c in cov])
    return np.stack([c * np.eye(d) for c in cov])


@pytest.mark.parametrize("kind", ["full", "tied", "diag", "spherical"])
def test_factor_times_its_transpose_is_the_inverse_covariance(kind):
    rng = np.random.default_rng(0)
    cov = _covariances(kind, rng)
    C = precision_cholesky(cov, kind)
    np.testing.assert_allclose(C, _compute_precision_cholesky(cov, kind), rtol=1e-12)
    full_cov = _as_full(cov, kind)
    full_C = _as_full(C, kind) if kind in ("full", "tied") else np.sqrt(
        np.linalg.inv(full_cov))
    if kind in ("full", "tied"):
        assert np.allclose(np.tril(full_C, -1), 0.0)              # upper triangular
    np.testing.assert_allclose(full_C @ np.swapaxes(full_C, 1, 2), np.linalg.inv(full_cov),
                               rtol=1e-10, atol=1e-12)
    # log det C = -1/2 log det Sigma, against numpy's slogdet
    expected = -0.5 * np.linalg.slogdet(full_cov)[1]
    got = np.broadcast_to(log_det_cholesky(C, kind, 4), (3,))
    np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize("kind", ["full", "tied", "diag", "spherical"])
def test_factor_from_precisions_round_trips(kind):
    rng = np.random.default_rng(1)
    C = precision_cholesky(_covariances(kind, rng), kind)
    P = precisions_from_cholesky(C, kind)
    np.testing.assert_allclose(precision_cholesky_from_precisions(P, kind), C, rtol=1e-10,
                               atol=1e-12)


@pytest.mark.parametrize("kind", ["full", "tied", "diag", "spherical"])
def test_a_singular_covariance_is_a_clear_error(kind):
    rng = np.random.default_rng(2)
    cov = _covariances(kind, rng)
    if kind == "full":
        cov[1] = np.outer([1.0, 2.0, 0.0, 1.0], [1.0, 2.0, 0.0, 1.0])   # rank one
    elif kind == "tied":
        cov[:] = 0.0
    else:
        cov[..., 0] = 0.0
    with pytest.raises(ValueError, match="ill-defined covariance.*reg_covar"):
        precision_cholesky(cov, kind)
