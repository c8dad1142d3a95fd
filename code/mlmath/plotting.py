"""The few plot helpers the chapters share (matplotlib).

Estimators never plot; chapters call these on axes they own, so every figure of the book has
the same look and each helper is tested once.
"""

import matplotlib as mpl
import numpy as np

__all__ = [
    "use_book_style",
    "plot_loss_contours",
    "plot_fit_times",
    "plot_coefficient_path",
    "evaluate_on_grid",
]

BOOK_STYLE = {
    "figure.figsize": (7.0, 4.2),
    "figure.dpi": 110,
    "savefig.dpi": 110,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "lines.linewidth": 1.8,
    "image.cmap": "viridis",
    "svg.hashsalt": "mlmath",  # deterministic SVG ids
}


def use_book_style():
    """Apply the book's matplotlib style (figure size, grid, fonts) to later figures.

    Parameters
    ----------
    None

    Returns
    -------
    None
        ``matplotlib.rcParams`` is updated in place.
    """
    mpl.rcParams.update(BOOK_STYLE)


def _check_limits(lim, name):
    lim = tuple(float(v) for v in lim)
    if len(lim) != 2 or not lim[0] < lim[1]:
        raise ValueError(f"{name} must be (low, high) with low < high, got {lim}.")
    return lim


def plot_loss_contours(ax, loss, *, xlim, ylim, levels=30, path=None, minimum=None,
                       path_label=None, resolution=200):
    """Draw the contours of a loss over two parameters, optionally with an optimiser's path.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    loss : callable
        Maps an array ``W`` of shape ``(..., 2)`` to the loss values, shape ``(...)``.
    xlim, ylim : tuple of float
        Ranges of the first and second parameter.
    levels : int or array-like, default=30
        Contour levels; an int gives that many levels spaced evenly in the square root of the
        loss, which spreads the rings of a quadratic evenly.
    path : array-like of shape (n_steps, 2), default=None
        Iterates to draw as connected dots.
    minimum : array-like of shape (2,), default=None
        The minimiser, drawn as a star.
    path_label : str, default=None
        Legend label of the path.
    resolution : int, default=200
        Grid points per axis.

    Returns
    -------
    matplotlib.contour.QuadContourSet
    """
    xlim, ylim = _check_limits(xlim, "xlim"), _check_limits(ylim, "ylim")
    g0, g1 = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
    Z = np.asarray(loss(np.stack([g0, g1], axis=-1)))
    if Z.shape != g0.shape:
        raise ValueError(f"loss must map (..., 2) to (...): got shape {Z.shape} for {g0.shape}.")
    if isinstance(levels, int):
        lo, hi = np.sqrt(max(Z.min(), 0.0)), np.sqrt(Z.max())
        levels = np.unique(np.linspace(lo, hi, levels + 1)[1:] ** 2)
    cs = ax.contour(g0, g1, Z, levels=levels, cmap="viridis", linewidths=0.8)
    if path is not None:
        path = np.asarray(path, dtype=float)
        ax.plot(path[:, 0], path[:, 1], "o-", color="tab:red", ms=3, lw=1.2, label=path_label)
    if minimum is not None:
        ax.plot(*np.asarray(minimum, dtype=float), "*", color="black", ms=12, label="minimiser")
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    if path_label is not None or minimum is not None:
        ax.legend(loc="upper right")
    return cs


def plot_fit_times(ax, sizes, times, *, xlabel="n (samples)"):
    """Plot fit time against problem size on log-log axes, one line per implementation.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    sizes : array-like of shape (n_sizes,)
    times : dict of str to array-like of shape (n_sizes,)
        Seconds per fit for each labelled implementation.
    xlabel : str, default="n (samples)"

    Returns
    -------
    None
        The curves are drawn on ``ax``.
    """
    sizes = np.asarray(sizes, dtype=float)
    for label, t in times.items():
        t = np.asarray(t, dtype=float)
        if t.shape != sizes.shape:
            raise ValueError(f"times[{label!r}] has shape {t.shape}, expected {sizes.shape}.")
        ax.loglog(sizes, t, "o-", ms=4, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("fit time (s)")
    ax.legend()


def plot_coefficient_path(ax, alphas, coefs, *, feature_names=None):
    """Plot each coefficient against the regularisation strength (log axis, decreasing).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    alphas : array-like of shape (n_alphas,)
    coefs : array-like of shape (n_features, n_alphas)
    feature_names : list of str, default=None
        Legend labels; ``None`` labels nothing.

    Returns
    -------
    None
        The paths are drawn on ``ax``.
    """
    alphas = np.asarray(alphas, dtype=float)
    coefs = np.asarray(coefs, dtype=float)
    if coefs.ndim != 2 or coefs.shape[1] != alphas.size:
        raise ValueError(
            f"coefs must have shape (n_features, {alphas.size}), got {coefs.shape}."
        )
    for j, row in enumerate(coefs):
        ax.plot(alphas, row, label=None if feature_names is None else feature_names[j])
    ax.set_xscale("log")
    ax.invert_xaxis()
    ax.axhline(0.0, color="black", lw=0.6)
    ax.set_xlabel(r"$\alpha$ (decreasing)")
    ax.set_ylabel("coefficient")
    if feature_names is not None:
        ax.legend(ncol=2, fontsize=8)


def evaluate_on_grid(fn, xlim, ylim, *, resolution=200):
    """Evaluate a function of 2-D points on a regular grid, for decision-region plots.

    Parameters
    ----------
    fn : callable
        Maps an array of shape (n_points, 2) to values of shape (n_points,) or
        (n_points, k): ``model.predict``, ``model.decision_function``,
        ``model.predict_proba``, ...
    xlim, ylim : tuple of float
        ``(low, high)`` ranges of the first and second coordinate.
    resolution : int or tuple of int, default=200
        Grid points per axis, or ``(nx, ny)``.

    Returns
    -------
    g0, g1 : ndarray of shape (ny, nx)
        The grid's coordinates, as ``np.meshgrid`` gives them (ready for ``contourf``).
    values : ndarray of shape (ny, nx) or (ny, nx, k)
        ``fn`` at every grid point.
    """
    nx, ny = (resolution, resolution) if np.ndim(resolution) == 0 else resolution
    for n, name in ((nx, "nx"), (ny, "ny")):
        if isinstance(n, bool) or int(n) != n or n < 2:
            raise ValueError(f"resolution must give at least 2 points per axis; {name}={n!r}.")
    xlim, ylim = _check_limits(xlim, "xlim"), _check_limits(ylim, "ylim")
    g0, g1 = np.meshgrid(np.linspace(*xlim, int(nx)), np.linspace(*ylim, int(ny)))
    values = np.asarray(fn(np.column_stack([g0.ravel(), g1.ravel()])))
    if values.shape[:1] != (g0.size,):
        raise ValueError(f"fn must return one value (or row) per point: {g0.size} expected, "
                         f"got shape {values.shape}.")
    return g0, g1, values.reshape(g0.shape + values.shape[1:])
