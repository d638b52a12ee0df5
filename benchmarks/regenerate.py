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
- ``benchmarks/results/research_summary.md``: the ``seeds.csv`` of each study report that
  ``study_reports.py`` gives a summary section;
- ``benchmarks/results/multi_objective/*.md``: each from the ``.csv`` of its name
  (``multi_objective.py``; ``table.md`` from ``seeds.csv``);
- ``benchmarks/results/predictor_variants/table.md``: its ``runs_*.csv``
  (``predictor_variants.py``);
- the tables of each committed study report (``study_reports.REPORTS``: ``docs/<study>/
  report.md``), from its ``seeds.csv`` (a study re-run for some methods or seeds only
  replaces their rows there).

Figures: each committed study report's (``study_reports.REPORTS``)
queries-to-optimum and found-fraction figures, from its ``seeds.csv``; its accuracy and
predictor-correlation figures from its ``curves.parquet`` (every run's values every 10
queries; the study's own per-iteration files run to hundreds of MB and are not
committed); its t-SNE map from its ``tsne_run.csv`` and the benchmark (``--data``). A
report whose study ran before these files were kept says which figures it keeps.
``--check`` compares tables only (a PNG's bytes depend on the matplotlib version).

    python benchmarks/regenerate.py --data ../shared/data   # redraw the t-SNE maps too
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
import study_reports  # noqa: E402

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
        research_summary.summary(pd.read_csv(ROOT / report.folder / "seeds.csv"), title)
        for report in study_reports.REPORTS
        if (title := report.summary_title)
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


STUDY_REPORTS = tuple(report.folder for report in study_reports.REPORTS)


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


def rebuild_figures(data: str | None) -> list[str]:
    """Redraw every figure of the committed study reports from the files beside them: the
    queries and found-fraction figures from ``seeds.csv``, the accuracy and correlation
    figures from ``curves.parquet``, the t-SNE map from ``tsne_run.csv`` and its benchmark
    (read from ``data``); one line each, and one for a figure whose data is not there."""
    from weaknas.study.figures import (
        ACCURACY_PNG,
        CORRELATION_PNG,
        CURVES,
        FIGURES,
        TSNE_PNG,
        TSNE_RUN,
        curve_figures,
        seed_figures,
        tsne_figure,
    )

    lines = []
    for report in STUDY_REPORTS:
        folder = ROOT / report
        out = folder / FIGURES
        for _, name in seed_figures(pd.read_csv(folder / "seeds.csv"), out):
            lines.append(f"{report}/{FIGURES}/{name}: redrawn from {report}/seeds.csv")
        if (folder / CURVES).is_file():
            for _, name in curve_figures(pd.read_parquet(folder / CURVES), out):
                lines.append(f"{report}/{FIGURES}/{name}: redrawn from {report}/{CURVES}")
        else:
            kept = [name for name in (ACCURACY_PNG, CORRELATION_PNG) if (out / name).is_file()]
            if kept:
                lines.append(
                    f"{report}/{FIGURES}/{{{','.join(kept)}}}: kept (no {report}/{CURVES}: "
                    "re-run the study to redraw them)"
                )
        if not (out / TSNE_PNG).is_file():
            continue
        run = pd.read_csv(folder / TSNE_RUN) if (folder / TSNE_RUN).is_file() else None
        if run is None:
            lines.append(
                f"{report}/{FIGURES}/{TSNE_PNG}: kept (no {report}/{TSNE_RUN}: re-run the "
                "study to redraw it)"
            )
        elif data is None:
            lines.append(f"{report}/{FIGURES}/{TSNE_PNG}: kept (give --data to redraw it)")
        else:
            tsne_figure(run, data, out / TSNE_PNG)
            lines.append(f"{report}/{FIGURES}/{TSNE_PNG}: redrawn from {report}/{TSNE_RUN}")
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
    parser.add_argument(
        "--data", default=None, help="the benchmarks' folder (../shared/data): redraws t-SNE maps"
    )
    args = parser.parse_args()
    differing = stale()
    if args.check:
        for name in differing:
            print(f"{name}: differs from its per-seed files")
        raise SystemExit(1 if differing else 0)
    for name, build in TABLES.items():
        (ROOT / name).write_text(build())
        print(f"{name}: {'rewritten' if name in differing else 'unchanged'}")
    for line in rebuild_figures(args.data):
        print(line)


if __name__ == "__main__":
    main()
