"""mlmath.estimators: discovery and the pairing with scikit-learn twins."""

import sklearn.linear_model as sk

from mlmath.estimators import all_estimators, sklearn_twin
from mlmath.supervised.linear_regression.base import BaseLinearModel
from mlmath.supervised.linear_regression.estimators import Lasso


def test_all_estimators_is_sorted_unique_and_excludes_base_classes():
    found = all_estimators()
    names = [name for name, _ in found]
    assert names == sorted(set(names))
    assert BaseLinearModel not in [cls for _, cls in found]
    assert ("mlmath.supervised.linear_regression.estimators.Lasso", Lasso) in found


def test_every_estimator_has_its_scikit_learn_twin_or_says_why_not():
    for _, cls in all_estimators():
        twin = sklearn_twin(cls)
        reason = getattr(cls, "_no_sklearn_twin", None)  # a sentence, for estimators without one
        assert (twin is not None and twin.__name__ == cls.__name__) or reason, cls.__name__
    assert sklearn_twin(Lasso) is sk.Lasso
    assert sklearn_twin(BaseLinearModel) is None


def test_meta_estimators_are_listed_apart():
    from mlmath.estimators import all_meta_estimators
    from mlmath.model_selection import GridSearchCV

    assert ("mlmath.model_selection.search.GridSearchCV", GridSearchCV) in all_meta_estimators()
    assert GridSearchCV not in {cls for _, cls in all_estimators()}
    for _, cls in all_estimators():
        cls()  # every listed estimator builds with no argument
