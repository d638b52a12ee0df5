"""Regularized evolution (Real et al., 2019): ageing tournament selection with mutation.

A population of the last ``n_init`` evaluated architectures; each step samples
``sample_size`` of them, mutates the best (one edit, ``space.mutate``) and evaluates the
child, which replaces the oldest member. Published NAS defaults: population 30, sample 10.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from weaknas.spaces.base import FiniteSpace
from weaknas.strategies.base import Strategy, Suggestion
from weaknas.strategies.options import EvolutionOptions

MAX_MUTATION_TRIES = 100  # then a random unseen architecture (the neighbourhood is used up)


class RegularizedEvolution(Strategy):
    """Random initial population, then one mutated child per step (``batch_size`` at once).

    The tournament (``sample_size``) is at most the population (``n_init``).
    """

    Options = EvolutionOptions

    def __init__(self, space: FiniteSpace, seed: int = 0, **options: Any) -> None:
        given: EvolutionOptions = self._read_options(options)
        super().__init__(space, seed)
        self.n_init = given.n_init  # the population: random at first, then the last n_init
        self.sample_size = min(given.sample_size, given.n_init)
        self.batch_size = given.batch_size
        self.population: deque[tuple[int, float]] = deque(maxlen=given.n_init)

    def tell(self, index: int, value) -> None:
        super().tell(index, value)  # one objective only (it refuses several)
        self.population.append((int(index), float(value)))  # the oldest member drops out

    def step_size(self) -> int:
        return self.batch_size

    def in_initial_design(self) -> bool:
        return len(self.population) < self.n_init  # initial population, or pending

    def _propose(self, count: int) -> list[Suggestion]:
        children: list[Suggestion] = []
        members = list(self.population)
        for _ in range(count):
            picks = self.rng.choice(len(members), size=self.sample_size, replace=False)
            parent = max((members[i] for i in picks), key=lambda member: member[1])[0]
            taken = {c.index for c in children}
            child = self._unseen_child(parent, taken)
            children.append(child if child is not None else self.random_unseen(1, taken)[0])
        return children

    def _unseen_child(self, parent: int, taken: set[int]) -> Suggestion | None:
        for _ in range(MAX_MUTATION_TRIES):
            child = self.space.mutate(parent, self.rng)
            if not self._seen[child] and child not in taken:
                return Suggestion(int(child))
        return None
