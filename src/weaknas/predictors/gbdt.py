"""Gradient-boosted trees (LightGBM): the fast default weak predictor."""

from __future__ import annotations

import lightgbm as lgb
import numpy as np

from weaknas.predictors.base import WeakPredictor


class LGBMPredictor(WeakPredictor):
    """LightGBM regressor tuned for tiny training sets (10 to a few thousand rows).

    Deliberately weak: 30 trees of at most 7 leaves. On NB201 (40 seeds, cifar10) this
    needed no more queries to the optimum than 50 or 100 trees of 15 leaves, and ranks
    the whole space 5x faster; stumps (purely additive) did much worse
    (``benchmarks/sample_efficiency.py`` and the issue notes hold the numbers).
    ``min_child_samples`` is small because WeakNAS fits on as few as 10 samples; the
    library default (20) would grow no tree at all there. One thread and
    ``deterministic`` make the result the same on every machine for one seed.
    """

    def __init__(
        self,
        n_estimators: int = 30,
        learning_rate: float = 0.3,
        num_leaves: int = 7,
        min_child_samples: int = 2,
        subsample: float = 0.8,
        colsample_bytree: float = 0.9,
        random_state: int = 0,
        n_jobs: int = 1,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X, y) -> LGBMPredictor:
        X, y = self._check_fit_input(X, y)
        params = {
            "objective": "regression",
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_data_in_leaf": self.min_child_samples,
            "min_data_in_bin": 1,
            "bagging_fraction": self.subsample,
            "bagging_freq": 1 if self.subsample < 1.0 else 0,
            "feature_fraction": self.colsample_bytree,
            "seed": int(self.random_state),
            "num_threads": self.n_jobs,
            "deterministic": True,
            "force_row_wise": True,
            "verbosity": -1,
        }
        data = lgb.Dataset(X, label=y, params={"verbosity": -1, "min_data_in_bin": 1})
        self.booster_ = lgb.train(params, data, num_boost_round=self.n_estimators)
        return self

    def predict(self, X) -> np.ndarray:
        return self.booster_.predict(np.asarray(X, dtype=np.float32), num_threads=self.n_jobs)
