"""mlmath.plotting: each helper draws what it promises, and refuses inconsistent input."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mlmath import plotting  # noqa: E402


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_use_book_style_sets_rcparams():
    plotting.use_book_style()
    assert matplotlib.rcParams["axes.grid"] is True


def test_plot_loss_contours_with_path(ax):
    loss = lambda W: W[..., 0] ** 2 + 4 * W[..., 1] ** 2  # noqa: E731
    path = np.array([[2.0, 1.0], [1.0, 0.2], [0.0, 0.0]])
    cs = plotting.plot_loss_contours(ax, loss, xlim=(-3, 3), ylim=(-2, 2), path=path,
                                     minimum=(0, 0), path_label="GD")
    assert len(cs.levels) > 5
    np.testing.assert_array_equal(ax.lines[0].get_xydata(), path)
    assert ax.get_xlabel() == "$w_1$"
    with pytest.raises(ValueError, match="low < high"):
        plotting.plot_loss_contours(ax, loss, xlim=(1, -1), ylim=(-1, 1))
    with pytest.raises(ValueError, match=r"\(\.\.\., 2\)"):
        plotting.plot_loss_contours(ax, lambda W: W, xlim=(-1, 1), ylim=(-1, 1))


def test_plot_fit_times(ax):
    plotting.plot_fit_times(ax, [10, 100], {"ours": [1e-3, 1e-2], "scikit-learn": [2e-3, 3e-3]})
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log" and len(ax.lines) == 2
    with pytest.raises(ValueError, match="shape"):
        plotting.plot_fit_times(ax, [10, 100], {"bad": [1.0]})


def test_plot_coefficient_path(ax):
    alphas = np.geomspace(1, 1e-3, 20)
    plotting.plot_coefficient_path(ax, alphas, np.ones((3, 20)), feature_names=["a", "b", "c"])
    assert len(ax.lines) == 4  # three paths and the zero line
    with pytest.raises(ValueError, match="n_features, 20"):
        plotting.plot_coefficient_path(ax, alphas, np.ones((3, 19)))


def test_evaluate_on_grid_shapes_and_values():
    from mlmath.plotting import evaluate_on_grid

    g0, g1, v = evaluate_on_grid(lambda P: P[:, 0] + 10 * P[:, 1], (0, 1), (-1, 1),
                                 resolution=(3, 5))
    assert g0.shape == g1.shape == v.shape == (5, 3)
    np.testing.assert_allclose(v, g0 + 10 * g1)
    np.testing.assert_allclose(g0[0], [0, 0.5, 1])
    _, _, proba = evaluate_on_grid(lambda P: np.column_stack([P[:, 0], 1 - P[:, 0]]),
                                   (0, 1), (0, 1), resolution=4)
    assert proba.shape == (4, 4, 2)


def test_evaluate_on_grid_bad_input():
    from mlmath.plotting import evaluate_on_grid

    with pytest.raises(ValueError, match="at least 2 points"):
        evaluate_on_grid(lambda P: P[:, 0], (0, 1), (0, 1), resolution=1)
    with pytest.raises(ValueError, match="one value"):
        evaluate_on_grid(lambda P: P[:3, 0], (0, 1), (0, 1), resolution=4)
    with pytest.raises(ValueError):
        evaluate_on_grid(lambda P: P[:, 0], (1, 0), (0, 1))
