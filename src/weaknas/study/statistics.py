"""Statistics of queries to the optimum that a reviewer accepts.

Averaging only over the seeds that found the optimum favours a method that misses the
hard seeds. Here every seed counts: a miss counts as the queries it spent (the budget,
or the whole space when that is smaller). Each number comes with a 95% interval
(bootstrap percentile for mean and median, Wilson for the found rate), and two methods
are compared on the seeds they share by a paired Wilcoxon signed-rank test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

LEVEL = 0.95
RESAMPLES = 10_000


def queries_counting_misses(table: pd.DataFrame) -> pd.Series:
    """Queries to the optimum per seed, a miss counted as the queries it spent."""
    found = pd.to_numeric(table["queries_to_optimum"], errors="coerce")
    spent = pd.to_numeric(table["n_queries"], errors="coerce")
    return found.fillna(spent).set_axis(table["seed"].to_numpy())


def bootstrap_interval(values: np.ndarray, statistic, seed: int = 0) -> tuple[float, float]:
    """95% percentile-bootstrap interval of ``statistic`` (10,000 resamples, seeded)."""
    from scipy import stats

    values = np.asarray(values, dtype=float)
    if len(values) < 2 or np.all(values == values[0]):
        point = float(statistic(values)) if len(values) else float("nan")
        return point, point  # no spread to resample
    result = stats.bootstrap(
        (values,),
        statistic,
        n_resamples=RESAMPLES,
        confidence_level=LEVEL,
        method="percentile",
        vectorized=True,
        random_state=np.random.default_rng(seed),
    )
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def found_rate_interval(found: int, seeds: int) -> tuple[float, float]:
    """Wilson 95% interval of the found rate (sensible at 0 and at 100%)."""
    from scipy import stats

    if seeds == 0:
        return float("nan"), float("nan")
    interval = stats.binomtest(found, seeds).proportion_ci(LEVEL, method="wilson")
    return float(interval.low), float(interval.high)


def query_statistics(table: pd.DataFrame) -> dict[str, float]:
    """Found rate, mean and median (misses counted) with their 95% intervals."""
    queries = queries_counting_misses(table).to_numpy(float)
    found = int(pd.to_numeric(table["queries_to_optimum"], errors="coerce").notna().sum())
    mean_low, mean_high = bootstrap_interval(queries, lambda v, axis=-1: np.mean(v, axis=axis))
    median_low, median_high = bootstrap_interval(
        queries, lambda v, axis=-1: np.median(v, axis=axis)
    )
    rate_low, rate_high = found_rate_interval(found, len(queries))
    return {
        "seeds": len(queries),
        "found": found,
        "found_low": rate_low,
        "found_high": rate_high,
        "mean": float(np.mean(queries)) if len(queries) else float("nan"),
        "mean_low": mean_low,
        "mean_high": mean_high,
        "median": float(np.median(queries)) if len(queries) else float("nan"),
        "median_low": median_low,
        "median_high": median_high,
    }


def paired_p_value(table: pd.DataFrame, reference: pd.DataFrame) -> tuple[float, int]:
    """Two-sided Wilcoxon signed-rank p-value of queries (misses counted) against
    ``reference`` over their common seeds, and how many seeds that is."""
    from scipy import stats

    mine, theirs = queries_counting_misses(table), queries_counting_misses(reference)
    common = mine.index.intersection(theirs.index)
    differences = (mine[common] - theirs[common]).to_numpy(float)
    if len(common) == 0:
        return float("nan"), 0
    if not np.any(differences):
        return 1.0, len(common)  # identical on every seed
    return float(stats.wilcoxon(differences).pvalue), len(common)
