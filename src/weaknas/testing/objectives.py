"""Small objectives over ``toy_space()`` that succeed, fail, hang or kill their worker.

They live in the package (not in a test file) so that ``spawn``ed worker processes and
Ray workers can import them by name.
"""

from __future__ import annotations

import os
import signal
import time

from weaknas.spaces.categorical import CategoricalSpace


def toy_space() -> CategoricalSpace:
    """8 x 8 x 3 = 192 configurations."""
    return CategoricalSpace({"a": list(range(8)), "b": list(range(8)), "c": ["x", "y", "z"]})


def quadratic(config: dict) -> float:
    """A smooth objective with its maximum 1.0 at a=6, b=2, c='y'."""
    return -((config["a"] - 6) ** 2) - (config["b"] - 2) ** 2 + (config["c"] == "y")


def slow_quadratic(config: dict) -> float:
    time.sleep(float(os.environ.get("WEAKNAS_TEST_SLEEP", "0.02")))
    return quadratic(config)


def troublesome(config: dict) -> float:
    """``quadratic``, except: a=1 raises, a=2 returns NaN, a=3 hangs, a=4 kills its process."""
    if config["a"] == 1:
        raise RuntimeError(f"training diverged for {config}")
    if config["a"] == 2:
        return float("nan")
    if config["a"] == 3:
        time.sleep(3600)
    if config["a"] == 4:
        os.kill(os.getpid(), signal.SIGKILL)
    return quadratic(config)


_nb201 = None


def nb201_mean_validation(arch: str) -> float:
    """NB201 cifar10 mean validation accuracy of an arch string (packaged table)."""
    global _nb201
    if _nb201 is None:
        from weaknas.benchmarks import load_benchmark

        _nb201 = load_benchmark("nb201-cifar10")
    return float(_nb201.val_mean[_nb201.space.from_string(arch)])


def hang_and_record_pid(config: dict) -> float:
    """Write this worker's pid into ``$WEAKNAS_TEST_PIDS`` (a folder), then hang."""
    folder = os.environ["WEAKNAS_TEST_PIDS"]
    with open(os.path.join(folder, str(os.getpid())), "w") as handle:
        handle.write("started")
    time.sleep(600)
    return 0.0


def record_gpu(config: dict) -> dict:
    """``quadratic``, with the GPU this worker was pinned to and when it ran."""
    started = time.time()
    time.sleep(float(os.environ.get("WEAKNAS_TEST_SLEEP", "0.3")))
    return {
        "value": quadratic(config),
        "gpu": os.environ.get("CUDA_VISIBLE_DEVICES", "none"),
        "started": started,
        "ended": time.time(),
    }


def record_ray_gpu(config: dict) -> dict:
    """``quadratic``, with the GPU ids Ray gave this evaluation and what CUDA would see."""
    import ray

    return {
        "value": quadratic(config),
        "ray_gpu_ids": ",".join(str(g) for g in ray.get_gpu_ids()),
        "gpu": os.environ.get("CUDA_VISIBLE_DEVICES", "none"),
    }


def worker_pid(config: dict) -> dict:
    """``quadratic``, with the id of the process that evaluated it."""
    return {"value": quadratic(config), "pid": os.getpid()}
