"""Random forest (scikit-learn)."""

from __future__ import annotations

import numpy as np
from sklearn.ensemble import RandomForestRegressor

from weaknas.predictors.base import WeakPredictor


class RandomForestPredictor(WeakPredictor):
    """scikit-learn's random forest, with the reference code's 100 trees."""

    def __init__(self, n_estimators: int = 100, random_state: int = 0, n_jobs: int = 1) -> None:
        self.n_estimators = n_estimators
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X, y) -> RandomForestPredictor:
        X, y = self._check_fit_input(X, y)
        self.forest_ = RandomForestRegressor(
            n_estimators=self.n_estimators, random_state=self.random_state, n_jobs=self.n_jobs
        ).fit(X, y)
        return self

    def predict(self, X) -> np.ndarray:
        return self.forest_.predict(np.asarray(X, dtype=np.float32))
