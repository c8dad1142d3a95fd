"""The multilayer network on the engine: the forward pass whose gradient ``backward`` computes."""

from mlmath.autograd.tensor import Tensor

__all__ = ["ACTIVATION_METHODS", "mlp_forward"]

# activation name (scikit-learn's) -> the Tensor method applying it
ACTIVATION_METHODS = {
    "identity": lambda z: z,
    "logistic": Tensor.sigmoid,
    "tanh": Tensor.tanh,
    "relu": Tensor.relu,
}


def mlp_forward(x, params, activation):
    """Output pre-activations of a multilayer network, recorded on the engine's graph.

    Row-wise, ``Z1 = X W1 + b1``, ``A1 = phi(Z1)``, ..., and the last layer's
    ``ZD = A(D-1) WD + bD`` is returned without an output activation (the logits: the loss,
    e.g. ``cross_entropy``, applies the softmax).

    Parameters
    ----------
    x : Tensor or array_like of shape (n, d)
        The inputs, one sample per row.
    params : sequence of (Tensor, Tensor)
        ``[(W1, b1), ..., (WD, bD)]`` with ``Wl`` of shape ``(d_{l-1}, d_l)`` and ``bl`` of shape
        ``(d_l,)`` (scikit-learn's ``coefs_`` and ``intercepts_`` orientation).
    activation : {"identity", "logistic", "tanh", "relu"}
        The hidden layers' activation ``phi``.

    Returns
    -------
    Tensor of shape (n, d_D)
        The output layer's pre-activations ``ZD``.

    Notes
    -----
    The forward pass whose reverse sweep is {eq}`eq-backprop-mlp` of the chapter.
    """
    if activation not in ACTIVATION_METHODS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATION_METHODS)}; "
                         f"got {activation!r}.")
    params = list(params)
    if not params:
        raise ValueError("params must hold at least one (W, b) pair.")
    phi = ACTIVATION_METHODS[activation]
    a = x if isinstance(x, Tensor) else Tensor(x)
    if a.ndim != 2:
        raise ValueError(f"x must have shape (n, d); got shape {a.shape}.")
    for layer, (w, b) in enumerate(params, start=1):
        if w.ndim != 2 or w.shape[0] != a.shape[1] or b.shape != (w.shape[1],):
            raise ValueError(f"layer {layer}: W of shape {w.shape} and b of shape {b.shape} do "
                             f"not fit inputs of width {a.shape[1]} (need W (d_in, d_out), "
                             "b (d_out,)).")
        z = a @ w + b
        a = phi(z) if layer < len(params) else z
    return a
