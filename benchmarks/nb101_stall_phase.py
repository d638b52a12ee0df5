"""When does the default search reach NB101's optimum? A diagnostic of a finished study.

For every run of a study folder that found the optimum, reads its ``evaluations.parquet``
and reports the iterations since the best observed value last rose before the optimum's
iteration (5 or more: the default search was in a stall, drawing whole batches uniformly
from the predicted top-M), the best value observed before it, and how many cells of
94% or more it had evaluated first. NB101's optimum (94.32%) stands alone: the next
cell is 94.23%, 52 cells reach 94%.

    python benchmarks/nb101_stall_phase.py results/research_nb101/nb101/weaknas
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

from weaknas.strategies.weaknas import DEFAULT_PICKS


def iterations_without_gain(evaluations: pd.DataFrame, iteration: int) -> int:
    """Iterations before ``iteration`` since the best observed value last rose."""
    best = evaluations.groupby("iteration")["value"].max().cummax()
    best = best[best.index < iteration].to_numpy()
    rises = np.flatnonzero(np.diff(best) > 0)
    last_rise = rises[-1] + 1 if len(rises) else 0
    return len(best) - 1 - last_rise


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("study", help="one method's study folder (seeds/seed_*/ inside)")
    args = parser.parse_args()
    rows = []
    for summary in sorted(Path(args.study).glob("seeds/seed_*/summary.json")):  # finished
        seed_dir = summary.parent
        found_after = json.loads(summary.read_text())["queries_to_optimum"]
        if found_after is None:
            continue  # this run missed the optimum
        evaluations = pd.read_parquet(seed_dir / "evaluations.parquet")
        optimum = found_after - 1  # its row
        before = evaluations.iloc[:optimum]
        iteration = int(evaluations["iteration"].iloc[optimum])
        rows.append(
            {
                "queries": optimum + 1,
                "since_gain": iterations_without_gain(evaluations, iteration),
                "best_before": before["value"].max(),
                "cells_94_before": int((before["value"] >= 94.0).sum()),
            }
        )
    if not rows:
        raise SystemExit(f"{args.study}: no run that found the optimum")
    table = pd.DataFrame(rows)
    stalled = table["since_gain"] >= DEFAULT_PICKS["stall"]
    print(f"{len(table)} runs found the optimum; {int(stalled.sum())} of them during a stall")
    print(table.describe().round(2).to_string())


if __name__ == "__main__":
    main()
