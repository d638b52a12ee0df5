"""A conformance suite for search strategies: what the ask/tell protocol promises.

Subclass ``StrategyConformance`` in a test module and set ``make`` to build your
strategy (``make(space, seed) -> Strategy``); pytest runs every ``test_*`` method on it.
weaknas runs it on every strategy in ``STRATEGIES`` (tests/strategies/test_conformance.py),
as Optuna ships its sampler test cases.
"""

from __future__ import annotations

import numpy as np
import pytest

from weaknas.spaces.categorical import CategoricalSpace
from weaknas.strategies.base import Strategy


def conformance_space() -> CategoricalSpace:
    """4 x 4 x 3 = 48 architectures: small enough to exhaust, large enough to search."""
    return CategoricalSpace({"a": [0, 1, 2, 3], "b": [0, 1, 2, 3], "c": ["x", "y", "z"]})


def value_of(space: CategoricalSpace, index: int) -> float:
    config: dict = space.config(index)
    return -((config["a"] - 2) ** 2) - (config["b"] - 1) ** 2 + (config["c"] == "y")


class StrategyConformance:
    """The protocol, checked on a small categorical space (``conformance_space``)."""

    @staticmethod
    def make(space, seed: int) -> Strategy:
        raise NotImplementedError("set make = lambda space, seed: YourStrategy(space, seed)")

    def _run(self, seed: int, budget: int, fail_every: int = 0) -> list[int]:
        """Ask/tell until ``budget`` proposals; every ``fail_every``-th fails."""
        space = conformance_space()
        strategy = self.make(space, seed)
        proposed: list[int] = []
        while len(proposed) < budget:
            batch = strategy.ask(budget - len(proposed))
            if not batch:
                break
            for suggestion in batch:
                proposed.append(suggestion.index)
                if fail_every and len(proposed) % fail_every == 0:
                    strategy.tell_failure(suggestion.index)
                else:
                    strategy.tell(suggestion.index, value_of(space, suggestion.index))
        return proposed

    def test_never_proposes_an_architecture_twice(self):
        proposed = self._run(seed=0, budget=30)
        assert len(proposed) == 30 and len(set(proposed)) == 30

    def test_the_same_seed_gives_the_same_search(self):
        assert self._run(seed=3, budget=25) == self._run(seed=3, budget=25)

    def test_exhausts_the_space_and_then_proposes_nothing(self):
        proposed = self._run(seed=1, budget=100)
        assert sorted(proposed) == list(range(48))

    def test_failures_are_never_proposed_again_and_the_search_goes_on(self):
        proposed = self._run(seed=2, budget=40, fail_every=3)
        assert len(proposed) == 40 and len(set(proposed)) == 40

    def test_ask_respects_its_limit_and_never_hands_out_pending_architectures(self):
        space = conformance_space()
        strategy = self.make(space, 0)
        first = strategy.ask(3)
        second = strategy.ask(3)  # asked again before telling
        assert 1 <= len(first) <= 3 and 1 <= len(second) <= 3
        assert not {s.index for s in first} & {s.index for s in second}

    def test_telling_what_was_not_proposed_is_an_error(self):
        space = conformance_space()
        strategy = self.make(space, 0)
        batch = strategy.ask(2)
        unproposed = next(i for i in range(space.size) if i not in {s.index for s in batch})
        with pytest.raises(ValueError):
            strategy.tell(unproposed, 1.0)
        with pytest.raises(ValueError):
            strategy.tell(space.size + 5, 1.0)
        strategy.tell(batch[0].index, 1.0)
        with pytest.raises(ValueError):
            strategy.tell(batch[0].index, 1.0)  # told twice
        with pytest.raises(ValueError):
            strategy.tell(batch[-1].index, float("nan"))

    def test_a_failed_architecture_can_be_retried(self):
        space = conformance_space()
        strategy = self.make(space, 0)
        batch = strategy.ask(2)
        strategy.tell_failure(batch[0].index)
        assert strategy.n_failed == 1
        strategy.tell(batch[0].index, 0.5)  # the retry succeeded
        assert strategy.n_failed == 0
        indices, values = strategy.observations()
        assert batch[0].index in indices.tolist() and np.isfinite(values).all()
