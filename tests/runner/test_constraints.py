"""Constraints: on a metric known before evaluation no infeasible architecture is ever
proposed; on one observed with each evaluation the strategy predicts it; a benchmark's
optimum becomes the best feasible one; bad requests are named."""

import json

import numpy as np
import pytest

from weaknas import search
from weaknas.benchmarks import load_benchmark
from weaknas.cli import main
from weaknas.runner import SearchConfig, run_search
from weaknas.runner.constraints import Constraint
from weaknas.spaces.mobilenetv3 import MobileNetV3Space


def test_constraints_parse_and_check():
    c = Constraint.parse(" edgegpu_latency <= 4.5 ")
    assert (c.metric, c.op, c.bound, str(c)) == (
        "edgegpu_latency",
        "<=",
        4.5,
        "edgegpu_latency<=4.5",
    )
    assert c.satisfied(np.array([4.0, 4.5, 5.0, np.nan])).tolist() == [True, True, False, False]
    for bad in ("latency", "latency=<3", "<=3", "latency<=x"):
        with pytest.raises(ValueError, match="--constraint"):
            Constraint.parse(bad)


def test_a_search_never_proposes_an_architecture_beyond_a_known_bound(tmp_path):
    space = MobileNetV3Space(pool_size=300, seed=2)
    bound = float(np.percentile(space.macs(), 20))
    options = dict(budget=40, constraints=[f"mflops<={bound}"], out_dir=tmp_path / "run")
    result = search(lambda c: float(sum(c["d"])), space, **options)
    assert len(result.evaluations) == 40 and (result.evaluations["mflops"] <= bound).all()
    recorded = json.loads((tmp_path / "run" / "run.json").read_text())
    assert recorded["constraints"] == [f"mflops<={bound:g}"]
    again = search(lambda c: float(sum(c["d"])), space, resume=True, **options)  # same run
    assert again.evaluations["index"].tolist() == result.evaluations["index"].tolist()


def test_on_a_benchmark_the_optimum_is_the_best_feasible_architecture(nb201_csv):
    bench = load_benchmark("nb201-cifar10", nb201_csv)
    latency = bench.extra["edgegpu_latency"].to_numpy()
    bound = float(np.percentile(latency, 25))
    config = SearchConfig(
        benchmark=bench.name,
        budget=300,
        stop_at_optimum=True,
        constraints=[f"edgegpu_latency<={bound}"],
        known=["edgegpu_latency"],
    )
    result = run_search(bench, config, seed=3)
    feasible = np.flatnonzero(latency <= bound)
    best = int(feasible[np.argmax(bench.val_mean[feasible])])
    summary = result.summary
    assert (
        summary["optimum_arch"]
        == bench.space.to_string(best)
        != bench.space.to_string(bench.optimum_index)
    )
    assert summary["optimum_is_best_feasible"]
    assert (result.evaluations["edgegpu_latency"] <= bound).all()
    indices = result.evaluations["index"].tolist()
    if summary["queries_to_optimum"] is not None:  # found: counted to the best feasible
        assert indices[summary["queries_to_optimum"] - 1] == best
    assert SearchConfig(**config.as_dict()) == config  # recorded and read back


def test_bad_constraints_are_named(nb201_csv, capsys, tmp_path):
    out = tmp_path / "run"
    run = ["search", "--data", str(nb201_csv), "--budget", "20", "--quiet", "--out", str(out)]
    assert main([*run, "--constraint", "latency<=4"]) == 2
    assert "nb201-cifar10 has no metric 'latency'" in capsys.readouterr().err
    assert main([*run, "--constraint", "x<=4", "--known", "nonsense"]) == 2
    assert "--known nonsense: nb201-cifar10 has no such metric" in capsys.readouterr().err
    args = ["--constraint", "edgegpu_latency<=0", "--known", "edgegpu_latency"]
    assert main([*run, *args]) == 2
    assert "no architecture satisfies edgegpu_latency<=0" in capsys.readouterr().err
    assert main([*run, "--constraint", "edgegpu_latency=4"]) == 2
    assert "expected METRIC<=BOUND" in capsys.readouterr().err
    assert not out.exists()  # refused before the folder is made


def test_a_bound_on_an_observed_metric_is_predicted_and_the_best_feasible_reported(
    nb201_csv, tmp_path
):
    """edgegpu_latency not declared --known: the search learns it from its evaluations."""
    bench = load_benchmark("nb201-cifar10", nb201_csv)
    latency = bench.extra["edgegpu_latency"].to_numpy()
    bound = float(np.percentile(latency, 25))  # a quarter of the space is feasible
    config = SearchConfig(budget=150, constraints=[f"edgegpu_latency<={bound}"])
    result = run_search(bench, config, seed=4, out_dir=tmp_path)
    evaluations = result.evaluations
    np.testing.assert_array_equal(evaluations["feasible"], latency[evaluations["index"]] <= bound)
    after_initial = evaluations["feasible"].to_numpy()[10:]
    assert after_initial.mean() > 0.5  # the space: 0.25; the predictor steers the picks
    feasible = evaluations[evaluations["feasible"]]
    summary = result.summary
    assert summary["best_arch"] == feasible.loc[feasible["value"].idxmax(), "arch"]
    truly = np.flatnonzero(latency <= bound)
    best = truly[np.argmax(bench.val_mean[truly])]
    assert summary["optimum_arch"] == bench.space.to_string(best)
    resumed = run_search(bench, config, seed=4, out_dir=tmp_path, resume=True)
    assert resumed.evaluations["index"].tolist() == evaluations["index"].tolist()


def test_only_a_strategy_that_predicts_can_bound_an_observed_metric(nb201_csv):
    bench = load_benchmark("nb201-cifar10", nb201_csv)
    config = SearchConfig(strategy="random", budget=20, constraints=["edgegpu_latency<=4"])
    with pytest.raises(ValueError, match="cannot bound a metric observed only by evaluating"):
        run_search(bench, config, seed=0)
