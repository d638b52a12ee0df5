"""What the runner knows beyond the strategy, per search.

An ``Observer`` watches a search from outside the strategy: it sees every batch asked
(the strategy's latest predictions), may end the search, and adds its columns to the
per-iteration table and its keys to the summary. The plain ``Observer`` knows nothing
but the values told; ``BenchmarkObserver`` knows a tabular benchmark's truth (mean
validation and test accuracy of every architecture, its optimum) and scores the search
with it. The strategy never sees any of this.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from weaknas.runner.iterations import PredictorDiagnostics, benchmark_columns, iteration_table

# Summary keys only a benchmark can fill; null for a user's objective.
TRUTH_KEYS = (
    "benchmark",
    "data_source",
    "metric",
    "best_val_mean",
    "best_test",
    "optimum_arch",
    "optimum_val_mean",
    "optimum_test",
    "queries_to_optimum",
    "exact_observations",
)


class Observer:
    """Knows nothing beyond the values told: the search's own progress only."""

    notes: tuple[str, ...] = ()

    def on_ask(self, strategy, iteration: int) -> None:
        """Called after the strategy proposed the batch of ``iteration`` (replays too)."""

    def stop(self, run) -> bool:
        """End the search now (between batches)."""
        return False

    def iterations(self, evaluations: pd.DataFrame) -> pd.DataFrame:
        return iteration_table(evaluations)

    def summary(self, evaluations: pd.DataFrame, best: pd.Series | None) -> dict:
        return dict.fromkeys(TRUTH_KEYS)


class BenchmarkObserver(Observer):
    """Scores a search on a tabular benchmark: regret, queries to the optimum, predictor
    rank correlation per iteration; optionally stops once the optimum is evaluated."""

    def __init__(
        self,
        benchmark,
        stop_at_optimum: bool = False,
        exact: bool = False,
        feasible: np.ndarray | None = None,
    ) -> None:
        self.benchmark = benchmark
        self.stop_at_optimum = stop_at_optimum
        self.exact = exact  # observed values equal the benchmark's mean
        # With constraints the optimum is the best feasible architecture.
        self.optimum = (
            benchmark.optimum_index
            if feasible is None
            else int(np.flatnonzero(feasible)[np.argmax(benchmark.val_mean[feasible])])
        )
        self.constrained = feasible is not None
        self._diagnose = PredictorDiagnostics(benchmark, optimum=self.optimum)
        self.notes = tuple(benchmark.notes)
        self.diagnostics: dict[int, dict] = {}

    def on_ask(self, strategy, iteration: int) -> None:
        self.diagnostics[iteration] = self._diagnose.for_strategy(strategy)

    def stop(self, run) -> bool:
        return self.stop_at_optimum and self.optimum in run.outcomes

    def iterations(self, evaluations: pd.DataFrame) -> pd.DataFrame:
        table = iteration_table(evaluations)
        return benchmark_columns(table, evaluations, self.diagnostics, self.benchmark, self.optimum)

    def summary(self, evaluations: pd.DataFrame, best: pd.Series | None) -> dict:
        bench = self.benchmark
        optimum = self.optimum
        return {
            "benchmark": bench.name,
            "data_source": bench.source,
            "metric": bench.metric,
            "best_val_mean": None if best is None else float(best["val_mean"]),
            "best_test": None if best is None else float(best["test"]),
            "optimum_arch": bench.space.to_string(optimum),
            "optimum_val_mean": float(bench.val_mean[optimum]),
            "optimum_test": float(bench.test[optimum]),
            "queries_to_optimum": queries_to_optimum(
                evaluations["index"].to_numpy() if len(evaluations) else [], optimum
            ),
            # Observed values equal the benchmark's mean: once the optimum is found it stays
            # the best observed, so a run stopped there can be scored at later query counts.
            "exact_observations": self.exact,
            **({"optimum_is_best_feasible": True} if self.constrained else {}),
        }


def queries_to_optimum(indices: np.ndarray, optimum: int) -> int | None:
    """1-based query count at which ``optimum`` was evaluated, or None."""
    hits = np.flatnonzero(np.asarray(indices) == optimum)
    return int(hits[0]) + 1 if len(hits) else None
