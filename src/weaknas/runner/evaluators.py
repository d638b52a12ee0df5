"""Tabular benchmarks as objectives: an architecture index in, its observed value out."""

from __future__ import annotations

import numpy as np

from weaknas.benchmarks.base import TabularBenchmark


class TabularObjective:
    """Answers queries from a tabular benchmark, with its own seeded noise stream.

    Returns the observed value (one training seed's validation accuracy, or the mean
    when ``deterministic``) plus the benchmark's facts about the architecture
    (``val_mean``, ``test`` and its extra columns), which are recorded but never told to
    the strategy. The noise stream is derived from the run seed but separate from the
    strategy's, so changing a strategy's random choices never changes which seed a
    benchmark reports.
    """

    by_index = True  # the engine passes the architecture's index: no parsing

    def __init__(self, benchmark: TabularBenchmark, seed: int, deterministic: bool) -> None:
        self.benchmark = benchmark
        self.deterministic = deterministic
        self.rng = np.random.default_rng([int(seed), 0x5EED])
        self._extra = benchmark.extra.to_dict(orient="list")

    def __call__(self, index: int) -> dict[str, float]:
        bench = self.benchmark
        result = {
            "value": bench.query(index, self.rng, self.deterministic),
            "val_mean": float(bench.val_mean[index]),
            "test": float(bench.test[index]),
        }
        result.update({name: float(values[index]) for name, values in self._extra.items()})
        return result
