"""Searching a pool whose every member was scored once (shared by the proxy-search scripts).

A fully scored pool is a tabular benchmark: its optimum is known and every query is one
of the real measurements, so methods can be compared by queries to the optimum.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from weaknas.benchmarks.base import TabularBenchmark
from weaknas.runner import SearchConfig, run_search


def scored_pool_benchmark(name: str, space, values: np.ndarray, source: Path, metric: str):
    return TabularBenchmark(
        name=name,
        space=space,
        val_runs=np.asarray(values, dtype=float)[:, None],
        test=np.full(space.size, np.nan),
        extra=pd.DataFrame(index=range(space.size)),
        source=str(source),
        metric=metric,
    )


def search_each(bench, methods, seeds: int, budget: int, out: Path | None = None) -> dict:
    """{label: one row per seed} for each ``(strategy, settings)`` in ``methods``."""
    tables = {}
    for method, settings in methods:
        config = SearchConfig(benchmark=bench.name, strategy=method, budget=budget, **settings)
        rows = []
        for seed in range(seeds):
            summary = run_search(bench, config, seed).summary
            rows.append(
                {
                    "seed": seed,
                    "queries_to_optimum": summary["queries_to_optimum"],
                    "n_queries": summary["n_queries"],
                    "wall_seconds": summary["wall_seconds"],
                }
            )
        tables[config.label] = pd.DataFrame(rows)
        if out is not None:
            name = method + "".join(f"_{k}-{v}" for k, v in settings.items())
            tables[config.label].to_csv(out / f"{name}.csv", index=False)
    return tables
