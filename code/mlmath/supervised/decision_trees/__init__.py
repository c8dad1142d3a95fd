"""The code of the chapter Decision Trees (``book/supervised/decision_trees.md``).

Its tests are under ``tests/supervised/decision_trees/``.
"""

from mlmath.supervised.decision_trees.estimators import (
    BaseDecisionTree,
    DecisionTreeClassifier,
    DecisionTreeRegressor,
)
from mlmath.supervised.decision_trees.growth import grow_tree, presort, subset_presorted
from mlmath.supervised.decision_trees.histogram import HistogramBuilder, grow_histogram_tree
from mlmath.supervised.decision_trees.impurity import (
    CRITERIA,
    Criterion,
    Entropy,
    Gini,
    SquaredError,
    entropy_impurity,
    gini_impurity,
    squared_error_impurity,
)
from mlmath.supervised.decision_trees.pruning import (
    cost_complexity_path,
    prune_tree,
    weakest_link_pruning,
)
from mlmath.supervised.decision_trees.splitter import (
    FEATURE_THRESHOLD,
    BestSplits,
    best_splits,
    row_blocks,
    segment_ids,
    split_threshold,
)
from mlmath.supervised.decision_trees.targets import regression_targets
from mlmath.supervised.decision_trees.tree import TREE_LEAF, TREE_UNDEFINED, Tree

__all__ = [
    "BaseDecisionTree",
    "DecisionTreeClassifier",
    "DecisionTreeRegressor",
    "Criterion",
    "Gini",
    "Entropy",
    "SquaredError",
    "CRITERIA",
    "gini_impurity",
    "entropy_impurity",
    "squared_error_impurity",
    "weakest_link_pruning",
    "cost_complexity_path",
    "prune_tree",
    "FEATURE_THRESHOLD",
    "BestSplits",
    "segment_ids",
    "row_blocks",
    "best_splits",
    "split_threshold",
    "TREE_LEAF",
    "TREE_UNDEFINED",
    "Tree",
    "grow_tree",
    "presort",
    "subset_presorted",
    "regression_targets",
    "HistogramBuilder",
    "grow_histogram_tree",
]
