"""``weaknas.search``: the engine's search, with every executor name resolved (Ray's
too, which the runner does not know of)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from typing import Any

from weaknas.resolve.executors import make_executor
from weaknas.runner.engine import SearchResult
from weaknas.runner.engine import search as engine_search
from weaknas.spaces.base import FiniteSpace
from weaknas.strategies.base import Strategy


def search(
    objective: Callable[[Any], float | Mapping],
    space: FiniteSpace,
    budget: int = 100,
    strategy: str | Strategy = "weaknas",
    seed: int = 0,
    executor: str | Executor = "inline",
    workers: int = 1,
    timeout: float | None = None,
    address: str | None = None,
    gpus: str | Sequence[str] | None = None,
    workers_per_gpu: int = 1,
    gpus_per_evaluation: float | None = None,
    reuse_workers: bool = False,
    **options: Any,
) -> SearchResult:
    """Evaluate ``objective(arch)`` on up to ``budget`` architectures of ``space`` chosen
    by ``strategy``; ``weaknas.runner.engine.search`` documents every option. ``executor``
    may also be ``"ray"``: local Ray, or the cluster at ``address`` (``"auto"``: the one
    this machine belongs to; ``pip install 'weaknas[ray]'``). ``gpus`` (ids like ``"0,1"``,
    or ``"all"``) with ``executor="process"`` runs ``workers_per_gpu`` evaluations at once
    on each GPU, each process pinned to its GPU; ``gpus_per_evaluation`` asks Ray for that
    many GPUs per evaluation. ``reuse_workers=True``: process workers that stay up between
    evaluations, so what the objective loads (a supernet, CUDA) it loads once per worker.
    """
    placed = gpus is not None or gpus_per_evaluation is not None or reuse_workers
    if placed and not isinstance(executor, str):
        raise ValueError(
            "gpus, gpus_per_evaluation and reuse_workers build the executor: give "
            "executor='process' or 'ray', not an executor"
        )
    pool: str | Executor
    if isinstance(executor, str) and (executor == "ray" or placed):
        pool = make_executor(
            executor,
            workers,
            timeout,
            address,
            gpus,
            workers_per_gpu,
            gpus_per_evaluation,
            reuse_workers,
        )
        workers = getattr(pool, "max_workers", workers)
    else:
        if address is not None:
            raise ValueError(f"an address is for the ray executor, not {executor!r}")
        pool = executor
    try:
        return engine_search(
            objective,
            space,
            budget=budget,
            strategy=strategy,
            seed=seed,
            executor=pool,
            workers=workers,
            timeout=timeout,
            **options,
        )
    finally:
        if pool is not executor and isinstance(pool, Executor):  # built here: ended here
            pool.shutdown(wait=False, cancel_futures=True)
