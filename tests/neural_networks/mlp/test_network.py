"""The forward pass and backpropagation: against finite differences, torch.autograd and
scikit-learn's own passes."""

import warnings

import numpy as np
import pytest
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SkClassifier

from mlmath.neural_networks.mlp import backward_pass, forward_pass, initial_parameters

OUT = {"squared_error": "identity", "log_loss": "softmax", "binary_log_loss": "logistic",
       "poisson": "exp"}
HIDDEN = ["identity", "logistic", "tanh", "relu"]


def _problem(loss, activation, n_outputs=3, seed=0):
    rng = np.random.default_rng(seed)
    n, units = 9, [4, 6, 5, n_outputs]
    X = rng.normal(size=(n, units[0]))
    coefs, intercepts = initial_parameters(units, activation, seed)
    if loss == "log_loss":
        Y = np.eye(n_outputs)[rng.integers(n_outputs, size=n)]
    elif loss == "binary_log_loss":
        Y = rng.integers(2, size=(n, n_outputs)).astype(float)
    elif loss == "poisson":
        Y = rng.poisson(1.5, size=(n, n_outputs)).astype(float)
    else:
        Y = rng.normal(size=(n, n_outputs))
    return X, Y, coefs, intercepts


def _objective(theta_list, X, Y, activation, loss, alpha):
    D = len(theta_list) // 2
    acts = forward_pass(X, theta_list[:D], theta_list[D:], activation, OUT[loss])
    return backward_pass(acts, Y, theta_list[:D], theta_list[D:], activation, loss, alpha)


@pytest.mark.parametrize("activation", HIDDEN)
@pytest.mark.parametrize("loss", sorted(OUT))
def test_backward_pass_matches_finite_differences(activation, loss):
    # one output for the squared error: there scikit-learn's reported loss averages over the
    # outputs while its gradient sums over them (see the next test)
    X, Y, coefs, intercepts = _problem(loss, activation,
                                       n_outputs=1 if loss == "squared_error" else 3)
    theta = [p.copy() for p in coefs + intercepts]
    _, cg, ig = _objective(theta, X, Y, activation, loss, alpha=0.3)
    h = 1e-6
    for which, grad in zip(theta, cg + ig):
        fd = np.zeros_like(which)
        for index in np.ndindex(which.shape):
            old = which[index]
            which[index] = old + h
            up = _objective(theta, X, Y, activation, loss, 0.3)[0]
            which[index] = old - h
            down = _objective(theta, X, Y, activation, loss, 0.3)[0]
            which[index] = old
            fd[index] = (up - down) / (2 * h)
        np.testing.assert_allclose(grad, fd, rtol=1e-5, atol=1e-8)


def _torch_objective(params, X, Y, activation, loss, alpha):
    phi = {"identity": lambda z: z, "logistic": torch.sigmoid, "tanh": torch.tanh,
           "relu": torch.relu}[activation]
    D = len(params) // 2
    A = torch.tensor(X)
    for k in range(D):
        Z = A @ params[k] + params[D + k]
        A = phi(Z) if k < D - 1 else Z
    Yt, n = torch.tensor(Y), X.shape[0]
    if loss == "squared_error":   # scikit-learn's gradient: half the squares summed over outputs
        value = 0.5 * ((A - Yt) ** 2).sum() / n
    elif loss == "log_loss":
        value = -(Yt * torch.log_softmax(A, dim=1)).sum() / n
    elif loss == "binary_log_loss":
        value = torch.nn.functional.binary_cross_entropy_with_logits(A, Yt, reduction="sum") / n
    else:
        value = (torch.exp(A) - Yt * A).sum() / n
    return value + alpha / (2 * n) * sum((W ** 2).sum() for W in params[:D])


@pytest.mark.parametrize("activation", HIDDEN)
@pytest.mark.parametrize("loss", sorted(OUT))
def test_backward_pass_matches_torch_autograd(activation, loss):
    X, Y, coefs, intercepts = _problem(loss, activation, n_outputs=3, seed=1)
    _, cg, ig = _objective(coefs + intercepts, X, Y, activation, loss, alpha=0.7)
    params = [torch.tensor(p, requires_grad=True) for p in coefs + intercepts]
    _torch_objective(params, X, Y, activation, loss, 0.7).backward()
    for ours, p in zip(cg + ig, params):
        np.testing.assert_allclose(ours, p.grad.numpy(), rtol=1e-10, atol=1e-13)


def test_reported_losses_match_torch():
    X, Y, coefs, intercepts = _problem("log_loss", "tanh", seed=2)
    value = _objective(coefs + intercepts, X, Y, "tanh", "log_loss", 0.2)[0]
    params = [torch.tensor(p) for p in coefs + intercepts]
    assert value == pytest.approx(_torch_objective(params, X, Y, "tanh", "log_loss", 0.2).item(),
                                  rel=1e-12)
    X, Y, coefs, intercepts = _problem("squared_error", "relu", n_outputs=3, seed=2)
    value = _objective(coefs + intercepts, X, Y, "relu", "squared_error", 0.0)[0]
    params = [torch.tensor(p) for p in coefs + intercepts]
    summed = _torch_objective(params, X, Y, "relu", "squared_error", 0.0).item()
    assert value == pytest.approx(summed / 3, rel=1e-12)  # reported: mean over the outputs


def test_passes_equal_scikit_learns():
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(30, 4)), rng.integers(3, size=30)
    twin = SkClassifier(hidden_layer_sizes=(6, 5), activation="tanh", max_iter=1,
                        random_state=0, alpha=0.4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        twin.fit(X, y)  # defines the fitted attributes; its weights are what we compare from
    Y = np.eye(3)[y].astype(float)
    coefs, intercepts = [c.copy() for c in twin.coefs_], [b.copy() for b in twin.intercepts_]
    acts = forward_pass(X, coefs, intercepts, "tanh", "softmax")
    np.testing.assert_array_equal(acts[-1], twin.predict_proba(X))
    units = [4, 6, 5, 3]
    cg = [np.empty((a, b)) for a, b in zip(units[:-1], units[1:])]
    ig = [np.empty(b) for b in units[1:]]
    sk_acts = [X] + [None] * 3
    sk_value, sk_cg, sk_ig = twin._backprop(X, Y, None, sk_acts, [None] * 3, cg, ig)
    value, ours_cg, ours_ig = backward_pass(acts, Y, coefs, intercepts, "tanh", "log_loss", 0.4)
    assert value == sk_value
    for a, b in zip(ours_cg + ours_ig, sk_cg + sk_ig):
        np.testing.assert_array_equal(a, b)


def test_sample_weight_is_a_weighted_mean():
    X, Y, coefs, intercepts = _problem("squared_error", "relu", n_outputs=1, seed=4)
    w = np.array([2, 1, 1, 1, 1, 1, 1, 1, 1.0])
    acts = forward_pass(X, coefs, intercepts, "relu", "identity")
    weighted = backward_pass(acts, Y, coefs, intercepts, "relu", "squared_error", 0.5, w)
    X2, Y2 = np.vstack([X, X[:1]]), np.vstack([Y, Y[:1]])
    acts2 = forward_pass(X2, coefs, intercepts, "relu", "identity")
    repeated = backward_pass(acts2, Y2, coefs, intercepts, "relu", "squared_error", 0.5)
    assert weighted[0] == pytest.approx(repeated[0], rel=1e-12)
    for a, b in zip(weighted[1] + weighted[2], repeated[1] + repeated[2]):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_forward_pass_shapes_and_input_kept():
    X, Y, coefs, intercepts = _problem("log_loss", "relu")
    X0 = X.copy()
    acts = forward_pass(X, coefs, intercepts, "relu", "softmax")
    assert [a.shape for a in acts] == [(9, 4), (9, 6), (9, 5), (9, 3)]
    assert acts[0] is X
    np.testing.assert_array_equal(X, X0)


def test_backward_pass_refuses_targets_of_the_wrong_shape():
    # without the check, a 1-D Y with one output broadcasts A - Y to (n, n): a wrong loss and
    # a coef gradient of shape (3, n), silently
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(5, 3)), rng.normal(size=5)
    coefs, intercepts = initial_parameters([3, 1], "relu", 0)
    acts = forward_pass(X, coefs, intercepts, "relu", "identity")
    with pytest.raises(ValueError, match=r"Y must have the outputs' shape \(5, 1\)"):
        backward_pass(acts, y, coefs, intercepts, "relu", "squared_error", 0.0)
    with pytest.raises(ValueError, match="sample_weight"):
        backward_pass(acts, y[:, None], coefs, intercepts, "relu", "squared_error", 0.0,
                      np.ones(4))
    with pytest.raises(ValueError, match="len\\(coefs\\) \\+ 1"):
        backward_pass(acts[:1], y[:, None], coefs, intercepts, "relu", "squared_error", 0.0)


def test_forward_pass_refuses_layers_that_do_not_chain():
    X, _, coefs, intercepts = _problem("log_loss", "relu")
    # zip would truncate: two weight layers, one bias, the output activation never applied
    with pytest.raises(ValueError, match="equal lengths"):
        forward_pass(X, coefs[:2], intercepts[:1], "relu", "softmax")
    with pytest.raises(ValueError, match="equal lengths"):
        forward_pass(X, [], [], "relu", "softmax")
    with pytest.raises(ValueError, match=r"coefs\[1\] must have shape \(6, d\)"):
        forward_pass(X, [coefs[0], coefs[2]], [intercepts[0], intercepts[2]], "relu",
                     "softmax")
    with pytest.raises(ValueError, match=r"coefs\[0\] must have shape \(3, d\)"):
        forward_pass(X[:, :3], coefs, intercepts, "relu", "softmax")
    with pytest.raises(ValueError, match=r"intercepts\[0\] shape \(d,\)"):
        forward_pass(X, coefs, [intercepts[1], *intercepts[1:]], "relu", "softmax")


@pytest.mark.parametrize("call, match", [
    (lambda X, c, b, acts, Y: forward_pass(X, c, b, "gelu", "softmax"), "'activation'.*gelu"),
    (lambda X, c, b, acts, Y: forward_pass(X, c, b, "relu", "relu"), "'out_activation'"),
    (lambda X, c, b, acts, Y: backward_pass(acts, Y, c, b, "gelu", "log_loss", 0.0),
     "'activation'.*relu"),
    (lambda X, c, b, acts, Y: backward_pass(acts, Y, c, b, "relu", "hinge", 0.0),
     "'loss'.*squared_error"),
])
def test_unknown_activation_or_loss_is_a_clear_value_error(call, match):
    X, Y, coefs, intercepts = _problem("log_loss", "relu")
    acts = forward_pass(X, coefs, intercepts, "relu", "softmax")
    with pytest.raises(ValueError, match=match):  # was a bare KeyError
        call(X, coefs, intercepts, acts, Y)
