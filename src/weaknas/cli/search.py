"""``weaknas search``: one search of a benchmark table, or of a space with your own
objective (``weaknas.cli.objective_search``)."""

from __future__ import annotations

import argparse
import sys

from weaknas.cli.objective_search import front_lines, objective_search
from weaknas.cli.options import (
    OBJECTIVE_FLAGS,
    check_strategy_flags,
    flags,
    fmt,
    given_options,
    search_config,
)
from weaknas.cli.run_folder import absolute_paths, resumed_settings, search_folder

TABLE_FLAGS = ("benchmark", "deterministic", "stop_at_optimum")


def _objective_spec(args: argparse.Namespace) -> str | None:
    if args.train and args.objective and args.objective != f"train:{args.train}":
        raise ValueError("--train is short for --objective train:digits: give one of them")
    return args.objective or (f"train:{args.train}" if args.train else None)


def search_command(args: argparse.Namespace) -> int:
    resumed_settings(args)
    given = given_options(args, "search")
    if args.retry_failed and not args.resume:
        raise ValueError("--retry-failed continues a run: use it with --resume DIR")
    args.objective = _objective_spec(args)
    absolute_paths(args)
    objective = args.objective
    check_strategy_flags(given, [args.strategy])
    if objective:
        clash = [f for f in TABLE_FLAGS if f in given]
        if clash:
            raise ValueError(
                f"{flags(clash)}: for benchmark tables; "
                "with --objective, name the space with --space"
            )
        if (
            args.data
            and (args.space or "nb201") != "nb101"
            and not objective.startswith("supernet:")
        ):
            raise ValueError(
                "--data is for benchmark tables, --space nb101 and the images of "
                "--objective supernet:PATH"
            )
        return objective_search(args, given)
    unused = [f for f in OBJECTIVE_FLAGS if f in given]
    if unused:
        raise ValueError(
            f"{flags(unused)}: for searches of your own --objective (a benchmark table names its "
            "space and answers at once)"
        )
    from weaknas.benchmarks import load_benchmark
    from weaknas.runner import run_search
    from weaknas.runner.benchmark_search import (
        check_objectives,
        feasible_for,
        known_table_metrics,
    )
    from weaknas.runner.config import SPACE_PRESETS

    if args.preset in SPACE_PRESETS:
        raise ValueError(
            f"--preset {args.preset} searches --space {SPACE_PRESETS[args.preset]['space']}: "
            "give the --objective that scores its architectures"
        )
    args.benchmark = args.benchmark or "nb201-cifar10"
    if args.data and args.benchmark.startswith("nbgraph-"):
        raise ValueError("--data: NAS-Bench-Graph's tables come from its wheel (weaknas[graph])")
    config = search_config(args)  # bad settings and data fail here, before a folder is made
    benchmark = load_benchmark(config.benchmark, args.data)
    config, notes = config.for_space(benchmark.space)
    known_table_metrics(benchmark, config.known)  # a bad --known fails before the folder
    feasible = feasible_for(benchmark, config)  # so does a bad constraint
    check_objectives(benchmark, config)  # so does an objective the table does not have
    for note in notes:  # on what runs: shown also under --quiet
        print(f"weaknas: note: {note}", file=sys.stderr)
    out = args.run_folder = search_folder(args)
    progress = not args.quiet and sys.stderr.isatty()
    result = run_search(
        benchmark, config, args.seed, out_dir=out, progress=progress, resume=bool(args.resume)
    )
    summary = result.summary
    if not args.quiet and config.objectives:
        print(
            f"{config.label} on {benchmark.name} (seed {args.seed}, data: {benchmark.source})\n"
            f"  queries          {summary['n_queries']} in {summary['wall_seconds']:.1f} s "
            f"(fit {summary['fit_seconds']:.1f} s, rank {summary['rank_seconds']:.1f} s)\n"
            + front_lines(result, out)
        )
    elif not args.quiet:
        q = summary["queries_to_optimum"]
        value = "test" if benchmark.name == "nb101" else "val"
        within = "; the best within " + ", ".join(config.constraints) if config.constraints else ""
        print(
            f"{config.label} on {benchmark.name} (seed {args.seed}, data: {benchmark.source})\n"
            f"  queries          {summary['n_queries']} in {summary['wall_seconds']:.1f} s "
            f"(fit {summary['fit_seconds']:.1f} s, rank {summary['rank_seconds']:.1f} s)\n"
            f"  best found       {summary['best_arch']}\n"
            f"    observed {value}   {fmt(summary['best_value'])}   "
            f"mean {value} {fmt(summary['best_val_mean'])}   test {fmt(summary['best_test'])}\n"
            f"  optimum          {summary['optimum_arch']} "
            f"(mean {value} {fmt(summary['optimum_val_mean'])}{within})\n"
            f"    found after    {q if q is not None else 'not found within the budget'}"
            f"{' queries' if q is not None else ''}\n"
            + (
                ""
                if q is not None
                else _distance_to_optimum(benchmark, result.evaluations, value, feasible)
            )
            + (
                "  (best found is the best by the noisy value the search observed, one "
                "training run's; the optimum is the best by the mean over training runs)\n"
                if not summary["exact_observations"]
                and summary["best_arch"] != summary["optimum_arch"]
                else ""
            )
            + "".join(f"  note: {n}\n" for n in summary["notes"] if n not in notes)
            + f"  results          {out / 'evaluations.parquet'}, {out / 'summary.json'}"
        )
    return 0


def _distance_to_optimum(benchmark, evaluations, value: str, feasible) -> str:
    """How far a search that missed the optimum got: the best found's rank by mean
    accuracy in the space (among the feasible architectures, under constraints), and its
    gap to the optimum (what a user asks then)."""
    import numpy as np

    ok = evaluations[evaluations["status"] == "ok"]
    if ok.empty:
        return ""
    means = benchmark.val_mean
    if feasible is not None:
        means = np.where(feasible, means, -np.inf)  # ranked among the feasible only
    best = int(ok.loc[ok["value"].idxmax(), "index"])  # best by observed value, as reported
    closest = int(ok["index"].iloc[int(means[ok["index"].to_numpy()].argmax())])
    ranked = int(np.isfinite(means).sum())
    optimum = float(means.max())

    def rank(index: int) -> str:
        place = int((means > means[index]).sum()) + 1
        return (
            f"ranks {place:,} of {ranked:,} by mean {value} (top "
            f"{100 * place / ranked:.2g}%), {optimum - means[index]:.2f} points below the optimum"
        )

    text = f"    best found     {rank(best)}\n"
    if closest != best:
        text += f"    closest        {rank(closest)}: the best by mean {value} evaluated\n"
    return text
