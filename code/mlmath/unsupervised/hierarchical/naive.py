r"""The textbook agglomeration: merge the closest pair, update by Lance–Williams, repeat.

:func:`naive_linkage` keeps the full :math:`n \times n` matrix of cluster distances and scans
all of it for the closest pair at each of the :math:`n - 1` merges: :math:`O(n^3)` time and
:math:`O(n^2)` memory. It is the definition of agglomerative clustering written as code, for
teaching and as an oracle for the faster algorithms. :func:`cluster_distance` computes a linkage
from the points themselves, with no update formula: the independent check of the Lance–Williams
coefficients.
"""

import numpy as np
from scipy.spatial.distance import cdist, squareform

from mlmath.unsupervised.hierarchical.lance_williams import LINKAGES, lance_williams_update
from mlmath.validation import check_option

__all__ = ["cluster_distance", "naive_linkage"]


def cluster_distance(XA, XB, linkage):
    r"""The distance between two clusters of points, computed from the points.

    Parameters
    ----------
    XA : ndarray of shape (n_a, n_features)
        Points of the first cluster.
    XB : ndarray of shape (n_b, n_features)
        Points of the second cluster.
    linkage : {"single", "complete", "average", "ward", "centroid"}
        ``"single"``, ``"complete"``, ``"average"``: the smallest, largest and mean Euclidean
        distance between a point of one and a point of the other; ``"ward"``:
        :math:`\sqrt{2 n_a n_b / (n_a + n_b)}\,\lVert \bar\vx_A - \bar\vx_B \rVert_2`, the square
        root of twice the increase of the within-cluster sum of squares caused by the merge;
        ``"centroid"``: the distance between the means. (Median linkage has no such closed form:
        its centre depends on the order of the merges.)

    Returns
    -------
    float

    Notes
    -----
    Implements the definitions {eq}`eq-hier-linkages` and {eq}`eq-hier-ward-distance` of the
    hierarchical clustering chapter.
    """
    check_option(linkage, "linkage", ["single", "complete", "average", "ward", "centroid"],
                 owner="cluster_distance")
    XA, XB = np.atleast_2d(np.asarray(XA, float)), np.atleast_2d(np.asarray(XB, float))
    if linkage in ("single", "complete", "average"):
        pair = cdist(XA, XB)
        return float({"single": pair.min, "complete": pair.max, "average": pair.mean}[linkage]())
    gap = np.linalg.norm(XA.mean(axis=0) - XB.mean(axis=0))
    if linkage == "centroid":
        return float(gap)
    n_a, n_b = len(XA), len(XB)
    return float(np.sqrt(2.0 * n_a * n_b / (n_a + n_b)) * gap)


def naive_linkage(D, linkage):
    r"""Agglomerative clustering by the definition, in :math:`O(n^3)` time.

    At each step the closest pair of clusters (the first in row-major order among ties) is
    merged, and the row and column of the merged cluster are updated by the Lance–Williams
    formula.

    Parameters
    ----------
    D : ndarray of shape (n_samples, n_samples) or (n_samples * (n_samples - 1) // 2,)
        Euclidean distances between the samples, square or condensed (as
        :func:`scipy.spatial.distance.pdist` returns them). Not modified.
    linkage : {"single", "complete", "average", "ward", "centroid", "median"}
        The linkage.

    Returns
    -------
    Z : ndarray of shape (n_samples - 1, 4)
        The merges in the order they happen, in SciPy's format: row ``k`` merges clusters
        ``Z[k, 0] < Z[k, 1]`` (leaves are ``0..n-1``, the cluster formed at step ``k`` is
        ``n + k``) at height ``Z[k, 2]`` into a cluster of ``Z[k, 3]`` samples.

    Notes
    -----
    Implements {prf:ref}`alg-hier-naive` of the hierarchical clustering chapter.
    """
    check_option(linkage, "linkage", LINKAGES, owner="naive_linkage")
    D = np.asarray(D, dtype=float)
    M = squareform(D) if D.ndim == 1 else D.copy()
    n = M.shape[0]
    np.fill_diagonal(M, np.inf)
    size = np.ones(n)
    ids = np.arange(n)  # the cluster id held by each row of M
    alive = np.ones(n, dtype=bool)
    Z = np.empty((max(n - 1, 0), 4))
    for k in range(n - 1):
        flat = int(np.argmin(M))  # O(n^2): the closest pair of active clusters
        a, b = divmod(flat, n)
        a, b = min(a, b), max(a, b)
        height = M[a, b]
        Z[k] = min(ids[a], ids[b]), max(ids[a], ids[b]), height, size[a] + size[b]
        alive[a] = False
        others = np.flatnonzero(alive)
        others = others[others != b]
        new = lance_williams_update(M[a, others], M[b, others], height, size[a], size[b],
                                    size[others], linkage)
        M[b, others] = M[others, b] = new  # row b becomes the merged cluster
        M[a, :] = M[:, a] = np.inf  # row a is dropped
        size[b] += size[a]
        ids[b] = n + k
    return Z
