import numpy as np
import pandas as pd
import pytest

from weaknas.errors import DataFileError
from weaknas.runner import SearchConfig
from weaknas.study import Method, figures, run_studies
from weaknas.study.figures import build_report, curves_on_grid

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


def test_report_names_what_is_missing(tmp_path):
    with pytest.raises(DataFileError, match="no such study folder"):
        build_report(tmp_path / "nowhere")
    with pytest.raises(DataFileError, match="no seeds.parquet"):
        build_report(tmp_path)
