"""Predictor inputs and training objectives against WeakNAS's default (issue 30, items 2-3).

Each arm is the default search with one change (an encoding, a ranking objective, or
both); every arm runs the same seeds on each benchmark, each run stopped at the optimum
(budget 1,000; NB101 3,000), noisy queries as the research protocol. Prints, per
benchmark, mean queries to the optimum [95% bootstrap CI] (a miss counts as the budget),
median, seeds found, the paired Wilcoxon p against the default and the median seconds of
a run; ``--out`` keeps every run's row (``runs.csv``) and ``--table`` rebuilds the table
from it without searching.

    python benchmarks/predictor_variants.py --data ../shared/data --seeds 0-99 \\
        --benchmarks nb201-cifar10,nb201-cifar100,nb201-imagenet16 --out /tmp/variants
    python benchmarks/predictor_variants.py --table /tmp/variants/runs.csv
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import wilcoxon
from seed_ranges import parse_seeds  # benchmarks/seed_ranges.py

from weaknas.benchmarks import load_benchmark
from weaknas.runner import SearchConfig, run_search

ARMS: dict[str, dict] = {
    "default": {},
    "lambdarank": {"predictor": "lgbm-lambdarank"},
    "xendcg": {"predictor": "lgbm-xendcg"},
    "graf": {"encoding": "graf"},
    "path": {"encoding": "path"},
    "graf+xendcg": {"encoding": "graf", "predictor": "lgbm-xendcg"},
    "graf+lambdarank": {"encoding": "graf", "predictor": "lgbm-lambdarank"},
    "adjacency": {"encoding": "adjacency"},
    "synflow": {"encoding": "onehot+counts+synflow"},
    "graf+synflow": {"encoding": "graf+synflow"},
    "graf+synflow+lambdarank": {"encoding": "graf+synflow", "predictor": "lgbm-lambdarank"},
    "nb101-graf": {"encoding": "adjacency+stats+graf"},
    "nb101-graf+lambdarank": {"encoding": "adjacency+stats+graf", "predictor": "lgbm-lambdarank"},
    # NAS-Bench-Graph pubmed (issue 30's aim): the picks around the best observed
    "local0.3": {"local": 0.3},
    "local0.5": {"local": 0.5},
    "explore0.5": {"explore": 0.5},
    "stall3": {"stall": 3},
    "stall10": {"stall": 10},
    "lambdarank+local0.3": {"predictor": "lgbm-lambdarank", "local": 0.3},
    "ts5+local0.6": {"n_models": 5, "acquisition": "ts", "local": 0.6},
    "bananas": {"strategy": "bananas"},  # the faithful BANANAS-like, for pubmed's aim
    "nb101-params": {"encoding": "adjacency+stats+params"},
    "nb101-graf+params": {"encoding": "adjacency+stats+graf+params"},
    "nb101-edges+graf": {"encoding": "adjacency+stats+edges+graf"},
    "self-train1000": {"self_train": 1000},
}
BUDGETS = {"nb101": 3000}  # others 1,000
_benchmarks: dict = {}


def one_run(job: tuple[str | None, str, str, int]) -> dict:
    data, name, arm, seed = job
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    if name not in _benchmarks:
        _benchmarks[name] = load_benchmark(name, data)
    budget = BUDGETS.get(name, 1000)
    config = SearchConfig(benchmark=name, budget=budget, stop_at_optimum=True, **ARMS[arm])
    started = time.perf_counter()
    found = run_search(_benchmarks[name], config, seed).summary["queries_to_optimum"]
    return {
        "benchmark": name,
        "arm": arm,
        "seed": seed,
        "queries": budget if found is None else int(found),
        "found": found is not None,
        "seconds": round(time.perf_counter() - started, 3),
    }


def bootstrap_mean(values: np.ndarray, rng: np.random.Generator) -> tuple[float, float]:
    means = rng.choice(values, size=(10_000, len(values))).mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def table(runs: pd.DataFrame) -> str:
    lines = []
    for name, rows in runs.groupby("benchmark", sort=False):
        seeds = sorted(rows.seed.unique())
        lines += [
            f"\n{name}, seeds {seeds[0]}-{seeds[-1]} ({len(seeds)})\n",
            "| arm | mean [95% CI] | median | found | p vs default | s/run |",
            "|---|---|---|---|---|---|",
        ]
        base = rows[rows.arm == "default"].set_index("seed").queries
        for arm, group in rows.groupby("arm", sort=False):
            q = group.set_index("seed").queries
            low, high = bootstrap_mean(q.to_numpy(float), np.random.default_rng(0))
            p = ""
            if arm != "default" and len(base):
                both = base.index.intersection(q.index)
                if (q[both] != base[both]).any():
                    p = f"{wilcoxon(q[both], base[both]).pvalue:.3g}"
            lines.append(
                f"| {arm} | {q.mean():.1f} [{low:.1f}, {high:.1f}] | {q.median():.1f} | "
                f"{int(group.found.sum())}/{len(group)} | {p} | {group.seconds.median():.2f} |"
            )
    return "\n".join(lines)


def tables(folder: Path) -> str:
    """``table.md`` of a results folder: a section per ``runs_*.csv`` (seeds in its name)."""
    parts = [f"# Predictor inputs and objectives ({folder.name})\n"]
    for source in sorted(folder.glob("runs_*.csv")):
        parts.append(f"## {source.stem.removeprefix('runs_')}\n" + table(pd.read_csv(source)))
    return "\n\n".join(parts) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None)
    parser.add_argument("--seeds", default="0-99")
    parser.add_argument("--benchmarks", default="nb201-cifar10,nb201-cifar100,nb201-imagenet16")
    parser.add_argument("--arms", default="default,lambdarank,xendcg", help=f"of {list(ARMS)}")
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--out", default=None, help="folder for runs.csv (appended)")
    parser.add_argument("--table", default=None, help="print the table of this runs.csv")
    args = parser.parse_args()
    if args.table:
        print(table(pd.read_csv(args.table)))
        return
    arms = args.arms.split(",")
    unknown = [arm for arm in arms if arm not in ARMS]
    if unknown:
        parser.error(f"unknown arm(s) {unknown}; expected some of {list(ARMS)}")
    out = Path(args.out) if args.out else None
    if out:
        out.mkdir(parents=True, exist_ok=True)
    runs = []
    with ProcessPoolExecutor(args.workers) as pool:
        for name in args.benchmarks.split(","):
            for arm in arms:
                jobs = [(args.data, name, arm, seed) for seed in parse_seeds(args.seeds)]
                rows = list(pool.map(one_run, jobs))
                runs += rows
                if out:
                    frame = pd.DataFrame(rows)
                    path = out / "runs.csv"
                    frame.to_csv(path, mode="a", header=not path.exists(), index=False)
            print(table(pd.DataFrame([r for r in runs if r["benchmark"] == name])), flush=True)


if __name__ == "__main__":
    main()
