"""Tabular benchmarks: a lookup table that answers 'how good is architecture i'."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from weaknas.spaces.base import FiniteSpace

OPTIMUM_TOLERANCE = 1e-9  # accuracy points: values closer than this to the best are ties


def optima_within_tolerance(values: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """The ``candidates`` (indices into ``values``) whose value is within
    ``OPTIMUM_TOLERANCE`` of the best among them, ascending."""
    candidates = np.asarray(candidates)
    best = np.max(values[candidates])
    return np.sort(candidates[values[candidates] >= best - OPTIMUM_TOLERANCE])


@dataclass(frozen=True)
class TabularBenchmark:
    """Precomputed results for every architecture of a finite space.

    ``val_runs[i]`` holds the per-seed validation accuracies of architecture ``i`` (NaN
    where a seed is missing). A noisy query returns one of them, drawn at random, as a
    real training run would; a deterministic query returns their mean. ``test`` is the
    mean test accuracy (NaN when the data source has none). ``extra`` holds further
    per-architecture columns that are reported with each evaluation but never shown to
    a search strategy.
    """

    name: str
    space: FiniteSpace
    val_runs: np.ndarray
    test: np.ndarray
    extra: pd.DataFrame
    source: str
    metric: str = "validation accuracy (%)"
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        n = self.space.size
        if self.val_runs.shape[0] != n or self.test.shape != (n,) or len(self.extra) != n:
            raise ValueError(f"{self.name}: table shapes do not match the space size {n}")
        if np.isnan(self.val_runs).all(axis=1).any():
            raise ValueError(f"{self.name}: some architectures have no validation value")

    @cached_property
    def val_mean(self) -> np.ndarray:
        return np.nanmean(self.val_runs, axis=1)

    @cached_property
    def _run_counts(self) -> np.ndarray:
        return (~np.isnan(self.val_runs)).sum(axis=1)

    @cached_property
    def noiseless(self) -> bool:
        """True when every architecture has a single value: noisy queries equal the mean."""
        return bool((self._run_counts <= 1).all())

    @property
    def has_test(self) -> bool:
        return bool(np.isfinite(self.test).any())

    @cached_property
    def optimum_index(self) -> int:
        """The architecture with the highest mean validation accuracy."""
        return int(np.argmax(self.val_mean))

    @cached_property
    def optimum_indices(self) -> np.ndarray:
        """Every architecture within ``OPTIMUM_TOLERANCE`` of the highest mean validation
        accuracy: finding any of them finds the optimum (NAS-Bench-Graph cora's two best
        differ by 1e-16, a rounding, not a result)."""
        return optima_within_tolerance(self.val_mean, np.arange(len(self.val_mean)))

    def training_runs(self, seed: int) -> np.ndarray:
        """Which recorded training run each architecture reports in a search with ``seed``.

        Drawn once for the whole space: the value an architecture shows depends on the
        seed and the architecture only, not on when or by which method it is queried, so
        every method of a study sees the same noisy value for the same architecture and
        seed (common random numbers), and a resumed or parallel run sees what a plain
        one does.
        """
        rng = np.random.default_rng([int(seed), 0x5EED])
        return rng.integers(0, self._run_counts)

    def observe(self, index: int, run: int) -> float:
        """The value of architecture ``index``'s ``run``-th recorded training run."""
        runs = self.val_runs[index]
        return float(runs[~np.isnan(runs)][run])

    def query(self, index: int, rng: np.random.Generator | None, deterministic: bool) -> float:
        """The value a search sees for ``index``: one random seed's run, or the mean."""
        if deterministic:
            return float(self.val_mean[index])
        if rng is None:
            raise ValueError("a noisy query needs a random generator")
        runs = self.val_runs[index]
        pick = int(rng.integers(self._run_counts[index]))
        return float(runs[~np.isnan(runs)][pick])
