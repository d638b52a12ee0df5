"""Peak memory of a WeakNAS search per pool member (issue 26): the numbers behind
``search_bytes_per_member`` of the DARTS and MobileNetV3 spaces, which refuse a
``--pool`` the machine could not hold before building any of it.

Each run is a fresh process: build the pool, then a 40-query WeakNAS search with the
defaults (features, a LightGBM fit, ranking every unseen member) on a cheap objective;
its peak resident memory (``ru_maxrss``) less the interpreter's before the pool. The
slope between two pool sizes is the cost of one more member.

    python benchmarks/pool_memory.py --sizes 400000,1600000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CHILD = """
import json, resource, sys
import weaknas
from weaknas.resolve.spaces import load_space

def objective(arch):
    return float(len(str(arch)) % 97)

name, size = sys.argv[1], int(sys.argv[2])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
space = load_space(name, pool=size)
weaknas.search(objective, space, budget=40, n_init=10, seed=0)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"bytes": (peak - before) * 1024}))
"""


def peak_bytes(space: str, size: int) -> int:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, space, str(size)], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])["bytes"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="400000,1600000", help="two pool sizes")
    parser.add_argument("--spaces", default="darts,mobilenetv3")
    args = parser.parse_args()
    small, large = (int(n) for n in args.sizes.split(","))
    from weaknas.resolve.spaces import load_space

    for space in args.spaces.split(","):
        low, high = peak_bytes(space, small), peak_bytes(space, large)
        slope = (high - low) / (large - small)
        declared = type(load_space(space, pool=10)).search_bytes_per_member
        print(
            f"{space}: peak {low / 2**20:.0f} MiB at {small:,}, {high / 2**20:.0f} MiB at "
            f"{large:,}: {slope:,.0f} bytes a member (declared {declared:,})"
        )


if __name__ == "__main__":
    main()
