"""``weaknas.search``: the engine's search, with every executor name resolved (Ray's
too, which the runner does not know of)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
    **options: Any,
) -> SearchResult:
    """Evaluate ``objective(arch)`` on up to ``budget`` architectures of ``space`` chosen
    by ``strategy``; ``weaknas.runner.engine.search`` documents every option. ``executor``
    may also be ``"ray"``: local Ray, or the cluster at ``address`` (``"auto"``: the one
    this machine belongs to; ``pip install 'weaknas[ray]'``).
    """
    if executor != "ray":
        if address is not None:
            raise ValueError(f"an address is for the ray executor, not {executor!r}")
        pool = executor
    else:
        pool = make_executor("ray", workers, timeout, address)
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
