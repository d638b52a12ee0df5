"""A run's results: the evaluations and iterations tables and the summary, written to
its folder (``summary.json`` last: its presence marks a finished run)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from weaknas.runner.output import (
    EVALUATIONS,
    ITERATIONS,
    PARETO,
    SUMMARY,
    TRUE_FRONT,
    library_versions,
    write_json,
    write_table,
)
from weaknas.runner.pareto_results import observed_front

if TYPE_CHECKING:
    from weaknas.runner.engine import Search


@dataclass
class SearchResult:
    best_arch: object
    best_value: float | None
    evaluations: pd.DataFrame
    n_failed: int
    wall_seconds: float
    summary: dict = field(default_factory=dict)
    iterations: pd.DataFrame = field(default_factory=pd.DataFrame)
    # several objectives: the observed non-dominated evaluations (empty otherwise)
    pareto: pd.DataFrame = field(default_factory=pd.DataFrame)


def evaluations_table(run: Search) -> pd.DataFrame:
    """One row per finished evaluation, in proposal order (whatever finished first)."""
    rows = []
    finished = [(i, t) for i, t in run.trials.items() if i in run.outcomes]
    metrics = run.space.known_metrics()  # analytic costs: recorded for every row
    for order, (index, trial) in enumerate(finished, start=1):
        outcome = run.outcomes[index]
        known = {k: float(v[index]) for k, v in metrics.items() if index < len(v)}
        rows.append(
            {
                "order": order,
                "iteration": trial.iteration,
                "index": index,
                "arch": run.space.to_string(index),
                "status": "ok" if outcome.ok else "failed",
                "value": outcome.value,
                "error": outcome.error,
                "seconds": outcome.seconds,
                "elapsed": outcome.elapsed,
                "predicted": trial.predicted,
                **known,
                **outcome.info,
                **({"feasible": run.meets_constraints(index, outcome)} if run.constraints else {}),
            }
        )
    table = pd.DataFrame(rows)
    for column in table.columns.difference(["arch", "status", "error"]):
        # values logged as JSON null come back as None: keep numeric columns numeric
        if not table[column].map(lambda v: isinstance(v, str)).any():
            table[column] = pd.to_numeric(table[column])
    return table


def finish(run: Search, budget: int) -> SearchResult:
    """The result tables and summary of a run; written to its folder (summary last)."""
    evaluations = evaluations_table(run)
    iterations = run.observer.iterations(evaluations)
    best = run.best()
    wall = run.elapsed()
    summary = summarize(run, evaluations, wall, budget)
    pareto = observed_front(evaluations, run.objectives) if run.objectives else pd.DataFrame()
    result = SearchResult(
        best_arch=run.space.architecture(best[0]) if best else None,
        best_value=best[1] if best else None,
        evaluations=evaluations,
        n_failed=summary["n_failed"],
        wall_seconds=wall,
        summary=summary,
        iterations=iterations,
        pareto=pareto,
    )
    if run.out_dir is not None:
        write_table(run.out_dir / EVALUATIONS, evaluations)
        write_table(run.out_dir / ITERATIONS, iterations)
        if run.objectives:
            write_table(run.out_dir / PARETO, pareto)
            truth = run.observer.true_front_table()
            if truth is not None:
                write_table(run.out_dir / TRUE_FRONT, truth)
        write_json(run.out_dir / SUMMARY, summary)  # last: its presence marks a finished run
    return result


def summarize(run: Search, evaluations: pd.DataFrame, wall_seconds: float, budget: int) -> dict:
    """``summary.json``: one set of keys for every search (``weaknas.runner.output``)."""
    ok = evaluations[evaluations["status"] == "ok"] if len(evaluations) else evaluations
    eligible = ok[ok["feasible"].astype(bool)] if "feasible" in ok else ok  # constraints met
    best = eligible.loc[eligible["value"].idxmax()] if len(eligible) else None  # first on ties
    strategy = run.strategy
    summary = {
        "space": run.space.name,
        "strategy": run.settings.get("strategy"),
        "seed": run.seed,
        "n_queries": int(len(evaluations)),
        "n_failed": int(len(evaluations) - len(ok)),
        "n_iterations": int(run.iteration),
        "best_arch": None if best is None else best["arch"],
        "best_value": None if best is None else float(best["value"]),
        "wall_seconds": wall_seconds,
        "fit_seconds": float(getattr(strategy, "fit_seconds", 0.0)),
        "rank_seconds": float(getattr(strategy, "rank_seconds", 0.0)),
    }
    summary.update(run.observer.summary(evaluations, best))
    summary.update(
        {
            "settings": _plain({**run.settings, "budget": budget}),
            "notes": list(run.observer.notes),
            "versions": library_versions(),
        }
    )
    return summary


def _plain(value):
    """Settings as JSON values (a function given as a predictor becomes its name)."""
    return json.loads(json.dumps(value, default=describe))


def describe(value) -> str:
    return getattr(value, "__qualname__", None) or type(value).__name__
