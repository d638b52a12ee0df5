"""Executors by the names the command line and ``weaknas.search`` take: the engine's
built-in ones, and ``ray`` from its integration (``pip install 'weaknas[ray]'``)."""

from __future__ import annotations

from concurrent.futures import Executor

from weaknas.names import EXECUTORS
from weaknas.runner.executors import make_executor as make_built_in


def make_executor(
    name: str, workers: int | None = 1, timeout: float | None = None, address: str | None = None
) -> Executor:
    """An executor by name (``weaknas.names.EXECUTORS``); ``address`` is a Ray cluster's.
    ``workers=None``: Ray's are the cluster's CPUs, the others' one."""
    if name not in EXECUTORS:
        raise ValueError(f"unknown executor {name!r}; expected one of {EXECUTORS}")
    if address is not None and name != "ray":
        raise ValueError(f"an address is for the ray executor, not {name!r}")
    if name != "ray":
        return make_built_in(name, workers or 1, timeout)
    from weaknas.integrations.ray import RayExecutor

    return RayExecutor(max_workers=workers, timeout=timeout, address=address)
