"""Median wall time of a 1,000-query default WeakNAS run on NB201 (packaged table, no files).

python benchmarks/nb201_run_time.py                         # this tree
PYTHONPATH=/tmp/old/src python benchmarks/nb201_run_time.py  # another checkout, same machine
"""

import statistics, time
from weaknas.benchmarks import load_benchmark
from weaknas.runner import SearchConfig, run_search

b = load_benchmark("nb201-cifar10")
run_search(b, SearchConfig(budget=100), 99)
walls, fits, ranks = [], [], []
for seed in range(5):
    s = run_search(b, SearchConfig(), seed).summary
    walls.append(s["wall_seconds"])
    fits.append(s["fit_seconds"])
    ranks.append(s["rank_seconds"])
print(
    f"median wall {statistics.median(walls):.2f} s, fit {statistics.median(fits):.2f}, rank {statistics.median(ranks):.2f}"
)
