"""Ray vs in-process: the same NB201 search gives the same result; Ray's cost per evaluation.

The objective is a table lookup (NB201 cifar10 mean validation, packaged data), so the
difference in wall time is Ray's overhead: task submission, scheduling on a local Ray
with ``--workers`` CPUs, result transfer. Ray's start-up is reported separately.

    python benchmarks/ray_overhead.py --budget 300 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from weaknas import search
from weaknas.integrations.ray import RayExecutor
from weaknas.spaces import NB201Space
from weaknas.testing.objectives import nb201_mean_validation


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    space = NB201Space()
    started = time.perf_counter()
    executor = RayExecutor(max_workers=args.workers)
    startup = time.perf_counter() - started
    search(nb201_mean_validation, space, budget=20, seed=99, executor=executor)  # warm workers
    inline_walls, ray_walls, identical = [], [], []
    for repeat in range(args.repeats):
        inline = search(nb201_mean_validation, space, budget=args.budget, seed=repeat)
        on_ray = search(
            nb201_mean_validation, space, budget=args.budget, seed=repeat, executor=executor
        )
        columns = ["index", "iteration", "value", "status"]
        identical.append(bool(inline.evaluations[columns].equals(on_ray.evaluations[columns])))
        inline_walls.append(inline.wall_seconds)
        ray_walls.append(on_ray.wall_seconds)
    executor.shutdown()
    overhead = (statistics.median(ray_walls) - statistics.median(inline_walls)) / args.budget
    print(
        json.dumps(
            {
                "budget": args.budget,
                "workers": args.workers,
                "identical_results": identical,
                "inline_wall_s": inline_walls,
                "ray_wall_s": ray_walls,
                "ray_overhead_ms_per_evaluation": round(overhead * 1000, 2),
                "ray_startup_s": round(startup, 2),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
