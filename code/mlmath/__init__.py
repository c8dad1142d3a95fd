"""mlmath: the from-scratch implementations behind the book.

*Machine Learning: Mathematical Foundations and Applications*. Subpackages mirror the parts of
the book (``mlmath.supervised`` is the code of ``book/supervised/``); shared pieces live in
:mod:`mlmath.datasets`, :mod:`mlmath.numerics`, :mod:`mlmath.plotting` and :mod:`mlmath.timing`.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
