"""Acquisition functions over an ensemble's predictions (maximisation throughout).

Each takes the ensemble's mean and spread per candidate and returns a score; the
candidates with the highest scores are evaluated. Improvements are measured upwards
(``mean - best``): the WeakNAS reference code compared negated predictions with
un-negated labels in its EI, which rewards predicted *low* accuracy.
"""

from __future__ import annotations

import numpy as np

from weaknas.names import ACQUISITIONS, NEEDS_ENSEMBLE

UCB_KAPPA = 0.5  # NASLib's default exploration factor for UCB


def expected_improvement(mean: np.ndarray, std: np.ndarray, best: float) -> np.ndarray:
    """E[max(f - best, 0)] for f ~ N(mean, std^2); ``mean - best`` where std is 0."""
    from scipy.stats import norm  # scipy.stats costs ~0.5 s to import: only when used

    std = np.asarray(std, dtype=float)
    gain = np.asarray(mean, dtype=float) - best
    safe = np.where(std > 0, std, 1.0)
    z = gain / safe
    ei = gain * norm.cdf(z) + safe * norm.pdf(z)
    return np.where(std > 0, ei, np.maximum(gain, 0.0))


def upper_confidence_bound(mean: np.ndarray, std: np.ndarray, kappa: float = UCB_KAPPA):
    return np.asarray(mean, dtype=float) + kappa * np.asarray(std, dtype=float)


def thompson_draws(mean: np.ndarray, std: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Independent Thompson sampling: one draw per candidate from N(mean, std^2)."""
    return rng.normal(mean, np.asarray(std, dtype=float) + 1e-12)


def check_acquisition(name: str, n_models: int) -> str:
    if name not in ACQUISITIONS:
        raise ValueError(f"unknown acquisition {name!r}; expected one of {ACQUISITIONS}")
    if name in NEEDS_ENSEMBLE and n_models < 2:
        raise ValueError(
            f"acquisition {name!r} needs the spread of an ensemble: n_models must be >= 2, "
            f"got {n_models}"
        )
    if n_models < 1:
        raise ValueError(f"n_models must be >= 1, got {n_models}")
    return name
