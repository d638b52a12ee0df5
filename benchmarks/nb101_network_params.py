"""Does the PyTorch NAS-Bench-101 network have the benchmark's parameter count (issue 28)?

Builds ``weaknas.training.nb101_net`` for a seeded sample of cells (plus the cells with the
fewest and the most parameters) and compares ``count_parameters`` with ``params``.

    python benchmarks/nb101_network_params.py --data ../shared/data --cells 3000
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from weaknas.benchmarks import load_benchmark
from weaknas.training.nb101_net import build_network, count_parameters


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="folder with nb101.npz, or the file")
    parser.add_argument("--cells", type=int, default=300)
    args = parser.parse_args()
    bench = load_benchmark("nb101", args.data)
    params = bench.extra["params"].to_numpy()
    rows = np.random.default_rng(1).choice(bench.space.size, args.cells, replace=False)
    rows = [*map(int, rows), int(np.argmin(params)), int(np.argmax(params))]
    started = time.perf_counter()
    differ = [i for i in rows if count_parameters(build_network(bench.space.cell(i))) != params[i]]
    seconds = time.perf_counter() - started
    print(
        f"{len(rows) - len(differ)} of {len(rows)} cells: built parameter count = benchmark "
        f"params (range {int(params.min()):,}-{int(params.max()):,}); {seconds:.1f} s"
    )
    for index in differ:
        print(f"  differs: row {index} {bench.space.to_string(index)}")


if __name__ == "__main__":
    main()
