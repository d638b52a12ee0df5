"""A strategy never receives anything derived from a benchmark's table: a spy records
every call the runner makes into a strategy during benchmark searches."""

import sys

import numpy as np
import pandas as pd
import pytest

from weaknas.benchmarks import load_benchmark
from weaknas.runner import SearchConfig, run_search
from weaknas.strategies import strategy_class


def spying(cls):
    """``cls`` recording each call made to it from outside the strategy's own code."""

    class Spy(cls):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.calls: list[tuple[str, tuple, dict]] = []

        def __getattribute__(self, name):
            attribute = super().__getattribute__(name)
            caller = sys._getframe(1).f_globals.get("__name__", "")
            inside = caller.startswith(("weaknas.strategies", "weaknas.predictors", __name__))
            if name.startswith("_") or inside or not callable(attribute):
                return attribute
            calls = super().__getattribute__("calls")

            def recorded(*args, **kwargs):
                calls.append((name, args, kwargs))
                return attribute(*args, **kwargs)

            return recorded

    return Spy


@pytest.mark.parametrize("strategy", ["weaknas", "bananas", "evolution"])
def test_no_strategy_method_receives_anything_from_the_benchmark_table(strategy, nb201_csv):
    benchmark = load_benchmark("nb201-cifar10", nb201_csv)
    config = SearchConfig(strategy=strategy, budget=60)
    spy = spying(strategy_class(strategy))(benchmark.space, seed=0, **config.strategy_options())
    result = run_search(benchmark, config, seed=0, strategy=spy)
    evaluations: pd.DataFrame = result.evaluations
    told = dict(zip(evaluations["index"], evaluations["value"], strict=True))
    assert spy.calls
    for name, args, kwargs in spy.calls:
        assert not kwargs, (name, kwargs)
        if name == "ask":
            assert all(isinstance(a, int | None) for a in args)
        elif name == "tell":
            index, value = args
            assert index in told and value == told[index]  # the value it was told, no more
        elif name == "score":  # diagnostics: indices chosen from the space's size alone
            (indices,) = args
            np.testing.assert_array_equal(indices, np.arange(benchmark.space.size))
        else:
            assert not any(isinstance(a, np.ndarray | list | dict) for a in args), name
    if strategy == "bananas":  # scores only candidates: asked, and diagnosed from that
        assert any(name == "score" for name, _, _ in spy.calls)
        assert np.isfinite(result.iterations["kendall_tau_top100"].to_numpy(float)[1:]).all()


@pytest.mark.parametrize("strategy", ["weaknas", "tpe"])
def test_with_several_objectives_a_strategy_is_told_only_what_each_evaluation_returned(
    strategy, nb201_csv
):
    """The objectives and known metrics it is handed: none unless declared --known; each
    tell: the value and the latency the evaluation returned, nothing of any other cell."""
    benchmark = load_benchmark("nb201-cifar10", nb201_csv)
    if "edgegpu_latency" not in benchmark.extra:
        pytest.skip("HW-NAS-Bench metrics not beside the NB201 table")
    objectives = "accuracy:max,edgegpu_latency:min"
    config = SearchConfig(strategy=strategy, budget=40, objectives=objectives)
    spy = spying(strategy_class(strategy))(benchmark.space, seed=0, **config.strategy_options())
    result = run_search(benchmark, config, seed=0, strategy=spy)
    rows = result.evaluations.set_index("index")
    names = [name for name, _, _ in spy.calls]
    assert names.count("set_objectives") == 1 and names.count("tell") == 40
    for name, args, _ in spy.calls:
        if name == "set_objectives":
            given, known = args
            assert [str(o) for o in given] == objectives.split(",") and known == {}
        elif name == "tell":
            index, values = args
            assert values == [rows.loc[index, "value"], rows.loc[index, "edgegpu_latency"]]
