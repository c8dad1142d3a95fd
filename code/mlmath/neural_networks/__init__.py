"""Neural networks: the code of the book's part ``book/neural_networks/``."""
