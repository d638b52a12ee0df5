"""The research suite's whole comparison: every method x 3 NB201 datasets x 100 seeds.

Protocol (issue 4): noisy queries (one random training seed's validation accuracy), a
budget of 1,000 distinct architectures, no early stop (accuracy at 500 needs the full
runs), all methods in one process pool on all local cores. Times each study from an
empty folder (``--repeats`` for a median), then writes the report with figures and
copies ``report.md`` and ``figures/`` to ``--docs``.

    python benchmarks/research_study.py --data ../shared/data --first-seed 100  # ~75 min, 2 cores
    python benchmarks/research_study.py --data ../shared/data --seeds 3 --docs ''  # quick look
    python benchmarks/research_study.py --data ../shared/data --suite variants
    python benchmarks/research_study.py --data ../shared/data --suite nb101  # hours, to docs/nb101

The ``nb101`` suite is the same comparison on NAS-Bench-101 (exact test accuracies, no
noise): a budget of 3,000 with the paper's 100 initial cells, each run stopped at the
optimum (its pick can no longer change, so accuracy at N holds for later N). TPE is
left out: its Optuna form needs a categorical space and NB101's cells are graphs.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import time
from pathlib import Path

import pandas as pd

from weaknas.runner import SearchConfig
from weaknas.study import Method, run_studies
from weaknas.study.figures import CURVES, TSNE_RUN, build_report

DATASETS = ("nb201-cifar10", "nb201-cifar100", "nb201-imagenet16")
SUITES: dict[str, dict[str, dict]] = {
    # WeakNAS (defaults), the paper's protocol and every baseline
    "methods": {
        "weaknas": {"strategy": "weaknas"},
        "paper": {"strategy": "weaknas", "preset": "paper"},
        "random": {"strategy": "random"},
        "evolution": {"strategy": "evolution"},
        "local-search": {"strategy": "local-search"},
        "bananas": {"strategy": "bananas"},
        "single-predictor": {"strategy": "single-predictor"},
        "tpe": {"strategy": "tpe"},
    },
    # WeakNAS variants of the paper's uniform picks (the default before issue 14, the
    # reference row "weaknas" here): predictors, ensembles, acquisitions, top-M schedule
    "variants": {
        "weaknas": {"strategy": "weaknas", "acquisition": "uniform"},
        "xgb": {"strategy": "weaknas", "predictor": "xgb", "acquisition": "uniform"},
        "rf": {"strategy": "weaknas", "predictor": "rf", "acquisition": "uniform"},
        "greedy": {"strategy": "weaknas", "acquisition": "greedy"},
        "ensemble5": {"strategy": "weaknas", "n_models": 5, "acquisition": "uniform"},
        "ei": {"strategy": "weaknas", "acquisition": "ei"},
        "ucb": {"strategy": "weaknas", "acquisition": "ucb"},
        "ts": {"strategy": "weaknas", "acquisition": "ts"},
        "topm-decay": {"strategy": "weaknas", "top_m": "100:10", "acquisition": "uniform"},
        "default": {"strategy": "weaknas"},
    },
}
# The variants study ran before issue 30 made NB201's graph features (``graf``) WeakNAS's
# default encoding: every row keeps the encoding it ran with, so its committed runs stand
# (its "default" row is issue 14's default).
for _settings in SUITES["variants"].values():
    _settings.setdefault("encoding", "onehot+counts")
# the methods suite on NB101 (no TPE: NB101 has no categorical form)
SUITES["nb101"] = {name: m for name, m in SUITES["methods"].items() if name != "tpe"}
# Protocol settings of a suite where they differ from NB201's (command-line defaults).
SUITE_PROTOCOL: dict[str, dict] = {
    "nb101": {"datasets": "nb101", "budget": 3000, "stop_at_optimum": True},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="nb201.csv.gz or its folder (test acc.)")
    parser.add_argument("--suite", default="methods", choices=sorted(SUITES))
    parser.add_argument("--methods", default=None, help="subset of the suite, comma-separated")
    parser.add_argument("--datasets", default=None, help="default: the suite's")
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument(
        "--first-seed",
        type=int,
        default=0,
        help="seeds FIRST..FIRST+SEEDS-1 (100: the seeds untouched by issue 14's choice)",
    )
    parser.add_argument("--budget", type=int, default=None, help="default: the suite's")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--repeats", type=int, default=1, help="timed runs from scratch")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="keep the seeds already finished in --out (the wall time is then not a study's)",
    )
    parser.add_argument(
        "--stale",
        default="error",
        choices=("error", "rerun", "keep"),
        help="with --resume: seeds run by other code (as in weaknas study)",
    )
    parser.add_argument("--out", default=None, help="default results/research_<suite>")
    parser.add_argument("--docs", default=None, help="copy the report here (default docs/<suite>)")
    args = parser.parse_args()

    suite = SUITES[args.suite]
    protocol = {"datasets": ",".join(DATASETS), "budget": 1000, "stop_at_optimum": False}
    protocol.update(SUITE_PROTOCOL.get(args.suite, {}))
    datasets = (args.datasets or protocol["datasets"]).split(",")
    budget = args.budget or protocol["budget"]
    names = args.methods.split(",") if args.methods else list(suite)
    unknown = sorted(set(names) - set(suite))
    if unknown:
        parser.error(f"--methods: {unknown} not in the {args.suite} suite {sorted(suite)}")
    methods = [
        Method(
            name,
            SearchConfig(
                benchmark=dataset,
                budget=budget,
                stop_at_optimum=protocol["stop_at_optimum"],
                **suite[name],
            ),
        )
        for dataset in datasets
        for name in names
    ]
    out = Path(args.out or f"results/research_{args.suite}")
    walls = []
    for repeat in range(args.repeats):
        if out.exists() and not args.resume:
            shutil.rmtree(out)  # time from scratch: no resumed seeds
        started = time.perf_counter()
        seeds = run_studies(
            methods,
            range(args.first_seed, args.first_seed + args.seeds),
            out,
            data=args.data,
            workers=args.workers,
            stale=args.stale,
        )
        walls.append(time.perf_counter() - started)
        print(f"repeat {repeat + 1}: {len(seeds)} runs in {walls[-1]:.0f} s", flush=True)
    started = time.perf_counter()
    report = build_report(out)
    report_seconds = time.perf_counter() - started

    cost = seeds.groupby("method", sort=False)["wall_seconds"].agg(["median", "sum"])
    cost.columns = ["median s/run", "total CPU s"]
    timing = {
        "suite": args.suite,
        "runs": len(seeds),
        "seeds": args.seeds,
        "first_seed": args.first_seed,
        "budget": budget,
        "resumed": args.resume,  # finished seeds kept: the walls are not a whole study's
        "study_wall_s": walls,
        "median_study_wall_s": statistics.median(walls),
        "report_s": report_seconds,
        "per_method": cost.round(3).to_dict(orient="index"),
    }
    (out / "timing.json").write_text(json.dumps(timing, indent=2) + "\n")
    print(pd.DataFrame(cost).round(3).to_string())
    print(json.dumps({k: v for k, v in timing.items() if k != "per_method"}))
    docs = (
        Path(f"docs/{args.suite}") if args.docs is None else Path(args.docs) if args.docs else None
    )
    if docs is not None:
        docs.mkdir(parents=True, exist_ok=True)
        shutil.copy(report, docs / "report.md")
        shutil.copy(out / "timing.json", docs / "timing.json")
        shutil.copy(out / "seeds.csv", docs / "seeds.csv")
        for name in (CURVES, TSNE_RUN):  # what the per-iteration figures are redrawn from
            if (out / name).is_file():
                shutil.copy(out / name, docs / name)
        shutil.copytree(out / "figures", docs / "figures", dirs_exist_ok=True)
        print(f"report copied to {docs}")


if __name__ == "__main__":
    main()
