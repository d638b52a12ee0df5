"""Weak predictors, by the names the command line uses."""

from __future__ import annotations

from collections.abc import Callable

from weaknas.names import DEFAULT_PREDICTOR
from weaknas.names import PREDICTORS as PREDICTOR_NAMES
from weaknas.predictors.base import WeakPredictor
from weaknas.predictors.forest import RandomForestPredictor
from weaknas.predictors.gbdt import LGBMPredictor
from weaknas.predictors.mlp import MLPPredictor
from weaknas.predictors.xgb import XGBPredictor

PREDICTORS: dict[str, Callable[[int], WeakPredictor]] = {
    "lgbm": lambda seed: LGBMPredictor(random_state=seed),
    "xgb": lambda seed: XGBPredictor(random_state=seed),
    "rf": lambda seed: RandomForestPredictor(random_state=seed),
    "mlp": lambda seed: MLPPredictor(random_state=seed),
    "mlp-paper": lambda seed: MLPPredictor.paper(random_state=seed),
    "lgbm-lambdarank": lambda seed: LGBMPredictor(random_state=seed, objective="lambdarank"),
    "lgbm-xendcg": lambda seed: LGBMPredictor(random_state=seed, objective="rank_xendcg"),
}
if tuple(PREDICTORS) != PREDICTOR_NAMES:
    raise ImportError(f"predictor registry {tuple(PREDICTORS)} != weaknas.names {PREDICTOR_NAMES}")


def make_predictor(name: str, random_state: int = 0) -> WeakPredictor:
    """A fresh, unfitted predictor called ``name`` (see ``PREDICTORS``)."""
    if name not in PREDICTORS:
        raise ValueError(f"unknown predictor {name!r}; expected one of {sorted(PREDICTORS)}")
    return PREDICTORS[name](random_state)


__all__ = [
    "DEFAULT_PREDICTOR",
    "PREDICTORS",
    "LGBMPredictor",
    "MLPPredictor",
    "RandomForestPredictor",
    "WeakPredictor",
    "XGBPredictor",
    "make_predictor",
]
