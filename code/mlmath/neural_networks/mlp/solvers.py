r"""scikit-learn's stochastic solvers for the multilayer network: SGD (momentum, Nesterov, three
learning-rate schedules) and Adam.

The code of the book's chapter Multilayer networks. Each solver keeps its state per parameter
array and updates the arrays IN PLACE from their gradients, with scikit-learn's arithmetic:

* SGD: :math:`\mathbf{u} \leftarrow \beta\mathbf{u} - \eta\mathbf{g}_t`, then
  :math:`\vtheta \leftarrow \vtheta + \mathbf{u}` (heavy ball) or
  :math:`\vtheta \leftarrow \vtheta + \beta\mathbf{u} - \eta\mathbf{g}_t` (Nesterov, in the
  Sutskever et al. form).
* Adam: :math:`\mathbf{m}_t = \beta_1\mathbf{m}_{t-1} + (1-\beta_1)\mathbf{g}_t`,
  :math:`\mathbf{v}_t = \beta_2\mathbf{v}_{t-1} + (1-\beta_2)\mathbf{g}_t^2`,
  :math:`\eta_t = \eta\sqrt{1-\beta_2^t}/(1-\beta_1^t)`,
  :math:`\vtheta \leftarrow \vtheta - \eta_t\mathbf{m}_t/(\sqrt{\mathbf{v}_t}+\epsilon)`.
"""

import numpy as np

__all__ = ["SGDSolver", "AdamSolver"]


class SGDSolver:
    r"""Minibatch SGD with momentum and a learning-rate schedule (scikit-learn's ``SGDOptimizer``).

    Parameters
    ----------
    params : list of ndarray
        The parameter arrays (updated in place by :meth:`update_params`).
    learning_rate_init : float, default=0.1
        :math:`\eta_0 > 0`.
    lr_schedule : {"constant", "invscaling", "adaptive"}, default="constant"
        ``"invscaling"``: :math:`\eta = \eta_0/(t+1)^{p}` after each epoch, :math:`t` the
        samples seen; ``"adaptive"``: divide :math:`\eta` by 5 when progress stalls, stop once it
        is at most ``1e-6``.
    momentum : float, default=0.9
        :math:`\beta \in [0, 1]`.
    nesterov : bool, default=True
    power_t : float, default=0.5
        :math:`p`.

    Attributes
    ----------
    learning_rate : float
        The current :math:`\eta`.
    velocities : list of ndarray
        The velocity :math:`\mathbf{u}` per parameter array (:math:`\mathbf{u}_t` of
        {eq}`eq-mlp-sgd-momentum`).
    """

    def __init__(self, params, learning_rate_init=0.1, lr_schedule="constant", momentum=0.9,
                 nesterov=True, power_t=0.5):
        self.learning_rate_init = learning_rate_init
        self.learning_rate = float(learning_rate_init)
        self.lr_schedule = lr_schedule
        self.momentum = momentum
        self.nesterov = nesterov
        self.power_t = power_t
        self.velocities = [np.zeros_like(p) for p in params]

    def update_params(self, params, grads):
        """One step: add the update to each parameter array in place.

        Parameters
        ----------
        params : list of ndarray
        grads : list of ndarray
            The gradients, aligned with ``params``.

        Notes
        -----
        Implements {eq}`eq-mlp-sgd-momentum` of the chapter.
        """
        updates = [self.momentum * v - self.learning_rate * g
                   for v, g in zip(self.velocities, grads)]
        self.velocities = updates
        if self.nesterov:
            updates = [self.momentum * v - self.learning_rate * g
                       for v, g in zip(self.velocities, grads)]
        for p, u in zip(params, updates):
            p += u

    def iteration_ends(self, time_step):
        """End of an epoch: the ``"invscaling"`` schedule's new rate.

        Parameters
        ----------
        time_step : int
            The number of samples seen so far.
        """
        if self.lr_schedule == "invscaling":
            self.learning_rate = float(self.learning_rate_init) / (time_step + 1) ** self.power_t

    def trigger_stopping(self):
        """Progress has stalled: stop (True), or, for ``"adaptive"``, divide the rate by 5.

        Returns
        -------
        bool
            Whether training stops.
        """
        if self.lr_schedule != "adaptive":
            return True
        if self.learning_rate <= 1e-6:
            return True
        self.learning_rate /= 5.0
        return False


class AdamSolver:
    r"""Adam with bias correction folded into the step (scikit-learn's ``AdamOptimizer``).

    Parameters
    ----------
    params : list of ndarray
    learning_rate_init : float, default=0.001
        :math:`\eta > 0`.
    beta_1, beta_2 : float, default=0.9, 0.999
        :math:`\beta_1, \beta_2 \in [0, 1)`.
    epsilon : float, default=1e-8
        :math:`\epsilon > 0`.

    Attributes
    ----------
    t : int
        Steps taken.
    ms, vs : list of ndarray
        :math:`\mathbf{m}_t` and :math:`\mathbf{v}_t` per parameter array.
    learning_rate : float
        The last :math:`\eta_t`.
    """

    def __init__(self, params, learning_rate_init=0.001, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-8):
        self.learning_rate_init = learning_rate_init
        self.learning_rate = float(learning_rate_init)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.t = 0
        self.ms = [np.zeros_like(p) for p in params]
        self.vs = [np.zeros_like(p) for p in params]

    def update_params(self, params, grads):
        """One Adam step, in place.

        Parameters
        ----------
        params : list of ndarray
        grads : list of ndarray

        Notes
        -----
        Implements {eq}`eq-mlp-adam` of the chapter.
        """
        self.t += 1
        b1, b2 = self.beta_1, self.beta_2
        self.ms = [b1 * m + (1 - b1) * g for m, g in zip(self.ms, grads)]
        self.vs = [b2 * v + (1 - b2) * g ** 2 for v, g in zip(self.vs, grads)]
        self.learning_rate = (self.learning_rate_init * np.sqrt(1 - b2 ** self.t)
                              / (1 - b1 ** self.t))
        for p, m, v in zip(params, self.ms, self.vs):
            p += -self.learning_rate * m / (np.sqrt(v) + self.epsilon)

    def iteration_ends(self, time_step):
        """End of an epoch (nothing to do for Adam).

        Parameters
        ----------
        time_step : int
        """

    def trigger_stopping(self):
        """Progress has stalled: stop.

        Returns
        -------
        bool
            Always True.
        """
        return True
