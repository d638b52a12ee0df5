"""Constraints on costs known before evaluation: ``"edgegpu_latency<=5"``.

A known metric (a space's analytic costs, ``FiniteSpace.known_metrics``, or a benchmark
table's column the user declares known, as a latency lookup table of the target device
would be) decides feasibility before any pick: the strategy is started with every
infeasible architecture marked as taken, so it never proposes one, and a benchmark's
optimum becomes the best feasible architecture. Metrics observed only by evaluating are
not constrained this way (they would need a predictor of their own).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

OPERATORS = {"<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt}
_FORM = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_:]*)\s*(<=|>=|<|>)\s*([-+0-9.eE]+)\s*$")


@dataclass(frozen=True)
class Constraint:
    """``metric op bound``, e.g. ``Constraint("edgegpu_latency", "<=", 5.0)``."""

    metric: str
    op: str
    bound: float

    @classmethod
    def parse(cls, text: str) -> Constraint:
        match = _FORM.match(str(text))
        if match is None:
            raise ValueError(
                f"--constraint {text!r}: expected METRIC<=BOUND (or >=, <, >), e.g. "
                "edgegpu_latency<=5"
            )
        try:
            bound = float(match[3])
        except ValueError:
            raise ValueError(f"--constraint {text!r}: {match[3]!r} is not a number") from None
        return cls(match[1], match[2], bound)

    def satisfied(self, values: np.ndarray) -> np.ndarray:
        """Which ``values`` meet it (a missing value, NaN, does not)."""
        values = np.asarray(values, dtype=float)
        with np.errstate(invalid="ignore"):
            return OPERATORS[self.op](values, self.bound) & np.isfinite(values)

    def __str__(self) -> str:
        return f"{self.metric}{self.op}{self.bound:g}"


def parse_constraints(texts: Iterable[str | Constraint]) -> tuple[Constraint, ...]:
    return tuple(t if isinstance(t, Constraint) else Constraint.parse(t) for t in texts)


def feasible_mask(
    size: int, constraints: Iterable[Constraint], known: Mapping[str, np.ndarray]
) -> np.ndarray:
    """Which of ``size`` architectures meet every constraint, by the ``known`` metrics
    (``ValueError`` naming a metric that is not known, or a constraint nothing meets)."""
    mask = np.ones(size, dtype=bool)
    for constraint in constraints:
        if constraint.metric not in known:
            raise ValueError(
                f"--constraint {constraint}: {constraint.metric!r} is not known before "
                f"evaluation here (known: {', '.join(sorted(known)) or 'none'}); a benchmark "
                "table's metric is known when declared with --known NAME"
            )
        values = np.asarray(known[constraint.metric], dtype=float)
        if len(values) != size:
            raise ValueError(f"metric {constraint.metric!r}: {len(values)} values for {size}")
        mask &= constraint.satisfied(values)
    if not mask.any():
        shown = ", ".join(map(str, constraints))
        raise ValueError(f"no architecture satisfies {shown}: loosen the bound")
    return mask


__all__ = ["Constraint", "feasible_mask", "parse_constraints"]
