"""Cold start: whole-process wall time of the commands a new user types first.

Each command runs in a fresh interpreter (``python -c 'from weaknas.cli import main'``,
which is what the ``weaknas`` script does), ``--repeats`` times, interleaved with the
same command on an older revision (``--base``, checked out with ``git archive`` into a
temporary folder and put first on ``PYTHONPATH``), so both see the same machine load.

    python benchmarks/cold_start.py --base 0608764 --repeats 10

Commands: ``--help``; an argument error (``search --budget abc``); the README's main
command (a 1,000-query NB201 search on the packaged table, a fresh ``--out`` each time).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "weaknas --help": ["--help"],
    "argument error": ["search", "--budget", "abc"],
    "README main command": ["search", "--benchmark", "nb201-cifar10", "--out", "{out}"],
}
LAUNCH = "import sys; from weaknas.cli import main; sys.exit(main())"


def checkout(revision: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "archive", revision, "src"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def timed(source: Path, argv: list[str], scratch: Path) -> float:
    out = tempfile.mkdtemp(dir=scratch)
    args = [a.replace("{out}", str(Path(out) / "run")) for a in argv]
    env = {**os.environ, "PYTHONPATH": str(source)}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", LAUNCH, *args], env=env, cwd=scratch, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=None, help="an older revision to compare with")
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        temp = Path(temp)
        sources = {"this tree": ROOT / "src"}
        if args.base:
            sources[args.base] = checkout(args.base, temp)
        rows = []
        for name, argv in COMMANDS.items():
            times: dict[str, list[float]] = {label: [] for label in sources}
            for _ in range(args.repeats):
                for label, source in sources.items():
                    times[label].append(timed(source, argv, temp))
            medians = {label: statistics.median(values) for label, values in times.items()}
            rows.append((name, medians))
            print(
                f"{name:22s} "
                + "  ".join(f"{label}: {value:6.2f} s" for label, value in medians.items())
                + (
                    f"  ratio {medians[args.base] / medians['this tree']:.1f}x" if args.base else ""
                ),
                flush=True,
            )
    print(f"(medians of {args.repeats} runs each, interleaved, whole process)")


if __name__ == "__main__":
    main()
