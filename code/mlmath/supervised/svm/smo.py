"""Sequential minimal optimisation (SMO) for the dual of the soft-margin SVM.

The dual problem, for labels ``y_i in {-1, +1}``, a kernel matrix ``K`` and ``G_ij = y_i y_j
K_ij`` (libsvm's ``Q``), is

    minimise W(a) = 1/2 a^T F a - 1^T a   subject to   y^T a = 0,  0 <= a_i <= C.

SMO changes two multipliers per iteration along the only direction that keeps ``y^T a = 0``,
with the closed-form, clipped step of the chapter's two-variable theorem. The pair is chosen by
libsvm's second-order rule (Fan, Chen and Lin, 2005), and the iteration stops when the maximal
violating pair's gap is at most ``tol``. Each iteration is a handful of O(n) array operations on
the gradient plus at most two kernel columns, which come from a bounded column cache.
"""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from mlmath.supervised.svm.kernels import (
    check_finite_kernel,
    kernel_description,
    kernel_diagonal,
    kernel_matrix,
)

__all__ = [
    "KernelColumns",
    "dual_objective",
    "two_variable_update",
    "smo",
    "kkt_violation",
]

FULL_MATRIX_MAX = 1000  # up to this n the whole kernel matrix is computed in one block
TAU = 1e-12  # floor of the curvature K_ii + K_jj - 2 K_ij in the working-set rule (libsvm)


class KernelColumns:
    """Columns of the kernel matrix of ``X``, computed on demand and kept in a bounded cache.

    When ``n <= FULL_MATRIX_MAX`` and the whole matrix fits in ``cache_size`` megabytes it is
    computed once as one block (``n^2`` floats, one matrix product); otherwise each requested
    column ``K[:, i]`` costs ``O(nd)`` and at most ``cache_size`` megabytes of columns are kept,
    the oldest evicted first. For the RBF kernel the samples are centred first (the kernel is
    translation invariant, and the expansion of the squared distances loses every digit far
    from the origin). The diagonal, the full matrix and every computed column are checked to be
    finite, with a ``ValueError`` otherwise: SMO cannot work with infinite or NaN entries.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    kernel : {"linear", "poly", "rbf", "sigmoid"}
    gamma, degree, coef0 : float, int, float
        The kernel's parameters.
    cache_size : float, default=200
        Memory for cached columns, in megabytes (scikit-learn's ``SVC(cache_size=200)``).

    Attributes
    ----------
    diag : ndarray of shape (n_samples,)
        ``K[i, i]``, computed up front in ``O(nd)``.
    n_computed : int
        How many columns have been computed (a column evicted and recomputed counts twice).
    """

    def __init__(self, X, kernel, *, gamma=1.0, degree=3, coef0=0.0, cache_size=200.0):
        if kernel == "rbf" and X.shape[0]:
            X = X - X.mean(axis=0)                # translation invariant: centre (cancellation)
        self.X = np.ascontiguousarray(X)
        self.kernel = kernel
        self.gamma, self.degree, self.coef0 = gamma, degree, coef0
        self._params = dict(gamma=gamma, degree=degree, coef0=coef0)
        n = X.shape[0]
        # overflow is checked for explicitly below, with a ValueError that says what to do
        with np.errstate(over="ignore", invalid="ignore"):
            self.sq_norms = np.einsum("ij,ij->i", self.X, self.X)  # (n,) for the RBF columns
            self.diag = kernel_diagonal(X, kernel, **self._params)
            # the curvature K_ii + K_jj - 2 K_ij is at most 4 max|K_ii| for a PSD kernel: it
            # too must be finite, or the working-set rule and the step produce NaN
            top = np.abs(self.diag).max(initial=0.0)
            if not np.isfinite(4.0 * top):
                raise ValueError(
                    f"The {kernel_description(kernel, **self._params)} has diagonal values "
                    f"k(x_i, x_i) up to {float(top)!r}: too large for floating point (SMO needs "
                    "4 max k(x_i, x_i) to be finite). Rescale X (e.g. with StandardScaler) or "
                    "use milder kernel parameters.")
        n_slots = max(2, int(cache_size * 2**20 // (8 * max(n, 1))))
        self.n_computed = 0
        if n_slots >= n and n <= FULL_MATRIX_MAX:  # small problem: one block computation
            with np.errstate(over="ignore", invalid="ignore"):
                self.full = kernel_matrix(X, X, kernel, **self._params)
            check_finite_kernel(self.full, kernel, **self._params)
            self.n_computed = n
        else:
            self.full = None
            n_slots = min(n_slots, n)
            self.buffer = np.empty((n_slots, n))  # (n_slots, n), row s holds one column
            self.slot_of = np.full(n, -1)         # column index -> slot, -1 if not cached
            self.owner = np.full(n_slots, -1)     # slot -> column index
            self.next_slot = 0

    def _compute(self, i, out):
        """Write ``K[:, i]`` into ``out`` in ``O(nd)``, checking that it is finite."""
        with np.errstate(over="ignore", invalid="ignore"):
            self._compute_unchecked(i, out)
        check_finite_kernel(out, self.kernel, f"kernel column {i}", **self._params)

    def _compute_unchecked(self, i, out):
        np.matmul(self.X, self.X[i], out=out)     # (n,) inner products x_k^T x_i
        if self.kernel == "rbf":
            out *= -2.0
            out += self.sq_norms
            out += self.sq_norms[i]
            np.maximum(out, 0.0, out=out)
            out *= -self.gamma
            np.exp(out, out=out)
        elif self.kernel == "poly":
            out *= self.gamma
            out += self.coef0
            out **= self.degree
        elif self.kernel == "sigmoid":
            out *= self.gamma
            out += self.coef0
            np.tanh(out, out=out)

    def column(self, i, keep=-1):
        """The column ``K[:, i]`` as a view of shape (n_samples,); do not modify it.

        ``keep`` names a cached column that must not be evicted to make room (the other column
        of the working pair, whose view the caller still holds).
        """
        if self.full is not None:
            return self.full[i]  # K is symmetric: row i is column i
        s = self.slot_of[i]
        if s < 0:
            s = self.next_slot
            if self.owner[s] == keep and keep >= 0:
                s = (s + 1) % len(self.owner)
            self.next_slot = (s + 1) % len(self.owner)
            if self.owner[s] >= 0:
                self.slot_of[self.owner[s]] = -1
            self._compute(i, self.buffer[s])
            self.owner[s], self.slot_of[i] = i, s
            self.n_computed += 1
        return self.buffer[s]


def dual_objective(alpha, y, K):
    """The dual objective ``W(a) = 1/2 a^T F a - 1^T a`` with ``F = (y y^T) * K``.

    Parameters
    ----------
    alpha : ndarray of shape (n_samples,)
    y : ndarray of shape (n_samples,) with entries in {-1, +1}
    K : ndarray of shape (n_samples, n_samples)

    Returns
    -------
    float

    Notes
    -----
    Implements {eq}`eq-svm-dual-soft` of the support vector machine chapter (the minimisation
    form, the negative of the dual function).
    """
    v = alpha * y
    return 0.5 * v @ K @ v - alpha.sum()


def two_variable_update(a_i, a_j, y_i, y_j, m_i, m_j, K_ii, K_jj, K_ij, C):
    """The exact minimiser of the dual along ``a + t (y_i e_i - y_j e_j)`` inside the box.

    With ``m = -y * grad W(a)``, the restricted objective is
    ``W(a + t d) = W(a) - (m_i - m_j) t + 1/2 quad t^2`` with the curvature
    ``quad = K_ii + K_jj - 2 K_ij``; the box ``0 <= a <= C`` allows ``t`` in an interval
    ``[lower, upper]``. When ``quad > 0`` the step is ``(m_i - m_j) / quad`` clipped to it, the
    exact minimiser on the segment. When ``quad <= 0`` it is the end point in the direction of
    descent (``upper`` if ``m_i > m_j``, ``lower`` if ``m_i < m_j``, 0 if they are equal):
    the exact minimiser when ``quad = 0``, and a strict decrease of ``W`` in every case with
    ``m_i != m_j``.

    Parameters
    ----------
    a_i, a_j : float
        Current multipliers of the pair, in ``[0, C]``.
    y_i, y_j : float
        Their labels, ``+1`` or ``-1``.
    m_i, m_j : float
        ``-y_i grad_i`` and ``-y_j grad_j`` at the current point.
    K_ii, K_jj, K_ij : float
        The kernel entries of the pair.
    C : float
        The box bound.

    Returns
    -------
    t : float
        The step; the new multipliers are ``a_i + y_i t`` and ``a_j - y_j t``.
    new_a_i, new_a_j : float
        The new multipliers, with bounds hit exactly.

    Notes
    -----
    Implements {eq}`eq-svm-smo-step` and {eq}`eq-svm-smo-clip` of the support vector machine
    chapter ({prf:ref}`thm-svm-two-variable`).
    """
    # feasible interval of t from 0 <= a_i + y_i t <= C and 0 <= a_j - y_j t <= C
    hi_i, lo_i = (C - a_i, -a_i) if y_i > 0 else (a_i, a_i - C)
    hi_j, lo_j = (a_j, a_j - C) if y_j > 0 else (C - a_j, -a_j)
    upper, lower = min(hi_i, hi_j), max(lo_i, lo_j)
    slope = m_i - m_j                  # minus the derivative of W(a + t d) at t = 0
    quad = K_ii + K_jj - 2.0 * K_ij    # its second derivative, the curvature of the pair
    if quad > 0.0:
        t = min(max(slope / quad, lower), upper)
    else:                              # flat or concave: the end point in the descent direction
        t = upper if slope > 0 else lower if slope < 0 else 0.0
    new_a_i, new_a_j = a_i + y_i * t, a_j - y_j * t
    # land exactly on a bound that the step reached (rounding would leave 1e-17 off it)
    if t == hi_i:
        new_a_i = C if y_i > 0 else 0.0
    elif t == lo_i:
        new_a_i = 0.0 if y_i > 0 else C
    if t == hi_j:
        new_a_j = 0.0 if y_j > 0 else C
    elif t == lo_j:
        new_a_j = C if y_j > 0 else 0.0
    return t, min(max(new_a_i, 0.0), C), min(max(new_a_j, 0.0), C)


def kkt_violation(alpha, y, grad, C):
    """The maximal violating pair's gap ``max_{I_up} m - min_{I_low} m`` with ``m = -y grad``.

    It is ``<= 0`` exactly at a solution of the dual (the KKT conditions); SMO stops when it is
    at most ``tol``.

    Parameters
    ----------
    alpha : ndarray of shape (n_samples,)
    y : ndarray of shape (n_samples,) with entries in {-1, +1}
    grad : ndarray of shape (n_samples,)
        ``F alpha - 1``.
    C : float

    Returns
    -------
    float

    Notes
    -----
    Implements {eq}`eq-svm-kkt-gap` of the support vector machine chapter.
    """
    m = -y * grad
    up = ((y > 0) & (alpha < C)) | ((y < 0) & (alpha > 0))
    low = ((y > 0) & (alpha > 0)) | ((y < 0) & (alpha < C))
    return float(m[up].max(initial=-np.inf) - m[low].min(initial=np.inf))


def _intercept(alpha, y, m, C):
    """libsvm's bias: the mean of ``m_i`` over free multipliers, else the midpoint of the bounds.

    At a solution every free multiplier has ``m_i = b`` (complementary slackness), so their mean
    is the best estimate; with none free, any ``b`` between the two bounds satisfies the KKT
    conditions and libsvm takes the midpoint.
    """
    free = (alpha > 0) & (alpha < C)
    if free.any():
        return float(m[free].mean())
    up = ((y > 0) & (alpha < C)) | ((y < 0) & (alpha > 0))
    low = ((y > 0) & (alpha > 0)) | ((y < 0) & (alpha < C))
    # b must satisfy b >= m_i on I_up and b <= m_i on I_low
    lo, hi = m[up].max(initial=-np.inf), m[low].min(initial=np.inf)
    if not np.isfinite(lo):
        return float(hi)
    if not np.isfinite(hi):
        return float(lo)
    return float(0.5 * (lo + hi))


def smo(columns, y, C, *, tol=1e-3, max_iter=-1, record=False):
    """Solve the soft-margin SVM dual by SMO with second-order working-set selection.

    Parameters
    ----------
    columns : KernelColumns
        Access to the kernel matrix of the training samples.
    y : ndarray of shape (n_samples,)
        Labels in {-1, +1}.
    C : float
        Upper bound of the multipliers (``C > 0``).
    tol : float, default=1e-3
        Stop when the maximal violating pair's gap is at most ``tol``.
    max_iter : int, default=-1
        Iteration limit; ``-1`` means none (scikit-learn's convention).
    record : bool, default=False
        Record the dual objective after every iteration (costs ``O(n)`` per iteration).

    Returns
    -------
    alpha : ndarray of shape (n_samples,)
        The multipliers.
    b : float
        The intercept of ``f(x) = sum_i alpha_i y_i k(x_i, x) + b``.
    n_iter : int
        Iterations performed.
    converged : bool
        Whether the gap fell to ``tol`` before ``max_iter``.
    history : list of float
        The dual objective at the start and after each iteration (empty unless ``record``).

    Notes
    -----
    Implements {prf:ref}`alg-svm-smo` of the support vector machine chapter: the working set of
    {eq}`eq-svm-wss`, the step of {eq}`eq-svm-smo-step`, the gradient update of
    {eq}`eq-svm-grad-update`, the stopping rule {eq}`eq-svm-kkt-gap` and the bias of
    {eq}`eq-svm-intercept`.
    """
    y = np.asarray(y, dtype=float)
    n = y.shape[0]
    alpha = np.zeros(n)
    m = y.copy()                        # m = -y * grad, grad = F a - 1 = -1 at a = 0
    up = y > 0                          # I_up at a = 0: y = +1
    low = ~up                           # I_low at a = 0: y = -1
    diag = columns.diag
    pos = y > 0
    history = [0.0] if record else []
    limit = np.inf if max_iter == -1 else max_iter
    n_iter, converged = 0, False
    # overflow shows up as a non-finite gap, which stops SMO with a ValueError below
    with np.errstate(over="ignore", invalid="ignore"):
        while True:
            m_up = np.where(up, m, -np.inf)
            i = n - 1 - int(np.argmax(m_up[::-1]))        # the last maximiser, as libsvm
            g_max = m_up[i]
            m_low = np.where(low, m, np.inf)
            gap = g_max - m_low.min()
            if gap <= tol:
                converged = True
                break
            if not np.isfinite(gap):  # NaN compares false: without this check SMO never stops
                raise ValueError(
                    f"SMO's KKT gap became {gap} at iteration {n_iter}: the kernel values are "
                    "too large for floating point. Rescale X (e.g. with StandardScaler), or use "
                    "a smaller C or milder kernel parameters.")
            if n_iter >= limit:
                break
            K_i = columns.column(i)
            diff = np.subtract(g_max, m_low, out=m_low)    # > 0 on the violating candidates
            np.maximum(diff, 0.0, out=diff)
            quad = diag + diag[i]                         # curvature of each pair (i, j)
            quad -= 2.0 * K_i
            np.maximum(quad, TAU, out=quad)
            diff *= diff
            diff /= quad                                  # twice the decrease of W for each j
            j = n - 1 - int(np.argmax(diff[::-1]))
            K_j = columns.column(j, keep=i)
            t, a_i, a_j = two_variable_update(alpha[i], alpha[j], y[i], y[j], m[i], m[j],
                                              diag[i], diag[j], K_i[j], C)
            if not t > 0.0:  # > 0 in exact arithmetic whenever gap > tol: a step of 0 repeats
                raise ValueError(
                    f"SMO cannot make progress at iteration {n_iter} (step {t} for a gap of "
                    f"{gap}): the kernel values are too extreme for floating point. Rescale X "
                    "(e.g. with StandardScaler) or use milder kernel parameters.")
            # gradient update with two kernel columns: m <- m - t (K_i - K_j)
            m -= t * (K_i - K_j)
            alpha[i], alpha[j] = a_i, a_j
            for k in (i, j):
                up[k] = (alpha[k] < C) if pos[k] else (alpha[k] > 0)
                low[k] = (alpha[k] > 0) if pos[k] else (alpha[k] < C)
            n_iter += 1
            if record:
                # W = 1/2 a^T F a - 1^T a = 1/2 a^T (grad - 1), grad = -y m
                history.append(0.5 * alpha @ (-y * m - 1.0))
    if not converged:
        warnings.warn(
            f"Solver terminated early (max_iter={max_iter}). Consider pre-processing your "
            "data with StandardScaler or MinMaxScaler.",
            ConvergenceWarning,
            stacklevel=3,
        )
    b = _intercept(alpha, y, m, C)
    if not np.isfinite(b):
        raise ValueError(
            f"The intercept of the SVM is {b}: the kernel values are too large for floating "
            "point. Rescale X (e.g. with StandardScaler) or use milder kernel parameters.")
    return alpha, b, n_iter, converged, history
