"""The engine and PyTorch train the same MLP from the same weights to the same loss curve."""

import numpy as np
import pytest

from mlmath.neural_networks.backprop import minibatch_indices, train_mlp_engine, train_mlp_torch


def _params(layer_units, seed):
    rng = np.random.default_rng(seed)
    coefs = [rng.uniform(-1, 1, (a, b)) * np.sqrt(6 / (a + b))
             for a, b in zip(layer_units[:-1], layer_units[1:])]
    intercepts = [rng.uniform(-0.1, 0.1, b) for b in layer_units[1:]]
    return coefs, intercepts


def _classification(n=90, d=4, K=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    y = np.argmax(X @ rng.standard_normal((d, K)) + 0.3 * rng.standard_normal((n, K)), axis=1)
    return X, y


def test_minibatches_cover_every_sample_once_per_epoch():
    batches = minibatch_indices(10, 4, 3, random_state=1)
    assert [len(b) for b in batches] == [4, 4, 2] * 3
    for epoch in range(3):
        assert sorted(np.concatenate(batches[3 * epoch:3 * epoch + 3])) == list(range(10))
    again = minibatch_indices(10, 4, 3, random_state=1)
    assert all(np.array_equal(a, b) for a, b in zip(batches, again))


@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
def test_cross_entropy_curves_and_weights_agree(activation):
    X, y = _classification()
    params0 = _params([4, 8, 6, 3], seed=1)
    kw = dict(activation=activation, alpha=1e-2, learning_rate=0.5, batch_size=16, n_epochs=12)
    curve_e, coefs_e, ints_e = train_mlp_engine(X, y, params0, **kw)
    curve_t, coefs_t, ints_t = train_mlp_torch(X, y, params0, **kw)
    assert curve_e.shape == (12 * 6,)
    assert np.max(np.abs(curve_e - curve_t)) < 1e-10
    for a, b in zip(coefs_e + ints_e, coefs_t + ints_t):
        assert np.max(np.abs(a - b)) < 1e-10
    assert curve_e[-12:].mean() < curve_e[0] - 0.1  # it trains
    assert np.array_equal(params0[0][0], _params([4, 8, 6, 3], seed=1)[0][0])  # not changed


def test_squared_error_curves_agree():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((50, 3))
    Y = np.column_stack([np.sin(X[:, 0]), X[:, 1] * X[:, 2]])
    params0 = _params([3, 10, 2], seed=4)
    kw = dict(activation="tanh", loss="squared_error", alpha=0.1, learning_rate=0.05,
              batch_size=8, n_epochs=3)
    curve_e = train_mlp_engine(X, Y, params0, **kw)[0]
    curve_t = train_mlp_torch(X, Y, params0, **kw)[0]
    assert np.max(np.abs(curve_e - curve_t)) < 1e-10


def test_first_loss_is_the_objective_at_the_initial_weights():
    X, y = _classification(n=20)
    coefs, intercepts = _params([4, 5, 3], seed=0)
    curve = train_mlp_engine(X, y, (coefs, intercepts), batch_size=20, n_epochs=1,
                             alpha=0.5)[0]
    Z = np.maximum(X @ coefs[0] + intercepts[0], 0) @ coefs[1] + intercepts[1]
    log_p = Z - Z.max(1, keepdims=True)
    log_p -= np.log(np.exp(log_p).sum(1, keepdims=True))
    J = -log_p[np.arange(20), y].mean() + 0.5 / 40 * sum((W ** 2).sum() for W in coefs)
    assert curve[0] == pytest.approx(J, abs=1e-12)


def test_bad_input():
    X, y = _classification(n=20)
    params0 = _params([4, 5, 3], seed=0)
    with pytest.raises(ValueError, match="Labels"):
        train_mlp_engine(X, y + 3, params0)
    with pytest.raises(ValueError, match="integer label"):
        train_mlp_torch(X, y.astype(float), params0)
    with pytest.raises(ValueError, match="rows"):
        train_mlp_engine(X[:, :3], y, params0)
    with pytest.raises(ValueError, match="NaN"):
        train_mlp_engine(np.where(X > 1, np.nan, X), y, params0)
    with pytest.raises(ValueError, match="activation"):
        train_mlp_engine(X, y, params0, activation="gelu")
    with pytest.raises(ValueError, match="learning_rate"):
        train_mlp_torch(X, y, params0, learning_rate=0.0)
    with pytest.raises(ValueError, match="batch_size"):
        train_mlp_engine(X, y, params0, batch_size=0)


def test_from_scikit_learns_initial_weights_on_digits():
    from sklearn.datasets import load_digits

    from mlmath.neural_networks.mlp import initial_parameters

    digits = load_digits()
    X, y = digits.data[:300] / 16.0, digits.target[:300]
    params0 = initial_parameters([64, 16, 10], "tanh", 0)
    kw = dict(activation="tanh", alpha=1e-4, learning_rate=0.1, batch_size=50, n_epochs=3)
    curve_e = train_mlp_engine(X, y, params0, **kw)[0]
    curve_t = train_mlp_torch(X, y, params0, **kw)[0]
    assert np.max(np.abs(curve_e - curve_t)) < 1e-10


@pytest.mark.parametrize("dtype", [np.int32, np.int16, np.uint8])
def test_any_integer_label_dtype_trains_both(dtype):
    X, y = _classification(n=40)
    params0 = _params([4, 5, 3], seed=0)
    kw = dict(batch_size=10, n_epochs=2)
    curve_e = train_mlp_engine(X, y.astype(dtype), params0, **kw)[0]
    curve_t = train_mlp_torch(X, y.astype(dtype), params0, **kw)[0]
    assert np.max(np.abs(curve_e - curve_t)) < 1e-10
    assert np.array_equal(curve_e, train_mlp_engine(X, y, params0, **kw)[0])


def test_an_int_seed_gives_both_trainers_the_same_batches_an_instance_does_not():
    X, y = _classification(n=40)
    params0 = _params([4, 5, 3], seed=0)
    kw = dict(batch_size=10, n_epochs=2)
    same = [f(X, y, params0, random_state=7, **kw)[0] for f in (train_mlp_engine, train_mlp_torch)]
    assert np.max(np.abs(same[0] - same[1])) < 1e-10
    rng = np.random.RandomState(7)
    first = train_mlp_engine(X, y, params0, random_state=rng, **kw)[0]
    second = train_mlp_torch(X, y, params0, random_state=rng, **kw)[0]
    assert np.array_equal(first, same[0])  # the first use draws what the int 7 draws
    assert np.max(np.abs(first - second)) > 1e-6  # the advanced instance: other batches
