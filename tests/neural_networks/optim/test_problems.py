"""The test surfaces' gradients (against torch.autograd) and the trajectory driver."""

import numpy as np
import pytest
import torch

from mlmath.neural_networks.optim import (
    SGD,
    StepLR,
    ill_conditioned_matrix,
    quadratic,
    quadratic_grad,
    rosenbrock,
    rosenbrock_grad,
    run_optimizer,
)


def test_rosenbrock_and_its_gradient():
    rng = np.random.default_rng(0)
    pts = rng.uniform(-2, 2, size=(20, 2))
    t = torch.tensor(pts, requires_grad=True)
    f = (1 - t[:, 0]) ** 2 + 100 * (t[:, 1] - t[:, 0] ** 2) ** 2
    f.sum().backward()
    np.testing.assert_allclose(rosenbrock(pts), f.detach().numpy(), rtol=1e-14)
    np.testing.assert_allclose(rosenbrock_grad(pts), t.grad.numpy(), rtol=1e-12, atol=1e-12)
    assert rosenbrock([1.0, 1.0]) == 0.0
    np.testing.assert_array_equal(rosenbrock_grad([1.0, 1.0]), [0.0, 0.0])
    grid = np.stack(np.meshgrid(np.linspace(-2, 2, 5), np.linspace(-1, 3, 4)), axis=-1)
    assert rosenbrock(grid).shape == (4, 5)
    with pytest.raises(ValueError, match="length 2"):
        rosenbrock([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="NaN"):
        rosenbrock_grad([np.nan, 1.0])


def test_quadratic_and_the_ill_conditioned_matrix():
    A = ill_conditioned_matrix(100.0, dim=2)
    eig = np.linalg.eigvalsh(A)
    np.testing.assert_allclose(eig, [1.0, 100.0])
    assert np.allclose(A, A.T) and abs(A[0, 1]) > 1  # rotated: not axis-aligned
    np.testing.assert_allclose(np.linalg.eigvalsh(ill_conditioned_matrix(10.0, dim=3)),
                               [1.0, np.sqrt(10.0), 10.0])
    x = np.array([0.3, -0.7])
    t = torch.tensor(x, requires_grad=True)
    (0.5 * t @ torch.tensor(A) @ t).backward()
    assert quadratic(x, A) == pytest.approx(0.5 * x @ A @ x)
    np.testing.assert_allclose(quadratic_grad(x, A), t.grad.numpy(), rtol=1e-13)
    assert quadratic(np.zeros((7, 2)), A).shape == (7,)
    with pytest.raises(ValueError, match="square"):
        quadratic(x, np.ones((2, 3)))
    with pytest.raises(ValueError, match="condition_number"):
        ill_conditioned_matrix(0.5)


@pytest.mark.parametrize("kwargs, match", [
    (dict(condition_number=100.0, dim=1), "condition number 1"),  # was [[1.]] silently
    (dict(condition_number=np.inf), "condition_number"),          # was an inf matrix
    (dict(condition_number=np.nan), "condition_number"),
    (dict(angle=np.nan), "angle"),                                 # was a NaN matrix
    (dict(angle=np.inf), "angle"),
    (dict(dim=0), "dim"),
])
def test_ill_conditioned_matrix_refuses_what_it_cannot_build(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ill_conditioned_matrix(**kwargs)


def test_ill_conditioned_matrix_in_one_dimension():
    np.testing.assert_array_equal(ill_conditioned_matrix(1.0, dim=1), [[1.0]])
    np.testing.assert_allclose(np.linalg.eigvalsh(ill_conditioned_matrix(1, dim=3, angle=0)),
                               np.ones(3))


def test_run_optimizer():
    A = np.diag([1.0, 4.0])
    traj = run_optimizer(lambda ps: SGD(ps, lr=0.1), lambda x: A @ x, [1.0, 1.0], 3)
    assert traj.shape == (4, 2)
    np.testing.assert_allclose(traj[:, 0], 0.9 ** np.arange(4))
    np.testing.assert_allclose(traj[:, 1], 0.6 ** np.arange(4))

    def with_schedule(ps):
        opt = SGD(ps, lr=0.1)
        return opt, StepLR(opt, step_size=1, gamma=0.5)

    traj = run_optimizer(with_schedule, lambda x: A @ x, [1.0, 1.0], 2)
    np.testing.assert_allclose(traj[:, 0], [1.0, 0.9, 0.9 * 0.95])
    assert run_optimizer(lambda ps: SGD(ps), lambda x: x, [1.0], 0).shape == (1, 1)
    with pytest.raises(ValueError, match="n_steps"):
        run_optimizer(lambda ps: SGD(ps), lambda x: x, [1.0], -1)
    with pytest.raises(ValueError, match="x0"):
        run_optimizer(lambda ps: SGD(ps), lambda x: x, [[1.0]], 1)
