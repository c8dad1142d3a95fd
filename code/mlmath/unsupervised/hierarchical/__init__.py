"""The code of the chapter hierarchical clustering (``book/unsupervised/hierarchical.md``).

Its tests are under ``tests/unsupervised/hierarchical/``.
"""

from mlmath.unsupervised.hierarchical.estimators import AgglomerativeClustering, agglomerate
from mlmath.unsupervised.hierarchical.lance_williams import (
    LINKAGES,
    SQUARED_LINKAGES,
    lance_williams_coefficients,
    lance_williams_general,
    lance_williams_update,
)
from mlmath.unsupervised.hierarchical.mst import mst_linkage, prim_mst
from mlmath.unsupervised.hierarchical.naive import cluster_distance, naive_linkage
from mlmath.unsupervised.hierarchical.nn_chain import (
    REDUCIBLE_LINKAGES,
    condensed_index,
    nn_chain_linkage,
)
from mlmath.unsupervised.hierarchical.tree import cut_tree_labels, label_merges, linkage_matrix

__all__ = [
    "LINKAGES",
    "SQUARED_LINKAGES",
    "REDUCIBLE_LINKAGES",
    "lance_williams_coefficients",
    "lance_williams_general",
    "lance_williams_update",
    "cluster_distance",
    "naive_linkage",
    "condensed_index",
    "nn_chain_linkage",
    "prim_mst",
    "mst_linkage",
    "label_merges",
    "cut_tree_labels",
    "linkage_matrix",
    "agglomerate",
    "AgglomerativeClustering",
]
