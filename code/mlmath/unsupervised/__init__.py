"""The unsupervised-learning part of the book: clustering and density models."""
