"""Many seeds of one search setting, in parallel on local cores, resumable by seed."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from weaknas.benchmarks import load_benchmark
from weaknas.runner import SearchConfig, run_search
from weaknas.runner.output import EVALUATIONS, SUMMARY, write_json, write_table
from weaknas.study.metrics import at_checkpoints
from weaknas.study.report import write_report

RUNS = "runs.parquet"
SEEDS = "seeds.csv"
STUDY = "study.json"
_cache: dict = {}


@dataclass(frozen=True)
class StudyPaths:
    root: Path

    def seed_dir(self, seed: int) -> Path:
        return self.root / "seeds" / f"seed_{seed:04d}"


def _limit_threads() -> None:
    """One process per core: keep BLAS and torch from fighting over the cores."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass


def _run_one(config: SearchConfig, data: str | None, seed: int, out: str) -> dict:
    key = (config.benchmark, data)
    if key not in _cache:
        _limit_threads()
        _cache[key] = load_benchmark(config.benchmark, data)
    return run_search(_cache[key], config, seed, out_dir=out).summary


def run_study(
    config: SearchConfig,
    seeds: Iterable[int],
    out_dir: str | Path,
    data: str | None = None,
    workers: int | None = None,
    progress: bool = False,
    on_seed: Callable[[dict], None] | None = None,
) -> pd.DataFrame:
    """Run ``config`` for every seed; seeds already finished in ``out_dir`` are kept.

    Returns one row per seed (its summary plus checkpoint metrics) and writes
    ``seeds.csv``, ``runs.parquet`` (all evaluations, with a ``seed`` column) and
    ``report.md`` into ``out_dir``.
    """
    paths = StudyPaths(Path(out_dir))
    paths.root.mkdir(parents=True, exist_ok=True)
    _check_same_settings(paths.root / STUDY, config, data)
    seeds = list(seeds)
    todo = [s for s in seeds if not (paths.seed_dir(s) / SUMMARY).is_file()]
    workers = max(1, min(workers or os.cpu_count() or 1, len(todo) or 1))
    bar = tqdm(
        total=len(seeds),
        initial=len(seeds) - len(todo),
        disable=not progress,
        unit="seed",
        desc=f"{config.label} {config.benchmark}",
    )
    try:
        if workers == 1:
            for seed in todo:
                summary = _run_one(config, data, seed, str(paths.seed_dir(seed)))
                bar.update()
                if on_seed:
                    on_seed(summary)
        else:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                futures = [
                    pool.submit(_run_one, config, data, s, str(paths.seed_dir(s))) for s in todo
                ]
                for future in as_completed(futures):
                    summary = future.result()
                    bar.update()
                    if on_seed:
                        on_seed(summary)
    finally:
        bar.close()
    return collect(paths.root, config, seeds)


def _check_same_settings(path: Path, config: SearchConfig, data: str | None) -> None:
    """Refuse to mix seeds of different settings in one study folder.

    The stored settings are read back through ``SearchConfig``, so a study written before
    a setting existed resumes as long as it used what that setting now selects. Studies
    from before ``target`` existed fitted raw values.
    """
    if path.is_file():
        stored = json.loads(path.read_text()).get("config", {})
        if isinstance(stored, dict) and stored.get("target") is None:
            stored["target"] = "value"
        try:
            previous = SearchConfig(**stored)
        except (TypeError, ValueError):
            previous = None
        if previous != config:
            raise ValueError(
                f"{path.parent}: holds a study with other settings {stored}; "
                "use another --out folder"
            )
    write_json(path, {"config": config.as_dict(), "data": data})


def collect(root: Path, config: SearchConfig, seeds: list[int]) -> pd.DataFrame:
    """Gather finished seeds into ``seeds.csv``, ``runs.parquet`` and ``report.md``."""
    paths = StudyPaths(root)
    per_seed, runs = [], []
    for seed in seeds:
        summary_file = paths.seed_dir(seed) / SUMMARY
        if not summary_file.is_file():
            continue
        summary = json.loads(summary_file.read_text())
        evaluations = pd.read_parquet(paths.seed_dir(seed) / EVALUATIONS)
        row = {
            k: summary[k]
            for k in (
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
        }
        exact = summary.get("exact_observations", False)
        found = summary["queries_to_optimum"] is not None
        row.update(at_checkpoints(evaluations, found_optimum_exactly=exact and found))
        per_seed.append(row)
        runs.append(evaluations.assign(seed=seed))
    table = pd.DataFrame(per_seed)
    table.to_csv(root / SEEDS, index=False)
    if runs:
        write_table(root / RUNS, pd.concat(runs, ignore_index=True))
    write_report(root / "report.md", {config.label: table}, config)
    return table
