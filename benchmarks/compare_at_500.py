"""Compare methods the way the paper-MLP rows are run: seeds 0-19, budget 500.

Reads the studies written by sample_efficiency.py; a run counts as found when its
queries to the optimum are <= 500. Mean and median are over the runs that found it; the
last column counts every seed, a miss as 500.

    python benchmarks/compare_at_500.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd


def table(root: Path) -> str:
    """The comparison as a markdown table, from the studies under ``root``."""
    rows = []
    for seeds_csv in sorted(root.glob("*/*/seeds.csv")):
        runs = pd.read_csv(seeds_csv)
        runs = runs[runs["seed"] < 20]
        q = pd.to_numeric(runs["queries_to_optimum"], errors="coerce").to_numpy(float)
        found = q[q <= 500]
        rows.append(
            {
                "dataset": seeds_csv.parts[-3],
                "method": seeds_csv.parts[-2],
                "seeds": len(q),
                "found<=500": len(found),
                "mean": round(float(found.mean()), 1) if len(found) else np.nan,
                "median": float(np.median(found)) if len(found) else np.nan,
                # every seed counted: a miss (or a run past 500) as 500 queries
                "mean, a miss as 500": round(
                    float(np.minimum(np.nan_to_num(q, nan=500), 500).mean()), 1
                ),
            }
        )
    frame = pd.DataFrame(rows)
    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(str(v) for v in row) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(table(Path(sys.argv[1] if len(sys.argv) > 1 else "results/sample_efficiency")), end="")
