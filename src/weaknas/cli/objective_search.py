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
    from weaknas.resolve.objectives import make_objective
    from weaknas.resolve.spaces import POOL_SPACES, load_space

    if "epochs" in given and not args.objective.startswith("train:"):
        raise ValueError("--epochs is for --objective train:DATASET")
    if args.address and args.executor != "ray":
        raise ValueError("--address is the Ray cluster's: use it with --executor ray")
    executor = args.executor or ("process" if args.workers > 1 or args.timeout else "inline")
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
        training=training,
        device=args.device,
    )
    settings = {
        "strategy": config.strategy,
        "seed": args.seed,
        "options": config.as_dict(),
        "objective": {"spec": args.objective, "epochs": args.epochs},
    }
    if training:  # recorded in run.json and summary.json (left out when empty, as before)
        settings["objective"]["training"] = training
    if executor != "ray":
        return _run(args, config, space, objective, executor, settings, notes)
    # connect before the folder is made: a bad address leaves nothing behind
    from weaknas.resolve.executors import make_executor

    pool = make_executor("ray", args.workers, args.timeout, args.address)
    try:
        return _run(args, config, space, objective, pool, settings, notes)
    finally:
        pool.shutdown()


def _run(args, config, space, objective, executor, settings: dict, notes: list[str]) -> int:
    """The search itself, in its folder (made here, once everything is known to work)."""
    from weaknas.runner.engine import SearchStopped, search

    out = args.run_folder = search_folder(args)
    quiet = args.quiet
    done = [_results_logged(out, args.retry_failed) if args.resume else 0]  # count continues

    def report(trial, outcome) -> None:
        done[0] += 1
        if quiet:
            return
        result = f"value {outcome.value:9.4g}" if outcome.ok else f"FAILED {outcome.error}"
        seconds = outcome.info.get("seconds", outcome.seconds)  # its own: not time queued
        print(f"[{done[0]:>3}] {result}  {seconds:5.1f} s  {space.to_string(trial.index)}")

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
            observer=_noting(notes),
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
    if not quiet:
        print(
            f"{config.label} on {space.name} with {args.objective} (seed {args.seed}): "
            f"{len(result.evaluations)} evaluations ({result.n_failed} failed) in "
            f"{result.wall_seconds:.0f} s\n  best  {result.summary['best_arch']}\n"
            f"  value {fmt(result.best_value, 4)}\n  results {out / 'evaluations.parquet'}"
        )
    return 0


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


def _noting(notes: list[str]):
    """An observer that puts ``notes`` in the run's summary."""
    from weaknas.runner.observers import Observer

    observer = Observer()
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
