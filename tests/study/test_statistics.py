"""Every seed counts: misses as the queries they spent, intervals, paired tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from weaknas.study.report import markdown_table
from weaknas.study.statistics import (
    bootstrap_interval,
    found_rate_interval,
    paired_p_value,
    queries_counting_misses,
    query_statistics,
)


def _table(found: list[float | None], budget: int = 1000, seeds=None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "seed": list(seeds if seeds is not None else range(len(found))),
            "queries_to_optimum": [np.nan if q is None else q for q in found],
            "n_queries": [budget if q is None else q for q in found],
        }
    )


def test_a_miss_counts_as_the_queries_it_spent():
    table = _table([100, None, 300])
    assert queries_counting_misses(table).tolist() == [100, 1000, 300]
    stats = query_statistics(table)
    assert stats["found"] == 2 and stats["mean"] == pytest.approx(1400 / 3)
    assert stats["median"] == 300
    # a method that misses its hard seeds no longer looks faster than one that finds them
    finds_all = query_statistics(_table([100, 900, 300]))
    assert finds_all["mean"] < stats["mean"]


def test_intervals_cover_the_estimate_and_are_seeded():
    rng = np.random.default_rng(0)
    values = rng.integers(20, 400, size=100).astype(float)
    low, high = bootstrap_interval(values, lambda v, axis=-1: np.mean(v, axis=axis))
    assert low < values.mean() < high
    assert (low, high) == bootstrap_interval(values, lambda v, axis=-1: np.mean(v, axis=axis))
    assert bootstrap_interval(np.full(5, 7.0), np.mean) == (7.0, 7.0)  # nothing to resample


def test_found_rate_interval_at_the_extremes():
    low, high = found_rate_interval(100, 100)
    assert high == pytest.approx(1.0) and 0.95 < low < 1.0
    low, high = found_rate_interval(0, 100)
    assert low == pytest.approx(0.0) and 0.0 < high < 0.05


def test_paired_test_uses_common_seeds_only():
    a = _table([10, 20, 30, 40, 50, 60, 70, 80], seeds=range(8))
    b = _table([110, 120, 130, 140, 150, 160, 170, 180, 5], seeds=range(9))
    p_value, common = paired_p_value(a, b)
    assert common == 8 and p_value < 0.01
    assert paired_p_value(a, a) == (1.0, 8)


def test_report_table_shows_intervals_and_p_values():
    tables = {"weaknas": _table([100, 150, None, 120]), "random": _table([None] * 4)}
    text = markdown_table(tables, checkpoints=())
    assert "found [95% CI]" in text and "p vs weaknas" in text
    assert "| random | 4 | 0 [0-49%] | 1000.0 [1000.0, 1000.0]" in text
