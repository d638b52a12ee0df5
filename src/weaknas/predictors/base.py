"""What a weak predictor is: a scikit-learn regressor that ranks architectures.

Predictors follow the scikit-learn estimator protocol (parameters in ``__init__``, no
work there; ``fit(X, y)`` returns self; ``predict(X)``), so any scikit-learn regressor
can be dropped in. Only the *ranking* of predictions matters to WeakNAS.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin


class StandardizedTarget:
    """Centre and scale labels so one learning rate suits every dataset's accuracy range."""

    def __init__(self, y: np.ndarray) -> None:
        self.mean = float(np.mean(y))
        std = float(np.std(y))
        self.scale = std if std > 1e-12 else 1.0

    def forward(self, y: np.ndarray) -> np.ndarray:
        return (np.asarray(y, dtype=np.float64) - self.mean) / self.scale

    def inverse(self, z: np.ndarray) -> np.ndarray:
        return np.asarray(z, dtype=np.float64) * self.scale + self.mean


class WeakPredictor(RegressorMixin, BaseEstimator):
    """Base class: checks inputs, and the fitted flag scikit-learn expects."""

    def _check_fit_input(self, X, y) -> tuple[np.ndarray, np.ndarray]:
        X = np.asarray(X, dtype=np.float32)
        y = np.asarray(y, dtype=np.float64).ravel()
        if X.ndim != 2 or len(X) != len(y) or len(y) == 0:
            raise ValueError(
                f"fit needs X of shape (n, d) and y of length n, got {X.shape}, {y.shape}"
            )
        if not np.isfinite(y).all():
            raise ValueError("fit: y holds NaN or infinite values")
        return X, y


def predict_in_chunks(model, X: np.ndarray, rows: int = 65536) -> np.ndarray:
    """``model.predict`` over a whole space, a block of rows at a time.

    Bounds the memory of predictors that copy their input to float32 (a whole NB101 path
    encoding would be 617 MB); the result is the same as one call.
    """
    out = np.empty(len(X), dtype=np.float64)
    for start in range(0, len(X), rows):
        out[start : start + rows] = model.predict(X[start : start + rows])
    return out
