"""The code of the chapter The Perceptron (``book/neural_networks/perceptron.md``).

Its tests are under ``tests/neural_networks/perceptron/``.
"""

from mlmath.neural_networks.perceptron.estimators import Perceptron
from mlmath.neural_networks.perceptron.online import perceptron_epochs, xorshift_shuffle
from mlmath.neural_networks.perceptron.variants import (
    add_bias_feature,
    averaged_perceptron,
    novikoff_bound,
    perceptron,
    pocket_perceptron,
)

__all__ = [
    "Perceptron",
    "perceptron_epochs",
    "xorshift_shuffle",
    "add_bias_feature",
    "perceptron",
    "pocket_perceptron",
    "averaged_perceptron",
    "novikoff_bound",
]
