"""Median wall time of a 1,000-query default WeakNAS run on NB201 (packaged table, no files).

python benchmarks/nb201_run_time.py                         # this tree
PYTHONPATH=/tmp/old/src python benchmarks/nb201_run_time.py  # another checkout, same machine
"""

import statistics

from weaknas.benchmarks import load_benchmark
from weaknas.runner import SearchConfig, run_search

bench = load_benchmark("nb201-cifar10")
run_search(bench, SearchConfig(budget=100), 99)  # warm-up
summaries = [run_search(bench, SearchConfig(), seed).summary for seed in range(5)]
wall, fit, rank = (
    statistics.median(s[key] for s in summaries)
    for key in ("wall_seconds", "fit_seconds", "rank_seconds")
)
print(f"median wall {wall:.2f} s, fit {fit:.2f}, rank {rank:.2f}")
