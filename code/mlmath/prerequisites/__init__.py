"""Mathematical prerequisites: the code of the book's part ``book/prerequisites/``."""
