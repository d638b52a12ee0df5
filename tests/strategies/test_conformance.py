"""Every strategy in STRATEGIES passes the ask/tell conformance suite: each test of
``StrategyConformance`` runs once per strategy (its pytest id names the strategy)."""

import pytest

from weaknas.runner import SearchConfig
from weaknas.strategies import STRATEGIES, strategy_parameters
from weaknas.testing.extras import require
from weaknas.testing.strategy_suite import StrategyConformance


def _builder(name: str):
    def make(space, seed):
        if name == "tpe":
            require("optuna")
        # small initial designs so the predictors take over on the 48-architecture space
        n_init = 4 if "n_init" in strategy_parameters(name) else None  # None: not taken
        config = SearchConfig(benchmark=None, strategy=name, budget=48, n_init=n_init)
        return config.build_strategy(space, seed)

    return make


class TestConformance(StrategyConformance):
    @pytest.fixture(autouse=True, params=STRATEGIES)
    def _strategy(self, request):
        self.make = _builder(request.param)  # an instance attribute: called unbound
