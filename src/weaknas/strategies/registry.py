"""Every strategy by name: where its class lives (imported on first use) and its options.

The one list of strategies: the command line's choices and flags, ``SearchConfig`` and
``make_strategy`` all read it. Importing it loads no strategy (nor numpy).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from weaknas.strategies.options import (
    BananasOptions,
    EvolutionOptions,
    LocalSearchOptions,
    NSGA2Options,
    RandomOptions,
    SinglePredictorOptions,
    StrategyOptions,
    TPEOptions,
    WeakNASOptions,
)

if TYPE_CHECKING:
    from weaknas.spaces.base import FiniteSpace
    from weaknas.strategies.base import Strategy

# name -> ("module:Class", its options)
REGISTRY: dict[str, tuple[str, type[StrategyOptions]]] = {
    "weaknas": ("weaknas.strategies.weaknas:WeakNAS", WeakNASOptions),
    "random": ("weaknas.strategies.random_search:RandomSearch", RandomOptions),
    "evolution": ("weaknas.strategies.evolution:RegularizedEvolution", EvolutionOptions),
    "local-search": ("weaknas.strategies.local_search:LocalSearch", LocalSearchOptions),
    "bananas": ("weaknas.strategies.bananas:BananasLike", BananasOptions),
    "single-predictor": (
        "weaknas.strategies.single_predictor:SinglePredictor",
        SinglePredictorOptions,
    ),
    "tpe": ("weaknas.strategies.tpe:TPESearch", TPEOptions),  # needs the optuna extra
    "nsga2": ("weaknas.strategies.tpe:NSGA2Search", NSGA2Options),  # needs the optuna extra
}
STRATEGIES = tuple(REGISTRY)


def _entry(name: str) -> tuple[str, type[StrategyOptions]]:
    if name not in REGISTRY:
        raise ValueError(f"unknown strategy {name!r}; expected one of {STRATEGIES}")
    return REGISTRY[name]


def strategy_options_class(name: str) -> type[StrategyOptions]:
    """The options dataclass of strategy ``name``."""
    return _entry(name)[1]


def strategy_class(name: str) -> type[Strategy]:
    """The class behind a strategy name (imported now)."""
    module, _, attribute = _entry(name)[0].partition(":")
    return getattr(importlib.import_module(module), attribute)


def strategy_parameters(name: str) -> list[str]:
    """The keyword options strategy ``name`` takes (besides ``seed``)."""
    return list(strategy_options_class(name).names())


def option_default(name: str, option: str) -> Any:
    """Strategy ``name``'s own default for ``option`` (before any protocol's)."""
    return strategy_options_class(name)().as_dict()[option]


def small_space_n_init(space_size: int) -> int:
    """The random initial design on a space no larger than it: half the space (at least
    2, the fewest a predictor can be fitted on), so that the rest is still searched."""
    return min(space_size, max(2, space_size // 2))


def fit_initial_design(name: str, space: FiniteSpace, options: dict) -> tuple[dict, list[str]]:
    """``options`` for strategy ``name`` on ``space``, with an initial design (``n_init``,
    given or the strategy's default) that covers the whole space capped to
    ``small_space_n_init``; and the note that says so (none when nothing changed)."""
    if "n_init" not in strategy_parameters(name):
        return options, []
    n_init = options.get("n_init", option_default(name, "n_init"))
    if n_init < space.size:
        return options, []
    capped = small_space_n_init(space.size)
    note = (
        f"{space.name} has only {space.size} architectures: {name} starts with {capped} "
        f"random ones instead of n_init {n_init} (--n-init), which would cover the space"
    )
    return {**options, "n_init": capped}, [note]


def make_strategy(name: str, space: FiniteSpace, seed: int = 0, **options) -> Strategy:
    """A strategy by name, with its own keyword options (checked: a typo is named)."""
    accepted = strategy_parameters(name)
    unknown = [k for k in options if k not in accepted]
    if unknown:
        raise ValueError(f"strategy {name!r} has no option(s) {unknown}; it takes {accepted}")
    return strategy_class(name)(space, seed=seed, **options)


__all__ = [
    "REGISTRY",
    "STRATEGIES",
    "fit_initial_design",
    "make_strategy",
    "option_default",
    "small_space_n_init",
    "strategy_class",
    "strategy_options_class",
    "strategy_parameters",
]
