"""Optuna's TPE sampler on the space's categorical choices: a standard HPO baseline.

Needs ``optuna`` (``pip install 'weaknas[optuna]'``). The space must expose its
architectures as tuples of categorical choices (``choices()``/``from_choices``). TPE
often proposes an architecture it has already seen; such a repeat costs no query: it
is told the value observed before and asked again, so the budget counts distinct
architectures as for every other strategy.
"""

from __future__ import annotations

from typing import Any

from weaknas.spaces.base import FiniteSpace
from weaknas.strategies.base import Strategy, Suggestion
from weaknas.strategies.options import TPEOptions

MAX_REPEATS = 200  # consecutive repeated proposals before falling back to a random pick


class TPESearch(Strategy):
    """Sequential TPE (one architecture per ask), seeded."""

    Options = TPEOptions

    def __init__(self, space: FiniteSpace, seed: int = 0, **options: Any) -> None:
        n_init = self._read_options(options).n_init
        super().__init__(space, seed)
        try:
            import optuna
        except ImportError as exc:
            raise ImportError(
                "the tpe strategy needs Optuna: pip install 'weaknas[optuna]'"
            ) from exc
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        self._optuna = optuna
        sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=n_init)
        self.study = optuna.create_study(direction="maximize", sampler=sampler)
        self.choices = space.choices()
        self._trials: dict[int, Any] = {}  # pending index -> its optuna.trial.Trial
        self._values: dict[int, float] = {}
        self.repeats = 0
        self._failed_trials: set[int] = set()  # numbers of trials told FAIL

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
        for _ in range(count):
            taken = {p.index for p in picks}
            for _ in range(MAX_REPEATS):
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

    def tell(self, index: int, value: float) -> None:
        super().tell(index, value)
        self._values[int(index)] = float(value)
        trial = self._trials.pop(int(index))
        if trial.number in self._failed_trials:  # a retried evaluation: a finished trial
            optuna = self._optuna
            self._failed_trials.discard(trial.number)
            self.study.add_trial(
                optuna.trial.create_trial(
                    params=trial.params, distributions=trial.distributions, value=float(value)
                )
            )
        else:
            self.study.tell(trial, float(value))

    def tell_failure(self, index: int) -> None:
        """The Optuna trial is told it failed (not left RUNNING); kept for a retry."""
        super().tell_failure(index)
        trial = self._trials[int(index)]
        if trial.number not in self._failed_trials:
            self.study.tell(trial, state=self._optuna.trial.TrialState.FAIL)
            self._failed_trials.add(trial.number)
