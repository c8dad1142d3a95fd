r"""Split search of the histogram trees: every candidate of every node of a level at once.

Part of the histogram trees of :mod:`mlmath.supervised.decision_trees.histogram` (second-order
boosting, ``book/ensembles/histogram_boosting.md``). A node is summarised by its gradient and
hessian histograms; the left child of "bins :math:`\le b` go left" has the prefix sums of the
histogram up to :math:`b`, plus the missing-value bin when the missing values go left, and its
sibling the node's sums minus those. :func:`best_histogram_splits` scores all these candidates of
all the nodes of a level as arrays of shape (nodes, features, directions, bins) and keeps the
best of each node; :func:`node_scores` and :func:`node_values` are the score and the value of a
node with ``xgboost``'s conventions.
"""

import numpy as np

__all__ = ["Scratch", "best_histogram_splits", "node_scores", "node_values"]


class Scratch:
    """Reusable work arrays, so that a level's temporaries are not allocated afresh.

    Each name keeps one flat buffer, grown when a larger array is asked for; the arrays handed
    out are views of it, valid until the same name is asked for again. (Large temporaries
    allocated and freed on every level are mapped and zero-filled by the operating system
    every time, which costs as much as the arithmetic on them.)
    """

    def __init__(self):
        self._buffers = {}

    def get(self, name, shape, dtype=np.float64):
        """A work array of the given shape under ``name`` (contents undefined).

        Parameters
        ----------
        name : str
        shape : tuple of int
        dtype : numpy dtype, default=float64

        Returns
        -------
        ndarray of shape ``shape``
        """
        size = int(np.prod(shape))
        buf = self._buffers.get(name)
        if buf is None or buf.size < size or buf.dtype != dtype:
            buf = np.empty(max(size, 1), dtype=dtype)
            self._buffers[name] = buf
        return buf[:size].reshape(shape)



def _soft(G, alpha):
    return np.sign(G) * np.maximum(np.abs(G) - alpha, 0.0) if alpha > 0 else G


def node_scores(G, H, lam, alpha, mcw):
    r"""Score :math:`Q(G, H)` of nodes, as ``xgboost``'s ``CalcGain``: 0 below the bound.

    The bound is ``min_child_weight`` (and a hessian sum of 0).

    Parameters
    ----------
    G, H : ndarray
        Gradient and hessian sums of the nodes.
    lam, alpha, mcw : float
        ``reg_lambda``, ``reg_alpha`` and ``min_child_weight``.

    Returns
    -------
    ndarray, shaped as ``G``

    Notes
    -----
    Implements {eq}`eq-xgb-score` of the histogram boosting chapter.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        s = _soft(G, alpha) ** 2 / (H + lam)
    return np.where((H < mcw) | (H <= 0.0), 0.0, s)


def node_values(G, H, lam, alpha, mcw):
    r"""Values :math:`v^\star` of nodes, as ``xgboost``'s ``CalcWeight``: 0 below the bound.

    The bound is ``min_child_weight`` (and a hessian sum of 0).

    Parameters
    ----------
    G, H : ndarray
        Gradient and hessian sums of the nodes.
    lam, alpha, mcw : float
        ``reg_lambda``, ``reg_alpha`` and ``min_child_weight``.

    Returns
    -------
    ndarray, shaped as ``G``

    Notes
    -----
    Implements {eq}`eq-xgb-leaf-weight` of the histogram boosting chapter.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        v = -_soft(G, alpha) / (H + lam)
    return np.where((H < mcw) | (H <= 0.0), 0.0, v)


def _gains(LG, LH, G, H, lam, alpha, mcw, scratch, tag):
    """Score sum :math:`Q_L + Q_R` of every candidate (``-inf`` where a child is too light).

    ``LG, LH`` have the node as first axis; ``G, H`` are per node. The parent's score, the
    same for all of a node's candidates, is subtracted by the caller after the arg max. The
    result is a work array of ``scratch`` (under ``tag``).
    """
    shape = LG.shape
    bshape = (-1,) + (1,) * (LG.ndim - 1)
    RG = np.subtract(G.reshape(bshape), LG, out=scratch.get(tag + "rg", shape))
    RH = np.subtract(H.reshape(bshape), LH, out=scratch.get(tag + "rh", shape))
    low = np.minimum(LH, RH, out=scratch.get(tag + "low", shape))
    invalid = scratch.get(tag + "invalid", shape, bool)
    if mcw > 0.0:
        np.less(low, mcw, out=invalid)
    else:
        np.less_equal(low, 0.0, out=invalid)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if alpha > 0.0:
            LG, RG = _soft(LG, alpha), _soft(RG, alpha)
        gain = np.multiply(LG, LG, out=scratch.get(tag + "gain", shape))
        np.add(LH, lam, out=low)
        gain /= low
        RG *= RG
        RH += lam
        RG /= RH
        gain += RG
    np.putmask(gain, invalid, -np.inf)
    return gain


def _first_best(gain, scratch, rtol=1e-10):
    """Per row, the first entry within ``rtol`` of the row's largest (ties to the first).

    Sums of the same samples in another order (a weight of 2 or a repeated row) differ in the
    last bits, so exact ties between candidates that separate the same samples would be
    broken by rounding; within ``rtol`` they count as ties.
    """
    top = gain.max(axis=1, keepdims=True)
    near = scratch.get("near", gain.shape, bool)
    with np.errstate(invalid="ignore"):
        np.greater_equal(gain, top - rtol * np.abs(top), out=near)
    return np.argmax(near, axis=1)


def best_histogram_splits(HG, HH, G, H, max_bin, lam, alpha, mcw, feature_mask,
                          scratch=None):
    r"""Best split of every node of a level from its histograms.

    For feature :math:`j` and bin :math:`b` the left child holds the bins :math:`\le b`, plus
    the missing bin when the missing values go left. Candidates are ordered as ``xgboost``
    visits them (features ascending; missing right with :math:`b` ascending, then missing left
    with :math:`b` descending), and the first of the largest gains is kept, as its tie-breaking
    does. Missing-left candidates exist only in (node, feature) pairs with missing values.
    The split of the missing values from all the others is kept only as "missing right".

    Parameters
    ----------
    HG, HH : ndarray of shape (m, d, max_bin + 1)
        Gradient and hessian histograms of the level's nodes (missing values in the last bin,
        ``max_bin``).
    G, H : ndarray of shape (m,)
        The nodes' sums.
    max_bin : int
        Index of the missing-value bin in the histograms.
    lam, alpha, mcw : float
        ``reg_lambda``, ``reg_alpha`` and ``min_child_weight``.
    feature_mask : ndarray of shape (d,), bool, or None
        Features the nodes may split on (``None``: all).
    scratch : Scratch or None
        Work arrays to reuse.

    Returns
    -------
    gain, feature, bin, missing_left, G_left, H_left : ndarray of shape (m,)
        The un-penalised gain :math:`Q_L + Q_R - Q_P` (``-inf`` when no split is valid), the
        split ("bins <= bin go left", with the missing bin when ``missing_left``), and the left
        child's sums.

    Notes
    -----
    Implements the gain {eq}`eq-xgb-gain` (without :math:`\gamma`) and the two default
    directions {eq}`eq-xgb-missing` of the histogram boosting chapter.
    """
    scratch = Scratch() if scratch is None else scratch
    m, d = HG.shape[:2]
    CG = np.cumsum(HG[:, :, :max_bin], axis=2, out=scratch.get("cg", (m, d, max_bin)))
    CH = np.cumsum(HH[:, :, :max_bin], axis=2, out=scratch.get("ch", (m, d, max_bin)))
    parent = node_scores(G, H, lam, alpha, mcw)
    gain_right = _gains(CG, CH, G, H, lam, alpha, mcw, scratch, "r")  # missing go right
    if feature_mask is not None:
        gain_right[:, ~feature_mask] = -np.inf
    nodes, feats = np.nonzero(HH[:, :, max_bin] > 0)  # pairs with missing values
    if feature_mask is not None:
        keep = feature_mask[feats]
        nodes, feats = nodes[keep], feats[keep]
    rows = np.arange(m)
    if nodes.size == 0:
        flat = gain_right.reshape(m, -1)
        best = _first_best(flat, scratch)
        feature, b = np.divmod(best, max_bin)
        return (flat[rows, best] - parent, feature, b, np.zeros(m, dtype=bool),
                CG[rows, feature, b], CH[rows, feature, b])
    # missing left, b = max_bin - 1, ..., 0: the bins <= b - 1 and the missing bin
    zero = np.zeros((nodes.size, 1))
    LG = np.concatenate([zero, CG[nodes, feats, :-1]], axis=1)[:, ::-1]
    LH = np.concatenate([zero, CH[nodes, feats, :-1]], axis=1)[:, ::-1]
    LG = LG + HG[nodes, feats, max_bin][:, None]
    LH = LH + HH[nodes, feats, max_bin][:, None]
    gain = np.full((m, d, 2, max_bin), -np.inf)
    gain[:, :, 0] = gain_right
    gain_left = _gains(LG, LH, G[nodes], H[nodes], lam, alpha, mcw, scratch, "l")
    # "only the missing values left" mirrors "every value left, missing right", which comes
    # first (and wins an exact tie in xgboost): leave it out so that rounding cannot pick it
    gain_left[:, -1] = -np.inf
    gain[nodes, feats, 1] = gain_left
    flat = gain.reshape(m, -1)
    best = _first_best(flat, scratch)
    feature, rest = np.divmod(best, 2 * max_bin)
    missing_left, k = np.divmod(rest, max_bin)
    missing_left = missing_left.astype(bool)
    b = np.where(missing_left, max_bin - 2 - k, k)
    below = np.maximum(b, 0)
    lg = np.where(b >= 0, CG[rows, feature, below], 0.0)
    lh = np.where(b >= 0, CH[rows, feature, below], 0.0)
    lg = lg + np.where(missing_left, HG[rows, feature, max_bin], 0.0)
    lh = lh + np.where(missing_left, HH[rows, feature, max_bin], 0.0)
    return flat[rows, best] - parent, feature, b, missing_left, lg, lh

