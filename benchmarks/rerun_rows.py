"""Re-run one method's rows of a committed study report, then rebuild its tables and
figures (a method changed; the other methods' committed runs stand).

The study's protocol is read from the report's own ``seeds.csv`` (its benchmarks and
seeds) and ``study_reports.py`` (budget, stop at the optimum, and the suite the method's
settings come from, ``research_study.SUITES``). The method's rows in ``seeds.csv`` are replaced in
place, so its order and every other row stay as committed; ``regenerate.py`` then
rebuilds the report's tables and seed figures.

    python benchmarks/rerun_rows.py --data ../shared/data --report docs/methods --method bananas
    python benchmarks/rerun_rows.py --data ../shared/data --report docs/nbgraph --method bananas \\
        --benchmarks nbgraph-pubmed --seeds 0-49   # part of one (a trial, not for committing)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
from research_study import SUITES  # benchmarks/research_study.py
from seed_ranges import parse_seeds  # benchmarks/seed_ranges.py
from study_reports import BY_FOLDER  # benchmarks/study_reports.py

from weaknas.runner import SearchConfig
from weaknas.study import Method, run_studies

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None)
    parser.add_argument("--report", required=True, choices=sorted(BY_FOLDER))
    parser.add_argument("--method", required=True, help="a method of the report's suite")
    parser.add_argument("--benchmarks", default=None, help="default: all of the report's")
    parser.add_argument("--seeds", default=None, help="default: all of the report's")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--out", default=None, help="study folder (default /tmp/rerun_<...>)")
    args = parser.parse_args()
    report = BY_FOLDER[args.report]
    settings = SUITES[report.suite].get(args.method)
    if settings is None:
        parser.error(
            f"--method {args.method!r} is not in {args.report}'s suite "
            f"{report.suite!r}: {sorted(SUITES[report.suite])}"
        )
    seeds_file = ROOT / args.report / "seeds.csv"
    committed = pd.read_csv(seeds_file)
    mine = committed.method == args.method
    benchmarks = (
        args.benchmarks.split(",") if args.benchmarks else list(committed[mine].benchmark.unique())
    )
    seeds = (
        parse_seeds(args.seeds)
        if args.seeds
        else sorted(int(s) for s in committed[mine].seed.unique())
    )
    methods = [
        Method(
            args.method,
            SearchConfig(
                benchmark=b,
                budget=report.budget,
                stop_at_optimum=report.stop_at_optimum,
                **settings,
            ),
        )
        for b in benchmarks
    ]
    out = Path(args.out or f"/tmp/rerun_{Path(args.report).name}_{args.method}")
    fresh = run_studies(methods, seeds, out, data=args.data, workers=args.workers)
    fresh = fresh.reindex(columns=committed.columns)
    new_lines = {
        (row.method, row.benchmark, int(row.seed)): line
        for row, line in zip(
            fresh.itertuples(), fresh.to_csv(index=False, header=False).splitlines(), strict=True
        )
    }
    lines = seeds_file.read_text().splitlines()
    replaced = 0
    for number, (_, row) in enumerate(committed.iterrows(), start=1):  # line 0: the header
        key = (row.method, row.benchmark, int(row.seed))
        if key in new_lines:
            lines[number] = new_lines.pop(key)
            replaced += 1
    if new_lines:
        raise SystemExit(f"{args.report}: no committed rows for {list(new_lines)[:3]} ...")
    seeds_file.write_text("\n".join(lines) + "\n")  # every other line as committed
    timing_file = ROOT / args.report / "timing.json"
    if timing_file.is_file():  # the method's cost as the study states it, from its new runs
        timing = json.loads(timing_file.read_text())
        timing.setdefault("per_method", {})[args.method] = {
            "median s/run": round(float(fresh.wall_seconds.median()), 3),
            "total CPU s": round(float(fresh.wall_seconds.sum()), 3),
        }
        timing.setdefault("rerun", {})[args.method] = f"{len(fresh)} runs, rerun_rows.py"
        timing_file.write_text(json.dumps(timing, indent=2) + "\n")
    print(f"{seeds_file}: {replaced} rows of {args.method} replaced")
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "regenerate.py")], check=True)


if __name__ == "__main__":
    main()
