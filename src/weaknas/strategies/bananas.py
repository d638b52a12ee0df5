"""A BANANAS-like baseline (White et al., 2021): ensemble, acquisition, mutation candidates.

Each step fits an ensemble of ``n_models`` predictors (different seeds and bootstrap
resamples, so they disagree where data is thin), generates candidates by mutating the
``n_parents`` best evaluated architectures, scores each candidate with independent
Thompson sampling (a draw from a normal with the ensemble's mean and spread) and
evaluates the ``batch_size`` best. BANANAS itself uses neural predictors and the path
encoding; here the fast LightGBM default stands in, so the comparison isolates the search
loop (global top-M sampling vs local candidates with an acquisition).
"""

from __future__ import annotations

import numpy as np

from weaknas.predictors import DEFAULT_PREDICTOR
from weaknas.spaces.base import FiniteSpace
from weaknas.strategies.base import Suggestion
from weaknas.strategies.fitted import PredictorStrategy


class BananasLike(PredictorStrategy):
    """Ensemble + independent Thompson sampling over mutations of the best architectures."""

    def __init__(
        self,
        space: FiniteSpace,
        seed: int = 0,
        n_init: int = 10,
        batch_size: int = 10,
        n_models: int = 5,
        n_candidates: int = 100,
        n_parents: int = 10,
        predictor: str = DEFAULT_PREDICTOR,
        encoding: str | None = None,
        target: str = "rank",
    ) -> None:
        super().__init__(space, seed, predictor, encoding, target)
        if min(n_init, batch_size, n_models, n_candidates, n_parents) < 1:
            raise ValueError("n_init, batch_size, n_models, n_candidates, n_parents must be >= 1")
        self.n_init = n_init
        self.batch_size = batch_size
        self.n_models = n_models
        self.n_candidates = n_candidates
        self.n_parents = n_parents

    def next_batch_size(self) -> int:
        proposed = int(self._seen.sum())
        return self.n_init - proposed if proposed < self.n_init else self.batch_size

    def _propose(self, count: int) -> list[Suggestion]:
        indices, values = self.observations()
        if len(indices) < max(self.n_init, 2):
            return self.random_unseen(count)
        candidates = self._candidates(indices, values)
        if len(candidates) < count:
            return self.random_unseen(count)
        features = self.features
        labels = self._labels(values)
        predictions = np.empty((self.n_models, len(candidates)))
        for m in range(self.n_models):
            rows = self.rng.integers(len(indices), size=len(indices))  # bootstrap
            model = self._new_predictor()
            model.fit(features[indices[rows]], labels[rows])
            predictions[m] = model.predict(features[candidates])
        mean, spread = predictions.mean(axis=0), predictions.std(axis=0)
        draws = self.rng.normal(mean, spread + 1e-12)  # independent Thompson sampling
        best = np.argsort(-draws)[:count]
        return [Suggestion(int(candidates[i]), float(mean[i])) for i in best]

    def _candidates(self, indices: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Unseen mutations of the best evaluated architectures (deduplicated)."""
        parents = indices[np.argsort(-values)[: self.n_parents]]
        found: set[int] = set()
        for _ in range(20 * self.n_candidates):
            if len(found) >= self.n_candidates:
                break
            child = self.space.mutate(int(self.rng.choice(parents)), self.rng)
            if not self._seen[child]:
                found.add(child)
        return np.array(sorted(found), dtype=np.int64)
