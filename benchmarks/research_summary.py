"""Compact tables of a research study (``research_study.py``'s folder) for the README.

Two markdown tables per study: queries to the optimum (mean [95% bootstrap CI] / median,
found of the seeds, every seed counted with a miss as the queries it spent, Wilcoxon p
against the first method over the common seeds), and the test accuracy of the
best-by-observed architecture after 100, 200 and 500 queries (mean ± std over seeds).
The full report with figures is the study's ``report.md``.

    python benchmarks/research_summary.py results/research_methods results/research_nb101
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from weaknas.study.statistics import paired_p_value, query_statistics

CHECKPOINTS = (100, 200, 500)
NAMES = {  # benchmark -> column title
    "nb201-cifar10": "cifar10",
    "nb201-cifar100": "cifar100",
    "nb201-imagenet16": "ImageNet16-120",
    "nb101": "NB101",
    "nbgraph-cora": "cora",
    "nbgraph-pubmed": "pubmed",
    "nbgraph-arxiv": "arxiv",
    "nbgraph-proteins": "proteins",
}


def _p(value: float) -> str:
    return "p < 0.001" if value < 0.001 else f"p {value:.3f}"


def _table(seeds: pd.DataFrame, cell: Callable[[pd.DataFrame, pd.DataFrame], str]) -> str:
    """Methods as rows, benchmarks as columns; ``cell(runs, reference_runs)`` fills one
    (the reference: the first method's runs on that benchmark)."""
    benchmarks = list(dict.fromkeys(seeds["benchmark"]))
    methods = list(dict.fromkeys(seeds["method"]))
    header = "| method | " + " | ".join(NAMES.get(b, b) for b in benchmarks) + " |"
    lines = [header, "|---" * (len(benchmarks) + 1) + "|"]
    for method in methods:
        cells = []
        for benchmark in benchmarks:
            on_benchmark = seeds[seeds["benchmark"] == benchmark]
            runs = on_benchmark[on_benchmark["method"] == method]
            reference = on_benchmark[on_benchmark["method"] == methods[0]]
            cells.append(cell(runs, reference) if not runs.empty else "not run")
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def query_cell(runs: pd.DataFrame, reference: pd.DataFrame) -> str:
    s = query_statistics(runs)
    text = (
        f"{s['mean']:.1f} [{s['mean_low']:.1f}, {s['mean_high']:.1f}] / "
        f"{s['median']:.1f}, {s['found']}/{s['seeds']}"
    )
    if runs["method"].iloc[0] != reference["method"].iloc[0]:
        p, common = paired_p_value(runs, reference)
        text += f" ({_p(p)})" if common else ""
    return text


def accuracy_cell(runs: pd.DataFrame, reference: pd.DataFrame) -> str:
    return " / ".join(
        f"{runs[f'test@{n}'].mean():.2f} ± {runs[f'test@{n}'].std():.2f}" for n in CHECKPOINTS
    )


def summary(seeds: pd.DataFrame, title: str) -> str:
    """The two tables of one study (``seeds``: its seeds.csv), under ``## title``."""
    first, last = int(seeds["seed"].min()), int(seeds["seed"].max())
    return (
        f"## {title} (seeds {first}-{last})\n\n"
        "Queries to the optimum, mean [95% CI] / median, found / seeds:\n\n"
        + _table(seeds, query_cell)
        + "\n\n"
        + f"Test accuracy at {', '.join(map(str, CHECKPOINTS))} queries (mean ± std):\n\n"
        + _table(seeds, accuracy_cell)
        + "\n\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", help="research study folders (seeds.csv inside)")
    args = parser.parse_args()
    for folder in map(Path, args.folders):
        path = folder / "seeds.csv"
        if not path.is_file():
            raise SystemExit(f"{path}: not found; is {folder} a folder written by a study?")
        print(summary(pd.read_csv(path), folder.name))


if __name__ == "__main__":
    main()
