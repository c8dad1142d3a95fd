"""The code of the chapter Bagging and Random Forests (issue 12, item 1).

Its tests are under ``tests/ensembles/random_forests/``.
"""

from mlmath.ensembles.random_forests.bagging import *  # noqa: F401,F403
from mlmath.ensembles.random_forests.bagging import __all__ as _bagging_all
from mlmath.ensembles.random_forests.forest import *  # noqa: F401,F403
from mlmath.ensembles.random_forests.forest import __all__ as _forest_all
from mlmath.ensembles.random_forests.importance import *  # noqa: F401,F403
from mlmath.ensembles.random_forests.importance import __all__ as _importance_all
from mlmath.ensembles.random_forests.resampling import *  # noqa: F401,F403
from mlmath.ensembles.random_forests.resampling import __all__ as _resampling_all

__all__ = [*_resampling_all, *_bagging_all, *_forest_all, *_importance_all]
