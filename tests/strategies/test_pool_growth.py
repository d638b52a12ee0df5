"""WeakNAS with a growing candidate pool: new members are searched, runs replay exactly."""

from __future__ import annotations

import numpy as np
import pytest

from weaknas.runner.engine import search
from weaknas.spaces import CategoricalSpace, NB201Space
from weaknas.spaces.darts import DartsSpace
from weaknas.strategies import WeakNAS, make_strategy


def convolutions(genotype: str) -> float:
    return float(genotype.count("conv"))


def test_growth_reaches_beyond_the_initial_pool_and_leaves_it_unchanged():
    space = DartsSpace(pool_size=300, seed=0)
    strategy = WeakNAS(space, seed=1, n_init=20, batch_size=10, top_m=30, pool_grow=40)
    for _ in range(8):
        for suggestion in strategy.ask():
            strategy.tell(
                suggestion.index, convolutions(strategy.space.to_string(suggestion.index))
            )
    indices, values = strategy.observations()
    assert space.size == 300 and strategy.space.size > 300
    assert (indices >= 300).any()  # grown members were proposed
    assert strategy.space.size == len(strategy._seen)
    assert values.max() >= 14  # near all-conv genotypes, rare in a random pool of 300


def test_categorical_pool_growth_keeps_the_constraint():
    choices = {f"x{i}": list(range(10)) for i in range(8)}  # 1e8 combinations: a pool
    space = CategoricalSpace(
        choices, constraint=lambda c: c["x0"] <= c["x1"], pool_size=500, max_enumerate=1000
    )
    strategy = WeakNAS(space, seed=0, n_init=10, batch_size=10, top_m=20, pool_grow=30)
    for _ in range(5):
        for s in strategy.ask():
            config = strategy.space.config(s.index)
            strategy.tell(s.index, float(sum(config.values())))
    grown = strategy.space
    assert grown.size > 500
    assert all(grown.config(i)["x0"] <= grown.config(i)["x1"] for i in range(500, grown.size))


def test_growth_is_refused_where_the_space_holds_everything():
    with pytest.raises(ValueError, match="nb201 holds every architecture already"):
        WeakNAS(NB201Space(), pool_grow=10)
    with pytest.raises(ValueError, match="pool_grow must be a whole number"):
        make_strategy("weaknas", DartsSpace(pool_size=50), pool_grow=-1)


def test_a_grown_run_resumes_to_the_same_proposals(tmp_path):
    space = DartsSpace(pool_size=200, seed=0)
    options = dict(n_init=10, batch_size=10, top_m=20, pool_grow=25)

    def strategy(seed=0):
        return make_strategy("weaknas", space, seed=seed, **options)

    settings = {"strategy": "weaknas", "seed": 0, "options": options}
    whole = search(convolutions, space, budget=60, strategy=strategy(), settings=settings)
    search(convolutions, space, budget=30, strategy=strategy(), out_dir=tmp_path, settings=settings)
    resumed = search(
        convolutions,
        space,
        budget=60,
        strategy=strategy(),
        out_dir=tmp_path,
        resume=True,
        settings=settings,
    )
    assert list(resumed.evaluations["arch"]) == list(whole.evaluations["arch"])
    assert (resumed.evaluations["index"] >= 200).any()
    assert np.isfinite(resumed.evaluations["value"]).all()
