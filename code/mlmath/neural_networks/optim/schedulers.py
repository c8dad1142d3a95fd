r"""Learning-rate schedules: step decay, linear warm-up, cosine annealing, warm-up then cosine.

The semantics are ``torch.optim.lr_scheduler``'s. Building a scheduler records each group's
learning rate as its base rate :math:`\eta_0` (``group["initial_lr"]``) and sets the rate for
step 0; each call of :meth:`LRScheduler.step`, made once per epoch (or per iteration) *after*
``optimizer.step()``, advances the counter ``last_epoch`` to :math:`t` and writes
:math:`\eta_t` into every group's ``"lr"``. Every schedule here is computed from its closed form
in :math:`t`, which equals torch's recursive form up to rounding.
"""

import math
from numbers import Integral, Real

from mlmath.neural_networks.optim.optimizer import Optimizer
from mlmath.validation import Interval, check_parameter

__all__ = ["LRScheduler", "StepLR", "LinearWarmup", "CosineAnnealingLR", "WarmupCosine"]


class LRScheduler:
    """Base class: holds the optimiser, the base rates and the counter ``last_epoch``.

    Parameters
    ----------
    optimizer : Optimizer
        The optimiser whose groups' ``"lr"`` the schedule sets.
    """

    def __init__(self, optimizer):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__} schedules an mlmath optimiser; got "
                            f"{type(optimizer).__name__}.")
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group.setdefault("initial_lr", group["lr"])
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = -1
        self.step()

    def _lr_at(self, base_lr, t):  # pragma: no cover - abstract
        raise NotImplementedError

    def step(self):
        """Advance to the next epoch and set every group's learning rate."""
        self.last_epoch += 1
        self._last_lr = [self._lr_at(base, self.last_epoch) for base in self.base_lrs]
        for group, lr in zip(self.optimizer.param_groups, self._last_lr):
            group["lr"] = lr

    def get_last_lr(self):
        """The learning rates the last :meth:`step` set, one per parameter group.

        Returns
        -------
        list of float
        """
        return list(self._last_lr)


def _int(value, name, owner, low=1):
    return int(check_parameter(value, name, [Interval(Integral, low, None)], owner=owner))


class StepLR(LRScheduler):
    r"""Multiply the rate by ``gamma`` every ``step_size`` epochs: ``lr_scheduler.StepLR``.

    Parameters
    ----------
    optimizer : Optimizer
        The optimiser.
    step_size : int
        The period of the decay, >= 1.
    gamma : float, default=0.1
        The factor, >= 0.

    Notes
    -----
    Implements {eq}`eq-dlopt-schedules` of the chapter:
    :math:`\eta_t = \eta_0\,\gamma^{\lfloor t / s\rfloor}`.
    """

    def __init__(self, optimizer, step_size, gamma=0.1):
        self.step_size = _int(step_size, "step_size", "StepLR")
        self.gamma = float(check_parameter(gamma, "gamma", [Interval(Real, 0.0, None)],
                                           owner="StepLR"))
        super().__init__(optimizer)

    def _lr_at(self, base_lr, t):
        return base_lr * self.gamma ** (t // self.step_size)


class LinearWarmup(LRScheduler):
    r"""Linear warm-up from ``start_factor`` times the rate to the rate: ``lr_scheduler.LinearLR``.

    Parameters
    ----------
    optimizer : Optimizer
        The optimiser.
    start_factor : float, default=1/3
        The factor at epoch 0, in (0, 1] (torch's default).
    total_iters : int, default=5
        The number of epochs over which the factor rises linearly to 1 (it stays 1 after).

    Notes
    -----
    Implements {eq}`eq-dlopt-schedules` of the chapter:
    :math:`\eta_t = \eta_0\,\big(f_0 + (1 - f_0)\min(t, T_w)/T_w\big)`.
    """

    def __init__(self, optimizer, start_factor=1.0 / 3, total_iters=5):
        self.start_factor = float(check_parameter(
            start_factor, "start_factor", [Interval(Real, 0.0, 1.0, closed="right")],
            owner="LinearWarmup"))
        self.total_iters = _int(total_iters, "total_iters", "LinearWarmup")
        super().__init__(optimizer)

    def _lr_at(self, base_lr, t):
        f0 = self.start_factor
        return base_lr * (f0 + (1.0 - f0) * min(self.total_iters, t) / self.total_iters)


class CosineAnnealingLR(LRScheduler):
    r"""Cosine annealing from the rate to ``eta_min`` over ``T_max`` epochs: torch's closed form.

    Parameters
    ----------
    optimizer : Optimizer
        The optimiser.
    T_max : int
        The half period, >= 1: the rate reaches ``eta_min`` at epoch ``T_max`` (and, as in
        torch, rises again after it, with period ``2 * T_max``).
    eta_min : float, default=0.0
        The smallest rate, >= 0.

    Notes
    -----
    Implements {eq}`eq-dlopt-cosine` of the chapter:
    :math:`\eta_t = \eta_{\min} + \tfrac12(\eta_0 - \eta_{\min})(1 + \cos(\pi t / T))`.
    """

    def __init__(self, optimizer, T_max, eta_min=0.0):
        self.T_max = _int(T_max, "T_max", "CosineAnnealingLR")
        self.eta_min = float(check_parameter(eta_min, "eta_min", [Interval(Real, 0.0, None)],
                                             owner="CosineAnnealingLR"))
        super().__init__(optimizer)

    def _lr_at(self, base_lr, t):
        return self.eta_min + (base_lr - self.eta_min) * (
            1 + math.cos(math.pi * t / self.T_max)) / 2


class WarmupCosine(LRScheduler):
    r"""Linear warm-up for ``warmup_iters`` epochs, then cosine decay to ``eta_min``.

    Equal to ``SequentialLR([LinearLR(opt, start_factor, total_iters=warmup_iters),
    CosineAnnealingLR(opt, T_max=total_iters - warmup_iters, eta_min)],
    milestones=[warmup_iters])``, computed in closed form.

    Parameters
    ----------
    optimizer : Optimizer
        The optimiser.
    warmup_iters : int
        The length :math:`T_w \ge 1` of the warm-up.
    total_iters : int
        The epoch :math:`T > T_w` at which the rate reaches ``eta_min``.
    start_factor : float, default=1/3
        The factor at epoch 0, in (0, 1].
    eta_min : float, default=0.0
        The final rate, >= 0.

    Notes
    -----
    Implements {eq}`eq-dlopt-cosine` of the chapter after the warm-up of
    {eq}`eq-dlopt-schedules`: :math:`\eta_t = \eta_0(f_0 + (1 - f_0)t/T_w)` for
    :math:`t < T_w`, then :math:`\eta_{\min} + \tfrac12(\eta_0 - \eta_{\min})
    (1 + \cos(\pi (t - T_w)/(T - T_w)))`.
    """

    def __init__(self, optimizer, warmup_iters, total_iters, start_factor=1.0 / 3,
                 eta_min=0.0):
        owner = "WarmupCosine"
        self.warmup_iters = _int(warmup_iters, "warmup_iters", owner)
        self.total_iters = _int(total_iters, "total_iters", owner, low=self.warmup_iters + 1)
        self.start_factor = float(check_parameter(
            start_factor, "start_factor", [Interval(Real, 0.0, 1.0, closed="right")],
            owner=owner))
        self.eta_min = float(check_parameter(eta_min, "eta_min", [Interval(Real, 0.0, None)],
                                             owner=owner))
        super().__init__(optimizer)

    def _lr_at(self, base_lr, t):
        w, f0 = self.warmup_iters, self.start_factor
        if t < w:
            return base_lr * (f0 + (1.0 - f0) * t / w)
        T = self.total_iters - w
        return self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * (t - w) / T)) / 2
