"""Cold start: whole-process wall time of the commands a new user types first.

Each command runs in a fresh interpreter (``python -c 'from weaknas.cli import main'``,
which is what the ``weaknas`` script does), ``--repeats`` times, interleaved with the
same command on an older revision (``--base``, checked out with ``git archive`` into a
temporary folder and put first on ``PYTHONPATH``), so both see the same machine load.

    python benchmarks/cold_start.py --base 0608764 --repeats 10

Commands: ``--help``; an argument error (``search --budget abc``); the README's main
command (a 1,000-query NB201 search on the packaged table, a fresh ``--out`` each time).

``--floor`` instead times what the main command cannot avoid, each in a fresh interpreter:
the imports it needs (LightGBM imports scikit-learn, which imports ``scipy.stats``; the
predictor diagnostics need ``scipy.stats`` too), and, as a what-if, LightGBM imported with
scikit-learn hidden (never done by weaknas: it would disable LightGBM's scikit-learn API
for the rest of the process).

    python benchmarks/cold_start.py --floor --repeats 10
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
FLOOR = {
    "interpreter": "pass",
    "numpy": "import numpy",
    "numpy + pandas": "import numpy, pandas",
    "scipy.stats": "import scipy.stats",
    "lightgbm (imports sklearn, scipy.stats)": "import lightgbm",
    "lightgbm, sklearn hidden (what-if)": (
        "import sys; sys.modules['sklearn'] = None; import lightgbm; del sys.modules['sklearn']"
    ),
    "weaknas search path (strategies, engine)": (
        "import weaknas.strategies, weaknas.runner.engine, weaknas.benchmarks"
    ),
}


def checkout(revision: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "archive", revision, "src"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def wall_seconds(source: Path, args: list[str], **run) -> float:
    """Whole-process wall time of ``python ARGS`` with ``source`` first on the path."""
    env = {**os.environ, "PYTHONPATH": str(source)}
    started = time.perf_counter()
    subprocess.run([sys.executable, *args], env=env, **run)
    return time.perf_counter() - started


def timed(source: Path, argv: list[str], scratch: Path) -> float:
    out = tempfile.mkdtemp(dir=scratch)
    args = [a.replace("{out}", str(Path(out) / "run")) for a in argv]
    return wall_seconds(source, ["-c", LAUNCH, *args], cwd=scratch, capture_output=True)


def interleaved_medians(statements: dict[str, str], repeats: int) -> dict[str, float]:
    """Median whole-process time of each ``python -c STATEMENT``, the statements run in
    turn ``repeats`` times, so each sees the same machine load."""
    times: dict[str, list[float]] = {name: [] for name in statements}
    for _ in range(repeats):
        for name, code in statements.items():
            times[name].append(wall_seconds(ROOT / "src", ["-c", code], check=True))
    return {name: statistics.median(values) for name, values in times.items()}


def floor(repeats: int) -> None:
    """Median whole-process time of each import in ``FLOOR``, interleaved."""
    for name, seconds in interleaved_medians(FLOOR, repeats).items():
        print(f"{name:42s} {seconds:6.2f} s", flush=True)
    print(f"(medians of {repeats} fresh interpreters each, interleaved, whole process)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=None, help="an older revision to compare with")
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--floor", action="store_true", help="time the unavoidable imports")
    args = parser.parse_args()
    if args.floor:
        floor(args.repeats)
        return
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
