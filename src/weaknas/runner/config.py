"""One search's settings, as the command line and studies give them."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from weaknas.pareto import parse_objectives
from weaknas.runner.constraints import parse_constraints
from weaknas.spaces.base import FiniteSpace
from weaknas.strategies.base import Strategy
from weaknas.strategies.options import StrategyOptions
from weaknas.strategies.registry import (
    STRATEGIES,
    fit_initial_design,
    make_strategy,
    strategy_options_class,
)
from weaknas.strategies.schedules import TopMSchedule

# Settings resolved per benchmark when not given. n_init: the paper's. target: ranks,
# which found the optimum in fewer queries than raw values on NB201 (all three datasets)
# and NB101, where a few very bad cells otherwise dominate a squared-error fit
# (benchmarks/sample_efficiency.py, benchmarks/nb101_sample_efficiency.py).
PROTOCOL_DEFAULTS: dict[str, dict] = {
    "nb201": {"n_init": 10, "target": "rank"},
    "nb101": {"n_init": 100, "target": "rank"},
    # NAS-Bench-Graph (26,206 networks, 2,021 for proteins): NB201's, a space of its size.
    "nbgraph": {"n_init": 10, "target": "rank"},
}
# A benchmark family's own WeakNAS picks, where they differ from ``DEFAULT_PICKS``: they
# come as a whole, for one objective, and only where neither the user nor a preset chose
# an acquisition (a chosen acquisition mixes in nothing it was not asked for). NAS-Bench-
# Graph: an ensemble of 5 with Thompson sampling, 60% of each batch the predicted best
# one-edit neighbours of the 10 best observed. Chosen on seeds 0-99, confirmed on 100-199
# (pubmed 406.4 queries, 99 found, against 505.4 and 88; benchmarks/predictor_variants.py).
PROTOCOL_PICKS: dict[str, dict] = {
    "nbgraph": {"acquisition": "ts", "n_models": 5, "local": 0.6},
}
# Named protocols: settings a preset fills in where the user left the default.
PRESETS: dict[str, dict] = {
    # WeakNAS's tabular protocol (Wu et al., NeurIPS 2021): the paper's initial samples
    # (10 on NB201, 100 on NB101), 10 per iteration drawn uniformly from the predicted
    # top-100, one predictor fitted to the observed values, the paper's encodings (NB201
    # and NAS-Bench-Graph: one-hot ops; NB101: the 45-number adjacency + ops). The
    # predictor stays the default LightGBM GBDT (one of the paper's weak predictors);
    # ``predictor="mlp-paper"`` adds the paper's 4x1000 MLP.
    "paper": {
        "strategy": "weaknas",
        "top_m": "100",
        "target": "value",
        "acquisition": "uniform",
        "n_models": 1,
        "encoding": "paper",
    },
    # WeakNAS's ImageNet search of the OFA MobileNetV3 space (Wu et al., NeurIPS 2021,
    # open-domain experiments): 100 initial queries, then 100 per iteration sampled
    # uniformly from the predicted top-1,000 of a 10,000-sub-network pool, a
    # gradient-boosted tree predictor (here LightGBM) fitted to the observed values.
    # The pool itself (width 1.2, 224 pixels, 550-600 MFLOPs, 10,000) is the command
    # line's part of the preset (``SPACE_PRESETS``).
    "ofa-paper": {
        "strategy": "weaknas",
        "n_init": 100,
        "batch_size": 100,
        "top_m": "1000",
        "predictor": "lgbm",
        "target": "value",
        "acquisition": "uniform",
        "n_models": 1,
    },
}
# The paper's encodings by benchmark family (``encoding="paper"``, the paper preset).
PAPER_ENCODINGS = {"nb201": "onehot", "nb101": "adjacency", "nbgraph": "onehot"}
# The search space a preset implies, as ``weaknas search`` flags.
SPACE_PRESETS: dict[str, dict] = {
    "ofa-paper": {
        "space": "mobilenetv3",
        "width": 1.2,
        "resolution": 224,
        "flops": "550:600",
        "pool": 10_000,
    },
}


@dataclass(frozen=True, init=False)
class SearchConfig:
    """Everything that defines a search except the seed (JSON-serialisable: ``as_dict``).

    The strategy's own settings are its options dataclass (``options``; declared in
    ``weaknas.strategies.options``), given here as keywords and read as attributes
    (``config.n_init``). One vocabulary for every strategy: ``n_init`` is the random
    initial design (for evolution, the population), ``batch_size`` the proposals per step.
    A setting left unset (None) takes, in order, what the user gave, the ``preset``'s, the
    benchmark family's protocol (``PROTOCOL_DEFAULTS``) or the strategy's own default. A
    setting the strategy does not take is refused, naming what it takes.
    """

    benchmark: str | None  # None: a search of one's own objective
    strategy: str
    budget: int
    # Observe the mean over seeds instead of one random seed's value.
    deterministic: bool
    # Stop once the benchmark's optimum is evaluated: saves compute in studies that only
    # measure queries to the optimum. The strategy never learns of it.
    stop_at_optimum: bool
    space: str | None  # the space of one's own objective (protocol defaults)
    # A named protocol (PRESETS): fills every setting left unset (for the preset's
    # strategy; another strategy keeps its own defaults).
    preset: str | None
    # Bounds on metrics known before evaluation (``"edgegpu_latency<=5"``), and the
    # benchmark table's metrics declared known (a latency lookup table): recorded only
    # when given, so older records read back unchanged.
    constraints: tuple[str, ...]
    known: tuple[str, ...]
    # Several objectives searched at once (``"accuracy:max,edgegpu_latency:min"``):
    # recorded only when given.
    objectives: tuple[str, ...]
    options: StrategyOptions

    def __init__(
        self,
        benchmark: str | None = "nb201-cifar10",
        strategy: str = "weaknas",
        budget: int = 1000,
        *,
        deterministic: bool = False,
        stop_at_optimum: bool = False,
        space: str | None = None,
        preset: str | None = None,
        constraints: Sequence[str] = (),
        known: Sequence[str] = (),
        objectives: str | Sequence[str] = (),
        **options: Any,
    ) -> None:
        parsed = parse_constraints(constraints)  # a malformed one is named here
        object.__setattr__(self, "constraints", tuple(str(c) for c in parsed))
        object.__setattr__(self, "known", tuple(known))
        searched = parse_objectives(objectives) if objectives else ()
        object.__setattr__(self, "objectives", tuple(str(o) for o in searched))
        for name, value in (
            ("benchmark", benchmark),
            ("strategy", strategy),
            ("budget", budget),
            ("deterministic", deterministic),
            ("stop_at_optimum", stop_at_optimum),
            ("space", space),
            ("preset", preset),
        ):
            object.__setattr__(self, name, value)  # frozen: set once, here
        if isinstance(budget, bool) or not isinstance(budget, int) or budget < 1:
            raise ValueError(f"budget must be a whole number >= 1, got {budget!r}")
        options_class = strategy_options_class(strategy)  # names an unknown strategy
        if self.objectives and not options_class.MULTI_OBJECTIVE:
            several = [s for s in STRATEGIES if strategy_options_class(s).MULTI_OBJECTIVE]
            raise ValueError(
                f"--objectives: the {strategy} strategy searches one objective; for several "
                f"use {', '.join(several)}"
            )
        takes = options_class.names()
        given = {name: value for name, value in options.items() if value is not None}
        refused = sorted(set(given) - set(takes))
        if refused:
            anyones = {n for s in STRATEGIES for n in strategy_options_class(s).names()}
            unknown = [n for n in refused if n not in anyones]
            if unknown:
                raise ValueError(f"unknown setting(s) {unknown}")
            raise ValueError(
                f"{', '.join(refused)}: not an option of the {strategy} strategy "
                f"(it takes: {', '.join(takes) or 'no options'})"
            )
        settings = options_class.for_protocol(PROTOCOL_DEFAULTS[self.protocol])
        if preset is not None:
            if preset not in PRESETS:
                raise ValueError(f"unknown preset {preset!r}; expected one of {sorted(PRESETS)}")
            if strategy == PRESETS[preset]["strategy"]:  # another strategy keeps its own
                settings.update({k: v for k, v in PRESETS[preset].items() if k in takes})
        picks = PROTOCOL_PICKS.get(self.protocol, {})
        chosen = settings.get("acquisition") is not None or "acquisition" in given
        if picks and "acquisition" in takes and not self.objectives and not chosen:
            settings.update(picks)
        settings.update(given)
        if settings.get("encoding") == "paper":  # by benchmark family; elsewhere the space's
            paper = PAPER_ENCODINGS.get(self.protocol) if benchmark else None
            settings["encoding"] = paper
        object.__setattr__(self, "options", options_class(**settings))

    def __getattr__(self, name: str) -> Any:
        """The strategy's options as attributes: ``config.n_init``."""
        options = self.__dict__.get("options")
        if options is not None and name in options.names():
            return getattr(options, name)
        raise AttributeError(
            f"{type(self).__name__} of {self.__dict__.get('strategy')!r} has no {name!r}"
        )

    @property
    def protocol(self) -> str:
        """Which benchmark family's defaults apply (``PROTOCOL_DEFAULTS``)."""
        name = self.benchmark or self.space or ""
        return next((family for family in PROTOCOL_DEFAULTS if name.startswith(family)), "nb201")

    def check_space(self, space: FiniteSpace) -> list[str]:
        """The notes of ``for_space`` (which see): refuses what it refuses."""
        return self.for_space(space)[1]

    def for_space(self, space: FiniteSpace) -> tuple[SearchConfig, list[str]]:
        """These settings fitted to ``space``, and notes a reader should know of.

        Refuses settings that would quietly make the search random on ``space``; on a
        space no larger than the initial design (the budget then capped by the space, not
        by the user) the initial design is capped instead (``small_space_n_init``), so a
        small space just works."""
        options = self.options.as_dict()
        notes = []
        if options.get("pool_grow"):
            from weaknas.spaces.pool import growable_copy

            growable_copy(space)  # refuses a space that holds every architecture already
        fitted = self
        n_init = options.get("n_init")
        if n_init is not None and self.budget > space.size and n_init >= space.size:
            capped, capped_notes = fit_initial_design(self.strategy, space, {"n_init": n_init})
            fitted = copy.copy(self)
            object.__setattr__(fitted, "options", replace(self.options, **capped))
            notes += capped_notes
        elif n_init is not None and n_init >= min(self.budget, space.size):
            raise ValueError(
                f"n_init {n_init} (--n-init) >= budget {self.budget} (--budget): every "
                f"query of {self.strategy} would be a random initial pick; lower --n-init or "
                "raise --budget (or use --strategy random)"
            )
        if self.budget > space.size:
            notes.append(
                f"budget {self.budget} > the {space.size} architectures of {space.name}: "
                f"the search ends after {space.size}"
            )
        if "top_m" in options:
            top_m = TopMSchedule.parse(options["top_m"], self.budget).start
            uniform_picks = (
                options["acquisition"] == "uniform" or options["explore"] or options["stall"]
            )
            if uniform_picks and top_m >= space.size:
                notes.append(
                    f"top-M {top_m} covers the whole space of {space.size}: a uniform pick "
                    "from it (the paper's acquisition, the explore share, a stall) is a "
                    "random one; lower --top-m"
                )
        return fitted, notes

    def strategy_options(self) -> dict:
        """The settings the chosen strategy takes, as its keyword arguments (a decaying
        top-M spread over this budget)."""
        options = self.options.as_dict()
        if "top_m" in options:
            options["top_m"] = TopMSchedule.parse(options["top_m"], self.budget)
        return options

    def build_strategy(self, space: FiniteSpace, seed: int) -> Strategy:
        return make_strategy(self.strategy, space, seed=seed, **self.strategy_options())

    def as_dict(self) -> dict:
        """Every setting, flat: what studies and ``run.json`` record."""
        return {
            "benchmark": self.benchmark,
            "strategy": self.strategy,
            "budget": self.budget,
            **self.options.as_dict(),
            "deterministic": self.deterministic,
            "stop_at_optimum": self.stop_at_optimum,
            "space": self.space,
            "preset": self.preset,
            **({"constraints": list(self.constraints)} if self.constraints else {}),
            **({"known": list(self.known)} if self.known else {}),
            **({"objectives": list(self.objectives)} if self.objectives else {}),
        }

    @property
    def label(self) -> str:
        """A short name for tables: ``weaknas[lgbm]`` or ``random``. Settings at their
        defaults are left out (the default picks too; the paper's read ``uniform``)."""
        details = self.options.label()
        return f"{self.strategy}[{details}]" if details else self.strategy


def recorded_config(stored: dict) -> SearchConfig:
    """A ``SearchConfig`` from settings a study recorded, read as the code that wrote them
    meant them. Before strategies owned their options every setting was recorded for
    every strategy, those it does not take at their defaults: they are dropped. Studies
    from before ``target`` existed fitted raw values; before the shared vocabulary (no
    ``space`` field), evolution ignored ``n_init`` and ``batch_size`` (it ran a population
    of 30, one child per step)."""
    stored = dict(stored)
    takes = strategy_options_class(stored.get("strategy", "weaknas")).names()
    if "stall" in takes:
        stored.setdefault("stall", 0)  # before stall existed: never
    if "target" in takes and stored.get("target") is None:
        stored["target"] = "value"
    if "space" not in stored and stored.get("strategy") == "evolution":
        stored["n_init"] = stored["batch_size"] = None  # its own defaults: what ran
    general = {"benchmark", "strategy", "budget", "deterministic", "stop_at_optimum", "space"}
    general |= {"preset", "constraints", "known", "objectives"}
    return SearchConfig(**{k: v for k, v in stored.items() if k in general or k in takes})
