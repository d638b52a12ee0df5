"""Where do NB101 predictors rank the optimum? An offline diagnostic for issue 14.

Runs the default WeakNAS on NB101 for ``--seeds`` seeds (1,000 queries, noiseless mean
accuracy), keeps the cells each had evaluated after 300, 600 and 1,000 queries, and fits
predictor variants on those cells (labels as the search fits them). For each, it reports
how many unevaluated cells the predictor ranks above the optimum (geometric mean over the
snapshots that have not evaluated it yet) and how many of the true 100 best cells are in
its predicted unseen top-100. A search that samples the predicted top-M must evaluate
most of the cells ranked above the optimum before it reaches it, so this rank is the
quantity a better NB101 default has to lower. Reads the benchmark's table: a diagnostic,
never something a strategy sees.

    python benchmarks/nb101_optimum_rank.py --data ../shared/data --seeds 20
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from weaknas.benchmarks import load_benchmark
from weaknas.predictors import LGBMPredictor
from weaknas.runner import SearchConfig
from weaknas.strategies.targets import fit_labels

SNAPSHOTS = (300, 600, 1000)


def ranks(values: np.ndarray) -> np.ndarray:
    """The labels the default search fits: ranks scaled to (0, 1]."""
    return fit_labels(values, "rank")


# name -> (encoding, LGBMPredictor settings, labels from observed values)
VARIANTS = {
    "default (rank target, adjacency+stats+graf)": ("adjacency+stats+graf", {}, ranks),
    "adjacency+stats (the default before issue 30)": ("adjacency+stats", {}, ranks),
    "value target": ("adjacency+stats", {}, lambda v: v),
    "rank^2 target": ("adjacency+stats", {}, lambda v: ranks(v) ** 2),
    "ranks clipped below the 25% quantile": (
        "adjacency+stats",
        {},
        lambda v: np.maximum(ranks(v), 0.25),
    ),
    "adjacency (45 dims)": ("adjacency", {}, ranks),
    "adjacency+stats+edges": ("adjacency+stats+edges", {}, ranks),
    "adjacency+stats+edges+graf": ("adjacency+stats+edges+graf", {}, ranks),
    "path encoding": ("path", {}, ranks),
    "100 trees x 15 leaves, rate 0.1": (
        "adjacency+stats",
        {"n_estimators": 100, "num_leaves": 15, "learning_rate": 0.1},
        ranks,
    ),
}


def evaluated_cells(bench, seed: int, budget: int) -> list[int]:
    """The cells the default search evaluates, in order (told their true values)."""
    strategy = SearchConfig(benchmark="nb101", budget=3000).build_strategy(bench.space, seed)
    order: list[int] = []
    while len(order) < budget:
        for suggestion in strategy.ask(budget - len(order)):
            strategy.tell(suggestion.index, float(bench.val_mean[suggestion.index]))
            order.append(suggestion.index)
    return order


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()
    bench = load_benchmark("nb101", args.data)
    truth, optimum = bench.val_mean, bench.optimum_index
    true_top = set(np.argsort(-truth)[:100].tolist())
    snapshots = []  # (seed, n, evaluated cells) before the optimum was evaluated
    for seed in range(args.seeds):
        order = evaluated_cells(bench, seed, max(SNAPSHOTS))
        for n in SNAPSHOTS:
            if optimum not in order[:n]:
                snapshots.append((seed, n, np.array(order[:n])))
    print(f"{len(snapshots)} snapshots of {args.seeds} seeds without the optimum yet")
    rows = []
    for name, (encoding, params, labels) in VARIANTS.items():
        features = bench.space.encode(encoding)
        for seed, n, cells in snapshots:
            model = LGBMPredictor(random_state=seed, **params)
            model.fit(features[cells], labels(truth[cells]))
            scores = model.predict(features)
            unseen = np.ones(len(truth), dtype=bool)
            unseen[cells] = False
            above = int((scores[unseen] > scores[optimum]).sum())
            predicted_top = np.flatnonzero(unseen)[np.argsort(-scores[unseen])[:100]]
            hits = len(true_top & set(predicted_top.tolist()))
            rows.append({"variant": name, "n": n, "above": above, "hits": hits})
    table = pd.DataFrame(rows)
    summary = table.groupby(["variant", "n"], sort=False).agg(
        cells_above_optimum=("above", lambda a: float(np.exp(np.log1p(a).mean()) - 1)),
        true_top100_in_predicted_top100=("hits", "mean"),
        snapshots=("above", "size"),
    )
    print(summary.round(1).to_string())


if __name__ == "__main__":
    main()
