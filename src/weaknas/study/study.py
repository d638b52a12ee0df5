"""Studies: methods x benchmarks x seeds, in parallel on local cores, resumable by seed.

Each (benchmark, method) pair is a folder ``<out>/<benchmark>/<method>/`` holding one
finished run per seed (``seeds/seed_NNNN``, complete once its ``summary.json`` exists) and
its ``study.json`` settings; a single-setting study (``run_study``) is such a folder on its
own. Collecting writes tidy tables, one row per seed, evaluation or iteration, each with
``method``, ``benchmark`` and ``seed`` columns: ``seeds.parquet`` (and ``seeds.csv``),
``runs.parquet`` and ``iterations.parquet``.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from weaknas.benchmarks import load_benchmark
from weaknas.runner import SearchConfig, run_search
from weaknas.runner.config import recorded_config
from weaknas.runner.executors import end_with_parent
from weaknas.runner.output import (
    EVALUATIONS,
    ITERATIONS,
    RUN,
    SUMMARY,
    code_version,
    write_json,
    write_table,
)
from weaknas.study.metrics import HYPERVOLUME_COLUMNS, at_checkpoints, ratio_at_checkpoints
from weaknas.study.report import write_report

RUNS = "runs.parquet"
SEEDS = "seeds.csv"
SEEDS_TABLE = "seeds.parquet"
STUDY = "study.json"
SUMMARY_COLUMNS = (
    "seed",
    "queries_to_optimum",
    "n_queries",
    "best_arch",
    "best_val_mean",
    "best_test",
    "wall_seconds",
    "fit_seconds",
    "rank_seconds",
)
_cache: dict = {}


@dataclass(frozen=True)
class StudyPaths:
    root: Path

    def seed_dir(self, seed: int) -> Path:
        return self.root / "seeds" / f"seed_{seed:04d}"

    def finished(self, seed: int) -> bool:
        """A run is complete once its summary exists (written last)."""
        return (self.seed_dir(seed) / SUMMARY).is_file()


@dataclass(frozen=True)
class Method:
    """One line of a comparison: a name and the settings it runs (benchmark included)."""

    name: str
    config: SearchConfig

    def folder(self, root: Path) -> Path:
        return root / benchmark_of(self.config) / self.name


def _limit_threads() -> None:
    """One process per core: keep BLAS and torch from fighting over the cores."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass


def benchmark_of(config: SearchConfig) -> str:
    """The benchmark a study's settings search (a study runs benchmark searches only)."""
    if config.benchmark is None:
        raise ValueError("a study runs benchmark searches: SearchConfig(benchmark=...) is needed")
    return config.benchmark


def _run_one(config: SearchConfig, data: str | None, seed: int, out: str) -> dict:
    key = (benchmark_of(config), data)
    if key not in _cache:
        _limit_threads()
        _cache[key] = load_benchmark(benchmark_of(config), data)
    # a seed interrupted mid-run continues exactly where its event log ends
    resume = (Path(out) / RUN).is_file()
    return run_search(_cache[key], config, seed, out_dir=out, resume=resume).summary


def _run_on_ray_node(config: SearchConfig, data: str | None, seed: int, out: str) -> dict:
    """``_run_one`` in a Ray task; notes the node it ran on (for the command's summary)."""
    import ray

    summary = _run_one(config, data, seed, out)
    return {**summary, "ray_node": ray.get_runtime_context().get_node_id()}


def _run_jobs(
    jobs: list[tuple[SearchConfig, int, Path]],
    data: str | None,
    workers: int | None,
    progress: bool,
    on_seed: Callable[[dict], None] | None,
    total: int,
    description: str,
    executor: str = "process",
    address: str | None = None,
) -> None:
    """Run (config, seed, folder) jobs on ``workers`` local processes (all cores by
    default), or as Ray tasks on a cluster (``executor="ray"``, every node seeing the same
    files at the same paths)."""
    bar = tqdm(
        total=total, initial=total - len(jobs), disable=not progress, unit="run", desc=description
    )
    if executor not in ("process", "ray"):
        raise ValueError(f"a study runs on 'process' or 'ray', not {executor!r}")
    if address is not None and executor != "ray":
        raise ValueError("an address is for the ray executor")

    def record(summary: dict) -> None:
        bar.update()
        if on_seed:
            on_seed(summary)

    if executor == "process":
        workers = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
    try:
        if executor == "process" and workers == 1:
            for config, seed, out in jobs:
                record(_run_one(config, data, seed, str(out)))
            return
        pool: Executor
        if executor == "ray":
            from weaknas.integrations.ray import RayExecutor

            pool, run = RayExecutor(workers, address=address), _run_on_ray_node
            data = str(Path(data).resolve()) if data else None  # Ray workers start elsewhere
            jobs = [(config, seed, Path(out).resolve()) for config, seed, out in jobs]
        else:
            pool, run = ProcessPoolExecutor(workers, initializer=end_with_parent), _run_one
        try:
            futures = [pool.submit(run, config, data, seed, str(out)) for config, seed, out in jobs]
            for future in as_completed(futures):
                record(future.result())
        finally:
            pool.shutdown()
    finally:
        bar.close()


def run_study(
    config: SearchConfig,
    seeds: Iterable[int],
    out_dir: str | Path,
    data: str | None = None,
    workers: int | None = None,
    progress: bool = False,
    on_seed: Callable[[dict], None] | None = None,
    name: str | None = None,
    stale: str = "error",
    executor: str = "process",
    address: str | None = None,
) -> pd.DataFrame:
    """Run ``config`` for every seed; seeds already finished in ``out_dir`` are kept.

    Seeds run by other code (another ``code_version``) are never reused silently:
    ``stale="error"`` (default) refuses, ``"rerun"`` runs them again, ``"keep"`` keeps
    them (recorded in ``study.json``).

    Returns one row per seed (its summary plus checkpoint metrics) and writes the tidy
    tables (module docstring) and a ``report.md`` into ``out_dir``.
    """
    paths = StudyPaths(Path(out_dir))
    paths.root.mkdir(parents=True, exist_ok=True)
    seeds = list(seeds)
    kept = _handle_stale(paths, seeds, stale)
    _check_same_settings(paths.root / STUDY, config, data, kept)
    jobs = [(config, s, paths.seed_dir(s)) for s in seeds if not paths.finished(s)]
    label = f"{config.label} {config.benchmark}"
    _run_jobs(jobs, data, workers, progress, on_seed, len(seeds), label, executor, address)
    return collect(paths.root, config, seeds, name=name or config.label)


def run_studies(
    methods: list[Method],
    seeds: Iterable[int],
    out_dir: str | Path,
    data: str | None = None,
    workers: int | None = None,
    progress: bool = False,
    stale: str = "error",
    executor: str = "process",
    address: str | None = None,
    on_seed: Callable[[dict], None] | None = None,
) -> pd.DataFrame:
    """Every method (each on its own benchmark) for every seed, all in one process pool
    (or on a Ray cluster: ``executor="ray"``, ``address="auto"``).

    Finished seeds are kept, so re-running resumes an interrupted study (``stale``: as
    in ``run_study``). Returns the
    per-seed table of all methods; writes each method's folder and, in ``out_dir``, the
    tidy tables of all of them and ``report.md``.
    """
    root = Path(out_dir)
    keys = [(m.config.benchmark, m.name) for m in methods]
    if len(set(keys)) != len(keys):
        raise ValueError(f"method names must be unique per benchmark, got {keys}")
    for method in methods:
        if not method.name or "/" in method.name or method.name.startswith("."):
            raise ValueError(f"method name {method.name!r} cannot be a folder name")
    seeds = list(seeds)
    for method in methods:
        folder = method.folder(root)
        folder.mkdir(parents=True, exist_ok=True)
        kept = _handle_stale(StudyPaths(folder), seeds, stale)
        _check_same_settings(folder / STUDY, method.config, data, kept)
    paths = [(m.config, StudyPaths(m.folder(root))) for m in methods]
    jobs = [  # seed-major, so the first seeds of every method finish first
        (config, s, study.seed_dir(s))
        for s in seeds
        for config, study in paths
        if not study.finished(s)
    ]
    _run_jobs(
        jobs,
        data,
        workers,
        progress,
        on_seed,
        len(seeds) * len(methods),
        "study",
        executor,
        address,
    )
    for method in methods:
        collect(method.folder(root), method.config, seeds, name=method.name)
    return combine(root, [method.folder(root) for method in methods])


STALE = ("error", "rerun", "keep")


def _run_code_version(seed_dir: Path) -> str | None:
    """The code version a seed's run was made with ('' if it predates recording it)."""
    if (seed_dir / SUMMARY).is_file():
        versions = json.loads((seed_dir / SUMMARY).read_text()).get("versions", {})
        return versions.get("code_version", "")
    if (seed_dir / RUN).is_file():  # interrupted
        return json.loads((seed_dir / RUN).read_text()).get("code_version", "")
    return None  # never started


def _handle_stale(paths: StudyPaths, seeds: list[int], stale: str) -> list[int]:
    """Apply the ``stale`` policy to seeds run by other code; returns the ones kept."""
    if stale not in STALE:
        raise ValueError(f"stale must be one of {STALE}, got {stale!r}")
    current = code_version()
    found = {s: _run_code_version(paths.seed_dir(s)) for s in seeds}
    old = [s for s, version in found.items() if version is not None and version != current]
    if not old:
        return []
    if stale == "error":
        versions = sorted({found[s] or "unrecorded" for s in old})
        raise ValueError(
            f"{paths.root}: {len(old)} seed(s) ({_seed_list(old)}) were run by other code "
            f"(code version {', '.join(versions)}; now {current}); run them again with "
            "--stale rerun (stale='rerun') or keep them with --stale keep (stale='keep')"
        )
    if stale == "rerun":
        for seed in old:
            shutil.rmtree(paths.seed_dir(seed))
        return []
    return old


def _seed_list(seeds: list[int]) -> str:
    return ", ".join(map(str, seeds[:5])) + (", ..." if len(seeds) > 5 else "")


def _check_same_settings(
    path: Path, config: SearchConfig, data: str | None, stale_kept: Sequence[int] = ()
) -> None:
    """Refuse to mix seeds of different settings in one study folder.

    The stored settings are read back through ``SearchConfig``, so a study written before
    a setting existed resumes as long as it used what that setting now selects
    (``recorded_config``).
    """
    if path.is_file():
        stored = json.loads(path.read_text()).get("config", {})
        try:
            previous = recorded_config(stored)
        except (TypeError, ValueError, AttributeError):
            previous = None
        if previous != config:
            raise ValueError(
                f"{path.parent}: holds a study with other settings {stored}; "
                "use another --out folder"
            )
    record: dict[str, Any] = {
        "config": config.as_dict(),
        "data": data,
        "code_version": code_version(),
    }
    if path.is_file():
        earlier = json.loads(path.read_text()).get("stale_seeds_kept", [])
        stale_kept = sorted(set(earlier) | set(stale_kept))
    if stale_kept:
        record["stale_seeds_kept"] = list(stale_kept)  # run by other code, kept on request
    write_json(path, record)


def collect(root: Path, config: SearchConfig, seeds: list[int], name: str) -> pd.DataFrame:
    """Gather the finished seeds of one study folder into its tidy tables and report."""
    paths = StudyPaths(root)
    per_seed, runs, iterations = [], [], []
    tags = {"method": name, "benchmark": config.benchmark}
    for seed in seeds:
        summary_file = paths.seed_dir(seed) / SUMMARY
        if not summary_file.is_file():
            continue
        summary = json.loads(summary_file.read_text())
        evaluations = pd.read_parquet(paths.seed_dir(seed) / EVALUATIONS)
        evaluations = evaluations.rename(columns={"observed": "value"})  # runs before the engine
        row = {**tags, **{k: summary[k] for k in SUMMARY_COLUMNS}}
        exact = summary.get("exact_observations", False)
        found = summary["queries_to_optimum"] is not None
        row.update(at_checkpoints(evaluations, found_optimum_exactly=exact and found))
        iterations_file = paths.seed_dir(seed) / ITERATIONS
        per_iteration = None
        if iterations_file.is_file():  # runs from before per-iteration metrics have none
            per_iteration = pd.read_parquet(iterations_file)
            iterations.append(per_iteration.assign(**tags, seed=seed))
        if "hypervolume_ratio" in summary:  # several objectives, on a benchmark
            row.update({k: summary[k] for k in HYPERVOLUME_COLUMNS})
            if per_iteration is not None:
                row.update(ratio_at_checkpoints(per_iteration))
        per_seed.append(row)
        runs.append(evaluations.assign(**tags, seed=seed))
    table = pd.DataFrame(per_seed)
    table.to_csv(root / SEEDS, index=False)
    write_table(root / SEEDS_TABLE, table)
    if runs:
        write_table(root / RUNS, pd.concat(runs, ignore_index=True))
    if iterations:
        write_table(root / ITERATIONS, pd.concat(iterations, ignore_index=True))
    write_report(root / "report.md", table, title=f"{name} on {config.benchmark}", config=config)
    return table


def combine(root: Path, folders: list[Path]) -> pd.DataFrame:
    """Concatenate the tidy tables of several study folders into ``root``."""
    combined = {}
    for file_name in (SEEDS_TABLE, RUNS, ITERATIONS):
        frames = [pd.read_parquet(f / file_name) for f in folders if (f / file_name).is_file()]
        combined[file_name] = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        if frames:
            write_table(root / file_name, combined[file_name])
    seeds = combined[SEEDS_TABLE]
    seeds.to_csv(root / SEEDS, index=False)
    write_report(root / "report.md", seeds, title=f"Study in {root}")
    return seeds
