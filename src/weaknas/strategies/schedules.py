"""Schedules for WeakNAS's top-M: how large the promising region is at each step."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class TopMSchedule:
    """M as a function of the number of evaluations so far.

    ``start == end`` is the paper's constant M. Otherwise M decays exponentially from
    ``start`` (at ``n_evaluated == 0``) to ``end`` (at ``n_evaluated >= horizon``,
    normally the query budget), so the search explores broadly first and then focuses.
    """

    start: int
    end: int
    horizon: int = 1000

    def __post_init__(self) -> None:
        if self.start < 1 or self.end < 1:
            raise ValueError(f"top-M must be >= 1, got start={self.start}, end={self.end}")
        if self.end > self.start:
            raise ValueError(
                f"top-M {self.start}:{self.end} would grow; a schedule decays from M_START "
                "to a smaller M_END (e.g. 1000:100)"
            )
        if self.horizon < 1:
            raise ValueError(f"top-M horizon must be >= 1, got {self.horizon}")

    @classmethod
    def parse(cls, text: str, horizon: int) -> TopMSchedule:
        """``"100"`` (constant) or ``"1000:100"`` (decay from 1000 to 100 over ``horizon``)."""
        parts = str(text).split(":")
        try:
            values = [int(p) for p in parts]
        except ValueError:
            values = []
        if len(values) not in (1, 2):
            raise ValueError(f"top-M {text!r} must be 'M' or 'M_START:M_END', e.g. 100 or 1000:100")
        return cls(values[0], values[-1], horizon)

    def __call__(self, n_evaluated: int) -> int:
        if self.start == self.end:
            return self.start
        fraction = min(1.0, max(0.0, n_evaluated / self.horizon))
        return max(1, round(self.start * math.exp(fraction * math.log(self.end / self.start))))

    def __str__(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}:{self.end}"
