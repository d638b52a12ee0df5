"""Gradient-boosted trees (XGBoost): the other GBDT of the paper's code.

Needs ``xgboost`` (``pip install 'weaknas[xgboost]'``, the CPU-only build).
"""

from __future__ import annotations

import numpy as np

from weaknas.predictors.base import WeakPredictor


class XGBPredictor(WeakPredictor):
    """XGBoost regressor sized like ``LGBMPredictor``: 30 trees, depth 3 (at most 8 leaves)."""

    def __init__(
        self,
        n_estimators: int = 30,
        learning_rate: float = 0.3,
        max_depth: int = 3,
        subsample: float = 0.8,
        colsample_bytree: float = 0.9,
        random_state: int = 0,
        n_jobs: int = 1,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X, y) -> XGBPredictor:
        try:
            import xgboost as xgb
        except ImportError as exc:
            raise ImportError(
                "the xgb predictor needs XGBoost: pip install 'weaknas[xgboost]'"
            ) from exc
        X, y = self._check_fit_input(X, y)
        params = {
            "objective": "reg:squarederror",
            "eta": self.learning_rate,
            "max_depth": self.max_depth,
            "min_child_weight": 1,
            "subsample": self.subsample,
            "colsample_bytree": self.colsample_bytree,
            "seed": int(self.random_state),
            "nthread": self.n_jobs,
            "tree_method": "hist",
            "verbosity": 0,
        }
        self.booster_ = xgb.train(params, xgb.DMatrix(X, label=y), self.n_estimators)
        return self

    def predict(self, X) -> np.ndarray:
        predicted = self.booster_.inplace_predict(np.asarray(X, dtype=np.float32))
        return np.asarray(predicted, dtype=np.float64)
