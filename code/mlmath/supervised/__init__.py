"""Supervised learning: the code of the book's part ``book/supervised/``."""
