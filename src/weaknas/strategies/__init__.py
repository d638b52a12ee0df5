"""Search strategies behind one ask/tell interface."""

from weaknas.names import STRATEGIES
from weaknas.strategies.bananas import BananasLike
from weaknas.strategies.base import Strategy, Suggestion
from weaknas.strategies.evolution import RegularizedEvolution
from weaknas.strategies.local_search import LocalSearch
from weaknas.strategies.random_search import RandomSearch
from weaknas.strategies.schedules import TopMSchedule
from weaknas.strategies.single_predictor import SinglePredictor
from weaknas.strategies.weaknas import WeakNAS


def strategy_class(name: str) -> type[Strategy]:
    """The class behind a strategy name (``STRATEGIES``)."""
    if name == "tpe":
        from weaknas.strategies.tpe import TPESearch

        return TPESearch
    classes = {
        "weaknas": WeakNAS,
        "random": RandomSearch,
        "evolution": RegularizedEvolution,
        "local-search": LocalSearch,
        "bananas": BananasLike,
        "single-predictor": SinglePredictor,
    }
    if name not in classes:
        raise ValueError(f"unknown strategy {name!r}; expected one of {STRATEGIES}")
    return classes[name]


def strategy_parameters(name: str) -> list[str]:
    """The keyword options strategy ``name`` takes (besides ``seed``)."""
    import inspect

    parameters = inspect.signature(strategy_class(name).__init__).parameters
    return [p for p in parameters if p not in ("self", "space", "seed")]


def make_strategy(name: str, space, seed: int = 0, **options) -> Strategy:
    """A strategy by name, with its own keyword options (checked: a typo is named)."""
    cls = strategy_class(name)
    accepted = strategy_parameters(name)
    unknown = [k for k in options if k not in accepted]
    if unknown:
        raise ValueError(f"strategy {name!r} has no option(s) {unknown}; it takes {accepted}")
    return cls(space, seed=seed, **options)


__all__ = [
    "STRATEGIES",
    "make_strategy",
    "strategy_class",
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
