"""A BANANAS-like baseline (White et al., 2021): ensemble, acquisition, mutation candidates.

Each step fits an ensemble of ``n_models`` predictors (different seeds and bootstrap
resamples, so they disagree where data is thin), generates candidates as BANANAS's code
does (naszilla's ``get_candidates``: ``n_candidates`` random mutations of the best
evaluated architecture, several edits at a time, ``space.mutate_at_rate``; the next best
ones while repeats leave fewer, up to ``PATIENCE_FACTOR`` times ``n_parents``), scores each
with independent Thompson sampling (a draw from a normal with the ensemble's mean and
spread) and evaluates the ``batch_size`` best. BANANAS itself uses neural predictors;
here the fast LightGBM default stands in, on BANANAS's path encoding where the space has
one (``PredictorOptions.encoding``), so the comparison isolates the search loop (global
top-M sampling vs local candidates with an acquisition).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from weaknas.spaces.base import FiniteSpace
from weaknas.strategies.acquisition import thompson_draws
from weaknas.strategies.base import Suggestion
from weaknas.strategies.fitted import PredictorStrategy
from weaknas.strategies.options import BananasOptions

#: BANANAS's patience: parents tried, as a multiple of ``n_parents``, before a step makes
#: do with fewer candidates than ``n_candidates`` (naszilla's ``patience_factor``).
PATIENCE_FACTOR = 5
#: The highest rate its mutations rise to when those at rate 1 leave too few candidates.
MAX_MUTATION_RATE = 4


class BananasLike(PredictorStrategy):
    """Ensemble + independent Thompson sampling over mutations of the best architectures."""

    Options = BananasOptions
    preferred_encodings = ("path",)  # BANANAS's own, where the space has it

    def __init__(self, space: FiniteSpace, seed: int = 0, **options: Any) -> None:
        given: BananasOptions = self._read_options(options)
        super().__init__(space, seed, given)
        self.n_init = given.n_init
        self.batch_size = given.batch_size
        self.n_models = given.n_models
        self.n_candidates = given.n_candidates
        self.n_parents = given.n_parents
        self.random_picks = 0  # after the initial design, for want of unseen candidates
        self.fit_seconds = 0.0
        self.rank_seconds = 0.0
        self._models: list = []  # the ensemble that chose the latest batch

    def step_size(self) -> int:
        return self.batch_size

    def in_initial_design(self) -> bool:
        return self.n_told < max(self.n_init, 2)  # until the initial design's results are in

    def _propose(self, count: int) -> list[Suggestion]:
        indices, values = self.observations()
        candidates = self._candidates(indices, values, count)
        if len(candidates) < count:  # the parents' mutations at every rate are evaluated
            self.random_picks += count
            return self.random_unseen(count)
        features = self.features
        labels = self._labels(values)
        predictions = np.empty((self.n_models, len(candidates)))
        self._models = []
        for m in range(self.n_models):
            rows = self.rng.integers(len(indices), size=len(indices))  # bootstrap
            model = self._new_predictor()
            started = time.perf_counter()
            model.fit(features[indices[rows]], labels[rows])
            fitted = time.perf_counter()
            predictions[m] = model.predict(features[candidates])
            self.fit_seconds += fitted - started
            self.rank_seconds += time.perf_counter() - fitted
            self._models.append(model)
        mean, spread = predictions.mean(axis=0), predictions.std(axis=0)
        draws = thompson_draws(mean, spread, self.rng)
        best = np.argsort(-draws, kind="stable")[:count]  # stable: the same on every CPU
        return [Suggestion(int(candidates[i]), float(mean[i])) for i in best]

    def score(self, indices: np.ndarray) -> np.ndarray | None:
        """The ensemble's mean prediction for ``indices`` (it only scores candidates
        while searching, so whole-space diagnostics would cost a prediction of the space)."""
        if not self._models:
            return None
        rows = self.features[np.asarray(indices)]
        return np.mean([model.predict(rows) for model in self._models], axis=0)

    def _candidates(self, indices: np.ndarray, values: np.ndarray, count: int) -> np.ndarray:
        """Up to ``n_candidates`` distinct unseen mutations of the best evaluated architectures.

        The best ``n_parents`` are each mutated ``n_candidates / n_parents`` times; while
        repeats and evaluated ones leave fewer than ``n_candidates``, the next best are
        mutated too, up to ``PATIENCE_FACTOR * n_parents`` parents (BANANAS's bound on a
        step's work instead of a loop that may not end). Where that leaves fewer than the
        ``count`` to propose (NB101 late in a run: the best cells' mutations are all
        evaluated), the parents are mutated again at a higher rate, 2 to
        ``MAX_MUTATION_RATE`` edits expected (naszilla's mutation raises its rate when
        it finds nothing), before a random pick is the last resort.
        """
        parents = indices[np.argsort(-values, kind="stable")][: self.n_parents * PATIENCE_FACTOR]
        draws = max(1, self.n_candidates // self.n_parents)
        found: dict[int, None] = {}  # insertion-ordered: the same candidates on every run
        for rate in range(1, MAX_MUTATION_RATE + 1):
            for parent in parents:
                if len(found) >= self.n_candidates:
                    break
                for _ in range(draws):
                    child = self.space.mutate_at_rate(int(parent), self.rng, float(rate))
                    if not self._seen[child]:
                        found[child] = None
            if len(found) >= count:
                break
        return np.fromiter(found, dtype=np.int64, count=len(found))
