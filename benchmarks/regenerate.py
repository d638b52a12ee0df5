"""Rebuild every committed results table from the committed per-seed files, running no
search (issue 25): a table can then never drift from the runs it summarises.

    python benchmarks/regenerate.py           # rewrite the tables, say which changed
    python benchmarks/regenerate.py --check   # exit 1 naming any table that differs

Tables and their sources (all committed):
- ``benchmarks/results/sample_efficiency.md``: each NB201 method's ``seeds.csv`` under
  ``benchmarks/results/sample_efficiency/<benchmark>/<method>/`` (``sample_efficiency.py``);
- ``benchmarks/results/nb101_sample_efficiency/table.md``: the same for NB101
  (``nb101_sample_efficiency.py``);
- ``benchmarks/results/compare_at_500.md``: the NB201 studies, seeds 0-19 at 500 queries;
- ``benchmarks/results/research_summary.md``: ``docs/methods/seeds.csv`` and
  ``docs/nb101/seeds.csv`` (the research suite's studies);
- ``benchmarks/results/multi_objective/*.md``: each from the ``.csv`` of its name
  (``multi_objective.py``; ``table.md`` from ``seeds.csv``);
- ``benchmarks/results/predictor_variants/table.md``: its ``runs_*.csv``
  (``predictor_variants.py``);
- the tables of each committed study report (``docs/{methods,nb101,nbgraph,variants}/
  report.md``), from its ``seeds.csv`` (a study re-run for some methods or seeds only
  replaces their rows there).

Figures: each committed study report's (``docs/{methods,nb101,nbgraph,variants}``)
queries-to-optimum and found-fraction figures, from its ``seeds.csv``. Its accuracy,
predictor-correlation and t-SNE figures are drawn from the study's per-iteration and
per-query files, which are not committed (a study of 100 seeds writes hundreds of MB):
they are rebuilt by running the study again (``benchmarks/research_study.py``), and this
command says so rather than leave them unnamed. ``--check`` compares tables only (a PNG's
bytes depend on the matplotlib version).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
import compare_at_500  # noqa: E402
import multi_objective  # noqa: E402
import nb101_sample_efficiency  # noqa: E402
import predictor_variants  # noqa: E402
import research_summary  # noqa: E402
import sample_efficiency  # noqa: E402

from weaknas.study.report import frame_to_markdown, tables_by_benchmark  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def nb201_sample_efficiency() -> str:
    rows = []
    for dataset in sample_efficiency.DATASETS:
        for method, (settings, _) in sample_efficiency.METHODS.items():
            path = RESULTS / "sample_efficiency" / dataset / method / "seeds.csv"
            if path.is_file():
                summary = sample_efficiency.summarize(pd.read_csv(path), settings["budget"])
                rows.append({"dataset": dataset, "method": method, **summary})
    return frame_to_markdown(pd.DataFrame(rows)) + "\n"


def nb101_sample_efficiency_table() -> str:
    rows = []
    budget = nb101_sample_efficiency.PROTOCOL["budget"]
    for method in nb101_sample_efficiency.METHODS:
        path = RESULTS / "nb101_sample_efficiency" / method / "seeds.csv"
        if path.is_file():
            seeds = pd.read_csv(path)
            rows.append(
                {
                    "method": method,
                    **sample_efficiency.summarize(seeds, budget),
                    **nb101_sample_efficiency.accuracy_columns(seeds),
                }
            )
    return frame_to_markdown(pd.DataFrame(rows)) + "\n"


def compare_at_500_table() -> str:
    return compare_at_500.table(RESULTS / "sample_efficiency")


def research_summary_tables() -> str:
    return "".join(
        research_summary.summary(pd.read_csv(ROOT / "docs" / folder / "seeds.csv"), title)
        for folder, title in (("methods", "research_methods"), ("nb101", "research_nb101"))
    )


def multi_objective_table(source: Path) -> Callable[[], str]:
    return lambda: multi_objective.table(pd.read_csv(source))


TABLES: dict[str, Callable[[], str]] = {
    "benchmarks/results/sample_efficiency.md": nb201_sample_efficiency,
    "benchmarks/results/nb101_sample_efficiency/table.md": nb101_sample_efficiency_table,
    "benchmarks/results/compare_at_500.md": compare_at_500_table,
    "benchmarks/results/research_summary.md": research_summary_tables,
}
if (RESULTS / "predictor_variants").is_dir():
    TABLES["benchmarks/results/predictor_variants/table.md"] = lambda: predictor_variants.tables(
        RESULTS / "predictor_variants"
    )
for _source in sorted((RESULTS / "multi_objective").glob("*.csv")):
    if _source.name in ("curves.csv", "fronts.csv"):
        continue
    _table = "table.md" if _source.name == "seeds.csv" else _source.with_suffix(".md").name
    TABLES[f"benchmarks/results/multi_objective/{_table}"] = multi_objective_table(_source)


STUDY_REPORTS = ("docs/methods", "docs/nb101", "docs/nbgraph", "docs/variants")


def study_report(report: str) -> Callable[[], str]:
    """A study's ``report.md`` with its tables rebuilt from its ``seeds.csv``: the text from
    the first benchmark's heading to the first figure's is replaced, the rest kept."""

    def build() -> str:
        seeds = pd.read_csv(ROOT / report / "seeds.csv")
        text = (ROOT / report / "report.md").read_text()
        tables = {f"### {name}" for name in seeds.benchmark.unique()}
        first = text.index(f"### {seeds.benchmark.iloc[0]}\n")
        end = len(text)
        for match in re.finditer(r"^### .*$", text[first:], flags=re.MULTILINE):
            if match.group(0) not in tables:  # the first figure's caption
                end = first + match.start()
                break
        rest = "\n\n" + text[end:] if end < len(text) else "\n"
        return text[:first] + tables_by_benchmark(seeds) + rest

    return build


for _report in STUDY_REPORTS:
    TABLES[f"{_report}/report.md"] = study_report(_report)
# Drawn from files a study writes but the repository does not hold.
FROM_UNCOMMITTED_FILES = (
    "accuracy_vs_queries.png",
    "predictor_correlation.png",
    "search_dynamics_tsne.png",
)


def rebuild_figures() -> list[str]:
    """Redraw every figure a committed ``seeds.csv`` holds the data of; one line each,
    and one for the figures it cannot redraw."""
    from weaknas.study.figures import FIGURES, seed_figures

    lines = []
    for report in STUDY_REPORTS:
        out = ROOT / report / FIGURES
        for _, name in seed_figures(pd.read_csv(ROOT / report / "seeds.csv"), out):
            lines.append(f"{report}/{FIGURES}/{name}: redrawn from {report}/seeds.csv")
        kept = [name for name in FROM_UNCOMMITTED_FILES if (out / name).is_file()]
        if kept:
            lines.append(
                f"{report}/{FIGURES}/{{{','.join(kept)}}}: kept (their per-iteration data is "
                "not committed; re-run the study to redraw them)"
            )
    return lines


def stale() -> list[str]:
    """The committed tables that differ from what their sources give."""
    return [
        name
        for name, build in TABLES.items()
        if not (ROOT / name).is_file() or (ROOT / name).read_text() != build()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 on a diff")
    args = parser.parse_args()
    differing = stale()
    if args.check:
        for name in differing:
            print(f"{name}: differs from its per-seed files")
        raise SystemExit(1 if differing else 0)
    for name, build in TABLES.items():
        (ROOT / name).write_text(build())
        print(f"{name}: {'rewritten' if name in differing else 'unchanged'}")
    for line in rebuild_figures():
        print(line)


if __name__ == "__main__":
    main()
