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
    classes: dict[str, type[Strategy]] = {
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


def small_space_n_init(space_size: int) -> int:
    """The random initial design on a space no larger than it: half the space (at least
    2, the fewest a predictor can be fitted on), so that the rest is still searched."""
    return min(space_size, max(2, space_size // 2))


def fit_initial_design(name: str, space, options: dict) -> tuple[dict, list[str]]:
    """``options`` for strategy ``name`` on ``space``, with an initial design (``n_init``,
    given or the strategy's default) that covers the whole space capped to
    ``small_space_n_init``; and the note that says so (none when nothing changed)."""
    import inspect

    if "n_init" not in strategy_parameters(name):
        return options, []
    default = inspect.signature(strategy_class(name).__init__).parameters["n_init"].default
    n_init = options.get("n_init", default)
    if n_init < space.size:
        return options, []
    capped = small_space_n_init(space.size)
    note = (
        f"{space.name} has only {space.size} architectures: {name} starts with {capped} "
        f"random ones instead of n_init {n_init} (--n-init), which would cover the space"
    )
    return {**options, "n_init": capped}, [note]


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
    "fit_initial_design",
    "make_strategy",
    "small_space_n_init",
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
