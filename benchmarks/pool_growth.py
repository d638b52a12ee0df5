"""Does growing the candidate pool help? WeakNAS with and without ``--pool-grow`` in DARTS.

A live objective (a scored pool cannot score the members growth adds): log10 synflow of
each genotype's DARTS CIFAR network at C=16, 8 cells (~0.25 s each), every network
initialised from seed 0 (``ProxyObjective``); ``benchmarks/darts_proxy_search.py`` seeds
each genotype's network by its pool index instead, so its scores are not these. Both
arms start from the same 1,000-genotype pool (seed 0) and spend
``--budget`` queries; the measure is the best score found after 100, 200 and the whole
budget, per seed, compared pairwise (the same seeds in both arms).

    python benchmarks/pool_growth.py --seeds 5 --budget 300 --grow 100
"""

from __future__ import annotations

import argparse

import numpy as np

from weaknas import search
from weaknas.evaluators.proxy_objective import ProxyObjective
from weaknas.spaces.darts import DartsSpace

CHECKPOINTS = (100, 200)


def best_after(values: np.ndarray, n: int) -> float:
    return float(np.max(values[:n]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--budget", type=int, default=300)
    parser.add_argument("--grow", type=int, default=100)
    args = parser.parse_args()
    space = DartsSpace(pool_size=1000, seed=0)
    objective = ProxyObjective("darts", "synflow")
    marks = (*CHECKPOINTS, args.budget)
    results = {0: [], args.grow: []}
    for seed in range(args.seeds):
        for grow in results:
            run = search(objective, space, budget=args.budget, seed=seed, pool_grow=grow)
            values = run.evaluations["value"].to_numpy(float)
            grown = int((run.evaluations["index"] >= space.size).sum())
            results[grow].append([best_after(values, n) for n in marks])
            print(
                f"seed {seed} pool_grow {grow:3}: best after {marks}: "
                f"{', '.join(f'{v:.3f}' for v in results[grow][-1])}; "
                f"{grown} queries outside the initial pool",
                flush=True,
            )
    plain, grown = np.array(results[0]), np.array(results[args.grow])
    print(f"\nmean best log10 synflow over {args.seeds} seeds (same seeds in both arms):")
    for i, n in enumerate(marks):
        wins = int((grown[:, i] > plain[:, i]).sum())
        print(
            f"  after {n:4} queries: pool fixed {plain[:, i].mean():.3f}, pool +{args.grow}/step "
            f"{grown[:, i].mean():.3f} (growth ahead in {wins} of {args.seeds} seeds)"
        )


if __name__ == "__main__":
    main()
