"""Optuna's samplers on the space's categorical choices: standard HPO baselines.

``tpe`` (TPE; with several objectives Optuna's multi-objective TPE) and ``nsga2``
(NSGA-II, the multi-objective baseline). Needs ``optuna`` (``pip install
'weaknas[optuna]'``). The space must expose its architectures as tuples of categorical
choices (``choices()``/``from_choices``). A sampler often proposes an architecture it
has already seen; such a repeat costs no query: it is told the value observed before
and asked again, so the budget counts distinct architectures as for every other
strategy.
"""

from __future__ import annotations

from typing import Any

from weaknas.spaces.base import FiniteSpace
from weaknas.strategies.base import Strategy, Suggestion
from weaknas.strategies.options import NSGA2Options, TPEOptions

MAX_REPEATS = 200  # consecutive repeated proposals before falling back to a random pick
# With several objectives, fewer: Optuna's multi-objective TPE weighs its trials by their
# hypervolume contributions, a cost that grows with the study, and every repeat is a
# trial. 200 made single NB201 runs take minutes (seed 119: 457 s; 17 s with 20, the
# same front at 200 queries).
MAX_REPEATS_SEVERAL_OBJECTIVES = 20


class OptunaSampled(Strategy):
    """An Optuna sampler, one architecture per ask, seeded (subclasses name it)."""

    name = ""  # the strategy's name, for messages

    def __init__(self, space: FiniteSpace, seed: int = 0, **options: Any) -> None:
        self.given = self._read_options(options)
        super().__init__(space, seed)
        try:
            import optuna
        except ImportError as exc:
            raise ImportError(
                f"the {self.name} strategy needs Optuna: pip install 'weaknas[optuna]'"
            ) from exc
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        self._optuna = optuna
        self.study = optuna.create_study(direction="maximize", sampler=self._sampler())
        self.choices = space.choices()
        self._trials: dict[int, Any] = {}  # pending index -> its optuna.trial.Trial
        self._values: dict[int, Any] = {}
        self.repeats = 0
        self._failed_trials: set[int] = set()  # numbers of trials told FAIL

    def _sampler(self):
        raise NotImplementedError

    def set_objectives(self, objectives, known=None) -> None:
        """Several objectives: an Optuna study with one direction each (told every
        value after evaluation; a known metric is not used before)."""
        super().set_objectives(objectives, known)
        directions: list[Any] = [
            "maximize" if o.direction == "max" else "minimize" for o in objectives
        ]
        self.study = self._optuna.create_study(directions=directions, sampler=self._sampler())

    def _told(self, value) -> Any:
        """A value as Optuna's study takes it: a number, or a list with several objectives."""
        return [float(v) for v in value] if self.objectives else float(value)

    def _ask_trial(self):
        """A trial and its architecture; None where the choices build no architecture of
        the space (a constrained space, or NAS-Bench-Graph's all-skip network)."""
        trial = self.study.ask()
        codes = [
            trial.suggest_categorical(name, list(range(len(options))))
            for name, options in self.choices.items()
        ]
        try:
            return trial, self.space.from_choices(codes)
        except ValueError:
            return trial, None

    def _propose(self, count: int) -> list[Suggestion]:
        picks: list[Suggestion] = []
        patience = MAX_REPEATS_SEVERAL_OBJECTIVES if self.objectives else MAX_REPEATS
        for _ in range(count):
            taken = {p.index for p in picks}
            for _ in range(patience):
                trial, index = self._ask_trial()
                if index is not None and not self._seen[index] and index not in taken:
                    break
                self.repeats += 1
                if index is None:  # not an architecture: a failed trial, so TPE avoids it
                    self.study.tell(trial, state=self._optuna.trial.TrialState.FAIL)
                elif index in self._values:  # seen before: its value costs no new query
                    self.study.tell(trial, self._values[index])
                else:  # pending, so no value yet
                    self.study.tell(trial, state=self._optuna.trial.TrialState.FAIL)
            else:  # TPE keeps repeating itself (each repeat told above): pick at random
                unseen = [i for i in self.unseen_indices() if i not in taken]
                codes = self.space.to_choices(int(self.rng.choice(unseen)))
                self.study.enqueue_trial(dict(zip(self.choices, codes, strict=True)))
                trial, index = self._ask_trial()
            self._trials[index] = trial
            picks.append(Suggestion(int(index)))
        return picks

    def tell(self, index: int, value) -> None:
        super().tell(index, value)
        told = self._told(value)
        self._values[int(index)] = told
        trial = self._trials.pop(int(index))
        if trial.number in self._failed_trials:  # a retried evaluation: a finished trial
            optuna = self._optuna
            self._failed_trials.discard(trial.number)
            values = {"values": told} if self.objectives else {"value": told}
            self.study.add_trial(
                optuna.trial.create_trial(
                    params=trial.params, distributions=trial.distributions, **values
                )
            )
        else:
            self.study.tell(trial, told)

    def tell_failure(self, index: int) -> None:
        """The Optuna trial is told it failed (not left RUNNING); kept for a retry."""
        super().tell_failure(index)
        trial = self._trials[int(index)]
        if trial.number not in self._failed_trials:
            self.study.tell(trial, state=self._optuna.trial.TrialState.FAIL)
            self._failed_trials.add(trial.number)


class TPESearch(OptunaSampled):
    """Sequential TPE (with several objectives, Optuna's multi-objective TPE)."""

    Options = TPEOptions
    name = "tpe"

    def _sampler(self):
        return self._optuna.samplers.TPESampler(seed=self.seed, n_startup_trials=self.given.n_init)


class NSGA2Search(OptunaSampled):
    """Optuna's NSGA-II: generations of ``population_size``, crossover and mutation of
    the categorical choices."""

    Options = NSGA2Options
    name = "nsga2"

    def _sampler(self):
        return self._optuna.samplers.NSGAIISampler(
            population_size=self.given.population_size, seed=self.seed
        )
