"""WeakNAS vs random vs regularized evolution in OFA's MobileNetV3 space, on a scored pool.

The pool is the paper's kind (width 1.2, 224x224 inputs, 550-600 MFLOPs), smaller:
``--pool`` sub-networks (default 1,000; the paper ranks 10,000). The objective is real
and cheap on a CPU: the synflow zero-cost proxy (``weaknas.evaluators``, the same
``--objective proxy:synflow`` computes) of each sub-network as built, whole, at 224x224,
reported as log10(synflow), ~1 s each. It measures the network, not its ImageNet
accuracy (no supernet or ImageNet here); maximising it favours wide, deep sub-networks,
and that is all this comparison claims.

1. Score every pool member once (``--workers`` processes; appended to
   ``--out``/pool_synflow.csv as it goes, resumed if present): the pool's optimum is known.
2. Search the pool with each method (a lookup of the scores, so every query is one of the
   real measurements), ``--seeds`` seeds, ``--budget`` queries; count the queries to the
   pool's optimum (a miss counts as the budget) with the study statistics.

    python benchmarks/mobilenetv3_proxy_search.py --pool 1000 --seeds 20 --budget 300
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from scored_pool import scored_pool_benchmark, search_each

from weaknas.evaluators.proxy_objective import ProxyObjective
from weaknas.spaces.mobilenetv3 import MobileNetV3Space
from weaknas.study.report import markdown_table

# (strategy, settings): WeakNAS with the defaults, with the paper's uniform picks, and
# with the paper's target (values, as --preset ofa-paper; its 100/100/top-1,000 scaled to
# this pool as the defaults' 10/10/top-100 are), random search and regularized evolution.
METHODS = (
    ("weaknas", {}),
    ("weaknas", {"acquisition": "uniform"}),
    ("weaknas", {"target": "value"}),
    ("random", {}),
    ("evolution", {}),
)
WIDTH = 1.2


def _score(item: tuple[int, dict]) -> dict:
    index, config = item
    objective = ProxyObjective("mobilenetv3", "synflow", network_options={"width_mult": WIDTH})
    result = objective(config)
    return {"index": index, "log10_synflow": result["value"], "seconds": result["seconds"]}


def score_pool(space: MobileNetV3Space, path: Path, workers: int) -> pd.DataFrame:
    """log10(synflow) of every pool member, appended to ``path`` in chunks."""
    done = pd.read_csv(path) if path.is_file() else pd.DataFrame(columns=["index"])
    todo = [(i, space.config(i)) for i in range(space.size) if i not in set(done["index"])]
    chunk = 40
    with ProcessPoolExecutor(workers) as pool:
        for start in range(0, len(todo), chunk):
            rows = list(pool.map(_score, todo[start : start + chunk]))
            frame = pd.DataFrame(rows)
            frame["macs"] = space.macs(space.rows[frame["index"]])
            frame["params"] = space.params(space.rows[frame["index"]])
            frame.to_csv(path, mode="a", header=not path.is_file(), index=False)
            print(f"scored {space.size - len(todo) + start + len(rows)}/{space.size}", flush=True)
    return pd.read_csv(path).sort_values("index").reset_index(drop=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=int, default=1000)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--budget", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default="results/mobilenetv3_proxy_search")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    space = MobileNetV3Space(
        pool_size=args.pool, seed=0, width_mult=WIDTH, resolutions=224, flops=(550, 600)
    )
    scores = score_pool(space, out / "pool_synflow.csv", args.workers)
    assert list(scores["index"]) == list(range(space.size)), "scores do not cover the pool"
    values = scores["log10_synflow"].to_numpy(float)
    seconds = scores["seconds"].to_numpy(float)
    bench = scored_pool_benchmark(
        "mobilenetv3-synflow",
        space,
        values,
        out / "pool_synflow.csv",
        "log10 synflow (w1.2, 224x224)",
    )
    tables = search_each(bench, METHODS, args.seeds, args.budget, out)
    text = markdown_table(tables, checkpoints=())
    corr = np.corrcoef(values, scores["macs"])[0, 1]
    header = (
        f"MobileNetV3 pool of {space.size} sub-networks (width 1.2, 224x224, 550-600 MFLOPs, "
        f"seed 0); objective log10 synflow of the whole network; budget {args.budget}, "
        f"{args.seeds} seeds; pool optimum {values.max():.3f} (sub-network "
        f"{int(values.argmax())}, {scores['macs'][values.argmax()]:.1f} MFLOPs), "
        f"second best {np.sort(values)[-2]:.3f}; median scoring time {np.median(seconds):.2f} s "
        f"per sub-network; Pearson r(score, MFLOPs) = {corr:.2f}.\n\n"
    )
    (out / "table.md").write_text(header + text + "\n")
    print(header + text)


if __name__ == "__main__":
    main()
