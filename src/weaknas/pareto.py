"""Several objectives at once: their directions, Pareto dominance and hypervolume.

A multi-objective search names two or three objectives with a direction each,
``"accuracy:max,edgegpu_latency:min"``. Everything here works on points in *minimisation
form* (a maximised objective negated), so one dominance rule and one hypervolume serve
every mix of directions. Non-dominated sorting and the hypervolume are moocore's
(exact; O(n log n) for two objectives).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import moocore
import numpy as np

# The objective's own value (what a single-objective search maximises): a benchmark's
# observed validation accuracy, or ``value`` of what a user's objective returns.
PRIMARY = ("accuracy", "value")
DIRECTIONS = ("max", "min")
MAX_OBJECTIVES = 3
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_:.]*$")


@dataclass(frozen=True)
class Objective:
    """One objective: a metric's name and whether it is maximised or minimised."""

    name: str
    direction: str

    @property
    def primary(self) -> bool:
        """Whether this is the objective's own value (not a named metric)."""
        return self.name in PRIMARY

    @property
    def sign(self) -> float:
        """Multiplier that turns the metric into a quantity to minimise."""
        return -1.0 if self.direction == "max" else 1.0

    def __str__(self) -> str:
        return f"{self.name}:{self.direction}"


def parse_objectives(spec: str | Iterable[str | Objective]) -> tuple[Objective, ...]:
    """``"accuracy:max,edgegpu_latency:min"`` (or a list of such parts) as objectives;
    a ``ValueError`` naming the part at fault."""
    parts = spec.split(",") if isinstance(spec, str) else list(spec)
    objectives = []
    for part in parts:
        if isinstance(part, Objective):
            objectives.append(part)
            continue
        name, _, direction = str(part).strip().rpartition(":")
        if not name or direction not in DIRECTIONS or not _NAME.match(name):
            raise ValueError(
                f"--objectives: {str(part).strip()!r} is not NAME:max or NAME:min "
                "(e.g. accuracy:max,edgegpu_latency:min)"
            )
        objectives.append(Objective(name, direction))
    names = [o.name for o in objectives]
    if len(set(names)) != len(names) or sum(o.primary for o in objectives) > 1:
        raise ValueError(f"--objectives: each objective once, got {', '.join(names)}")
    if not 2 <= len(objectives) <= MAX_OBJECTIVES:
        raise ValueError(
            f"--objectives: two or three objectives, got {len(objectives)} "
            f"({', '.join(map(str, objectives)) or 'none'}); a single objective is the "
            "default search"
        )
    return tuple(objectives)


def minimisation_form(values: np.ndarray, objectives: Sequence[Objective]) -> np.ndarray:
    """``values`` (one column per objective, in its own direction) to minimise."""
    signs = np.array([o.sign for o in objectives])
    return np.asarray(values, dtype=float) * signs


def nondominated(points: np.ndarray) -> np.ndarray:
    """Mask of the points (minimisation form) that no other point dominates; of equal
    points every copy is kept."""
    points = np.asarray(points, dtype=float)
    if len(points) == 0:
        return np.zeros(0, dtype=bool)
    return np.asarray(moocore.is_nondominated(points, keep_weakly=True), dtype=bool)


def pareto_ranks(points: np.ndarray) -> np.ndarray:
    """Non-dominated sorting (minimisation form): 0 for the first front, 1 for the front
    left when it is removed, ..."""
    points = np.asarray(points, dtype=float)
    if len(points) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.asarray(moocore.pareto_rank(points), dtype=np.int64)


def hypervolume(points: np.ndarray, reference: np.ndarray) -> float:
    """Volume dominated by ``points`` and bounded by ``reference`` (both in minimisation
    form); points not strictly better than the reference in every objective add nothing."""
    points = np.asarray(points, dtype=float).reshape(-1, len(reference))
    points = points[np.all(points < reference, axis=1)]
    if len(points) == 0:
        return 0.0
    return float(moocore.hypervolume(points, ref=np.asarray(reference, dtype=float)))


def hypervolume_curve(points: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """The hypervolume of the first 1, 2, ..., n ``points`` (in the order evaluated)."""
    points = np.asarray(points, dtype=float).reshape(-1, len(reference))
    curve = np.zeros(len(points))
    front = np.zeros((0, len(reference)))
    volume = 0.0
    for i, point in enumerate(points):
        if np.all(point < reference) and not np.any(np.all(front <= point, axis=1)):
            front = np.vstack([front[~np.all(point <= front, axis=1)], point])
            volume = hypervolume(front, reference)
        curve[i] = volume
    return curve


__all__ = [
    "DIRECTIONS",
    "PRIMARY",
    "Objective",
    "hypervolume",
    "hypervolume_curve",
    "minimisation_form",
    "nondominated",
    "parse_objectives",
    "pareto_ranks",
]
