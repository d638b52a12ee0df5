"""The one search engine: ask a batch, evaluate it, record each result, tell the batch.

Every search goes through here: a tabular benchmark (``run_search``: the benchmark is
one more objective), a user's own objective (``search``), the command line and studies.
``Search`` wraps a strategy with a durable event log in ``out_dir``: every ask, result
and tell is appended before the search acts on it (results of evaluations that took a
second or more are fsync'ed at once, the rest with the batch's tell), so
``resume=True`` rebuilds the exact state after a crash by replaying the log.
``search`` runs the batch loop: ask a batch, evaluate it in parallel on an executor,
record each result as it finishes, then tell the batch in proposal order (so the
outcome does not depend on which worker was faster, and a resumed run proposes exactly
what an uninterrupted one would).

Failures (the objective raises, returns NaN/inf, times out, or its worker dies) are
recorded with their error, count towards the budget, are never proposed again and are
never used to fit a predictor.

The engine in parts: this module holds the search state, its durable log and replay,
and the loop; ``trials`` what is handed out and returned, ``batches`` the evaluation of
one batch on an executor (futures, timeouts), ``results`` the tables and summary.

Every search writes the same files (``weaknas.runner.output`` documents them):
``events.jsonl``, ``run.json``, ``evaluations.parquet``, ``iterations.parquet`` and
``summary.json`` (last: its presence marks a finished run).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from weaknas.errors import DataFileError
from weaknas.pareto import Objective, parse_objectives
from weaknas.runner.batches import SearchStopped, evaluate_batch
from weaknas.runner.constraints import Constraint, feasible_mask, parse_constraints
from weaknas.runner.durable_log import DurableLog, read_log
from weaknas.runner.executors import make_executor, refuse_search_in_worker_bootstrap
from weaknas.runner.observers import Observer
from weaknas.runner.output import LOG, RUN, code_version, write_json
from weaknas.runner.results import SearchResult, describe, evaluations_table, finish
from weaknas.runner.trials import Outcome, Trial, outcome_of
from weaknas.spaces.base import FiniteSpace
from weaknas.strategies import Strategy, fit_initial_design, make_strategy
from weaknas.strategies.registry import strategy_options_class

SYNC_AFTER_SECONDS = 1.0  # a result that took this long is fsync'ed at once


class Search:
    """Ask/tell search over ``space``, logged durably to ``out_dir`` when given.

    ``strategy`` is a name from ``weaknas.strategies.STRATEGIES`` (``options`` go to its
    constructor, e.g. ``n_init=10, batch_size=10, top_m=100`` for WeakNAS) or a
    ``Strategy`` instance, described for resume checks by ``settings``. ``observer``
    sees every batch asked (``weaknas.runner.observers``).
    """

    def __init__(
        self,
        space: FiniteSpace,
        strategy: str | Strategy = "weaknas",
        seed: int = 0,
        out_dir: str | Path | None = None,
        resume: bool = False,
        observer: Observer | None = None,
        settings: dict | None = None,
        constraints: Iterable[str | Constraint] = (),
        known_metrics: Mapping[str, np.ndarray] | None = None,
        objectives: str | Iterable[str | Objective] | None = None,
        **options,
    ) -> None:
        self.observer = observer or Observer()
        if isinstance(strategy, Strategy):
            if options:
                raise ValueError("options go to a strategy built by name, not to an instance")
            self.strategy = strategy
            name = type(strategy).__name__
        else:
            fitted, notes = fit_initial_design(strategy, space, options)
            self.strategy = make_strategy(strategy, space, seed=seed, **fitted)
            name = strategy
            self.observer.notes += tuple(notes)  # the summary's notes
        # A strategy may search its own copy of the space (a growing candidate pool):
        # architectures are looked up there. The fingerprint is the space as given.
        self.space = self.strategy.space
        self._space_fingerprint = space.fingerprint() if out_dir is not None else None
        self.seed = seed
        self.settings = settings or {"strategy": name, "seed": seed, "options": options}
        # Several objectives: the strategy is told one value per objective (its
        # primary one is the objective's value; the others are named metrics, known
        # before evaluation or returned with it).
        self.objectives = parse_objectives(objectives) if objectives else ()
        self._known = {**space.known_metrics(), **(known_metrics or {})}
        if self.objectives:
            self.strategy.set_objectives(self.objectives, self._known)
            self.observer.watch_objectives(self.objectives, self._known)
            self.settings = {**self.settings, "objectives": [str(o) for o in self.objectives]}
        self.constraints = parse_constraints(constraints)
        self.feasible: np.ndarray | None = None  # with constraints: which may be proposed
        self.observed_constraints: tuple[Constraint, ...] = ()  # on metrics evaluations return
        if self.constraints:
            self._constrain(space, known_metrics or {})
        self.iteration = 0
        self.trials: dict[int, Trial] = {}  # every trial handed out, by index
        self.outcomes: dict[int, Outcome] = {}  # finished evaluations, by index
        self._untold: dict[int, Trial] = {}  # handed out, not yet told (proposal order)
        self._log: DurableLog | None = None
        self._clock_offset = 0.0  # run time before this process (resume)
        self._started = time.perf_counter()
        self.out_dir = Path(out_dir) if out_dir is not None else None
        if self.out_dir is not None:
            self._open(resume)

    def _constrain(self, space: FiniteSpace, known_metrics: Mapping[str, np.ndarray]) -> None:
        """A constraint on a metric known before evaluation starts the strategy with every
        architecture that breaks it taken, so it never proposes one; one on a metric the
        evaluations return is handed to the strategy, which predicts it
        (``weaknas.runner.constraints``)."""
        if getattr(self.strategy, "pool_grow", 0):
            raise ValueError("constraints and pool growth cannot be combined yet")
        known = {**space.known_metrics(), **known_metrics}
        before = [c for c in self.constraints if c.metric in known]
        self.observed_constraints = tuple(c for c in self.constraints if c.metric not in known)
        if before:
            self.feasible = feasible_mask(space.size, before, known)
            self.strategy.warm_start([], taken=np.flatnonzero(~self.feasible).tolist())
        if self.observed_constraints:
            self.strategy.set_observed_constraints(self.observed_constraints)
        self.settings = {**self.settings, "constraints": [str(c) for c in self.constraints]}

    def meets_constraints(self, index: int, outcome: Outcome) -> bool:
        """Whether a finished evaluation meets every constraint (those on known metrics
        hold for everything proposed)."""
        if not outcome.ok:
            return False
        return all(
            bool(c.satisfied(np.array([_number(outcome.info.get(c.metric))]))[0])
            for c in self.observed_constraints
        )

    # --- durable state --------------------------------------------------------------------
    def _fingerprint(self) -> dict:
        return {**self.settings, "space": self._space_fingerprint}

    def _open(self, resume: bool) -> None:
        out_dir = self.out_dir
        assert out_dir is not None  # _open is called only for a run with a folder
        out_dir.mkdir(parents=True, exist_ok=True)
        run_file, log_file = out_dir / RUN, out_dir / LOG
        expected = json.loads(json.dumps(self._fingerprint(), default=describe))
        if run_file.is_file():
            if not resume:
                raise ValueError(
                    f"{self.out_dir}: holds a run already; resume it (--resume / resume=True) "
                    "or choose another folder"
                )
            stored = json.loads(run_file.read_text())
            stored_code = stored.pop("code_version", None)
            stored = _with_later_defaults(stored, expected)
            if stored != expected:
                raise ValueError(
                    f"{run_file}: the run was started with {stored}, not {expected}; resume "
                    "needs the same space, strategy, seed and options"
                    + (f" (it ran code version {stored_code})" if stored_code else "")
                )
            if log_file.is_file():
                self._replay(read_log(log_file)[0], log_file)
        else:
            write_json(run_file, {**expected, "code_version": code_version()})
        self._log = DurableLog(log_file)
        self._started = time.perf_counter()

    def _replay(self, events: list[dict], log_file: Path) -> None:
        """Re-apply logged asks and tells; the strategy must propose the same again. A
        damaged or hand-edited log is named with the event at fault."""
        for number, event in enumerate(events, start=1):
            try:
                self._replay_event(event, number, log_file)
            except DataFileError:
                raise  # names the event already
            except (KeyError, TypeError, ValueError) as exc:
                raise DataFileError(
                    log_file, f"event {number} ({json.dumps(event)[:200]}) is damaged ({exc!r})"
                ) from None

    def _replay_event(self, event: dict, number: int, log_file: Path) -> None:
        kind = event.get("event")
        if kind in ("result", "tell", "retry"):
            referred = event.get("indices", [event.get("index")])
            unknown = [i for i in referred if i not in self.trials]
            if unknown:
                raise DataFileError(
                    log_file,
                    f"event {number}: a {kind} of architecture(s) {unknown} that no earlier "
                    "ask proposed; was the log edited or damaged?",
                )
        if kind == "ask":
            trials = self._ask(len(event["indices"]))
            proposed = [t.index for t in trials]
            if proposed != event["indices"]:
                raise DataFileError(
                    log_file,
                    f"event {number}: the strategy now proposes {proposed} where the log "
                    f"has {event['indices']}; was the run started with other code or data?",
                )
        elif kind == "result":
            elapsed = event.get("elapsed")
            elapsed = float("nan") if elapsed is None else float(elapsed)
            self.outcomes[event["index"]] = Outcome(
                event["value"], event["error"], event["seconds"], event.get("info", {}), elapsed
            )
            if math.isfinite(elapsed):
                self._clock_offset = max(self._clock_offset, elapsed)
        elif kind == "retry":
            self._reopen(event["indices"])
        elif kind == "tell":
            for index in event["indices"] if "indices" in event else [event["index"]]:
                self._tell_strategy(index)
        else:
            raise DataFileError(log_file, f"event {number} has unknown type {kind!r}")

    def retry_failed(self) -> list[int]:
        """Hand the failed evaluations out again (logged, so a resume replays it)."""
        failed = [i for i in self.trials if i in self.outcomes and not self.outcomes[i].ok]
        if failed:
            self._write({"event": "retry", "indices": failed})
            self._reopen(failed)
        return failed

    def _reopen(self, indices: list[int]) -> None:
        for index in indices:
            del self.outcomes[index]
            self._untold[index] = self.trials[index]

    def _write(self, event: dict, sync: bool = True) -> None:
        if self._log is not None:
            self._log.append(event, sync=sync)

    def close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def elapsed(self) -> float:
        """Seconds this run has been running, earlier sessions of a resumed run included."""
        return self._clock_offset + time.perf_counter() - self._started

    # --- ask / tell -----------------------------------------------------------------------
    def _ask(self, n: int | None) -> list[Trial]:
        batch = self.strategy.ask(n)
        if batch:
            self.iteration += 1
        trials = [
            Trial(s.index, self.space.architecture(s.index), self.iteration, s.predicted)
            for s in batch
        ]
        self.trials.update((t.index, t) for t in trials)
        self._untold.update((t.index, t) for t in trials)
        if trials:
            self.observer.on_ask(self.strategy, self.iteration)
        return trials

    def ask(self, n: int | None = None) -> list[Trial]:
        """The next batch (the strategy's size, at most ``n``); empty once the space is used up."""
        trials = self._ask(n)
        if trials:
            self._write(
                {"event": "ask", "iteration": self.iteration, "indices": [t.index for t in trials]}
            )
        return trials

    def record(self, trial: Trial, outcome: Outcome) -> None:
        """Store a finished evaluation durably (before the strategy learns of it)."""
        if trial.index not in self.trials or trial.index in self.outcomes:
            raise ValueError(f"trial {trial.index} was not handed out or is already recorded")
        if not math.isfinite(outcome.elapsed):
            outcome.elapsed = self.elapsed()
        if (self.objectives or self.observed_constraints) and outcome.ok:
            missing = self._told_values(trial.index, outcome)
            if isinstance(missing, str):  # a failed evaluation for this search
                outcome = Outcome(None, missing, outcome.seconds, outcome.info, outcome.elapsed)
        self.outcomes[trial.index] = outcome
        self._write(
            {
                "event": "result",
                "iteration": trial.iteration,
                "index": trial.index,
                "arch": self.space.to_string(trial.index),
                "value": outcome.value,
                "error": outcome.error,
                "seconds": outcome.seconds,
                "elapsed": outcome.elapsed,
                "info": outcome.info,
            },
            sync=outcome.seconds >= SYNC_AFTER_SECONDS,
        )

    def _told_values(self, index: int, outcome: Outcome) -> list[float] | str:
        """What the strategy is told of an evaluation beyond one value: one value per
        objective, then each observed constraint's metric; or the error saying which is
        missing (then the evaluation counts as failed)."""
        values = []
        named = [(o.name, o.primary, "--objectives") for o in self.objectives] or [
            ("value", True, "--objective")
        ]
        named += [(c.metric, False, "--constraint") for c in self.observed_constraints]
        for name, primary, flag in named:
            if primary:
                value = outcome.value
            elif name in self._known:
                value = self._known[name][index]
            else:
                value = outcome.info.get(name)
            if not isinstance(value, int | float) or not math.isfinite(value):
                given = ", ".join(sorted(outcome.info)) or "nothing else"
                kind = "objective" if flag == "--objectives" else "metric"
                return (
                    f"{kind} {name!r} ({flag}) has no finite value here: got {value!r}; "
                    f"the evaluation returned value and {given}"
                )
            values.append(float(value))
        return values

    def _tell_strategy(self, index: int) -> None:
        outcome = self.outcomes[index]
        if (
            outcome.ok
            and outcome.value is not None
            and (self.objectives or self.observed_constraints)
        ):
            values = self._told_values(index, outcome)
            assert not isinstance(values, str)  # a missing value was recorded as a failure
            self.strategy.tell(index, values)
        elif outcome.ok and outcome.value is not None:
            self.strategy.tell(index, outcome.value)
        else:
            self.strategy.tell_failure(index)
        self._untold.pop(index)

    def tell_recorded(self, trials: list[Trial]) -> None:
        """Pass recorded results to the strategy (one durable log record for all)."""
        for trial in trials:
            self._tell_strategy(trial.index)
        self._write({"event": "tell", "indices": [t.index for t in trials]})

    def tell(self, trial: Trial | int, value: float | None = None, error: str | None = None):
        """Report a result: ``value``, or ``error`` text for a failed evaluation."""
        index = trial.index if isinstance(trial, Trial) else self.space.check_index(trial)
        if index not in self.trials or index in self.outcomes:
            raise ValueError(
                f"{self.space.name}: architecture {index} was not handed out by ask() or is "
                "already told"
            )
        trial = self.trials[index]
        outcome = Outcome(None, error, float("nan")) if error else outcome_of(value, float("nan"))
        self.record(trial, outcome)
        self.tell_recorded([trial])

    @property
    def pending(self) -> list[Trial]:
        """Trials handed out and not yet told (in proposal order)."""
        return list(self._untold.values())

    # --- results --------------------------------------------------------------------------
    def results(self) -> pd.DataFrame:
        """One row per finished evaluation, in proposal order (whatever finished first)."""
        return evaluations_table(self)

    def best(self) -> tuple[int, float] | None:
        """(index, value) of the best successful evaluation (the earliest proposed on ties)."""
        best: tuple[int, float] | None = None
        for index in self.trials:
            outcome = self.outcomes.get(index)
            if outcome is None or not outcome.ok or outcome.value is None:
                continue
            if not self.meets_constraints(index, outcome):
                continue
            if best is None or outcome.value > best[1]:
                best = (index, outcome.value)
        return best


def search(
    objective: Callable[[Any], float | Mapping],
    space: FiniteSpace,
    budget: int = 100,
    strategy: str | Strategy = "weaknas",
    seed: int = 0,
    executor: str | Executor = "inline",
    workers: int = 1,
    timeout: float | None = None,
    out_dir: str | Path | None = None,
    resume: bool = False,
    progress: bool = False,
    on_result: Callable[[Trial, Outcome], None] | None = None,
    retry_failed: bool = False,
    observer: Observer | None = None,
    settings: dict | None = None,
    constraints: Iterable[str | Constraint] = (),
    known_metrics: Mapping[str, np.ndarray] | None = None,
    objectives: str | Iterable[str | Objective] | None = None,
    **options,
) -> SearchResult:
    """Evaluate ``objective(arch)`` on up to ``budget`` architectures chosen by ``strategy``.

    ``executor``: ``"inline"`` (default), ``"thread"``, ``"process"`` (a fresh process per
    evaluation: enforces ``timeout``, survives crashes), or any
    ``concurrent.futures.Executor`` (``weaknas.search`` also takes ``"ray"``). With
    ``out_dir`` every event is logged durably and ``resume=True`` continues a run that
    was killed, re-running only unfinished evaluations.
    ``on_result(trial, outcome)`` is called as each evaluation finishes (for progress).
    ``retry_failed``: on resume, evaluate the failed architectures again (e.g. after
    installing what their failure said was missing); they keep their budget slots.
    An objective with ``by_index = True`` receives the architecture's index instead
    (tabular benchmarks: no parsing). ``constraints`` (``"mflops<=400"``, ...) on metrics
    known before evaluation (the space's ``known_metrics``, and ``known_metrics`` given
    here, one value per architecture) keep every infeasible architecture from being
    proposed (``weaknas.runner.constraints``). ``objectives`` (``"accuracy:max,latency:min"``)
    searches two or three at once (``weaknas.pareto``): the objective's value and named
    metrics it returns or the space knows; the run then writes its observed Pareto front.
    """
    refuse_search_in_worker_bootstrap()
    budget = _check_count("budget", budget)
    seed = check_seed(seed)
    if timeout is not None and executor == "inline":
        raise ValueError(
            "an inline objective cannot be stopped: use executor='process' for timeouts"
        )
    if timeout is not None and (not isinstance(timeout, int | float) or timeout <= 0):
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    workers = _check_count("workers", workers)
    observer = observer or Observer()
    run = Search(
        space,
        strategy,
        seed,
        out_dir=out_dir,
        resume=resume,
        observer=observer,
        settings=settings,
        constraints=constraints,
        known_metrics=known_metrics,
        objectives=objectives,
        **options,
    )
    if retry_failed:
        run.retry_failed()
    pool = make_executor(executor, workers, timeout) if isinstance(executor, str) else executor
    bar = tqdm(total=budget, initial=len(run.outcomes), disable=not progress, unit="eval")
    try:
        while True:
            batch = run.pending  # an interrupted batch first (after resume)
            if not batch:
                if len(run.trials) >= budget or observer.stop(run):
                    break
                batch = run.ask(budget - len(run.trials))
                if not batch:
                    break  # the space is used up
            evaluate_batch(objective, batch, run, pool, timeout, bar, on_result)
            run.tell_recorded(batch)  # proposal order: independent of which worker finished first
            _stop_if_nothing_can_work(run, batch)
    finally:
        bar.close()
        run.close()
        if pool is not executor:  # built here: ended here
            pool.shutdown(wait=False, cancel_futures=True)
    return finish(run, budget)


def _stop_if_nothing_can_work(run: Search, batch: list[Trial]) -> None:
    """The first batch failed, every evaluation with the same error: the rest would too
    (a missing package, no GPU, bad data). Stop, logged and resumable (``retry_failed``
    once fixed), instead of spending the budget on it."""
    if not batch or batch[0].iteration != 1:
        return
    errors = {run.outcomes[t.index].error for t in batch}
    if None in errors:
        return
    last_lines = {str(e).strip().splitlines()[-1] if str(e).strip() else "" for e in errors}
    if len(last_lines) == 1:
        raise SearchStopped(
            f"every evaluation of the first batch ({len(batch)}) failed with the same error, "
            f"so the rest would too: {last_lines.pop()}"
        )


def _with_later_defaults(stored: dict, expected: dict) -> dict:
    """A run recorded before one of its strategy's options existed ran as that option's
    default does: read it so, so that the run still resumes after the option is added."""
    options, wanted = stored.get("options"), expected.get("options")
    if not isinstance(options, dict) or not isinstance(wanted, dict):
        return stored
    try:
        defaults = strategy_options_class(str(stored.get("strategy"))).defaults()
    except ValueError:  # a strategy given as an instance: its class name, not a registry name
        return stored
    later = {k: defaults[k] for k in wanted if k not in options and k in defaults}
    return {**stored, "options": {**options, **later}} if later else stored


def _number(value) -> float:
    """A reported metric as a number (NaN when missing or not a number)."""
    return float(value) if isinstance(value, int | float) else float("nan")


def check_seed(seed) -> int:
    """``seed`` as a Python int (numpy integers too: seeds often come from arrays, and the
    run's JSON files take only ints); ``ValueError`` for anything else, before any work."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ValueError(f"seed must be a whole number, got {seed!r}")
    return int(seed)


def _check_count(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return value


__all__ = [
    "Outcome",
    "Search",
    "SearchResult",
    "SearchStopped",
    "Trial",
    "finish",
    "search",
]
