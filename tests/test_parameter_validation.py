"""Every estimator declares its parameters and checks them before the data (issue 10, section 3).

A bad value of any declared parameter raises :class:`mlmath.validation.InvalidParameterError`
in the one message form, naming the parameter and the estimator, even when ``X`` is bad too.
"""

import numpy as np
import pytest

from mlmath.estimators import all_estimators
from mlmath.validation import InvalidParameterError

ESTIMATORS = [cls for _, cls in all_estimators()]


class _Nothing:
    """A value no constraint accepts (not a number, a string, None, a callable or a dict)."""

    def __repr__(self):
        return "<nothing>"


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_every_estimator_declares_its_parameters(cls):
    declared = set(getattr(cls, "_parameter_constraints", {}))
    assert declared, f"{cls.__name__} declares no _parameter_constraints"
    assert declared <= set(cls().get_params()), sorted(declared - set(cls().get_params()))


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_a_bad_parameter_is_reported_before_bad_data(cls):
    X = np.full((6, 2), np.nan)
    y = np.array([0, 1, 0, 1, 0, 1])
    for name in cls._parameter_constraints:
        est = cls().set_params(**{name: _Nothing()})
        with pytest.raises(InvalidParameterError,
                           match=rf"^The '{name}' parameter of {cls.__name__} must be "):
            est.fit(X, y)
