"""Metrics of real-valued predictions."""

import numpy as np

from mlmath.metrics._validation import check_sample_weight_1d

__all__ = [
    "mean_squared_error",
    "root_mean_squared_error",
    "mean_absolute_error",
    "median_absolute_error",
    "r2_score",
    "explained_variance_score",
]


def _check_regression(y_true, y_pred, multioutput):
    y_true = np.asarray(y_true, dtype=float)
    y_pred = np.asarray(y_pred, dtype=float)
    if y_true.ndim not in (1, 2) or y_true.shape != y_pred.shape:
        raise ValueError("y_true and y_pred must be 1-D or 2-D arrays of the same shape; got "
                         f"{y_true.shape} and {y_pred.shape}.")
    if y_true.shape[0] == 0:
        raise ValueError("y_true is empty: a metric needs at least one sample.")
    if not (np.all(np.isfinite(y_true)) and np.all(np.isfinite(y_pred))):
        raise ValueError("y_true or y_pred contains NaN or infinity.")
    if multioutput not in ("uniform_average", "raw_values"):
        raise ValueError("multioutput must be 'uniform_average' or 'raw_values'; "
                         f"got {multioutput!r}.")
    if y_true.ndim == 1:
        y_true, y_pred = y_true[:, None], y_pred[:, None]
    return y_true, y_pred


def _reduce(per_output, multioutput):
    return per_output if multioutput == "raw_values" else float(np.mean(per_output))


def mean_squared_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """(1/n) sum_i (y_i - yhat_i)^2, weighted when ``sample_weight`` is given.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
    sample_weight : array-like of shape (n_samples,), default=None
    multioutput : {"uniform_average", "raw_values"}, default="uniform_average"

    Returns
    -------
    float or ndarray of shape (n_outputs,)

    Notes
    -----
    Implements {eq}`eq-metrics-regression` of the evaluation metrics chapter.
    """
    y_true, y_pred = _check_regression(y_true, y_pred, multioutput)
    w = check_sample_weight_1d(sample_weight, len(y_true))
    return _reduce(np.average((y_true - y_pred) ** 2, axis=0, weights=w), multioutput)


def root_mean_squared_error(y_true, y_pred, *, sample_weight=None,
                            multioutput="uniform_average"):
    """The square root of :func:`mean_squared_error`, per output, then averaged.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        True values.
    y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Predicted values, the same shape as ``y_true``.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sample (default: one).
    multioutput : {"uniform_average", "raw_values"}, default="uniform_average"
        Average the scores of the outputs, or return one per output.

    Returns
    -------
    float or ndarray of shape (n_outputs,)
        An array for ``multioutput="raw_values"``.

    Notes
    -----
    The RMSE of {eq}`eq-metrics-regression` in the evaluation metrics chapter. As
    ``sklearn.metrics.root_mean_squared_error``, except that ``multioutput`` does not take an array
    of output weights, nor ``"variance_weighted"``.
    """
    mse = mean_squared_error(y_true, y_pred, sample_weight=sample_weight,
                             multioutput="raw_values")
    return _reduce(np.sqrt(mse), multioutput)


def mean_absolute_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """(1/n) sum_i |y_i - yhat_i|, weighted when ``sample_weight`` is given.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        True values.
    y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Predicted values, the same shape as ``y_true``.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sample (default: one).
    multioutput : {"uniform_average", "raw_values"}, default="uniform_average"
        Average the scores of the outputs, or return one per output.

    Returns
    -------
    float or ndarray of shape (n_outputs,)
        An array for ``multioutput="raw_values"``.

    Notes
    -----
    The MAE of {eq}`eq-metrics-regression` in the evaluation metrics chapter. As
    ``sklearn.metrics.mean_absolute_error``, except that ``multioutput`` does not take an array of
    output weights, nor ``"variance_weighted"``.
    """
    y_true, y_pred = _check_regression(y_true, y_pred, multioutput)
    w = check_sample_weight_1d(sample_weight, len(y_true))
    return _reduce(np.average(np.abs(y_true - y_pred), axis=0, weights=w), multioutput)


def median_absolute_error(y_true, y_pred, *, multioutput="uniform_average"):
    """The median of |y_i - yhat_i|: robust to a few large errors.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        True values.
    y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Predicted values, the same shape as ``y_true``.
    multioutput : {"uniform_average", "raw_values"}, default="uniform_average"
        Average the scores of the outputs, or return one per output.

    Returns
    -------
    float or ndarray of shape (n_outputs,)
        An array for ``multioutput="raw_values"``.

    Notes
    -----
    As ``sklearn.metrics.median_absolute_error`` without sample weights (scikit-learn's
    ``sample_weight``, a weighted median, is not offered), and ``multioutput`` does not take an
    array of output weights, nor ``"variance_weighted"``.
    """
    y_true, y_pred = _check_regression(y_true, y_pred, multioutput)
    return _reduce(np.median(np.abs(y_true - y_pred), axis=0), multioutput)


def r2_score(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Coefficient of determination 1 - SS_res / SS_tot.

    A constant ``y_true`` makes SS_tot zero: the score is then 1.0 for a perfect prediction and
    0.0 otherwise (scikit-learn's ``force_finite`` convention), so it is always finite.
    Implements {eq}`eq-metrics-r2` of the evaluation metrics chapter.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        True values.
    y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Predicted values, the same shape as ``y_true``.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sample (default: one).
    multioutput : {"uniform_average", "raw_values"}, default="uniform_average"
        Average the scores of the outputs, or return one per output.

    Returns
    -------
    float or ndarray of shape (n_outputs,)
        An array for ``multioutput="raw_values"``. At most 1; negative when the predictions are
        worse than the (weighted) mean of ``y_true``.

    Notes
    -----
    As ``sklearn.metrics.r2_score`` with its default ``force_finite=True``. The parameter is not
    offered (``force_finite=False`` gives NaN or -inf for a constant ``y_true``), and
    ``multioutput`` does not take an array of output weights, nor ``"variance_weighted"``.
    """
    y_true, y_pred = _check_regression(y_true, y_pred, multioutput)
    w = check_sample_weight_1d(sample_weight, len(y_true))[:, None]
    ss_res = np.sum(w * (y_true - y_pred) ** 2, axis=0)
    mean = np.sum(w * y_true, axis=0) / w.sum()
    ss_tot = np.sum(w * (y_true - mean) ** 2, axis=0)
    r2 = np.where(ss_tot > 0, 1 - ss_res / np.where(ss_tot > 0, ss_tot, 1.0),
                  np.where(ss_res > 0, 0.0, 1.0))
    return _reduce(r2, multioutput)


def explained_variance_score(y_true, y_pred, *, sample_weight=None,
                             multioutput="uniform_average"):
    """1 - Var(y - yhat) / Var(y): R^2 that ignores a constant bias of the predictions.

    A constant ``y_true`` gives 1.0 for residuals of zero variance and 0.0 otherwise (the
    convention of :func:`r2_score`, with the residuals' variance in place of their squares).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        True values.
    y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Predicted values, the same shape as ``y_true``.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sample (default: one).
    multioutput : {"uniform_average", "raw_values"}, default="uniform_average"
        Average the scores of the outputs, or return one per output.

    Returns
    -------
    float or ndarray of shape (n_outputs,)
        An array for ``multioutput="raw_values"``. At most 1; at least :func:`r2_score`, with
        equality when the residuals have (weighted) mean zero.

    Notes
    -----
    As ``sklearn.metrics.explained_variance_score`` with its default ``force_finite=True``. The
    parameter is not offered, and ``multioutput`` does not take an array of output weights, nor
    ``"variance_weighted"``.
    """
    y_true, y_pred = _check_regression(y_true, y_pred, multioutput)
    w = check_sample_weight_1d(sample_weight, len(y_true))
    resid = y_true - y_pred
    var_res = np.average((resid - np.average(resid, axis=0, weights=w)) ** 2, axis=0, weights=w)
    var_true = np.average((y_true - np.average(y_true, axis=0, weights=w)) ** 2, axis=0,
                          weights=w)
    ev = np.where(var_true > 0, 1 - var_res / np.where(var_true > 0, var_true, 1.0),
                  np.where(var_res > 0, 0.0, 1.0))
    return _reduce(ev, multioutput)
