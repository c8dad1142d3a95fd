"""Regression targets for growth: centred and scaled, so that no sum cancels or overflows.

The squared-error criterion sums :math:`w_i y_i` and :math:`w_i y_i^2` over the nodes; large
means cancel in its proxy, and large targets overflow in their squares. A shift of ``y``, and a
scaling by a power of two, change no split, so the tree is grown on the shifted and scaled
targets and its node means and variances are mapped back afterwards.
"""

import math

import numpy as np

__all__ = ["regression_targets"]

# targets beyond this magnitude (about 8.7e99) are grown scaled back to at most it
_LARGE_TARGET = 2.0**332


def regression_targets(y, sw):
    r"""The regression targets the tree is grown on: :math:`z` with :math:`y = 2^e(c + z)`.

    Centring: when the mean dwarfs the spread, the split proxy
    :math:`S_{1L}^2/W_L + S_{1R}^2/W_R` loses about :math:`\log_{10}(\bar y^2/\text{variance})`
    digits to cancellation (``y + 1e9`` grows a wrong tree); a shift of ``y`` changes no
    split. Targets of moderate mean are left as they are, so that rounding does not re-break
    the ties between equally good splits. Scaling: when :math:`\max_i|y_i| > 2^{332}` (about
    ``8.7e99``), ``y`` is divided by the power of two :math:`2^e` that brings
    :math:`\max_i|z_i|` back into :math:`[2^{331}, 2^{332})`, the range unscaled targets may
    reach, so that neither the squares nor the proxy's overflow (``1e300 * y`` would give
    infinite proxies and a meaningless tree). The division is exact for every entry of
    magnitude at least :math:`2^{e-1022}`; smaller entries (at most :math:`2^{-1353}` times
    the largest) are rounded to a multiple of :math:`2^{e-1074}` in the units of ``y``, far
    below the rounding unit of the largest. Every sum and ratio is then the unscaled one times
    a power of two, so the splits are those of exact-range arithmetic. The one difference is
    the threshold below which a node is not split: its variance is compared with the machine
    epsilon in the units of :math:`z`, that is with :math:`\epsilon_{\mathrm{mach}} 4^e`
    in the units of ``y``; as :math:`\max_i|y_i| \ge 2^{e+331}`, only nodes whose standard
    deviation is below :math:`2^{-357}\max_i|y_i|` are left unsplit, and the threshold rises
    from the unscaled one in steps of a factor of 4, one for each power of two that
    :math:`\max_i|y_i|` passes beyond :math:`2^{332}`, with no jump at the gate larger than
    that (``min_impurity_decrease`` is scaled by the caller). Node variances are at most the square
    of half the targets' range, so they are representable (once scaled back) unless that
    square, or the root's weighted sum of squared deviations (which bounds every node's),
    overflows float64: such targets are refused.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Finite targets.
    sw : ndarray of shape (n_samples,)
        Positive sample weights.

    Returns
    -------
    z : ndarray of shape (n_samples,)
        The targets to grow on.
    offset : float
        The shift :math:`c` (0.0 when the targets are not centred).
    exponent : int
        The power of two :math:`e` (0 when the targets are not scaled).

    Raises
    ------
    ValueError
        If the square of half the range of ``y``, or
        :math:`\sum_i w_i (y_i - \bar y)^2`, overflows float64 (about :math:`1.8\cdot 10^{308}`).
    """
    exponent = 0
    y_max = float(np.max(np.abs(y))) if y.size else 0.0
    if y_max > _LARGE_TARGET:
        # 2^(E-1) <= max|y| < 2^E with E = frexp(max|y|)[1]; e = E - 332 puts max|z| in
        # [2^331, 2^332): no larger than unscaled targets may be, and far from underflow
        exponent = math.frexp(y_max)[1] - 332
        y = np.ldexp(y, -exponent)  # exact for |y| >= 2^(e-1022)
    half_range = 0.5 * (float(np.max(y)) - float(np.min(y))) if y.size else 0.0
    if half_range == 0.0 and y.size:  # a constant: exact zeros, not the mean's rounding error
        return np.zeros_like(y), float(y[0]), exponent
    with np.errstate(over="ignore", invalid="ignore"):  # checked below
        mean = float(np.dot(sw, y) / sw.sum())
        ssd = float(np.dot(sw, (y - mean) ** 2))  # the root's weighted sum of squares
    big = float(np.finfo(np.float64).max)
    # every node's variance is at most half_range^2, and its weighted sum of squared
    # deviations at most the root's, ssd: both must be representable in the units of y
    if not (half_range <= math.ldexp(math.sqrt(big), -exponent)
            and ssd <= math.ldexp(big, -2 * exponent)):
        raise ValueError(
            "The squared deviations of y from its mean overflow float64 (their weighted sum, "
            "or the square of half the range of y): the variances the tree is grown on would "
            "be meaningless. Rescale y, e.g. divide it by its standard deviation."
        )
    # |mean| > 10 sd, as mean^2 > 100 var but with no square that could overflow
    if abs(mean) > 10.0 * math.sqrt(ssd / sw.sum()):
        return y - mean, mean, exponent
    return y, 0.0, exponent
