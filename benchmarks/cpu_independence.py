"""Same seed, same search, with and without the CPU's vector instructions.

Runs every strategy and WeakNAS acquisition on NB201 (and WeakNAS on NB101) in a child
process twice, once with numpy's dispatched vector extensions switched off
(``NPY_DISABLE_CPU_FEATURES``), and compares hashes of the evaluation sequences.

    python benchmarks/cpu_independence.py --data ../shared/data
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from weaknas.strategies.registry import STRATEGIES

SETTINGS = (
    [("nb201-cifar10", {"strategy": s}) for s in STRATEGIES]
    + [
        ("nb201-cifar100", {"strategy": "weaknas", "acquisition": a})
        for a in ("greedy", "ei", "ucb", "ts")
    ]
    + [("nb201-imagenet16", {"strategy": "weaknas", "top_m": "100:10"}), ("nb101", {"budget": 500})]
)

CHILD = """
import hashlib, json, sys
from weaknas.benchmarks import load_benchmark
from weaknas.runner import SearchConfig, run_search
data, settings = sys.argv[1], json.loads(sys.argv[2])
for benchmark, options in settings:
    options = {"budget": 300, **options}
    bench = load_benchmark(benchmark, data)
    for seed in (0, 1):
        table = run_search(bench, SearchConfig(benchmark=benchmark, **options), seed).evaluations
        values = table[["index", "value" if "value" in table else "observed"]].to_numpy()
        digest = hashlib.sha1(values.tobytes()).hexdigest()[:12]
        print(benchmark, json.dumps(options, sort_keys=True), seed, digest, flush=True)
"""


def main() -> None:
    import json

    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    args = parser.parse_args()
    groups = " ".join(f for f in __cpu_dispatch__ if __cpu_features__.get(f))
    print(f"switched off: NPY_DISABLE_CPU_FEATURES={groups!r}")
    outputs = []
    for disabled in ("", groups):
        env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": disabled}
        done = subprocess.run(
            [sys.executable, "-c", CHILD, args.data, json.dumps(SETTINGS)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.append(done.stdout.splitlines())
    same = sum(a == b for a, b in zip(*outputs, strict=True))
    for a, b in zip(*outputs, strict=True):
        print(("same     " if a == b else "DIFFERENT") + "  " + a + ("" if a == b else f" | {b}"))
    print(f"identical evaluation sequences: {same} of {len(outputs[0])}")


if __name__ == "__main__":
    main()
