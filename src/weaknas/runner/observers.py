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

from weaknas.benchmarks.base import optima_within_tolerance
from weaknas.pareto import Objective, minimisation_form, nondominated
from weaknas.runner.iterations import PredictorDiagnostics, benchmark_columns, iteration_table
from weaknas.runner.pareto_results import (
    hypervolume_after_each,
    hypervolume_of,
    nadir,
    objective_points,
    queries_to_ratio,
)

HYPERVOLUME_LEVELS = (0.95, 0.99)  # queries to reach these shares of the true hypervolume

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
    "optimum_ties",
    "exact_observations",
)


class Observer:
    """Knows nothing beyond the values told: the search's own progress only."""

    notes: tuple[str, ...] = ()
    objectives: tuple[Objective, ...] = ()

    def on_ask(self, strategy, iteration: int) -> None:
        """Called after the strategy proposed the batch of ``iteration`` (replays too)."""

    def watch_objectives(self, objectives, known) -> None:
        """The search has several ``objectives``; ``known`` holds the metrics known for
        every architecture before evaluation."""
        self.objectives = tuple(objectives)

    def stop(self, run) -> bool:
        """End the search now (between batches)."""
        return False

    def reference_point(self, evaluations: pd.DataFrame) -> tuple[np.ndarray, str]:
        """The hypervolume's reference point (one value per objective, own direction)
        and how it was chosen: without a known truth, the worst value evaluated."""
        points = objective_points(evaluations, self.objectives)
        return nadir(points, self.objectives), "the worst value of each objective evaluated"

    def iterations(self, evaluations: pd.DataFrame) -> pd.DataFrame:
        return self._with_hypervolume(iteration_table(evaluations), evaluations)

    def _with_hypervolume(self, table: pd.DataFrame, evaluations: pd.DataFrame) -> pd.DataFrame:
        """``hypervolume``: of the values observed so far, from the reference point."""
        if not self.objectives or evaluations.empty:
            return table
        reference, _ = self.reference_point(evaluations)
        points = objective_points(evaluations, self.objectives)
        curve = hypervolume_after_each(points, self.objectives, reference)
        return table.assign(hypervolume=curve[table["n_queries"].to_numpy() - 1])

    def summary(self, evaluations: pd.DataFrame, best: pd.Series | None) -> dict:
        return {**dict.fromkeys(TRUTH_KEYS), **self.objectives_summary(evaluations)}

    def true_front_table(self) -> pd.DataFrame | None:
        """The true front (architectures and their objectives), where the truth is known."""
        return None

    def objectives_summary(self, evaluations: pd.DataFrame) -> dict:
        """The summary keys of a search of several objectives (none otherwise)."""
        if not self.objectives:
            return {}
        reference, how = self.reference_point(evaluations)
        points = objective_points(evaluations, self.objectives)
        usable = np.all(np.isfinite(points), axis=1)
        front = nondominated(minimisation_form(points[usable], self.objectives))
        return {
            "objectives": [str(o) for o in self.objectives],
            "reference_point": {
                o.name: float(r) for o, r in zip(self.objectives, reference, strict=True)
            },
            "reference_point_is": how,
            "pareto_size": int(front.sum()),
            "hypervolume": hypervolume_of(points, self.objectives, reference),
        }


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
        # ``optima``: the best architecture (with constraints, the best feasible one) and
        # its ties within OPTIMUM_TOLERANCE; finding any of them finds the optimum.
        # ``optimum``, the one reported, is the highest of them (the first on exact ties).
        self.optima = (
            benchmark.optimum_indices
            if feasible is None
            else optima_within_tolerance(benchmark.val_mean, np.flatnonzero(feasible))
        )
        self.optimum = int(self.optima[np.argmax(benchmark.val_mean[self.optima])])
        self.constrained = feasible is not None
        self._diagnose = PredictorDiagnostics(benchmark, optima=self.optima)
        self.notes = tuple(benchmark.notes)
        self.diagnostics: dict[int, dict] = {}
        self.feasible = feasible
        self.truth: np.ndarray | None = None  # every architecture's true objective values

    def watch_objectives(self, objectives, known) -> None:
        """The table's truth per objective (mean validation accuracy for the primary
        one), its true front (computed exhaustively; among the feasible architectures
        under constraints) and the reference point: each metric's median over the space."""
        super().watch_objectives(objectives, known)
        bench = self.benchmark
        check_table_objectives(bench, self.objectives)
        columns = []
        for objective in self.objectives:
            if objective.primary:
                columns.append(np.asarray(bench.val_mean, dtype=float))
            elif objective.name in known:
                columns.append(np.asarray(known[objective.name], dtype=float))
            else:
                columns.append(bench.extra[objective.name].to_numpy(float))
        self.truth = np.column_stack(columns)
        self.reference = np.nanmedian(self.truth, axis=0)
        usable = np.all(np.isfinite(self.truth), axis=1)
        if self.feasible is not None:
            usable &= self.feasible
        candidates = np.flatnonzero(usable)
        front = nondominated(minimisation_form(self.truth[candidates], self.objectives))
        self.true_front = candidates[front]
        self.true_hypervolume = hypervolume_of(
            self.truth[self.true_front], self.objectives, self.reference
        )

    def reference_point(self, evaluations: pd.DataFrame) -> tuple[np.ndarray, str]:
        return self.reference, "each objective's median over the space (the table)"

    def true_front_table(self) -> pd.DataFrame | None:
        """``true_front.parquet``: each architecture on the true front with its index and
        true objective values (the primary one as ``val_mean``), first objective best
        first."""
        if self.truth is None:
            return None
        columns = {
            ("val_mean" if o.primary else o.name): self.truth[self.true_front, j]
            for j, o in enumerate(self.objectives)
        }
        space = self.benchmark.space
        table = pd.DataFrame(
            {
                "index": self.true_front,
                "arch": [space.to_string(int(i)) for i in self.true_front],
                **columns,
            }
        )
        first = next(iter(columns))
        return table.sort_values(
            first, ascending=self.objectives[0].direction == "min", kind="stable"
        ).reset_index(drop=True)

    def _ratio_after_each(self, evaluations: pd.DataFrame) -> np.ndarray:
        """Hypervolume of the evaluated architectures' true values over the true
        front's, after each query."""
        points = objective_points(evaluations, self.objectives, truth=True)
        curve = hypervolume_after_each(points, self.objectives, self.reference)
        return curve / self.true_hypervolume

    def on_ask(self, strategy, iteration: int) -> None:
        self.diagnostics[iteration] = self._diagnose.for_strategy(strategy)

    def stop(self, run) -> bool:
        return self.stop_at_optimum and any(int(i) in run.outcomes for i in self.optima)

    def iterations(self, evaluations: pd.DataFrame) -> pd.DataFrame:
        table = self._with_hypervolume(iteration_table(evaluations), evaluations)
        table = benchmark_columns(table, evaluations, self.diagnostics, self.benchmark, self.optima)
        if self.objectives and not evaluations.empty:
            ratios = self._ratio_after_each(evaluations)
            table["hypervolume_ratio"] = ratios[table["n_queries"].to_numpy() - 1]
        return table

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
                evaluations["index"].to_numpy() if len(evaluations) else [], self.optima
            ),
            "optimum_ties": len(self.optima) - 1,
            # Observed values equal the benchmark's mean: once the optimum is found it stays
            # the best observed, so a run stopped there can be scored at later query counts.
            "exact_observations": self.exact,
            **({"optimum_is_best_feasible": True} if self.constrained else {}),
            **self.objectives_summary(evaluations),
        }

    def objectives_summary(self, evaluations: pd.DataFrame) -> dict:
        """Adds the truth: the true front's size and hypervolume, the ratio reached
        (true values of the evaluated architectures) and the queries to reach 0.95 and
        0.99 of it."""
        found = super().objectives_summary(evaluations)
        if not self.objectives:
            return found
        ratios = self._ratio_after_each(evaluations) if len(evaluations) else np.zeros(0)
        found.update(
            {
                "true_front_size": len(self.true_front),
                "true_hypervolume": self.true_hypervolume,
                "hypervolume_ratio": float(ratios[-1]) if len(ratios) else 0.0,
                **{
                    f"queries_to_hypervolume_{level}": queries_to_ratio(ratios, level)
                    for level in HYPERVOLUME_LEVELS
                },
            }
        )
        return found


def check_table_objectives(benchmark, objectives) -> None:
    """``ValueError`` naming an objective that is neither the accuracy nor a metric of
    the benchmark's table or space."""
    metrics = {*benchmark.extra.columns, *benchmark.space.known_metrics()}
    for objective in objectives:
        if not objective.primary and objective.name not in metrics:
            names = ", ".join(["accuracy", *sorted(metrics)])
            raise ValueError(
                f"--objectives {objective}: {benchmark.name} has no metric "
                f"{objective.name!r} ({names})"
            )


def queries_to_optimum(indices: np.ndarray, optimum: int | np.ndarray) -> int | None:
    """1-based query count at which ``optimum`` (or the first of several, ties) was
    evaluated, or None."""
    hits = np.flatnonzero(np.isin(np.asarray(indices), optimum))
    return int(hits[0]) + 1 if len(hits) else None
