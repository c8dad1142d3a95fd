r"""The base class of the optimisers: parameter groups, per-parameter state, ``zero_grad``.

An optimiser holds references to *parameters*: objects with a ``.data`` attribute (a float64
ndarray, which :meth:`Optimizer.step` updates in place) and a ``.grad`` attribute (an ndarray of
the same shape, or ``None`` when no gradient has been computed). The engine's
``mlmath.autograd.Tensor`` is such an object, and so is :class:`Parameter`, a bare holder for
NumPy code. The interface is ``torch.optim``'s: ``param_groups`` (a list of dicts with
``"params"``, ``"lr"`` and the other hyperparameters, which a learning-rate scheduler edits),
``state`` (a dict per parameter: step counts, moment estimates, momentum buffers), ``step()`` and
``zero_grad()``. A subclass writes one method, ``_update(p, grad, state, group)``, the update of
one parameter; the loop over groups and parameters, the skipping of parameters without a
gradient and the checks live here.
"""

from collections.abc import MutableMapping
from numbers import Real

import numpy as np

from mlmath.validation import Interval, InvalidParameterError, check_parameter

__all__ = ["Parameter", "Optimizer"]


class Parameter:
    """A trainable array: ``data`` (float64, updated in place) and ``grad`` (or ``None``).

    The minimal object an optimiser accepts, for code that computes its gradients by hand
    (an analytic gradient, a NumPy backward pass) rather than with the autograd engine.

    Parameters
    ----------
    data : array-like
        The initial value; copied to a float64 array.
    """

    def __init__(self, data):
        self.data = np.array(data, dtype=np.float64)
        self.grad = None

    def __repr__(self):
        return f"Parameter({self.data!r})"


class _State(MutableMapping):
    """A dict keyed by parameter *identity* (an array-like parameter need not be hashable)."""

    def __init__(self):
        self._items = {}

    def __getitem__(self, p):
        return self._items[id(p)][1]

    def __setitem__(self, p, value):
        self._items[id(p)] = (p, value)

    def __delitem__(self, p):
        del self._items[id(p)]

    def __iter__(self):
        return (p for p, _ in self._items.values())

    def __len__(self):
        return len(self._items)


def _check_param(p, owner):
    if not (hasattr(p, "data") and hasattr(p, "grad")):
        raise TypeError(f"{owner} optimises objects with .data and .grad attributes (an "
                        f"mlmath.autograd.Tensor or an optim.Parameter); got {type(p).__name__}.")
    if not (isinstance(p.data, np.ndarray) and p.data.dtype == np.float64):
        raise TypeError(f"{owner} updates p.data in place, so it must be a float64 ndarray; got "
                        f"{type(p.data).__name__} of dtype {getattr(p.data, 'dtype', None)}.")
    return p


def _check_lr(lr, owner):
    return _check_nonnegative(lr, "lr", owner)


def _check_betas(betas, owner):
    if not (isinstance(betas, (tuple, list)) and len(betas) == 2):
        raise InvalidParameterError(f"The 'betas' parameter of {owner} must be a pair "
                                    f"(beta1, beta2); got {betas!r}.")
    for k, b in enumerate(betas, 1):
        check_parameter(b, f"betas[{k - 1}] (beta{k})",
                        [Interval(Real, 0.0, 1.0, closed="left")], owner=owner)
    return float(betas[0]), float(betas[1])


def _check_nonnegative(value, name, owner):
    return float(check_parameter(value, name, [Interval(Real, 0.0, None, closed="left")],
                                 owner=owner))


class Optimizer:
    """Base class: holds ``param_groups`` and ``state``; subclasses define ``_update``.

    Parameters
    ----------
    params : iterable
        The parameters (objects with ``.data``, a float64 ndarray, and ``.grad``), or an
        iterable of dicts, each with a ``"params"`` entry and optional per-group
        hyperparameters that override ``defaults`` (torch's parameter groups).
    defaults : dict
        The hyperparameters of every group that does not set its own.
    """

    def __init__(self, params, defaults):
        owner = type(self).__name__
        if isinstance(params, np.ndarray) or hasattr(params, "data"):
            raise TypeError(f"{owner} expects an iterable of parameters, not a single "
                            f"{type(params).__name__}: pass [p].")
        try:
            groups = list(params)
        except TypeError:
            raise TypeError(f"{owner} expects an iterable of parameters; got "
                            f"{type(params).__name__}.") from None
        if not groups:
            raise ValueError(f"{owner} got an empty parameter list.")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        self.defaults = dict(defaults)
        self.param_groups = []
        self.state = _State()
        seen = set()
        for group in groups:
            if not isinstance(group, dict) or "params" not in group:
                raise TypeError(f"{owner}: a parameter group is a dict with a 'params' entry; "
                                f"got {group!r}.")
            group = dict(group)
            ps = group["params"]
            ps = [ps] if hasattr(ps, "data") else list(ps)
            if not ps:
                raise ValueError(f"{owner} got an empty parameter list.")
            for p in ps:
                _check_param(p, owner)
                if id(p) in seen:
                    raise ValueError(f"{owner}: a parameter appears twice in the parameter "
                                     f"list; it would be updated twice per step.")
                seen.add(id(p))
            group["params"] = ps
            unknown = set(group) - set(self.defaults) - {"params"}
            if unknown:
                raise TypeError(f"{owner}: unknown hyperparameters {sorted(unknown)} in a "
                                f"parameter group.")
            for key, value in self.defaults.items():
                group.setdefault(key, value)
            self._check_group(group)
            self.param_groups.append(group)

    def _check_group(self, group):
        """Check a group's hyperparameters (subclasses override)."""

    def zero_grad(self, set_to_none=True):
        """Forget the gradients: set every ``p.grad`` to ``None`` (or to zeros).

        Parameters
        ----------
        set_to_none : bool, default=True
            ``None`` (torch's default), or zero the arrays in place when False.
        """
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:
                    p.grad = None
                elif isinstance(p.grad, np.ndarray):
                    p.grad[...] = 0.0
                elif p.grad is not None:  # a scalar (e.g. a NumPy float) cannot be zeroed in place
                    p.grad = np.zeros_like(p.data)

    def step(self):
        """Update every parameter that has a gradient, in place; skip those whose grad is None."""
        owner = type(self).__name__
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = np.asarray(p.grad, dtype=np.float64)
                if grad.shape != p.data.shape:
                    raise ValueError(f"{owner}: a gradient of shape {grad.shape} for a "
                                     f"parameter of shape {p.data.shape}.")
                if p not in self.state:
                    self.state[p] = {}
                self._update(p, grad, self.state[p], group)

    def _update(self, p, grad, state, group):  # pragma: no cover - abstract
        raise NotImplementedError
