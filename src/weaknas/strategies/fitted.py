"""The settings every predictor-based strategy shares: predictor, encoding, target."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from weaknas.predictors import make_predictor
from weaknas.predictors.base import WeakPredictor
from weaknas.spaces.base import FiniteSpace
from weaknas.strategies.base import Strategy
from weaknas.strategies.options import PredictorOptions
from weaknas.strategies.targets import fit_labels


class PredictorStrategy(Strategy):
    """Base class for strategies that fit predictors on what they were told.

    ``predictor`` is a registry name or a factory ``seed -> regressor``; each new model
    gets a seed from the strategy's generator, so a run is reproducible from its seed.
    An unset encoding is the first of ``preferred_encodings`` the space has, else the
    space's ``search_encoding``.
    """

    preferred_encodings: tuple[str, ...] = ()

    def __init__(self, space: FiniteSpace, seed: int, options: PredictorOptions) -> None:
        super().__init__(space, seed)
        if isinstance(options.predictor, str):
            make_predictor(options.predictor)  # fail now on a missing library, not mid-search
        self.predictor: str | Callable[[int], WeakPredictor] = options.predictor
        self.target = options.target
        preferred = [name for name in self.preferred_encodings if name in space.encodings]
        self.encoding = options.encoding or (preferred + [space.search_encoding])[0]
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
