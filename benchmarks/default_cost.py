"""Seconds per full 1,000-query NB201 run: the default WeakNAS vs the paper's uniform picks.

Each run is a fresh ``run_search`` (LightGBM fits and ranking of all 15,625 cells every
iteration, no stop at the optimum), ``--seeds`` seeds per dataset, side by side in one
process; medians.

    python benchmarks/default_cost.py --data ../shared/data --seeds 10
    python benchmarks/default_cost.py --data ../shared/data --seeds 10 --candidate
"""

from __future__ import annotations

import argparse
import platform

import numpy as np

from weaknas.benchmarks import load_benchmark
from weaknas.runner import SearchConfig, run_search

SETTINGS = {
    "default (greedy, explore 0.3, stall 5; graph features)": {},
    "uniform top-100 (the paper's picks)": {"acquisition": "uniform"},
}
# issue 30: the default encoding before it, and LambdaRank on top of the default
CANDIDATE = {
    "onehot+counts (the default encoding until issue 30)": {"encoding": "onehot+counts"},
    "graf + lambdarank": {"predictor": "lgbm-lambdarank"},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--candidate", action="store_true", help=f"also {list(CANDIDATE)}")
    args = parser.parse_args()
    settings_by_label = SETTINGS | (CANDIDATE if args.candidate else {})
    print(f"{platform.machine()}, Python {platform.python_version()}")
    for name in ("nb201-cifar10", "nb201-cifar100", "nb201-imagenet16"):
        bench = load_benchmark(name, args.data)
        seconds = {label: [] for label in settings_by_label}
        for seed in range(args.seeds):
            for label, settings in settings_by_label.items():  # interleaved: the same machine state
                config = SearchConfig(benchmark=name, budget=1000, **settings)
                seconds[label].append(run_search(bench, config, seed).summary["wall_seconds"])
        cells = ", ".join(f"{label} {np.median(s):.2f} s" for label, s in seconds.items())
        print(f"{name}: median per 1,000-query run ({args.seeds} seeds): {cells}", flush=True)


if __name__ == "__main__":
    main()
