"""Cost of a 1,000-query multi-objective NB201 run (issue 29's aim: <= 5 s): WeakNAS with
accuracy x edgegpu_latency, its two picks, median of 5 seeds side by side, one thread,
with the single-objective default in the same loop for scale.

    OMP_NUM_THREADS=1 python benchmarks/multi_objective_speed.py --data ../shared/data
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from weaknas.benchmarks import load_benchmark
from weaknas.runner import SearchConfig, run_search

OBJECTIVES = "accuracy:max,edgegpu_latency:min"
ARMS = {
    "single objective (default)": {},
    "two objectives, hvi (default)": {"objectives": OBJECTIVES},
    "two objectives, nds": {"objectives": OBJECTIVES, "pareto_picks": "nds"},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    bench = load_benchmark("nb201-cifar10", args.data)
    seconds: dict[str, list[float]] = {arm: [] for arm in ARMS}
    for seed in range(args.seeds):
        for arm, settings in ARMS.items():  # side by side: the same load for every arm
            started = time.perf_counter()
            run_search(bench, SearchConfig(budget=1000, **settings), seed)
            seconds[arm].append(time.perf_counter() - started)
    for arm, values in seconds.items():
        print(f"{arm}: median {np.median(values):.2f} s ({', '.join(f'{v:.2f}' for v in values)})")


if __name__ == "__main__":
    main()
