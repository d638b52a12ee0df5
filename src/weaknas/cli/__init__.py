"""The ``weaknas`` command: ``search`` runs one search, ``study`` many seeds of it,
``report`` draws a study's figures, ``export`` writes the network of an architecture
found and ``train`` trains it, ``data`` converts benchmark files.

Heavy modules (numpy, pandas, predictors) are imported inside the commands, after the
arguments are parsed: --help and argument errors answer at once.
"""

from __future__ import annotations

import sys

from weaknas.cli.data import data_command
from weaknas.cli.export import export_command
from weaknas.cli.parser import build_parser
from weaknas.cli.search import search_command
from weaknas.cli.study import report_command, study_command
from weaknas.cli.train import train_command
from weaknas.errors import DataFileError


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:  # --help, or an argument error argparse has printed
        return int(exit.code or 0)
    commands = {
        "search": search_command,
        "study": study_command,
        "report": report_command,
        "data": data_command,
        "export": export_command,
        "train": train_command,
    }
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


__all__ = ["build_parser", "main"]
