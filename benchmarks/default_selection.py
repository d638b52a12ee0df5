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

Round 2 (after the first candidate lost to BANANAS-like on pubmed): variants mixing more
neighbourhood picks and an ensemble were screened on NB-Graph pubmed seeds 0-29 (so
pubmed seeds 0-99 are no longer untouched; pubmed is confirmed on seeds 100-199), the
survivor run on NB201 seeds 0-99 and NB-Graph seeds 0-99, then confirmed on seeds
100-199 of both with the baselines. ``R=results/i14r2``, ``E="--acquisition ts --n-models
5 --explore 0.3 --local 0.6"``, ``G`` = pubmed,arxiv,proteins::

    weaknas study --benchmarks nbgraph-pubmed --seeds 30 $D $VARIANT --out $R/g_...
    weaknas study --benchmarks $B --seeds 100 $D $E --out $R/n_ts_e3l6
    weaknas study --benchmarks $B --seeds 100 $D $E --shortlist 1000 --out $R/n_ts5_e3l6_s1000
    weaknas study --benchmarks $G --seeds 100 $D $E --out $R/g2_ts_e3l6
    weaknas study --benchmarks $B $C $E --out $R/c_ts5_e3l6
    weaknas study --benchmarks $G $C $E --out $R/cg_ts5_e3l6
    weaknas study --benchmarks $G $C --strategies weaknas,bananas --out $R/cg_baselines
    weaknas study --benchmarks $G $C --acquisition greedy --explore 0.3 --out $R/cg_greedy_e3
    weaknas study --benchmark nb101 --seeds 10 --budget 3000 --stop-at-optimum \
        --data ../shared/data $E --out $R/k_ts5_e3l6

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


# Round 2: folder under results/i14r2 -> label
SCREEN = {
    "g_e3l6": "greedy, explore 0.3, local 0.6",
    "g_e1l6": "greedy, explore 0.1, local 0.6",
    "g_g5_e3l6": "greedy x5, explore 0.3, local 0.6",
    "g_ts3_e3l6": "ts x3, explore 0.3, local 0.6",
    "g_ts_e3l3": "ts x5, explore 0.3, local 0.3",
    "g_ts_e3l6": "ts x5, explore 0.3, local 0.6",
}
CANDIDATE = "ts x5, explore 0.3, local 0.6"


def _study(folder: Path, benchmark: str, method: str = "weaknas") -> pd.DataFrame:
    """One method's seeds on one benchmark (a one-benchmark study keeps them at the top)."""
    path = folder / benchmark / method / "seeds.csv"
    if path.is_file():
        return seeds(path)
    table = seeds(folder / "seeds.csv")  # one method, named by its label there
    return table[table["benchmark"] == benchmark].reset_index(drop=True)


def screen(results: Path, benchmark: str) -> dict[str, pd.DataFrame]:
    """Pubmed seeds 0-29: the round-2 variants against round 1 and the baselines."""
    tables = {label: _study(results / "i14r2" / name, benchmark) for name, label in SCREEN.items()}
    first30 = generalization(results, benchmark)
    tables.update({label: t[t["seed"] < 30] for label, t in first30.items()})
    return tables


def selection_round2(results: Path, benchmark: str) -> dict[str, pd.DataFrame]:
    r2 = results / "i14r2"
    tables = {CANDIDATE: _study(r2 / "n_ts_e3l6", benchmark)}
    tables[f"{CANDIDATE}, shortlist 1000"] = _study(r2 / "n_ts5_e3l6_s1000", benchmark)
    first = selection(results, benchmark)
    for label in ("greedy, explore 0.3", "weaknas default (uniform top-100)", "BANANAS-like"):
        tables[label] = first[label]
    return tables


def generalization_round2(results: Path, benchmark: str) -> dict[str, pd.DataFrame]:
    tables = {CANDIDATE: _study(results / "i14r2" / "g2_ts_e3l6", benchmark)}
    tables.update(generalization(results, benchmark))
    return tables


def confirmation_round2(results: Path, benchmark: str) -> dict[str, pd.DataFrame]:
    r2 = results / "i14r2"
    if benchmark.startswith("nb201"):
        tables = {CANDIDATE: _study(r2 / "c_ts5_e3l6", benchmark)}
        for label, table in confirmation(results, benchmark).items():
            tables[label.replace(" (chosen)", " (round 1)")] = table
        return tables
    return {
        CANDIDATE: _study(r2 / "cg_ts5_e3l6", benchmark),
        "greedy, explore 0.3 (round 1)": _study(r2 / "cg_greedy_e3", benchmark),
        LABELS["weaknas"]: _study(r2 / "cg_baselines", benchmark),
        LABELS["bananas"]: _study(r2 / "cg_baselines", benchmark, "bananas"),
    }


def nb101_round2(results: Path, benchmark: str) -> dict[str, pd.DataFrame]:
    """NB101 (budget 3,000, 100 initial cells): the candidate's seeds against the
    committed default study on the same seeds (a miss counted as 3,000)."""
    candidate = pd.read_csv(results / "i14r2" / "k_ts5_e3l6" / "seeds.csv")
    default = pd.read_csv(
        Path(__file__).parent / "results" / "nb101_sample_efficiency" / "weaknas" / "seeds.csv"
    )
    default = default[default["seed"].isin(candidate["seed"])]
    # times left out: the candidate ran beside other jobs (one seed was paused), the
    # default on a quieter machine
    return {
        CANDIDATE: candidate.drop(columns=["wall_seconds"]),
        "weaknas default (uniform top-100)": default.drop(columns=["wall_seconds"]),
    }


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
        ("Round 2 screen, seeds 0-29", screen, ("nbgraph-pubmed",)),
        ("Round 2 selection, seeds 0-99", selection_round2, BENCHMARKS),
        ("Round 2 on NAS-Bench-Graph, seeds 0-99", generalization_round2, NBGRAPH[1:]),
        ("Round 2 confirmation, seeds 100-199", confirmation_round2, BENCHMARKS + NBGRAPH[1:]),
        ("Round 2 on NB101, seeds 0-9", nb101_round2, ("nb101",)),
    ):
        for benchmark in benchmarks:
            print(f"## {title}: {benchmark}\n")
            print(markdown_table(build(results, benchmark), checkpoints=()) + "\n")


if __name__ == "__main__":
    main()
