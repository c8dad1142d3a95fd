r"""Test surfaces for the optimisers, and a driver that records a trajectory.

The Rosenbrock function :math:`f(x, y) = (a - x)^2 + b\,(y - x^2)^2` (a curved, narrow valley,
minimum at :math:`(a, a^2)`) and the quadratic :math:`\tfrac12\vx^\top\mA\vx` (for a symmetric
positive definite :math:`\mA`, its condition number :math:`\kappa` is
:math:`\lambda_{\max}/\lambda_{\min}`), with their gradients.
"""

from numbers import Integral, Real

import numpy as np

from mlmath.neural_networks.optim.optimizer import Parameter
from mlmath.validation import Interval, as_finite_array, check_callable, check_parameter

__all__ = ["rosenbrock", "rosenbrock_grad", "quadratic", "quadratic_grad",
           "ill_conditioned_matrix", "run_optimizer"]


def _xy(xy):
    xy = as_finite_array(xy, "xy")
    if xy.shape[-1:] != (2,):
        raise ValueError(f"xy must have a last axis of length 2 (x, y); got shape {xy.shape}.")
    return xy[..., 0], xy[..., 1]


def rosenbrock(xy, a=1.0, b=100.0):
    """The Rosenbrock function, at one point or over a grid.

    Parameters
    ----------
    xy : array-like of shape (..., 2)
        Points; the last axis holds (x, y).
    a, b : float, default=1.0, 100.0
        The function's constants.

    Returns
    -------
    ndarray of shape (...)
        :math:`(a - x)^2 + b (y - x^2)^2`.
    """
    x, y = _xy(xy)
    return (a - x) ** 2 + b * (y - x * x) ** 2


def rosenbrock_grad(xy, a=1.0, b=100.0):
    r"""The gradient of :func:`rosenbrock`.

    Parameters
    ----------
    xy : array-like of shape (..., 2)
        Points.
    a, b : float, default=1.0, 100.0
        The function's constants.

    Returns
    -------
    ndarray of shape (..., 2)
        :math:`\big(-2(a - x) - 4bx(y - x^2),\ 2b(y - x^2)\big)`.
    """
    x, y = _xy(xy)
    r = y - x * x
    return np.stack([-2.0 * (a - x) - 4.0 * b * x * r, 2.0 * b * r], axis=-1)


def _check_quadratic(x, A):
    A = as_finite_array(A, "A", ndim=2)
    x = as_finite_array(x, "x")
    if A.shape[0] != A.shape[1] or x.shape[-1:] != A.shape[:1]:
        raise ValueError(f"A must be square and match x's last axis; got A {A.shape}, "
                         f"x {x.shape}.")
    return x, A


def quadratic(x, A):
    r"""The quadratic :math:`\tfrac12\vx^\top\mA\vx`, at one point or at many.

    Parameters
    ----------
    x : array-like of shape (..., d)
        Points.
    A : array-like of shape (d, d)
        A symmetric matrix.

    Returns
    -------
    ndarray of shape (...)
    """
    x, A = _check_quadratic(x, A)
    return 0.5 * np.einsum("...i,ij,...j->...", x, A, x)


def quadratic_grad(x, A):
    r"""The gradient :math:`\mA\vx` of :func:`quadratic` (for a symmetric ``A``).

    Parameters
    ----------
    x : array-like of shape (..., d)
        Points.
    A : array-like of shape (d, d)
        A symmetric matrix.

    Returns
    -------
    ndarray of shape (..., d)
    """
    x, A = _check_quadratic(x, A)
    return x @ A.T


def ill_conditioned_matrix(condition_number=100.0, dim=2, angle=np.pi / 6):
    r"""A symmetric positive definite matrix with eigenvalues from 1 to ``condition_number``.

    Parameters
    ----------
    condition_number : float, default=100.0
        :math:`\kappa = \lambda_{\max}/\lambda_{\min} \ge 1`, finite.
    dim : int, default=2
        The dimension; eigenvalues are spaced geometrically from 1 to :math:`\kappa`
        (``dim=1`` only with :math:`\kappa = 1`).
    angle : float, default=pi/6
        The eigenvectors are rotated by this angle in the plane of the first two coordinates
        (so that the valley is not aligned with the axes).

    Returns
    -------
    A : ndarray of shape (dim, dim)
    """
    owner = "ill_conditioned_matrix"
    condition_number = float(check_parameter(condition_number, "condition_number",
                                             [Interval(Real, 1.0, None)], owner=owner))
    dim = int(check_parameter(dim, "dim", [Interval(Integral, 1, None)], owner=owner))
    angle = float(check_parameter(angle, "angle", [Interval(Real, None, None)], owner=owner))
    if dim == 1 and condition_number != 1.0:
        raise ValueError(f"{owner}: a 1 x 1 matrix has condition number 1; got "
                         f"condition_number={condition_number} with dim=1 (use dim >= 2).")
    eig = np.geomspace(1.0, condition_number, dim)
    Q = np.eye(dim)
    if dim >= 2:
        c, s = np.cos(angle), np.sin(angle)
        Q[:2, :2] = [[c, -s], [s, c]]
    return (Q * eig) @ Q.T


def run_optimizer(make_opt, grad_fn, x0, n_steps):
    """Run an optimiser from ``x0`` for ``n_steps`` steps and return the visited points.

    Parameters
    ----------
    make_opt : callable
        ``make_opt(params) -> optimizer``, e.g. ``lambda ps: Adam(ps, lr=0.1)``; it may also
        return ``(optimizer, scheduler)``, and the scheduler then steps after every step.
    grad_fn : callable
        ``grad_fn(x) -> gradient`` of shape (dim,), given the current point (a copy).
    x0 : array-like of shape (dim,)
        The starting point.
    n_steps : int
        The number of steps, >= 0.

    Returns
    -------
    trajectory : ndarray of shape (n_steps + 1, dim)
        ``x0`` and the point after each step.
    """
    check_callable(make_opt, "make_opt", owner="run_optimizer")
    check_callable(grad_fn, "grad_fn", owner="run_optimizer")
    n_steps = int(check_parameter(n_steps, "n_steps", [Interval(Integral, 0, None)],
                                  owner="run_optimizer"))
    x0 = as_finite_array(x0, "x0", ndim=1, min_size=1)
    p = Parameter(x0)
    made = make_opt([p])
    opt, scheduler = made if isinstance(made, tuple) else (made, None)
    trajectory = np.empty((n_steps + 1, x0.size))
    trajectory[0] = x0
    for t in range(1, n_steps + 1):
        p.grad = np.array(grad_fn(p.data.copy()), dtype=np.float64)
        opt.step()
        if scheduler is not None:
            scheduler.step()
        trajectory[t] = p.data
    return trajectory
