"""Speed and memory of one 1,000-query WeakNAS run on NAS-Bench-101 (issue 3).

Each run is a fresh process (so its peak memory covers loading the 423,624-cell table,
building the features and the whole search), one at a time. Paper protocol: 100 random
initial cells, 10 per iteration, top-100, 1,000 queries, so 90 predictor fits, each
followed by scoring all 423,624 cells; the command-line defaults otherwise (LightGBM on
rank targets, ``adjacency+stats`` features). Reports medians and the split of the search time
into fitting, ranking and the rest (benchmark lookups, logging, bookkeeping). Then,
side by side on one fitted model, the time to score the whole space with LightGBM's own
``predict`` and with the lookup tables the default predictor uses.

    python benchmarks/nb101_speed.py --data ../shared/data --repeats 5
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time

import numpy as np


def one_run(data: str, seed: int, budget: int, encoding: str | None) -> dict:
    """Load, encode and search once in this process; returns timings and peak memory."""
    from weaknas.benchmarks import load_nb101
    from weaknas.runner import SearchConfig, run_search

    started = time.perf_counter()
    bench = load_nb101(data)
    loaded = time.perf_counter()
    config = SearchConfig(benchmark="nb101", budget=budget, encoding=encoding)
    bench.space.encode(encoding or bench.space.search_encoding)
    encoded = time.perf_counter()
    summary = run_search(bench, config, seed).summary
    return {
        "seed": seed,
        "load_s": loaded - started,
        "encode_s": encoded - loaded,
        "search_s": summary["wall_seconds"],
        "fit_s": summary["fit_seconds"],
        "rank_s": summary["rank_seconds"],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def ranking_side_by_side(data: str, repeats: int) -> dict:
    """Whole-space scoring of one model: LightGBM predict vs the lookup tables."""
    from weaknas.benchmarks import load_nb101
    from weaknas.predictors.gbdt import LGBMPredictor

    bench = load_nb101(data)
    features = bench.space.encode(bench.space.search_encoding)
    rows = np.random.default_rng(0).choice(bench.space.size, 1000, replace=False)
    model = LGBMPredictor().fit(features[rows], bench.val_mean[rows])
    native, tables = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        a = model.booster_.predict(np.asarray(features, dtype=np.float32), num_threads=1)
        native.append(time.perf_counter() - started)
        started = time.perf_counter()
        b = model.tables_.predict(features)
        tables.append(time.perf_counter() - started)
    return {
        "lightgbm_predict_s": statistics.median(native),
        "lookup_tables_s": statistics.median(tables),
        "speedup": statistics.median(native) / statistics.median(tables),
        "max_abs_difference": float(np.abs(a - b).max()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="folder with nb101.npz, or the file")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--budget", type=int, default=1000)
    parser.add_argument("--encoding", default=None, help="default: the search default")
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one_run(args.data, args.one, args.budget, args.encoding)))
        return

    runs = []
    for seed in range(args.repeats):
        command = [sys.executable, __file__, "--data", args.data, "--one", str(seed)]
        command += ["--budget", str(args.budget)]
        command += ["--encoding", args.encoding] if args.encoding else []
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        runs.append(json.loads(output.strip().splitlines()[-1]))
        print(json.dumps({k: round(v, 3) for k, v in runs[-1].items()}), flush=True)
    median = {key: statistics.median(r[key] for r in runs) for key in runs[0] if key != "seed"}
    median["other_s"] = median["search_s"] - median["fit_s"] - median["rank_s"]
    print(
        f"median of {len(runs)} runs ({args.budget} queries, {args.encoding or 'default'}): "
        f"search {median['search_s']:.1f} s = fit {median['fit_s']:.1f} + rank "
        f"{median['rank_s']:.1f} + other {median['other_s']:.1f}; load {median['load_s']:.2f} s, "
        f"features {median['encode_s']:.2f} s; peak memory {median['peak_rss_mb']:.0f} MB "
        f"(max {max(r['peak_rss_mb'] for r in runs):.0f} MB)"
    )
    print("whole-space ranking, one model:", json.dumps(ranking_side_by_side(args.data, 5)))


if __name__ == "__main__":
    main()
