"""The budget loop: ask a batch, evaluate it, tell the results, record everything."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from weaknas.benchmarks.base import TabularBenchmark
from weaknas.runner.config import SearchConfig
from weaknas.runner.evaluators import TabularEvaluator
from weaknas.runner.iterations import PredictorDiagnostics, iteration_table
from weaknas.runner.output import (
    EVALUATIONS,
    ITERATIONS,
    SUMMARY,
    RunLog,
    library_versions,
    write_json,
    write_table,
)
from weaknas.strategies.base import Strategy


@dataclass
class RunResult:
    evaluations: pd.DataFrame
    summary: dict = field(default_factory=dict)
    iterations: pd.DataFrame = field(default_factory=pd.DataFrame)


def run_search(
    benchmark: TabularBenchmark,
    config: SearchConfig,
    seed: int,
    out_dir: str | Path | None = None,
    progress: bool = False,
    strategy: Strategy | None = None,
) -> RunResult:
    """Run one search on a tabular benchmark until ``config.budget`` distinct queries.

    Writes ``evaluations.jsonl`` as it goes and ``evaluations.parquet``,
    ``iterations.parquet`` (see ``iteration_table``) and ``summary.json`` at the end
    when ``out_dir`` is given. ``strategy`` overrides the
    one ``config`` describes (for strategies outside the built-in set).
    """
    if strategy is None:
        strategy = config.build_strategy(benchmark.space, seed)
    evaluate = TabularEvaluator(benchmark, seed, config.deterministic)
    out = Path(out_dir) if out_dir is not None else None
    log = None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        log = RunLog(out)

    rows: list[dict] = []
    diagnose = PredictorDiagnostics(benchmark)
    diagnostics: list[dict] = []
    started = time.perf_counter()
    bar = tqdm(total=config.budget, disable=not progress, unit="query", desc=benchmark.name)
    try:
        iteration = 0
        while len(rows) < config.budget:
            batch = strategy.ask(config.budget - len(rows))
            if not batch:
                break  # the space is exhausted
            iteration += 1
            diagnostics.append(diagnose(strategy.latest_scores))
            batch_rows = []
            for suggestion in batch:
                result = evaluate(suggestion.index)
                strategy.tell(suggestion.index, result.observed)
                batch_rows.append(
                    {
                        "order": len(rows) + len(batch_rows) + 1,
                        "iteration": iteration,
                        "arch": benchmark.space.to_string(suggestion.index),
                        "index": suggestion.index,
                        "observed": result.observed,
                        **result.info,
                        "predicted": suggestion.predicted,
                        "seconds": time.perf_counter() - started,
                    }
                )
            rows.extend(batch_rows)
            if log is not None:
                log.append(batch_rows)
            bar.update(len(batch_rows))
            if config.stop_at_optimum and any(
                r["index"] == benchmark.optimum_index for r in batch_rows
            ):
                break
            bar.set_postfix(best=f"{max(r['observed'] for r in rows):.2f}", refresh=False)
    finally:
        bar.close()
        if log is not None:
            log.close()
    wall = time.perf_counter() - started

    evaluations = pd.DataFrame(rows)
    iterations = iteration_table(evaluations, diagnostics, benchmark)
    summary = summarize(benchmark, config, seed, evaluations, wall, strategy)
    if out is not None:
        write_table(out / EVALUATIONS, evaluations)
        write_table(out / ITERATIONS, iterations)
        write_json(out / SUMMARY, summary)  # last: its presence marks a finished run
    return RunResult(evaluations, summary, iterations)


def queries_to_optimum(indices: np.ndarray, optimum: int) -> int | None:
    """1-based query count at which ``optimum`` was evaluated, or None."""
    hits = np.flatnonzero(np.asarray(indices) == optimum)
    return int(hits[0]) + 1 if len(hits) else None


def summarize(
    benchmark: TabularBenchmark,
    config: SearchConfig,
    seed: int,
    evaluations: pd.DataFrame,
    wall_seconds: float,
    strategy: Strategy,
) -> dict:
    """The numbers researchers compare, for one run."""
    best = evaluations.loc[evaluations["observed"].idxmax()]
    optimum = benchmark.optimum_index
    return {
        "benchmark": benchmark.name,
        "data_source": benchmark.source,
        "metric": benchmark.metric,
        "seed": seed,
        "best_arch": best["arch"],
        "best_observed": float(best["observed"]),
        "best_val_mean": float(best["val_mean"]),
        "best_test": float(best["test"]),
        "best_test_cifar10_valid": float(best.get("test_cifar10_valid", float("nan"))),
        "optimum_arch": benchmark.space.to_string(optimum),
        "optimum_val_mean": float(benchmark.val_mean[optimum]),
        "optimum_test": float(benchmark.test[optimum]),
        "queries_to_optimum": queries_to_optimum(evaluations["index"].to_numpy(), optimum),
        # Observed values equal the benchmark's mean: once the optimum is found it stays
        # the best observed, so a run stopped there can be scored at later query counts.
        "exact_observations": bool(config.deterministic or benchmark.noiseless),
        "n_queries": int(len(evaluations)),
        "n_iterations": int(evaluations["iteration"].max()),
        "wall_seconds": wall_seconds,
        "fit_seconds": getattr(strategy, "fit_seconds", 0.0),
        "rank_seconds": getattr(strategy, "rank_seconds", 0.0),
        "settings": config.as_dict(),
        "notes": list(benchmark.notes),
        "versions": library_versions(),
    }
