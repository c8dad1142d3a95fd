"""cross_val_score and GridSearchCV against scikit-learn's, with the book's and its estimators."""

import numpy as np
import pytest
import sklearn.model_selection as skms
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from mlmath.model_selection import (
    GridSearchCV,
    KFold,
    StratifiedKFold,
    cross_val_score,
    get_scorer,
    parameter_grid,
)
from mlmath.supervised.linear_regression.estimators import Lasso, Ridge

SCORINGS_REG = [None, "r2", "neg_mean_squared_error", "neg_mean_absolute_error"]
SCORINGS_CLF = [None, "accuracy", "f1", "roc_auc", "neg_log_loss"]


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.mark.parametrize("scoring", SCORINGS_REG)
def test_cross_val_score_equals_sklearn_for_regression(diabetes, scoring):
    X, y = diabetes
    cv = KFold(5, shuffle=True, random_state=0)
    ours = cross_val_score(Ridge(alpha=3.0), X, y, scoring=scoring, cv=cv)
    theirs = skms.cross_val_score(Ridge(alpha=3.0), X, y, scoring=scoring, cv=cv)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10)


@pytest.mark.parametrize("scoring", SCORINGS_CLF)
def test_cross_val_score_equals_sklearn_for_classification(cancer, scoring):
    X, y = cancer
    cv = StratifiedKFold(4)
    est = LogisticRegression(C=0.5)
    ours = cross_val_score(est, X, y, scoring=scoring, cv=cv)
    theirs = skms.cross_val_score(est, X, y, scoring=scoring, cv=cv)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10)


def test_an_int_cv_stratifies_for_classifiers_only(cancer, diabetes):
    X, y = cancer
    folds = list(skms.StratifiedKFold(3).split(X, y))  # any stratified split would do
    assert len(folds) == 3
    est = LogisticRegression()
    np.testing.assert_allclose(cross_val_score(est, X, y, cv=3),
                               cross_val_score(est, X, y, cv=StratifiedKFold(3)))
    Xr, yr = diabetes
    np.testing.assert_allclose(cross_val_score(Ridge(), Xr, yr, cv=3),
                               cross_val_score(Ridge(), Xr, yr, cv=KFold(3)))


def test_grid_search_equals_sklearn_on_the_books_estimator(diabetes):
    X, y = diabetes
    grid = {"alpha": [0.01, 0.1, 1.0, 10.0], "fit_intercept": [True, False]}
    cv = KFold(5, shuffle=True, random_state=1)
    ours = GridSearchCV(Lasso(), grid, cv=cv, scoring="neg_mean_squared_error").fit(X, y)
    theirs = skms.GridSearchCV(Lasso(), grid, cv=cv, scoring="neg_mean_squared_error").fit(X, y)
    assert ours.best_params_ == theirs.best_params_
    assert ours.best_score_ == pytest.approx(theirs.best_score_, rel=1e-10)
    np.testing.assert_allclose(ours.cv_results_["mean_test_score"],
                               theirs.cv_results_["mean_test_score"], rtol=1e-10)
    np.testing.assert_array_equal(ours.cv_results_["rank_test_score"],
                                  theirs.cv_results_["rank_test_score"])
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-10)


def test_grid_search_over_a_pipeline_and_a_list_of_grids(cancer):
    X, y = cancer
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    grid = [{"logisticregression__C": [0.01, 1.0]},
            {"logisticregression__C": [10.0], "logisticregression__fit_intercept": [False]}]
    ours = GridSearchCV(pipe, grid, cv=StratifiedKFold(3)).fit(X, y)
    theirs = skms.GridSearchCV(pipe, grid, cv=StratifiedKFold(3)).fit(X, y)
    assert ours.best_params_ == theirs.best_params_
    np.testing.assert_allclose(ours.cv_results_["mean_test_score"],
                               theirs.cv_results_["mean_test_score"], rtol=1e-10)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X))
    assert ours.score(X, y) == pytest.approx(theirs.score(X, y))


def test_parameter_grid_order_and_size():
    combos = parameter_grid({"b": [1, 2], "a": ["x", "y", "z"]})
    assert len(combos) == 6
    assert combos[0] == {"a": "x", "b": 1} and combos[1] == {"a": "x", "b": 2}
    assert combos == list(skms.ParameterGrid({"b": [1, 2], "a": ["x", "y", "z"]}))


def test_ties_share_the_best_rank_and_the_first_wins():
    X = np.arange(20.0).reshape(-1, 1)
    y = 2 * X.ravel()
    search = GridSearchCV(Ridge(), {"alpha": [0.0, 0.0, 5.0]}, cv=KFold(4)).fit(X, y)
    assert search.cv_results_["rank_test_score"].tolist()[:2] == [1, 1]
    assert search.best_index_ == 0


def test_refit_false_cannot_predict(diabetes):
    X, y = diabetes
    search = GridSearchCV(Ridge(), {"alpha": [1.0, 2.0]}, refit=False).fit(X, y)
    assert not hasattr(search, "best_estimator_")
    with pytest.raises(AttributeError, match="refit=False"):
        search.predict(X)


def test_bad_input_is_refused(diabetes):
    X, y = diabetes
    with pytest.raises(ValueError, match="'lam' is not a parameter of Ridge"):
        GridSearchCV(Ridge(), {"lam": [1.0]}).fit(X, y)
    with pytest.raises(ValueError, match="non-empty sequence"):
        GridSearchCV(Ridge(), {"alpha": []}).fit(X, y)
    with pytest.raises(ValueError, match="non-empty sequence"):
        GridSearchCV(Ridge(), {"alpha": 1.0}).fit(X, y)
    with pytest.raises(ValueError, match="The 'scoring' parameter must be"):
        cross_val_score(Ridge(), X, y, scoring="mse")
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        cross_val_score(Ridge(), X, y[:-1])
    with pytest.raises(ValueError, match="The 'cv' parameter must be"):
        cross_val_score(Ridge(), X, y, cv="five")
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        GridSearchCV(Ridge(), {"alpha": [1.0]}).fit(X_nan, y)


def test_get_scorer_negates_losses(diabetes):
    X, y = diabetes
    model = Ridge().fit(X, y)
    assert get_scorer("neg_mean_squared_error")(model, X, y) < 0
    assert get_scorer(None)(model, X, y) == pytest.approx(model.score(X, y))
