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

Round 3 (the default): greedy with ``--explore 0.3`` (round 1) plus ``--stall 5``, so that
a search that stopped improving samples the predicted top-M the paper's way; chosen after
NB101 seeds 0-29 showed round 1 behind the paper's picks there, then run on NB101 and
NB201 seeds 0-99 and confirmed on seeds 100-199 of NB201, NB-Graph and NB101.
``R=results/i14r3``, ``S="--acquisition greedy --explore 0.3 --stall 5"``, ``K="--benchmark
nb101 --budget 3000 --stop-at-optimum --data ../shared/data"``::

    weaknas study $K --seeds 100 $S --out $R/g_e3_s5
    weaknas study $K --seeds 100 --n-init 10 --acquisition uniform --out $R/init10
    weaknas study $K --seeds 30 --n-init 10 $S --out $R/g_e3_s5_i10      # and --stall 3
    weaknas study $K --seeds 30 --top-m 300 --acquisition uniform --out $R/top300  # stopped
    weaknas study --benchmarks $B --seeds 100 $D $S --out $R/nb201_g_e3_s5
    weaknas study --benchmarks $B $C $S --out $R/c_nb201_g_e3_s5
    weaknas study --benchmarks $G --seeds 100 $D $S --out $R/g_nbgraph_g_e3_s5
    weaknas study --benchmarks $G $C $S --out $R/cg_nbgraph_g_e3_s5
    weaknas study $K --seeds 100 --first-seed 100 $S --out $R/c_nb101_g_e3_s5
    weaknas study $K --seeds 100 --first-seed 100 --acquisition uniform --out $R/c_nb101_uniform
    weaknas study $K --seeds 50 --encoding adjacency+stats+edges --out $R/g_e3_s5_edges
    weaknas study $K --seeds 100 --strategies bananas,evolution,local-search \
        --out $R/nb101_baselines
    weaknas study --benchmarks $B,nbgraph-pubmed --seeds 100 $D $S --local 0.3 \
        --out $R/r4_g_e3l3_s5

then ``python benchmarks/default_selection.py > benchmarks/results/default_selection.md``.
"""

from __future__ import annotations

import argparse
import json
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


# The committed NB101 study of the paper's uniform picks (nb101_sample_efficiency.py)
NB101_UNIFORM = Path(__file__).parent / "results" / "nb101_sample_efficiency" / "weaknas"


def nb101_round2(results: Path, benchmark: str) -> dict[str, pd.DataFrame]:
    """NB101 (budget 3,000, 100 initial cells): the candidate's seeds against the
    committed default study on the same seeds (a miss counted as 3,000)."""
    candidate = pd.read_csv(results / "i14r2" / "k_ts5_e3l6" / "seeds.csv")
    default = pd.read_csv(NB101_UNIFORM / "seeds.csv")
    default = default[default["seed"].isin(candidate["seed"])]
    # times left out: the candidate ran beside other jobs (one seed was paused), the
    # default on a quieter machine
    return {
        CANDIDATE: candidate.drop(columns=["wall_seconds"]),
        "weaknas default (uniform top-100)": default.drop(columns=["wall_seconds"]),
    }


# Round 3: folder under results/i14r3 -> label
ROUND3 = "greedy, explore 0.3, stall 5"
NB101_SCREEN = {
    "init10": "uniform top-100, 10 initial",
    "g_e3_s5_i10": "greedy, explore 0.3, stall 5, 10 initial",
    "g_e3_s3_i10": "greedy, explore 0.3, stall 3, 10 initial",
    "top300": "uniform top-300",
    "g_e3_s5_edges": "greedy, explore 0.3, stall 5, adjacency+stats+edges",
}


def _summaries(folder: Path) -> pd.DataFrame:
    """Queries to the optimum of every finished seed of a study (partial ones too)."""
    keys = ("seed", "queries_to_optimum", "n_queries")
    rows = []
    for path in sorted(folder.glob("seeds/seed_*/summary.json")):
        summary = json.loads(path.read_text())
        rows.append({key: summary[key] for key in keys})
    return pd.DataFrame(rows)


def nb101_default_and_uniform(results: Path) -> dict[str, pd.DataFrame]:
    """NB101 seeds 0-99: the round-3 default and the committed study of uniform picks."""
    return {
        ROUND3: _summaries(results / "i14r3" / "g_e3_s5"),
        "weaknas default (uniform top-100)": pd.read_csv(NB101_UNIFORM / "seeds.csv"),
    }


def nb101_round3(results: Path, benchmark: str) -> dict[str, pd.DataFrame]:
    """NB101 seeds 0-99 (budget 3,000, a miss counted as 3,000): the round-3 candidate,
    the default, round 1's candidate and the screened variants (fewer seeds)."""
    tables = nb101_default_and_uniform(results)
    tables["greedy, explore 0.3 (round 1)"] = _summaries(
        results / "i14nb101" / "greedy_explore_0.3"
    )
    for name, label in NB101_SCREEN.items():
        tables[label] = _summaries(results / "i14r3" / name)
    return tables


WITH_LOCAL = f"{ROUND3}, local 0.3"


def selection_round3(results: Path, benchmark: str) -> dict[str, pd.DataFrame]:
    tables = {ROUND3: _study(results / "i14r3" / "nb201_g_e3_s5", benchmark)}
    tables[WITH_LOCAL] = _study(results / "i14r3" / "r4_g_e3l3_s5", benchmark)
    tables.update(selection_round2(results, benchmark))
    return tables


def generalization_round3(results: Path, benchmark: str) -> dict[str, pd.DataFrame]:
    tables = {ROUND3: _study(results / "i14r3" / "g_nbgraph_g_e3_s5", benchmark)}
    if benchmark == "nbgraph-pubmed":
        tables[WITH_LOCAL] = _study(results / "i14r3" / "r4_g_e3l3_s5", benchmark)
    tables.update(generalization_round2(results, benchmark))
    return tables


def nb101_confirmation_round3(results: Path, benchmark: str) -> dict[str, pd.DataFrame]:
    """NB101 seeds 100-199 (as far as they ran): the default against the paper's picks."""
    return {
        ROUND3: _summaries(results / "i14r3" / "c_nb101_g_e3_s5"),
        "weaknas default (uniform top-100)": _summaries(results / "i14r3" / "c_nb101_uniform"),
    }


def confirmation_round3(results: Path, benchmark: str) -> dict[str, pd.DataFrame]:
    folder = "c_nb201_g_e3_s5" if benchmark.startswith("nb201") else "cg_nbgraph_g_e3_s5"
    tables = {ROUND3: _study(results / "i14r3" / folder, benchmark)}
    for label, table in confirmation_round2(results, benchmark).items():
        tables[label.replace(" (round 1)", ", round 1").replace(CANDIDATE, "round 2")] = table
    return tables


def nb101_baselines(results: Path, benchmark: str) -> dict[str, pd.DataFrame]:
    """NB101 seeds 0-99 (as far as they ran): the default, the paper's picks and the
    baselines that need no optimizer library (budget 3,000, a miss counted as 3,000)."""
    tables = nb101_default_and_uniform(results)
    for method in ("bananas", "evolution", "local-search"):
        folder = results / "i14r3" / "nb101_baselines" / benchmark / method
        tables[LABELS[method]] = _summaries(folder)
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
        ("Round 2 screen, seeds 0-29", screen, ("nbgraph-pubmed",)),
        ("Round 2 selection, seeds 0-99", selection_round2, BENCHMARKS),
        ("Round 2 on NAS-Bench-Graph, seeds 0-99", generalization_round2, NBGRAPH[1:]),
        ("Round 2 confirmation, seeds 100-199", confirmation_round2, BENCHMARKS + NBGRAPH[1:]),
        ("Round 2 on NB101, seeds 0-9", nb101_round2, ("nb101",)),
        ("Round 3 on NB101, seeds 0-99", nb101_round3, ("nb101",)),
        ("Round 3 selection, seeds 0-99", selection_round3, BENCHMARKS),
        ("Round 3 on NAS-Bench-Graph, seeds 0-99", generalization_round3, NBGRAPH[1:]),
        ("Round 3 confirmation, seeds 100-199", confirmation_round3, BENCHMARKS + NBGRAPH[1:]),
        ("Round 3 confirmation on NB101, seeds 100-199", nb101_confirmation_round3, ("nb101",)),
        ("NB101 baselines, seeds 0-99", nb101_baselines, ("nb101",)),
    ):
        for benchmark in benchmarks:
            print(f"## {title}: {benchmark}\n")
            print(markdown_table(build(results, benchmark), checkpoints=()) + "\n")


if __name__ == "__main__":
    main()
