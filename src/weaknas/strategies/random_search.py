"""Random search without replacement: the baseline every NAS method must beat."""

from __future__ import annotations

from typing import Any

from weaknas.spaces.base import FiniteSpace
from weaknas.strategies.base import Strategy, Suggestion
from weaknas.strategies.options import RandomOptions


class RandomSearch(Strategy):
    """Uniformly random unseen architectures, ``batch_size`` at a time."""

    Options = RandomOptions

    def __init__(self, space: FiniteSpace, seed: int = 0, **options: Any) -> None:
        given: RandomOptions = self._read_options(options)
        super().__init__(space, seed)
        self.batch_size = given.batch_size

    def step_size(self) -> int:
        return self.batch_size

    def _propose(self, count: int) -> list[Suggestion]:
        return self.random_unseen(count)
