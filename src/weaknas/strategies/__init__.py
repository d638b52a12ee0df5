"""Search strategies behind one ask/tell interface (``registry`` lists them by name;
each class is imported on first use)."""

from typing import TYPE_CHECKING

from weaknas._lazy import lazy_attributes
from weaknas.strategies.registry import (
    STRATEGIES,
    fit_initial_design,
    make_strategy,
    small_space_n_init,
    strategy_class,
    strategy_options_class,
    strategy_parameters,
)

if TYPE_CHECKING:
    from weaknas.strategies.bananas import BananasLike
    from weaknas.strategies.base import Strategy, Suggestion
    from weaknas.strategies.evolution import RegularizedEvolution
    from weaknas.strategies.local_search import LocalSearch
    from weaknas.strategies.random_search import RandomSearch
    from weaknas.strategies.schedules import TopMSchedule
    from weaknas.strategies.single_predictor import SinglePredictor
    from weaknas.strategies.weaknas import WeakNAS

__getattr__ = lazy_attributes(
    "weaknas.strategies",
    {
        "BananasLike": "weaknas.strategies.bananas",
        "LocalSearch": "weaknas.strategies.local_search",
        "RandomSearch": "weaknas.strategies.random_search",
        "RegularizedEvolution": "weaknas.strategies.evolution",
        "SinglePredictor": "weaknas.strategies.single_predictor",
        "Strategy": "weaknas.strategies.base",
        "Suggestion": "weaknas.strategies.base",
        "TopMSchedule": "weaknas.strategies.schedules",
        "WeakNAS": "weaknas.strategies.weaknas",
    },
)

__all__ = [
    "STRATEGIES",
    "fit_initial_design",
    "make_strategy",
    "small_space_n_init",
    "strategy_class",
    "strategy_options_class",
    "strategy_parameters",
    "BananasLike",
    "LocalSearch",
    "RandomSearch",
    "RegularizedEvolution",
    "SinglePredictor",
    "Strategy",
    "Suggestion",
    "TopMSchedule",
    "WeakNAS",
]
