"""Choosing WeakNAS's default on NAS-Bench-201 seeds 0-99, confirming it on seeds 100-199.

Protocol: NB201 cifar10, cifar100 and ImageNet16-120, noisy observations (one training
seed's validation accuracy), budget 1,000, each run stopped once it evaluates the
optimum (the strategy never learns of it), a miss counted as 1,000 queries. Statistics
of ``weaknas.study.statistics``: found rate with a Wilson interval, mean and median with
bootstrap intervals, Wilcoxon signed-rank p against the first row over common seeds.

Selection (seeds 0-99) compares greedy acquisition with ``--explore`` 0, 0.3 and 0.5
against the recorded 100-seed runs of every shipped method (``results/research_methods``,
``benchmarks/research_study.py``: full 1,000-query runs, read here as queries to the
optimum). Confirmation (seeds 100-199, untouched by the choice) runs the chosen setting and
every baseline again. Run times are left out: the selection's baselines ran full budgets,
the rest stopped at the optimum (``benchmarks/default_cost.py`` times full runs). The
studies (``B`` the three benchmarks, comma-separated; ``D="--budget 1000 --stop-at-optimum
--data ../shared/data"``)::

    for x in 0 0.3 0.5; do
      weaknas study --benchmarks $B --acquisition greedy --explore $x --seeds 100 $D \
        --out results/i14/greedy_explore_$x
    done
    C="--seeds 100 --first-seed 100 $D"
    weaknas study --benchmarks $B --acquisition greedy --explore 0.3 $C \
        --out results/i14c/greedy_explore_0.3
    weaknas study --benchmarks $B --strategies weaknas,bananas,evolution,local-search,random \
        $C --out results/i14c/baselines
    weaknas study --benchmarks $B --strategy tpe $C --out results/i14c/tpe

Generalization to NAS-Bench-Graph (not chosen on; seeds 0-99, as the committed study of every
shipped method in ``docs/nbgraph/seeds.csv``)::

    weaknas study --benchmarks nbgraph-cora,nbgraph-pubmed,nbgraph-arxiv,nbgraph-proteins \
        --acquisition greedy --explore 0.3 --seeds 100 --budget 1000 --stop-at-optimum \
        --out results/i14g/greedy_explore_0.3

The ``--local 0.3`` variants (with and without ``--explore 0.3``) ran the same way on seeds
0-99 (``results/i14l/greedy_local_0.3`` and ``greedy_explore_0.3_local_0.3``; on
NB-Graph's pubmed, arxiv and proteins ``results/i14l/g_...``).

then ``python benchmarks/default_selection.py > benchmarks/results/default_selection.md``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from weaknas.study.report import markdown_table

BENCHMARKS = ("nb201-cifar10", "nb201-cifar100", "nb201-imagenet16")
BASELINES = ("weaknas", "bananas", "evolution", "local-search", "tpe", "random")
LABELS = {
    "weaknas": "weaknas default (uniform top-100)",
    "bananas": "BANANAS-like",
    "evolution": "regularized evolution",
    "local-search": "local search",
    "tpe": "TPE",
    "random": "random",
}


def seeds(path: Path) -> pd.DataFrame:
    table = pd.read_csv(path)
    missed = table["queries_to_optimum"].isna()
    table.loc[missed, "n_queries"] = 1000  # full runs: a miss spent the whole budget
    return table.drop(columns=["wall_seconds"])


def selection(results: Path, benchmark: str) -> dict[str, pd.DataFrame]:
    tables = {}
    for share in ("0.3", "0", "0.5"):
        path = results / "i14" / f"greedy_explore_{share}" / benchmark / "weaknas" / "seeds.csv"
        tables[f"greedy, explore {share}"] = seeds(path)
    for name, label in LOCAL_VARIANTS.items():
        tables[label] = seeds(results / "i14l" / name / benchmark / "weaknas" / "seeds.csv")
    for method in BASELINES:
        path = results / "research_methods" / benchmark / method / "seeds.csv"
        tables[LABELS[method]] = seeds(path)
    return tables


def confirmation(results: Path, benchmark: str) -> dict[str, pd.DataFrame]:
    chosen = results / "i14c" / "greedy_explore_0.3" / benchmark / "weaknas" / "seeds.csv"
    tables = {"greedy, explore 0.3 (chosen)": seeds(chosen)}
    for method in BASELINES:
        folder = "tpe" if method == "tpe" else "baselines"
        tables[LABELS[method]] = seeds(results / "i14c" / folder / benchmark / method / "seeds.csv")
    return tables


# BANANAS's candidates absorbed: a share of each batch from the neighbours of the best.
LOCAL_VARIANTS = {
    "greedy_local_0.3": "greedy, local 0.3",
    "greedy_explore_0.3_local_0.3": "greedy, explore 0.3, local 0.3",
}
NBGRAPH = ("nbgraph-cora", "nbgraph-pubmed", "nbgraph-arxiv", "nbgraph-proteins")


def generalization(results: Path, benchmark: str) -> dict[str, pd.DataFrame]:
    chosen = results / "i14g" / "greedy_explore_0.3" / benchmark / "weaknas" / "seeds.csv"
    tables = {"greedy, explore 0.3 (chosen)": seeds(chosen)}
    for name, label in LOCAL_VARIANTS.items():  # tried on NB-Graph too, not chosen
        path = results / "i14l" / f"g_{name}" / benchmark / "weaknas" / "seeds.csv"
        if path.is_file():
            tables[label] = seeds(path)
    shipped = pd.read_csv(Path(__file__).parents[1] / "docs" / "nbgraph" / "seeds.csv")
    for method in BASELINES:
        rows = shipped[(shipped["benchmark"] == benchmark) & (shipped["method"] == method)]
        tables[LABELS[method]] = rows.drop(columns=["wall_seconds"]).reset_index(drop=True)
    return tables


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", default="results", help="the studies' parent folder")
    results = Path(parser.parse_args().results)
    print("# WeakNAS default: selection on NB201 seeds 0-99, confirmation on seeds 100-199\n")
    print(__doc__.split("\n\n")[1].replace("\n", " ") + "\n")
    for title, build, benchmarks in (
        ("Selection, seeds 0-99", selection, BENCHMARKS),
        ("Confirmation, seeds 100-199", confirmation, BENCHMARKS),
        ("Generalization, NAS-Bench-Graph, seeds 0-99", generalization, NBGRAPH),
    ):
        for benchmark in benchmarks:
            print(f"## {title}: {benchmark}\n")
            print(markdown_table(build(results, benchmark), checkpoints=()) + "\n")


if __name__ == "__main__":
    main()
