"""Search strategies behind one ask/tell interface."""

from weaknas.strategies.base import Strategy, Suggestion
from weaknas.strategies.random_search import RandomSearch
from weaknas.strategies.schedules import TopMSchedule
from weaknas.strategies.weaknas import WeakNAS

STRATEGIES = ("weaknas", "random", "tpe")  # tpe needs the optuna extra

__all__ = ["STRATEGIES", "RandomSearch", "Strategy", "Suggestion", "TopMSchedule", "WeakNAS"]
