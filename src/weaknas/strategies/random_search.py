"""Random search without replacement: the baseline every NAS method must beat."""

from __future__ import annotations

from weaknas.spaces.base import FiniteSpace
from weaknas.strategies.base import Strategy, Suggestion


class RandomSearch(Strategy):
    """Uniformly random unseen architectures, ``batch_size`` at a time."""

    def __init__(self, space: FiniteSpace, seed: int = 0, batch_size: int = 10) -> None:
        super().__init__(space, seed)
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.batch_size = batch_size

    def next_batch_size(self) -> int:
        return self.batch_size

    def _propose(self, count: int) -> list[Suggestion]:
        return self.random_unseen(count)
