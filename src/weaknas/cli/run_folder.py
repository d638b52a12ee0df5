"""A search's folder: what ``weaknas search`` writes there (``cli.json`` holds its
settings) and how ``--resume DIR`` reads them back."""

from __future__ import annotations

import argparse
import os
import sys
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
    "constraint",
    "known",
    "objectives",
    *STRATEGY_SETTINGS,
    *OBJECTIVE_FLAGS,
)
CLI_FILE = "cli.json"
# Flags whose default was a value before strategies declared their options (now None:
# unset). A cli.json written then records them so; read as unset, so that a preset
# still fills them (the preset filled settings left at their defaults).
LEGACY_DEFAULTS = {"top_m": "100", "local": 0.0, "shortlist": 0, "pool_grow": 0}
WORKDIR = "workdir"  # cli.json: where the search started (its MODULE:FUNCTION imports)
# Files a search writes; --overwrite removes exactly these.
RUN_FILES = (
    CLI_FILE,
    "run.json",
    "events.jsonl",
    "evaluations.parquet",
    "iterations.parquet",
    "pareto.parquet",
    "true_front.parquet",
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
        try:
            recorded = json.loads(stored.read_text())
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise ValueError(f"--resume {out}: {stored} is damaged ({exc})") from None
        if not isinstance(recorded, dict):
            raise ValueError(f"--resume {out}: {stored} holds no settings (not a JSON object)")
        for name, value in recorded.items():
            if name in SEARCH_SETTINGS:
                unset = LEGACY_DEFAULTS.get(name, object()) == value
                setattr(args, name, None if unset else value)
        _check_recorded_paths(args, stored)
        workdir = recorded.get(WORKDIR)
        if workdir and workdir not in sys.path:
            sys.path.append(workdir)  # MODULE:FUNCTION importable as where it started


def search_folder(args: argparse.Namespace) -> Path:
    """The run's folder, once its settings are known to be valid: the one to resume, or
    a new one (refusing to replace a run unless --overwrite), with ``cli.json``."""
    import json

    if args.resume:
        out = Path(args.resume)
        if (out / "summary.json").is_file() and not args.retry_failed:
            print(
                f"weaknas: note: {out} holds a finished search: nothing left to evaluate "
                "(--retry-failed evaluates its failures again)",
                file=sys.stderr,
            )
        return out
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
        settings[WORKDIR] = os.getcwd()
        (out / CLI_FILE).write_text(json.dumps(settings, indent=2) + "\n")
    except OSError as exc:
        raise ValueError(f"--out {out}: cannot write there ({exc.strerror})") from None
    return out


def _path_settings(settings: dict) -> dict[str, str]:
    """The settings that name files or folders: ``--space X.json``, ``--data``, and the
    path of ``--objective train:PATH`` or ``supernet:PATH``."""
    paths = {}
    if str(settings.get("space") or "").endswith(".json"):
        paths["space"] = settings["space"]
    if settings.get("data"):
        paths["data"] = settings["data"]
    kind, _, target = str(settings.get("objective") or "").partition(":")
    if kind in ("train", "supernet") and target and target != "digits":
        paths["objective"] = target
    return paths


def absolute_paths(args: argparse.Namespace) -> None:
    """A new search's paths made absolute before anything uses them: recorded so in
    ``cli.json`` and ``run.json``, the run resumes from any folder."""
    if args.resume:
        return  # as recorded
    for name, path in _path_settings(vars(args)).items():
        absolute = str(Path(path).absolute())
        if name == "objective":
            args.objective = f"{args.objective.partition(':')[0]}:{absolute}"
        else:
            setattr(args, name, absolute)


def _check_recorded_paths(args: argparse.Namespace, stored: Path) -> None:
    """A relative path recorded by an earlier version is read from the working folder:
    when it is not there, say where it came from and where it was looked for."""
    for name, path in _path_settings(vars(args)).items():
        if not Path(path).exists():
            shown = args.objective if name == "objective" else path
            raise ValueError(
                f"{stored} records --{name} {shown}, which is not found from {Path.cwd()}; "
                "resume from the folder the search was started in"
            )
