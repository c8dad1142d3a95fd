"""Shared pieces of the engine's tests: the hypothesis profile and the comparison with torch.

Values are drawn from a seeded NumPy generator (the seed is drawn by hypothesis), shapes by
hypothesis; every comparison pushes a random upstream gradient ``g`` through both engines, so it
checks the whole vector-Jacobian product, not only the gradient of a sum.
"""

import tempfile
from pathlib import Path

import numpy as np
import torch
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.extra import numpy as hnp

from mlmath.autograd import Tensor

# Hypothesis caches what it learns about the source under ./.hypothesis: keep the repository clean.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "mlmath-hypothesis")

# Deterministic (derandomize), no example database written into the repository, no deadline
# (the first call of a torch operation is slow), few examples: the folder runs in seconds.
settings.register_profile(
    "mlmath-autograd", max_examples=50, deadline=None, database=None, derandomize=True
)
PROFILE = settings.get_profile("mlmath-autograd")

seeds = st.integers(0, 2**32 - 1)
shapes = hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=4)


def random_arrays(seed, *shapes_, positive=False):
    """Standard normal arrays of the given shapes (``positive``: in [0.5, 2])."""
    rng = np.random.default_rng(seed)
    if positive:
        return [rng.uniform(0.5, 2.0, size=s) for s in shapes_]
    return [rng.standard_normal(s) for s in shapes_]


def compare_with_torch(ours, theirs, arrays, seed=0, rtol=1e-10, atol=1e-12):
    """Forward values and gradients of ``ours`` (engine) and ``theirs`` (torch) agree.

    Every array becomes a leaf requiring grad in both engines; a random upstream gradient of
    the output's shape is back-propagated through both.
    """
    leaves = [Tensor(a, requires_grad=True) for a in arrays]
    out = ours(*leaves)
    t_leaves = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    t_out = theirs(*t_leaves)
    np.testing.assert_allclose(out.data, t_out.detach().numpy(), rtol=rtol, atol=atol)
    assert out.shape == tuple(t_out.shape)
    g = np.random.default_rng(seed + 1).standard_normal(out.shape)
    out.backward(g)
    t_out.backward(torch.tensor(g, dtype=torch.float64))
    for leaf, t_leaf in zip(leaves, t_leaves):
        expected = np.zeros(leaf.shape) if t_leaf.grad is None else t_leaf.grad.numpy()
        assert leaf.grad is not None and leaf.grad.shape == leaf.shape
        np.testing.assert_allclose(leaf.grad, expected, rtol=rtol, atol=atol)
    return out, leaves
