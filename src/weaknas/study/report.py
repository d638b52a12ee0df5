"""Markdown tables of a study: the numbers a paper's comparison table holds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from weaknas.study.metrics import CHECKPOINTS


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


def _mean_std(values: pd.Series, digits: int = 2) -> str:
    v = pd.to_numeric(values, errors="coerce").dropna()
    if v.empty:
        return "n/a"
    return f"{v.mean():.{digits}f} ± {v.std(ddof=0):.{digits}f}"


def markdown_table(tables: dict[str, pd.DataFrame]) -> str:
    """One row per method: queries to optimum, then test (or val) accuracy at checkpoints."""
    metric = "test"
    if all(t.filter(like="test@").isna().all().all() for t in tables.values()):
        metric = "val_mean"  # no test accuracy in this data source
    header = ["method", "seeds", "found", "queries to optimum (mean ± std)", "median"]
    header += [f"{metric}@{n}" for n in CHECKPOINTS]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name, table in tables.items():
        s = queries_stats(table)
        cells = [
            name,
            str(s["seeds"]),
            str(s["found"]),
            f"{s['mean']:.1f} ± {s['std']:.1f}" if s["found"] else "n/a",
            f"{s['median']:.1f}" if s["found"] else "n/a",
        ]
        cells += [
            _mean_std(table[f"{metric}@{n}"]) if f"{metric}@{n}" in table else "n/a"
            for n in CHECKPOINTS
        ]
        lines.append("| " + " | ".join(cells) + " |")
    if metric == "val_mean":
        lines.append(
            "\nNo test accuracy in this data source: accuracy columns are the mean "
            "validation accuracy of the best-by-observed architecture."
        )
    return "\n".join(lines)


def write_report(path: Path, tables: dict[str, pd.DataFrame], config) -> None:
    settings = ", ".join(f"{k}={v}" for k, v in config.as_dict().items())
    text = (
        f"# Study: {config.label} on {config.benchmark}\n\n"
        f"Settings: {settings}\n\n"
        "Queries to optimum: distinct architectures evaluated until the one with the highest "
        "mean validation accuracy was evaluated (statistics over the seeds that found it "
        "within the budget). Accuracy at N: mean ± std over seeds of the test accuracy of the "
        "best-by-observed-validation architecture after N queries.\n\n"
        + markdown_table(tables)
        + "\n"
    )
    path.write_text(text)
