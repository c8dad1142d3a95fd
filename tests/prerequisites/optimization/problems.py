"""Random test problems shared by the optimisation tests (not a test module)."""

import numpy as np

from mlmath.prerequisites import optimization as opt

SIGMOID2_MAX = 1.0 / (6.0 * np.sqrt(3.0))  # max |sigmoid''|, derived in the chapter


def random_psd(rng, d, rank=None, cond=50.0):
    """A random symmetric PSD matrix with eigenvalues in [1/cond, 1] (some zero if rank < d)."""
    Qo, _ = np.linalg.qr(rng.standard_normal((d, d)))
    eig = np.geomspace(1.0 / cond, 1.0, d)
    if rank is not None:
        eig[: d - rank] = 0.0
    return (Qo * eig) @ Qo.T, eig


def logistic_problem(seed, n=120, d=4, alpha=0.0, separation=1.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    w_true = rng.standard_normal(d) * separation
    y = np.where(rng.random(n) < 1 / (1 + np.exp(-X @ w_true)), 1.0, -1.0)
    f, grad, hess = opt.logistic_objective(X, y, alpha)
    L = np.linalg.eigvalsh(X.T @ X)[-1] / (4 * n) + alpha
    w_hat = opt.newton_method(f, grad, hess, np.zeros(d), tol=1e-13, max_iter=100)[-1]
    return X, y, f, grad, hess, L, w_hat
