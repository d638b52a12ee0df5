import numpy as np
import pandas as pd
import pytest
from scipy.stats import kendalltau

from weaknas.benchmarks import load_benchmark
from weaknas.runner import SearchConfig, run_search
from weaknas.runner.iterations import PredictorDiagnostics


@pytest.fixture(scope="module")
def csv_bench(nb201_csv):
    return load_benchmark("nb201-cifar10", nb201_csv)


def test_diagnostics_rank_correlation_against_the_truth(csv_bench):
    diagnose = PredictorDiagnostics(csv_bench)
    truth = csv_bench.val_mean
    perfect = diagnose(truth.copy())
    assert perfect["kendall_tau_top100"] == pytest.approx(1.0)
    assert perfect["kendall_tau_all"] == pytest.approx(1.0)
    assert perfect["predicted_top1"] == csv_bench.optimum_index
    assert diagnose(-truth)["kendall_tau_all"] == pytest.approx(-1.0)
    noisy = truth + np.random.default_rng(0).normal(0, 5, len(truth))
    top = np.argsort(-truth)[:100]
    expected = kendalltau(noisy[top], truth[top]).statistic
    assert diagnose(noisy)["kendall_tau_top100"] == pytest.approx(expected)
    assert diagnose(None) == {}


def test_iterations_file_tracks_the_pick_and_the_predictor(csv_bench, tmp_path):
    config = SearchConfig(budget=200, deterministic=True)
    result = run_search(csv_bench, config, seed=3, out_dir=tmp_path)
    table = pd.read_parquet(tmp_path / "iterations.parquet")
    pd.testing.assert_frame_equal(table, result.iterations)
    assert table["iteration"].tolist() == list(range(1, 21))
    assert table["n_queries"].tolist() == list(range(10, 201, 10))
    evaluations = result.evaluations
    for row in table.itertuples():
        seen = evaluations[evaluations["order"] <= row.n_queries]
        best = seen.loc[seen["value"].idxmax()]
        assert row.best_value == best["value"]
        assert row.pick_test == best["test"]
        assert row.optimistic_test >= seen["test"].max()
    optimum = csv_bench.val_mean[csv_bench.optimum_index]
    np.testing.assert_allclose(table["regret"], optimum - table["pick_val_mean"])
    # exact observations: the pick only improves, and is the optimum once found
    assert (np.diff(table["regret"]) <= 1e-12).all()
    assert (table.loc[table["found_optimum"], "regret"] == 0).all()
    # no predictor during the random initial design, one afterwards
    assert np.isnan(table["kendall_tau_all"].iloc[0])
    assert table["kendall_tau_all"].iloc[1:].notna().all()
    assert table["kendall_tau_top100"].iloc[1:].between(-1, 1).all()


def test_strategies_without_a_predictor_have_no_correlation(csv_bench):
    result = run_search(csv_bench, SearchConfig(strategy="evolution", budget=60), seed=0)
    table = result.iterations
    assert table["kendall_tau_all"].isna().all()
    # without a predictor the optimistic metric is the best evaluated test accuracy
    best_test = np.fmax.accumulate(result.evaluations["test"].to_numpy())
    np.testing.assert_allclose(table["optimistic_test"], best_test[table["n_queries"] - 1])


def test_the_optimums_rank_and_the_top100_precision_explain_a_search(nb201_csv):
    """Per iteration: where the predictor puts the optimum among the unseen (1 = the next
    greedy pick, NaN once evaluated) and the share of its top-100 in the true top-100."""
    from weaknas.benchmarks import load_benchmark
    from weaknas.runner import SearchConfig, run_search

    bench = load_benchmark("nb201-cifar10", nb201_csv)
    result = run_search(bench, SearchConfig(budget=200, stop_at_optimum=True), seed=1)
    table = result.iterations
    ranks = table["optimum_rank"].to_numpy()
    assert np.isnan(ranks[0])  # the initial design: no predictor yet
    fitted = ranks[1:-1] if result.summary["queries_to_optimum"] else ranks[1:]
    assert (fitted >= 1).all() and (fitted <= bench.space.size).all()
    if result.summary["queries_to_optimum"]:
        assert np.isnan(ranks[-1])  # evaluated in the last batch: no longer among the unseen
    precision = table["precision_top100"].to_numpy()[1:]
    assert ((precision >= 0) & (precision <= 1)).all() and precision.max() > 0


def test_an_architecture_tied_with_the_optimum_counts_as_finding_it(csv_bench):
    """A benchmark's optimum is every architecture within OPTIMUM_TOLERANCE of the best
    mean validation accuracy (NAS-Bench-Graph cora's two best differ by 1e-16): the
    query that finds either ends a run stopped at the optimum and counts as found."""
    import dataclasses

    config = SearchConfig(strategy="random", budget=40, deterministic=True)
    order = run_search(csv_bench, config, seed=0).evaluations["index"].to_numpy()
    optimum, tie = csv_bench.optimum_index, int(order[4])  # random picks ignore the values
    assert csv_bench.optimum_indices.tolist() == [optimum]
    runs = csv_bench.val_runs.copy()
    runs[tie] = runs[optimum] * (1 - 1e-15)  # below the best by a rounding
    tied = dataclasses.replace(csv_bench, val_runs=runs)
    assert tied.optimum_index == optimum and sorted(tied.optimum_indices) == sorted([optimum, tie])
    stopped = SearchConfig(strategy="random", budget=40, deterministic=True, stop_at_optimum=True)
    result = run_search(tied, stopped, seed=0)
    assert len(result.evaluations) == 10  # the first batch, which holds the tie
    assert result.summary["queries_to_optimum"] == 5 and result.summary["optimum_ties"] == 1
    assert result.summary["optimum_arch"] == tied.space.to_string(optimum)
    assert result.iterations["found_optimum"].tolist() == [True]
    assert run_search(csv_bench, stopped, seed=0).summary["optimum_ties"] == 0
