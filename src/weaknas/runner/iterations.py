"""Per-iteration metrics of one run: how the search and its predictor progress.

The runner knows the benchmark's table (the strategy never does), so it can score each
iteration: what the search would pick now, how far that is from the optimum, and how
well the strategy's current predictor ranks the space. Written as ``iterations.parquet``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from weaknas.benchmarks.base import TabularBenchmark

TOP_K = 100  # the "good region" the paper's weak predictors are meant to rank well
WHOLE_SPACE_SAMPLE = 20_000  # larger spaces: whole-space correlation on a fixed sample
PROBE_SAMPLE = 2_000  # larger spaces, strategies that score only candidates: fewer still


def best_so_far_row(evaluations: pd.DataFrame) -> np.ndarray:
    """Row position of the best-by-value architecture after each query (first wins ties;
    failed evaluations never count; row 0 until one succeeds)."""
    values = evaluations["value"].to_numpy(float)
    values = np.where(np.isnan(values), -np.inf, values)
    running = np.maximum.accumulate(values)
    # the row that first reached each running maximum
    first_hit = np.flatnonzero(np.r_[True, running[1:] > running[:-1]])
    return first_hit[np.searchsorted(first_hit, np.arange(len(values)), side="right") - 1]


class PredictorDiagnostics:
    """Rank correlation (Kendall tau) of a strategy's predictions with the true mean
    validation accuracy, on the true top-100 and on the whole space, plus the
    predictor's top-1 architecture.

    Computed here, from the strategy's own predictions: the strategy never receives
    anything derived from the benchmark's table (which architectures are best, in what
    order). A strategy that keeps whole-space scores (``latest_scores``) is read; one that
    scores only its candidates is asked through ``score`` for ``probe``, indices chosen
    from the space's size alone.
    """

    def __init__(
        self, benchmark: TabularBenchmark, top_k: int = TOP_K, optima: np.ndarray | None = None
    ) -> None:
        self.truth = benchmark.val_mean
        self.top = np.argsort(-self.truth, kind="stable")[:top_k]
        # the optimum and its ties (constrained: the best feasible ones)
        self.optima = benchmark.optimum_indices if optima is None else np.asarray(optima)
        size = len(self.truth)
        self.sample: slice | np.ndarray
        if size <= WHOLE_SPACE_SAMPLE:
            self.sample = slice(None)
            self.probe = np.arange(size)  # the whole space: the top-100 is scored too
        else:  # fixed per size, so every run is scored on the same architectures
            rng = np.random.default_rng(0)
            sample = np.sort(rng.choice(size, WHOLE_SPACE_SAMPLE, replace=False))
            self.sample = sample
            # asking for 20,000 predictions each iteration would slow an NB101 run
            self.probe = np.sort(rng.choice(sample, PROBE_SAMPLE, replace=False))
        self._last_scores: np.ndarray | None = None
        self._last: dict = {}

    def for_strategy(self, strategy) -> dict:
        """Diagnostics of a strategy's current predictor: from its whole-space scores, or
        from its scores of ``probe`` (the whole space when small, else a fixed sample;
        the top-100 correlation then needs the whole space)."""
        if strategy.latest_scores is not None or not hasattr(strategy, "score"):
            if strategy.latest_scores is None:
                return {}
            return self(strategy.latest_scores, _unseen(strategy))
        scores = strategy.score(self.probe)
        if scores is None:
            return {}
        if len(self.probe) == len(self.truth):
            return self(np.asarray(scores, dtype=float), _unseen(strategy))
        return {"kendall_tau_all": _tau(np.asarray(scores, float), self.truth[self.probe])}

    def __call__(self, scores: np.ndarray | None, unseen: np.ndarray | None = None) -> dict:
        if scores is None:
            return {}
        if scores is not self._last_scores:  # one predictor may serve many iterations
            self._last_scores = scores
            k = len(self.top)
            predicted_top = np.argpartition(-scores, k - 1)[:k] if len(scores) > k else scores
            self._last = {
                "predicted_top1": int(np.argmax(scores)),
                f"kendall_tau_top{k}": _tau(scores[self.top], self.truth[self.top]),
                "kendall_tau_all": _tau(scores[self.sample], self.truth[self.sample]),
                # of the predicted top-k, the share in the true top-k (the region it must rank)
                f"precision_top{k}": len(np.intersect1d(predicted_top, self.top)) / k,
            }
        found = dict(self._last)
        found["optimum_rank"] = self._optimum_rank(scores, unseen)
        return found

    def _optimum_rank(self, scores: np.ndarray, unseen: np.ndarray | None) -> float:
        """Where the predictor puts the optimum (the best placed of its ties) among the
        architectures not yet proposed (1: it would be picked greedily next); NaN once
        one is proposed (or unknown)."""
        if unseen is None or len(scores) <= self.optima.max():
            return float("nan")
        if not np.isin(self.optima, unseen).all():  # one of them proposed: found
            return float("nan")
        return float(1 + int((scores[unseen] > scores[self.optima].max()).sum()))


def _unseen(strategy) -> np.ndarray | None:
    """The architectures a strategy has not proposed yet (None if it cannot say)."""
    return strategy.unseen_indices() if hasattr(strategy, "unseen_indices") else None


def _tau(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import kendalltau  # imported on first use: scipy.stats is slow to load

    if np.ptp(a) == 0:
        return float("nan")  # a constant prediction ranks nothing
    return float(kendalltau(a, b).statistic)


def iteration_table(evaluations: pd.DataFrame) -> pd.DataFrame:
    """One row per iteration: the run's state after that iteration's evaluations.

    - ``n_queries`` / ``n_failed``: evaluations so far, and how many of them failed.
    - ``best_value``: highest value the search was told so far (NaN before any success).
    """
    if evaluations.empty:
        return pd.DataFrame(columns=["iteration", "n_queries", "n_failed", "best_value"])
    last_row = evaluations.groupby("iteration", sort=True)["order"].max().to_numpy() - 1
    values = evaluations["value"].to_numpy(float)
    failed = (evaluations["status"] != "ok").to_numpy()
    return pd.DataFrame(
        {
            "iteration": np.arange(1, len(last_row) + 1),
            "n_queries": last_row + 1,
            "n_failed": np.cumsum(failed)[last_row],
            "best_value": np.fmax.accumulate(values)[last_row],
        }
    )


def benchmark_columns(
    table: pd.DataFrame,
    evaluations: pd.DataFrame,
    diagnostics: dict[int, dict],
    benchmark: TabularBenchmark,
    optima: np.ndarray | None = None,
) -> pd.DataFrame:
    """``table`` plus what a benchmark's truth tells about each iteration.

    - ``pick_val_mean`` / ``pick_test``: mean validation and test accuracy of the
      best-by-value architecture (the NASLib/BANANAS convention for reporting).
    - ``regret``: optimum's mean validation minus the pick's; ``test_regret``: best test
      accuracy in the space minus the pick's.
    - ``found_optimum``: the optimum (highest mean validation, or one within
      ``OPTIMUM_TOLERANCE`` of it) has been evaluated.
    - ``optimistic_test``: the paper's optimistic metric, the best test accuracy among
      the evaluated architectures *and* the current predictor's top-1 (evaluated only,
      for strategies without a predictor). Not a pick a user could make: labelled so.
    - ``kendall_tau_top100`` / ``kendall_tau_all``: the predictor that chose this
      iteration's batch, against the truth (NaN without a predictor).
    - ``precision_top100``: the share of the predictor's top-100 in the true top-100;
      ``optimum_rank``: where it put the optimum among the architectures not yet
      proposed (1: next greedy pick; NaN once proposed): what explains a stall. Both
      need whole-space scores (NaN for a strategy that scores only a sample).
    """
    if evaluations.empty:
        return table
    last_row = table["n_queries"].to_numpy() - 1
    picks = best_so_far_row(evaluations)[last_row]
    val_mean = evaluations["val_mean"].to_numpy(float)
    test = evaluations["test"].to_numpy(float)
    best_test_so_far = np.fmax.accumulate(test)[last_row]
    # the optimum and its ties (constrained: the best feasible ones)
    optima = benchmark.optimum_indices if optima is None else np.asarray(optima)
    optimum_val = float(np.max(benchmark.val_mean[optima]))
    best_test = float(np.nanmax(benchmark.test)) if benchmark.has_test else float("nan")
    table = table.assign(
        pick_val_mean=val_mean[picks],
        pick_test=test[picks],
        regret=optimum_val - val_mean[picks],
        test_regret=best_test - test[picks],
        found_optimum=np.maximum.accumulate(np.isin(evaluations["index"].to_numpy(), optima))[
            last_row
        ],
    )
    rows = [diagnostics.get(int(i), {}) for i in table["iteration"]]
    top1 = np.array([d.get("predicted_top1", -1) for d in rows], dtype=np.int64)
    top1_test = np.where(top1 >= 0, benchmark.test[np.maximum(top1, 0)], np.nan)
    table["optimistic_test"] = np.fmax(best_test_so_far, top1_test)
    for column in ("kendall_tau_top100", "kendall_tau_all", "precision_top100", "optimum_rank"):
        table[column] = [d.get(column, float("nan")) for d in rows]
    return table
