"""Sequential minimal optimisation (SMO) for the dual of the soft-margin SVM.

The dual problem, for labels ``y_i in {-1, +1}``, a kernel matrix ``K`` and ``G_ij = y_i y_j
K_ij`` (libsvm's ``Q``), is

    minimise W(a) = 1/2 a^T F a - 1^T a   subject to   y^T a = 0,  0 <= a_i <= C_i,

with one bound ``C_i = C`` for every sample, or per-sample bounds ``C_i = C w_i`` (sample and
class weights, as libsvm). SMO changes two multipliers per iteration along the only direction
that keeps ``y^T a = 0``, with the closed-form, clipped step of the chapter's two-variable
theorem. The pair is chosen by libsvm's second-order rule (Fan, Chen and Lin, 2005), and the
iteration stops when the maximal violating pair's gap is at most ``tol``. Each iteration is a
few O(n) loops over the gradient plus at most two kernel columns, which come from a bounded
column cache.

The iterations are inherently sequential (each pair depends on the gradient the previous step
left) and each costs only O(n), so in NumPy the interpreter's overhead per iteration, not the
arithmetic, dominated; the loop and the column cache are therefore compiled with numba, written
as the plain loops of the chapter's algorithm.
"""

import warnings

import numba
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from mlmath.supervised.svm.kernels import (
    check_finite_kernel,
    kernel_description,
    kernel_diagonal,
)

__all__ = [
    "KernelColumns",
    "dual_objective",
    "two_variable_update",
    "smo",
    "kkt_violation",
]

TAU = 1e-12  # floor of the curvature K_ii + K_jj - 2 K_ij in the working-set rule (libsvm)
_KERNEL_IDS = {"linear": 0, "poly": 1, "rbf": 2, "sigmoid": 3}

# the status codes of the compiled loop
_CONVERGED, _MAX_ITER, _BAD_GAP, _NO_STEP, _BAD_COLUMN = 0, 1, 2, 3, 4


@numba.njit(cache=True)
def _kernel_column(X, sq_norms, i, kernel_id, gamma, degree, coef0, out):
    """Write ``K[:, i]`` into ``out`` in ``O(nd)`` (one matrix-vector product, then the kernel).

    Compiled with numba because SMO calls it from its compiled loop.
    """
    out[:] = np.dot(X, X[i])                       # (n,) inner products x_k^T x_i
    if kernel_id == 2:                             # rbf: exp(-gamma ||x_k - x_i||^2)
        for k in range(out.shape[0]):
            v = -2.0 * out[k] + sq_norms[k] + sq_norms[i]
            out[k] = np.exp(-gamma * max(v, 0.0))
    elif kernel_id == 1:                           # poly: (gamma x^T z + coef0)^degree
        for k in range(out.shape[0]):
            out[k] = (gamma * out[k] + coef0) ** degree
    elif kernel_id == 3:                           # sigmoid: tanh(gamma x^T z + coef0)
        for k in range(out.shape[0]):
            out[k] = np.tanh(gamma * out[k] + coef0)


@numba.njit(cache=True)
def _cached_column(X, sq_norms, kernel_id, gamma, degree, coef0, buffer, slot_of, owner, state,
                   i, keep):
    """The slot of ``buffer`` that holds ``K[:, i]``, computing the column if it is not cached.

    The cache is a ring buffer: ``slot_of[i]`` is the slot of column ``i`` (-1 if not cached),
    ``owner[s]`` the column in slot ``s``, ``state[0]`` the next slot to fill and ``state[1]``
    the number of columns computed. The slot of ``keep`` (the other column of the working pair,
    still in use) is never evicted. Returns ``-2 - s`` if the column computed into slot ``s``
    is not finite. Compiled with numba because SMO calls it from its compiled loop.
    """
    s = slot_of[i]
    if s >= 0:
        return s
    n_slots = owner.shape[0]
    s = state[0]
    if keep >= 0 and owner[s] == keep:
        s = (s + 1) % n_slots
    state[0] = (s + 1) % n_slots
    if owner[s] >= 0:                              # evict the oldest column
        slot_of[owner[s]] = -1
        owner[s] = -1
    out = buffer[s]
    _kernel_column(X, sq_norms, i, kernel_id, gamma, degree, coef0, out)
    for k in range(out.shape[0]):
        if not np.isfinite(out[k]):
            return -2 - s
    owner[s], slot_of[i] = i, s
    state[1] += 1
    return s


class KernelColumns:
    """Columns of the kernel matrix of ``X``, computed on demand and kept in a bounded cache.

    Each requested column ``K[:, i]`` costs ``O(nd)`` and at most ``cache_size`` megabytes of
    columns are kept, the oldest evicted first (all of them when the ``n^2`` floats fit). Only
    the columns SMO asks for are computed, often far fewer than ``n``, so this was faster in
    the package's benchmarks than computing the whole matrix in one block, even for small
    ``n``. For the RBF kernel the samples are centred first (the kernel is translation
    invariant, and the expansion of the squared distances loses every digit far from the
    origin). The diagonal and every computed column are checked to be finite, with a
    ``ValueError`` otherwise: SMO cannot work with infinite or NaN entries.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The training samples.
    kernel : {"linear", "poly", "rbf", "sigmoid"}
        The kernel's name.
    gamma : float, default=1.0
        The kernel's coefficient (polynomial, RBF, sigmoid).
    degree : int, default=3
        Degree of the polynomial kernel.
    coef0 : float, default=0.0
        Constant term of the polynomial and sigmoid kernels.
    cache_size : float, default=200
        Memory for cached columns, in megabytes (scikit-learn's ``SVC(cache_size=200)``).

    Attributes
    ----------
    diag : ndarray of shape (n_samples,)
        ``K[i, i]``, computed up front in ``O(nd)``.
    buffer : ndarray of shape (n_slots, n_samples)
        The cached columns, one per row.
    slot_of, owner : ndarray of int
        Column index -> row of ``buffer`` (-1 if not cached), and row -> column index.
    n_computed : int
        How many columns have been computed (a column evicted and recomputed counts twice).
    """

    def __init__(self, X, kernel, *, gamma=1.0, degree=3, coef0=0.0, cache_size=200.0):
        if kernel == "rbf" and X.shape[0]:
            X = X - X.mean(axis=0)                # translation invariant: centre (cancellation)
        self.X = np.ascontiguousarray(X, dtype=np.float64)
        self.kernel = kernel
        self.kernel_id = _KERNEL_IDS[kernel]
        self.gamma, self.degree, self.coef0 = float(gamma), degree, float(coef0)
        self._params = dict(gamma=gamma, degree=degree, coef0=coef0)
        n = X.shape[0]
        # overflow is checked for explicitly below, with a ValueError that says what to do
        with np.errstate(over="ignore", invalid="ignore"):
            self.sq_norms = np.einsum("ij,ij->i", self.X, self.X)  # (n,) for the RBF columns
            self.diag = kernel_diagonal(self.X, kernel, **self._params)
            # the curvature K_ii + K_jj - 2 K_ij is at most 4 max|K_ii| for a PSD kernel: it
            # too must be finite, or the working-set rule and the step produce NaN
            top = np.abs(self.diag).max(initial=0.0)
            if not np.isfinite(4.0 * top):
                raise ValueError(
                    f"The {kernel_description(kernel, **self._params)} has diagonal values "
                    f"k(x_i, x_i) up to {float(top)!r}: too large for floating point (SMO needs "
                    "4 max k(x_i, x_i) to be finite). Rescale X (e.g. with StandardScaler) or "
                    "use milder kernel parameters.")
        n_slots = min(max(2, int(cache_size * 2**20 // (8 * max(n, 1)))), max(n, 1))
        self.buffer = np.empty((n_slots, n))      # (n_slots, n), row s holds one column
        self.slot_of = np.full(n, -1, dtype=np.int64)  # column -> slot, -1 if not cached
        self.owner = np.full(n_slots, -1, dtype=np.int64)  # slot -> column index
        self.state = np.zeros(2, dtype=np.int64)  # next slot to fill, columns computed

    @property
    def n_computed(self):
        """How many columns have been computed."""
        return int(self.state[1])

    def _args(self):
        """The arrays and parameters the compiled functions take, in their order."""
        return (self.X, self.sq_norms, self.kernel_id, self.gamma, float(self.degree),
                self.coef0, self.buffer, self.slot_of, self.owner, self.state)

    def raise_non_finite(self, s, i):
        """Raise the ``ValueError`` for column ``i``, found not finite in slot ``s``.

        Parameters
        ----------
        s : int
            The cache slot holding the column.
        i : int
            The column's index, named in the message.

        Raises
        ------
        ValueError
            Always: the message says which kernel parameters overflow.
        """
        check_finite_kernel(self.buffer[s], self.kernel, f"kernel column {i}", **self._params)

    def column(self, i, keep=-1):
        """The column ``K[:, i]`` as a view of shape (n_samples,); do not modify it.

        Parameters
        ----------
        i : int
            The column's index.
        keep : int, default=-1
            A cached column that must not be evicted to make room (the other column of the
            working pair, whose view the caller still holds); -1 for none.

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        s = _cached_column(*self._args(), int(i), int(keep))
        if s < 0:
            self.raise_non_finite(-2 - s, i)
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


@numba.njit(cache=True)
def two_variable_update(a_i, a_j, y_i, y_j, m_i, m_j, K_ii, K_jj, K_ij, C_i, C_j):
    """The exact minimiser of the dual along ``a + t (y_i e_i - y_j e_j)`` inside the box.

    With ``m = -y * grad W(a)``, the restricted objective is
    ``W(a + t d) = W(a) - (m_i - m_j) t + 1/2 quad t^2`` with the curvature
    ``quad = K_ii + K_jj - 2 K_ij``; the box ``0 <= a_i <= C_i``, ``0 <= a_j <= C_j`` allows
    ``t`` in an interval
    ``[lower, upper]``. When ``quad > 0`` the step is ``(m_i - m_j) / quad`` clipped to it, the
    exact minimiser on the segment. When ``quad <= 0`` it is the end point in the direction of
    descent (``upper`` if ``m_i > m_j``, ``lower`` if ``m_i < m_j``, 0 if they are equal):
    the exact minimiser when ``quad = 0``, and a strict decrease of ``W`` in every case with
    ``m_i != m_j``.

    Parameters
    ----------
    a_i, a_j : float
        Current multipliers of the pair, in ``[0, C_i]`` and ``[0, C_j]``.
    y_i, y_j : float
        Their labels, ``+1`` or ``-1``.
    m_i, m_j : float
        ``-y_i grad_i`` and ``-y_j grad_j`` at the current point.
    K_ii, K_jj, K_ij : float
        The kernel entries of the pair.
    C_i, C_j : float
        The box bounds of the two multipliers (equal unless samples or classes are weighted).

    Returns
    -------
    t : float
        The step; the new multipliers are ``a_i + y_i t`` and ``a_j - y_j t``.
    new_a_i, new_a_j : float
        The new multipliers, with bounds hit exactly.

    Notes
    -----
    Implements {eq}`eq-svm-smo-step` and {eq}`eq-svm-smo-clip` of the support vector machine
    chapter ({prf:ref}`thm-svm-two-variable`). Compiled with numba because the compiled SMO
    loop calls it at every iteration; it can be called from Python all the same.
    """
    # feasible interval of t from 0 <= a_i + y_i t <= C_i and 0 <= a_j - y_j t <= C_j
    hi_i, lo_i = (C_i - a_i, -a_i) if y_i > 0 else (a_i, a_i - C_i)
    hi_j, lo_j = (a_j, a_j - C_j) if y_j > 0 else (C_j - a_j, -a_j)
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
        new_a_i = C_i if y_i > 0 else 0.0
    elif t == lo_i:
        new_a_i = 0.0 if y_i > 0 else C_i
    if t == hi_j:
        new_a_j = 0.0 if y_j > 0 else C_j
    elif t == lo_j:
        new_a_j = C_j if y_j > 0 else 0.0
    return t, min(max(new_a_i, 0.0), C_i), min(max(new_a_j, 0.0), C_j)


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
    C : float or ndarray of shape (n_samples,)
        The upper bound of the multipliers, one for all or one per sample.

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


@numba.njit(cache=True)
def _smo_loop(X, sq_norms, kernel_id, gamma, degree, coef0, buffer, slot_of, owner, state,
              diag, y, C, tol, limit, record):
    """The loop of {prf:ref}`alg-svm-smo`, compiled: see :func:`smo` for the arguments.

    Compiled with numba because its iterations are sequential (each working pair depends on
    the gradient the previous step left) and each costs only ``O(n)``: as NumPy calls, the
    interpreter's fixed overhead per iteration cost more than the arithmetic.
    Returns ``alpha, m, n_iter, status, gap, t, bad, history`` with a status code
    (``_CONVERGED``, ``_MAX_ITER``, ``_BAD_GAP``, ``_NO_STEP``, ``_BAD_COLUMN``).
    """
    n = y.shape[0]
    alpha = np.zeros(n)
    m = y.copy()                        # m = -y * grad, grad = F a - 1 = -1 at a = 0
    history = [0.0]
    n_iter, t, bad = 0, 0.0, (-1, -1)     # bad: (slot, column) of a non-finite column
    while True:
        # i: the last maximiser of m over I_up; the gap: max over I_up - min over I_low
        i, g_max, g_min, nan = -1, -np.inf, np.inf, False
        for k in range(n):
            up = alpha[k] < C[k] if y[k] > 0 else alpha[k] > 0.0
            low = alpha[k] > 0.0 if y[k] > 0 else alpha[k] < C[k]
            if up:
                nan = nan or np.isnan(m[k])
                if m[k] >= g_max:
                    i, g_max = k, m[k]
            if low:
                nan = nan or np.isnan(m[k])
                g_min = min(g_min, m[k])
        gap = np.nan if nan else g_max - g_min
        if gap <= tol:
            return alpha, m, n_iter, _CONVERGED, gap, t, bad, history
        if not np.isfinite(gap):        # NaN compares false: without this SMO never stops
            return alpha, m, n_iter, _BAD_GAP, gap, t, bad, history
        if n_iter >= limit:
            return alpha, m, n_iter, _MAX_ITER, gap, t, bad, history
        s_i = _cached_column(X, sq_norms, kernel_id, gamma, degree, coef0, buffer, slot_of,
                             owner, state, i, -1)
        if s_i < 0:
            return alpha, m, n_iter, _BAD_COLUMN, gap, t, (-2 - s_i, i), history
        K_i = buffer[s_i]
        # j: the violating partner with the largest decrease (m_i - m_l)^2 / curvature
        j, best = -1, -np.inf
        for k in range(n):
            low = alpha[k] > 0.0 if y[k] > 0 else alpha[k] < C[k]
            if low and g_max - m[k] > 0.0:
                quad = max(diag[k] + diag[i] - 2.0 * K_i[k], TAU)
                decrease = (g_max - m[k]) ** 2 / quad
                if decrease >= best:
                    j, best = k, decrease
        s_j = _cached_column(X, sq_norms, kernel_id, gamma, degree, coef0, buffer, slot_of,
                             owner, state, j, i)
        if s_j < 0:
            return alpha, m, n_iter, _BAD_COLUMN, gap, t, (-2 - s_j, j), history
        K_j = buffer[s_j]
        t, a_i, a_j = two_variable_update(alpha[i], alpha[j], y[i], y[j], m[i], m[j],
                                          diag[i], diag[j], K_i[j], C[i], C[j])
        if not t > 0.0:  # > 0 in exact arithmetic whenever gap > tol: a step of 0 repeats
            return alpha, m, n_iter, _NO_STEP, gap, t, bad, history
        for k in range(n):              # gradient update with two columns: m -= t (K_i - K_j)
            m[k] -= t * (K_i[k] - K_j[k])
        alpha[i], alpha[j] = a_i, a_j
        n_iter += 1
        if record:                      # W = 1/2 a^T F a - 1^T a = 1/2 a^T (grad - 1)
            history.append(0.5 * np.sum(alpha * (-y * m - 1.0)))


def smo(columns, y, C, *, tol=1e-3, max_iter=-1, record=False):
    """Solve the soft-margin SVM dual by SMO with second-order working-set selection.

    Parameters
    ----------
    columns : KernelColumns
        Access to the kernel matrix of the training samples.
    y : ndarray of shape (n_samples,)
        Labels in {-1, +1}.
    C : float or ndarray of shape (n_samples,)
        Upper bound of the multipliers (``C > 0``), or one bound ``C_i >= 0`` per sample
        (libsvm's weighted problem, ``C_i = C w_i``; a sample with ``C_i = 0`` is left out).
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

    Raises
    ------
    ValueError
        If the kernel values are too large for floating point (a NaN or infinite gap, a
        kernel column that is not finite, or no progress possible).

    Notes
    -----
    Implements {prf:ref}`alg-svm-smo` of the support vector machine chapter: the working set of
    {eq}`eq-svm-wss`, the step of {eq}`eq-svm-smo-step`, the gradient update of
    {eq}`eq-svm-grad-update`, the stopping rule {eq}`eq-svm-kkt-gap` and the bias of
    {eq}`eq-svm-intercept`. The loop itself is the compiled ``_smo_loop``.
    """
    y = np.ascontiguousarray(y, dtype=float)
    n = y.shape[0]
    C_vec = np.ascontiguousarray(np.broadcast_to(np.asarray(C, dtype=float), (n,)))
    limit = np.iinfo(np.int64).max if max_iter == -1 else int(max_iter)
    alpha, m, n_iter, status, gap, t, bad, history = _smo_loop(
        *columns._args(), np.ascontiguousarray(columns.diag, dtype=float), y, C_vec,
        float(tol), limit, bool(record))
    if status == _BAD_COLUMN:
        columns.raise_non_finite(*bad)
    if status == _BAD_GAP:
        raise ValueError(
            f"SMO's KKT gap became {gap} at iteration {n_iter}: the kernel values are "
            "too large for floating point. Rescale X (e.g. with StandardScaler), or use "
            "a smaller C or milder kernel parameters.")
    if status == _NO_STEP:
        raise ValueError(
            f"SMO cannot make progress at iteration {n_iter} (step {t} for a gap of "
            f"{gap}): the kernel values are too extreme for floating point. Rescale X "
            "(e.g. with StandardScaler) or use milder kernel parameters.")
    if status == _MAX_ITER:
        warnings.warn(
            f"Solver terminated early (max_iter={max_iter}). Consider pre-processing your "
            "data with StandardScaler or MinMaxScaler.",
            ConvergenceWarning,
            stacklevel=3,
        )
    b = _intercept(alpha, y, m, C_vec)
    if not np.isfinite(b):
        raise ValueError(
            f"The intercept of the SVM is {b}: the kernel values are too large for floating "
            "point. Rescale X (e.g. with StandardScaler) or use milder kernel parameters.")
    return alpha, b, n_iter, status == _CONVERGED, (list(history) if record else [])
