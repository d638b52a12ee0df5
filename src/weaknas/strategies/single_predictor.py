"""The paper's foil: one predictor fitted once on random samples, then its top picks.

Evaluate ``n_init`` random architectures, fit a predictor on them once, and spend the
rest of the budget on the unevaluated architectures in order of predicted value. WeakNAS
differs only in refitting on every batch and sampling from the top-M.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from weaknas.predictors.base import predict_in_chunks
from weaknas.spaces.base import FiniteSpace
from weaknas.strategies.base import Suggestion, best_first
from weaknas.strategies.fitted import PredictorStrategy
from weaknas.strategies.options import SinglePredictorOptions


class SinglePredictor(PredictorStrategy):
    """Random ``n_init``, one fit, then the predicted best first (``batch_size`` at a time)."""

    Options = SinglePredictorOptions

    def __init__(self, space: FiniteSpace, seed: int = 0, **options: Any) -> None:
        given: SinglePredictorOptions = self._read_options(options)
        super().__init__(space, seed, given)
        self.n_init = given.n_init
        self.batch_size = given.batch_size
        self._order: np.ndarray | None = None  # unevaluated architectures, best predicted first
        self._scores: np.ndarray | None = None
        self._next = 0

    def step_size(self) -> int:
        return self.batch_size

    def in_initial_design(self) -> bool:
        # its one fit waits for every result of the initial design
        return super().in_initial_design() or bool(self._pending)

    def _propose(self, count: int) -> list[Suggestion]:
        if self._order is None or self._scores is None:
            self._fit_once()
        order, scores = self._order, self._scores
        assert order is not None and scores is not None  # fitted above
        batch: list[Suggestion] = []
        while len(batch) < count and self._next < len(order):
            index = int(order[self._next])
            self._next += 1
            if not self._seen[index]:
                batch.append(Suggestion(index, float(scores[index])))
        return batch

    def _fit_once(self) -> None:
        indices, values = self.observations()
        features = self.features
        model = self._new_predictor().fit(features[indices], self._labels(values))
        self._scores = self.latest_scores = predict_in_chunks(model, features)
        candidates = self.unseen_indices()
        self._order = candidates[best_first(self._scores[candidates], self.rng)]
