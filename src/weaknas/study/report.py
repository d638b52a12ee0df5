"""Markdown tables of a study: the numbers a paper's comparison table holds."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from weaknas.study.metrics import CHECKPOINTS, RATIO_CHECKPOINTS
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


HYPERVOLUME_NOTE = (
    "Several objectives: the hypervolume ratio is the hypervolume of the evaluated "
    "architectures' true values (mean validation accuracy) over the true front's, from each "
    "metric's median over the space. Queries to 0.95 (0.99): distinct architectures "
    "evaluated until the ratio reached it; a seed that never did counts as the queries it "
    "spent. Reached: seeds that did, with a Wilson 95% interval; mean and median with "
    "95% bootstrap intervals; p: two-sided Wilcoxon signed-rank test of the queries to "
    "0.95 against the first method. Ratio at N: median over seeds."
)


def _query_cells(name: str, table, reference_name: str, reference) -> list[str]:
    """A row's first cells: method, seeds, found (reached) with its interval, mean and
    median queries with theirs, and the paired p against the reference method."""
    s = query_statistics(table)
    p_value, _ = paired_p_value(table, reference)
    return [
        name,
        str(s["seeds"]),
        f"{s['found']} [{100 * s['found_low']:.0f}-{100 * s['found_high']:.0f}%]",
        f"{s['mean']:.1f} [{s['mean_low']:.1f}, {s['mean_high']:.1f}]",
        f"{s['median']:.1f} [{s['median_low']:.1f}, {s['median_high']:.1f}]",
        "" if name == reference_name else _p_text(p_value),
    ]


def hypervolume_table(tables: dict[str, pd.DataFrame], checkpoints=RATIO_CHECKPOINTS) -> str:
    """One row per method of a study of several objectives: queries to 0.95 and 0.99 of
    the true hypervolume, the ratio at N queries, cost per run."""
    reached = [n for n in checkpoints if any(_has_values(t, f"ratio@{n}") for t in tables.values())]
    level = {
        name: t.assign(queries_to_optimum=t["queries_to_hypervolume_0.95"])
        for name, t in tables.items()
    }
    strict = {
        name: t.assign(queries_to_optimum=t["queries_to_hypervolume_0.99"])
        for name, t in tables.items()
    }
    reference_name, reference = next(iter(level.items()))
    header = ["method", "seeds", "reached 0.95 [95% CI]", "queries to 0.95: mean [95% CI]"]
    header += ["median [95% CI]", f"p vs {reference_name}", "reached 0.99", "queries to 0.99: mean"]
    header += [f"ratio@{n}" for n in reached] + ["cost (s/run)"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name, table in level.items():
        s99 = query_statistics(strict[name])
        cells = _query_cells(name, table, reference_name, reference)
        cells += [str(s99["found"]), f"{s99['mean']:.1f}"]
        cells += [f"{pd.to_numeric(table[f'ratio@{n}']).median():.3f}" for n in reached]
        cells.append(f"{table['wall_seconds'].median():.2f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


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
        cells = _query_cells(name, table, reference_name, reference)
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
        if _has_values(rows, "hypervolume_ratio"):
            sections.append(f"### {benchmark}\n\n" + hypervolume_table(tables))
            continue
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
    several = _has_values(seeds, "hypervolume_ratio")
    parts.append(HYPERVOLUME_NOTE if several else QUERIES_NOTE)
    parts.append(tables_by_benchmark(seeds) if not seeds.empty else "No finished runs yet.")
    for caption, file_name in figures:
        parts.append(f"### {caption}\n\n![{caption}]({file_name})")
    Path(path).write_text("\n\n".join(parts) + "\n")
