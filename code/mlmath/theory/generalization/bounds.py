r"""Bounds of a finite class: Hoeffding's inequality, the uniform and realizable bounds.

The sections "Concentration: the union bound and Hoeffding's inequality" and "Finite classes:
uniform convergence and the PAC bound" of the generalisation chapter
(``book/theory/generalization.md``) prove these bounds; the docstrings name the equations.
"""

from numbers import Integral, Real

import numpy as np

from mlmath.validation import Interval, check_parameter

__all__ = ["hoeffding_tail", "finite_class_bound", "realizable_bound", "sample_complexity"]

_POSITIVE = Interval(Real, 0, None, closed="neither")
_DELTA = Interval(Real, 0, 1, closed="right")  # a failure probability, 0 < delta <= 1
_COUNT = Interval(Integral, 1, None)


def _sample_sizes(n, owner):
    """``n`` as an int ``>= 1``, or as a float array of integers ``>= 1`` (to plot against n)."""
    if isinstance(n, (Integral, bool)):
        return int(check_parameter(n, "n", [_COUNT], owner=owner))
    arr = np.asarray(n)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"n must be a positive integer or an array of them, got dtype {arr.dtype}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError("n contains NaN or infinity.")
    if arr.size == 0 or np.any(arr < 1) or np.any(arr != np.round(arr)):
        raise ValueError(f"n must hold integers >= 1, got {n!r}.")
    return arr.astype(np.float64)


def _bound_args(n, n_hypotheses, delta, owner):
    return (_sample_sizes(n, owner),
            int(check_parameter(n_hypotheses, "n_hypotheses", [_COUNT], owner=owner)),
            float(check_parameter(delta, "delta", [_DELTA], owner=owner)))


def hoeffding_tail(n, epsilon, *, value_range=1.0):
    r"""Hoeffding's two-sided bound on :math:`\Pr(|\bar Z - \E \bar Z| \ge \epsilon)`.

    Parameters
    ----------
    n : int or array-like of int
        Number of independent variables averaged.
    epsilon : float
        The deviation, ``epsilon > 0``.
    value_range : float, default=1.0
        ``b - a`` for variables with values in ``[a, b]``.

    Returns
    -------
    float or ndarray
        ``min(1, 2 exp(-2 n epsilon^2 / value_range^2))``, of the shape of ``n``.

    Notes
    -----
    Implements {eq}`eq-gen-hoeffding-two-sided` of the generalisation chapter.
    """
    owner = "hoeffding_tail"
    epsilon = float(check_parameter(epsilon, "epsilon", [_POSITIVE], owner=owner))
    value_range = float(check_parameter(value_range, "value_range", [_POSITIVE], owner=owner))
    n = _sample_sizes(n, owner)
    return np.minimum(1.0, 2.0 * np.exp(-2.0 * n * epsilon**2 / value_range**2))


def finite_class_bound(n, n_hypotheses, delta):
    r"""Uniform deviation bound of a finite class under a loss with values in ``[0, 1]``.

    With probability at least ``1 - delta`` over a sample of size ``n``, every hypothesis of a
    class of ``n_hypotheses`` satisfies :math:`|R(h) - \hat R_n(h)| \le` the returned value, and
    empirical risk minimisation has excess risk at most twice it.

    Parameters
    ----------
    n : int or array-like of int
        Sample size.
    n_hypotheses : int
        Size of the class, :math:`|\mathcal{H}| \ge 1`.
    delta : float
        Failure probability, ``0 < delta <= 1``.

    Returns
    -------
    float or ndarray
        :math:`\sqrt{\log(2|\mathcal{H}|/\delta) / (2n)}`, of the shape of ``n``.

    Notes
    -----
    Implements {eq}`eq-gen-uniform-bound` of the generalisation chapter.
    """
    n, n_hypotheses, delta = _bound_args(n, n_hypotheses, delta, "finite_class_bound")
    return np.sqrt(np.log(2.0 * n_hypotheses / delta) / (2.0 * n))


def realizable_bound(n, n_hypotheses, delta):
    r"""Risk bound of a consistent hypothesis when the class contains a zero-risk hypothesis.

    With probability at least ``1 - delta``, every hypothesis with zero empirical 0-1 risk on
    the sample has true risk at most the returned value.

    Parameters
    ----------
    n, n_hypotheses, delta
        As in :func:`finite_class_bound`.

    Returns
    -------
    float or ndarray
        :math:`\log(|\mathcal{H}|/\delta) / n`, of the shape of ``n``.

    Notes
    -----
    Implements {eq}`eq-gen-realizable-bound` of the generalisation chapter.
    """
    n, n_hypotheses, delta = _bound_args(n, n_hypotheses, delta, "realizable_bound")
    return np.log(n_hypotheses / delta) / n


def sample_complexity(epsilon, delta, n_hypotheses, *, realizable=False):
    r"""The smallest sample size for which a finite-class bound is at most ``epsilon``.

    Parameters
    ----------
    epsilon : float
        Target accuracy, ``epsilon > 0``.
    delta : float
        Failure probability, ``0 < delta <= 1``.
    n_hypotheses : int
        Size of the class.
    realizable : bool, default=False
        ``False``: the uniform deviation :func:`finite_class_bound` is at most ``epsilon``.
        ``True``: the realizable bound :func:`realizable_bound` is at most ``epsilon``.

    Returns
    -------
    int
        :math:`\lceil \log(2|\mathcal{H}|/\delta) / (2\epsilon^2) \rceil`, or
        :math:`\lceil \log(|\mathcal{H}|/\delta) / \epsilon \rceil` when ``realizable``
        (at least 1).

    Notes
    -----
    Implements {eq}`eq-gen-sample-complexity` of the generalisation chapter.
    """
    owner = "sample_complexity"
    epsilon = float(check_parameter(epsilon, "epsilon", [_POSITIVE], owner=owner))
    delta = float(check_parameter(delta, "delta", [_DELTA], owner=owner))
    n_hypotheses = int(check_parameter(n_hypotheses, "n_hypotheses", [_COUNT], owner=owner))
    check_parameter(realizable, "realizable", ["boolean"], owner=owner)
    if realizable:
        n = np.log(n_hypotheses / delta) / epsilon
    else:
        n = np.log(2.0 * n_hypotheses / delta) / (2.0 * epsilon**2)
    return max(1, int(np.ceil(n)))


