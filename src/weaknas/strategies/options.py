"""Each strategy's options, declared once: default, validation, command-line flag, help
and table label.

A strategy's options are one frozen dataclass (``WeakNASOptions``, ...). Everything that
speaks of them reads that declaration: the strategy (``Strategy(space, seed, **options)``
builds it), the command line (``weaknas search`` has one ``--flag`` per option, help
included), ``SearchConfig`` and the ``cli.json`` a search records for ``--resume``, the
labels of study tables, and ``WeakNASSampler``. Adding an option is a field here (and the
strategy's use of it).

This module imports nothing heavy: ``weaknas --help`` is answered from it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from weaknas.names import ACQUISITIONS, DEFAULT_PREDICTOR, NEEDS_ENSEMBLE, PREDICTORS, TARGETS
from weaknas.strategies.schedules import TopMSchedule


@dataclass(frozen=True)
class Flag:
    """How an option is typed on the command line and checked in Python.

    ``kind``: ``count`` (a whole number >= ``minimum``), ``share`` (a number in [0, 1)),
    ``choice`` (one of ``choices``), ``schedule`` (the top-M: ``M`` or ``M_START:M_END``)
    or ``text``. A default of None means "resolved by the strategy or the protocol".
    """

    help: str
    kind: str = "count"
    minimum: int = 1
    choices: tuple[str, ...] = ()
    metavar: str | None = None
    # In Python a callable may stand for a choice (a predictor factory ``seed -> model``).
    callable_ok: bool = False


def option(default: Any, help: str, **flag: Any) -> Any:
    """A dataclass field with its ``Flag`` (see there for the keywords)."""
    return field(default=default, metadata={"flag": Flag(help, **flag)})


def _check(name: str, value: Any, flag: Flag) -> None:
    """``ValueError`` naming the option when ``value`` does not fit its flag."""
    if flag.kind == "count":
        if isinstance(value, bool) or not isinstance(value, int) or value < flag.minimum:
            raise ValueError(f"{name} must be a whole number >= {flag.minimum}, got {value!r}")
    elif flag.kind == "share":
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1:
            raise ValueError(f"{name} must be a share in [0, 1), got {value!r}")
    elif flag.kind == "choice" and not (flag.callable_ok and callable(value)):
        if value not in flag.choices:
            raise ValueError(f"unknown {name} {value!r}; expected one of {flag.choices}")
    elif flag.kind == "text" and not isinstance(value, str):
        raise ValueError(f"{name} must be a name, got {value!r}")


@dataclass(frozen=True, kw_only=True)
class StrategyOptions:
    """Base of every strategy's options. Subclasses declare fields with ``option`` and may
    add checks across fields (``_check_together``) and a ``label``."""

    # Options whose default a benchmark family's protocol sets (``for_protocol``).
    PROTOCOL_SET: ClassVar[tuple[str, ...]] = ()
    # Whether the strategy can search several objectives at once (``--objectives``).
    MULTI_OBJECTIVE: ClassVar[bool] = False
    # Whether it can bound a metric observed only with each evaluation (``--constraint``).
    OBSERVED_CONSTRAINTS: ClassVar[bool] = False

    def __post_init__(self) -> None:
        for spec in dataclasses.fields(self):
            value = getattr(self, spec.name)
            if value is not None:
                _check(spec.name, value, spec.metadata["flag"])
            elif spec.default is not None:
                raise ValueError(f"{spec.name} must be given a value, got None")
        self._resolve()
        self._check_together()

    def _resolve(self) -> None:
        """Fill options left None whose value depends on others (frozen: once, here)."""

    def _set(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)  # frozen: only while resolving

    def _check_together(self) -> None:
        """``ValueError`` for a combination of options the strategy cannot use."""

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(spec.name for spec in dataclasses.fields(cls))

    @classmethod
    def flags(cls) -> dict[str, Flag]:
        return {spec.name: spec.metadata["flag"] for spec in dataclasses.fields(cls)}

    @classmethod
    def for_protocol(cls, protocol: dict[str, Any]) -> dict[str, Any]:
        """The defaults a benchmark family's protocol gives these options (``n_init``)."""
        return {name: protocol[name] for name in cls.PROTOCOL_SET if name in protocol}

    def as_dict(self) -> dict[str, Any]:
        return {spec.name: getattr(self, spec.name) for spec in dataclasses.fields(self)}

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Each option's declared default (before any resolution), as a run records it."""
        return {spec.name: spec.default for spec in dataclasses.fields(cls)}

    def label(self) -> str:
        """What a table row adds to the strategy's name: "" with the defaults."""
        return ""


# --- the pieces strategies share -----------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class InitialDesignOptions(StrategyOptions):
    """Strategies that start from ``n_init`` random architectures."""

    PROTOCOL_SET: ClassVar[tuple[str, ...]] = ("n_init",)
    n_init: int = option(
        10, "random initial samples (default: the paper's, 100 for nb101, 10 for nb201)"
    )


@dataclass(frozen=True, kw_only=True)
class BatchOptions(StrategyOptions):
    batch_size: int = option(10, "proposals per iteration (default 10; evolution: 1)")


@dataclass(frozen=True, kw_only=True)
class PredictorOptions(BatchOptions, InitialDesignOptions):
    """Strategies that fit a weak predictor on what they were told."""

    PROTOCOL_SET: ClassVar[tuple[str, ...]] = ("n_init", "target")
    predictor: str | Callable[[int], Any] = option(
        DEFAULT_PREDICTOR,
        f"weak predictor (default {DEFAULT_PREDICTOR}; mlp-paper is the paper's 4x1000 MLP, "
        "needs weaknas[torch] and minutes per run)",
        kind="choice",
        choices=tuple(sorted(PREDICTORS)),
        callable_ok=True,
    )
    encoding: str | None = option(
        None,
        "predictor features. nb201: onehot (the paper's), onehot+counts (plus how many "
        "edges carry each op; the default of bananas' and single-predictor's), graf (plus "
        "graph features of the cell's paths; weaknas's default), path (BANANAS's 84 "
        "input-to-output op sequences; bananas's default), onehot+counts+synflow or "
        "graf+synflow (plus the cell's rank by synflow, shipped). nb101: adjacency (the "
        "paper's 45 dims), adjacency+stats (plus op counts, edges, depth, paths; the "
        "default of single-predictor's), adjacency+stats+graf (plus graph features of its "
        "paths; weaknas's default), +params after either "
        "(plus the network's parameter count) or path (364 input-to-output op sequences; "
        "bananas's default)",
        kind="text",
    )
    target: str = option(
        "rank",
        "fit the predictor to the observed values or to their ranks (default: rank; it "
        "needed fewer queries to the optimum on every benchmark measured)",
        kind="choice",
        choices=TARGETS,
    )


# --- WeakNAS ---------------------------------------------------------------------------------
# What an unset acquisition means (with its explore share and stall, unless given): chosen
# in issue 14 on NB201 and NB101 and confirmed on unused seeds (benchmarks/default_selection.py).
DEFAULT_PICKS: dict[str, Any] = {"acquisition": "greedy", "explore": 0.3, "stall": 5}


def resolve_picks(
    acquisition: str | None, explore: float | None, stall: int | None
) -> tuple[str, float, int]:
    """(acquisition, explore, stall) with unset (None) values filled in: an unset
    acquisition is the default's, with the default's explore share and stall where those
    are unset too; a chosen acquisition mixes in nothing it was not asked for."""
    if acquisition is None:
        defaults = DEFAULT_PICKS
    else:
        defaults = {"acquisition": acquisition, "explore": 0.0, "stall": 0}
    return (
        str(defaults["acquisition"]),
        float(defaults["explore"] if explore is None else explore),
        int(defaults["stall"] if stall is None else stall),
    )


@dataclass(frozen=True, kw_only=True)
class WeakNASOptions(PredictorOptions):
    """WeakNAS: 10 initial, 10 per step, top-100, the default picks (``DEFAULT_PICKS``;
    ``acquisition="uniform"`` is the paper's). See ``weaknas.strategies.weaknas``."""

    MULTI_OBJECTIVE: ClassVar[bool] = True
    OBSERVED_CONSTRAINTS: ClassVar[bool] = True

    top_m: str | int | TopMSchedule = option(
        "100",
        "the predicted top-M that uniform picks draw from (the explore share, stalls, "
        "--acquisition uniform): M, or M_START:M_END to decay exponentially over the "
        "budget (default 100)",
        kind="schedule",
        metavar="M",
    )
    acquisition: str | None = option(
        None,
        "how weaknas picks from its predictions: uniform from the top-M (the paper's), "
        "greedy top-N, or over an ensemble: ei (expected improvement), ucb (upper "
        "confidence bound), ts (Thompson sampling). Default: greedy with --explore 0.3 "
        "--stall 5; on nbgraph benchmarks (one objective) ts over 5 models with --local 0.6 "
        "(measured best: docs/results.md)",
        kind="choice",
        choices=ACQUISITIONS,
    )
    n_models: int | None = option(
        None,
        "predictors per step; more than 1 fits an ensemble on bootstrap resamples "
        "(default: 5 for ei/ucb/ts and bananas, else 1)",
    )
    explore: float | None = option(
        None,
        "with --acquisition greedy/ei/ucb/ts: this share of each batch is drawn uniformly "
        "from the predicted top-M instead (default 0.3 without --acquisition, else 0)",
        kind="share",
        metavar="SHARE",
    )
    local: float = option(
        0.0,
        "with --acquisition greedy/ei/ucb/ts: this share of each batch is the predicted best "
        "unseen one-edit neighbours of the 10 best architectures so far (default 0; 0.6 "
        "on nbgraph benchmarks without --acquisition)",
        kind="share",
        metavar="SHARE",
    )
    shortlist: int = option(
        0,
        "with an ensemble (--n-models > 1): the first predictor ranks the whole space, the "
        "others only its K best unseen architectures, and picks come from those (about one "
        "ranking's cost instead of N; default 0: all rank the whole space)",
        minimum=0,
        metavar="K",
    )
    self_train: int = option(
        0,
        "semi-supervised self-training (as SemiNAS): label K unseen architectures drawn "
        "at random with the predictor's own predictions and fit again on them and the "
        "observed ones before ranking (one predictor only; default 0: off)",
        minimum=0,
        metavar="K",
    )
    stall: int | None = option(
        None,
        "with --acquisition greedy/ei/ucb/ts: after K iterations without a new best, draw "
        "whole batches uniformly from the predicted top-M until the best improves "
        "(default 5 without --acquisition, else 0: never)",
        minimum=0,
        metavar="K",
    )
    pareto_picks: str = option(
        "hvi",
        "with several objectives (--objectives): order the candidates by predicted "
        "hypervolume improvement, each pick believed (hvi; two objectives, else nds), or by "
        "predicted non-dominated sorting (nds) (default hvi)",
        kind="choice",
        choices=("hvi", "nds"),
    )
    pool_grow: int = option(
        0,
        "weaknas in a space searched over a candidate pool (darts, mobilenetv3, large .json "
        "spaces): add up to K unseen mutations of the predicted best to the pool each "
        "iteration (default 0: the pool stays as drawn)",
        minimum=0,
        metavar="K",
    )

    def _resolve(self) -> None:
        picks = resolve_picks(self.acquisition, self.explore, self.stall)
        for name, value in zip(("acquisition", "explore", "stall"), picks, strict=True):
            self._set(name, value)
        if self.n_models is None:
            self._set("n_models", 5 if self.acquisition in NEEDS_ENSEMBLE else 1)
        if isinstance(self.top_m, int) and not isinstance(self.top_m, bool):
            self._set("top_m", str(self.top_m))  # the command line's form

    def top_m_schedule(self, horizon: int) -> TopMSchedule:
        """The top-M as the strategy uses it, a decay spread over ``horizon`` queries."""
        if isinstance(self.top_m, TopMSchedule):
            return self.top_m
        return TopMSchedule.parse(str(self.top_m), horizon)

    def _check_together(self) -> None:
        self.top_m_schedule(1)  # names a malformed or growing top-M
        assert self.n_models is not None  # resolved
        if self.acquisition in NEEDS_ENSEMBLE and self.n_models < 2:
            raise ValueError(
                f"acquisition {self.acquisition!r} needs the spread of an ensemble: n_models "
                f"must be >= 2, got {self.n_models}"
            )
        if self.stall and self.acquisition == "uniform":
            raise ValueError(
                "stall switches another acquisition to uniform top-M picks; "
                "the uniform acquisition has nothing to switch"
            )
        if self.shortlist and self.pool_grow:
            raise ValueError("shortlist and pool_grow cannot be combined")
        if self.self_train and (self.shortlist or self.pool_grow or (self.n_models or 1) > 1):
            raise ValueError("self_train fits one predictor: no shortlist, pool_grow or n_models")
        assert self.explore is not None  # resolved
        if self.explore + self.local >= 1:
            raise ValueError(
                f"local (and explore) must be shares with explore + local < 1, got {self.local!r}"
            )
        if (self.explore or self.local) and self.acquisition == "uniform":
            raise ValueError(
                "explore and local mix uniform top-M and neighbourhood picks into another "
                "acquisition"
            )

    def label(self) -> str:
        top_m = "" if self.top_m == "100" else f", top-{self.top_m}"
        ensemble = "" if self.n_models == 1 else f" x{self.n_models}"
        encoding = "" if self.encoding is None else f", {self.encoding}"
        target = "" if self.target == "rank" else f", {self.target} target"
        grow = f", pool +{self.pool_grow}/step" if self.pool_grow else ""
        if (self.acquisition, self.explore, self.stall) == tuple(DEFAULT_PICKS.values()):
            picks = ""
        else:
            picks = f", {self.acquisition}"
            picks += f", explore {self.explore:g}" if self.explore else ""
            picks += f", stall {self.stall}" if self.stall else ""
        picks += f", local {self.local:g}" if self.local else ""
        picks += f", shortlist {self.shortlist}" if self.shortlist else ""
        return f"{self.predictor}{ensemble}{encoding}{top_m}{target}{picks}{grow}"


# --- the baselines ---------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class RandomOptions(BatchOptions):
    """Uniform random search."""

    MULTI_OBJECTIVE: ClassVar[bool] = True  # it ignores the values told


@dataclass(frozen=True, kw_only=True)
class EvolutionOptions(BatchOptions, InitialDesignOptions):
    """Regularized evolution: ``n_init`` is its population (random at first, then the last
    ``n_init`` evaluated); its own defaults hold on every benchmark."""

    PROTOCOL_SET: ClassVar[tuple[str, ...]] = ()
    n_init: int = option(30, "the population (random at first, then the last n_init)")
    batch_size: int = option(1, "children per step")
    sample_size: int = option(
        10,
        "regularized evolution: each parent is the best of this many sampled from the "
        "population (default 10)",
    )


@dataclass(frozen=True, kw_only=True)
class LocalSearchOptions(InitialDesignOptions):
    """Local search: hill-climbs from the best initial architecture, restarting at random."""


@dataclass(frozen=True, kw_only=True)
class SinglePredictorOptions(PredictorOptions):
    """One predictor fitted on a random training set, then its ranking taken in order."""

    n_init: int = option(100, "its one training set (default: 10x the protocol's n_init)")

    @classmethod
    def for_protocol(cls, protocol: dict[str, Any]) -> dict[str, Any]:
        defaults = super().for_protocol(protocol)
        if "n_init" in defaults:
            defaults["n_init"] = 10 * defaults["n_init"]  # its one training set
        return defaults

    def _check_together(self) -> None:
        if self.n_init < 2:
            raise ValueError(f"n_init must be >= 2 (a predictor's training set), got {self.n_init}")


@dataclass(frozen=True, kw_only=True)
class BananasOptions(PredictorOptions):
    """The BANANAS-like baseline: an ensemble and Thompson sampling over mutations."""

    n_models: int = option(5, "predictors in its ensemble (default 5)")
    n_candidates: int = option(100, "bananas: mutations of the best scored per step (default 100)")
    n_parents: int = option(
        1,
        "bananas: the best architectures mutated for its candidates (default 1, BANANAS's; "
        "the next best when their mutations are seen)",
    )


@dataclass(frozen=True, kw_only=True)
class TPEOptions(InitialDesignOptions):
    """Optuna's TPE over the space's choices (needs the optuna extra); with several
    objectives, Optuna's multi-objective TPE."""

    MULTI_OBJECTIVE: ClassVar[bool] = True


@dataclass(frozen=True, kw_only=True)
class NSGA2Options(StrategyOptions):
    """Optuna's NSGA-II over the space's choices (needs the optuna extra)."""

    MULTI_OBJECTIVE: ClassVar[bool] = True

    population_size: int = option(
        50, "nsga2: architectures per generation (default 50, Optuna's)", minimum=2
    )


__all__ = [
    "DEFAULT_PICKS",
    "BananasOptions",
    "EvolutionOptions",
    "Flag",
    "LocalSearchOptions",
    "NSGA2Options",
    "RandomOptions",
    "SinglePredictorOptions",
    "StrategyOptions",
    "TPEOptions",
    "WeakNASOptions",
    "option",
    "resolve_picks",
]
