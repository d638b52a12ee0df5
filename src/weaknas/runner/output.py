"""The files every search writes, and how they are written.

A search folder holds (the same for a tabular benchmark, a user's objective, the CLI and
each seed of a study):

- ``run.json``: what the run was started with (strategy, seed, options, space, objective);
  a resume checks it.
- ``events.jsonl``: the durable event log, one JSON object a line: ``ask`` (iteration,
  indices), ``result`` (index, arch, value, error, seconds, elapsed, info) and ``tell``
  (indices). Appended before the search acts on it; ``resume`` replays it.
- ``evaluations.parquet``: one row per evaluation in proposal order: ``order``
  (1-based query count), ``iteration``, ``index``, ``arch``, ``status`` (ok/failed),
  ``value`` (what the strategy was told; NaN if failed), ``error``, ``seconds`` (the
  evaluation's own time), ``elapsed`` (since the run started), ``predicted`` (the
  strategy's prediction; NaN for random picks), then what the objective reported
  besides its value (benchmarks: ``val_mean``, ``test`` and their extra columns).
- ``iterations.parquet``: one row per iteration: ``n_queries``, ``n_failed``,
  ``best_value``; on a benchmark also the pick's truth, regret and the predictor's rank
  correlation (``weaknas.runner.iterations.benchmark_columns``).
- ``pareto.parquet`` (a search of several objectives only): the evaluations no other
  dominates by the values observed, every column of ``evaluations.parquet``, best first
  by the first objective; on a benchmark also ``true_front.parquet``, the true front
  computed exhaustively (``index``, ``arch`` and each objective's true value).
- ``summary.json`` (written last: its presence marks a finished run), keys in
  ``SUMMARY_KEYS``.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import platform
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

RUN = "run.json"
LOG = "events.jsonl"
EVALUATIONS = "evaluations.parquet"
ITERATIONS = "iterations.parquet"
SUMMARY = "summary.json"
PARETO = "pareto.parquet"
TRUE_FRONT = "true_front.parquet"

#: ``summary.json``, for every search. Those marked (benchmark) are null for a user's
#: objective, which has no known truth.
SUMMARY_KEYS = {
    "space": "the search space's name",
    "strategy": "the strategy's name",
    "seed": "the run's seed",
    "n_queries": "evaluations made (distinct architectures, failed ones included)",
    "n_failed": "evaluations that failed (raised, NaN, timed out, worker died)",
    "n_iterations": "batches asked",
    "best_arch": "the architecture with the best value the search was told (first on ties)",
    "best_value": "its value (on a benchmark: one noisy validation run, unless deterministic)",
    "wall_seconds": "the run's time, earlier sessions of a resumed run included",
    "fit_seconds": "time the strategy spent fitting predictors",
    "rank_seconds": "time the strategy spent scoring candidates",
    "benchmark": "(benchmark) its name",
    "data_source": "(benchmark) the data file it was read from",
    "metric": "(benchmark) what the values measure",
    "best_val_mean": "(benchmark) mean validation accuracy of best_arch over training seeds",
    "best_test": "(benchmark) its test accuracy",
    "optimum_arch": "(benchmark) the architecture with the highest mean validation accuracy",
    "optimum_val_mean": "(benchmark) its mean validation accuracy",
    "optimum_test": "(benchmark) its test accuracy",
    "queries_to_optimum": "(benchmark) queries until optimum_arch, or one within 1e-9 "
    "points of it (a tie), was evaluated, or null",
    "optimum_ties": "(benchmark) architectures other than optimum_arch within 1e-9 points of it",
    "exact_observations": "(benchmark) the values told equal the mean (no noise)",
    "settings": "everything the run was started with",
    "notes": "what to know when reading the numbers (e.g. NB101 has no validation split)",
    "versions": "Python, weaknas (with code_version) and the libraries that shape the numbers",
}

#: ``summary.json`` of a search of several objectives adds these (after the benchmark's).
OBJECTIVE_KEYS = {
    "objectives": "each NAME:max or NAME:min searched",
    "reference_point": "the hypervolume's reference, one value each",
    "reference_point_is": "how it was chosen: on a benchmark each "
    "metric's median over the space, otherwise the worst value evaluated",
    "pareto_size": "evaluations on the observed front (pareto.parquet)",
    "hypervolume": "of the observed values, from the reference point",
    "true_front_size": "(benchmark) architectures on the true front",
    "true_hypervolume": "(benchmark) the true front's hypervolume",
    "hypervolume_ratio": "(benchmark) hypervolume of the evaluated "
    "architectures' true values over true_hypervolume",
    "queries_to_hypervolume_0.95": "(benchmark) queries until that ratio reached 0.95, or null",
    "queries_to_hypervolume_0.99": "(benchmark) the same for 0.99",
}

_VERSIONED = ("numpy", "pandas", "scikit-learn", "scipy", "lightgbm", "xgboost-cpu", "torch")


@cache
def code_version() -> str:
    """A digest of the weaknas source files: two runs with the same one ran the same code."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha1()
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def library_versions() -> dict[str, str]:
    """Versions of the code and libraries that shape the numbers (read from package
    metadata: nothing is imported)."""
    versions = {"python": platform.python_version()}
    for name in ("weaknas", *_VERSIONED):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            if name == "weaknas":
                versions[name] = "0.0.0"
    versions["code_version"] = code_version()
    return versions


def _json_safe(value: Any) -> Any:
    """NaN is not JSON: write it as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def write_json(path: Path, payload: dict) -> None:
    """Write atomically, so a crash never leaves half a summary."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(_json_safe(payload), indent=2, allow_nan=False) + "\n")
    os.replace(tmp, path)


def write_table(path: Path, frame: pd.DataFrame) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, path)
