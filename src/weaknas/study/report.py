"""Markdown tables of a study: the numbers a paper's comparison table holds."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from weaknas.study.metrics import CHECKPOINTS
from weaknas.study.statistics import paired_p_value, query_statistics

QUERIES_NOTE = (
    "Queries to optimum: distinct architectures evaluated until the one with the highest "
    "mean validation accuracy was evaluated. Every seed counts: a seed that missed it "
    "counts as the queries it spent (the budget). Found: seeds that found it, with a "
    "Wilson 95% interval of the rate; mean and median with 95% percentile-bootstrap "
    "intervals (10,000 resamples); p: two-sided Wilcoxon signed-rank test of the queries "
    "against the first method over the seeds both ran. Accuracy at N: mean ± std over "
    "seeds of the test accuracy of the best-by-observed-validation architecture after N "
    "queries. Cost: median wall-clock seconds of one run (one core)."
)


def queries_stats(table: pd.DataFrame) -> dict[str, float]:
    """Mean, std and median of queries to the optimum over the seeds that found it."""
    q = pd.to_numeric(table["queries_to_optimum"], errors="coerce").to_numpy(float)
    found = q[np.isfinite(q)]
    return {
        "seeds": len(q),
        "found": len(found),
        "mean": float(found.mean()) if len(found) else float("nan"),
        "std": float(found.std(ddof=0)) if len(found) else float("nan"),
        "median": float(np.median(found)) if len(found) else float("nan"),
    }


def _p_text(p_value: float) -> str:
    if not np.isfinite(p_value):
        return "n/a"
    return "< 0.001" if p_value < 0.001 else f"{p_value:.3f}"


def _mean_std(values: pd.Series, digits: int = 2) -> str:
    v = pd.to_numeric(values, errors="coerce").dropna()
    if v.empty:
        return "n/a"
    return f"{v.mean():.{digits}f} ± {v.std(ddof=0):.{digits}f}"


def _has_values(table: pd.DataFrame, column: str) -> bool:
    return column in table and pd.to_numeric(table[column], errors="coerce").notna().any()


def markdown_table(tables: dict[str, pd.DataFrame], checkpoints=CHECKPOINTS) -> str:
    """One row per method: queries to optimum, accuracy at checkpoints, cost per run."""
    metric = "test"
    if not any(_has_values(t, "best_test") for t in tables.values()):
        metric = "val_mean"  # no test accuracy in this data source
    reached = [
        n for n in checkpoints if any(_has_values(t, f"{metric}@{n}") for t in tables.values())
    ]
    checkpoints = reached or checkpoints  # drop query counts beyond every run
    with_cost = all("wall_seconds" in t for t in tables.values())
    reference_name, reference = next(iter(tables.items()))
    header = ["method", "seeds", "found [95% CI]", "queries to optimum: mean [95% CI]"]
    header += ["median [95% CI]"]
    header += [f"p vs {reference_name}"]
    header += [f"{metric}@{n}" for n in checkpoints]
    header += ["cost (s/run)"] if with_cost else []
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name, table in tables.items():
        s = query_statistics(table)
        p_value, _ = paired_p_value(table, reference)
        cells = [
            name,
            str(s["seeds"]),
            f"{s['found']} [{100 * s['found_low']:.0f}-{100 * s['found_high']:.0f}%]",
            f"{s['mean']:.1f} [{s['mean_low']:.1f}, {s['mean_high']:.1f}]",
            f"{s['median']:.1f} [{s['median_low']:.1f}, {s['median_high']:.1f}]",
            "" if name == reference_name else _p_text(p_value),
        ]
        cells += [
            _mean_std(table[f"{metric}@{n}"]) if f"{metric}@{n}" in table else "n/a"
            for n in checkpoints
        ]
        if with_cost:
            cells.append(f"{table['wall_seconds'].median():.2f}")
        lines.append("| " + " | ".join(cells) + " |")
    if metric == "val_mean":
        lines.append(
            "\nNo test accuracy in this data source: accuracy columns are the mean "
            "validation accuracy of the best-by-observed architecture."
        )
    return "\n".join(lines)


def tables_by_benchmark(seeds: pd.DataFrame, checkpoints=CHECKPOINTS) -> str:
    """A ``markdown_table`` per benchmark of a tidy per-seed table (methods in order)."""
    sections = []
    for benchmark, rows in seeds.groupby("benchmark", sort=False):
        tables = {name: t for name, t in rows.groupby("method", sort=False)}
        sections.append(f"### {benchmark}\n\n" + markdown_table(tables, checkpoints))
    return "\n\n".join(sections)


def frame_to_markdown(frame: pd.DataFrame, digits: int = 1) -> str:
    """A plain markdown table of a data frame (floats to ``digits`` decimals)."""

    def cell(value) -> str:
        return f"{value:.{digits}f}" if isinstance(value, float) else str(value)

    lines = ["| " + " | ".join(map(str, frame.columns)) + " |", "|" + "---|" * frame.shape[1]]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(False)]
    return "\n".join(lines)


def write_report(
    path: Path,
    seeds: pd.DataFrame,
    title: str,
    config=None,
    figures: Sequence[tuple[str, str]] = (),
) -> None:
    """``report.md``: settings, notes, tables per benchmark, then figures (caption, file)."""
    parts = [f"# {title}\n"]
    if config is not None:
        parts.append("Settings: " + ", ".join(f"{k}={v}" for k, v in config.as_dict().items()))
    parts.append(QUERIES_NOTE)
    parts.append(tables_by_benchmark(seeds) if not seeds.empty else "No finished runs yet.")
    for caption, file_name in figures:
        parts.append(f"### {caption}\n\n![{caption}]({file_name})")
    Path(path).write_text("\n\n".join(parts) + "\n")
