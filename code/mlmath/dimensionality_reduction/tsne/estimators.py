r"""The t-SNE estimator, :class:`TSNE`, with scikit-learn's API, defaults and schedule."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from mlmath.dimensionality_reduction.tsne.affinities import (
    joint_affinities,
    joint_affinities_nn,
    nearest_neighbors,
)
from mlmath.dimensionality_reduction.tsne.barnes_hut import (
    kl_divergence_and_gradient_bh,
    upper_pairs,
)
from mlmath.dimensionality_reduction.tsne.objective import (
    kl_divergence_and_gradient,
    pairwise_sq_distances,
)
from mlmath.dimensionality_reduction.tsne.optimizer import gradient_descent
from mlmath.validation import (
    Interval,
    Options,
    as_finite_array,
    check_squares_representable,
    validate_parameters,
)

__all__ = ["TSNE", "pca_initialisation"]


def pca_initialisation(X, n_components):
    r"""The first ``n_components`` principal-component scores of ``X``, scaled so that the first
    has standard deviation :math:`10^{-4}` (scikit-learn's ``init="pca"``).

    Signs follow scikit-learn's convention: the entry of largest magnitude of each principal
    direction is positive.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The data, with ``n_features >= n_components``.
    n_components : int
        The embedding dimension :math:`q`.

    Returns
    -------
    Z0 : ndarray of shape (n_samples, n_components)
    """
    Xc = X - X.mean(axis=0)
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    signs = np.sign(Vt[np.arange(Vt.shape[0]), np.argmax(np.abs(Vt), axis=1)])
    signs[signs == 0] = 1.0
    scores = U[:, :n_components] * (s[:n_components] * signs[:n_components])
    std = np.std(scores[:, 0])
    if std == 0.0:                    # every sample equal: nothing to spread, start at 0
        return np.zeros((X.shape[0], n_components))
    return scores / std * 1e-4


def _precomputed_neighbors(D, n_neighbors):
    """The nearest ``n_neighbors`` other samples by a precomputed distance matrix (squared)."""
    D = D.copy()
    np.fill_diagonal(D, np.inf)
    part = np.argpartition(D, n_neighbors - 1, axis=1)[:, :n_neighbors]
    d = np.take_along_axis(D, part, axis=1)
    order = np.argsort(d, axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1), np.take_along_axis(d, order, axis=1) ** 2


class TSNE(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    r"""t-distributed stochastic neighbour embedding, exact or Barnes–Hut.

    Parameters
    ----------
    n_components : int, default=2
        The embedding dimension :math:`q` (at most 3 for ``method="barnes_hut"``).
    perplexity : float, default=30.0
        The target perplexity :math:`\mathrm{Perp}^\star` of every conditional distribution
        (an effective number of neighbours). A point has at most :math:`n - 1` candidate
        neighbours, so a perplexity of :math:`n - 1` or more cannot be reached (it would give
        near-uniform rows after the step limit); such a value is replaced, with a warning, by
        :math:`\max((n-1)/3, 1)`, so that small data can still be embedded (scikit-learn raises
        for a perplexity of at least :math:`n`).
    early_exaggeration : float, default=12.0
        The factor :math:`\chi \ge 1` that multiplies :math:`P` in the first 250 iterations.
    learning_rate : float or "auto", default="auto"
        The step size :math:`\eta`; ``"auto"`` is :math:`\max(n / \chi / 4, 50)`.
    max_iter : int, default=1000
        Iterations in all, at least 250 (those of early exaggeration included).
    n_iter_without_progress : int, default=300
        Stop the main phase when the objective has not improved for this many iterations.
    min_grad_norm : float, default=1e-7
        Stop when the norm of the gain-scaled gradient is at most this.
    metric : {"euclidean", "precomputed"}, default="euclidean"
        ``"precomputed"``: ``X`` is a square matrix of distances (not squared).
    init : {"pca", "random"} or ndarray of shape (n_samples, n_components), default="pca"
        The starting embedding: principal-component scores scaled to standard deviation
        :math:`10^{-4}`, or Gaussian noise of that standard deviation, or the array given.
    random_state : int, RandomState instance or None, default=None
        Seeds ``init="random"``.
    method : {"barnes_hut", "exact"}, default="barnes_hut"
        ``"exact"``: dense :math:`P` and the exact gradient, :math:`O(n^2)` per iteration;
        ``"barnes_hut"``: :math:`P` over the :math:`\lfloor 3\,\mathrm{Perp}^\star\rfloor + 1`
        nearest neighbours and the tree approximation of the repulsive forces.
    angle : float, default=0.5
        The Barnes–Hut opening angle :math:`\vartheta \in [0, 1]`.

    Attributes
    ----------
    embedding_ : ndarray of shape (n_samples, n_components)
        The embedding :math:`\vz_1, \dots, \vz_n`.
    kl_divergence_ : float
        The objective at ``embedding_`` (exact for ``"exact"``, the Barnes–Hut estimate
        otherwise).
    kl_history_ : ndarray of shape (n_checks, 2)
        ``(iteration, objective)`` every 50 iterations; during early exaggeration the value is
        that of :math:`\chi P`, :math:`\sum \chi p_{ij}\log(\chi p_{ij}/q_{ij}) =
        \chi(\log\chi + \mathrm{KL}(P\,\|\,Q))`, not a divergence.
    n_iter_ : int
        The index of the last iteration run: ``max_iter - 1`` when no stopping rule fired and
        ``max_iter > 250``; 250 when ``max_iter = 250`` (the main phase runs no iteration), as
        in scikit-learn.
    learning_rate_ : float
        The step size used.
    perplexity_ : float
        The perplexity used.
    n_features_in_ : int
        Number of features seen in ``fit``.

    Notes
    -----
    Implements {prf:ref}`alg-tsne` of the t-SNE chapter: the objective {eq}`eq-tsne-kl`, the
    gradient {eq}`eq-tsne-gradient` and its Barnes–Hut estimate {eq}`eq-tsne-bh-cell`.
    Left out from scikit-learn's twin: ``metric`` other than Euclidean or precomputed,
    ``metric_params``, ``verbose``, ``n_jobs``, sparse input. Other differences: a perplexity
    of at least :math:`n - 1` is replaced (scikit-learn raises at :math:`n`);
    ``kl_divergence_`` is evaluated at the returned embedding (scikit-learn's is at the iterate
    before the last update); the gradient for :math:`q \ge 3` uses the exact derivative of the
    Student-t kernel with :math:`\nu = q - 1` (see the t-SNE chapter).
    """

    _parameter_constraints = {
        "n_components": [Interval(Integral, 1, None)],
        "perplexity": [Interval(Real, 0, None, closed="neither")],
        "early_exaggeration": [Interval(Real, 1, None, closed="left")],
        "learning_rate": [Options(["auto"]), Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 250, None)],
        "n_iter_without_progress": [Interval(Integral, -1, None)],
        "min_grad_norm": [Interval(Real, 0, None, closed="left")],
        "metric": [Options(["euclidean", "precomputed"])],
        "init": [Options(["pca", "random"]), np.ndarray],
        "random_state": ["random_state"],
        "method": [Options(["barnes_hut", "exact"])],
        "angle": [Interval(Real, 0, 1, closed="both")],
    }

    _EXPLORATION_MAX_ITER = 250
    _N_ITER_CHECK = 50

    def __init__(self, n_components=2, *, perplexity=30.0, early_exaggeration=12.0,
                 learning_rate="auto", max_iter=1000, n_iter_without_progress=300,
                 min_grad_norm=1e-7, metric="euclidean", init="pca", random_state=None,
                 method="barnes_hut", angle=0.5):
        self.n_components = n_components
        self.perplexity = perplexity
        self.early_exaggeration = early_exaggeration
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.n_iter_without_progress = n_iter_without_progress
        self.min_grad_norm = min_grad_norm
        self.metric = metric
        self.init = init
        self.random_state = random_state
        self.method = method
        self.angle = angle

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.pairwise = self.metric == "precomputed"
        return tags

    @property
    def _n_features_out(self):
        return self.embedding_.shape[1]

    def _check_input(self, X):
        X = validate_data(self, X, dtype=np.float64, ensure_min_samples=2)
        n, q = X.shape[0], self.n_components
        if self.method == "barnes_hut" and q > 3:
            raise ValueError(f"n_components={q} is too large for method='barnes_hut', whose "
                             "tree has 2**n_components children per cell: use "
                             "n_components <= 3 or method='exact'.")
        if self.metric == "precomputed":
            if isinstance(self.init, str) and self.init == "pca":
                raise ValueError('The parameter init="pca" cannot be used with '
                                 'metric="precomputed": pass init="random" or an array.')
            if X.shape[0] != X.shape[1]:
                raise ValueError(f"With metric='precomputed', X should be a square distance "
                                 f"matrix; got shape {X.shape}.")
            if np.any(X < 0):
                raise ValueError("With metric='precomputed', X should contain non-negative "
                                 "distances; got negative entries.")
        else:
            check_squares_representable(X)
            if isinstance(self.init, str) and self.init == "pca" and X.shape[1] < q:
                raise ValueError(f"init='pca' needs n_features >= n_components; got "
                                 f"n_features={X.shape[1]} and n_components={q}: use "
                                 "init='random'.")
        if not isinstance(self.init, str):
            init = as_finite_array(self.init, "init", ndim=2)
            if init.shape != (n, q):
                raise ValueError(f"init has shape {init.shape}; expected (n_samples, "
                                 f"n_components) = {(n, q)}.")
        return X

    def _affinities(self, X, perplexity):
        n = X.shape[0]
        if self.metric != "precomputed":
            # distances are translation invariant; centring keeps the expansion
            # |x|^2 - 2 x.x' + |x'|^2 from cancelling catastrophically on offset data
            X = X - X.mean(axis=0)
        if self.method == "exact":
            D = X ** 2 if self.metric == "precomputed" else pairwise_sq_distances(X)
            return joint_affinities(D, perplexity)
        k = min(n - 1, int(3.0 * perplexity + 1))
        if self.metric == "precomputed":
            idx, d2 = _precomputed_neighbors(X, k)
        else:
            idx, d2 = nearest_neighbors(X, k)
        return joint_affinities_nn(idx, d2, perplexity)

    def fit_transform(self, X, y=None):
        """Fit the embedding of ``X`` and return it.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, n_samples)
            The samples, or their distance matrix when ``metric="precomputed"``.
        y : None
            Ignored.

        Returns
        -------
        Z : ndarray of shape (n_samples, n_components)
            The embedding.
        """
        validate_parameters(self)
        X = self._check_input(X)
        n, q = X.shape[0], self.n_components
        rng = check_random_state(self.random_state)
        self.perplexity_ = float(self.perplexity)
        if self.perplexity_ >= n - 1:                  # unreachable with n - 1 candidates
            self.perplexity_ = max((n - 1) / 3.0, 1.0)
            warnings.warn(f"perplexity={self.perplexity} is not below n_samples - 1 = {n - 1}: "
                          f"using perplexity={self.perplexity_:.4g} instead.", UserWarning,
                          stacklevel=2)
        self.learning_rate_ = (max(n / self.early_exaggeration / 4.0, 50.0)
                               if self.learning_rate == "auto" else float(self.learning_rate))
        P = self._affinities(X, self.perplexity_)
        if not isinstance(self.init, str):
            Z = np.array(self.init, dtype=np.float64)
        elif self.init == "pca":
            Z = pca_initialisation(X, q)
        else:
            Z = 1e-4 * rng.standard_normal((n, q))
        dof = float(max(q - 1, 1))
        exact = self.method == "exact"

        if not exact:
            P = upper_pairs(P)

        def objective(P_, scale):
            P_ = (P_ * scale if exact else (P_[0], P_[1], P_[2] * scale)) if scale != 1 else P_

            def f(z, compute_error):
                if exact:
                    return kl_divergence_and_gradient(P_, z, dof, compute_error)
                return kl_divergence_and_gradient_bh(P_, z, self.angle, dof, compute_error)
            return f

        common = dict(n_iter_check=self._N_ITER_CHECK, min_grad_norm=self.min_grad_norm,
                      learning_rate=self.learning_rate_)
        # early exaggeration: chi * P, momentum 0.5, 250 iterations
        Z, _, it, hist1 = gradient_descent(
            objective(P, float(self.early_exaggeration)), Z, it=0,
            max_iter=self._EXPLORATION_MAX_ITER, momentum=0.5,
            n_iter_without_progress=self._EXPLORATION_MAX_ITER, **common)
        # main phase: P, momentum 0.8, fresh gains, up to max_iter in all
        Z, _, it, hist2 = gradient_descent(
            objective(P, 1.0), Z, it=it + 1, max_iter=self.max_iter, momentum=0.8,
            n_iter_without_progress=self.n_iter_without_progress, **common)
        self.n_iter_ = it
        self.kl_history_ = np.array(hist1 + hist2, dtype=float).reshape(-1, 2)
        self.kl_divergence_ = float(objective(P, 1.0)(Z, True)[0])
        self.embedding_ = Z
        return Z

    def fit(self, X, y=None):
        """Fit the embedding of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, n_samples)
            The samples, or their distance matrix when ``metric="precomputed"``.
        y : None
            Ignored.

        Returns
        -------
        self : TSNE
        """
        self.fit_transform(X)
        check_is_fitted(self)
        return self
