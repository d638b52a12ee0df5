"""``train:`` searches on data from disk, on every executor (issue 11).

Writes a CIFAR-10 *binary* folder and a PNG image folder (``weaknas.testing.data``: small,
with a class signal), then runs the same short WeakNAS search over NB201 cells with
``--objective train:digits``, ``train:FOLDER`` (image folder) and ``train:FOLDER`` (CIFAR
binary), each on the inline, process and Ray executors, prints each search's one-line
summary and checks the executors agree: the same architectures with the same values.

    python benchmarks/train_on_disk.py --out results/train_on_disk
"""

from __future__ import annotations

import argparse
import io
import shutil
import time
from contextlib import redirect_stdout
from pathlib import Path

import pandas as pd

from weaknas.cli import main as weaknas
from weaknas.testing.data import write_cifar10, write_image_folder

EXECUTORS = {
    "inline": [],
    "process": ["--executor", "process", "--workers", "2"],
    "ray": ["--executor", "ray", "--workers", "2"],
}


def search(objective: str, executor: str, out: Path, args) -> tuple[str, pd.DataFrame]:
    argv = ["search", "--space", "nb201", "--objective", objective, "--epochs", str(args.epochs)]
    argv += ["--budget", str(args.budget), "--n-init", "4", "--batch-size", "2", "--seed", "0"]
    argv += ["--out", str(out), *EXECUTORS[executor]]
    printed = io.StringIO()
    with redirect_stdout(printed):
        code = weaknas(argv)
    if code != 0:
        raise SystemExit(f"weaknas {' '.join(argv)} exited {code}")
    first_line = next(line for line in printed.getvalue().splitlines() if " evaluations (" in line)
    return first_line, pd.read_parquet(out / "evaluations.parquet")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="results/train_on_disk")
    parser.add_argument("--budget", type=int, default=8)
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    data = {
        "train:digits": None,
        "image folder": write_image_folder(out / "data" / "images", classes=3, per_class=150),
        "CIFAR binary": write_cifar10(out / "data" / "cifar-10-batches-bin", n_per_file=400),
    }
    for label, folder in data.items():
        objective = label if folder is None else f"train:{folder}"
        tables = {}
        for executor in EXECUTORS:
            started = time.perf_counter()
            line, tables[executor] = search(objective, executor, out / label / executor, args)
            print(f"{label:13} {executor:8} {line} (wall {time.perf_counter() - started:.0f} s)")
        inline = tables["inline"]
        for executor, table in tables.items():
            same = list(table["arch"]) == list(inline["arch"]) and list(table["value"]) == list(
                inline["value"]
            )
            print(f"{label:13} {executor:8} identical to inline: {same}")
        values = ", ".join(f"{v:.2f}" for v in inline["value"])
        print(f"{label:13} values (validation accuracy %): {values}")


if __name__ == "__main__":
    main()
