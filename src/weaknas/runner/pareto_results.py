"""What a search of several objectives writes: its observed front and hypervolumes.

Every objective is a column of the evaluations table: the primary one (``accuracy`` or
``value``) is ``value``, each other one the metric of its name (returned with the
evaluation, or known before it). The hypervolume is measured from a reference point,
one value per objective in its own direction: on a tabular benchmark each metric's
median over the space (``BenchmarkObserver``), otherwise the worst value evaluated.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from weaknas.pareto import (
    Objective,
    hypervolume,
    hypervolume_curve,
    minimisation_form,
    nondominated,
)


def objective_column(objective: Objective, truth: bool = False) -> str:
    """The evaluations column of ``objective`` (``truth``: the benchmark's mean
    validation accuracy for the primary one, instead of the value told)."""
    if objective.primary:
        return "val_mean" if truth else "value"
    return objective.name


def objective_points(
    evaluations: pd.DataFrame, objectives: Sequence[Objective], truth: bool = False
) -> np.ndarray:
    """One row per evaluation, one column per objective (its own direction; NaN where
    an evaluation failed)."""
    columns = [objective_column(o, truth) for o in objectives]
    if evaluations.empty:
        return np.zeros((0, len(objectives)))
    points = np.full((len(evaluations), len(objectives)), np.nan)
    for j, column in enumerate(columns):
        if column in evaluations:
            points[:, j] = pd.to_numeric(evaluations[column], errors="coerce").to_numpy(float)
    failed = (evaluations["status"] != "ok").to_numpy()
    points[failed] = np.nan
    return points


def observed_front(evaluations: pd.DataFrame, objectives: Sequence[Objective]) -> pd.DataFrame:
    """The successful evaluations that no other dominates by what was observed, every
    column kept, ordered by the first objective (best first)."""
    points = objective_points(evaluations, objectives)
    usable = np.all(np.isfinite(points), axis=1)
    front = np.zeros(len(evaluations), dtype=bool)
    front[usable] = nondominated(minimisation_form(points[usable], objectives))
    first = objective_column(objectives[0])
    table = evaluations[front]
    if table.empty:
        return table.reset_index(drop=True)
    ascending = objectives[0].direction == "min"
    return table.sort_values(first, ascending=ascending, kind="stable").reset_index(drop=True)


def nadir(points: np.ndarray, objectives: Sequence[Objective]) -> np.ndarray:
    """The worst value of each objective among ``points`` (its own direction)."""
    usable = points[np.all(np.isfinite(points), axis=1)]
    if len(usable) == 0:
        return np.full(len(objectives), np.nan)
    worst = minimisation_form(usable, objectives).max(axis=0)
    return minimisation_form(worst[None, :], objectives)[0]


def hypervolume_of(
    points: np.ndarray, objectives: Sequence[Objective], reference: np.ndarray
) -> float:
    """Hypervolume of ``points`` (own directions) from ``reference``; NaN rows skipped."""
    usable = points[np.all(np.isfinite(points), axis=1)]
    return hypervolume(
        minimisation_form(usable, objectives), minimisation_form(reference[None], objectives)[0]
    )


def hypervolume_after_each(
    points: np.ndarray, objectives: Sequence[Objective], reference: np.ndarray
) -> np.ndarray:
    """Hypervolume of the first 1, 2, ... evaluations (failed ones add nothing)."""
    minimised = minimisation_form(points, objectives)
    minimised[~np.all(np.isfinite(minimised), axis=1)] = np.inf  # beyond any reference
    return hypervolume_curve(minimised, minimisation_form(reference[None], objectives)[0])


def queries_to_ratio(ratios: np.ndarray, level: float) -> int | None:
    """1-based query count at which ``ratios`` (one per query) first reach ``level``."""
    hits = np.flatnonzero(np.asarray(ratios) >= level)
    return int(hits[0]) + 1 if len(hits) else None


__all__ = [
    "hypervolume_after_each",
    "hypervolume_of",
    "nadir",
    "objective_column",
    "objective_points",
    "observed_front",
    "queries_to_ratio",
]
