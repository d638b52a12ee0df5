"""Every strategy in STRATEGIES passes the ask/tell conformance suite."""

import pytest

from weaknas.runner import SearchConfig
from weaknas.strategies import STRATEGIES
from weaknas.testing.extras import require
from weaknas.testing.strategy_suite import StrategyConformance


def _builder(name: str):
    def make(space, seed):
        if name == "tpe":
            require("optuna")
        # small initial designs so the predictors take over on the 48-architecture space
        config = SearchConfig(benchmark=None, strategy=name, budget=48, n_init=4)
        return config.build_strategy(space, seed)

    return staticmethod(make)


for _name in STRATEGIES:
    _class = f"TestConformance_{_name.replace('-', '_')}"
    globals()[_class] = type(_class, (StrategyConformance,), {"make": _builder(_name)})


def test_every_strategy_is_covered():
    covered = {
        name for name in STRATEGIES if f"TestConformance_{name.replace('-', '_')}" in globals()
    }
    assert covered == set(STRATEGIES)
    assert pytest  # the suite's assertions come from pytest
