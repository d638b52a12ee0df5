"""Do training-free graph features help the predictor (issue 30, item 2)? WeakNAS's default
against the same with the ``graf`` encoding (``onehot+counts`` plus NB201 graph features:
open paths, single-op paths, convolutions on the deepest open path, shortest open path,
dead edges; ``weaknas.spaces.nb201.graph_features``), queries to the optimum on NB201.

    python benchmarks/graf_features.py --data ../shared/data --seeds 0-99
"""

from __future__ import annotations

import argparse
import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from scipy.stats import wilcoxon
from seed_ranges import parse_seeds  # benchmarks/seed_ranges.py

from weaknas.benchmarks import load_benchmark
from weaknas.runner import SearchConfig, run_search

DATASETS = ("nb201-cifar10", "nb201-cifar100", "nb201-imagenet16")
ARMS = {"default (onehot+counts)": {}, "graf": {"encoding": "graf"}}
BUDGET = 1000
_benchmarks: dict = {}


def queries(job: tuple[str, str, dict, int]) -> int:
    data, name, settings, seed = job
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    if name not in _benchmarks:
        _benchmarks[name] = load_benchmark(name, data)
    config = SearchConfig(benchmark=name, budget=BUDGET, stop_at_optimum=True, **settings)
    found = run_search(_benchmarks[name], config, seed).summary["queries_to_optimum"]
    return BUDGET if found is None else found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--seeds", default="0-99")
    args = parser.parse_args()
    seeds = parse_seeds(args.seeds)
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        for name in DATASETS:
            results = {}
            for arm, settings in ARMS.items():
                jobs = [(args.data, name, settings, seed) for seed in seeds]
                results[arm] = np.array(list(pool.map(queries, jobs)))
            base = results["default (onehot+counts)"]
            cells = []
            for arm, q in results.items():
                text = f"{arm} {q.mean():.1f} / {np.median(q):.1f}, {int((q < BUDGET).sum())}"
                if arm != "default (onehot+counts)" and (q != base).any():
                    text += f" (p {wilcoxon(q, base).pvalue:.3g})"
                cells.append(text)
            print(
                f"{name}, seeds {args.seeds}, mean / median queries, found: " + "; ".join(cells),
                flush=True,
            )


if __name__ == "__main__":
    main()
