"""NAS-Bench-Graph loader checks (issue 15): every dataset's table, read from the wheel.

Per dataset: architectures, the best by mean validation performance with its validation
and test values, the range of validation values, and the hash round trip (every table
key -> the space's architecture -> its text form -> parsed back -> the same key).

    python benchmarks/nbgraph_tables.py
"""

from __future__ import annotations

import time

import numpy as np

from weaknas import names
from weaknas.benchmarks import load_benchmark


def main() -> None:
    print(
        "| dataset | architectures | best (by mean validation) | validation | test | "
        "validation range | round trip | load s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for dataset in names.NBGRAPH_DATASETS:
        started = time.perf_counter()
        bench = load_benchmark(f"nbgraph-{dataset}")
        seconds = time.perf_counter() - started
        space = bench.space
        round_trip = sum(
            space.hashes[space.from_string(space.to_string(i))] == space.hashes[i]
            for i in range(space.size)
        )
        best = bench.optimum_index
        text = space.to_string(best).replace("|", "\\|")  # a pipe inside a table cell
        print(
            f"| {dataset} | {space.size} | `{text}` | "
            f"{bench.val_mean[best]:.2f} | {bench.test[best]:.2f} | "
            f"{np.min(bench.val_mean):.2f}-{np.max(bench.val_mean):.2f} | "
            f"{round_trip}/{space.size} | {seconds:.1f} |"
        )
    print(f"\nmetric: {load_benchmark('nbgraph-proteins').metric} on proteins, accuracy elsewhere")


if __name__ == "__main__":
    main()
