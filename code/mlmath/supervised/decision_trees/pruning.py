r"""Minimal cost-complexity pruning: the weakest-link sequence of Breiman et al. (1984).

For a tree :math:`T` with leaves :math:`\tilde T`, the cost-complexity is
:math:`R_\alpha(T) = \sum_{t\in\tilde T} R(t) + \alpha|\tilde T|` with
:math:`R(t) = \frac{W_t}{W} i(t)`. Collapsing the branch :math:`T_t` rooted at an internal node
:math:`t` pays off once :math:`\alpha` exceeds
:math:`g(t) = \frac{R(t) - R(T_t)}{|\tilde T_t| - 1}`; pruning repeatedly the branch with the
smallest :math:`g` gives the nested sequence of optimal subtrees and the critical values of
:math:`\alpha` (the decision trees chapter, {eq}`eq-tree-weakest-link`).
"""

import numpy as np

from mlmath.supervised.decision_trees.tree import TREE_LEAF

__all__ = ["weakest_link_pruning", "cost_complexity_path", "prune_tree"]


def _parents_and_sizes(tree):
    """Parent of every node (-1 at the root) and subtree sizes; preorder numbering."""
    left, right = tree.children_left, tree.children_right
    parent = np.full(tree.node_count, -1, dtype=np.intp)
    inner = np.flatnonzero(left != TREE_LEAF)
    parent[left[inner]] = inner
    parent[right[inner]] = inner
    size = np.ones(tree.node_count, dtype=np.intp)
    for t in inner[::-1]:  # children have larger preorder ids than their parent
        size[t] += size[left[t]] + size[right[t]]
    return parent, size


def weakest_link_pruning(tree, ccp_alpha=np.inf):
    r"""Run weakest-link pruning on ``tree`` until the next critical alpha exceeds ``ccp_alpha``.

    One branch is collapsed per step (the one with the smallest :math:`g(t)`, the lowest node id
    among ties), exactly as scikit-learn does, so repeated alphas appear when several branches
    tie.

    Parameters
    ----------
    tree : Tree
        Grown tree, nodes in preorder.
    ccp_alpha : float, default=inf
        Stop before a step whose critical value exceeds it (``inf``: prune down to the root).

    Returns
    -------
    alphas : ndarray of shape (n_steps + 1,)
        0, then the critical value of each step.
    impurities : ndarray of shape (n_steps + 1,)
        :math:`\sum_{t\in\tilde T} R(t)` of the subtree after each step.
    leaf : ndarray of shape (node_count,), bool
        The leaves of the last subtree (nodes below them are pruned).

    Notes
    -----
    Implements {prf:ref}`alg-tree-weakest-link` and {eq}`eq-tree-weakest-link` of the decision
    trees chapter.
    """
    left = tree.children_left
    parent, size = _parents_and_sizes(tree)
    r_node = tree.weighted_n_node_samples * tree.impurity / tree.weighted_n_node_samples[0]
    is_leaf = left == TREE_LEAF
    # R(T_t) and |leaves of T_t| as sums over the preorder range [t, t + size_t)
    c_r = np.concatenate([[0.0], np.cumsum(np.where(is_leaf, r_node, 0.0))])
    c_n = np.concatenate([[0], np.cumsum(is_leaf)])
    idx = np.arange(tree.node_count)
    r_branch = c_r[idx + size] - c_r[idx]
    n_leaves = c_n[idx + size] - c_n[idx]
    candidate = ~is_leaf
    leaf = is_leaf.copy()
    alphas, impurities = [0.0], [float(r_branch[0])]
    with np.errstate(divide="ignore", invalid="ignore"):
        while candidate[0]:
            g = np.where(candidate, (r_node - r_branch) / (n_leaves - 1), np.inf)
            t = int(np.argmin(g))
            alpha = float(g[t])
            if alpha > ccp_alpha:
                break
            # collapse the branch at t: its descendants leave the tree
            candidate[t:t + size[t]] = False
            leaf[t + 1:t + size[t]] = False
            leaf[t] = True
            pruned, r_diff = n_leaves[t] - 1, r_node[t] - r_branch[t]
            n_leaves[t], r_branch[t] = 1, r_node[t]
            a = parent[t]
            while a != -1:  # update the ancestors (depth many scalar steps)
                n_leaves[a] -= pruned
                r_branch[a] += r_diff
                a = parent[a]
            alphas.append(alpha)
            impurities.append(float(r_branch[0]))
    return np.array(alphas), np.array(impurities), leaf


def cost_complexity_path(tree):
    """Critical alphas and subtree impurities of the whole pruning sequence.

    Parameters
    ----------
    tree : Tree

    Returns
    -------
    dict
        ``ccp_alphas`` and ``impurities``, increasing, as scikit-learn's
        ``cost_complexity_pruning_path``.
    """
    alphas, impurities, _ = weakest_link_pruning(tree)
    return {"ccp_alphas": alphas, "impurities": impurities}


def prune_tree(tree, ccp_alpha):
    r"""The smallest subtree minimising :math:`R_\alpha` for :math:`\alpha =` ``ccp_alpha``.

    Parameters
    ----------
    tree : Tree
    ccp_alpha : float

    Returns
    -------
    Tree
    """
    _, _, leaf = weakest_link_pruning(tree, ccp_alpha)
    return tree.subtree(leaf)
