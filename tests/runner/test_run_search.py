import json

import numpy as np
import pandas as pd
import pytest

from weaknas.benchmarks import load_benchmark
from weaknas.runner import SearchConfig, queries_to_optimum, run_search

REQUIRED = ["order", "iteration", "arch", "value", "val_mean", "test", "predicted", "seconds"]


@pytest.fixture(scope="module")
def csv_bench(nb201_csv):
    return load_benchmark("nb201-cifar10", nb201_csv)


def test_run_writes_evaluations_and_summary(csv_bench, tmp_path):
    config = SearchConfig(budget=60)
    result = run_search(csv_bench, config, seed=0, out_dir=tmp_path)
    table = pd.read_parquet(tmp_path / "evaluations.parquet")
    assert set(REQUIRED) <= set(table.columns)
    assert table["order"].tolist() == list(range(1, 61))
    assert table["iteration"].tolist() == [i // 10 + 1 for i in range(60)]
    assert table["arch"].nunique() == 60
    assert table["predicted"].isna().sum() == 10  # only the random initial design
    assert table["test"].notna().all()
    assert (table["elapsed"].diff().dropna() >= 0).all() and (table["seconds"] >= 0).all()
    # observed values are one seed's validation accuracy of that architecture
    for row in table.itertuples():
        runs = csv_bench.val_runs[row.index]
        assert row.value in set(runs[~np.isnan(runs)])
    summary = json.loads((tmp_path / "summary.json").read_text())
    best = table.loc[table["value"].idxmax()]
    assert summary["best_arch"] == best["arch"]
    assert summary["best_test"] == pytest.approx(best["test"])
    assert summary["n_queries"] == 60 and summary["settings"]["budget"] == 60
    assert {"weaknas", "numpy", "lightgbm"} <= set(summary["versions"])
    assert summary["wall_seconds"] > 0
    events = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text().splitlines()]
    assert sum(e["event"] == "result" for e in events) == 60
    assert result.summary == summary


def test_same_seed_same_evaluations(csv_bench, tmp_path):
    tables = []
    for name in ("a", "b", "c"):
        seed = 7 if name != "c" else 8
        run_search(csv_bench, SearchConfig(budget=80), seed=seed, out_dir=tmp_path / name)
        tables.append(
            pd.read_parquet(tmp_path / name / "evaluations.parquet").drop(
                columns=["seconds", "elapsed"]
            )
        )
    pd.testing.assert_frame_equal(tables[0], tables[1])
    assert not tables[0]["arch"].equals(tables[2]["arch"])


def test_queries_to_optimum_counts_distinct_queries(csv_bench):
    config = SearchConfig(strategy="random", budget=csv_bench.space.size, batch_size=500)
    result = run_search(csv_bench, config, seed=3)
    table = result.evaluations
    assert table["arch"].nunique() == csv_bench.space.size
    q = result.summary["queries_to_optimum"]
    assert table.iloc[q - 1]["index"] == csv_bench.optimum_index
    assert queries_to_optimum(np.array([5, 2, 9]), 9) == 3
    assert queries_to_optimum(np.array([5, 2]), 9) is None


def test_deterministic_queries_observe_the_mean(csv_bench):
    table = run_search(csv_bench, SearchConfig(budget=20, deterministic=True), seed=0).evaluations
    np.testing.assert_allclose(table["value"], table["val_mean"])


@pytest.mark.slow
def test_weaknas_concentrates_on_the_best_region(csv_bench):
    """The method's point: most queries go to top architectures, unlike random search."""
    top_percent = np.argsort(-csv_bench.val_mean)[: csv_bench.space.size // 100]

    def share_in_top(strategy: str) -> float:
        shares = []
        for seed in range(3):
            config = SearchConfig(strategy=strategy, budget=200)
            indices = run_search(csv_bench, config, seed).evaluations["index"]
            shares.append(np.isin(indices, top_percent).mean())
        return float(np.mean(shares))

    assert share_in_top("random") < 0.05
    assert share_in_top("weaknas") > 0.15


def test_settings_reach_the_strategy():
    from weaknas.spaces import NB201Space

    space = NB201Space()
    weak = SearchConfig(encoding="onehot", top_m="50:5", predictor="rf", n_init=7)
    strategy = weak.build_strategy(space, seed=0)
    assert strategy.encoding == "onehot" and strategy.predictor == "rf"
    assert (strategy.top_m.start, strategy.top_m.end, strategy.n_init) == (50, 5, 7)
    # WeakNAS prefers NB201's graph features; the other predictor strategies take the
    # space's search encoding
    assert SearchConfig().build_strategy(space, seed=0).encoding == "graf"
    single = SearchConfig(strategy="single-predictor").build_strategy(space, seed=0)
    assert single.encoding == space.search_encoding == "onehot+counts"
    ranked = SearchConfig(target="rank").build_strategy(space, seed=0)
    assert ranked.target == "rank"


def test_weaknas_takes_nb101s_graph_features_and_the_others_keep_theirs(nb101):
    space = nb101.space
    config = SearchConfig(benchmark="nb101")
    assert config.build_strategy(space, seed=0).encoding == "adjacency+stats+graf"
    single = SearchConfig(benchmark="nb101", strategy="single-predictor")
    assert single.build_strategy(space, seed=0).encoding == "adjacency+stats"
    assert (
        SearchConfig(benchmark="nb101", strategy="bananas").build_strategy(space, seed=0).encoding
        == "path"
    )
    paper = SearchConfig(benchmark="nb101", preset="paper").build_strategy(space, seed=0)
    assert paper.encoding == "adjacency"


def test_protocol_defaults_depend_on_the_benchmark():
    nb201 = SearchConfig(benchmark="nb201-cifar100")
    assert (nb201.n_init, nb201.target) == (10, "rank")
    nb101 = SearchConfig(benchmark="nb101")
    assert (nb101.n_init, nb101.target) == (100, "rank")
    assert SearchConfig(benchmark="nb101", n_init=20, target="value").as_dict()["n_init"] == 20
    with pytest.raises(ValueError, match="unknown target"):
        SearchConfig(target="quantile")


def test_nas_bench_graph_has_its_own_picks_unless_an_acquisition_is_chosen():
    def picks(**settings):
        options = SearchConfig(**settings).options
        return (options.acquisition, options.n_models, options.local, options.explore)

    assert picks(benchmark="nbgraph-pubmed") == ("ts", 5, 0.6, 0.0)
    assert picks(benchmark="nbgraph-cora", local=0.3) == ("ts", 5, 0.3, 0.0)
    assert picks(benchmark="nb201-cifar10") == ("greedy", 1, 0.0, 0.3)
    # a chosen acquisition, the paper's preset or several objectives take none of them
    assert picks(benchmark="nbgraph-pubmed", acquisition="greedy") == ("greedy", 1, 0.0, 0.0)
    assert picks(benchmark="nbgraph-pubmed", preset="paper") == ("uniform", 1, 0.0, 0.0)
    both = picks(benchmark="nbgraph-arxiv", objectives="accuracy:max,latency_s:min")
    assert both == ("greedy", 1, 0.0, 0.3)
    assert SearchConfig(benchmark="nbgraph-pubmed", strategy="bananas").n_models == 5


def test_the_paper_preset_is_the_papers_tabular_protocol(csv_bench, tmp_path):
    nb201 = SearchConfig(benchmark="nb201-cifar10", preset="paper", acquisition="greedy")
    assert (nb201.encoding, nb201.target, nb201.top_m, nb201.n_init) == (
        "onehot",
        "value",
        "100",
        10,
    )
    assert nb201.acquisition == "greedy"  # a given setting wins over the preset
    nb101 = SearchConfig(benchmark="nb101", preset="paper")
    assert (nb101.encoding, nb101.n_init, nb101.batch_size) == ("adjacency", 100, 10)
    assert SearchConfig(benchmark="nbgraph-cora", preset="paper").encoding == "onehot"
    assert SearchConfig(benchmark=None, space="darts", preset="paper").encoding is None
    assert SearchConfig(strategy="bananas", preset="paper").target == "rank"  # not its preset
    strategy = nb201.build_strategy(csv_bench.space, seed=0)
    assert strategy.encoding == "onehot" and strategy.target == "value"
    from weaknas.cli import main

    out = str(tmp_path / "paper")
    assert main(["search", "--preset", "paper", "--budget", "30", "--quiet", "--out", out]) == 0
    summary = json.loads((tmp_path / "paper" / "summary.json").read_text())
    assert summary["settings"]["options"]["encoding"] == "onehot"


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match="budget"):
        SearchConfig(budget=0)
    with pytest.raises(ValueError, match="strategy"):
        SearchConfig(strategy="bohb")
    with pytest.raises(ValueError, match="top-M"):
        SearchConfig(top_m="x")


def test_stop_at_optimum_ends_the_run_at_the_batch_that_found_it(csv_bench):
    config = SearchConfig(
        strategy="random", budget=csv_bench.space.size, batch_size=100, stop_at_optimum=True
    )
    result = run_search(csv_bench, config, seed=0)
    q = result.summary["queries_to_optimum"]
    assert q is not None and q <= result.summary["n_queries"] < q + 100


def test_a_numpy_seed_runs_and_writes_its_files_and_a_float_seed_is_refused_first(
    csv_bench, tmp_path
):
    """Seeds often come from arrays (np.int64): the run's JSON once failed on one at the
    very end, losing the run; a seed that is no whole number is refused before any work."""
    config = SearchConfig(budget=20)
    result = run_search(csv_bench, config, seed=np.int64(3), out_dir=tmp_path)
    assert json.loads((tmp_path / "summary.json").read_text())["n_queries"] == 20
    assert result.summary == run_search(csv_bench, config, seed=3).summary | {
        key: result.summary[key] for key in result.summary if key.endswith("seconds")
    }
    with pytest.raises(ValueError, match="seed must be a whole number, got 3.5"):
        run_search(csv_bench, config, seed=3.5, out_dir=tmp_path / "float")
    assert not (tmp_path / "float").exists()
