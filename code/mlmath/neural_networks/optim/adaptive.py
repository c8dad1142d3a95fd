r"""Optimisers with per-coordinate step sizes: Adagrad, RMSprop, Adam (and AMSGrad), AdamW.

Each update is ``torch.optim``'s, with torch's defaults and its order of operations (so that the
trajectories agree with torch's to rounding). Squares, square roots and divisions act
coordinate-wise.
"""

from numbers import Real

import numpy as np

from mlmath.neural_networks.optim.optimizer import (
    Optimizer,
    _check_betas,
    _check_lr,
    _check_nonnegative,
)
from mlmath.validation import Interval, check_parameter

__all__ = ["Adagrad", "RMSprop", "Adam", "AdamW"]


class Adagrad(Optimizer):
    r"""AdaGrad (Duchi, Hazan and Singer): steps divided by the root of the summed squares.

    Parameters
    ----------
    params : iterable
        Parameters (objects with ``.data`` and ``.grad``) or parameter groups.
    lr : float, default=1e-2
        The learning rate :math:`\eta`.
    lr_decay : float, default=0.0
        Step :math:`t` uses :math:`\eta / (1 + (t - 1)\,\text{lr\_decay})`.
    weight_decay : float, default=0.0
        L2 strength :math:`\alpha` added to the gradient.
    initial_accumulator_value : float, default=0.0
        The starting value of the sum of squares.
    eps : float, default=1e-10
        Added to the square root (outside it), as torch does.

    Notes
    -----
    Implements {eq}`eq-dlopt-adagrad` of the chapter:
    :math:`\mathbf{s}_t = \mathbf{s}_{t-1} + \mathbf{g}_t^2`,
    :math:`\vtheta_t = \vtheta_{t-1} - \eta_t\,\mathbf{g}_t / (\sqrt{\mathbf{s}_t} + \epsilon)`.
    State: ``"step"`` and ``"sum"``.
    """

    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0,
                 initial_accumulator_value=0.0, eps=1e-10):
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value,
                                      eps=eps))
        for group in self.param_groups:  # torch fills the state at construction
            for p in group["params"]:
                self.state[p] = {"step": 0, "sum": np.full_like(
                    p.data, group["initial_accumulator_value"])}

    def _check_group(self, group):
        owner = type(self).__name__
        group["lr"] = _check_lr(group["lr"], owner)
        for name in ("lr_decay", "weight_decay", "initial_accumulator_value", "eps"):
            group[name] = _check_nonnegative(group[name], name, owner)

    def _update(self, p, grad, state, group):
        state["step"] += 1
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p.data
        clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        state["sum"] += grad * grad
        std = np.sqrt(state["sum"]) + group["eps"]
        p.data -= clr * (grad / std)


class RMSprop(Optimizer):
    r"""RMSProp (Tieleman and Hinton): steps divided by a running root mean square.

    Parameters
    ----------
    params : iterable
        Parameters (objects with ``.data`` and ``.grad``) or parameter groups.
    lr : float, default=1e-2
        The learning rate :math:`\eta`.
    alpha : float, default=0.99
        The decay of the running mean of squares, in :math:`[0, 1]` (torch's name; the chapter's
        :math:`\beta_2`).
    eps : float, default=1e-8
        Added to the root (outside it).
    weight_decay : float, default=0.0
        L2 strength added to the gradient.
    momentum : float, default=0.0
        Momentum applied to the rescaled gradient.
    centered : bool, default=False
        Divide by an estimate of the standard deviation (subtract the square of the running mean
        of the gradients) instead of the root mean square.

    Notes
    -----
    Implements {eq}`eq-dlopt-rmsprop` of the chapter:
    :math:`\mathbf{v}_t = \alpha\mathbf{v}_{t-1} + (1 - \alpha)\mathbf{g}_t^2`,
    :math:`\vtheta_t = \vtheta_{t-1} - \eta\,\mathbf{g}_t / (\sqrt{\mathbf{v}_t} + \epsilon)`
    (with ``momentum`` the quotient goes through a buffer :math:`\mathbf{b}_t = \beta
    \mathbf{b}_{t-1} + \mathbf{g}_t / (\sqrt{\mathbf{v}_t} + \epsilon)` that starts at zero).
    State: ``"step"``, ``"square_avg"``, and ``"momentum_buffer"``, ``"grad_avg"`` when used.
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                 centered=False):
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered))

    def _check_group(self, group):
        owner = type(self).__name__
        group["lr"] = _check_lr(group["lr"], owner)
        group["alpha"] = float(check_parameter(group["alpha"], "alpha",
                                               [Interval(Real, 0.0, 1.0, closed="both")],
                                               owner=owner))
        for name in ("eps", "weight_decay", "momentum"):
            group[name] = _check_nonnegative(group[name], name, owner)
        group["centered"] = bool(check_parameter(group["centered"], "centered", ["boolean"],
                                                 owner=owner))

    def _update(self, p, grad, state, group):
        if not state:
            state.update(step=0, square_avg=np.zeros_like(p.data))
            if group["momentum"] > 0:
                state["momentum_buffer"] = np.zeros_like(p.data)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(p.data)
        state["step"] += 1
        alpha = group["alpha"]
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p.data
        square_avg = state["square_avg"]
        square_avg *= alpha
        square_avg += (1 - alpha) * (grad * grad)
        if group["centered"]:
            grad_avg = state["grad_avg"]
            grad_avg += (1 - alpha) * (grad - grad_avg)  # torch's lerp
            avg = np.sqrt(square_avg - grad_avg * grad_avg)
        else:
            avg = np.sqrt(square_avg)
        avg += group["eps"]
        if group["momentum"] > 0:
            buf = state["momentum_buffer"]
            buf *= group["momentum"]
            buf += grad / avg
            p.data -= group["lr"] * buf
        else:
            p.data -= group["lr"] * (grad / avg)


class Adam(Optimizer):
    r"""Adam (Kingma and Ba), optionally AMSGrad (Reddi, Kale and Kumar): ``torch.optim.Adam``.

    Parameters
    ----------
    params : iterable
        Parameters (objects with ``.data`` and ``.grad``) or parameter groups.
    lr : float, default=1e-3
        The learning rate :math:`\eta`.
    betas : tuple of two floats in [0, 1), default=(0.9, 0.999)
        :math:`(\beta_1, \beta_2)`, the decay rates of the first and second moment estimates.
    eps : float, default=1e-8
        :math:`\epsilon`, added to the bias-corrected root (outside it).
    weight_decay : float, default=0.0
        L2 strength :math:`\alpha`, added to the gradient *before* the moments (coupled: it is
        rescaled by the adaptive denominator; see :class:`AdamW` for the decoupled form).
    amsgrad : bool, default=False
        Divide by the running maximum of the second moment estimates (AMSGrad).

    Notes
    -----
    Implements {eq}`eq-dlopt-adam` of the chapter. State: ``"step"``, ``"exp_avg"``
    (:math:`\mathbf{m}_t`), ``"exp_avg_sq"`` (:math:`\mathbf{v}_t`) and, with amsgrad,
    ``"max_exp_avg_sq"``.
    """

    _decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 amsgrad=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad))

    def _check_group(self, group):
        owner = type(self).__name__
        group["lr"] = _check_lr(group["lr"], owner)
        group["betas"] = _check_betas(group["betas"], owner)
        group["eps"] = _check_nonnegative(group["eps"], "eps", owner)
        group["weight_decay"] = _check_nonnegative(group["weight_decay"], "weight_decay",
                                                   owner)
        group["amsgrad"] = bool(check_parameter(group["amsgrad"], "amsgrad", ["boolean"],
                                                owner=owner))

    def _update(self, p, grad, state, group):
        if not state:
            state.update(step=0, exp_avg=np.zeros_like(p.data),
                         exp_avg_sq=np.zeros_like(p.data))
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(p.data)
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        state["step"] += 1
        t = state["step"]
        if group["weight_decay"] != 0:
            if self._decoupled:  # AdamW: shrink the weights, outside the moments
                p.data *= 1 - lr * group["weight_decay"]
            else:  # Adam's L2: the decay term joins the gradient, and its moments
                grad = grad + group["weight_decay"] * p.data
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m += (1 - beta1) * (grad - m)  # torch's lerp: m = beta1 m + (1 - beta1) g
        v *= beta2
        v += (1 - beta2) * (grad * grad)
        # Bias correction. The derivation divides the moments themselves,
        #   m_hat = m_t / (1 - beta1^t),  v_hat = v_t / (1 - beta2^t),
        #   theta_t = theta_{t-1} - lr * m_hat / (sqrt(v_hat) + eps);
        # torch folds 1/(1 - beta1^t) into the step size and divides sqrt(v_t) by
        # sqrt(1 - beta2^t), the same quantity written with fewer array operations.
        bias_correction1 = 1 - beta1 ** t
        bias_correction2 = 1 - beta2 ** t
        step_size = lr / bias_correction1
        if group["amsgrad"]:
            np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
            v = state["max_exp_avg_sq"]
        denom = np.sqrt(v) / np.sqrt(bias_correction2) + eps
        p.data -= step_size * (m / denom)


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov and Hutter): ``torch.optim.AdamW``.

    Parameters
    ----------
    params : iterable
        Parameters (objects with ``.data`` and ``.grad``) or parameter groups.
    lr : float, default=1e-3
        The learning rate :math:`\eta`.
    betas : tuple of two floats in [0, 1), default=(0.9, 0.999)
        :math:`(\beta_1, \beta_2)`.
    eps : float, default=1e-8
        :math:`\epsilon`.
    weight_decay : float, default=1e-2
        Decay strength :math:`\alpha` (Loshchilov and Hutter write :math:`\lambda`): each step
        first multiplies the weights by :math:`1 - \eta\alpha`, and the moments see only the
        loss gradient.
    amsgrad : bool, default=False
        Use AMSGrad's running maximum.

    Notes
    -----
    Implements {eq}`eq-dlopt-adamw` of the chapter. With ``weight_decay=0`` it is :class:`Adam`.
    """

    _decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad)
