"""A function named by ``MODULE:FUNCTION`` text: your objective, a space's constraint."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from typing import Any


def import_callable(spec: str, what: str) -> Callable:
    """The function named by ``MODULE:FUNCTION``; the working directory is importable."""
    module_name, _, attribute = str(spec).partition(":")
    if not module_name or not attribute:
        raise ValueError(f"{what} {spec!r}: expected MODULE:FUNCTION")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())  # as `python -m` would; spawned workers inherit it
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(f"{what} {spec!r}: cannot import {module_name!r} ({exc})") from None
    function: Any = module
    for part in attribute.split("."):
        function = getattr(function, part, None)
        if function is None:
            raise ValueError(f"{what} {spec!r}: {module_name} has no {attribute!r}")
    if not callable(function):
        raise ValueError(f"{what} {spec!r}: {attribute!r} is not callable")
    return function
