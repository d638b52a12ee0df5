"""Evaluators turn an architecture index into an observed value plus facts to record."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from weaknas.benchmarks.base import TabularBenchmark


@dataclass(frozen=True)
class Evaluation:
    observed: float
    info: dict[str, float]


class TabularEvaluator:
    """Answers queries from a tabular benchmark, with its own seeded noise stream.

    The noise stream is derived from the run seed but separate from the strategy's, so
    changing a strategy's random choices never changes which seed a benchmark reports.
    """

    def __init__(self, benchmark: TabularBenchmark, seed: int, deterministic: bool) -> None:
        self.benchmark = benchmark
        self.deterministic = deterministic
        self.rng = np.random.default_rng([int(seed), 0x5EED])
        self._extra = benchmark.extra.to_dict(orient="list")

    def __call__(self, index: int) -> Evaluation:
        bench = self.benchmark
        observed = bench.query(index, self.rng, self.deterministic)
        info = {"val_mean": float(bench.val_mean[index]), "test": float(bench.test[index])}
        info.update({name: float(values[index]) for name, values in self._extra.items()})
        return Evaluation(observed, info)
