"""``WeakNASSampler`` in an Optuna multi-objective study (issue 29): NB201 cifar10,
accuracy x edgegpu_latency, through Optuna's own loop (``study.optimize``), against
Optuna's multi-objective TPE and NSGA-II samplers on the same objective. Each trial
suggests NB201's six edge operations and returns (one training seed's validation
accuracy, latency); the ratio is the true hypervolume of the evaluated cells over the
true front's, as in ``benchmarks/multi_objective.py``.

    python benchmarks/optuna_multi_objective.py --data ../shared/data --seeds 100-119

(``--samplers`` picks some of them: Optuna's TPE re-proposes cells it has seen, and a
study that keeps doing so grows to thousands of trials, each slower than the last.)
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import optuna
from seed_ranges import parse_seeds  # benchmarks/seed_ranges.py

from weaknas.benchmarks import load_benchmark
from weaknas.integrations.optuna import WeakNASSampler
from weaknas.pareto import parse_objectives
from weaknas.runner.observers import BenchmarkObserver
from weaknas.runner.pareto_results import hypervolume_after_each

TRIALS = 200
AT = (50, 100, 200)
OBJECTIVES = parse_objectives("accuracy:max,edgegpu_latency:min")
SAMPLERS = {
    "WeakNASSampler": lambda seed: WeakNASSampler(seed=seed),
    "TPESampler": lambda seed: optuna.samplers.TPESampler(seed=seed),
    "NSGAIISampler": lambda seed: optuna.samplers.NSGAIISampler(seed=seed),
}


def run(job: tuple[str, str, int]) -> tuple[str, int, list[float], float, float]:
    data, name, seed = job
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    bench = load_benchmark("nb201-cifar10", data)
    space = bench.space
    runs = bench.training_runs(seed)  # which training seed each cell reports, as run_search
    latency = bench.extra["edgegpu_latency"].to_numpy()
    choices = space.choices()
    evaluated: list[int] = []
    seen: dict[int, tuple[float, float]] = {}

    def objective(trial: optuna.Trial) -> tuple[float, float]:
        codes = [trial.suggest_categorical(n, list(range(len(c)))) for n, c in choices.items()]
        index = space.from_choices(codes)
        if index not in seen:  # a repeat costs no query (as the tpe strategy counts)
            evaluated.append(index)
            seen[index] = (bench.observe(index, int(runs[index])), float(latency[index]))
        return seen[index]

    study = optuna.create_study(directions=["maximize", "minimize"], sampler=SAMPLERS[name](seed))
    started = time.perf_counter()
    while len(evaluated) < TRIALS and len(study.trials) < 20 * TRIALS:
        study.optimize(objective, n_trials=1)
    seconds = time.perf_counter() - started
    observer = BenchmarkObserver(bench)
    observer.watch_objectives(OBJECTIVES, {})
    truth = observer.truth[evaluated]
    ratios = hypervolume_after_each(truth, OBJECTIVES, observer.reference)
    ratios /= observer.true_hypervolume
    hits = np.flatnonzero(ratios >= 0.95)
    q95 = float(hits[0] + 1) if len(hits) else float(TRIALS)
    at = [float(ratios[min(n, len(ratios)) - 1]) for n in AT]
    return name, seed, at, q95, seconds / max(1, len(study.trials)) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--seeds", default="100-119")
    parser.add_argument("--samplers", default=",".join(SAMPLERS), help="comma-separated")
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="processes")
    args = parser.parse_args()
    seeds = parse_seeds(args.seeds)
    names = args.samplers.split(",")
    unknown = sorted(set(names) - set(SAMPLERS))
    if unknown:
        parser.error(f"--samplers: unknown {unknown}; choose from {list(SAMPLERS)}")
    jobs = [(args.data, name, seed) for name in names for seed in seeds]
    with ProcessPoolExecutor(args.workers) as pool:
        results = list(pool.map(run, jobs))
    print(
        f"NB201 cifar10, accuracy x edgegpu_latency, {TRIALS} distinct cells per study, "
        f"seeds {args.seeds}: median hypervolume ratio at {'/'.join(map(str, AT))}; queries "
        "to 0.95 (a miss as the budget): mean / median; median ms per trial"
    )
    for name in names:
        rows = [r for r in results if r[0] == name]
        at = np.median([r[2] for r in rows], axis=0)
        q = np.array([r[3] for r in rows])
        ms = np.median([r[4] for r in rows])
        print(
            f"  {name:15s} {' / '.join(f'{a:.3f}' for a in at)}   q0.95 {q.mean():.1f} / "
            f"{np.median(q):.1f}   {ms:.0f} ms/trial"
        )


if __name__ == "__main__":
    main()
