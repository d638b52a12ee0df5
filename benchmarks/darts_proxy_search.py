"""WeakNAS vs random vs regularized evolution in the DARTS space, on a fully scored pool.

The objective is real and cheap: the synflow zero-cost proxy (``weaknas.evaluators``) of
each genotype's DARTS CIFAR network at a reduced scale (C=16, 8 cells, 32x32 inputs;
NAS-Bench-301 trained C=32, 8 cells), reported as log10(synflow). It is a measurement of
the real network, not its accuracy: maximising it finds large, well-conditioned
networks, and that is all this comparison claims.

1. Score every genotype of a seeded pool once (``--pool``, default 1,000; written as it
   goes to ``--out``/pool_synflow.csv, resumed if present), so the pool's optimum is known.
2. Search the pool with each method (a lookup of the scores: every query is one of the
   real measurements), ``--seeds`` seeds, ``--budget`` queries, and count the queries
   to the pool's optimum (a miss counts as the budget), with the study statistics.

    python benchmarks/darts_proxy_search.py --pool 1000 --seeds 20 --budget 300
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scored_pool import scored_pool_benchmark, search_each

from weaknas.spaces.darts import DartsSpace
from weaknas.study.report import markdown_table

# (strategy, settings): the default WeakNAS, the paper's uniform picks, the baselines
METHODS = (
    ("weaknas", {}),
    ("weaknas", {"acquisition": "uniform"}),
    ("random", {}),
    ("evolution", {}),
)


def score_pool(space: DartsSpace, path: Path, channels: int, layers: int) -> pd.DataFrame:
    """log10(synflow) of every pool member, appended to ``path`` as it goes."""
    import torch

    from weaknas.evaluators import proxies
    from weaknas.training.darts_net import cifar_network

    torch.set_num_threads(1)
    done = pd.read_csv(path) if path.is_file() else pd.DataFrame(columns=["index", "seconds"])
    start = len(done)
    rows = []
    for index in range(start, space.size):
        torch.manual_seed(index)  # synflow depends on the initial weights: seeded per genotype
        started = time.perf_counter()
        net = cifar_network(space.rows[index], channels=channels, layers=layers)
        score = proxies.synflow(net, (3, 32, 32))
        rows.append(
            {
                "index": index,
                "genotype": space.to_string(index),
                "log10_synflow": float(np.log10(score)),
                "params": proxies.params(net),
                "seconds": time.perf_counter() - started,
            }
        )
        if len(rows) == 50 or index == space.size - 1:
            pd.DataFrame(rows).to_csv(path, mode="a", header=not path.is_file(), index=False)
            rows = []
            print(f"scored {index + 1}/{space.size}", flush=True)
    return pd.read_csv(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=int, default=1000)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--budget", type=int, default=300)
    parser.add_argument("--channels", type=int, default=16)
    parser.add_argument("--layers", type=int, default=8)
    parser.add_argument("--out", default="results/darts_proxy_search")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    space = DartsSpace(pool_size=args.pool, seed=0)
    scores = score_pool(space, out / "pool_synflow.csv", args.channels, args.layers)
    values = scores.sort_values("index")["log10_synflow"].to_numpy(float)
    seconds = scores["seconds"].to_numpy(float)
    print(f"pool of {space.size}: median {np.median(seconds):.3f} s per genotype to score")
    bench = scored_pool_benchmark(
        "darts-synflow", space, values, out / "pool_synflow.csv", "log10 synflow (C=16, 8 cells)"
    )
    tables = search_each(bench, METHODS, args.seeds, args.budget)
    text = markdown_table(tables, checkpoints=())
    header = (
        f"DARTS pool of {space.size} genotypes (seed 0), objective log10 synflow of the "
        f"C={args.channels}, {args.layers}-cell CIFAR network; budget {args.budget}, "
        f"{args.seeds} seeds; pool optimum {values.max():.3f} "
        f"(genotype {int(values.argmax())}); median scoring time "
        f"{np.median(seconds):.3f} s per genotype.\n\n"
    )
    (out / "table.md").write_text(header + text + "\n")
    print(header + text)


if __name__ == "__main__":
    main()
