"""One search's settings, as the command line and studies give them."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from weaknas.predictors import DEFAULT_PREDICTOR, PREDICTORS
from weaknas.spaces.base import FiniteSpace
from weaknas.strategies import (
    STRATEGIES,
    BananasLike,
    LocalSearch,
    RandomSearch,
    RegularizedEvolution,
    SinglePredictor,
    Strategy,
    TopMSchedule,
    WeakNAS,
)
from weaknas.strategies.acquisition import NEEDS_ENSEMBLE, check_acquisition
from weaknas.strategies.targets import check_target

# Settings resolved per benchmark when not given. n_init: the paper's. target: ranks,
# which found the optimum in fewer queries than raw values on NB201 (all three datasets)
# and NB101, where a few very bad cells otherwise dominate a squared-error fit
# (benchmarks/sample_efficiency.py, benchmarks/nb101_sample_efficiency.py).
# Strategies that fit a predictor, and so take a ``target``.
PREDICTOR_STRATEGIES = ("weaknas", "single-predictor", "bananas")
PROTOCOL_DEFAULTS: dict[str, dict] = {
    "nb201": {"n_init": 10, "target": "rank"},
    "nb101": {"n_init": 100, "target": "rank"},
}


@dataclass(frozen=True)
class SearchConfig:
    """Everything that defines a search except the seed (JSON-serialisable)."""

    benchmark: str = "nb201-cifar10"
    strategy: str = "weaknas"
    budget: int = 1000
    predictor: str = DEFAULT_PREDICTOR
    n_init: int | None = None  # None: the paper's for the benchmark (PROTOCOL_DEFAULTS)
    batch_size: int = 10
    top_m: str = "100"
    encoding: str | None = None  # None: the space's search encoding
    target: str | None = None  # fit to observed values or their ranks; None: per benchmark
    # How WeakNAS picks from its predictions (strategies.acquisition.ACQUISITIONS) and
    # how many predictors it fits per step; None: 5 for ei/ucb/ts (and bananas), else 1.
    acquisition: str = "uniform"
    n_models: int | None = None
    deterministic: bool = False
    # Stop once the benchmark's optimum is evaluated: saves compute in studies that only
    # measure queries to the optimum. The strategy never learns of it.
    stop_at_optimum: bool = False

    def __post_init__(self) -> None:
        defaults = dict(PROTOCOL_DEFAULTS.get(self.benchmark, PROTOCOL_DEFAULTS["nb201"]))
        if self.strategy not in PREDICTOR_STRATEGIES:
            defaults["target"] = "value"  # no predictor, no choice of target to make
        if self.strategy == "single-predictor":
            defaults["n_init"] = 10 * defaults["n_init"]  # its one training set
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
        if self.budget < 1:
            raise ValueError(f"budget must be >= 1, got {self.budget}")
        if self.n_init < 1 or self.batch_size < 1:
            raise ValueError(
                f"n_init and batch_size must be >= 1, got {self.n_init}, {self.batch_size}"
            )
        TopMSchedule.parse(self.top_m, self.budget)  # fail early on a bad schedule
        check_target(self.target)
        if self.strategy == "weaknas":
            check_acquisition(self.acquisition, self.n_models)
        elif self.acquisition != "uniform":
            raise ValueError(f"acquisition applies to the weaknas strategy, not {self.strategy}")

    def build_strategy(self, space: FiniteSpace, seed: int) -> Strategy:
        if self.strategy == "random":
            return RandomSearch(space, seed=seed, batch_size=self.batch_size)
        if self.strategy == "evolution":
            return RegularizedEvolution(space, seed=seed)
        if self.strategy == "local-search":
            return LocalSearch(space, seed=seed, n_init=self.n_init)
        if self.strategy == "bananas":
            return BananasLike(
                space,
                seed=seed,
                n_init=self.n_init,
                batch_size=self.batch_size,
                n_models=self.n_models,
                predictor=self.predictor,
                encoding=self.encoding,
                target=self.target,
            )
        if self.strategy == "single-predictor":
            return SinglePredictor(
                space,
                seed=seed,
                n_train=self.n_init,
                batch_size=self.batch_size,
                predictor=self.predictor,
                encoding=self.encoding,
                target=self.target,
            )
        if self.strategy == "tpe":
            from weaknas.strategies.tpe import TPESearch

            return TPESearch(space, seed=seed, n_startup_trials=self.n_init)
        return WeakNAS(
            space,
            seed=seed,
            n_init=self.n_init,
            batch_size=self.batch_size,
            top_m=TopMSchedule.parse(self.top_m, self.budget),
            predictor=self.predictor,
            encoding=self.encoding,
            target=self.target,
            n_models=self.n_models,
            acquisition=self.acquisition,
        )

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def label(self) -> str:
        """A short name for tables: ``weaknas[lgbm]`` or ``random``."""
        if self.strategy != "weaknas":
            return self.strategy
        top_m = "" if self.top_m == "100" else f", top-{self.top_m}"
        encoding = "" if self.encoding is None else f", {self.encoding}"
        target = "" if self.target == "rank" else f", {self.target} target"
        acquisition = "" if self.acquisition == "uniform" else f", {self.acquisition}"
        ensemble = "" if self.n_models == 1 else f" x{self.n_models}"
        return f"weaknas[{self.predictor}{ensemble}{encoding}{top_m}{target}{acquisition}]"
