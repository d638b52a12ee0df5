"""Searches of several objectives: what the strategy is told, the observed front, the
true front and hypervolume ratio on a benchmark, resume, and the errors."""

import json

import numpy as np
import pandas as pd
import pytest

from weaknas import search
from weaknas.benchmarks import load_benchmark
from weaknas.runner import SearchConfig, run_search
from weaknas.runner.output import OBJECTIVE_KEYS, SUMMARY_KEYS
from weaknas.spaces.categorical import CategoricalSpace

OBJECTIVES = "accuracy:max,edgegpu_latency:min"


def two_d_area(points: np.ndarray, reference: np.ndarray) -> float:
    """Area dominated by ``points`` (minimise both) within ``reference``: a sweep."""
    points = points[np.all(points < reference, axis=1)]
    points = points[np.lexsort((points[:, 1], points[:, 0]))]
    area, lowest = 0.0, reference[1]
    for x, y in points:
        if y < lowest:
            area += (reference[0] - x) * (lowest - y)
            lowest = y
    return area


@pytest.fixture(scope="module")
def bench(nb201_csv):
    benchmark = load_benchmark("nb201-cifar10", nb201_csv)
    if "edgegpu_latency" not in benchmark.extra:
        pytest.skip("HW-NAS-Bench metrics not beside the NB201 table")
    return benchmark


def test_a_benchmark_search_writes_its_front_and_measures_it_against_the_true_one(bench, tmp_path):
    result = run_search(
        bench, SearchConfig(budget=120, objectives=OBJECTIVES), seed=1, out_dir=tmp_path
    )
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert set(summary) == set(SUMMARY_KEYS) | set(OBJECTIVE_KEYS)
    evaluations = result.evaluations
    latency = bench.extra["edgegpu_latency"].to_numpy()
    # the strategy was told (value, latency) and the rows hold both
    np.testing.assert_allclose(evaluations["edgegpu_latency"], latency[evaluations["index"]])
    # pareto.parquet: exactly the evaluations no other dominates by what was observed
    observed = np.column_stack([-evaluations["value"], evaluations["edgegpu_latency"]])
    dominated = [
        bool(np.any(np.all(observed <= p, axis=1) & np.any(observed < p, axis=1))) for p in observed
    ]
    front = pd.read_parquet(tmp_path / "pareto.parquet")
    assert sorted(front["index"]) == sorted(evaluations["index"][~np.array(dominated)])
    assert summary["pareto_size"] == len(front)
    assert front["value"].is_monotonic_decreasing  # best first by the first objective
    # the true front: mutually non-dominated, and it dominates or equals every other cell
    truth = np.column_stack([-bench.val_mean, latency])
    true_front = truth[np.isin(np.arange(len(truth)), _true_front(bench, truth))]
    assert len(true_front) == summary["true_front_size"]
    written = pd.read_parquet(tmp_path / "true_front.parquet")
    assert sorted(written["index"]) == sorted(_true_front(bench, truth))
    np.testing.assert_allclose(written["val_mean"], bench.val_mean[written["index"]])
    for p in truth:
        assert np.any(np.all(true_front <= p, axis=1))
    # the reference point: each metric's median over the space
    reference = summary["reference_point"]
    assert reference == {
        "accuracy": pytest.approx(float(np.median(bench.val_mean))),
        "edgegpu_latency": pytest.approx(float(np.median(latency))),
    }
    ref = np.array([-reference["accuracy"], reference["edgegpu_latency"]])
    assert summary["true_hypervolume"] == pytest.approx(two_d_area(true_front, ref))
    evaluated = truth[evaluations["index"]]
    assert summary["hypervolume_ratio"] == pytest.approx(
        two_d_area(evaluated, ref) / summary["true_hypervolume"]
    )
    assert summary["hypervolume"] == pytest.approx(two_d_area(observed, ref))
    # per iteration: the ratio grows to the summary's, reached when the summary says
    ratios = result.iterations["hypervolume_ratio"].to_numpy()
    assert np.all(np.diff(ratios) >= -1e-12) and ratios[-1] == pytest.approx(
        summary["hypervolume_ratio"]
    )
    assert summary["settings"]["objectives"] == OBJECTIVES.split(",")


def _true_front(bench, truth):
    from weaknas.pareto import parse_objectives
    from weaknas.runner.observers import BenchmarkObserver

    observer = BenchmarkObserver(bench)
    observer.watch_objectives(parse_objectives(OBJECTIVES), {})
    return observer.true_front


@pytest.mark.parametrize("strategy", ["weaknas", "random", "tpe", "nsga2"])
def test_every_multi_objective_strategy_is_seeded_and_resumes(bench, strategy, tmp_path):
    config = SearchConfig(strategy=strategy, budget=60, objectives=OBJECTIVES)
    first = run_search(bench, config, seed=2).evaluations
    again = run_search(bench, config, seed=2, out_dir=tmp_path).evaluations
    assert first["index"].tolist() == again["index"].tolist()
    assert first["index"].nunique() == 60
    resumed = run_search(bench, config, seed=2, out_dir=tmp_path, resume=True)
    assert resumed.evaluations["index"].tolist() == first["index"].tolist()


def test_weaknas_prefers_the_front_to_random_picks(bench):
    """Not a benchmark (benchmarks/multi_objective.py is), a sanity floor: 5 seeds."""
    ratios = {}
    for strategy in ("weaknas", "random"):
        config = SearchConfig(strategy=strategy, budget=150, objectives=OBJECTIVES)
        ratios[strategy] = [
            run_search(bench, config, seed=s).summary["hypervolume_ratio"] for s in range(5)
        ]
    assert np.median(ratios["weaknas"]) > np.median(ratios["random"]) + 0.05


def test_a_known_objective_is_used_as_known_and_nothing_else_is(bench):
    from weaknas.strategies.weaknas import WeakNAS

    config = SearchConfig(budget=30, objectives=OBJECTIVES, known=["edgegpu_latency"])
    strategy = WeakNAS(bench.space, seed=0, **config.strategy_options())
    run_search(bench, config, seed=0, strategy=strategy)
    assert list(strategy.known_objectives) == ["edgegpu_latency"]
    undeclared = WeakNAS(bench.space, seed=0, **config.strategy_options())
    run_search(bench, SearchConfig(budget=30, objectives=OBJECTIVES), seed=0, strategy=undeclared)
    assert undeclared.known_objectives == {}  # observed only with the evaluations


def test_an_objective_returning_named_metrics_and_one_missing_them(tmp_path):
    space = CategoricalSpace({"depth": [1, 2, 3, 4, 5, 6], "width": [8, 16, 32, 64]})

    def scored(config):
        return {
            "value": config["depth"] + np.log2(config["width"]),
            "cost": config["depth"] * config["width"],
        }

    result = search(
        scored,
        space,
        budget=16,
        objectives="value:max,cost:min",
        out_dir=tmp_path / "run",
        n_init=6,
    )
    front = pd.read_parquet(tmp_path / "run" / "pareto.parquet")
    assert len(front) == result.summary["pareto_size"] > 0
    # without a benchmark the reference is the worst value evaluated
    ok = result.evaluations
    assert result.summary["reference_point"] == {
        "value": pytest.approx(ok["value"].min()),
        "cost": pytest.approx(ok["cost"].max()),
    }
    from weaknas.runner.engine import SearchStopped

    with pytest.raises(SearchStopped, match="objective 'latency'"):
        search(lambda c: 1.0, space, budget=16, objectives="value:max,latency:min", n_init=6)


def test_strategies_and_settings_that_cannot_search_several_objectives_are_refused(bench):
    with pytest.raises(ValueError, match="searches one objective"):
        SearchConfig(strategy="evolution", objectives=OBJECTIVES)
    with pytest.raises(ValueError, match="n_models, local"):
        run_search(
            bench,
            SearchConfig(budget=20, objectives=OBJECTIVES, acquisition="ei", local=0.2),
            0,
        )
    with pytest.raises(ValueError, match="no metric 'latency'"):
        run_search(bench, SearchConfig(budget=20, objectives="accuracy:max,latency:min"), 0)
    with pytest.raises(ValueError, match="spends its budget"):
        run_search(bench, SearchConfig(budget=20, objectives=OBJECTIVES, stop_at_optimum=True), 0)


def test_a_run_recorded_before_an_option_existed_still_resumes(bench, tmp_path):
    """run.json written before pareto_picks existed: read as its default, so it resumes."""
    config = SearchConfig(budget=30)
    first = run_search(bench, config, seed=0, out_dir=tmp_path)
    record = json.loads((tmp_path / "run.json").read_text())
    del record["options"]["pareto_picks"]
    (tmp_path / "run.json").write_text(json.dumps(record))
    (tmp_path / "summary.json").unlink()
    again = run_search(bench, config, seed=0, out_dir=tmp_path, resume=True)
    assert again.evaluations["index"].tolist() == first.evaluations["index"].tolist()
    record["options"]["top_m"] = "50"  # a setting that differs is still refused
    (tmp_path / "run.json").write_text(json.dumps(record))
    with pytest.raises(ValueError, match="resume needs the same"):
        run_search(bench, config, seed=0, out_dir=tmp_path, resume=True)
