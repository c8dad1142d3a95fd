"""Benchmark: fit time and peak memory of every mlmath estimator relative to its scikit-learn twin.

Run with ``make bench``. Estimators are discovered (mlmath.estimators.all_estimators) and paired
with the scikit-learn class of the same name; both get the same hyperparameters (those they
share) and the same fixed, seeded datasets: a bundled scikit-learn set, then a generated set at
n = 500, 1,000, 2,000 and 5,000 samples, so that a ratio growing with n (a worse complexity than
the twin's) shows. Times are medians of several fits of fresh clones; predict times are medians
of predictions on the training set; memory is the peak of Python-tracked allocations (NumPy's
included) during one fit. A benchmark, not a test: it prints, it never fails on a slow result.

A last table times the k-d tree build of the k-NN estimators against scikit-learn's at
leaf_size = 1 for n = 25,000 to 100,000 (d = 8): the build is O(d n log n), so quadrupling n
should multiply its time by about 5, as scikit-learn's; a quadratic build would multiply it by 16.

The summary gives, per estimator, the median fit-time ratio over the datasets and the growth of
the ratio from n = 500 to n = 5,000, then the median and the maximum over estimators.
"""

import argparse
import time
import tracemalloc
import warnings

import numpy as np
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.datasets import load_breast_cancer, load_diabetes, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from sklearn.utils import get_tags

from mlmath.datasets import make_linear_regression
from mlmath.estimators import all_estimators, sklearn_twin
from mlmath.timing import time_fit

SIZES = (500, 1_000, 2_000, 5_000)

# Settings under which the default would fit nothing interesting on standardised data.
OVERRIDES = {"Lasso": {"alpha": 0.01}, "ElasticNet": {"alpha": 0.01}}


def regression_datasets():
    X, y = load_diabetes(return_X_y=True)
    yield "diabetes 442x10", StandardScaler().fit_transform(X), (y - y.mean()) / y.std()
    for n in SIZES:
        X, y, _ = make_linear_regression(n, 20, noise=1.0, correlation=0.3, random_state=0)
        yield f"synthetic {n}x20", X, y


def classification_datasets():
    X, y = load_breast_cancer(return_X_y=True)
    yield "breast_cancer 569x30", StandardScaler().fit_transform(X), y
    for n in SIZES:
        X, y = make_classification(n, 20, n_informative=10, n_classes=3, class_sep=1.0,
                                   random_state=0)
        yield f"synthetic {n}x20 K=3", StandardScaler().fit_transform(X), y


def datasets_for(est):
    data = classification_datasets() if is_classifier(est) else regression_datasets()
    positive = get_tags(est).input_tags.positive_only
    for name, X, y in data:
        yield name, (X - X.min(axis=0) if positive else X), y


def peak_fit_bytes(est, X, y):
    model = clone(est)
    tracemalloc.start()
    model.fit(X, y)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def time_predict(fitted, X, *, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fitted.predict(X)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def shared_params(ours, twin_cls):
    twin = twin_cls()
    params = {k: v for k, v in ours.get_params().items() if k in twin.get_params()}
    if "random_state" in twin.get_params():
        params["random_state"] = 0
    return twin.set_params(**params)


def bench_one(cls, twin_cls, repeats):
    ours = cls()
    if "random_state" in ours.get_params():
        ours.set_params(random_state=0)
    ours.set_params(**OVERRIDES.get(cls.__name__, {}))
    twin = shared_params(ours, twin_cls)
    ratios = {}
    for name, X, y in datasets_for(ours):
        t_ours = time_fit(ours, X, y, repeats=repeats)
        t_twin = time_fit(twin, X, y, repeats=repeats)
        p_ours = time_predict(clone(ours).fit(X, y), X, repeats=repeats)
        p_twin = time_predict(clone(twin).fit(X, y), X, repeats=repeats)
        m_ours, m_twin = peak_fit_bytes(ours, X, y), peak_fit_bytes(twin, X, y)
        ratios[name] = t_ours / t_twin
        print(f"{cls.__name__:<24} {name:<22} {t_ours * 1e3:>9.2f} {t_twin * 1e3:>9.2f} "
              f"{t_ours / t_twin:>7.2f} {p_ours / p_twin:>9.2f} {m_ours / max(m_twin, 1):>8.2f}",
              flush=True)
    return ratios


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs per median (default 5)")
    parser.add_argument("--only", nargs="*", default=None,
                        help="benchmark only these estimator class names")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", ConvergenceWarning)
    header = (f"{'estimator':<24} {'dataset':<22} {'ours ms':>9} {'skl ms':>9} "
              f"{'fit x':>7} {'predict x':>9} {'mem x':>8}")
    print(header)
    print("-" * len(header))
    summary = {}
    for _, cls in all_estimators():
        if args.only and cls.__name__ not in args.only:
            continue
        twin_cls = sklearn_twin(cls)
        if twin_cls is None:
            print(f"{cls.__name__:<24} (no scikit-learn twin)")
            continue
        if not (is_classifier(cls()) or is_regressor(cls())):
            print(f"{cls.__name__:<24} (neither classifier nor regressor: not benchmarked here)")
            continue
        summary[cls.__name__] = bench_one(cls, twin_cls, args.repeats)

    print()
    print(f"{'estimator':<24} {'median fit x':>12} {'max fit x':>10} {'x(5000)/x(500)':>15}")
    medians = {}
    for name, ratios in summary.items():
        values = list(ratios.values())
        sweep = [r for d, r in ratios.items() if d.startswith("synthetic")]
        medians[name] = float(np.median(values))
        print(f"{name:<24} {medians[name]:>12.2f} {max(values):>10.2f} "
              f"{sweep[-1] / sweep[0]:>15.2f}")
    if medians:
        print(f"\nover {len(medians)} estimators: median of medians "
              f"{np.median(list(medians.values())):.2f}x, worst median "
              f"{max(medians.values()):.2f}x ({max(medians, key=medians.get)})")
    if not args.only or "KDTree" in args.only:
        bench_kd_tree_build(min(args.repeats, 3))


def bench_kd_tree_build(repeats):
    """CPU time of a k-d tree build (leaf_size=1) at growing n, ours and scikit-learn's."""
    from sklearn.neighbors import KNeighborsClassifier as SkKNN

    from mlmath.supervised.knn.estimators import KNeighborsClassifier

    rng = np.random.default_rng(8)
    X = rng.standard_normal((100_000, 8))
    y = (X[:, 0] > 0).astype(int)
    print(f"\n{'k-d tree build, leaf_size=1':<28} {'n':>8} {'ours s':>8} {'skl s':>8}")
    first = {}
    for n in (25_000, 50_000, 100_000):
        row = []
        for name, cls in (("ours", KNeighborsClassifier), ("skl", SkKNN)):
            best = np.inf
            for _ in range(repeats):
                model = cls(algorithm="kd_tree", leaf_size=1)
                t0 = time.process_time()
                model.fit(X[:n], y[:n])
                best = min(best, time.process_time() - t0)
            first.setdefault(name, best)
            row.append(best)
        print(f"{'':<28} {n:>8} {row[0]:>8.3f} {row[1]:>8.3f}")
    print(f"{'growth 25k -> 100k':<28} {'':>8} {row[0] / first['ours']:>7.1f}x "
          f"{row[1] / first['skl']:>7.1f}x")


if __name__ == "__main__":
    main()
