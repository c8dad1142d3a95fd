"""Ensembles: bagging and random forests, boosting (issue 12)."""
