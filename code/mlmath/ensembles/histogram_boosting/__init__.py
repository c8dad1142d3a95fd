"""The code of the chapter Second-order histogram boosting (XGBoost) (issue 12, item 4).

Its tests are under ``tests/ensembles/histogram_boosting/``; the histogram tree itself is
:mod:`mlmath.supervised.decision_trees.histogram`.
"""

from mlmath.ensembles.histogram_boosting.binning import *  # noqa: F401,F403
from mlmath.ensembles.histogram_boosting.binning import __all__ as _binning_all
from mlmath.ensembles.histogram_boosting.booster import *  # noqa: F401,F403
from mlmath.ensembles.histogram_boosting.booster import __all__ as _booster_all
from mlmath.ensembles.histogram_boosting.estimators import *  # noqa: F401,F403
from mlmath.ensembles.histogram_boosting.estimators import __all__ as _estimators_all
from mlmath.ensembles.histogram_boosting.objective import *  # noqa: F401,F403
from mlmath.ensembles.histogram_boosting.objective import __all__ as _objective_all

__all__ = [*_binning_all, *_objective_all, *_booster_all, *_estimators_all]
