r"""The activation functions of a multilayer network and their derivatives.

The code of the book's chapter Multilayer networks (``book/neural_networks/
multilayer_networks.md``). ``ACTIVATIONS[name](Z)`` applies :math:`\phi` elementwise (the output
activations ``"softmax"`` and ``"exp"`` row-wise/elementwise too); ``DERIVATIVES[name](A)`` returns
:math:`\phi'(\vz)` written AS A FUNCTION OF THE ACTIVATION :math:`\va = \phi(\vz)`, as
scikit-learn computes it: :math:`\sigma' = \va(1-\va)`, :math:`\tanh' = 1-\va^2`,
:math:`\operatorname{relu}' = [\va > 0]` (0 at :math:`z = 0`), identity 1. The backward pass
needs only the stored activations, never the pre-activations.
"""

import numpy as np
from scipy.special import expit

__all__ = ["ACTIVATIONS", "DERIVATIVES", "identity", "logistic", "tanh", "relu", "softmax",
           "identity_derivative", "logistic_derivative", "tanh_derivative", "relu_derivative"]


def identity(Z, out=None):
    """The identity :math:`\\phi(z) = z`.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_units)
        Pre-activations.
    out : ndarray of Z's shape, optional
        Where to write the result (``out=Z`` works in place).

    Returns
    -------
    ndarray of shape (n_samples, n_units)
    """
    if out is None:
        return np.array(Z, dtype=float)
    if out is not Z:
        out[...] = Z
    return out


def logistic(Z, out=None):
    """The logistic sigmoid :math:`\\sigma(z) = 1/(1+e^{-z})` (``scipy.special.expit``).

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_units)
    out : ndarray of Z's shape, optional

    Returns
    -------
    ndarray of shape (n_samples, n_units)
    """
    return expit(Z, out=out) if out is not None else expit(Z)


def tanh(Z, out=None):
    """The hyperbolic tangent.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_units)
    out : ndarray of Z's shape, optional

    Returns
    -------
    ndarray of shape (n_samples, n_units)
    """
    return np.tanh(Z, out=out) if out is not None else np.tanh(Z)


def relu(Z, out=None):
    """The rectified linear unit :math:`\\max(z, 0)`.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_units)
    out : ndarray of Z's shape, optional

    Returns
    -------
    ndarray of shape (n_samples, n_units)
    """
    return np.maximum(Z, 0, out=out) if out is not None else np.maximum(Z, 0)


def softmax(Z, out=None):
    """The row-wise softmax :math:`e^{z_k}/\\sum_j e^{z_j}` (shifted by the row maximum).

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_classes)
    out : ndarray of Z's shape, optional

    Returns
    -------
    ndarray of shape (n_samples, n_classes)
        Each row sums to one.
    """
    shifted = Z - Z.max(axis=1)[:, np.newaxis]
    out = np.exp(shifted, out=out) if out is not None else np.exp(shifted)
    out /= out.sum(axis=1)[:, np.newaxis]
    return out


def _exp(Z, out=None):
    return np.exp(Z, out=out) if out is not None else np.exp(Z)


def identity_derivative(A):
    """:math:`\\phi'` of the identity: ones.

    Parameters
    ----------
    A : ndarray of shape (n_samples, n_units)
        Activations :math:`\\phi(Z)`.

    Returns
    -------
    ndarray of shape (n_samples, n_units)
    """
    return np.ones_like(A, dtype=float)


def logistic_derivative(A):
    """:math:`\\sigma'(z) = \\sigma(z)(1-\\sigma(z))`, from :math:`A = \\sigma(Z)`.

    Parameters
    ----------
    A : ndarray of shape (n_samples, n_units)

    Returns
    -------
    ndarray of shape (n_samples, n_units)
    """
    return A * (1 - A)


def tanh_derivative(A):
    """:math:`\\tanh'(z) = 1 - \\tanh^2(z)`, from :math:`A = \\tanh(Z)`.

    Parameters
    ----------
    A : ndarray of shape (n_samples, n_units)

    Returns
    -------
    ndarray of shape (n_samples, n_units)
    """
    return 1 - A ** 2


def relu_derivative(A):
    """The ReLU's derivative :math:`[z > 0]` (0 taken at :math:`z = 0`), from :math:`A`.

    Parameters
    ----------
    A : ndarray of shape (n_samples, n_units)

    Returns
    -------
    ndarray of shape (n_samples, n_units)
    """
    return (A > 0).astype(float)


ACTIVATIONS = {"identity": identity, "logistic": logistic, "tanh": tanh, "relu": relu,
               "softmax": softmax, "exp": _exp}
DERIVATIVES = {"identity": identity_derivative, "logistic": logistic_derivative,
               "tanh": tanh_derivative, "relu": relu_derivative}


# In-place versions used by the backward pass: delta <- delta * phi'(A), with scikit-learn's
# order of the floating-point operations (so that the fits agree to the last bits).
def _times_identity_derivative(A, delta):
    return delta


def _times_logistic_derivative(A, delta):
    delta *= A
    delta *= 1 - A
    return delta


def _times_tanh_derivative(A, delta):
    delta *= 1 - A ** 2
    return delta


def _times_relu_derivative(A, delta):
    delta[A == 0] = 0
    return delta


_TIMES_DERIVATIVE = {"identity": _times_identity_derivative,
                     "logistic": _times_logistic_derivative,
                     "tanh": _times_tanh_derivative, "relu": _times_relu_derivative}
