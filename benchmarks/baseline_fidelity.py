"""How often do the baselines fall back to random picks (issue 30, item 1)?

BANANAS-like, regularized evolution and local search each pick from what their own
rule offers (mutations of the best, a mutated tournament winner, the unseen neighbours of
the current architecture) and draw a random unseen architecture when the rule offers
nothing: local search by design (a restart), the other two only when their candidates
are used up. This counts those random draws after the initial design, per run, and the
queries to the optimum, on the research protocol (noisy NB201 queries, budget 1,000;
NB101 budget 3,000), each run stopped at the optimum. Run it on two checkouts to compare
code before and after a change (the count wraps ``Strategy.random_unseen``, which both
have):

    python benchmarks/baseline_fidelity.py --data ../shared/data --seeds 0-19
    PYTHONPATH=/tmp/before/src python benchmarks/baseline_fidelity.py --data ../shared/data ...
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

from seed_ranges import parse_seeds  # benchmarks/seed_ranges.py

from weaknas.benchmarks import load_benchmark
from weaknas.runner import SearchConfig, run_search
from weaknas.strategies.base import Strategy

BUDGETS = {"nb101": 3000}  # others: the NB201 protocol's 1,000
_benchmarks: dict = {}
_random_picks = [0]


def _counting_random_unseen():
    """Wrap ``Strategy.random_unseen`` to count draws made after the initial design."""
    original = Strategy.random_unseen
    if getattr(original, "counts", False):
        return

    def random_unseen(self, count, exclude=()):
        if not self.in_initial_design():
            _random_picks[0] += count
        return original(self, count, exclude)

    random_unseen.counts = True  # type: ignore[attr-defined]
    Strategy.random_unseen = random_unseen  # type: ignore[method-assign]


def one_run(job: tuple[str | None, str, str, int]) -> dict:
    data, name, method, seed = job
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    _counting_random_unseen()
    if name not in _benchmarks:
        _benchmarks[name] = load_benchmark(name, data)
    budget = BUDGETS.get(name, 1000)
    config = SearchConfig(benchmark=name, strategy=method, budget=budget, stop_at_optimum=True)
    _random_picks[0] = 0
    started = time.perf_counter()
    summary = run_search(_benchmarks[name], config, seed).summary
    found = summary["queries_to_optimum"]
    n_init = config.for_space(_benchmarks[name].space)[0].as_dict().get("n_init") or 0
    return {
        "queries": budget if found is None else found,
        "found": found is not None,
        "picks": summary["n_queries"] - n_init,
        "random": _random_picks[0],
        "seconds": time.perf_counter() - started,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None)
    parser.add_argument("--seeds", default="0-19")
    parser.add_argument("--benchmarks", default="nb201-cifar10,nb201-cifar100,nb201-imagenet16")
    parser.add_argument("--methods", default="bananas,evolution,local-search")
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    args = parser.parse_args()
    seeds = parse_seeds(args.seeds)
    print(f"seeds {args.seeds}; random picks after the initial design, until the optimum")
    with ProcessPoolExecutor(args.workers) as pool:
        for name in args.benchmarks.split(","):
            for method in args.methods.split(","):
                jobs = [(args.data, name, method, seed) for seed in seeds]
                runs = list(pool.map(one_run, jobs))
                picks = sum(r["picks"] for r in runs)
                random = sum(r["random"] for r in runs)
                found = [r["queries"] for r in runs if r["found"]]
                print(
                    f"{name} {method}: random {random} of {picks} picks "
                    f"({100 * random / max(picks, 1):.1f}%), runs with any "
                    f"{sum(r['random'] > 0 for r in runs)} of {len(runs)}; queries to the "
                    f"optimum mean {statistics.fmean(r['queries'] for r in runs):.1f} "
                    f"(budget where missed), found {len(found)}; "
                    f"median run {statistics.median(r['seconds'] for r in runs):.2f} s",
                    flush=True,
                )


if __name__ == "__main__":
    main()
