r"""The Lance–Williams update: the distance of a merged cluster from the distances before it.

When clusters :math:`A` and :math:`B` merge, the distance of every other cluster :math:`C` to
:math:`A \cup B` is, for the linkages of the hierarchical clustering chapter,

.. math::

    \tilde{\mathsf{D}}(C, A \cup B) = \psi_A \tilde{\mathsf{D}}(C, A)
        + \psi_B \tilde{\mathsf{D}}(C, B) + \psi_{AB} \tilde{\mathsf{D}}(A, B)
        + \chi \lvert \tilde{\mathsf{D}}(C, A) - \tilde{\mathsf{D}}(C, B) \rvert ,

(Lance and Williams's :math:`\alpha_A, \alpha_B, \beta, \gamma`; the book keeps those letters
for other things) with coefficients that depend on the linkage and on the cluster sizes only,
where :math:`\tilde{\mathsf{D}} = \mathsf{D}` (the linkage) for single, complete and average
linkage and :math:`\tilde{\mathsf{D}} = \mathsf{D}^2` for Ward, centroid and median linkage
(implements {eq}`eq-hier-lw` of the hierarchical clustering chapter). The table is
:func:`lance_williams_coefficients`; :func:`lance_williams_general` evaluates the formula from
it, and :func:`lance_williams_update` is the form the algorithms use (it writes single and
complete linkage as a minimum and a maximum, which is the formula without its rounding error).
"""

import numpy as np

from mlmath.validation import check_option

__all__ = [
    "LINKAGES",
    "SQUARED_LINKAGES",
    "lance_williams_coefficients",
    "lance_williams_general",
    "lance_williams_update",
]

#: The linkages the package implements, in the order of their integer codes in the compiled
#: algorithms. The first four are reducible; centroid and median are not (they have inversions).
LINKAGES = ("single", "complete", "average", "ward", "centroid", "median")

#: The linkages whose Lance–Williams formula holds for squared Euclidean distances.
SQUARED_LINKAGES = ("ward", "centroid", "median")


def lance_williams_coefficients(linkage, n_a, n_b, n_c):
    r"""The coefficients :math:`(\psi_A, \psi_B, \psi_{AB}, \chi)` of the Lance–Williams update.

    Parameters
    ----------
    linkage : {"single", "complete", "average", "ward", "centroid", "median"}
        The linkage.
    n_a, n_b : float or ndarray
        Sizes of the two clusters that merge.
    n_c : float or ndarray
        Size of the third cluster (broadcast against ``n_a`` and ``n_b``).

    Returns
    -------
    psi_a, psi_b, psi_ab, chi : float or ndarray
        The coefficients, broadcast to a common shape. For ``"ward"``, ``"centroid"`` and
        ``"median"`` they apply to squared distances.

    Notes
    -----
    Implements the table {eq}`eq-hier-lw-table` of the hierarchical clustering chapter.
    """
    check_option(linkage, "linkage", LINKAGES, owner="lance_williams_coefficients")
    n_a, n_b, n_c = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (n_a, n_b, n_c)))
    one, zero = np.ones_like(n_a), np.zeros_like(n_a)
    n_ab = n_a + n_b
    if linkage == "single":
        return 0.5 * one, 0.5 * one, zero, -0.5 * one
    if linkage == "complete":
        return 0.5 * one, 0.5 * one, zero, 0.5 * one
    if linkage == "average":
        return n_a / n_ab, n_b / n_ab, zero, zero
    if linkage == "ward":
        n_abc = n_ab + n_c
        return (n_a + n_c) / n_abc, (n_b + n_c) / n_abc, -n_c / n_abc, zero
    if linkage == "centroid":
        return n_a / n_ab, n_b / n_ab, -n_a * n_b / n_ab**2, zero
    return 0.5 * one, 0.5 * one, -0.25 * one, zero  # median


def lance_williams_general(d_ca, d_cb, d_ab, n_a, n_b, n_c, linkage):
    r"""The Lance–Williams formula evaluated from the table of coefficients.

    Parameters
    ----------
    d_ca, d_cb : float or ndarray
        Distances of the third cluster(s) to :math:`A` and to :math:`B` (Euclidean distances,
        not squared, for every linkage: the squaring is done here where the table needs it).
    d_ab : float
        Distance between :math:`A` and :math:`B`.
    n_a, n_b : float
        Sizes of :math:`A` and :math:`B`.
    n_c : float or ndarray
        Sizes of the third cluster(s).
    linkage : str
        One of :data:`LINKAGES`.

    Returns
    -------
    d : float or ndarray
        Distance of the third cluster(s) to :math:`A \cup B` (not squared).

    Notes
    -----
    Implements {eq}`eq-hier-lw` of the hierarchical clustering chapter.
    """
    psi_a, psi_b, psi_ab, chi = lance_williams_coefficients(linkage, n_a, n_b, n_c)
    d_ca, d_cb, d_ab = (np.asarray(v, dtype=float) for v in (d_ca, d_cb, d_ab))
    if linkage in SQUARED_LINKAGES:
        d_ca, d_cb, d_ab = d_ca**2, d_cb**2, d_ab**2
    out = psi_a * d_ca + psi_b * d_cb + psi_ab * d_ab + chi * np.abs(d_ca - d_cb)
    if linkage in SQUARED_LINKAGES:
        out = np.sqrt(np.maximum(out, 0.0))
    return out


def lance_williams_update(d_ca, d_cb, d_ab, n_a, n_b, n_c, linkage):
    r"""The distance to a merged cluster, as the agglomeration algorithms compute it.

    The same numbers as :func:`lance_williams_general`, written in the form with the least
    rounding: single and complete linkage as ``min`` and ``max`` (which the formula with
    :math:`\chi = \mp\frac12` equals exactly in real arithmetic), average linkage as a weighted
    mean, Ward's as SciPy writes it. Vectorised over the third clusters.

    Parameters
    ----------
    d_ca, d_cb : ndarray of shape (m,)
        Distances of ``m`` other clusters to :math:`A` and to :math:`B`.
    d_ab : float
        Distance between :math:`A` and :math:`B`.
    n_a, n_b : int
        Sizes of :math:`A` and :math:`B`.
    n_c : ndarray of shape (m,)
        Sizes of the other clusters.
    linkage : str
        One of :data:`LINKAGES`.

    Returns
    -------
    d : ndarray of shape (m,)
        Distances of the other clusters to :math:`A \cup B`.

    Notes
    -----
    Implements {eq}`eq-hier-lw` with the coefficients of {eq}`eq-hier-lw-table` of the
    hierarchical clustering chapter.
    """
    if linkage == "single":
        return np.minimum(d_ca, d_cb)
    if linkage == "complete":
        return np.maximum(d_ca, d_cb)
    if linkage == "average":
        return (n_a * d_ca + n_b * d_cb) / (n_a + n_b)
    if linkage == "ward":
        t = 1.0 / (n_a + n_b + n_c)
        # clamped at 0 as in lance_williams_general: the exact value is >= 0 (it is a squared
        # distance), but rounding can make the difference of the terms slightly negative
        return np.sqrt(np.maximum((n_c + n_a) * t * d_ca * d_ca + (n_c + n_b) * t * d_cb * d_cb
                                  - n_c * t * d_ab * d_ab, 0.0))
    return lance_williams_general(d_ca, d_cb, d_ab, n_a, n_b, n_c, linkage)
