"""``weaknas study`` (many seeds of one or more methods) and ``weaknas report``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from weaknas.cli.options import check_strategy_flags, given_options, name_list, search_config
from weaknas.names import BENCHMARKS
from weaknas.strategies.registry import STRATEGIES


def study_command(args: argparse.Namespace) -> int:
    from weaknas.benchmarks import load_benchmark
    from weaknas.study import Method, run_studies, run_study
    from weaknas.study.report import tables_by_benchmark

    if args.seeds < 1:
        raise ValueError(f"--seeds must be >= 1, got {args.seeds}")
    strategies = name_list(args.strategies, args.strategy, STRATEGIES, "strategies")
    benchmarks = name_list(
        args.benchmarks, args.benchmark or "nb201-cifar10", BENCHMARKS, "benchmarks"
    )
    check_strategy_flags(given_options(args, "study"), strategies)
    methods = [
        Method(strategy, search_config(args, strategy=strategy, benchmark=benchmark))
        for benchmark in benchmarks
        for strategy in strategies
    ]
    for benchmark in benchmarks:  # fail on bad data and settings before starting workers
        space = load_benchmark(benchmark, args.data).space
        for method in methods:
            if method.config.benchmark == benchmark:
                method.config.check_space(space)
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    progress = not args.quiet and sys.stderr.isatty()
    out = Path(args.out)
    if args.address and args.executor != "ray":
        raise ValueError("--address is the Ray cluster's: use it with --executor ray")
    nodes: dict[str, int] = {}

    def count_node(summary: dict) -> None:
        if "ray_node" in summary:
            nodes[summary["ray_node"]] = nodes.get(summary["ray_node"], 0) + 1

    where = dict(
        data=args.data,
        workers=args.workers,
        progress=progress,
        stale=args.stale,
        executor=args.executor,
        address=args.address,
        on_seed=count_node,
    )
    ray = None
    if args.executor == "ray":  # connect before the folder is made: a bad address leaves nothing
        from weaknas.resolve.executors import make_executor

        ray = make_executor("ray", args.workers, address=args.address)
    try:
        if len(methods) == 1:
            config = methods[0].config
            table = run_study(config, seeds, out, **where)
            text = tables_by_benchmark(table.assign(method=config.label))
        else:
            table = run_studies(methods, seeds, out, **where)
            text = tables_by_benchmark(table)
    finally:
        if ray is not None:
            ray.shutdown()
    if nodes:
        runs = ", ".join(str(n) for n in sorted(nodes.values(), reverse=True))
        print(f"ray: {sum(nodes.values())} runs on {len(nodes)} node(s) ({runs})")
    if not args.quiet:
        print(text)
        print(
            f"\nper-seed results: {out / 'seeds.parquet'}; all evaluations: "
            f"{out / 'runs.parquet'}; per iteration: {out / 'iterations.parquet'}; "
            f"report: {out / 'report.md'} (figures: weaknas report {out})"
        )
    return 0


def report_command(args: argparse.Namespace) -> int:
    from weaknas.study.figures import build_report

    path = build_report(args.study, tsne=not args.no_tsne)
    print(f"report: {path}")
    return 0
