"""The README and the guides in docs/: every README example runs as pasted, the sample
output is what the command prints, links resolve, and the command reference is the
parser's."""

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
EXAMPLE = re.compile(r"<!-- example: (file (?P<file>\S+)|run) -->\n```\w*\n(?P<body>.*?)```", re.S)
INSTALL = "python3 -m venv .venv && .venv/bin/pip install -q . && "


def readme_examples() -> list[tuple[str | None, str]]:
    """(file name or None for a command, text) of each marked README block, in order."""
    return [(m["file"], m["body"]) for m in EXAMPLE.finditer(README.read_text())]


def _command(line: str) -> list[str]:
    """A README command line as this test environment runs it: the install step is what
    this environment did already (the test command installs the package), so the
    command after it runs with this environment's interpreter and entry point."""
    line = line.removeprefix(INSTALL).replace(".venv/bin/", "")
    words = shlex.split(line)
    bin_dir = Path(sys.executable).parent
    if words[0] == "weaknas":
        return [str(bin_dir / "weaknas"), *words[1:]]
    if words[0] in ("python", "python3"):
        return [sys.executable, *words[1:]]
    raise AssertionError(f"README example runs {words[0]!r}: teach this test how")


@pytest.mark.slow
def test_every_readme_example_runs_as_pasted(tmp_path):
    examples = readme_examples()
    files = [name for name, _ in examples if name]
    assert {"myspace.json", "mymodule.py", "example.py"} <= set(files)
    outputs = []
    for name, body in examples:
        if name:
            (tmp_path / name).write_text(body)
            continue
        for line in body.strip().splitlines():
            done = subprocess.run(
                _command(line), cwd=tmp_path, capture_output=True, text=True, timeout=300
            )
            assert done.returncode == 0, (line, done.stderr[-3000:])
            outputs.append(done.stdout)
    first = json.loads((tmp_path / "runs" / "demo" / "summary.json").read_text())
    assert first["n_queries"] == 1000 and first["benchmark"] == "nb201-cifar10"
    assert (tmp_path / "runs" / "demo" / "best.pt").is_file()  # weaknas export
    mine = json.loads((tmp_path / "runs" / "mine" / "summary.json").read_text())
    assert mine["n_queries"] == 6 and mine["n_failed"] == 0 and mine["best_value"] == 91
    assert mine["best_arch"] == '{"depth": 4, "act": "gelu"}'
    best, value, failed = outputs[-1].split()[-3:]
    assert failed == "0" and float(value) > 85
    assert (tmp_path / "runs" / "mine-py" / "summary.json").is_file()
    # the README's sample output is what the first command printed (its timings aside)
    sample = README.read_text().split("```text\n")[1].split("```")[0].splitlines()
    printed = outputs[0].splitlines()
    for line in sample:
        if line.strip() != "..." and not line.strip().startswith("queries "):
            assert line in printed, line


def test_the_readme_is_short_and_keeps_its_two_set_up_commands():
    text = README.read_text()
    assert len(text.splitlines()) <= 150
    assert f"{INSTALL}.venv/bin/weaknas search --benchmark nb201-cifar10" in text
    test_command = "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && "
    assert test_command + ".venv/bin/python -m pytest" in text
    ci = (ROOT / ".ci" / "run").read_text()
    assert test_command + ".venv/bin/python -m pytest" in ci


def test_every_relative_link_in_the_readme_and_guides_resolves():
    pages = [README, *sorted((ROOT / "docs").glob("*.md"))]
    for page in pages:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text()):
            if "://" in target:
                continue
            assert (page.parent / target).exists(), f"{page.name}: link to {target}"


def test_the_command_reference_is_generated_from_the_parser():
    from weaknas.cli.reference import markdown

    committed = (ROOT / "docs" / "reference.md").read_text()
    assert committed == markdown(), (
        "regenerate: python -m weaknas.cli.reference > docs/reference.md"
    )
    for flag in ("--space", "--objective", "--resume", "--strategies", "--stale", "--no-tsne"):
        assert f"`{flag}`" in committed


def research_summary_section(heading: str) -> str:
    """The text under ``heading`` in ``benchmarks/results/research_summary.md``, up to the
    next section."""
    summary = (ROOT / "benchmarks" / "results" / "research_summary.md").read_text()
    return summary.split(heading + "\n")[1].split("\n## ")[0]


def test_the_numbers_the_readme_quotes_equal_the_files_they_come_from():
    """The README's claims: queries to the optimum of the default and the paper's
    protocol on NB201 (the research suite, seeds 100-199) and seed 0's queries to the
    optimum, every CIFAR-10 seed of 100 found (the sample-efficiency study, seeds 0-99)."""
    import csv

    text = " ".join(README.read_text().split())
    suite = research_summary_section("## research_methods (seeds 100-199)")

    def means(method: str) -> list[float]:
        row = next(line for line in suite.splitlines() if line.startswith(f"| {method} |"))
        return [float(cell.split()[0]) for cell in row.strip("|").split("|")[1:4]]

    default, paper = means("weaknas"), means("paper")
    span = f"{round(min(default))}-{round(max(default))} queries on average, against "
    span += f"{round(min(paper))}-{round(max(paper))} with the paper's protocol"
    assert span in text, span
    seeds = ROOT / "benchmarks/results/sample_efficiency/nb201-cifar10/weaknas-default/seeds.csv"
    with open(seeds) as file:
        rows = list(csv.DictReader(file))
    missed = [int(r["seed"]) for r in rows if not r["queries_to_optimum"]]
    assert len(rows) == 100 and missed == []
    seed0 = next(r for r in rows if r["seed"] == "0")["queries_to_optimum"]
    assert f"Seed 0 finds the optimum after {seed0} queries" in text
    assert "as the default does on CIFAR-10 in 100 seeds of 100" in text


def test_every_committed_results_table_regenerates_from_its_per_seed_files():
    """``python benchmarks/regenerate.py --check``: no table drifts from the runs."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "regenerate.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_study_report_takes_its_tables_from_its_seeds_and_keeps_its_figures(
    tmp_path, monkeypatch
):
    """Rows re-run for one method land in the report's tables; text and figures stay."""
    import importlib

    import pandas as pd

    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    regenerate = importlib.import_module("regenerate")
    report = tmp_path / "docs" / "nbgraph"
    report.mkdir(parents=True)
    original = (ROOT / "docs/nbgraph/report.md").read_text()
    (report / "report.md").write_text(original)
    seeds = pd.read_csv(ROOT / "docs/nbgraph/seeds.csv")
    seeds.loc[seeds.method == "bananas", "queries_to_optimum"] = 7.0
    seeds.to_csv(report / "seeds.csv", index=False)
    monkeypatch.setattr(regenerate, "ROOT", tmp_path)
    rebuilt = regenerate.study_report("docs/nbgraph")()
    assert rebuilt != original and "| bananas | 100 | 100 [96-100%] | 7.0 [7.0, 7.0]" in rebuilt
    figures = original[original.index("### Accuracy vs queries") :]
    assert rebuilt.endswith(figures) and rebuilt.count("### nbgraph-") == 4


def test_regenerate_redraws_the_curve_figures_from_the_files_kept_beside_a_report(
    tmp_path, monkeypatch
):
    """A report with ``curves.parquet`` gets its accuracy and correlation figures redrawn;
    one without says it keeps them, and a t-SNE map without ``--data`` is kept."""
    import importlib

    import numpy as np
    import pandas as pd

    from weaknas.study.figures import study_curves

    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    regenerate = importlib.import_module("regenerate")
    seeds = pd.read_csv(ROOT / "docs/nbgraph/seeds.csv")
    iterations = pd.DataFrame(
        {
            "method": "weaknas",
            "benchmark": "nbgraph-cora",
            "seed": np.repeat([0, 1], 3),
            "n_queries": np.tile([10, 20, 30], 2),
            "pick_test": [80.0, 81.0, 81.5, 79.0, 80.5, 81.0],
            "kendall_tau_top100": np.nan,
            "kendall_tau_all": [np.nan, 0.3, 0.4, np.nan, 0.2, 0.5],
        }
    )
    for report, with_curves in (("docs/a", True), ("docs/b", False)):
        folder = tmp_path / report
        (folder / "figures").mkdir(parents=True)
        seeds.to_csv(folder / "seeds.csv", index=False)
        for name in ("accuracy_vs_queries.png", "search_dynamics_tsne.png"):
            (folder / "figures" / name).write_bytes(b"old")
        if with_curves:
            study_curves(iterations).to_parquet(folder / "curves.parquet")
            (folder / "tsne_run.csv").write_text("method,benchmark,seed,index,iteration\n")
    monkeypatch.setattr(regenerate, "ROOT", tmp_path)
    monkeypatch.setattr(regenerate, "STUDY_REPORTS", ("docs/a", "docs/b"))
    lines = regenerate.rebuild_figures(data=None)
    assert "docs/a/figures/accuracy_vs_queries.png: redrawn from docs/a/curves.parquet" in lines
    assert "docs/a/figures/predictor_correlation.png: redrawn from docs/a/curves.parquet" in lines
    assert "docs/a/figures/search_dynamics_tsne.png: kept (give --data to redraw it)" in lines
    assert (tmp_path / "docs/a/figures/accuracy_vs_queries.png").read_bytes()[:4] == b"\x89PNG"
    assert (
        "docs/b/figures/{accuracy_vs_queries.png}: kept (no docs/b/curves.parquet: re-run the "
        "study to redraw them)" in lines
    )
    assert (tmp_path / "docs/b/figures/accuracy_vs_queries.png").read_bytes() == b"old"
    assert (
        "docs/b/figures/search_dynamics_tsne.png: kept (no docs/b/tsne_run.csv: re-run the "
        "study to redraw it)" in lines
    )


def test_the_headline_table_of_the_results_guide_equals_the_research_summary():
    """docs/results.md's first table (seeds 100-199) quotes the research suite's rows:
    each mean, median and found count equals ``benchmarks/results/research_summary.md``."""
    import re

    guide = (ROOT / "docs" / "results.md").read_text()
    table = guide.split("| seeds 100-199 | cifar10 | cifar100 | ImageNet16-120 |")[1]
    table = table.split("\n\n")[0]
    suite = research_summary_section("## research_methods (seeds 100-199)")
    suite = suite.split("Test accuracy")[0]
    names = {
        "**default**": "weaknas",
        "BANANAS-like": "bananas",
        "regularized evolution": "evolution",
        "local search": "local-search",
        "TPE": "tpe",
        "random": "random",
    }

    def cells(text: str, first: str) -> list[tuple[str, str, str]]:
        row = next(line for line in text.splitlines() if line.startswith(f"| {first} |"))
        numbers = r"\**([\d.]+)\**(?: \[[^\]]*\])? / ([\d.]+), (\d+)"
        return [re.match(numbers, c.strip()).groups() for c in row.strip("|").split("|")[1:4]]

    for quoted, method in names.items():
        assert cells(table, quoted) == cells(suite, method), quoted


# Tables docs/results.md copies whole from research_summary.md: the text just before the
# copy, and the summary section it comes from.
COPIED_SUMMARY_TABLES = (
    ("seeds, p against the default:\n\n| method | NB101 |", "## research_nb101 (seeds 100-199)"),
    (
        "Wilcoxon p against WeakNAS:\n\n| method | cora | pubmed | arxiv | proteins |",
        "## research_nbgraph (seeds 100-199)",
    ),
)


@pytest.mark.parametrize(("anchor", "section"), COPIED_SUMMARY_TABLES)
def test_a_research_summary_table_the_results_guide_copies_equals_its_source(anchor, section):
    """A confirmation study's table quoted in docs/results.md is the generated section's
    queries table, line for line (a re-run that regenerates the summary fails here until
    the guide is updated)."""
    guide = (ROOT / "docs" / "results.md").read_text()
    assert guide.count(anchor) == 1, anchor
    header = anchor.split("\n\n")[1]
    copied = header + guide.split(anchor)[1].split("\n\n")[0]
    source = research_summary_section(section)
    table = header + source.split(header)[1].split("\n\n")[0]
    assert copied == table
