"""WeakNASSampler vs Optuna's TPE with 4 worker processes sharing one SQLite storage.

NB201 cifar10 through Optuna: 6 categorical parameters (the op on each edge); a trial's
value is one random training seed's validation accuracy (the paper's noisy protocol,
seeded by study seed and trial number). Each study runs 200 trials on 4 processes that
share ``sqlite:///...``. Reports duplicates (architectures evaluated twice), trials until
the architecture with the best mean validation accuracy was evaluated, and the best mean
validation accuracy among evaluated architectures after 200 trials.

    python benchmarks/optuna_workers.py --data ../shared/data --seeds 20

Samplers: ``weaknas`` (the default picks), ``weaknas-uniform`` (the paper's uniform top-M
picks, the sampler's only picks before) and Optuna's ``tpe``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import time
from pathlib import Path

import numpy as np
import pandas as pd

from weaknas.study.report import frame_to_markdown

_bench = None


def _benchmark(data):
    global _bench
    if _bench is None:
        from weaknas.benchmarks import load_benchmark

        _bench = load_benchmark("nb201-cifar10", data)
    return _bench


def _sampler(name: str, seed: int, worker: int):
    import optuna

    from weaknas.integrations.optuna import WeakNASSampler
    from weaknas.spaces.nb201 import OPS, NB201Space

    if name.startswith("weaknas"):  # the space declared up front: joint, claimed picks
        acquisition = {"weaknas": None, "weaknas-uniform": "uniform"}[name]
        space = dict.fromkeys(NB201Space().choices(), OPS)
        return WeakNASSampler(seed=seed, search_space=space, acquisition=acquisition)
    # TPE's own randomness must differ per worker, or all four propose the same
    return optuna.samplers.TPESampler(seed=seed * 100 + worker, n_startup_trials=10)


def _worker(
    name: str, seed: int, worker: int, storage: str, study_name: str, n_trials: int, data
) -> None:
    import optuna

    from weaknas.spaces.nb201 import OPS

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    bench = _benchmark(data)
    space = bench.space
    names = list(space.choices())
    study = optuna.load_study(
        study_name=study_name, storage=storage, sampler=_sampler(name, seed, worker)
    )

    def objective(trial) -> float:
        codes = [OPS.index(trial.suggest_categorical(n, list(OPS))) for n in names]
        index = space.from_choices(codes)
        trial.set_user_attr("index", int(index))
        rng = np.random.default_rng([seed, trial.number])
        return bench.query(index, rng, deterministic=False)

    # MaxTrialsCallback stops every worker once the study holds n_trials trials
    study.optimize(
        objective,
        callbacks=[optuna.study.MaxTrialsCallback(n_trials, states=None)],
        n_trials=n_trials,
    )


def run_one(name: str, seed: int, n_trials: int, workers: int, folder: Path, data) -> dict:
    import optuna

    storage = f"sqlite:///{folder / f'{name}_{seed}.db'}"
    study_name = f"{name}-{seed}"
    optuna.create_study(study_name=study_name, storage=storage, direction="maximize")
    started = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_worker, args=(name, seed, w, storage, study_name, n_trials, data))
        for w in range(workers)
    ]
    for p in processes:
        p.start()
    for p in processes:
        p.join()
    wall = time.perf_counter() - started
    study = optuna.load_study(study_name=study_name, storage=storage)
    trials = sorted((t for t in study.trials if "index" in t.user_attrs), key=lambda t: t.number)[
        :n_trials
    ]
    indices = [t.user_attrs["index"] for t in trials]
    bench = _benchmark(data)
    optima = set(bench.optimum_indices.tolist())  # the optimum and its ties
    hits = [i for i, index in enumerate(indices) if index in optima]
    return {
        "sampler": name,
        "seed": seed,
        "trials": len(indices),
        "duplicates": len(indices) - len(set(indices)),
        "trials_to_optimum": hits[0] + 1 if hits else None,
        "best_val_mean_at_200": float(bench.val_mean[indices].max()),
        "wall_s": wall,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--samplers", default="weaknas,weaknas-uniform,tpe")
    parser.add_argument("--out", default="results/optuna_workers")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        for name in args.samplers.split(","):
            for stale in out.glob(f"{name}_{seed}.db"):
                stale.unlink()
            row = run_one(name, seed, args.trials, args.workers, out, args.data)
            rows.append(row)
            print(json.dumps(row), flush=True)
    table = pd.DataFrame(rows)
    table.to_csv(out / "runs.csv", index=False)
    summary = []
    for name, runs in table.groupby("sampler", sort=False):
        q = pd.to_numeric(runs["trials_to_optimum"], errors="coerce")
        found = q.dropna()
        summary.append(
            {
                "sampler": name,
                "seeds": len(runs),
                "duplicates (total)": int(runs["duplicates"].sum()),
                "found optimum": f"{len(found)}/{len(runs)}",
                "trials to optimum, mean (found)": round(found.mean(), 1),
                "median (found)": found.median(),
                "mean, a miss counted as 200": round(q.fillna(args.trials).mean(), 1),
                "best mean val @200": round(runs["best_val_mean_at_200"].mean(), 3),
                "wall s/study (median)": round(runs["wall_s"].median(), 1),
            }
        )
    text = frame_to_markdown(pd.DataFrame(summary))
    (out / "table.md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
