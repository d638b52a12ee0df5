import sys

import numpy as np
import pandas as pd
import pytest

from weaknas.runner import SearchConfig
from weaknas.study import at_checkpoints, markdown_table, queries_stats, run_study


def test_checkpoint_metrics_follow_best_observed():
    table = pd.DataFrame(
        {
            "value": [50.0, 70.0, 60.0, 70.0, 80.0],
            "test": [1.0, 2.0, 3.0, 4.0, 5.0],
            "val_mean": [10.0, 20.0, 30.0, 40.0, 50.0],
        }
    )
    metrics = at_checkpoints(table, checkpoints=(1, 2, 4, 5, 6))
    assert metrics["test@1"] == 1.0
    assert metrics["test@2"] == 2.0
    assert metrics["test@4"] == 2.0  # a tie keeps the first architecture that reached it
    assert metrics["test@5"] == 5.0 and metrics["val_mean@5"] == 50.0
    assert np.isnan(metrics["test@6"])
    # A run stopped at the optimum with exact observations keeps its pick afterwards.
    exact = at_checkpoints(table, checkpoints=(5, 6, 100), found_optimum_exactly=True)
    assert exact["test@6"] == exact["test@100"] == 5.0


def test_queries_stats_count_seeds_that_found_it():
    stats = queries_stats(pd.DataFrame({"queries_to_optimum": [10, None, 30]}))
    assert stats == {"seeds": 3, "found": 2, "mean": 20.0, "std": 10.0, "median": 20.0}


def test_study_runs_seeds_in_parallel_and_resumes(nb201_csv, tmp_path):
    config = SearchConfig(budget=50)
    table = run_study(config, range(3), tmp_path, data=str(nb201_csv), workers=2)
    assert sorted(table["seed"]) == [0, 1, 2]
    assert {"queries_to_optimum", "test@50", "best_test"} <= set(table.columns)
    runs = pd.read_parquet(tmp_path / "runs.parquet")
    assert len(runs) == 150 and set(runs["seed"]) == {0, 1, 2}
    report = (tmp_path / "report.md").read_text()
    assert "weaknas[lgbm]" in report and "test@50" in report
    seed_file = tmp_path / "seeds" / "seed_0001" / "summary.json"
    stamp = seed_file.stat().st_mtime_ns
    more = run_study(config, range(4), tmp_path, data=str(nb201_csv), workers=1)
    assert seed_file.stat().st_mtime_ns == stamp, "a finished seed was run again"
    assert sorted(more["seed"]) == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="other settings"):
        run_study(SearchConfig(budget=60), range(1), tmp_path, data=str(nb201_csv))


def test_markdown_table_falls_back_to_validation_without_test():
    table = pd.DataFrame(
        {
            "seed": [0],
            "queries_to_optimum": [5],
            "n_queries": [5],
            **{f"test@{n}": [np.nan] for n in (50, 100, 150, 200, 500, 1000)},
            **{f"val_mean@{n}": [90.0] for n in (50, 100, 150, 200, 500, 1000)},
        }
    )
    text = markdown_table({"m": table})
    assert "val_mean@100" in text and "90.00 ± 0.00" in text


def test_studies_from_before_rank_targets_resume_only_as_value_targets(tmp_path):
    import json

    from weaknas.study.study import _check_same_settings

    old = SearchConfig(target="value").as_dict()
    del old["target"]  # written before the setting existed: those runs fitted values
    path = tmp_path / "study.json"
    path.write_text(json.dumps({"config": old, "data": None}))
    _check_same_settings(path, SearchConfig(target="value"), None)
    path.write_text(json.dumps({"config": old, "data": None}))
    with pytest.raises(ValueError, match="other settings"):
        _check_same_settings(path, SearchConfig(), None)  # the default is now rank


def test_studies_of_methods_and_benchmarks_write_tidy_tables_and_resume(nb201_csv, tmp_path):
    from weaknas.study import Method, run_studies

    methods = [
        Method(name, SearchConfig(benchmark=benchmark, strategy=strategy, budget=30))
        for benchmark in ("nb201-cifar10", "nb201-cifar100")
        for name, strategy in (("weaknas", "weaknas"), ("random", "random"))
    ]
    seeds = run_studies(methods, range(2), tmp_path, data=str(nb201_csv), workers=2)
    assert len(seeds) == 8
    assert set(seeds.groupby(["benchmark", "method"]).size()) == {2}
    runs = pd.read_parquet(tmp_path / "runs.parquet")
    assert len(runs) == 8 * 30
    assert {"method", "benchmark", "seed", "arch", "value", "test"} <= set(runs.columns)
    iterations = pd.read_parquet(tmp_path / "iterations.parquet")
    assert len(iterations) == 8 * 3 and iterations["kendall_tau_all"].notna().any()
    assert pd.read_parquet(tmp_path / "seeds.parquet").equals(seeds)
    report = (tmp_path / "report.md").read_text()
    assert "### nb201-cifar100" in report and "| random |" in report
    # resuming runs only the missing seeds
    finished = tmp_path / "nb201-cifar10" / "random" / "seeds" / "seed_0001" / "summary.json"
    stamp = finished.stat().st_mtime_ns
    more = run_studies(methods, range(3), tmp_path, data=str(nb201_csv), workers=1)
    assert finished.stat().st_mtime_ns == stamp
    assert len(more) == 12
    with pytest.raises(ValueError, match="unique"):
        run_studies(methods + methods[:1], range(1), tmp_path)


def test_settings_recorded_by_older_code_are_read_as_that_code_meant_them():
    from weaknas.runner.config import recorded_config

    before_vocabulary = {"benchmark": "nb201-cifar10", "strategy": "evolution", "n_init": 10}
    before_vocabulary["batch_size"] = 10  # evolution ignored both: population 30, batch 1
    config = recorded_config(before_vocabulary)
    assert (config.n_init, config.batch_size) == (30, 1)
    now = SearchConfig(strategy="evolution", n_init=12)
    assert recorded_config(now.as_dict()) == now
    # before strategies owned their options, every setting was recorded for every
    # strategy (those it does not take at their defaults): read back without them
    before_options = {
        **now.as_dict(),
        "predictor": "lgbm",
        "top_m": "100",
        "encoding": None,
        "target": "value",
        "acquisition": "uniform",
        "n_models": 1,
        "pool_grow": 0,
        "explore": 0.0,
        "local": 0.0,
        "shortlist": 0,
        "stall": 0,
    }
    del before_options["sample_size"]  # not recorded then: its default ran
    assert recorded_config(before_options) == now
    assert "target" not in now.as_dict()


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_study_workers_end_with_a_killed_study(nb201_csv, tmp_path, ended_within, children_of):
    """kill -9 of a study: its pool workers end within a second or so instead of
    finishing their current runs (and the ones queued to them) in the study's folder."""
    import signal
    import subprocess
    import time

    argv = ["study", "--benchmark", "nb201-cifar10", "--data", str(nb201_csv)]
    argv += ["--predictor", "rf", "--budget", "300", "--seeds", "6", "--workers", "2"]
    argv += ["--out", str(tmp_path / "study"), "--quiet"]
    study = subprocess.Popen([sys.executable, "-m", "weaknas.cli", *argv])
    seeds = tmp_path / "study" / "seeds"
    deadline = time.time() + 120
    while len(list(seeds.glob("seed_*/events.jsonl"))) < 2 and time.time() < deadline:
        time.sleep(0.1)
    workers = children_of(study.pid)
    assert len(workers) >= 2 and study.poll() is None, "the study's runs did not start"
    unfinished = {p.parent.name for p in seeds.glob("seed_*/events.jsonl")}
    unfinished -= {p.parent.name for p in seeds.glob("seed_*/summary.json")}
    study.send_signal(signal.SIGKILL)
    study.wait()
    assert ended_within(workers, 5), "a study worker outlived its study"
    finished_after = {p.parent.name for p in seeds.glob("seed_*/summary.json")} & unfinished
    assert len(finished_after) < len(unfinished), "the runs in progress were not cut short"


def test_a_study_of_several_objectives_tabulates_the_hypervolume_ratio(nb201_csv, tmp_path):
    from weaknas.benchmarks import load_benchmark
    from weaknas.study import Method, run_studies

    if "edgegpu_latency" not in load_benchmark("nb201-cifar10", nb201_csv).extra:
        pytest.skip("HW-NAS-Bench metrics not beside the NB201 table")
    objectives = "accuracy:max,edgegpu_latency:min"
    methods = [
        Method(name, SearchConfig(strategy=name, budget=60, objectives=objectives))
        for name in ("weaknas", "random")
    ]
    seeds = run_studies(methods, range(3), tmp_path, data=str(nb201_csv), workers=1)
    assert len(seeds) == 6
    for column in ("hypervolume_ratio", "queries_to_hypervolume_0.95", "ratio@50"):
        assert column in seeds
    iterations = pd.read_parquet(tmp_path / "iterations.parquet")
    for _, row in seeds.iterrows():  # the ratio at 50 is the run's after its 50th query
        run = iterations[
            (iterations["method"] == row["method"]) & (iterations["seed"] == row["seed"])
        ]
        at = run.loc[run["n_queries"] >= 50, "hypervolume_ratio"].iloc[0]
        assert row["ratio@50"] == at
    report = (tmp_path / "report.md").read_text()
    assert "queries to 0.95" in report and "hypervolume ratio" in report
    assert "Queries to optimum" not in report  # the single-objective note is not shown
    from weaknas.study.figures import build_report

    report = build_report(tmp_path, tsne=False).read_text()
    assert "figures/ratio_vs_queries.png" in report and "figures/fronts.png" in report
    assert (tmp_path / "figures" / "fronts.png").stat().st_size > 1000
