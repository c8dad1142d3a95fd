"""The code of the chapter DBSCAN (``book/unsupervised/dbscan.md``).

Its tests are under ``tests/unsupervised/dbscan/``.
"""

from mlmath.unsupervised.dbscan.components import (
    assign_border,
    core_components,
    core_mask,
    dbscan_labels,
    union_edges,
)
from mlmath.unsupervised.dbscan.estimators import DBSCAN
from mlmath.unsupervised.dbscan.neighbourhoods import (
    auto_algorithm,
    box_upper_bound,
    radius_fill,
    radius_neighbourhoods,
    reduced_power_sums,
    reduced_radius,
)

__all__ = [
    "reduced_radius",
    "auto_algorithm",
    "radius_neighbourhoods",
    "radius_fill",
    "box_upper_bound",
    "reduced_power_sums",
    "core_mask",
    "union_edges",
    "core_components",
    "assign_border",
    "dbscan_labels",
    "DBSCAN",
]
