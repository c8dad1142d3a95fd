"""Dimensionality reduction: the code of the book's part ``book/dimensionality_reduction/``."""
