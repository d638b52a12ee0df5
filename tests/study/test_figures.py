import numpy as np
import pandas as pd
import pytest

from weaknas.errors import DataFileError
from weaknas.runner import SearchConfig
from weaknas.study import Method, figures, run_studies
from weaknas.study.figures import (
    build_report,
    curve_figures,
    curves_on_grid,
    study_curves,
    tsne_figure,
)

PNG = b"\x89PNG\r\n\x1a\n"


def test_curves_hold_the_last_value_and_stop_at_the_run_end():
    iterations = pd.DataFrame(
        {
            "method": "m",
            "benchmark": "b",
            "seed": 0,
            "n_queries": [10, 20, 30],
            "pick_test": [1.0, 2.0, 3.0],
        }
    )
    curves = curves_on_grid(iterations, "pick_test", np.array([5, 10, 15, 30, 40]))
    np.testing.assert_array_equal(curves["curve"][0], [np.nan, 1.0, 1.0, 3.0, np.nan])


def test_study_curves_keep_each_runs_values_on_the_grid_within_the_run():
    iterations = pd.DataFrame(
        {
            "method": ["m"] * 3 + ["r"] * 2,
            "benchmark": "b",
            "seed": [0, 0, 0, 1, 1],
            "n_queries": [5, 15, 25, 10, 12],
            "pick_test": [1.0, 2.0, 3.0, 7.0, 8.0],
            "kendall_tau_all": [np.nan, 0.5, 0.25, np.nan, np.nan],
        }
    )
    curves = study_curves(iterations)
    m = curves[curves["method"] == "m"]
    assert m["n_queries"].tolist() == [10, 20, 25]  # the grid and the budget, within the run
    assert m["pick_test"].tolist() == [1.0, 2.0, 3.0]
    np.testing.assert_array_equal(m["kendall_tau_all"], [np.nan, 0.5, 0.25])
    r = curves[curves["method"] == "r"]
    assert r["n_queries"].tolist() == [10] and r["pick_test"].tolist() == [7.0]


def test_the_accuracy_figure_holds_a_stopped_runs_best_to_the_end():
    # one run stops at 10 queries on the optimum (9.0), the other goes on lower: past 10
    # the figure averages both, not the unlucky run alone
    curves = pd.DataFrame(
        {
            "seed": [0, 1, 1, 1],
            "n_queries": [10, 10, 20, 30],
            "pick_test": [9.0, 1.0, 2.0, 3.0],
        }
    )
    grid = np.array([5, 10, 20, 30])
    held = figures._stacked(curves, "pick_test", grid)
    np.testing.assert_array_equal(held[0], [np.nan, 9.0, 9.0, 9.0])  # NaN before its start
    np.testing.assert_array_equal(held[:, 1:].mean(axis=0), [5.0, 5.5, 6.0])


def test_report_writes_tables_and_figures(nb201_csv, tmp_path, monkeypatch):
    monkeypatch.setattr(figures, "TSNE_BACKGROUND", 150)  # a small map keeps the test fast
    methods = [
        Method(strategy, SearchConfig(strategy=strategy, budget=60))
        for strategy in ("weaknas", "evolution")
    ]
    run_studies(methods, range(2), tmp_path, data=str(nb201_csv), workers=1)
    report = build_report(tmp_path).read_text()
    for name in (
        "accuracy_vs_queries",
        "queries_to_optimum",
        "found_fraction",
        "predictor_correlation",
        "search_dynamics_tsne",
    ):
        png = tmp_path / "figures" / f"{name}.png"
        assert png.read_bytes()[:8] == PNG
        assert f"(figures/{name}.png)" in report
    assert (
        "| weaknas |" in report
        and "| evolution |" in report
        and "test@50" in report
        and "test@100" not in report
    )

    # the per-iteration figures are redrawn from the two small files beside the report,
    # with the study's per-iteration and per-query files gone
    iterations = pd.read_parquet(tmp_path / "iterations.parquet")
    curves = pd.read_parquet(tmp_path / "curves.parquet")
    at_60 = curves[curves["n_queries"] == 60].set_index(["method", "benchmark", "seed"])
    last = iterations.groupby(["method", "benchmark", "seed"]).tail(1)
    for row in last.itertuples():
        assert at_60.loc[(row.method, row.benchmark, row.seed), "pick_test"] == np.float32(
            row.pick_test
        )
    run = pd.read_csv(tmp_path / "tsne_run.csv")
    runs = pd.read_parquet(tmp_path / "runs.parquet")
    first = runs[(runs["method"] == "weaknas") & (runs["seed"] == 0)]
    assert run["index"].tolist() == first["index"].tolist()
    assert run["iteration"].tolist() == first["iteration"].tolist()
    for name in ("iterations.parquet", "runs.parquet"):
        (tmp_path / name).unlink()
    redrawn = tmp_path / "redrawn"
    kept = pd.read_parquet(tmp_path / "curves.parquet")
    names = [name for _, name in curve_figures(kept, redrawn)]
    assert names == ["accuracy_vs_queries.png", "predictor_correlation.png"]
    tsne_figure(run, str(nb201_csv), redrawn / "search_dynamics_tsne.png")
    for name in (*names, "search_dynamics_tsne.png"):
        assert (redrawn / name).read_bytes()[:8] == PNG


def test_report_names_what_is_missing(tmp_path):
    with pytest.raises(DataFileError, match="no such study folder"):
        build_report(tmp_path / "nowhere")
    with pytest.raises(DataFileError, match="no seeds.parquet"):
        build_report(tmp_path)
