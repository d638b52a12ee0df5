"""One search's settings, as the command line and studies give them."""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, fields
from typing import Any

from weaknas.predictors import DEFAULT_PREDICTOR, PREDICTORS
from weaknas.spaces.base import FiniteSpace
from weaknas.strategies import (
    STRATEGIES,
    Strategy,
    TopMSchedule,
    fit_initial_design,
    make_strategy,
    strategy_parameters,
)
from weaknas.strategies.acquisition import NEEDS_ENSEMBLE, check_acquisition
from weaknas.strategies.targets import check_target
from weaknas.strategies.weaknas import DEFAULT_PICKS, check_options, resolve_picks

# Settings resolved per benchmark when not given. n_init: the paper's. target: ranks,
# which found the optimum in fewer queries than raw values on NB201 (all three datasets)
# and NB101, where a few very bad cells otherwise dominate a squared-error fit
# (benchmarks/sample_efficiency.py, benchmarks/nb101_sample_efficiency.py).
# Strategies that fit a predictor, and so take a ``target``.
PREDICTOR_STRATEGIES = ("weaknas", "single-predictor", "bananas")
PROTOCOL_DEFAULTS: dict[str, dict] = {
    "nb201": {"n_init": 10, "target": "rank"},
    "nb101": {"n_init": 100, "target": "rank"},
    # NAS-Bench-Graph (26,206 networks, 2,021 for proteins): NB201's, a space of its size.
    "nbgraph": {"n_init": 10, "target": "rank"},
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
# Strategies whose own defaults differ from the protocol's (n_init: the random initial
# design, for evolution its population; batch_size: proposals per step).
STRATEGY_DEFAULTS: dict[str, dict] = {
    "evolution": {"n_init": 30, "batch_size": 1},
}


@dataclass(frozen=True)
class SearchConfig:
    """Everything that defines a search except the seed (JSON-serialisable).

    One vocabulary for every strategy: ``n_init`` is the random initial design (for
    evolution, the population), ``batch_size`` the proposals per step. A setting the
    chosen strategy does not use is left at its default (``unused`` names those given).
    """

    benchmark: str | None = "nb201-cifar10"  # None: a search of one's own objective
    strategy: str = "weaknas"
    budget: int = 1000
    predictor: str = DEFAULT_PREDICTOR
    n_init: int | None = None  # None: the paper's for the benchmark (PROTOCOL_DEFAULTS)
    batch_size: int | None = None  # None: 10 (evolution: 1)
    top_m: str = "100"
    encoding: str | None = None  # None: the space's search encoding
    target: str | None = None  # fit to observed values or their ranks; None: per benchmark
    # How WeakNAS picks from its predictions (strategies.acquisition.ACQUISITIONS;
    # None: the default picks, strategies.weaknas.DEFAULT_PICKS) and how many predictors
    # it fits per step; None: 5 for ei/ucb/ts (and bananas), else 1.
    acquisition: str | None = None
    n_models: int | None = None
    deterministic: bool = False
    # Stop once the benchmark's optimum is evaluated: saves compute in studies that only
    # measure queries to the optimum. The strategy never learns of it.
    stop_at_optimum: bool = False
    space: str | None = None  # the space of one's own objective (protocol defaults)
    # Unseen mutations of the predicted best added to a candidate pool per iteration
    # (weaknas on pool spaces: darts, mobilenetv3, large categorical spaces).
    pool_grow: int = 0
    # Share of each weaknas batch drawn uniformly from the predicted top-M when the
    # acquisition is not uniform (the rest by the acquisition); None: the default
    # picks' 0.3 with an unset acquisition, else 0.
    explore: float | None = None
    # Share of each weaknas batch taken as the predicted best unseen neighbours of the 10
    # best observed architectures (non-uniform acquisitions).
    local: float = 0.0
    # With an ensemble: members after the first score only the first's top-K unseen
    # architectures (plus the local candidates); picks come from that shortlist.
    shortlist: int = 0
    # Non-uniform acquisitions: after this many iterations without a new best, batches
    # are drawn uniformly from the predicted top-M until the best improves (0: never;
    # None: the default picks' 5 with an unset acquisition, else 0).
    stall: int | None = None
    # A named protocol (PRESETS): fills every setting left at its default (for the
    # preset's strategy; another strategy keeps its own defaults).
    preset: str | None = None

    def __post_init__(self) -> None:
        if self.preset is not None:
            if self.preset not in PRESETS:
                raise ValueError(
                    f"unknown preset {self.preset!r}; expected one of {sorted(PRESETS)}"
                )
            # Another strategy keeps its own settings: a preset's are its strategy's.
            if self.strategy == PRESETS[self.preset]["strategy"]:
                unset = {f.name: f.default for f in fields(self)}
                for name, value in PRESETS[self.preset].items():
                    if getattr(self, name) == unset[name]:
                        object.__setattr__(self, name, value)
        if self.encoding == "paper":  # resolved by benchmark family; elsewhere the space's
            paper = PAPER_ENCODINGS.get(self.protocol) if self.benchmark else None
            object.__setattr__(self, "encoding", paper)
        if self.strategy == "weaknas":
            picks = resolve_picks(self.acquisition, self.explore, self.stall)
        else:  # no predictions to pick from: nothing to set (a given value is refused below)
            picks = (self.acquisition or "uniform", self.explore or 0.0, self.stall or 0)
        for name, value in zip(("acquisition", "explore", "stall"), picks, strict=True):
            object.__setattr__(self, name, value)
        defaults: dict[str, Any] = dict(PROTOCOL_DEFAULTS[self.protocol], batch_size=10)
        if self.strategy not in PREDICTOR_STRATEGIES:
            defaults["target"] = "value"  # no predictor, no choice of target to make
        if self.strategy == "single-predictor":
            defaults["n_init"] = 10 * defaults["n_init"]  # its one training set
        defaults.update(STRATEGY_DEFAULTS.get(self.strategy, {}))
        ensemble = self.strategy == "bananas" or self.acquisition in NEEDS_ENSEMBLE
        defaults["n_models"] = 5 if ensemble else 1
        for name, value in defaults.items():
            if getattr(self, name) is None:
                object.__setattr__(self, name, value)  # frozen: resolve once, here
        if self.strategy not in STRATEGIES:
            raise ValueError(f"unknown strategy {self.strategy!r}; expected one of {STRATEGIES}")
        if self.predictor not in PREDICTORS:
            raise ValueError(
                f"unknown predictor {self.predictor!r}; expected one of {sorted(PREDICTORS)}"
            )
        # resolved above: no setting the checks below read is None any more
        assert self.explore is not None and self.acquisition is not None
        assert self.stall is not None and self.n_models is not None and self.target is not None
        if self.strategy == "weaknas":
            check_options(
                self.pool_grow,
                self.explore,
                self.local,
                self.acquisition,
                self.shortlist,
                self.stall,
            )
        elif self.pool_grow or self.explore or self.local or self.shortlist or self.stall:
            raise ValueError(
                "pool growth, explore, local, shortlist and stall are weaknas options, "
                f"not {self.strategy}'s"
            )
        for name in ("budget", "n_init", "batch_size", "n_models"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")
        TopMSchedule.parse(self.top_m, self.budget)  # fail early on a bad schedule
        check_target(self.target)
        if self.strategy == "weaknas":
            check_acquisition(self.acquisition, self.n_models)
        elif self.acquisition != "uniform":
            raise ValueError(f"acquisition applies to the weaknas strategy, not {self.strategy}")

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
        fitted = copy.copy(self)
        notes = []
        if self.pool_grow:
            from weaknas.spaces.pool import growable_copy

            growable_copy(space)  # refuses a space that holds every architecture already
        uses = strategy_parameters(self.strategy)
        n_init = self.n_init
        assert n_init is not None  # resolved by __post_init__
        if "n_init" in uses and self.budget > space.size and n_init >= space.size:
            options, capped = fit_initial_design(self.strategy, space, {"n_init": n_init})
            object.__setattr__(fitted, "n_init", options["n_init"])  # frozen: one field
            notes += capped
        elif "n_init" in uses and n_init >= min(self.budget, space.size):
            raise ValueError(
                f"n_init {self.n_init} (--n-init) >= budget {self.budget} (--budget): every "
                f"query of {self.strategy} would be a random initial pick; lower --n-init or "
                "raise --budget (or use --strategy random)"
            )
        if self.budget > space.size:
            notes.append(
                f"budget {self.budget} > the {space.size} architectures of {space.name}: "
                f"the search ends after {space.size}"
            )
        top_m = TopMSchedule.parse(self.top_m, self.budget).start
        uniform_picks = self.acquisition == "uniform" or self.explore or self.stall
        if "top_m" in uses and uniform_picks and top_m >= space.size:
            notes.append(
                f"top-M {top_m} covers the whole space of {space.size}: a uniform pick from "
                "it (the paper's acquisition, the explore share, a stall) is a random one; "
                "lower --top-m"
            )
        return fitted, notes

    def strategy_options(self) -> dict:
        """The settings the chosen strategy takes, as its keyword arguments."""
        offered = {
            "n_init": self.n_init,
            "batch_size": self.batch_size,
            "predictor": self.predictor,
            "encoding": self.encoding,
            "target": self.target,
            "n_models": self.n_models,
            "acquisition": self.acquisition,
            "top_m": TopMSchedule.parse(self.top_m, self.budget),
            "pool_grow": self.pool_grow,
            "explore": self.explore,
            "local": self.local,
            "shortlist": self.shortlist,
            "stall": self.stall,
        }
        accepted = strategy_parameters(self.strategy)
        return {name: value for name, value in offered.items() if name in accepted}

    def build_strategy(self, space: FiniteSpace, seed: int) -> Strategy:
        return make_strategy(self.strategy, space, seed=seed, **self.strategy_options())

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def label(self) -> str:
        """A short name for tables: ``weaknas[lgbm]`` or ``random``. Settings at their
        defaults are left out (the default picks too; the paper's read ``uniform``)."""
        if self.strategy != "weaknas":
            return self.strategy
        top_m = "" if self.top_m == "100" else f", top-{self.top_m}"
        encoding = "" if self.encoding is None else f", {self.encoding}"
        target = "" if self.target == "rank" else f", {self.target} target"
        ensemble = "" if self.n_models == 1 else f" x{self.n_models}"
        grow = f", pool +{self.pool_grow}/step" if self.pool_grow else ""
        picks = (self.acquisition, self.explore, self.stall)
        if picks == tuple(DEFAULT_PICKS.values()):
            acquisition = explore = ""
        else:
            acquisition = f", {self.acquisition}"
            explore = f", explore {self.explore:g}" if self.explore else ""
            explore += f", stall {self.stall}" if self.stall else ""
        explore += f", local {self.local:g}" if self.local else ""
        explore += f", shortlist {self.shortlist}" if self.shortlist else ""
        details = f"{self.predictor}{ensemble}{encoding}{top_m}{target}{acquisition}{explore}{grow}"
        return f"weaknas[{details}]"


def recorded_config(stored: dict) -> SearchConfig:
    """A ``SearchConfig`` from settings a study recorded, read as the code that wrote them
    meant them. Studies from before ``target`` existed fitted raw values; before the
    shared vocabulary (no ``space`` field), evolution ignored ``n_init`` and
    ``batch_size`` (it ran a population of 30, one child per step)."""
    stored = dict(stored)
    stored.setdefault("stall", 0)  # before stall existed: never
    if stored.get("target") is None:
        stored["target"] = "value"
    if "space" not in stored and stored.get("strategy") == "evolution":
        stored["n_init"] = stored["batch_size"] = None  # its own defaults: what ran
    return SearchConfig(**stored)
