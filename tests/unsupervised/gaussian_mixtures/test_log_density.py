"""Log-densities from precision Cholesky factors, against scipy (log_density.py)."""

import numpy as np
import pytest
from scipy import stats

from mlmath.unsupervised.gaussian_mixtures.cholesky import precision_cholesky
from mlmath.unsupervised.gaussian_mixtures.log_density import log_gaussian_density

from .test_cholesky import _as_full, _covariances


@pytest.mark.parametrize("kind", ["full", "tied", "diag", "spherical"])
@pytest.mark.parametrize("offset", [0.0, 1e6])
def test_log_density_equals_scipy(kind, offset):
    rng = np.random.default_rng(3)
    cov = _covariances(kind, rng)
    means = rng.normal(size=(3, 4)) * 3 + offset
    X = rng.normal(size=(500, 4)) * 2 + offset
    got = log_gaussian_density(X, means, precision_cholesky(cov, kind), kind)
    full = _as_full(cov, kind)
    # scipy on the shifted data (it is translation invariant): an independent computation
    expected = np.column_stack([stats.multivariate_normal(means[k] - offset, full[k])
                               .logpdf(X - offset) for k in range(3)])
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9)


def test_row_blocks_do_not_change_the_result(monkeypatch):
    from mlmath.unsupervised.gaussian_mixtures import log_density

    rng = np.random.default_rng(4)
    cov = _covariances("full", rng)
    means, X = rng.normal(size=(3, 4)), rng.normal(size=(1000, 4))
    C = precision_cholesky(cov, "full")
    whole = log_gaussian_density(X, means, C, "full")
    monkeypatch.setattr(log_density, "_BLOCK", 50)                # 4 rows per block
    np.testing.assert_array_equal(log_gaussian_density(X, means, C, "full"), whole)
