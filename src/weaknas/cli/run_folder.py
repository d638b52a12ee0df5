"""A search's folder: what ``weaknas search`` writes there (``cli.json`` holds its
settings) and how ``--resume DIR`` reads them back."""

from __future__ import annotations

import argparse
from pathlib import Path

from weaknas.cli.options import OBJECTIVE_FLAGS, STRATEGY_SETTINGS, flags
from weaknas.cli.parser import build_parser

# What ``weaknas search`` records in ``cli.json`` so that ``--resume DIR`` needs nothing else.
SEARCH_SETTINGS = (
    "objective",
    "benchmark",
    "strategy",
    "budget",
    "deterministic",
    "stop_at_optimum",
    "data",
    "seed",
    "train",
    "preset",
    *STRATEGY_SETTINGS,
    *OBJECTIVE_FLAGS,
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


def resumed_settings(args: argparse.Namespace) -> None:
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
            named = flags(given + ["out"] * bool(args.out))
            raise ValueError(
                f"--resume {out} continues the run with the settings in {stored}; "
                f"drop {named or '--overwrite'}"
            )
        for name, value in json.loads(stored.read_text()).items():
            if name in SEARCH_SETTINGS:
                setattr(args, name, value)


def search_folder(args: argparse.Namespace) -> Path:
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
