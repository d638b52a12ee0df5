"""The settings every predictor-based strategy shares: predictor, encoding, target."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from weaknas.predictors import DEFAULT_PREDICTOR, make_predictor
from weaknas.predictors.base import WeakPredictor
from weaknas.spaces.base import FiniteSpace
from weaknas.strategies.base import Strategy
from weaknas.strategies.targets import check_target, fit_labels


class PredictorStrategy(Strategy):
    """Base class for strategies that fit predictors on what they were told.

    ``predictor`` is a registry name or a factory ``seed -> regressor``; each new model
    gets a seed from the strategy's generator, so a run is reproducible from its seed.
    """

    def __init__(
        self,
        space: FiniteSpace,
        seed: int = 0,
        predictor: str | Callable[[int], WeakPredictor] = DEFAULT_PREDICTOR,
        encoding: str | None = None,
        target: str = "rank",
    ) -> None:
        super().__init__(space, seed)
        if isinstance(predictor, str):
            make_predictor(predictor)  # fail now on an unknown name, not mid-search
        self.predictor = predictor
        self.target = check_target(target)
        self.encoding = encoding or space.search_encoding
        space.encode(self.encoding)  # fail now on an unknown encoding, and build it once

    @property
    def features(self) -> np.ndarray:
        return self.space.encode(self.encoding)

    def _new_predictor(self) -> WeakPredictor:
        predictor_seed = int(self.rng.integers(2**31 - 1))
        if isinstance(self.predictor, str):
            return make_predictor(self.predictor, predictor_seed)
        return self.predictor(predictor_seed)

    def _labels(self, values: np.ndarray) -> np.ndarray:
        return fit_labels(values, self.target)
