"""Search strategies behind one ask/tell interface."""

from weaknas.strategies.bananas import BananasLike
from weaknas.strategies.base import Strategy, Suggestion
from weaknas.strategies.evolution import RegularizedEvolution
from weaknas.strategies.local_search import LocalSearch
from weaknas.strategies.random_search import RandomSearch
from weaknas.strategies.schedules import TopMSchedule
from weaknas.strategies.single_predictor import SinglePredictor
from weaknas.strategies.weaknas import WeakNAS

# tpe needs the optuna extra
STRATEGIES = (
    "weaknas",
    "random",
    "evolution",
    "local-search",
    "bananas",
    "single-predictor",
    "tpe",
)

__all__ = [
    "STRATEGIES",
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
