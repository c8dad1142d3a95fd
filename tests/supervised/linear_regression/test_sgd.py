"""Derivation tests of mlmath.supervised.linear_regression.sgd: one step is the stated
proximal-gradient update,
with the gradient of the smooth part checked by torch.autograd."""

import numpy as np
import pytest
import torch

from mlmath.supervised.linear_regression.coordinate_descent import soft_threshold
from mlmath.supervised.linear_regression.sgd import (
    learning_rate_schedule,
    penalised_objective,
    penalty_weights,
    sgd_epoch,
    sgd_updates,
)


@pytest.mark.parametrize("penalty,rho",
                         [("l2", 0.15), ("l1", 0.15), ("elasticnet", 0.3), (None, 0.5)])
def test_one_step_is_a_proximal_gradient_step(penalty, rho):
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((8, 3)), rng.standard_normal(8)
    w, b, alpha, eta = rng.standard_normal(3), 0.4, 0.2, 0.05
    l1, l2 = penalty_weights(penalty, rho)
    # Gradient of the smooth part on the batch, by autograd.
    wt = torch.tensor(w, requires_grad=True)
    bt = torch.tensor(b, requires_grad=True, dtype=torch.float64)
    smooth = (0.5 * torch.mean((torch.from_numpy(y) - torch.from_numpy(X) @ wt - bt) ** 2)
              + alpha * l2 / 2 * wt @ wt)
    smooth.backward()
    expected_w = soft_threshold(w - eta * wt.grad.numpy(), eta * alpha * l1)
    expected_b = b - eta * bt.grad.item()
    new_w, new_b, t = sgd_epoch(X, y, w.copy(), b, alpha=alpha, l1_weight=l1, l2_weight=l2,
                                fit_intercept=True, batch_size=8,
                                step=lambda t: np.full(np.shape(t), eta), t=0,
                                order=np.arange(8))
    assert t == 1
    np.testing.assert_allclose(new_w, expected_w, rtol=1e-12)
    assert new_b == pytest.approx(expected_b, rel=1e-12)


def test_batches_partition_the_epoch():
    X, y = np.ones((10, 1)), np.ones(10)
    seen = []

    def record(ts):
        seen.extend(ts.tolist())
        return np.zeros(ts.shape)

    _, _, t = sgd_epoch(X, y, np.zeros(1), 0.0, alpha=0.0, l1_weight=0.0, l2_weight=0.0,
                        fit_intercept=False, batch_size=4, step=record, t=3, order=np.arange(10))
    assert seen == [4, 5, 6] and t == 6  # 4 + 4 + 2 samples


def test_schedules_and_objective():
    assert learning_rate_schedule("constant", 0.1, 0.25)(100) == 0.1
    assert learning_rate_schedule("invscaling", 0.1, 0.5)(4) == pytest.approx(0.05)
    np.testing.assert_allclose(learning_rate_schedule("invscaling", 1.0, 0.5)(np.array([1, 4])),
                               [1.0, 0.5])
    X, y = np.eye(2), np.array([1.0, 0.0])
    w = np.array([1.0, -2.0])
    # residuals (0, 2): 0.5 * mean(0, 4) = 1; penalty 0.1 * (0.5 * 3 + 0.5/2 * 5) = 0.275
    assert penalised_objective(X, y, w, 0.0, 0.1, 0.5, 0.5) == pytest.approx(1.275)


def test_step_cap_bounds_the_batch_curvature():
    rng = np.random.default_rng(1)
    Xb = rng.normal(loc=30.0, size=(5, 4))
    alpha, l2 = 0.3, 1.0
    # Hessian of (1/2|B|) sum (x_i^T w + b - y_i)^2 + alpha/2 ||w||^2 in (w, b):
    A = np.hstack([Xb, np.ones((5, 1))])
    H = A.T @ A / 5 + np.diag([alpha * l2] * 4 + [0.0])
    cap = (np.einsum("ij,ij->i", Xb, Xb).mean() + 1.0 + alpha * l2)
    assert np.linalg.eigvalsh(H).max() <= cap
    # The cap is a bound, not the Hessian's trace, which counts alpha * l2 once per weight.
    np.testing.assert_allclose(np.trace(H), cap + (4 - 1) * alpha * l2, rtol=1e-12)
    # With the step 1/cap, one update never increases the batch loss.
    y, w, b = rng.standard_normal(5), np.zeros(4), 0.0
    new_w, new_b, _ = sgd_epoch(Xb, y, w, b, alpha=alpha, l1_weight=0.0, l2_weight=l2,
                                fit_intercept=True, batch_size=5,
                                step=lambda t: np.full(np.shape(t), 1e6), t=0,
                                order=np.arange(5))
    before = penalised_objective(Xb, y, w, b, alpha, 0.0, l2)
    after = penalised_objective(Xb, y, new_w, new_b, alpha, 0.0, l2)
    assert after <= before


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weight", [0.3, 1.0, 20.0])
def test_capped_step_is_kaczmarz_with_weights_and_intercept(fit_intercept, weight):
    # eq-linreg-sgd-curvature-bound: for one sample, no penalty and a step the cap reduces,
    # L_B = omega (||x||^2 + 1) with an intercept and omega ||x||^2 without one is exactly the
    # curvature along the update, so the capped step lands on the hyperplane x^T w + b = y.
    rng = np.random.default_rng(4)
    X, y = rng.standard_normal((1, 8)), np.array([2.5])
    w0, b0 = rng.standard_normal(8), 0.7
    w, b, _ = sgd_epoch(X, y, w0, b0, alpha=0.0, l1_weight=0.0, l2_weight=0.0,
                        fit_intercept=fit_intercept, batch_size=1,
                        step=lambda t: np.full(np.shape(t), 1e6), t=0, order=np.arange(1),
                        sample_weight=np.array([weight]))
    assert X[0] @ w + b == pytest.approx(y[0], abs=1e-12)
    if not fit_intercept:
        assert b == b0
    # A step below the cap is the schedule's own: the weight scales the gradient, not the step.
    eta = 0.5 / (weight * (X[0] @ X[0] + float(fit_intercept)))
    w, b, _ = sgd_epoch(X, y, w0, b0, alpha=0.0, l1_weight=0.0, l2_weight=0.0,
                        fit_intercept=fit_intercept, batch_size=1,
                        step=lambda t: np.full(np.shape(t), eta), t=0, order=np.arange(1),
                        sample_weight=np.array([weight]))
    residual = X[0] @ w0 + b0 - y[0]
    np.testing.assert_allclose(w, w0 - eta * weight * residual * X[0], rtol=1e-12)
    assert X[0] @ w + b - y[0] == pytest.approx(0.5 * residual, rel=1e-10)


def numpy_epoch(X, y, w, b, *, alpha, l1_weight, l2_weight, fit_intercept, batch_size, etas,
                order, sample_weight):
    """The update loop written in NumPy, one vectorised batch at a time (the former code).

    Also returns the sum over the samples of their terms of the objective, each at the weights
    before its batch's update (scikit-learn's running objective).
    """
    w = np.array(w, dtype=float)
    objective_sum = 0.0
    for k, start in enumerate(range(0, order.size, batch_size)):
        batch = order[start:start + batch_size]
        Xb, yb, sb = X[batch], y[batch], sample_weight[batch]
        error = Xb @ w + b - yb
        penalty = l1_weight * np.abs(w).sum() + 0.5 * l2_weight * w @ w
        objective_sum += np.sum(sb * 0.5 * error**2) + yb.size * alpha * penalty
        residual = error * sb
        if l2_weight > 0:
            w *= 1.0 - etas[k] * alpha * l2_weight
        w -= (etas[k] / yb.size) * (residual @ Xb)
        if l1_weight > 0:
            w = soft_threshold(w, etas[k] * alpha * l1_weight)
        if fit_intercept:
            b -= etas[k] * residual.sum() / yb.size
    return w, b, objective_sum


@pytest.mark.parametrize("batch_size", [1, 3, 8])
@pytest.mark.parametrize("penalty,rho", [("l2", 0.15), ("l1", 0.15), ("elasticnet", 0.3),
                                         (None, 0.5)])
@pytest.mark.parametrize("weighted", [False, True])
def test_compiled_updates_are_the_numpy_loop(batch_size, penalty, rho, weighted):
    rng = np.random.default_rng(2)
    X, y = rng.standard_normal((23, 4)), rng.standard_normal(23)
    sw = rng.uniform(0.0, 2.0, 23) if weighted else np.ones(23)
    order = rng.permutation(23)
    l1, l2 = penalty_weights(penalty, rho)
    n_batches = -(-23 // batch_size)
    etas = 0.05 / np.arange(1, n_batches + 1) ** 0.25
    w0 = rng.standard_normal(4)
    w = w0.copy()
    row_sq = np.einsum("ij,ij->i", X, X)[order]
    b, objective_sum = sgd_updates(X, y, sw, w, 0.3, etas, order, batch_size, 0.1, l1, l2, True,
                                   row_sq)
    w_ref, b_ref, objective_ref = numpy_epoch(X, y, w0, 0.3, alpha=0.1, l1_weight=l1, l2_weight=l2,
                               fit_intercept=True, batch_size=batch_size, etas=etas,
                               order=order, sample_weight=sw)
    np.testing.assert_allclose(w, w_ref, rtol=1e-12, atol=1e-14)
    assert b == pytest.approx(b_ref, rel=1e-12, abs=1e-14)
    assert objective_sum == pytest.approx(objective_ref, rel=1e-12)


def test_weighted_step_is_the_gradient_of_the_weighted_loss():
    rng = np.random.default_rng(3)
    X, y, sw = rng.standard_normal((8, 3)), rng.standard_normal(8), rng.uniform(0, 3, 8)
    w, b, alpha, eta = rng.standard_normal(3), -0.2, 0.1, 0.02
    wt = torch.tensor(w, requires_grad=True)
    bt = torch.tensor(b, requires_grad=True, dtype=torch.float64)
    loss = (0.5 * torch.mean(torch.from_numpy(sw) * (torch.from_numpy(y) - torch.from_numpy(X) @ wt
                                                     - bt) ** 2) + alpha / 2 * wt @ wt)
    loss.backward()
    new_w, new_b, _ = sgd_epoch(X, y, w.copy(), b, alpha=alpha, l1_weight=0.0, l2_weight=1.0,
                                fit_intercept=True, batch_size=8,
                                step=lambda t: np.full(np.shape(t), eta), t=0,
                                order=np.arange(8), sample_weight=sw)
    np.testing.assert_allclose(new_w, w - eta * wt.grad.numpy(), rtol=1e-12)
    assert new_b == pytest.approx(b - eta * bt.grad.item(), rel=1e-12)
    # and the objective the estimator monitors is that weighted loss
    assert penalised_objective(X, y, w, b, alpha, 0.0, 1.0, sw) == pytest.approx(loss.item())


def test_unit_weights_change_nothing():
    rng = np.random.default_rng(4)
    X, y = rng.standard_normal((30, 3)), rng.standard_normal(30)
    kw = dict(alpha=0.1, l1_weight=0.3, l2_weight=0.7, fit_intercept=True, batch_size=4,
              step=learning_rate_schedule("invscaling", 0.1, 0.25), t=5,
              order=rng.permutation(30))
    plain = sgd_epoch(X, y, np.zeros(3), 0.0, **kw)
    unit = sgd_epoch(X, y, np.zeros(3), 0.0, sample_weight=np.ones(30), **kw)
    np.testing.assert_array_equal(plain[0], unit[0])
    assert plain[1:] == unit[1:]


def test_sgd_running_objective_is_the_mean_of_the_terms_before_each_update():
    # One epoch of sgd_epoch with return_objective: the mean over the samples of
    # (y_i - x_i'w - b)^2 / 2 + alpha ||w||^2 / 2 at the weights before each update.
    rng = np.random.default_rng(6)
    X = rng.standard_normal((50, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 1.0 + rng.standard_normal(50)
    step = learning_rate_schedule("invscaling", 0.01, 0.25)
    kw = dict(alpha=0.1, l1_weight=0.0, l2_weight=1.0, fit_intercept=True, batch_size=1,
              step=step)
    w, b, t, terms = np.zeros(3), 0.0, 0, []
    for i in range(50):
        terms.append(0.5 * (y[i] - X[i] @ w - b) ** 2 + 0.05 * w @ w)
        w, b, t = sgd_epoch(X[i:i + 1], y[i:i + 1], w, b, t=t, order=np.array([0]), **kw)
    *_, objective = sgd_epoch(X, y, np.zeros(3), 0.0, t=0, order=np.arange(50),
                              return_objective=True, **kw)
    assert objective == pytest.approx(np.mean(terms), rel=1e-12)
