"""Searches on tabular benchmarks: the benchmark is one more objective for the engine."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from weaknas.benchmarks.base import TabularBenchmark
from weaknas.pareto import parse_objectives
from weaknas.runner.config import SearchConfig
from weaknas.runner.constraints import feasible_mask, parse_constraints
from weaknas.runner.engine import SearchResult, check_seed, search
from weaknas.runner.observers import (
    BenchmarkObserver,
    check_table_objectives,
    queries_to_optimum,
)
from weaknas.runner.tabular_objective import TabularObjective
from weaknas.strategies.base import Strategy

RunResult = SearchResult  # the name studies and scripts have used


def run_search(
    benchmark: TabularBenchmark,
    config: SearchConfig,
    seed: int,
    out_dir: str | Path | None = None,
    progress: bool = False,
    strategy: Strategy | None = None,
    resume: bool = False,
) -> SearchResult:
    """Run one search on a tabular benchmark until ``config.budget`` distinct queries.

    Goes through the engine (``weaknas.runner.engine.search``) like every search: with
    ``out_dir`` it logs every event durably and writes the standard files;
    ``resume=True`` continues an interrupted run exactly. ``strategy`` overrides the one
    ``config`` describes (for strategies outside the built-in set).
    """
    if config.benchmark != benchmark.name:
        raise ValueError(
            f"the settings name benchmark {config.benchmark!r} but {benchmark.name!r} was "
            "given; pass SearchConfig(benchmark=...) matching the benchmark"
        )
    seed = check_seed(seed)
    config, notes = config.for_space(benchmark.space)
    check_objectives(benchmark, config)
    if strategy is None:
        strategy = config.build_strategy(benchmark.space, seed)
    exact = bool(config.deterministic or benchmark.noiseless)
    known = known_table_metrics(benchmark, config.known)
    feasible = feasible_for(benchmark, config)
    if config.objectives and config.stop_at_optimum:
        raise ValueError(
            "stop_at_optimum measures one objective; a search of several spends its budget"
        )
    observer = BenchmarkObserver(benchmark, config.stop_at_optimum, exact, feasible=feasible)
    observer.notes += tuple(notes)
    settings = {
        "strategy": config.strategy,
        "seed": seed,
        "options": config.as_dict(),
        "objective": {"benchmark": benchmark.name, "data_source": benchmark.source},
    }
    return search(
        TabularObjective(benchmark, seed, config.deterministic),
        benchmark.space,
        budget=config.budget,
        strategy=strategy,
        seed=seed,
        out_dir=out_dir,
        resume=resume,
        progress=progress,
        observer=observer,
        settings=settings,
        constraints=config.constraints,
        known_metrics=known,
        objectives=config.objectives or None,
    )


def feasible_for(
    benchmark: TabularBenchmark, config: SearchConfig, known=None
) -> np.ndarray | None:
    """Which architectures truly meet ``config``'s constraints (None without any), by the
    table (what the observer knows: a metric the search was not told to know is
    observed with each evaluation and predicted by the strategy, but the optimum is the
    best truly feasible architecture all the same); an unknown metric or a bound nothing
    meets is a ``ValueError`` naming it."""
    if not config.constraints:
        return None
    metrics = {
        **{name: benchmark.extra[name].to_numpy(float) for name in benchmark.extra.columns},
        **benchmark.space.known_metrics(),
    }
    constraints = parse_constraints(config.constraints)
    for constraint in constraints:
        if constraint.metric not in metrics:
            names = ", ".join(sorted(metrics))
            raise ValueError(
                f"--constraint {constraint}: {benchmark.name} has no metric "
                f"{constraint.metric!r} ({names})"
            )
    return feasible_mask(benchmark.space.size, constraints, metrics)


def check_objectives(benchmark: TabularBenchmark, config: SearchConfig) -> None:
    """``ValueError`` naming an objective that is neither the accuracy nor a metric of
    the benchmark's table or space (before any folder is made)."""
    if config.objectives:
        check_table_objectives(benchmark, parse_objectives(config.objectives))


def known_table_metrics(benchmark: TabularBenchmark, names) -> dict[str, np.ndarray]:
    """The benchmark table's columns ``names``, declared known before evaluation (as a
    latency lookup table of the target device would be)."""
    known = {}
    for name in names:
        if name not in benchmark.extra.columns:
            columns = ", ".join(benchmark.extra.columns)
            raise ValueError(f"--known {name}: {benchmark.name} has no such metric ({columns})")
        known[name] = benchmark.extra[name].to_numpy(float)
    return known


__all__ = ["RunResult", "queries_to_optimum", "run_search"]
