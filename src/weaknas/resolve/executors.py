"""Executors by the names the command line and ``weaknas.search`` take: the engine's
built-in ones, and ``ray`` from its integration (``pip install 'weaknas[ray]'``)."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor

from weaknas.names import EXECUTORS
from weaknas.runner.executors import ProcessPerCallExecutor, check_gpus
from weaknas.runner.executors import make_executor as make_built_in
from weaknas.runner.worker_pool import ReusedProcessExecutor


def make_executor(
    name: str,
    workers: int | None = 1,
    timeout: float | None = None,
    address: str | None = None,
    gpus: str | Sequence[str] | None = None,
    workers_per_gpu: int = 1,
    gpus_per_evaluation: float | None = None,
    reuse_workers: bool = False,
) -> Executor:
    """An executor by name (``weaknas.names.EXECUTORS``); ``address`` is a Ray cluster's.
    ``workers=None``: Ray's are the cluster's CPUs, the others' one. ``gpus`` (ids, or
    ``"all"``: every GPU PyTorch sees) places process workers on GPUs,
    ``workers_per_gpu`` on each; ``gpus_per_evaluation`` asks Ray for that many GPUs per
    evaluation. ``reuse_workers``: process workers that stay up between evaluations
    (what an objective loads, it loads once per worker)."""
    if name not in EXECUTORS:
        raise ValueError(f"unknown executor {name!r}; expected one of {EXECUTORS}")
    if address is not None and name != "ray":
        raise ValueError(f"an address is for the ray executor, not {name!r}")
    if gpus is not None and name != "process":
        raise ValueError(
            f"--gpus places process workers (--executor process), not {name!r}"
            + ("; on Ray use --gpus-per-evaluation" if name == "ray" else "")
        )
    if gpus_per_evaluation is not None and name != "ray":
        raise ValueError(f"--gpus-per-evaluation is for the ray executor, not {name!r}")
    if reuse_workers and name != "process":
        raise ValueError(f"--reuse-workers is for the process executor, not {name!r}")
    if name == "process" and (gpus is not None or reuse_workers):
        kind = ReusedProcessExecutor if reuse_workers else ProcessPerCallExecutor
        if gpus is None:
            return kind(max_workers=workers or 1, timeout=timeout)
        ids = visible_gpus() if gpus == "all" else check_gpus(gpus)
        return kind(timeout=timeout, gpus=ids, workers_per_gpu=workers_per_gpu)
    if name != "ray":
        return make_built_in(name, workers or 1, timeout)
    from weaknas.integrations.ray import RayExecutor

    return RayExecutor(
        max_workers=workers,
        timeout=timeout,
        address=address,
        num_gpus_per_task=gpus_per_evaluation or 0,
    )


def visible_gpus() -> list[str]:
    """``--gpus all``: the ids of every GPU PyTorch sees here."""
    try:
        import torch
    except ImportError:
        raise ValueError("--gpus all: PyTorch is not installed to find the GPUs") from None
    count = torch.cuda.device_count()
    if count == 0:
        raise ValueError("--gpus all: PyTorch sees no GPU here (name the ids, e.g. --gpus 0,1)")
    return [str(i) for i in range(count)]
