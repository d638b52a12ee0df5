"""``WeakNASSampler``: WeakNAS as an Optuna sampler over categorical parameters.

    study = optuna.create_study(direction="maximize", sampler=WeakNASSampler(seed=0))

The sampler keeps no state of its own: each trial it reads the study's trials (so many
workers sharing one RDB or journal storage cooperate), loads them into a fresh ``weaknas``
strategy (``Strategy.warm_start``: the completed ones with their values, the running,
failed and pruned ones as taken) and takes that strategy's pick: the sampler has no
picking code of its own. Trials are read in blocks of 10, the strategy's batch: by
default the last ``explore`` share of each block (3 of 10) draws uniformly from the
predicted top-M and the others take the predicted best, and only uniform draws follow
once ``stall`` blocks in a row have not raised the best value. ``acquisition="uniform"``
is the paper's picks: always a uniform draw from the top-M. Categorical parameters present in
every trial are searched jointly; any other parameter is sampled independently (random
by default). Each pick is claimed in the trial's system attributes and checked against
the other workers' claims, so two workers never evaluate the same architecture.

A multi-objective study (``directions=[...]``) is searched as the strategy searches
several objectives: a weak predictor per objective, picks by predicted hypervolume
improvement (``weaknas.strategies.pareto_picks``).

Optuna learns a study's parameters from its completed trials, so each worker's first
trial is sampled parameter by parameter (seeded by trial number: distinct with high
probability, but not claimed). Pass ``search_space={"name": [choices], ...}`` to search
jointly from the first trial, which makes duplicates impossible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

try:
    import optuna
    from optuna.distributions import BaseDistribution, CategoricalDistribution
    from optuna.samplers import BaseSampler, RandomSampler
    from optuna.search_space import IntersectionSearchSpace
    from optuna.study import StudyDirection
    from optuna.trial import FrozenTrial, TrialState
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError("WeakNASSampler needs Optuna: pip install 'weaknas[optuna]'") from exc

from weaknas.pareto import Objective
from weaknas.predictors import make_predictor
from weaknas.spaces.categorical import CategoricalSpace
from weaknas.strategies.options import WeakNASOptions
from weaknas.strategies.weaknas import WeakNAS

CLAIM = "weaknas:index"
SAMPLER_ACQUISITIONS = ("greedy", "uniform")
STALL_TRIALS = 10  # ``stall`` counts iterations of this many trials, as the strategy's batches
MAX_CLAIM_TRIES = 50
_SEEN_STATES = (
    TrialState.COMPLETE,
    TrialState.RUNNING,
    TrialState.WAITING,
    TrialState.FAIL,
    TrialState.PRUNED,
)


def _random_seed() -> int:
    """A fresh seed from the operating system's entropy (``seed=None``)."""
    return int(np.random.default_rng().integers(2**31))


class WeakNASSampler(BaseSampler):
    """WeakNAS on an Optuna study's categorical parameters (one objective or several).

    ``n_init`` random architectures first, then each trial picks by ``acquisition``
    (``"greedy"``, the default, or ``"uniform"``; ``explore`` and ``stall`` as in the
    ``weaknas`` strategy, module docstring) among the unevaluated architectures, ranked by
    a ``predictor`` fitted to the ``target`` (ranks by default) of the completed trials.
    """

    def __init__(
        self,
        n_init: int = 10,
        top_m: int = 100,
        predictor: str = "lgbm",
        target: str = "rank",
        seed: int | None = None,
        independent_sampler: BaseSampler | None = None,
        max_enumerate: int = 1_000_000,
        pool_size: int = 100_000,
        search_space: dict[str, Sequence] | None = None,
        acquisition: str | None = None,
        explore: float | None = None,
        stall: int | None = None,
    ) -> None:
        # The strategy's own options: the same defaults, checks and resolution of the picks.
        options = WeakNASOptions(
            n_init=n_init,
            top_m=str(top_m),
            predictor=predictor,
            target=target,
            acquisition=acquisition,
            explore=explore,
            stall=stall,
        )
        if options.acquisition not in SAMPLER_ACQUISITIONS:
            raise ValueError(
                f"acquisition {options.acquisition!r}: the sampler fits one predictor, so it "
                f"picks by one of {SAMPLER_ACQUISITIONS}"
            )
        make_predictor(predictor)  # fail now on a missing library
        self.options = options
        self.acquisition: str = options.acquisition
        self.explore = float(options.explore or 0.0)
        self.stall = int(options.stall or 0)
        self.n_init = n_init
        self.top_m = top_m
        self.predictor = predictor
        self.target = target
        self.seed = seed if seed is not None else _random_seed()
        self.max_enumerate = max_enumerate
        self.pool_size = pool_size
        self._independent = independent_sampler or RandomSampler(seed=self.seed)
        self._spaces: dict[tuple, CategoricalSpace] = {}
        self._search_space = IntersectionSearchSpace(include_pruned=True)
        self._fixed = (
            {name: _distribution(name, c) for name, c in search_space.items()}
            if search_space
            else None
        )

    # --- Optuna's sampler protocol -----------------------------------------------------
    def reseed_rng(self) -> None:
        self.seed = _random_seed()
        self._independent.reseed_rng()

    def infer_relative_search_space(
        self, study: optuna.Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        if self._fixed is not None:
            return dict(self._fixed)
        return {
            name: distribution
            for name, distribution in self._search_space.calculate(study).items()
            if isinstance(distribution, CategoricalDistribution) and len(distribution.choices) > 1
        }

    def sample_relative(
        self, study: optuna.Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        categorical = {
            name: d for name, d in search_space.items() if isinstance(d, CategoricalDistribution)
        }
        params = {
            name: self._independent.sample_independent(study, trial, name, distribution)
            for name, distribution in search_space.items()
            if name not in categorical
        }
        if categorical:
            space = self._space(categorical)
            index = self._pick(study, trial, space)
            params.update(space.config(index))
        return params

    def sample_independent(
        self,
        study: optuna.Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        if isinstance(param_distribution, CategoricalDistribution) and isinstance(
            self._independent, RandomSampler
        ):
            # Seeded by trial number, so workers starting at once pick different choices.
            digest = sum(ord(ch) * 31**i for i, ch in enumerate(param_name)) % 2**31
            rng = np.random.default_rng([self.seed, trial.number, digest])
            return param_distribution.choices[int(rng.integers(len(param_distribution.choices)))]
        return self._independent.sample_independent(study, trial, param_name, param_distribution)

    # --- WeakNAS on the study's trials ---------------------------------------------------
    def _space(self, categorical: dict[str, CategoricalDistribution]) -> CategoricalSpace:
        key = tuple((name, tuple(d.choices)) for name, d in sorted(categorical.items()))
        if key not in self._spaces:
            self._spaces[key] = CategoricalSpace(
                dict(key),
                max_enumerate=self.max_enumerate,
                pool_size=self.pool_size,
                seed=self.seed,
                name="optuna",
            )
        return self._spaces[key]

    def _claim_key(self, space: CategoricalSpace) -> str:
        return f"{CLAIM}:{space.fingerprint()}"

    def _index_of(self, trial: FrozenTrial, space: CategoricalSpace, key: str) -> int | None:
        """The architecture a trial evaluates or has claimed (None if it is not in ``space``)."""
        if key in trial.system_attrs:
            return int(trial.system_attrs[key])
        if all(name in trial.params for name in space.names):
            try:
                return space.index_of({name: trial.params[name] for name in space.names})
            except ValueError:
                return None  # outside the candidate pool of a large space
        return None

    def _state(self, study, trial, space, key) -> tuple[np.ndarray, list[int], list[Any]]:
        """(seen mask, completed indices, their values) from the study's trials: one
        objective's values to maximise, or several objectives' values as they are."""
        seen = np.zeros(space.size, dtype=bool)
        indices: list[int] = []
        values: list[Any] = []
        several = len(study.directions) > 1
        sign = 1.0 if study.directions[0] == StudyDirection.MAXIMIZE else -1.0
        for other in study.get_trials(deepcopy=False, states=_SEEN_STATES):
            if other.number == trial.number:
                continue
            index = self._index_of(other, space, key)
            if index is None:
                continue
            seen[index] = True
            if other.state != TrialState.COMPLETE or not np.all(np.isfinite(other.values)):
                continue
            indices.append(index)
            values.append(list(other.values) if several else sign * other.value)
        return seen, indices, values

    def _pick(self, study, trial: FrozenTrial, space: CategoricalSpace) -> int:
        key = self._claim_key(space)
        seen, indices, values = self._state(study, trial, space, key)
        strategy = self._strategy(space, trial.number)
        if len(study.directions) > 1:
            strategy.set_objectives(_objectives(study))
        told = set(indices)
        taken = [int(i) for i in np.flatnonzero(seen) if int(i) not in told]
        strategy.warm_start(zip(indices, values, strict=True), taken)
        index = -1
        for _ in range(MAX_CLAIM_TRIES):
            batch = strategy.ask(1)
            if not batch:  # everything evaluated: repeats are all that is left
                return int(np.random.default_rng([self.seed, trial.number]).integers(space.size))
            index = batch[0].index
            study._storage.set_trial_system_attr(trial._trial_id, key, index)
            # Another worker may have claimed the same architecture since we read the
            # trials. Whoever reads second sees both claims and picks again (the pick
            # stays pending in the strategy, so it proposes another).
            if not self._claimed_elsewhere(study, trial, index, key):
                return index
        return index

    def _strategy(self, space: CategoricalSpace, trial_number: int) -> WeakNAS:
        """The ``weaknas`` strategy that makes this trial's pick: the sampler has no picking
        code of its own. Trials come in blocks of ``STALL_TRIALS``, the strategy's batch:
        ``stall`` counts blocks, and the last ``explore`` share of each block's positions
        (3 of 10 by default) draw uniformly from the predicted top-M, as the explore share
        of a batch does; the others take the predicted best unseen."""
        seed = int(np.random.SeedSequence([self.seed, trial_number]).generate_state(1)[0])
        explore_slots = round(self.explore * STALL_TRIALS)
        exploring = trial_number % STALL_TRIALS >= STALL_TRIALS - explore_slots
        picks: dict[str, Any] = (
            {"acquisition": "uniform", "explore": 0.0, "stall": 0}
            if self.acquisition == "uniform" or exploring
            else {"acquisition": "greedy", "explore": 0.0, "stall": self.stall}
        )
        options = replace(self.options, batch_size=STALL_TRIALS, **picks)
        return WeakNAS(space, seed=seed, **options.as_dict())

    def _claimed_elsewhere(self, study, trial, index: int, key: str) -> bool:
        for other in study.get_trials(deepcopy=False, states=_SEEN_STATES):
            if other.number != trial.number and other.system_attrs.get(key) == index:
                return True
        return False


def _objectives(study: optuna.Study) -> tuple[Objective, ...]:
    """A multi-objective study's objectives, named by position."""
    return tuple(
        Objective(f"objective_{i}", "max" if d == StudyDirection.MAXIMIZE else "min")
        for i, d in enumerate(study.directions)
    )


__all__: Sequence[str] = ("WeakNASSampler",)


def _distribution(name: str, declared) -> BaseDistribution:
    """A declared parameter: Optuna's own distribution, or a sequence of choices."""
    if isinstance(declared, BaseDistribution):
        return declared  # categorical ones join WeakNAS's joint pick, others go independent
    if isinstance(declared, str | bytes) or not isinstance(declared, Sequence):
        raise TypeError(
            f"search_space[{name!r}]: expected a list of choices or an Optuna distribution, "
            f"got {declared!r}"
        )
    return CategoricalDistribution(list(declared))
