r"""Rademacher complexity of a finite class: a Monte Carlo estimate and Massart's bound.

The section "Rademacher complexity" of the generalisation chapter
(``book/theory/generalization.md``) defines the empirical Rademacher complexity and proves
Massart's lemma; the docstrings name the equations.
"""

from numbers import Integral

import numpy as np

from mlmath.validation import Interval, as_finite_array, check_bool, check_parameter

__all__ = ["empirical_rademacher", "massart_bound"]


def _predictions(predictions):
    """A finite class's predictions as a non-empty (n_hypotheses, n_samples) float array."""
    A = np.atleast_2d(as_finite_array(predictions, "predictions", ndim=(1, 2)))
    if A.size == 0:
        raise ValueError(f"predictions must not be empty, got shape {A.shape}.")
    return A


def empirical_rademacher(predictions, *, n_draws=2000, random_state=None, return_std=False):
    r"""Monte Carlo estimate of the empirical Rademacher complexity of a finite class.

    :math:`\hat{\mathfrak{R}}_S(\mathcal{H}) = \E_{\boldsymbol\xi}\big[\max_h \frac1n
    \sum_i \xi_i h(\vx_i)\big]`, with independent signs :math:`\xi_i = \pm 1` (probability
    1/2 each), averaged over ``n_draws`` draws of the sign vector.

    Parameters
    ----------
    predictions : array-like of shape (n_hypotheses, n_samples)
        Row ``h`` holds the values :math:`h(\vx_1), \dots, h(\vx_n)` of hypothesis ``h`` on the
        sample (``±1`` labels for a classifier); a 1-D array is one hypothesis.
    n_draws : int, default=2000
        Number of sign vectors drawn.
    random_state : int, numpy Generator or None
        Seed of the signs.
    return_std : bool, default=False
        Also return the standard error of the Monte Carlo mean.

    Returns
    -------
    float, or (float, float) with ``return_std``
        The estimate (and its standard error).

    Notes
    -----
    Implements {eq}`eq-gen-empirical-rademacher` of the generalisation chapter.
    """
    n_draws = int(check_parameter(n_draws, "n_draws", [Interval(Integral, 1, None)],
                                  owner="empirical_rademacher"))
    check_bool(return_std, "return_std", owner="empirical_rademacher")
    A = _predictions(predictions)
    rng = np.random.default_rng(random_state)
    n = A.shape[1]
    sups = np.empty(n_draws)
    # In chunks, so that a large class does not need an (n_draws, n_hypotheses) matrix at once.
    chunk = max(1, 2**22 // max(A.shape[0], n))
    for start in range(0, n_draws, chunk):
        stop = min(n_draws, start + chunk)
        signs = rng.choice(np.array([-1.0, 1.0]), size=(stop - start, n))
        sups[start:stop] = (signs @ A.T).max(axis=1) / n
    mean = float(sups.mean())
    if return_std:
        std = float(sups.std(ddof=1) / np.sqrt(n_draws)) if n_draws > 1 else float("nan")
        return mean, std
    return mean


def massart_bound(predictions):
    r"""Massart's bound on the empirical Rademacher complexity of a finite class.

    Parameters
    ----------
    predictions : array-like of shape (n_hypotheses, n_samples)
        As in :func:`empirical_rademacher`.

    Returns
    -------
    float
        :math:`\max_h \lVert (h(\vx_i))_i \rVert_2 \sqrt{2\log|\mathcal{H}|}\,/\,n`, where
        :math:`|\mathcal{H}|` counts the rows (pass distinct rows, ``np.unique(A, axis=0)``, for
        the tightest bound). For one row it is 0, the exact complexity of one hypothesis.

    Notes
    -----
    Implements {eq}`eq-gen-massart` of the generalisation chapter.
    """
    A = _predictions(predictions)
    n_hyp, n = A.shape
    return float(np.linalg.norm(A, axis=1).max() * np.sqrt(2.0 * np.log(n_hyp)) / n)


