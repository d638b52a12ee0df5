"""``weaknas search --objective``: evaluate each architecture with a real objective
(training, a proxy, a supernet or your own function) through the engine."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from weaknas.cli.options import flags, fmt, search_config
from weaknas.cli.run_folder import search_folder

MOBILENETV3_FLAGS = ("flops", "width", "resolution")


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


def objective_search(args: argparse.Namespace, given: set[str]) -> int:
    """``--objective``: evaluate each architecture with a real objective (engine.search)."""
    from weaknas.resolve.objectives import make_objective, with_measurements
    from weaknas.resolve.spaces import POOL_SPACES, load_space

    if "epochs" in given and not args.objective.startswith("train:"):
        raise ValueError("--epochs is for --objective train:DATASET")
    if args.address and args.executor != "ray":
        raise ValueError("--address is the Ray cluster's: use it with --executor ray")
    placed = args.gpus is not None or args.gpus_per_evaluation is not None
    if args.gpus is not None and "workers" in given:
        raise ValueError(
            f"--gpus runs --workers-per-gpu workers on each GPU: drop --workers ({args.workers})"
        )
    if args.workers_per_gpu is not None and args.gpus is None:
        raise ValueError("--workers-per-gpu places process workers on --gpus: give --gpus")
    default = "process" if args.workers > 1 or args.timeout or args.gpus else "inline"
    executor = args.executor or default
    if args.reuse_workers and executor != "process":
        raise ValueError("--reuse-workers is for worker processes: --executor process")
    # a supernet worker keeps its checkpoint and decoded calibration images between calls
    reuse = args.reuse_workers or (executor == "process" and args.objective.startswith("supernet:"))
    placed = placed or reuse
    if executor == "inline" and args.workers > 1:
        raise ValueError(
            f"--workers {args.workers} with --executor inline: inline evaluates one at a "
            "time; use --executor process (or thread, ray)"
        )
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
        used = [name for name in MOBILENETV3_FLAGS if getattr(args, name) is not None]
        if used:
            raise ValueError(f"{flags(used)}: settings of --space mobilenetv3")
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
    if args.objective.startswith("supernet:"):
        for note in _untrained_resolution(space):
            print(f"weaknas: note: {note}", file=sys.stderr)
    config = search_config(args, benchmark=None, space=args.space or "nb201")
    if config.known:
        raise ValueError(
            "--known declares a benchmark table's metric; a space's own known metrics "
            f"({', '.join(space.known_metrics()) or 'none here'}) need no declaring"
        )
    config, notes = config.for_space(space)
    for note in notes:  # on what runs: shown also under --quiet
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
        calib_images=args.calib_images,
        training=training,
        device=args.device,
    )
    objective = with_measurements(objective, space, (*config.objectives, *config.constraints))
    settings = {
        "strategy": config.strategy,
        "seed": args.seed,
        "options": config.as_dict(),
        "objective": {"spec": args.objective, "epochs": args.epochs},
    }
    if training:  # recorded in run.json and summary.json (left out when empty, as before)
        settings["objective"]["training"] = training
    if executor != "ray" and not placed:
        return _run(args, config, space, objective, executor, settings, notes)
    # connect before the folder is made: a bad address leaves nothing behind
    from weaknas.resolve.executors import make_executor

    pool = make_executor(
        executor,
        args.workers,
        args.timeout,
        args.address,
        gpus=args.gpus,
        workers_per_gpu=args.workers_per_gpu or 1,
        gpus_per_evaluation=args.gpus_per_evaluation,
        reuse_workers=reuse,
    )
    args.workers = getattr(pool, "max_workers", args.workers)
    _note_unseen_gpus(args.gpus)
    try:
        return _run(args, config, space, objective, pool, settings, notes)
    finally:
        pool.shutdown()


class Forecast:
    """What the rest of a search will take at this worker count, from the evaluations'
    own seconds so far (their median): once, after the first batch, for a search projected
    to take over a minute; then with every result."""

    LONG = 60.0  # seconds: a shorter search gets no forecast line

    def __init__(self, budget: int, workers: int) -> None:
        self.budget, self.workers = budget, max(1, workers)
        self.seconds: list[float] = []
        self._said = False

    def add(self, seconds: float) -> None:
        self.seconds.append(float(seconds))

    def _median(self) -> float:
        return float(sorted(self.seconds)[len(self.seconds) // 2])

    def left(self, done: int) -> float | None:
        if not self.seconds:
            return None
        return max(0, self.budget - done) * self._median() / self.workers

    def first_batch_line(self) -> str | None:
        """The forecast, once evaluations are in (None before, and after saying it)."""
        if self._said or not self.seconds:
            return None
        self._said = True
        total = self.budget * self._median() / self.workers
        if total < self.LONG:
            return None
        return (
            f"{self.budget} evaluations x {self._median():.3g} s / {self.workers} worker(s) "
            f"= {duration(total)} (the median evaluation so far)"
        )


def duration(seconds: float) -> str:
    """``41 s``, ``12 min``, ``5.7 h``, ``3.2 days``."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    if seconds < 172_800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86_400:.1f} days"


def _note_unseen_gpus(gpus: str | None) -> None:
    """``--gpus 0,1`` where PyTorch sees fewer GPUs: the workers are pinned all the same
    (a GPU PyTorch does not see leaves its workers on the CPU): say so."""
    if gpus is None or gpus == "all":
        return
    try:
        import torch
    except ImportError:
        return
    seen = torch.cuda.device_count()
    named = [int(g) for g in gpus.split(",")]
    if max(named) >= seen:
        print(
            f"weaknas: note: PyTorch sees {seen} GPU(s) here; --gpus {gpus} pins workers to "
            "CUDA_VISIBLE_DEVICES all the same (a worker whose GPU is not there sees none)",
            file=sys.stderr,
        )


def _run(args, config, space, objective, executor, settings: dict, notes: list[str]) -> int:
    """The search itself, in its folder (made here, once everything is known to work)."""
    from weaknas.runner.engine import SearchStopped, search

    out = args.run_folder = search_folder(args)
    quiet = args.quiet
    done = [_results_logged(out, args.retry_failed) if args.resume else 0]  # count continues
    forecast = Forecast(config.budget, args.workers)

    def report(trial, outcome) -> None:
        done[0] += 1
        seconds = outcome.info.get("seconds", outcome.seconds)  # its own: not time queued
        forecast.add(seconds)
        if quiet:
            return
        result = f"value {outcome.value:9.4g}" if outcome.ok else f"FAILED {outcome.error}"
        left = forecast.left(done[0])
        left_text = f"  ~{duration(left)} left" if left is not None else ""
        print(
            f"[{done[0]:>3}] {result}  {seconds:5.1f} s  {space.to_string(trial.index)}{left_text}"
        )

    try:
        result = search(
            objective,
            space,
            budget=config.budget,
            strategy=config.build_strategy(space, args.seed),
            seed=args.seed,
            executor=executor,
            workers=args.workers,
            timeout=args.timeout,
            out_dir=out,
            resume=bool(args.resume),
            retry_failed=args.retry_failed,
            on_result=report,
            settings=settings,
            observer=_noting(notes, forecast, quiet),
            constraints=config.constraints,
            objectives=config.objectives or None,
        )
    except SearchStopped as stopped:
        print(
            f"weaknas: error: {stopped}\n  the run is kept in {out}; {_retry(out)}", file=sys.stderr
        )
        return 1
    evaluations = result.evaluations
    if len(evaluations) and result.n_failed == len(evaluations):
        errors = evaluations["error"].value_counts()
        print(
            f"weaknas: error: every one of the {len(evaluations)} evaluations failed; the "
            f"most common error ({errors.iloc[0]} of them): {errors.index[0]}\n"
            f"  each error is in {out / 'evaluations.parquet'}; {_retry(out)}",
            file=sys.stderr,
        )
        return 1
    if not quiet and config.objectives:
        print(
            f"{config.label} on {space.name} with {args.objective} (seed {args.seed}): "
            f"{len(result.evaluations)} evaluations ({result.n_failed} failed) in "
            f"{result.wall_seconds:.0f} s\n" + front_lines(result, out)
        )
    elif not quiet:
        print(
            f"{config.label} on {space.name} with {args.objective} (seed {args.seed}): "
            f"{len(result.evaluations)} evaluations ({result.n_failed} failed) in "
            f"{result.wall_seconds:.0f} s\n  best  {result.summary['best_arch']}\n"
            f"  value {fmt(result.best_value, 4)}\n  results {out / 'evaluations.parquet'}"
        )
    return 0


def front_lines(result, out: Path, shown: int = 10) -> str:
    """The observed front as the command prints it: the hypervolume, then up to
    ``shown`` architectures with their objectives, first objective best first."""
    from weaknas.pareto import parse_objectives
    from weaknas.runner.pareto_results import objective_column

    summary = result.summary
    objectives = parse_objectives(summary["objectives"])
    reference = ", ".join(f"{k} {v:.4g}" for k, v in summary["reference_point"].items())
    lines = [
        f"  front            {summary['pareto_size']} architectures observed non-dominated; "
        f"hypervolume {summary['hypervolume']:.4g} from ({reference}: "
        f"{summary['reference_point_is']})"
    ]
    if summary.get("true_hypervolume") is not None:
        reached = []
        for level in ("0.95", "0.99"):
            queries = summary[f"queries_to_hypervolume_{level}"]
            reached.append(
                f"{level} after {queries} queries" if queries else f"{level} not reached"
            )
        lines.append(
            f"  true front       {summary['true_front_size']} architectures; the evaluated "
            f"ones reach {summary['hypervolume_ratio']:.3f} of its hypervolume "
            f"({', '.join(reached)})"
        )
    front = result.pareto
    for _, row in front.head(shown).iterrows():
        values = "  ".join(f"{o.name} {fmt(row[objective_column(o)], 4)}" for o in objectives)
        lines.append(f"    {values}  {row['arch']}")
    if len(front) > shown:
        lines.append(f"    ... {len(front) - shown} more")
    lines.append(f"  results          {out / 'pareto.parquet'}, {out / 'summary.json'}")
    return "\n".join(lines)


def _retry(out: Path) -> str:
    """What to do once the cause of the failures is fixed."""
    return f"once fixed, evaluate them again with: weaknas search --resume {out} --retry-failed"


def _untrained_resolution(space) -> list[str]:
    """A MobileNetV3 resolution the OFA supernet of its width was not trained at (a
    supernet's accuracies there are extrapolations)."""
    if space.name != "mobilenetv3":
        return []
    from weaknas.spaces.mobilenetv3_layout import TRAINED_RESOLUTIONS

    trained = TRAINED_RESOLUTIONS.get(space.width_mult, ())
    outside = sorted(set(space.resolutions) - set(trained))
    if not trained or not outside:
        return []
    return [
        f"resolution {', '.join(map(str, outside))}: OFA trained its width-{space.width_mult} "
        f"supernet at {trained[0]}-{trained[-1]} only; supernet accuracies there are "
        "extrapolations"
    ]


def _noting(notes: list[str], forecast: Forecast | None = None, quiet: bool = True):
    """An observer that puts ``notes`` in the run's summary and, once the first batch is
    in (the strategy asks for the second), prints the ``forecast``."""
    from weaknas.runner.observers import Observer

    class CommandObserver(Observer):
        def on_ask(self, strategy, iteration: int) -> None:
            if forecast is None or quiet or iteration < 2:
                return
            line = forecast.first_batch_line()
            if line:
                print(f"weaknas: forecast: {line}", file=sys.stderr)

    observer = CommandObserver()
    observer.notes = tuple(notes)
    return observer


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
