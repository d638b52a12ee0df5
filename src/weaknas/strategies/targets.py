"""What a strategy's predictor is fitted to: the observed values, or their ranks.

Only the predicted order matters to the strategies, and ranks scaled to (0, 1] keep a
few very bad architectures (NB101 has cells at 10% accuracy) from dominating a
squared-error fit that only needs to order the good ones.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from weaknas.names import TARGETS


def check_target(target: str) -> str:
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}; expected one of {TARGETS}")
    return target


def fit_labels(values: np.ndarray, target: str) -> np.ndarray:
    """The labels to fit for observed ``values`` under ``target``."""
    if target != "rank":
        return values
    # average ranks of ties, as scipy.stats.rankdata (pandas is loaded already)
    return pd.Series(values).rank(method="average").to_numpy() / len(values)
