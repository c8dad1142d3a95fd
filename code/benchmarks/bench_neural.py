"""The neural-networks part of ``make bench``: the autograd engine's SGD step against PyTorch's.

One SGD step (forward pass, softmax cross-entropy, backward pass, update) of the same MLP, in
float64 on the CPU with one thread on both sides, timed alternately by
:func:`mlmath.neural_networks.backprop.timing.time_training_step`. There is no target: the
backpropagation chapter measures the same ratio and explains it (in float64 on one CPU thread
both sides spend the time of a large step in the same kind of BLAS matrix products; for a small
step the cost is the per-operation overhead: a Python call that allocates its result and
records a node in the engine, the dispatcher and autograd bookkeeping in PyTorch).
"""

from mlmath.neural_networks.backprop.timing import time_training_step

# (layer units, batch size): a small network, the 64-128-128-10, and a wide one
NETWORKS = (((20, 32, 3), 64), ((64, 128, 128, 10), 256), ((784, 512, 512, 10), 256))


def bench_engine_step(repeats, budget):
    """Print the engine's and PyTorch's median CPU time per step, and their ratio."""
    print("\nautograd engine vs PyTorch: one SGD step of an MLP (relu, softmax cross-entropy), "
          "float64, CPU, one thread; ratio = engine / torch (reported, no target)")
    header = f"{'layer units':<22} {'batch':>6} {'engine ms':>10} {'torch ms':>9} {'ratio':>7}"
    print(header + "\n" + "-" * len(header), flush=True)
    for units, batch in NETWORKS:
        t = time_training_step(units, batch, repeats=repeats, budget=budget)
        print(f"{'-'.join(map(str, units)):<22} {batch:>6} {1e3 * t['engine']:>10.3f} "
              f"{1e3 * t['torch']:>9.3f} {t['engine'] / t['torch']:>6.2f}x", flush=True)
    return []
