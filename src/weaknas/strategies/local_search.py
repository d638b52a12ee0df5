"""Local search as BANANAS' authors run it (White et al., 2021, "Local search is state of the art").

Start from the best of ``n_init`` random architectures; evaluate all its unevaluated
neighbours; move to the best of them if it beats the current one, else the current one is
a local optimum and the search restarts from a random architecture.
"""

from __future__ import annotations

from typing import Any

from weaknas.spaces.base import FiniteSpace
from weaknas.strategies.base import Strategy, Suggestion
from weaknas.strategies.options import LocalSearchOptions


class LocalSearch(Strategy):
    """Hill climbing over ``space.neighbours`` with random restarts."""

    Options = LocalSearchOptions

    def __init__(self, space: FiniteSpace, seed: int = 0, **options: Any) -> None:
        given: LocalSearchOptions = self._read_options(options)
        super().__init__(space, seed)
        self.n_init = given.n_init
        self.current: tuple[int, float] | None = None  # (index, value) climbed from
        self._round: list[int] = []  # what the last step proposed
        self._restarting = False  # the last step was a random restart
        self.restarts = 0

    def step_size(self) -> int:
        return self.space.size  # a step is "all unevaluated neighbours", however many

    def in_initial_design(self) -> bool:
        return self.n_told < self.n_init or bool(self._pending)  # or results outstanding

    def _propose(self, count: int) -> list[Suggestion]:
        indices, values = self.observations()
        told = dict(zip(indices.tolist(), values.tolist(), strict=True))
        if not self._round:  # first step: climb from the best initial architecture
            best = max(told, key=told.__getitem__)
            self.current = (best, told[best])
        else:
            evaluated = [i for i in self._round if i in told]  # failed evaluations drop out
            if not evaluated:
                return self._restart()
            best = max(evaluated, key=told.__getitem__)
            if self._restarting or self.current is None or told[best] > self.current[1]:
                self.current = (best, told[best])
            else:
                return self._restart()  # no neighbour is better: a local optimum
        fresh = [n for n in self.space.neighbours(self.current[0]) if not self._seen[n]]
        if not fresh:
            return self._restart()
        self._round, self._restarting = fresh[:count], False
        return [Suggestion(int(i)) for i in self._round]

    def _restart(self) -> list[Suggestion]:
        self.restarts += 1
        batch = self.random_unseen(1)
        self._round, self._restarting = [batch[0].index], True
        return batch
