r"""L-BFGS's two-loop recursion: the product of the implicit inverse-Hessian approximation.

Given the last :math:`m` pairs :math:`\mathbf{s}_i = \vtheta_{i+1} - \vtheta_i` and
:math:`\mathbf{y}_i = \nabla J(\vtheta_{i+1}) - \nabla J(\vtheta_i)` (local names, oldest
first), BFGS's inverse-Hessian update
:math:`\mathbf{H} \leftarrow (\mI - \rho\mathbf{s}\mathbf{y}^\top)\mathbf{H}
(\mI - \rho\mathbf{y}\mathbf{s}^\top) + \rho\mathbf{s}\mathbf{s}^\top`,
:math:`\rho = 1/\mathbf{y}^\top\mathbf{s}`, applied :math:`m` times to
:math:`\mathbf{H}_0 = \gamma\mI` with :math:`\gamma = \mathbf{s}^\top\mathbf{y} /
\mathbf{y}^\top\mathbf{y}` of the newest pair, is multiplied by a vector in :math:`O(md)`
operations without forming the :math:`d \times d` matrix (Nocedal 1980).
"""

import numpy as np

from mlmath.validation import as_finite_array

__all__ = ["lbfgs_direction"]


def lbfgs_direction(grad, s_list, y_list):
    r"""The L-BFGS search direction :math:`-\mathbf{H}_k\mathbf{g}` by the two-loop recursion.

    Parameters
    ----------
    grad : array-like of shape (d,)
        The current gradient :math:`\mathbf{g}`.
    s_list, y_list : sequences of arrays of shape (d,)
        The stored steps and gradient differences, oldest first, of equal lengths; each pair
        must satisfy the curvature condition :math:`\mathbf{y}^\top\mathbf{s} > 0`. Empty:
        the direction is :math:`-\mathbf{g}`.

    Returns
    -------
    direction : ndarray of shape (d,)
        :math:`-\mathbf{H}_k\mathbf{g}`, a descent direction.

    Notes
    -----
    Implements {eq}`eq-dlopt-lbfgs` of the chapter (Nocedal and Wright's Algorithm 7.4).
    """
    q = as_finite_array(grad, "grad", ndim=1).copy()
    if len(s_list) != len(y_list):
        raise ValueError(f"s_list and y_list must have equal lengths; got {len(s_list)} and "
                         f"{len(y_list)}.")
    S = [as_finite_array(s, "s_list[i]", shape=q.shape) for s in s_list]
    Y = [as_finite_array(y, "y_list[i]", shape=q.shape) for y in y_list]
    if not S:
        return -q
    ys = np.array([y @ s for s, y in zip(S, Y)])
    if np.any(ys <= 0):
        raise ValueError("every pair must satisfy the curvature condition y^T s > 0; got "
                         f"min y^T s = {ys.min():.3g}.")
    rho = 1.0 / ys
    a = np.empty(len(S))
    for i in range(len(S) - 1, -1, -1):  # newest to oldest
        a[i] = rho[i] * (S[i] @ q)
        q -= a[i] * Y[i]
    r = (ys[-1] / (Y[-1] @ Y[-1])) * q  # H_0 = gamma I
    for i in range(len(S)):  # oldest to newest
        b = rho[i] * (Y[i] @ r)
        r += (a[i] - b) * S[i]
    return -r
