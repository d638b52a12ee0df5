"""Wall time of one 1,000-query WeakNAS run on NB201 for each predictor (issue 2).

Runs are sequential (one at a time), so each has the whole machine. Reports the median
over ``--repeats`` runs and its split into predictor fitting, ranking (predicting every
unevaluated architecture) and the rest (benchmark lookups, bookkeeping). The paper's
4x1000 MLP takes many minutes per run; by default it is timed per fit at several
training-set sizes and the run time is projected from those (``--paper-full`` runs it).

    python benchmarks/speed.py --repeats 5
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from weaknas.benchmarks import load_benchmark
from weaknas.predictors import MLPPredictor
from weaknas.runner import SearchConfig, run_search


def time_runs(bench, predictor: str, repeats: int, budget: int) -> dict:
    walls, fits, ranks = [], [], []
    for seed in range(repeats):
        summary = run_search(bench, SearchConfig(predictor=predictor, budget=budget), seed).summary
        walls.append(summary["wall_seconds"])
        fits.append(summary["fit_seconds"])
        ranks.append(summary["rank_seconds"])
    wall = statistics.median(walls)
    fit, rank = statistics.median(fits), statistics.median(ranks)
    return {
        "predictor": predictor,
        "runs": repeats,
        "median_wall_s": wall,
        "min_wall_s": min(walls),
        "max_wall_s": max(walls),
        "fit_s": fit,
        "rank_s": rank,
        "other_s": wall - fit - rank,
    }


def project_paper_mlp(bench, budget: int) -> dict:
    """Time the paper MLP's fit at a few sizes and its ranking; sum over a run's fits."""
    space = bench.space
    rng = np.random.default_rng(0)
    sizes = [10, 250, 500, 750, 1000]
    fit_times = []
    for n in sizes:
        rows = rng.choice(space.size, n, replace=False)
        started = time.perf_counter()
        model = MLPPredictor.paper().fit(space.features[rows], bench.val_mean[rows])
        fit_times.append(time.perf_counter() - started)
    started = time.perf_counter()
    model.predict(space.features)
    rank_time = time.perf_counter() - started
    train_sizes = np.arange(10, budget, 10)  # one fit per iteration after the first
    fit_total = float(np.interp(train_sizes, sizes, fit_times).sum())
    return {
        "predictor": "mlp-paper (projected)",
        "fit_s_at_sizes": dict(zip(sizes, np.round(fit_times, 2).tolist(), strict=True)),
        "rank_s_per_iteration": round(rank_time, 2),
        "projected_wall_s": fit_total + rank_time * len(train_sizes),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--budget", type=int, default=1000)
    parser.add_argument("--predictors", default="lgbm,rf,mlp")
    parser.add_argument("--paper-full", action="store_true", help="run mlp-paper for real")
    args = parser.parse_args()
    bench = load_benchmark("nb201-cifar10")
    for predictor in args.predictors.split(","):
        print(time_runs(bench, predictor, args.repeats, args.budget), flush=True)
    if args.paper_full:
        print(time_runs(bench, "mlp-paper", 1, args.budget), flush=True)
    else:
        print(project_paper_mlp(bench, args.budget), flush=True)


if __name__ == "__main__":
    main()
