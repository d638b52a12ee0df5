"""Package attributes imported on first use, so worker processes start light."""

from __future__ import annotations

import importlib
from collections.abc import Callable


def lazy_attributes(
    package: str, sources: dict[str, str], submodules: tuple[str, ...] = ()
) -> Callable[[str], object]:
    """A module ``__getattr__`` that imports ``name`` from ``sources[name]`` when asked,
    and the ``submodules`` of ``package`` on first use (``weaknas.integrations.optuna``
    works after a bare ``import weaknas``)."""

    def __getattr__(name: str):
        if name in sources:
            return getattr(importlib.import_module(sources[name]), name)
        if name in submodules:
            return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
