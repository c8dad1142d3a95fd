r"""Barnes–Hut t-SNE: a space-partitioning tree over the embedding, the repulsive forces summed
over the tree's cells, and the attractive forces over the sparse affinities.

The tree is a quadtree for a 2-D embedding (an octree in 3-D; :math:`2^q` children per cell in
general). Building it inserts the points one after another, and the force on a point walks the
tree from the root, opening a cell only when it looks too large from the point: both are
sequential, branching loops with no array form, so they are compiled with numba (the readable
loop, ``cache=True``, float64). The attractive forces are one array expression over the
non-zeros of :math:`P`.
"""

import numba
import numpy as np
from scipy import sparse

from mlmath.dimensionality_reduction.tsne.affinities import MACHINE_EPSILON

__all__ = ["build_tree", "repulsive_forces", "upper_pairs", "attractive_forces",
           "kl_divergence_and_gradient_bh"]

_MAX_DEPTH = 40  # cells are halved at most 40 times: closer points are merged into one body


@numba.njit(cache=True)
def _new_cell(center, half, count, bsum, child, point, leaf, depth, n_cells, c, h, dep):
    """Append an empty leaf with centre ``c``, half-widths ``h`` and depth ``dep``; grow the
    arrays (to twice their size) when they are full."""
    if n_cells == center.shape[0]:
        cap = 2 * n_cells
        center2 = np.empty((cap, center.shape[1]))
        half2 = np.empty((cap, center.shape[1]))
        count2 = np.zeros(cap, dtype=np.int64)
        bsum2 = np.zeros((cap, center.shape[1]))
        child2 = np.full((cap, child.shape[1]), -1, dtype=np.int64)
        point2 = np.full(cap, -1, dtype=np.int64)
        leaf2 = np.ones(cap, dtype=np.bool_)
        depth2 = np.zeros(cap, dtype=np.int64)
        depth2[:n_cells] = depth
        center2[:n_cells] = center
        half2[:n_cells] = half
        count2[:n_cells] = count
        bsum2[:n_cells] = bsum
        child2[:n_cells] = child
        point2[:n_cells] = point
        leaf2[:n_cells] = leaf
        center, half, count, bsum, child, point, leaf, depth = (
            center2, half2, count2, bsum2, child2, point2, leaf2, depth2)
    center[n_cells] = c
    half[n_cells] = h
    depth[n_cells] = dep
    return center, half, count, bsum, child, point, leaf, depth


@numba.njit(cache=True)
def _child_index(x, c):
    """Which of the 2^q children of a cell with centre ``c`` holds ``x`` (bit k: x_k > c_k)."""
    k = 0
    for a in range(x.shape[0]):
        if x[a] > c[a]:
            k += 1 << a
    return k


@numba.njit(cache=True)
def _child_box(c, h, k):
    """Centre and half-widths of child ``k`` of the cell (c, h)."""
    cc = np.empty_like(c)
    for a in range(c.shape[0]):
        cc[a] = c[a] + h[a] / 2.0 if (k >> a) & 1 else c[a] - h[a] / 2.0
    return cc, h / 2.0


def build_tree(Z):
    r"""Insert the points of ``Z`` one by one into a :math:`2^q`-ary space-partitioning tree.

    Every cell stores its box (centre and half-widths), the number of points below it and the
    sum of their positions (the centre of mass is the sum over the count). A leaf holds one
    point, or several that coincide (or lie within :math:`2^{-40}` of the root's width).

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_components)
        The embedding, float64.

    Returns
    -------
    center, half : ndarray of shape (n_cells, n_components)
        Box centres and half-widths.
    count : ndarray of shape (n_cells,)
        Points in each cell.
    mass_center : ndarray of shape (n_cells, n_components)
        Centre of mass of each cell's points.
    child : ndarray of shape (n_cells, 2**n_components)
        Children's indices, -1 where absent.
    leaf : ndarray of shape (n_cells,), bool

    Notes
    -----
    The tree of {ref}`sec-tsne-barnes-hut` of the t-SNE chapter.
    """
    Z = np.ascontiguousarray(Z, dtype=np.float64)
    lo, hi = Z.min(axis=0), Z.max(axis=0)
    c0 = (lo + hi) / 2.0
    # the root box holds every point; a side of zero length gets a tiny positive one
    h0 = np.maximum((hi - lo) / 2.0 * (1.0 + 1e-9), 1e-12 * (1.0 + np.abs(c0)))
    return _build_tree(Z, c0, h0)


@numba.njit(cache=True)
def _build_tree(Z, c0, h0):
    n, q = Z.shape
    n_children = 1 << q
    cap = 4 * n + 8
    center = np.empty((cap, q))
    half = np.empty((cap, q))
    count = np.zeros(cap, dtype=np.int64)
    bsum = np.zeros((cap, q))
    child = np.full((cap, n_children), -1, dtype=np.int64)
    point = np.full(cap, -1, dtype=np.int64)       # a leaf's first point
    leaf = np.ones(cap, dtype=np.bool_)
    depth = np.zeros(cap, dtype=np.int64)
    center, half, count, bsum, child, point, leaf, depth = _new_cell(
        center, half, count, bsum, child, point, leaf, depth, 0, c0, h0, 0)
    n_cells = 1
    for p in range(n):
        x = Z[p]
        c = 0
        while True:
            count[c] += 1
            bsum[c] += x
            if not leaf[c]:
                k = _child_index(x, center[c])
                if child[c, k] == -1:              # an empty child: make it a leaf for x
                    cc, hh = _child_box(center[c], half[c], k)
                    center, half, count, bsum, child, point, leaf, depth = _new_cell(
                        center, half, count, bsum, child, point, leaf, depth, n_cells, cc, hh,
                        depth[c] + 1)
                    child[c, k] = n_cells
                    n_cells += 1
                c = child[c, k]
                continue
            if point[c] == -1:                     # an empty leaf: x lives here
                point[c] = p
                break
            old = point[c]
            same = True
            for a in range(q):
                same = same and Z[old, a] == x[a]
            if same or depth[c] >= _MAX_DEPTH:     # coincident points share a leaf
                break
            # split the leaf: its earlier points (one body) move down to a child, x follows
            m = count[c] - 1
            old_center = (bsum[c] - x) / m
            k = _child_index(old_center, center[c])
            cc, hh = _child_box(center[c], half[c], k)
            center, half, count, bsum, child, point, leaf, depth = _new_cell(
                center, half, count, bsum, child, point, leaf, depth, n_cells, cc, hh,
                depth[c] + 1)
            count[n_cells] = m
            bsum[n_cells] = bsum[c] - x
            point[n_cells] = old
            child[c, k] = n_cells
            n_cells += 1
            leaf[c] = False
            point[c] = -1
            # undo this level's count so the loop adds x again when it descends from c
            count[c] -= 1
            bsum[c] -= x
    mass_center = bsum[:n_cells] / np.maximum(count[:n_cells], 1)[:, None]
    return (center[:n_cells].copy(), half[:n_cells].copy(), count[:n_cells].copy(),
            mass_center, child[:n_cells].copy(), leaf[:n_cells].copy())


@numba.njit(cache=True)
def _repulsion(Z, center, half, count, mass_center, child, leaf, theta, dof):
    n, q = Z.shape
    theta2 = theta * theta
    width2 = np.empty(center.shape[0])            # squared largest side of each box
    for c in range(center.shape[0]):
        m = 0.0
        for a in range(q):
            m = max(m, 2.0 * half[c, a])
        width2[c] = m * m
    expo = (dof + 1.0) / 2.0
    force = np.zeros((n, q))
    z_sum = 0.0
    stack = np.empty(64 * child.shape[1] + 1, dtype=np.int64)
    diff = np.empty(q)
    for i in range(n):
        top = 0
        stack[top] = 0
        top += 1
        while top > 0:
            top -= 1
            c = stack[top]
            d2 = 0.0
            inside = True
            for a in range(q):
                diff[a] = Z[i, a] - mass_center[c, a]
                d2 += diff[a] * diff[a]
                inside = inside and abs(Z[i, a] - center[c, a]) <= half[c, a]
            # a leaf, or a cell that does not hold z_i and looks small from it: one body
            if leaf[c] or (not inside and width2[c] < theta2 * d2):
                u = 1.0 / (1.0 + d2 / dof)
                w = u if dof == 1.0 else u ** expo
                z_sum += count[c] * w
                for a in range(q):
                    force[i, a] += count[c] * w * u * diff[a]
            else:
                for k in range(child.shape[1]):
                    if child[c, k] != -1:
                        stack[top] = child[c, k]
                        top += 1
        z_sum -= 1.0        # z_i met itself in its own leaf, at distance 0, with weight w = 1
    return force, z_sum


def repulsive_forces(Z, theta, dof=1.0):
    r"""Barnes–Hut estimates of :math:`F_i = \sum_{j\ne i} w_{ij} u_{ij} (\vz_i - \vz_j)` and of
    the normaliser :math:`S = \sum_{i\ne j} w_{ij}`.

    A cell whose largest side :math:`r` and distance :math:`d` from :math:`\vz_i` to its centre
    of mass satisfy :math:`r / d < \vartheta` (and whose box does not contain :math:`\vz_i`) stands
    for all its points, placed at its centre of mass; ``theta=0`` opens every cell and is exact.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_components)
        The embedding.
    theta : float
        The opening angle :math:`\vartheta \in [0, 1]` (scikit-learn's ``angle``).
    dof : float, default=1.0
        Degrees of freedom :math:`\nu` of the Student-t kernel.

    Returns
    -------
    force : ndarray of shape (n_samples, n_components)
        The unnormalised repulsive sums :math:`F_i`.
    z_sum : float
        The estimate of :math:`S`.

    Notes
    -----
    Implements {eq}`eq-tsne-bh-cell` of the t-SNE chapter.
    """
    Z = np.ascontiguousarray(Z, dtype=np.float64)
    tree = build_tree(Z)
    return _repulsion(Z, *tree, float(theta), float(dof))


def upper_pairs(P):
    r"""The pairs :math:`i < j` with :math:`p_{ij} > 0` of a sparse symmetric :math:`P`.

    Parameters
    ----------
    P : scipy.sparse array of shape (n_samples, n_samples)
        Sparse symmetric joint affinities.

    Returns
    -------
    pairs : tuple (i, j, p)
        Row indices, column indices (ndarrays of shape (n_pairs,)) and the affinities
        :math:`p_{ij}`; each unordered pair once.
    """
    U = sparse.triu(sparse.csr_array(P), k=1).tocoo()
    keep = U.data > 0
    return (U.row[keep].astype(np.intp), U.col[keep].astype(np.intp), U.data[keep].copy())


def attractive_forces(pairs, Z, dof=1.0):
    r"""The attractive sums :math:`A_i = \sum_j p_{ij} u_{ij} (\vz_i - \vz_j)` over the non-zeros
    of a sparse symmetric :math:`P`, each unordered pair visited once.

    Parameters
    ----------
    pairs : tuple (i, j, p)
        The pairs :math:`i < j` of :math:`P`'s non-zeros and their affinities, as
        :func:`upper_pairs` returns them.
    Z : ndarray of shape (n_samples, n_components)
        The embedding.
    dof : float, default=1.0
        Degrees of freedom of the Student-t kernel.

    Returns
    -------
    force : ndarray of shape (n_samples, n_components)
        :math:`A_i`.
    w : ndarray of shape (n_pairs,)
        The kernel :math:`w_{ij}` of each pair.

    Notes
    -----
    The first term of {eq}`eq-tsne-gradient-split` of the t-SNE chapter.
    """
    i, j, p = pairs
    n, q = Z.shape
    Zt = np.ascontiguousarray(Z.T)
    diff = Zt[:, i] - Zt[:, j]                                # (q, n_pairs)
    u = 1.0 / (1.0 + np.einsum("ij,ij->j", diff, diff) / dof)
    w = u if dof == 1.0 else u ** ((dof + 1.0) / 2.0)
    coef = p * u
    force = np.empty((n, q))
    for a in range(q):                                        # q <= 3 columns
        fa = coef * diff[a]                # pair (i, j) pulls z_i towards z_j and z_j to z_i
        force[:, a] = np.bincount(i, fa, n) - np.bincount(j, fa, n)
    return force, w


def kl_divergence_and_gradient_bh(pairs, Z, theta=0.5, dof=1.0, compute_error=True):
    r"""Barnes–Hut estimates of the objective and of its gradient.

    The gradient is :math:`\frac{2(\nu+1)}{\nu}(A_i - F_i / S)`, the objective
    :math:`\sum p_{ij}\log(p_{ij} S / w_{ij})` over the non-zeros of :math:`P` (the pairs it
    leaves out have :math:`p_{ij} = 0` and contribute nothing), both with the tree's
    :math:`S`.

    Parameters
    ----------
    pairs : tuple (i, j, p)
        The pairs :math:`i < j` of the sparse joint affinities, from :func:`upper_pairs`.
    Z : ndarray of shape (n_samples, n_components)
        The embedding.
    theta : float, default=0.5
        The opening angle.
    dof : float, default=1.0
        Degrees of freedom of the Student-t kernel.
    compute_error : bool, default=True
        Compute the objective (else ``nan``).

    Returns
    -------
    kl : float
    grad : ndarray of shape (n_samples, n_components)

    Notes
    -----
    Implements {eq}`eq-tsne-gradient-split` with {eq}`eq-tsne-bh-cell` of the t-SNE chapter.
    """
    attract, w = attractive_forces(pairs, Z, dof)
    repel, z_sum = repulsive_forces(Z, theta, dof)
    z_sum = max(z_sum, MACHINE_EPSILON)
    grad = (2.0 * (dof + 1.0) / dof) * (attract - repel / z_sum)
    if not compute_error:
        return np.nan, grad
    p = pairs[2]
    kl = 2.0 * float(np.sum(p * np.log(np.maximum(p, MACHINE_EPSILON) * z_sum
                                 / np.maximum(w, MACHINE_EPSILON))))
    return kl, grad
