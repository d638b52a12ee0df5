"""Speed of the DARTS space at pool scale (issue 13): medians on this machine.

1. Build a seeded pool of 100,000 distinct genotypes and encode it (``adjacency+counts``,
   210 features), in a fresh space each repeat.
2. One WeakNAS step over that pool with the command-line defaults (LightGBM on rank
   targets): 1,000 architectures told (a synthetic value: the number of separable
   convolutions plus noise; speed does not depend on it), then one ``ask``, which fits
   the predictor on the 1,000 and ranks every unseen genotype of the pool.

    python benchmarks/darts_speed.py --repeats 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

from weaknas.runner import SearchConfig
from weaknas.spaces.darts import DartsSpace


def build_and_encode(pool: int, seed: int) -> tuple[DartsSpace, float, float]:
    started = time.perf_counter()
    space = DartsSpace(pool_size=pool, seed=seed)
    built = time.perf_counter()
    space.encode(space.search_encoding)
    return space, built - started, time.perf_counter() - built


def weaknas_step(space: DartsSpace, told: int, seed: int) -> float:
    """Seconds of one ``ask`` (fit on ``told`` results + rank the pool)."""
    strategy = SearchConfig(benchmark=None, space="darts", budget=told + 100).build_strategy(
        space, seed
    )
    rng = np.random.default_rng(seed)
    convolutions = (space.rows.reshape(-1, 16, 2)[..., 1] >= 3).sum(axis=1)  # sep/dil convs
    while strategy.n_told < told:
        for suggestion in strategy.ask(told - strategy.n_told):
            value = convolutions[suggestion.index] + rng.normal(0, 0.5)
            strategy.tell(suggestion.index, float(value))
    started = time.perf_counter()
    strategy.ask()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=int, default=100_000)
    parser.add_argument("--told", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rows = []
    for repeat in range(args.repeats):
        space, build_s, encode_s = build_and_encode(args.pool, seed=repeat)
        step_s = weaknas_step(space, args.told, seed=repeat)
        rows.append({"build_s": build_s, "encode_s": encode_s, "step_s": step_s})
        print(json.dumps({k: round(v, 3) for k, v in rows[-1].items()}), flush=True)
    medians = {key: statistics.median(r[key] for r in rows) for key in rows[0]}
    medians["build_and_encode_s"] = statistics.median(r["build_s"] + r["encode_s"] for r in rows)
    print("medians:", json.dumps({k: round(v, 3) for k, v in medians.items()}))


if __name__ == "__main__":
    main()
