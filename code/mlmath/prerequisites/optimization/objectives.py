r"""The optimisation chapter's example objective: the regularised logistic loss.

A smooth convex function with a closed-form gradient and Hessian, on which the chapter
(``book/prerequisites/optimization.md``) runs gradient descent, the line search and Newton's
method.
"""

from numbers import Real

import numpy as np

from mlmath.numerics import log_sigmoid, sigmoid
from mlmath.validation import Interval, as_finite_array, check_parameter

__all__ = ["logistic_objective"]


def logistic_objective(X, y, alpha=0.0):
    r"""The regularised logistic loss, its gradient and its Hessian, as three callables.

    Implements {eq}`eq-opt-logistic-loss`,
    :math:`J(\vw) = \frac1n\sum_i \log\big(1 + e^{-y_i\vx_i^\top\vw}\big) +
    \frac\alpha2\|\vw\|_2^2` with labels :math:`y_i \in \{-1, +1\}`, its gradient and its
    Hessian {eq}`eq-opt-logistic-hessian`, used in the chapter as a smooth convex test function.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    y : ndarray of shape (n,)
        Labels in :math:`\{-1, +1\}`.
    alpha : float, default=0.0
        Strength :math:`\alpha \ge 0` of the ridge term (``alpha > 0`` makes :math:`J`
        :math:`\alpha`-strongly convex).

    Returns
    -------
    f, grad, hess : callable
        :math:`J`, :math:`\nabla J` and :math:`\nabla^2 J` as functions of ``w`` of shape (d,).
    """
    alpha = float(check_parameter(alpha, "alpha", [Interval(Real, 0, None, closed="left")],
                                  owner="logistic_objective"))
    X = as_finite_array(X, "X", ndim=2)
    y = as_finite_array(y, "y", ndim=1)
    if y.size != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.size} entries.")
    if not np.all(np.isin(y, (-1.0, 1.0))):
        raise ValueError("y must contain labels -1 and +1 only.")
    n = X.shape[0]
    Xy = X * y[:, None]  # row i is y_i x_i

    def f(w):
        return float(-np.mean(log_sigmoid(Xy @ w)) + 0.5 * alpha * (w @ w))

    def grad(w):
        return -Xy.T @ sigmoid(-(Xy @ w)) / n + alpha * w

    def hess(w):
        p = sigmoid(X @ w)
        return (X.T * (p * (1.0 - p))) @ X / n + alpha * np.eye(X.shape[1])

    return f, grad, hess
