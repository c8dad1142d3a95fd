"""Machine-learning theory: the code of the book's part ``book/theory/``."""
