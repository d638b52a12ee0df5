"""Tabular benchmarks as objectives: an architecture index in, its observed value out."""

from __future__ import annotations

from weaknas.benchmarks.base import TabularBenchmark


class TabularObjective:
    """Answers queries from a tabular benchmark, with its own seeded noise stream.

    Returns the observed value (one training seed's validation accuracy, or the mean
    when ``deterministic``) plus the benchmark's facts about the architecture
    (``val_mean``, ``test`` and its extra columns), which are recorded but never told to
    the strategy. Which training seed each architecture reports is drawn up front from
    the run seed (``TabularBenchmark.training_runs``), separately from the strategy's
    random stream: every method sees the same value for the same architecture and seed,
    whatever order it queries in.
    """

    by_index = True  # the engine passes the architecture's index: no parsing

    def __init__(self, benchmark: TabularBenchmark, seed: int, deterministic: bool) -> None:
        self.benchmark = benchmark
        self.deterministic = deterministic
        self.runs = None if deterministic else benchmark.training_runs(seed)
        self._extra = benchmark.extra.to_dict(orient="list")

    def __call__(self, index: int) -> dict[str, float]:
        bench = self.benchmark
        result = {
            "value": (
                float(bench.val_mean[index])
                if self.runs is None
                else bench.observe(index, int(self.runs[index]))
            ),
            "val_mean": float(bench.val_mean[index]),
            "test": float(bench.test[index]),
        }
        result.update({name: float(values[index]) for name, values in self._extra.items()})
        return result
