"""Per-run metrics computed from an evaluations table (one run, rows in query order)."""

from __future__ import annotations

import pandas as pd

from weaknas.runner.iterations import best_so_far_row

CHECKPOINTS = (50, 100, 150, 200, 500, 1000)
RATIO_CHECKPOINTS = (50, 100, 200, 500)  # a search of several objectives
HYPERVOLUME_COLUMNS = (
    "hypervolume_ratio",
    "queries_to_hypervolume_0.95",
    "queries_to_hypervolume_0.99",
)


def at_checkpoints(
    evaluations: pd.DataFrame, checkpoints=CHECKPOINTS, found_optimum_exactly: bool = False
) -> dict[str, float]:
    """Test and mean-validation accuracy of the best-by-observed architecture after N queries.

    The NASLib/BANANAS convention: the search picks by what it observed (validation),
    and is scored by the test accuracy of that pick. NaN for N beyond the run's length,
    unless ``found_optimum_exactly``: the run found the optimum and observations are
    exact, so its pick can no longer change and holds for every later N.
    """
    best_rows = best_so_far_row(evaluations)
    metrics: dict[str, float] = {}
    for n in checkpoints:
        if n <= len(evaluations) or found_optimum_exactly:
            row = evaluations.iloc[best_rows[min(n, len(evaluations)) - 1]]
            metrics[f"test@{n}"] = float(row["test"])
            metrics[f"val_mean@{n}"] = float(row["val_mean"])
        else:
            metrics[f"test@{n}"] = metrics[f"val_mean@{n}"] = float("nan")
    return metrics


def ratio_at_checkpoints(
    iterations: pd.DataFrame, checkpoints=RATIO_CHECKPOINTS
) -> dict[str, float]:
    """A search of several objectives on a benchmark: the hypervolume ratio reached after
    N queries (NaN for N beyond the run)."""
    metrics = {}
    for n in checkpoints:
        after = iterations[iterations["n_queries"] >= n]
        metrics[f"ratio@{n}"] = (
            float(after["hypervolume_ratio"].iloc[0]) if len(after) else float("nan")
        )
    return metrics
