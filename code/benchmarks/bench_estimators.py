"""Benchmark: fit time and peak memory of every mlmath estimator relative to its scikit-learn twin.

Run with ``make bench``. Estimators are discovered (mlmath.estimators.all_estimators) and paired
with the scikit-learn class of the same name; both get the same hyperparameters (those they
share) and the same fixed, seeded datasets. Times are medians of several fits of fresh clones;
memory is the peak of Python-tracked allocations (NumPy's included) during one fit. A benchmark,
not a test: it prints, it never fails on a slow result.
"""

import argparse
import tracemalloc
import warnings

from sklearn.base import clone
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from mlmath.datasets import make_linear_regression
from mlmath.estimators import all_estimators, sklearn_twin
from mlmath.timing import time_fit


def datasets():
    X, y = load_diabetes(return_X_y=True)
    yield "diabetes 442x10", StandardScaler().fit_transform(X), (y - y.mean()) / y.std()
    for n, d in [(2_000, 20), (20_000, 50)]:
        X, y, _ = make_linear_regression(n, d, noise=1.0, correlation=0.3, random_state=0)
        yield f"synthetic {n}x{d}", X, y


def peak_fit_bytes(est, X, y):
    model = clone(est)
    tracemalloc.start()
    model.fit(X, y)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def shared_params(ours, twin_cls):
    twin = twin_cls()
    params = {k: v for k, v in ours.get_params().items() if k in twin.get_params()}
    if "random_state" in twin.get_params():
        params["random_state"] = 0
    return twin.set_params(**params)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="fits per median (default 5)")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", ConvergenceWarning)
    header = (f"{'estimator':<18} {'dataset':<20} {'ours ms':>10} {'sklearn ms':>11} "
              f"{'time ratio':>10} {'mem ratio':>10}")
    print(header)
    print("-" * len(header))
    for _, cls in all_estimators():
        twin_cls = sklearn_twin(cls)
        if twin_cls is None:
            print(f"{cls.__name__:<18} (no scikit-learn twin)")
            continue
        ours = cls()
        if "random_state" in ours.get_params():
            ours.set_params(random_state=0)
        if "alpha" in ours.get_params() and cls.__name__ in ("Lasso", "ElasticNet"):
            ours.set_params(alpha=0.01)
        twin = shared_params(ours, twin_cls)
        for name, X, y in datasets():
            t_ours = time_fit(ours, X, y, repeats=args.repeats)
            t_twin = time_fit(twin, X, y, repeats=args.repeats)
            m_ours, m_twin = peak_fit_bytes(ours, X, y), peak_fit_bytes(twin, X, y)
            print(f"{cls.__name__:<18} {name:<20} {t_ours * 1e3:>10.2f} {t_twin * 1e3:>11.2f} "
                  f"{t_ours / t_twin:>10.2f} {m_ours / max(m_twin, 1):>10.2f}", flush=True)


if __name__ == "__main__":
    main()
