r"""Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay.

The update is ``torch.optim.SGD``'s, in its order of operations. With gradient
:math:`\mathbf{g}_t`, learning rate :math:`\eta`, momentum :math:`\beta`, dampening
:math:`\tau` (local name) and weight decay :math:`\alpha`:

.. math::

    \mathbf{g}_t \leftarrow \mathbf{g}_t + \alpha\vtheta_{t-1}, \qquad
    \mathbf{b}_t = \beta\mathbf{b}_{t-1} + (1 - \tau)\mathbf{g}_t \quad
    (\mathbf{b}_1 = \mathbf{g}_1), \qquad
    \vtheta_t = \vtheta_{t-1} - \eta\,\mathbf{d}_t,

with :math:`\mathbf{d}_t = \mathbf{b}_t` (heavy ball) or
:math:`\mathbf{d}_t = \mathbf{g}_t + \beta\mathbf{b}_t` (Nesterov).
"""

from numbers import Real

import numpy as np

from mlmath.neural_networks.optim.optimizer import (
    Optimizer,
    _check_lr,
    _check_nonnegative,
)
from mlmath.validation import Interval, InvalidParameterError, check_parameter

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Stochastic gradient descent, optionally with (Nesterov) momentum: ``torch.optim.SGD``.

    Parameters
    ----------
    params : iterable
        Parameters (objects with ``.data``, a float64 ndarray, and ``.grad``) or parameter
        groups (dicts with ``"params"`` and per-group hyperparameters).
    lr : float, default=1e-3
        The learning rate :math:`\eta \ge 0` (torch's default).
    momentum : float, default=0.0
        The momentum coefficient :math:`\beta \ge 0`.
    dampening : float, default=0.0
        Dampening of the momentum (finite): the new gradient enters the buffer with weight
        :math:`1 - \tau`.
    weight_decay : float, default=0.0
        L2 strength :math:`\alpha`: :math:`\alpha\vtheta` is added to the gradient.
    nesterov : bool, default=False
        Nesterov's momentum; requires ``momentum > 0`` and ``dampening == 0``.

    Notes
    -----
    Implements {eq}`eq-dlopt-sgd-momentum` of the chapter. The buffer starts as a copy of
    the first (weight-decayed) gradient, not at zero, as in torch. State per parameter:
    ``"momentum_buffer"`` (``None`` while ``momentum == 0``).
    """

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0,
                 nesterov=False):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov))

    def _check_group(self, group):
        owner = type(self).__name__
        group["lr"] = _check_lr(group["lr"], owner)
        group["momentum"] = _check_nonnegative(group["momentum"], "momentum", owner)
        group["dampening"] = float(check_parameter(group["dampening"], "dampening",
                                                   [Interval(Real, None, None)], owner=owner))
        group["weight_decay"] = _check_nonnegative(group["weight_decay"], "weight_decay",
                                                   owner)
        group["nesterov"] = bool(check_parameter(group["nesterov"], "nesterov", ["boolean"],
                                                 owner=owner))
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise InvalidParameterError(
                f"{owner}: Nesterov momentum requires momentum > 0 and dampening == 0; got "
                f"momentum={group['momentum']!r}, dampening={group['dampening']!r}.")

    def _update(self, p, grad, state, group):
        lr, momentum = group["lr"], group["momentum"]
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p.data
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.array(grad, dtype=np.float64)
            else:
                buf *= momentum
                buf += (1 - group["dampening"]) * grad
            grad = grad + momentum * buf if group["nesterov"] else buf
        else:
            state["momentum_buffer"] = None
        p.data -= lr * grad
