"""``weaknas data convert-nb101``: the official NB101 tfrecord to our ``.npz``."""

from __future__ import annotations

import argparse


def data_command(args: argparse.Namespace) -> int:
    from weaknas.benchmarks.nb101_tfrecord import convert_nb101

    counts = convert_nb101(args.source, args.out, epochs=args.epochs)
    print(
        f"converted {counts['records']} records: {counts['cells']} cells at "
        f"{counts['epochs']} epochs -> {counts['out']}"
    )
    return 0
