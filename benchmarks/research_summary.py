"""Compact tables of a research study (``research_study.py``'s folder) for the README.

Two markdown tables per study: queries to the optimum (mean [95% bootstrap CI] / median,
found of the seeds, every seed counted with a miss as the queries it spent, Wilcoxon p
against the first method over the common seeds), and the test accuracy of the
best-by-observed architecture after 100, 200 and 500 queries (mean ± std over seeds).
The full report with figures is the study's ``report.md``.

    python benchmarks/research_summary.py results/research_methods_i14 results/research_nb101
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from weaknas.study.statistics import paired_p_value, query_statistics

CHECKPOINTS = (100, 200, 500)
NAMES = {  # benchmark -> column title
    "nb201-cifar10": "cifar10",
    "nb201-cifar100": "cifar100",
    "nb201-imagenet16": "ImageNet16-120",
    "nb101": "NB101",
}


def _p(value: float) -> str:
    return "p < 0.001" if value < 0.001 else f"p {value:.3f}"


def query_table(seeds: pd.DataFrame) -> str:
    benchmarks = list(dict.fromkeys(seeds["benchmark"]))
    methods = list(dict.fromkeys(seeds["method"]))
    reference = methods[0]
    header = "| method | " + " | ".join(NAMES.get(b, b) for b in benchmarks) + " |"
    lines = [header, "|---" * (len(benchmarks) + 1) + "|"]
    for method in methods:
        cells = []
        for benchmark in benchmarks:
            table = seeds[(seeds["method"] == method) & (seeds["benchmark"] == benchmark)]
            if table.empty:
                cells.append("not run")
                continue
            s = query_statistics(table)
            cell = (
                f"{s['mean']:.1f} [{s['mean_low']:.1f}, {s['mean_high']:.1f}] / "
                f"{s['median']:.1f}, {s['found']}/{s['seeds']}"
            )
            if method != reference:
                ref = seeds[(seeds["method"] == reference) & (seeds["benchmark"] == benchmark)]
                p, common = paired_p_value(table, ref)
                cell += f" ({_p(p)})" if common else ""
            cells.append(cell)
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def accuracy_table(seeds: pd.DataFrame) -> str:
    benchmarks = list(dict.fromkeys(seeds["benchmark"]))
    methods = list(dict.fromkeys(seeds["method"]))
    header = "| method | " + " | ".join(NAMES.get(b, b) for b in benchmarks) + " |"
    lines = [header, "|---" * (len(benchmarks) + 1) + "|"]
    for method in methods:
        cells = []
        for benchmark in benchmarks:
            table = seeds[(seeds["method"] == method) & (seeds["benchmark"] == benchmark)]
            cells.append(
                " / ".join(
                    f"{table[f'test@{n}'].mean():.2f} ± {table[f'test@{n}'].std():.2f}"
                    for n in CHECKPOINTS
                )
                if not table.empty
                else "not run"
            )
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", help="research study folders (seeds.csv inside)")
    args = parser.parse_args()
    for folder in map(Path, args.folders):
        path = folder / "seeds.csv"
        if not path.is_file():
            raise SystemExit(f"{path}: not found; is {folder} a folder written by a study?")
        seeds = pd.read_csv(path)
        first, last = int(seeds["seed"].min()), int(seeds["seed"].max())
        print(f"## {folder.name} (seeds {first}-{last})\n")
        print("Queries to the optimum, mean [95% CI] / median, found / seeds:\n")
        print(query_table(seeds) + "\n")
        print(f"Test accuracy at {', '.join(map(str, CHECKPOINTS))} queries (mean ± std):\n")
        print(accuracy_table(seeds) + "\n")


if __name__ == "__main__":
    main()
