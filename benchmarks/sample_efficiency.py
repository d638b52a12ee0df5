"""Queries to the NB201 optimum: WeakNAS vs the paper's predictor and the baselines.

Protocol (issue 2): noisy queries (one random training seed's validation accuracy),
n_init=10, batch 10, uniform picks from the top-M 100 (the paper's; the default until
issue 14, whose own study is ``default_selection.py``). A run stops once the architecture
with the highest mean validation accuracy is evaluated (that is all this study measures).
Results go to ``results/sample_efficiency/<benchmark>/<method>/`` (resumable by seed) and
the combined table to ``results/sample_efficiency/table.md``.

    python benchmarks/sample_efficiency.py --data ../shared/data
    python benchmarks/sample_efficiency.py --methods weaknas,tpe --datasets nb201-cifar10
    python benchmarks/sample_efficiency.py --data ../shared/data --collect  # table only
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from weaknas.runner import SearchConfig
from weaknas.study import run_study
from weaknas.study.report import frame_to_markdown

# method -> (settings, number of seeds)
METHODS: dict[str, tuple[dict, int]] = {
    # LightGBM fitted to ranks of the observed values, one-hot + op counts, the paper's
    # uniform picks (the default until issue 14)
    "weaknas": ({"strategy": "weaknas", "budget": 1000, "encoding": "onehot+counts"}, 100),
    # the shipped default: the same predictor, the default picks (greedy, explore, stall)
    # and encoding (graph features since issue 30)
    "weaknas-default": ({"strategy": "weaknas", "budget": 1000, "acquisition": None}, 100),
    # the same fitted to the observed values (the default before rank targets)
    "weaknas-value": (
        {"strategy": "weaknas", "budget": 1000, "target": "value", "encoding": "onehot+counts"},
        100,
    ),
    # values, on the paper's one-hot encoding
    "weaknas-onehot": (
        {"strategy": "weaknas", "budget": 1000, "encoding": "onehot", "target": "value"},
        100,
    ),
    # the paper's predictor and encoding: 4x1000 MLP, 100 epochs, one-hot, values
    "weaknas-mlp-paper": (
        {
            "strategy": "weaknas",
            "predictor": "mlp-paper",
            "encoding": "onehot",
            "budget": 500,
            "target": "value",
        },
        20,
    ),
    # the paper's predictor on one-hot + op counts
    "weaknas-mlp-paper-counts": (
        {
            "strategy": "weaknas",
            "predictor": "mlp-paper",
            "encoding": "onehot+counts",
            "budget": 500,
            "target": "value",
        },
        20,
    ),
    # beyond the paper protocol: M decays from 100 to 10 over the budget (values)
    "weaknas-topm-decay": (
        {
            "strategy": "weaknas",
            "budget": 1000,
            "top_m": "100:10",
            "target": "value",
            "encoding": "onehot+counts",
        },
        100,
    ),
    "random": ({"strategy": "random", "budget": 15625}, 100),  # the whole space: always found
    "tpe": ({"strategy": "tpe", "budget": 1000}, 100),
    # regularized evolution (population 30, sample 10) and BANANAS-style local search
    "evolution": ({"strategy": "evolution", "budget": 1000}, 100),
    "local-search": ({"strategy": "local-search", "budget": 1000}, 100),
    # ensemble of 5 LightGBMs, Thompson sampling over 100 mutations of the 10 best
    "bananas": ({"strategy": "bananas", "budget": 1000}, 100),
    # the paper's foil: LightGBM fitted once on 100 random, then its top picks in order
    "single-predictor": ({"strategy": "single-predictor", "budget": 1000}, 100),
}
DATASETS = ("nb201-cifar10", "nb201-cifar100", "nb201-imagenet16")


def summarize(table: pd.DataFrame, budget: int) -> dict:
    q = pd.to_numeric(table["queries_to_optimum"], errors="coerce").to_numpy(float)
    found = q[np.isfinite(q)]
    return {
        "seeds": len(q),
        "budget": budget,
        "found": int(len(found)),
        "found<=500": int((found <= 500).sum()),
        "found<=1000": int((found <= 1000).sum()),
        "mean": float(found.mean()) if len(found) else np.nan,
        "std": float(found.std()) if len(found) else np.nan,
        "median": float(np.median(found)) if len(found) else np.nan,
        "wall_s/run": float(table["wall_seconds"].median()),
    }


def save_table(rows: list[dict], out: Path) -> None:
    """Write the rows as ``out/table.md`` and print them."""
    text = frame_to_markdown(pd.DataFrame(rows))
    out.mkdir(parents=True, exist_ok=True)
    (out / "table.md").write_text(text + "\n")
    print(text)


def study_table(config, seeds, folder: Path, args) -> pd.DataFrame | None:
    """A study's per-seed table: with ``--collect`` its ``seeds.csv`` as committed (None
    where there is none), running nothing; else the study run (or resumed) in ``folder``."""
    if args.collect:
        path = folder / "seeds.csv"
        return pd.read_csv(path) if path.is_file() else None
    return run_study(config, seeds, folder, data=args.data, workers=args.workers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="nb201.csv.gz or its folder")
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--seeds", type=int, default=None, help="override each method's seeds")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--out", default="results/sample_efficiency")
    parser.add_argument(
        "--collect", action="store_true", help="only tabulate studies that exist, run nothing"
    )
    args = parser.parse_args()

    rows = []
    for dataset in args.datasets.split(","):
        for method in args.methods.split(","):
            settings, n_seeds = METHODS[method]
            # WeakNAS methods take the paper's picks unless they set their own (None: the
            # shipped default's)
            if settings["strategy"] == "weaknas":
                settings = {"acquisition": "uniform", **settings}
            config = SearchConfig(benchmark=dataset, stop_at_optimum=True, **settings)
            folder = Path(args.out) / dataset / method
            started = time.perf_counter()
            table = study_table(config, range(args.seeds or n_seeds), folder, args)
            if table is None:
                continue
            row = {"dataset": dataset, "method": method, **summarize(table, config.budget)}
            rows.append(row)
            print(row, f"({time.perf_counter() - started:.0f} s)", flush=True)
    save_table(rows, Path(args.out))


if __name__ == "__main__":
    main()
