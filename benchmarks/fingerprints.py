"""Do today's code and the committed study results agree, run by run?

Re-runs (method, benchmark, seed) triples of committed studies and compares each run with
its committed row (queries to the optimum, queries made, best architecture and its mean
validation accuracy). It also hashes every run's whole evaluation sequence (index and
observed value, in query order) so two versions of the code can be compared exactly:
``--save FILE`` before a change, ``--compare FILE`` after it.

    python benchmarks/fingerprints.py --data ../shared/data --seeds 0-9 --save before.json
    python benchmarks/fingerprints.py --data ../shared/data --seeds 0-9 --compare before.json

Studies checked: ``docs/methods`` (the research suite), ``docs/variants`` and the
study folders under ``benchmarks/results`` (each with its ``study.json``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from research_study import SUITES  # noqa: E402
from seed_ranges import parse_seeds  # noqa: E402

from weaknas.benchmarks import load_benchmark  # noqa: E402
from weaknas.runner import SearchConfig, run_search  # noqa: E402
from weaknas.runner.config import recorded_config  # noqa: E402

COMPARED = ("queries_to_optimum", "n_queries", "best_arch", "best_val_mean")


def committed_studies(root: Path) -> list[tuple[str, str, dict, pd.DataFrame]]:
    """(name, benchmark, config settings, committed per-seed rows) of every committed study."""
    studies = []
    suites = (("methods", "docs/methods/seeds.csv"), ("variants", "docs/variants/seeds.csv"))
    for suite, file in suites:
        table = pd.read_csv(root / file)
        for (method, benchmark), rows in table.groupby(["method", "benchmark"], sort=False):
            settings = {"benchmark": benchmark, "budget": 1000, **SUITES[suite][method]}
            studies.append((f"{suite}/{method}", benchmark, settings, rows))
    for study_file in sorted((root / "benchmarks/results").glob("**/study.json")):
        seeds_file = study_file.parent / "seeds.csv"
        if not seeds_file.is_file():
            continue
        config = recorded_config(json.loads(study_file.read_text())["config"]).as_dict()
        rows = pd.read_csv(seeds_file)
        name = str(study_file.parent.relative_to(root / "benchmarks/results"))
        studies.append((name, config["benchmark"], config, rows))
    return studies


def run_hash(evaluations: pd.DataFrame) -> str:
    values = evaluations["value" if "value" in evaluations else "observed"]
    payload = np.stack([evaluations["index"].to_numpy(np.float64), values.to_numpy(np.float64)])
    return hashlib.sha1(payload.tobytes()).hexdigest()[:16]


_benchmarks: dict = {}


def _run(settings: dict, seed: int, data: str | None) -> dict:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    config = SearchConfig(**settings)
    key = (config.benchmark, data)
    if key not in _benchmarks:
        _benchmarks[key] = load_benchmark(config.benchmark, data)
    result = run_search(_benchmarks[key], config, seed)
    summary = result.summary
    out = {k: summary[k] for k in COMPARED}
    out["hash"] = run_hash(result.evaluations)
    return out


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None or pd.isna(a) or pd.isna(b):
            return (a is None or pd.isna(a)) and (b is None or pd.isna(b))
        return abs(float(a) - float(b)) < 1e-9
    return a == b


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None)
    parser.add_argument("--seeds", default="0-4", help="e.g. 0-9 or 0,5,7")
    parser.add_argument("--only", default=None, help="substring of the study names to check")
    parser.add_argument("--skip", default="mlp-paper,tpe", help="studies to skip (slow ones)")
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--save", default=None, help="write the run hashes to this JSON file")
    parser.add_argument("--compare", default=None, help="compare run hashes with this file")
    args = parser.parse_args()

    root = Path(__file__).resolve().parent.parent
    seeds = parse_seeds(args.seeds)
    skip = [s for s in args.skip.split(",") if s]
    jobs = []
    for name, benchmark, settings, rows in committed_studies(root):
        if args.only and args.only not in name or any(s in name for s in skip):
            continue
        committed = rows.set_index("seed")
        for seed in seeds:
            if seed in committed.index:
                jobs.append((name, benchmark, settings, seed, committed.loc[seed]))
    started = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        futures = [pool.submit(_run, settings, seed, args.data) for _, _, settings, seed, _ in jobs]
        results = [f.result() for f in futures]
    wall = time.perf_counter() - started

    rows, hashes = [], {}
    for (name, benchmark, _, seed, committed), result in zip(jobs, results, strict=True):
        key = f"{name}|{benchmark}|{seed}"
        hashes[key] = result
        mismatched = [c for c in COMPARED if c in committed and not _same(result[c], committed[c])]
        # a study stopped at the optimum records fewer queries: compare what it measured
        rows.append({"study": name, "benchmark": benchmark, "seed": seed, "diff": mismatched})
    table = pd.DataFrame(rows)
    table["match"] = table["diff"].map(len) == 0
    summary = table.groupby(["study", "benchmark"], sort=False)["match"].agg(["sum", "count"])
    print(summary.to_string())
    print(
        f"committed results reproduced: {int(table['match'].sum())} of {len(table)} runs "
        f"({wall:.0f} s)"
    )
    for row in table[~table["match"]].itertuples():
        got = hashes[f"{row.study}|{row.benchmark}|{row.seed}"]
        print(
            f"  differs: {row.study} {row.benchmark} seed {row.seed}: "
            + ", ".join(f"{c} {got[c]}" for c in row.diff)
        )
    if args.save:
        Path(args.save).write_text(json.dumps(hashes, indent=1, default=str) + "\n")
        print(f"run hashes written to {args.save}")
    if args.compare:
        before = json.loads(Path(args.compare).read_text())
        common = [k for k in hashes if k in before]
        same = [k for k in common if before[k]["hash"] == hashes[k]["hash"]]
        print(f"identical evaluation sequences vs {args.compare}: {len(same)} of {len(common)}")
        for key in common:
            if key not in same:
                print(f"  changed: {key}")


if __name__ == "__main__":
    main()
