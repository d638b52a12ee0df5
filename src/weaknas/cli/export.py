"""``weaknas export``: the network of a search's best architecture (or any given one) as a
file that records what it is."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from weaknas.cli.run_folder import CLI_FILE


def export_command(args: argparse.Namespace) -> int:
    from weaknas.export import build_network, metadata, write_network
    from weaknas.export.files import SUFFIXES

    source = architecture_source(args, "nb201, nb101, darts, mobilenetv3, FILE.json")
    supernet = args.supernet or source.get("supernet")
    network = build_network(
        source.get("space"),
        source["arch"],
        benchmark=source.get("benchmark"),
        skeleton=args.skeleton,
        width_mult=args.width or source.get("width") or 1.0,
        supernet=supernet,
        calibration=source.get("data") if supernet and not args.supernet else None,
        calibration_images=source.get("calib_images"),
        builder=args.builder,
        input_shape=_shape(args.input_shape),
    )
    about = metadata(network, {k: v for k, v in source.items() if k != "arch"})
    default_name = f"{network.space}_rank{args.rank}" if args.run else f"{network.space}_arch"
    folder = Path(args.run) if args.run else Path(".")
    out = Path(args.out) if args.out else folder / (default_name + SUFFIXES[args.format])
    write_network(network, out, args.format, about)
    if not getattr(args, "quiet", False):
        print(
            f"wrote {out}: {network.space} network, {about['params']:,} parameters, "
            f"{about['multiply_adds'] / 1e6:.1f} M multiply-adds, input "
            f"{'x'.join(map(str, network.input_shape))}",
            file=sys.stdout,
        )
    return 0


def architecture_source(args: argparse.Namespace, spaces: str) -> dict[str, Any]:
    """The architecture a command takes: the ``--rank``-th best of ``RUN_DIR``
    (``run_source``), or ``--arch`` in ``--space`` (or NB201's ``--benchmark``)."""
    if bool(args.run) == bool(args.arch):
        raise ValueError("give a RUN_DIR of 'weaknas search', or --arch TEXT with --space S")
    if args.run:
        return run_source(Path(args.run), args.rank)
    benchmark = getattr(args, "benchmark", None)  # export only: NB201's dataset
    if not (args.space or benchmark):
        raise ValueError(f"--arch needs --space ({spaces})")
    return {"space": args.space, "benchmark": benchmark, "arch": args.arch}


def run_source(run: Path, rank: int) -> dict[str, Any]:
    """What a search folder says of its ``rank``-th best observed architecture."""
    import pandas as pd

    settings_file, evaluations_file = run / CLI_FILE, run / "evaluations.parquet"
    for needed in (settings_file, evaluations_file):
        if not needed.is_file():
            raise ValueError(f"{run}: no {needed.name}; not a folder of 'weaknas search'")
    try:
        settings = json.loads(settings_file.read_text())
        evaluations = pd.read_parquet(evaluations_file)
    except (OSError, ValueError) as exc:
        raise ValueError(f"{run}: cannot read its settings or evaluations ({exc})") from None
    ok = evaluations[evaluations["status"] == "ok"].sort_values(
        ["value", "order"], ascending=[False, True], kind="stable"
    )
    if len(ok) < rank:
        raise ValueError(f"--rank {rank}: {run} holds {len(ok)} successful evaluations")
    chosen = ok.iloc[rank - 1]
    objective = settings.get("objective") or ""
    kind, _, target = objective.partition(":")
    return {
        "run": str(run.resolve()),
        "rank": rank,
        "observed": float(chosen["value"]),
        "order": int(chosen["order"]),
        "arch": str(chosen["arch"]),
        "benchmark": settings.get("benchmark"),
        "space": settings.get("space") or ("nb201" if not settings.get("benchmark") else None),
        "objective": objective or None,
        "width": settings.get("width"),
        "supernet": target if kind == "supernet" else None,
        "data": settings.get("data") if kind == "supernet" else None,
        "calib_images": settings.get("calib_images") if kind == "supernet" else None,
        "seed": settings.get("seed"),
        "strategy": settings.get("strategy"),
    }


def _shape(text: str | None) -> tuple[int, ...] | None:
    if text is None:
        return None
    try:
        shape = tuple(int(part) for part in text.split(","))
    except ValueError:
        shape = ()
    if not shape or min(shape) < 1:
        raise ValueError(f"--input-shape {text!r}: expected whole numbers like 3,32,32")
    return shape
