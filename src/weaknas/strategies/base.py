"""The ask/tell protocol every search strategy follows.

A strategy sees the search space (indices and features) and the values it has been
told, nothing else: never the benchmark's table or its optimum. ``ask`` proposes
architectures that are neither evaluated nor pending, so a runner may evaluate a
batch in parallel and tell the results in any order.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from weaknas.pareto import Objective
from weaknas.spaces.base import FiniteSpace
from weaknas.strategies.options import StrategyOptions


def best_first(scores: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Positions of ``scores``, highest first; ties in random order.

    Tree predictors give many architectures the same score: shuffling before a stable
    sort breaks those ties at random rather than by index.
    """
    shuffled = rng.permutation(len(scores))
    return shuffled[np.argsort(-np.asarray(scores)[shuffled], kind="stable")]


def top_k(scores: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """``best_first(scores, rng)[:k]`` (same draws, same result) without sorting everything.

    Only values decide which positions are in the top ``k``, and the shuffle decides
    among ties, so the result is the same on every CPU: ``np.argpartition`` alone returns
    its positions in an order that depends on the CPU's vector instructions.
    """
    scores = np.asarray(scores)
    shuffled = rng.permutation(len(scores))
    k = min(k, len(scores))
    if k <= 0:
        return shuffled[:0]
    negated = -scores[shuffled]
    threshold = np.partition(negated, k - 1)[k - 1]  # a value: the same on every CPU
    above = np.flatnonzero(negated < threshold)
    tied = np.flatnonzero(negated == threshold)[: k - len(above)]
    chosen = np.concatenate([above, tied])  # shuffled positions, ascending
    return shuffled[chosen[np.argsort(negated[chosen], kind="stable")]]


@dataclass(frozen=True)
class Suggestion:
    """One architecture to evaluate, with the strategy's prediction for it (NaN if none)."""

    index: int
    predicted: float = float("nan")


class Strategy(ABC):
    """Base class: keeps the record of what was proposed and what was told.

    A subclass declares its keyword options as one dataclass (``Options``, in
    ``weaknas.strategies.options``) and reads them with ``_read_options``.
    """

    Options: ClassVar[type[StrategyOptions]] = StrategyOptions

    @classmethod
    def _read_options(cls, options: dict[str, Any]) -> Any:
        """``options`` as the class's ``Options`` (checked; an unknown name is named)."""
        accepted = list(cls.Options.names())
        unknown = sorted(set(options) - set(accepted))
        if unknown:
            raise ValueError(f"{cls.__name__} has no option(s) {unknown}; it takes {accepted}")
        return cls.Options(**options)

    def __init__(self, space: FiniteSpace, seed: int = 0) -> None:
        self.space = space
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self._told_index: list[int] = []
        self._told_value: list[float] = []
        self._pending: set[int] = set()
        self._failed: set[int] = set()  # told as failed: may be retried (told a value later)
        self._seen = np.zeros(space.size, dtype=bool)  # evaluated or pending
        # The latest prediction for every architecture, for diagnostics (rank correlation
        # with the truth, the paper's optimistic metric); None if the strategy has none.
        self.latest_scores: np.ndarray | None = None
        self.n_failed = 0  # evaluations reported through tell_failure
        # Several objectives (``set_objectives``): each told value is one number per
        # objective, in its own direction; ``_told_value`` keeps the first of them.
        self.objectives: tuple[Objective, ...] = ()
        self.known_objectives: dict[str, np.ndarray] = {}
        # Constraints on metrics observed with each evaluation (``set_observed_constraints``):
        # their values follow the objectives' in each tell.
        self.observed_constraints: tuple[Any, ...] = ()
        self._told_vector: list[np.ndarray] = []

    # --- the protocol --------------------------------------------------------------------
    def ask(self, max_count: int | None = None) -> list[Suggestion]:
        """Propose the next batch (the strategy's own batch size, at most ``max_count``)."""
        self._follow_growth()
        count = self.next_batch_size()
        if max_count is not None:
            count = min(count, max_count)
        count = min(count, int((~self._seen).sum()))
        if count <= 0:
            return []
        batch = self.random_unseen(count) if self.in_initial_design() else self._propose(count)
        for suggestion in batch:
            if self._seen[suggestion.index]:
                raise RuntimeError(f"{type(self).__name__} proposed {suggestion.index} twice")
            self._seen[suggestion.index] = True
            self._pending.add(suggestion.index)
        return batch

    def tell(self, index: int, value: float | Sequence[float]) -> None:
        """Record the observed value of a proposed architecture (with several objectives:
        one value per objective, in the order and directions of ``objectives``; then the
        value of each metric in ``observed_constraints``)."""
        index = self.space.check_index(index)
        if index not in self._pending and index not in self._failed:
            raise ValueError(f"architecture {index} was not proposed or was already told")
        vector = np.asarray(value, dtype=float).reshape(-1)
        expected = max(1, len(self.objectives)) + len(self.observed_constraints)
        if len(vector) != expected:
            raise ValueError(
                f"architecture {index}: {len(vector)} value(s) told for "
                f"{max(1, len(self.objectives))} objective(s) and "
                f"{len(self.observed_constraints)} observed constraint(s)"
            )
        if not np.all(np.isfinite(vector)):
            raise ValueError(f"architecture {index}: observed value {value!r} is not finite")
        if index in self._failed:  # a failed evaluation, retried
            self._failed.discard(index)
            self.n_failed -= 1
        self._pending.discard(index)
        self._told_index.append(index)
        self._told_value.append(float(vector[0]))
        if len(vector) > 1:
            self._told_vector.append(vector)

    def tell_failure(self, index: int) -> None:
        """Record that a proposed architecture could not be evaluated (crash, NaN,
        timeout). It is never proposed again and never used to fit a predictor, unless a
        retry of it succeeds and is told with ``tell``."""
        index = self.space.check_index(index)
        if index in self._failed:
            return  # retried and failed again
        if index not in self._pending:
            raise ValueError(f"architecture {index} was not proposed or was already told")
        self._pending.discard(index)
        self._failed.add(index)
        self.n_failed += 1

    def tell_many(self, results: Iterable[tuple[int, float]]) -> None:
        for index, value in results:
            self.tell(index, value)

    def warm_start(self, told: Iterable[tuple[int, float]], taken: Iterable[int] = ()) -> None:
        """Load what was evaluated without this strategy's proposals (another process's
        trials, an earlier study): ``told`` as (index, value) in the order observed, as if
        proposed and told; ``taken``, evaluated or running elsewhere without a value, is
        never proposed and never fitted on. Before the first ``ask`` only."""
        if self.n_told or self._seen.any():
            raise ValueError("warm_start loads a fresh strategy, before its first ask")
        for index, value in told:
            index = self.space.check_index(index)
            self._seen[index] = True
            self._pending.add(index)
            self.tell(index, value)
        for index in taken:
            self._seen[self.space.check_index(index)] = True

    def set_objectives(
        self, objectives: Sequence[Objective], known: Mapping[str, np.ndarray] | None = None
    ) -> None:
        """Search several objectives at once: from now on each ``tell`` gives one value
        per objective. ``known`` holds, for objectives known before evaluation (analytic
        costs, a device's lookup table), their value for every architecture. Before the
        first ``ask`` only; a strategy that searches one objective refuses."""
        if not self.Options.MULTI_OBJECTIVE:
            raise ValueError(
                f"{type(self).__name__} searches one objective; for several use weaknas, "
                "random, tpe or nsga2"
            )
        if self.n_told or self._seen.any():
            raise ValueError("set_objectives configures a fresh strategy, before its first ask")
        self.objectives = tuple(objectives)
        known = known or {}
        self.known_objectives = {
            o.name: np.asarray(known[o.name], dtype=float)
            for o in self.objectives
            if o.name in known
        }

    # --- for subclasses ------------------------------------------------------------------
    def _follow_growth(self) -> None:
        """Make room for members a growing pool gained (``spaces.pool``): they are unseen."""
        grown = self.space.size - len(self._seen)
        if grown > 0:
            self._seen = np.concatenate([self._seen, np.zeros(grown, dtype=bool)])

    @property
    def n_told(self) -> int:
        return len(self._told_index)

    def observations(self) -> tuple[np.ndarray, np.ndarray]:
        """(indices, values) of everything told so far."""
        return np.asarray(self._told_index, dtype=np.int64), np.asarray(self._told_value)

    def observed_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(indices, values) told with several objectives: one row per architecture, one
        column per objective, in its own direction."""
        k = len(self.objectives)
        width = k + len(self.observed_constraints)
        values = np.array(self._told_vector, dtype=float).reshape(-1, width)[:, :k]
        return np.asarray(self._told_index, dtype=np.int64), values

    def observed_metrics(self) -> np.ndarray:
        """The constrained metrics told with each evaluation (one column per constraint
        in ``observed_constraints``, rows as in ``observations``)."""
        c = len(self.observed_constraints)
        width = max(1, len(self.objectives)) + c
        return np.array(self._told_vector, dtype=float).reshape(-1, width)[:, width - c :]

    def observed_feasible(self) -> np.ndarray:
        """Which told architectures meet every observed constraint (all, without any)."""
        metrics = self.observed_metrics()
        feasible = np.ones(len(self._told_index), dtype=bool)
        for j, constraint in enumerate(self.observed_constraints):
            feasible &= constraint.satisfied(metrics[:, j])
        return feasible

    def set_observed_constraints(self, constraints: Sequence[Any]) -> None:
        """Constraints (``weaknas.runner.constraints.Constraint``) on metrics observed
        only by evaluating: each ``tell`` then carries their values after the objectives'.
        Before the first ask; a strategy that cannot predict them refuses."""
        if not self.Options.OBSERVED_CONSTRAINTS:
            raise ValueError(
                f"{type(self).__name__} cannot bound a metric observed only by evaluating "
                "(weaknas predicts it); bound a metric known before evaluation (--known)"
            )
        if self.n_told:
            raise ValueError("observed constraints configure a strategy before its first tell")
        self.observed_constraints = tuple(constraints)

    def unseen_indices(self) -> np.ndarray:
        """Architectures neither evaluated nor pending."""
        return np.flatnonzero(~self._seen)

    def random_unseen(self, count: int, exclude=()) -> list[Suggestion]:
        """``count`` architectures drawn uniformly from those neither evaluated, pending
        nor in ``exclude`` (proposals of the batch being built)."""
        candidates = self.unseen_indices()
        if len(exclude):
            candidates = np.setdiff1d(candidates, np.fromiter(exclude, dtype=np.int64))
        picks = self.rng.choice(candidates, size=count, replace=False)
        return [Suggestion(int(i)) for i in picks]

    # --- the random initial design, shared by every strategy that has one ----------------
    n_init: int = 0  # its size (a strategy with one sets it from its options)

    def next_batch_size(self) -> int:
        """How many architectures the strategy wants to propose next: the rest of the
        random initial design, then ``step_size()``."""
        proposed = int(self._seen.sum())
        return self.n_init - proposed if proposed < self.n_init else self.step_size()

    def step_size(self) -> int:
        """How many architectures a step after the initial design proposes."""
        return 1

    def in_initial_design(self) -> bool:
        """Whether the next proposals are random ones: until the initial design is all
        proposed (a strategy may wait longer, e.g. for its results)."""
        return int(self._seen.sum()) < self.n_init

    def score(self, indices: np.ndarray) -> np.ndarray | None:
        """The current predictor's scores of ``indices`` (for diagnostics); None if the
        strategy has no predictor yet. Never changes the strategy's state or draws."""
        return None if self.latest_scores is None else self.latest_scores[indices]

    @abstractmethod
    def _propose(self, count: int) -> list[Suggestion]:
        """Return ``count`` unseen architectures."""
