"""WeakNAS: iterate a weak predictor that only has to rank the promising region well.

Each iteration fits a fresh predictor on every (architecture, observed value) pair,
scores every unevaluated architecture, and samples the next batch uniformly from the
predicted top-M. The region the predictor must rank shrinks as the search sharpens.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from weaknas.predictors import DEFAULT_PREDICTOR
from weaknas.predictors.base import WeakPredictor, predict_in_chunks
from weaknas.spaces.base import FiniteSpace
from weaknas.strategies.base import Suggestion
from weaknas.strategies.fitted import PredictorStrategy
from weaknas.strategies.schedules import TopMSchedule


class WeakNAS(PredictorStrategy):
    """The WeakNAS strategy (paper defaults for NB201: 10 initial, 10 per step, top-100)."""

    def __init__(
        self,
        space: FiniteSpace,
        seed: int = 0,
        n_init: int = 10,
        batch_size: int = 10,
        top_m: int | TopMSchedule = 100,
        predictor: str | Callable[[int], WeakPredictor] = DEFAULT_PREDICTOR,
        encoding: str | None = None,
        target: str = "value",
    ) -> None:
        super().__init__(space, seed, predictor, encoding, target)
        if n_init < 1 or batch_size < 1:
            raise ValueError(f"n_init and batch_size must be >= 1, got {n_init}, {batch_size}")
        self.n_init = n_init
        self.batch_size = batch_size
        self.top_m = top_m if isinstance(top_m, TopMSchedule) else TopMSchedule(top_m, top_m)
        self.n_fits = 0
        self.fit_seconds = 0.0
        self.rank_seconds = 0.0

    def next_batch_size(self) -> int:
        proposed = int(self._seen.sum())
        return self.n_init - proposed if proposed < self.n_init else self.batch_size

    def _propose(self, count: int) -> list[Suggestion]:
        indices, values = self.observations()
        if self._seen.sum() < self.n_init or len(indices) < 2:  # the random initial design
            return self.random_unseen(count)

        features = self.features
        values = self._labels(values)
        started = time.perf_counter()
        model = self._new_predictor().fit(features[indices], values)
        fitted = time.perf_counter()
        candidates = self.unseen_indices()
        # Scoring the whole space (evaluated cells too) avoids copying the candidate rows,
        # which costs more than the few extra predictions on large spaces.
        scores = predict_in_chunks(model, features)[candidates]
        self.fit_seconds += fitted - started
        self.rank_seconds += time.perf_counter() - fitted
        self.n_fits += 1

        m = min(max(self.top_m(len(indices)), count), len(candidates))
        # Shuffle first so that ties (tree models predict many equal values) are broken
        # at random rather than by index order.
        shuffled = self.rng.permutation(len(candidates))
        top = shuffled[np.argpartition(-scores[shuffled], m - 1)[:m]]
        chosen = self.rng.choice(top, size=count, replace=False)
        return [Suggestion(int(candidates[c]), float(scores[c])) for c in chosen]
