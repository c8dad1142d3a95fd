"""Impurity criteria: direct formulas, concavity, proxies and the impurity-decrease identities."""

import numpy as np
import pytest

from mlmath.supervised.decision_trees.impurity import (
    CRITERIA,
    Entropy,
    Gini,
    SquaredError,
    entropy_impurity,
    gini_impurity,
    squared_error_impurity,
)


def test_gini_and_entropy_match_direct_formulas():
    rng = np.random.default_rng(0)
    counts = rng.integers(0, 20, size=(50, 4)).astype(float)
    counts[:, 0] += 1  # no empty node
    for c, g, h in zip(counts, gini_impurity(counts), entropy_impurity(counts)):
        p = c / c.sum()
        assert g == pytest.approx(1.0 - sum(pk * pk for pk in p), abs=1e-14)
        assert h == pytest.approx(-sum(pk * np.log2(pk) for pk in p if pk > 0), abs=1e-13)


def test_extreme_values():
    assert gini_impurity([5.0, 0.0, 0.0]) == 0.0
    assert entropy_impurity([5.0, 0.0, 0.0]) == 0.0
    assert gini_impurity([1.0, 1.0, 1.0, 1.0]) == pytest.approx(0.75)  # 1 - 1/K
    assert entropy_impurity([1.0, 1.0, 1.0, 1.0]) == pytest.approx(2.0)  # log2 K


def test_squared_error_is_the_weighted_variance():
    rng = np.random.default_rng(1)
    y, w = rng.normal(3.0, 2.0, 40), rng.uniform(0.1, 2.0, 40)
    stats = SquaredError().sample_stats(y, w).sum(axis=0)
    mean = np.sum(w * y) / w.sum()
    assert squared_error_impurity(stats) == pytest.approx(np.sum(w * (y - mean) ** 2) / w.sum())
    assert SquaredError().value(stats)[0] == pytest.approx(mean)


@pytest.mark.parametrize("impurity", [gini_impurity, entropy_impurity])
def test_gini_and_entropy_are_strictly_concave(impurity):
    rng = np.random.default_rng(2)
    for K in [2, 3, 6]:
        p = rng.dirichlet(np.ones(K), size=500)
        q = rng.dirichlet(np.ones(K), size=500)
        lam = rng.uniform(0.01, 0.99, size=(500, 1))
        mixed = impurity(lam * p + (1 - lam) * q)
        chord = lam[:, 0] * impurity(p) + (1 - lam[:, 0]) * impurity(q)
        assert np.all(mixed > chord)  # strict: p != q almost surely


def test_the_squared_error_is_not_a_function_of_proportions_but_its_decrease_is_nonnegative():
    rng = np.random.default_rng(3)
    crit = SquaredError()
    for _ in range(200):
        y, w = rng.normal(size=12), rng.uniform(0.5, 2.0, 12)
        cut = rng.integers(1, 12)
        s = crit.sample_stats(y, w)
        left, right, parent = s[:cut].sum(0), s[cut:].sum(0), s.sum(0)
        decrease = (crit.weighted_impurity(parent) - crit.weighted_impurity(left)
                    - crit.weighted_impurity(right))
        # the identity of the chapter: W_L W_R / W (ybar_L - ybar_R)^2
        yl, yr = left[1] / left[0], right[1] / right[0]
        assert decrease == pytest.approx(left[0] * right[0] / parent[0] * (yl - yr) ** 2,
                                         rel=1e-9, abs=1e-12)
        assert decrease >= -1e-12


@pytest.mark.parametrize("crit", [Gini(), Entropy()])
def test_a_split_never_increases_the_weighted_impurity(crit):
    rng = np.random.default_rng(4)
    for _ in range(300):
        y, w = rng.integers(0, 3, 15), rng.uniform(0.1, 3.0, 15)
        cut = rng.integers(1, 15)
        s = crit.sample_stats(y, w, 3)
        parent, left, right = s.sum(0), s[:cut].sum(0), s[cut:].sum(0)
        assert (crit.weighted_impurity(left) + crit.weighted_impurity(right)
                <= crit.weighted_impurity(parent) + 1e-12)


@pytest.mark.parametrize("name, constant", [
    ("gini", lambda parent: parent.sum()),  # W
    ("entropy", lambda parent: 0.0),
    ("squared_error", lambda parent: parent[2]),  # S2
])
def test_proxy_plus_children_weighted_impurity_is_a_node_constant(name, constant):
    rng = np.random.default_rng(5)
    crit = CRITERIA[name]()
    for _ in range(100):
        n = 20
        if crit.is_classification:
            s = crit.sample_stats(rng.integers(0, 3, n), rng.uniform(0.1, 2.0, n), 3)
        else:
            s = crit.sample_stats(rng.normal(size=n), rng.uniform(0.1, 2.0, n))
        cut = rng.integers(1, n)
        left, right = s[:cut].sum(0), s[cut:].sum(0)
        cols = crit.proxy_columns
        proxy = crit.proxy(left[cols][:, None], right[cols][:, None])[0]
        total = proxy + crit.weighted_impurity(left) + crit.weighted_impurity(right)
        assert total == pytest.approx(constant(s.sum(0)), rel=1e-10, abs=1e-10)


def test_node_impurity_two_pass_is_exact_for_constant_targets():
    crit = SquaredError()
    y = np.full(7, 0.1)
    s = crit.sample_stats(y, np.ones(7))
    seg = np.array([0, 0, 0, 1, 1, 1, 1])
    imp = crit.node_impurity(crit.sample_terms(y, np.ones(7)), np.arange(7), seg,
                             np.vstack([s[:3].sum(0), s[3:].sum(0)]))
    assert np.all(imp < np.finfo(float).eps)


def test_log_loss_is_entropy():
    assert CRITERIA["log_loss"] is CRITERIA["entropy"]
