r"""Generalisation bounds for finite classes, Rademacher complexity and shattering.

The code of the generalisation chapter (``book/theory/generalization.md``), one module per
concept, following the chapter's sections:

- :mod:`.bounds`: Hoeffding's inequality and the bounds of a finite class
  (:func:`hoeffding_tail`, :func:`finite_class_bound`, :func:`realizable_bound`,
  :func:`sample_complexity`);
- :mod:`.thresholds`: the finite class of threshold classifiers on which the chapter checks
  the bounds by simulation (:func:`threshold_classifiers`, :func:`threshold_empirical_risks`,
  :func:`threshold_risks`, :func:`sample_threshold_problem`);
- :mod:`.vc`: shattering by half-spaces, the VC dimension of affine classifiers
  (:func:`linearly_separable`, :func:`shattered_by_halfspaces`);
- :mod:`.rademacher`: the empirical Rademacher complexity of a finite class and Massart's
  bound (:func:`empirical_rademacher`, :func:`massart_bound`).

Hypotheses of a finite class are represented by their predictions: a matrix with one row per
hypothesis and one column per sample. Every public name is re-exported here.
"""

from mlmath.theory.generalization.bounds import (
    finite_class_bound,
    hoeffding_tail,
    realizable_bound,
    sample_complexity,
)
from mlmath.theory.generalization.rademacher import empirical_rademacher, massart_bound
from mlmath.theory.generalization.thresholds import (
    sample_threshold_problem,
    threshold_classifiers,
    threshold_empirical_risks,
    threshold_risks,
)
from mlmath.theory.generalization.vc import linearly_separable, shattered_by_halfspaces

__all__ = [
    "hoeffding_tail",
    "finite_class_bound",
    "realizable_bound",
    "sample_complexity",
    "threshold_classifiers",
    "threshold_empirical_risks",
    "threshold_risks",
    "sample_threshold_problem",
    "empirical_rademacher",
    "massart_bound",
    "linearly_separable",
    "shattered_by_halfspaces",
]
