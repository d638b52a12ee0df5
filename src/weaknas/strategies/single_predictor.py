"""The paper's foil: one predictor fitted once on random samples, then its top picks.

Evaluate ``n_init`` random architectures, fit a predictor on them once, and spend the
rest of the budget on the unevaluated architectures in order of predicted value. WeakNAS
differs only in refitting on every batch and sampling from the top-M.
"""

from __future__ import annotations

import numpy as np

from weaknas.predictors import DEFAULT_PREDICTOR
from weaknas.predictors.base import predict_in_chunks
from weaknas.spaces.base import FiniteSpace
from weaknas.strategies.base import Suggestion, best_first
from weaknas.strategies.fitted import PredictorStrategy


class SinglePredictor(PredictorStrategy):
    """Random ``n_init``, one fit, then the predicted best first (``batch_size`` at a time)."""

    def __init__(
        self,
        space: FiniteSpace,
        seed: int = 0,
        n_init: int = 100,
        batch_size: int = 10,
        predictor: str = DEFAULT_PREDICTOR,
        encoding: str | None = None,
        target: str = "rank",
    ) -> None:
        super().__init__(space, seed, predictor, encoding, target)
        if n_init < 2 or batch_size < 1:
            raise ValueError(f"need n_init >= 2 and batch_size >= 1, got {n_init}, {batch_size}")
        self.n_init = n_init
        self.batch_size = batch_size
        self._order: np.ndarray | None = None  # unevaluated architectures, best predicted first
        self._scores: np.ndarray | None = None
        self._next = 0

    def next_batch_size(self) -> int:
        proposed = int(self._seen.sum())
        return self.n_init - proposed if proposed < self.n_init else self.batch_size

    def _propose(self, count: int) -> list[Suggestion]:
        if self._seen.sum() < self.n_init or self._pending:
            return self.random_unseen(count)
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
