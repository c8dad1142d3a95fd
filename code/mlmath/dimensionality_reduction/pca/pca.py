r"""Principal component analysis, :class:`PCA`, by the SVD of the centred data.

The estimator follows scikit-learn 1.9's ``PCA``: the same solvers and the same rule to choose
between them, the same sign convention (:func:`~mlmath.dimensionality_reduction.pca.svd.svd_flip`)
and the same probabilistic-PCA likelihood behind ``score``.
"""

from numbers import Integral

import numpy as np
from scipy import linalg
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from mlmath.dimensionality_reduction.pca.svd import randomized_svd, svd_flip
from mlmath.validation import (
    Interval,
    Options,
    RealNotInt,
    as_finite_array,
    check_squares_representable,
    validate_parameters,
)

__all__ = ["PCA", "choose_n_components"]


def choose_n_components(explained_variance_ratio, fraction):
    r"""The smallest :math:`q` whose leading components explain more than ``fraction``.

    Parameters
    ----------
    explained_variance_ratio : ndarray of shape (r,)
        Ratios :math:`\lambda_j / \sum_{j'} \lambda_{j'}`, decreasing.
    fraction : float
        Target in :math:`(0, 1)`.

    Returns
    -------
    q : int
        :math:`\min\{q : \sum_{j \le q}\lambda_j / \sum_{j'}\lambda_{j'} > \text{fraction}\}`,
        capped at ``r`` (scikit-learn's rule, ``searchsorted(..., side="right") + 1``).

    Notes
    -----
    Implements {eq}`eq-pca-choose-q` of the PCA chapter.
    """
    cumulative = np.cumsum(explained_variance_ratio)
    return int(min(np.searchsorted(cumulative, fraction, side="right") + 1,
                   explained_variance_ratio.size))


class PCA(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    r"""Principal component analysis: projection on the leading right singular vectors.

    Parameters
    ----------
    n_components : int, float in (0, 1) or None, default=None
        Number :math:`q` of components kept; a float keeps the fewest components that explain
        more than that fraction of the variance (``svd_solver="full"`` or
        ``"covariance_eigh"``); ``None`` keeps ``min(n_samples, n_features)``.
    whiten : bool, default=False
        Divide every score by the standard deviation of its component, so the transformed
        training data have the identity as covariance.
    svd_solver : {"auto", "full", "covariance_eigh", "randomized"}, default="auto"
        ``"full"``: LAPACK SVD of the centred data; ``"covariance_eigh"``: eigendecomposition of
        the :math:`d\times d` covariance (fast for :math:`n \gg d`, but it squares the condition
        number); ``"randomized"``: the randomised SVD of Halko et al.; ``"auto"``: scikit-learn's
        rule (covariance when ``n >= 10 d`` and ``d <= 1000``, else full when the data are at
        most 500 on a side, else randomised when ``q < 0.8 min(n, d)``, else full).
    iterated_power : int or "auto", default="auto"
        Power iterations of the randomised solver.
    n_oversamples : int, default=10
        Oversampling of the randomised solver.
    random_state : int, RandomState instance or None, default=None
        Source of the randomised solver's test matrix.

    Attributes
    ----------
    components_ : ndarray of shape (n_components_, n_features)
        Principal axes :math:`\vv_j^\top`, orthonormal rows, the largest entry of each positive.
    explained_variance_ : ndarray of shape (n_components_,)
        :math:`s_j^2/(n - 1)`, the variances of the scores.
    explained_variance_ratio_ : ndarray of shape (n_components_,)
        Their fractions of the total variance.
    singular_values_ : ndarray of shape (n_components_,)
        :math:`s_j` of the centred data.
    mean_ : ndarray of shape (n_features,)
    n_components_ : int
    noise_variance_ : float
        The probabilistic-PCA noise variance, the mean of the discarded variances (zero when
        none are discarded), as scikit-learn computes it: with ``"full"`` and ``"randomized"``
        the mean over the ``min(n_samples, n_features) - n_components_`` the SVD has, with
        ``"covariance_eigh"`` over the ``n_features - n_components_`` eigenvalues of the
        covariance (when ``n_samples < n_features`` these include zeros, so the two differ).
    n_samples_ : int
    n_features_in_ : int

    Notes
    -----
    Implements {prf:ref}`alg-pca-svd` of the PCA chapter. Unlike scikit-learn, ``get_covariance``
    ignores ``whiten`` (the model of the data does not depend on how the scores are scaled).
    float32 input is computed in float64; as in scikit-learn, ``fit_transform``, ``transform``
    and ``inverse_transform`` return float32 for float32 input, but the fitted attributes stay
    float64 (scikit-learn stores them in float32).
    Not implemented: ``n_components="mle"``, the ``"arpack"`` solver, ``tol``, ``copy``,
    ``power_iteration_normalizer`` (power iterations are always re-orthonormalised by QR),
    sparse input.
    """

    _parameter_constraints = {
        "n_components": [Interval(Integral, 0, None), Interval(RealNotInt, 0, 1,
                                                               closed="neither"), None],
        "whiten": ["boolean"],
        "svd_solver": [Options(["auto", "full", "covariance_eigh", "randomized"])],
        "iterated_power": [Interval(Integral, 0, None), Options(["auto"])],
        "n_oversamples": [Interval(Integral, 1, None)],
        "random_state": ["random_state"],
    }

    def __init__(self, n_components=None, *, whiten=False, svd_solver="auto",
                 iterated_power="auto", n_oversamples=10, random_state=None):
        self.n_components = n_components
        self.whiten = whiten
        self.svd_solver = svd_solver
        self.iterated_power = iterated_power
        self.n_oversamples = n_oversamples
        self.random_state = random_state

    def _solver(self, n, d, q):
        if self.svd_solver != "auto":
            return self.svd_solver
        if d <= 1000 and n >= 10 * d:
            return "covariance_eigh"
        if max(n, d) <= 500:
            return "full"
        if 1 <= q < 0.8 * min(n, d):
            return "randomized"
        return "full"

    def _fit(self, X):
        """Fit; return ``(U, s)`` of the centred data (``U`` None when not computed)."""
        validate_parameters(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32])
        self._input_dtype = X.dtype                  # outputs are returned in this dtype
        X = X.astype(np.float64, copy=False)         # computed in float64 whatever the input
        n, d = X.shape
        if n < 2:
            raise ValueError(f"PCA needs at least 2 samples to estimate a variance; got "
                             f"n_samples={n}.")
        r = min(n, d)
        q = r if self.n_components is None else self.n_components
        solver = self._fit_svd_solver = self._solver(n, d, q)
        if isinstance(q, Integral) and not (0 if solver != "randomized" else 1) <= q <= r:
            low = 0 if solver != "randomized" else 1
            raise ValueError(f"n_components={q} must be between {low} and "
                             f"min(n_samples, n_features)={r} with svd_solver={solver!r}.")
        if not isinstance(q, Integral) and solver == "randomized":
            raise ValueError(f"n_components={q} (a variance fraction) needs svd_solver='full' "
                             "or 'covariance_eigh'.")
        self.mean_ = X.mean(axis=0)
        Xc = X - self.mean_                          # (n, d) centred data
        check_squares_representable(Xc)
        U = None
        if solver == "full":
            U, s, Vt = linalg.svd(Xc, full_matrices=False, check_finite=False)
            ev = s**2 / (n - 1)
        elif solver == "covariance_eigh":
            C = (Xc.T @ Xc) / (n - 1)                # (d, d) sample covariance
            lam, V = linalg.eigh(C, check_finite=False)
            ev = np.maximum(lam[::-1], 0.0)          # decreasing, clipped at zero
            Vt = V[:, ::-1].T
            s = np.sqrt(ev * (n - 1))
        else:
            rng = check_random_state(self.random_state)
            U, s, Vt = randomized_svd(Xc, q, n_oversamples=self.n_oversamples,
                                      n_iter=self.iterated_power, random_state=rng)
            ev = s**2 / (n - 1)
        U, Vt = svd_flip(U, Vt)
        if solver == "randomized":
            total = float(np.einsum("ij,ij->", Xc, Xc)) / (n - 1)
            noise = (total - ev.sum()) / (r - q) if q < r else 0.0
        else:
            total = float(ev.sum())
            if not isinstance(q, Integral):
                q = choose_n_components(ev / total, q)
            noise = float(ev[q:].mean()) if q < r else 0.0
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = ev / total
        self.n_samples_, self.n_components_ = n, int(q)
        self.components_ = Vt[:q].copy()
        self.explained_variance_ = ev[:q].copy()
        self.explained_variance_ratio_ = ratio[:q].copy()
        self.singular_values_ = s[:q].copy()
        self.noise_variance_ = noise
        return (None if U is None else U[:, :q]), s[:q]

    def fit(self, X, y=None):
        """Find the principal axes of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : None
            Ignored.

        Returns
        -------
        self : PCA
        """
        self._fit(X)
        return self

    def fit_transform(self, X, y=None):
        r"""Fit, then return the scores of the training data, :math:`\mathbf U_q\mathbf S_q`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : None
            Ignored.

        Returns
        -------
        Z : ndarray of shape (n_samples, n_components_)
            The scores (whitened: :math:`\sqrt{n - 1}\,\mathbf U_q`), float32 for float32
            input, else float64.

        Notes
        -----
        Implements {eq}`eq-pca-scores-svd` of the PCA chapter.
        """
        U, s = self._fit(X)
        if U is None:
            return self.transform(X)
        Z = U * np.sqrt(self.n_samples_ - 1) if self.whiten else U * s
        return Z.astype(self._input_dtype, copy=False)

    def _scales(self):
        # standard deviations of the components, floored at machine epsilon (as scikit-learn)
        return np.maximum(np.sqrt(self.explained_variance_), np.finfo(float).eps)

    def transform(self, X):
        r"""Scores of new points, :math:`\vz = \mathbf V_q^\top(\vx - \bar\vx)`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The points.

        Returns
        -------
        Z : ndarray of shape (n_samples, n_components_)
            Their scores, divided by the components' standard deviations if ``whiten``;
            float32 for float32 input, else float64.

        Notes
        -----
        Implements {eq}`eq-pca-encode` (and {eq}`eq-pca-whiten` when whitening) of the PCA
        chapter.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        out_dtype = X.dtype
        # project, then subtract the projected mean: no centred copy of X (as scikit-learn)
        Z = X.astype(np.float64, copy=False) @ self.components_.T
        Z -= self.mean_ @ self.components_.T
        if self.whiten:
            Z /= self._scales()
        return Z.astype(out_dtype, copy=False)

    def inverse_transform(self, X):
        r"""Map scores back to the data space, :math:`\hat\vx = \bar\vx + \mathbf V_q\vz`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components_)
            Scores (whitened ones if ``whiten``).

        Returns
        -------
        X_hat : ndarray of shape (n_samples, n_features)
            The reconstructions; float32 for float32 scores, else float64.

        Notes
        -----
        Implements {eq}`eq-pca-decode` of the PCA chapter.
        """
        check_is_fitted(self)
        out_dtype = np.float32 if getattr(X, "dtype", None) == np.float32 else np.float64
        Z = as_finite_array(X, "X", ndim=2)
        if Z.shape[1] != self.n_components_:
            raise ValueError(f"X has {Z.shape[1]} columns, but this PCA has "
                             f"n_components_={self.n_components_}: pass its scores.")
        if self.whiten:
            Z = Z * np.sqrt(self.explained_variance_)
        return (Z @ self.components_ + self.mean_).astype(out_dtype, copy=False)

    def get_covariance(self):
        r"""The probabilistic-PCA covariance :math:`\mathbf W\mathbf W^\top + \sigma^2\mI`.

        Returns
        -------
        C : ndarray of shape (n_features, n_features)
            :math:`\mathbf V_q(\boldsymbol\Lambda_q - \sigma^2\mI)\mathbf V_q^\top + \sigma^2\mI`
            with :math:`\sigma^2` = ``noise_variance_``.

        Notes
        -----
        Implements {eq}`eq-pca-ppca-ml` and {eq}`eq-pca-ppca-marginal` of the PCA chapter.
        """
        check_is_fitted(self)
        diff = np.maximum(self.explained_variance_ - self.noise_variance_, 0.0)
        C = (self.components_.T * diff) @ self.components_
        C[np.diag_indices_from(C)] += self.noise_variance_
        return C

    def get_precision(self):
        r"""The inverse of :meth:`get_covariance` (Woodbury identity when :math:`\sigma^2 > 0`).

        Returns
        -------
        P : ndarray of shape (n_features, n_features)
        """
        check_is_fitted(self)
        d = self.components_.shape[1]
        sigma2 = self.noise_variance_
        if sigma2 == 0.0:
            return linalg.inv(self.get_covariance())
        if self.n_components_ == 0:
            return np.eye(d) / sigma2
        # C = V D V^T + sigma2 I with orthonormal V: C^{-1} = (I - V D (D + sigma2)^{-1} V^T)/sigma2
        diff = np.maximum(self.explained_variance_ - sigma2, 0.0)
        V = self.components_
        P = -(V.T * (diff / (diff + sigma2))) @ V
        P[np.diag_indices_from(P)] += 1.0
        return P / sigma2

    def score_samples(self, X):
        r"""Log-density of every point under the fitted probabilistic PCA model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The points.

        Returns
        -------
        log_density : ndarray of shape (n_samples,)

        Notes
        -----
        Implements {eq}`eq-pca-ppca-marginal` of the PCA chapter.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        R = X - self.mean_
        P = self.get_precision()
        sign, logdet = np.linalg.slogdet(P)
        quad = np.einsum("ij,ij->i", R @ P, R)
        return -0.5 * (quad + X.shape[1] * np.log(2.0 * np.pi) - logdet)

    def score(self, X, y=None):
        """Mean log-density of the points under the probabilistic PCA model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The points.
        y : None
            Ignored.

        Returns
        -------
        float
        """
        return float(np.mean(self.score_samples(X)))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    @property
    def _n_features_out(self):
        return self.components_.shape[0]
