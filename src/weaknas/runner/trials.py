"""What the engine hands out and gets back: a ``Trial`` (one architecture to evaluate)
and its ``Outcome`` (a value, or the error that made it fail), read from whatever the
objective returned."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Trial:
    """One architecture handed out for evaluation."""

    index: int
    arch: object  # what the objective receives: a config dict, or the arch string
    iteration: int
    predicted: float = float("nan")


@dataclass
class Outcome:
    value: float | None
    error: str | None
    seconds: float
    info: dict = field(default_factory=dict)
    elapsed: float = float("nan")  # seconds since the run started (resumes continue it)

    @property
    def ok(self) -> bool:
        return self.error is None


def outcome_of(result, seconds: float) -> Outcome:
    """What the objective returned: a number, or a mapping with ``value`` and extras
    (numbers and strings are kept: an evaluator's own seconds, device, parameters)."""
    info = {}
    if isinstance(result, Mapping):
        info = {
            k: v for k, v in result.items() if k != "value" and isinstance(v, int | float | str)
        }
        if "value" not in result:
            return Outcome(
                None, f"objective returned a mapping without 'value': {result!r}", seconds
            )
        result = result["value"]
    try:
        value = float(result)
    except (TypeError, ValueError):
        return Outcome(None, f"objective returned {result!r}, not a number", seconds, info)
    if not math.isfinite(value):
        return Outcome(None, f"objective returned {value}", seconds, info)
    return Outcome(value, None, seconds, info)
