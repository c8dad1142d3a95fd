r"""Shattering by half-spaces: the VC dimension of affine classifiers, checked by linear programs.

The section "Infinite classes: the VC dimension" of the generalisation chapter
(``book/theory/generalization.md``) proves that affine classifiers in :math:`\R^d` shatter
:math:`d + 1` points and no :math:`d + 2`; these functions decide separability and shattering
of given points.
"""

from itertools import product

import numpy as np
import scipy.optimize

from mlmath.validation import as_finite_array

__all__ = ["linearly_separable", "shattered_by_halfspaces"]


def linearly_separable(X, y):
    r"""Whether some affine classifier :math:`\sign(\vw^\top\vx + b)` realises the labels.

    Solves the linear feasibility problem :math:`y_i(\vw^\top\vx_i + b) \ge 1` for all
    :math:`i` with ``scipy.optimize.linprog``; on a finite sample it is feasible exactly when a
    strictly separating affine classifier exists (rescale :math:`(\vw, b)`).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        Labels in ``{-1, 1}``.

    Returns
    -------
    bool

    Notes
    -----
    The feasibility problem {eq}`eq-gen-separability-lp` of the generalisation chapter.
    """
    X = as_finite_array(X, "X", ndim=2)
    y = as_finite_array(y, "y", ndim=1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y must have {X.shape[0]} entries, one per row of X; got {y.size}.")
    if not np.all(np.abs(y) == 1):
        raise ValueError("y must hold labels in {-1, 1}.")
    A_ub = -y[:, None] * np.hstack([X, np.ones((X.shape[0], 1))])
    result = scipy.optimize.linprog(np.zeros(X.shape[1] + 1), A_ub=A_ub,
                                    b_ub=-np.ones(X.shape[0]), bounds=(None, None),
                                    method="highs")
    if result.status not in (0, 2):
        raise RuntimeError(f"linprog failed: {result.message}")
    return result.status == 0


def shattered_by_halfspaces(X):
    r"""Whether affine classifiers in :math:`\R^d` shatter the rows of ``X``.

    Checks all :math:`2^n` labellings with :func:`linearly_separable` (a labelling and its
    negation are realised together, so half of them suffice).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        At most 16 points.

    Returns
    -------
    bool

    Notes
    -----
    Shattering as in {eq}`eq-gen-shatter` of the generalisation chapter.
    """
    X = as_finite_array(X, "X", ndim=2)
    if X.shape[0] > 16:
        raise ValueError(f"X may have at most 16 rows (2^n labellings), got {X.shape[0]}.")
    for rest in product([-1.0, 1.0], repeat=X.shape[0] - 1):
        if not linearly_separable(X, np.array((1.0, *rest))):
            return False
    return True


