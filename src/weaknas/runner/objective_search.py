"""Search your own space with your own objective: ``Search`` (ask/tell) and ``search``.

``Search`` wraps a strategy with a durable event log in ``out_dir``: every ask, result
and tell is appended (fsync'ed) before the search acts on it, so ``resume=True`` rebuilds
the exact state after a crash by replaying the log. ``search`` runs the batch loop: ask
a batch, evaluate it in parallel on an executor, record each result as it finishes, then
tell the batch in proposal order (so the outcome does not depend on which worker was
faster, and a resumed run proposes exactly what an uninterrupted one would).

Failures (the objective raises, returns NaN/inf, times out, or its worker dies) are
recorded with their error, count towards the budget, are never proposed again and are
never used to fit a predictor.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Executor, wait
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from weaknas.errors import DataFileError
from weaknas.runner.durable_log import DurableLog, read_log
from weaknas.runner.executors import EvaluationTimeout, make_executor
from weaknas.runner.output import SUMMARY, write_json, write_table
from weaknas.spaces.base import FiniteSpace
from weaknas.strategies import make_strategy

LOG = "events.jsonl"
RUN = "run.json"
RESULTS = "evaluations.parquet"


@dataclass(frozen=True)
class Trial:
    """One architecture handed out for evaluation."""

    index: int
    arch: object  # what the objective receives: a config dict, or the arch string
    iteration: int
    predicted: float = float("nan")


@dataclass
class Outcome:
    value: float | None
    error: str | None
    seconds: float
    info: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None


def _outcome(result, seconds: float) -> Outcome:
    """What the objective returned: a number, or a mapping with ``value`` and extras."""
    info = {}
    if isinstance(result, Mapping):
        info = {k: v for k, v in result.items() if k != "value" and isinstance(v, int | float)}
        if "value" not in result:
            return Outcome(
                None, f"objective returned a mapping without 'value': {result!r}", seconds
            )
        result = result["value"]
    try:
        value = float(result)
    except (TypeError, ValueError):
        return Outcome(None, f"objective returned {result!r}, not a number", seconds, info)
    if not math.isfinite(value):
        return Outcome(None, f"objective returned {value}", seconds, info)
    return Outcome(value, None, seconds, info)


class Search:
    """Ask/tell search over ``space``, logged durably to ``out_dir`` when given.

    ``strategy`` is a name from ``weaknas.strategies.STRATEGIES``; ``options`` go to its
    constructor (e.g. ``n_init=10, batch_size=10, top_m=100`` for WeakNAS).
    """

    def __init__(
        self,
        space: FiniteSpace,
        strategy: str = "weaknas",
        seed: int = 0,
        out_dir: str | Path | None = None,
        resume: bool = False,
        **options,
    ) -> None:
        self.space = space
        self.settings = {"strategy": strategy, "seed": seed, "options": options}
        self.strategy = make_strategy(strategy, space, seed=seed, **options)
        self.iteration = 0
        self.trials: dict[int, Trial] = {}  # every trial handed out, by index
        self.outcomes: dict[int, Outcome] = {}  # finished evaluations, by index
        self._told: set[int] = set()
        self._log: DurableLog | None = None
        self.out_dir = Path(out_dir) if out_dir is not None else None
        if self.out_dir is not None:
            self._open(resume)

    # --- durable state --------------------------------------------------------------------
    def _fingerprint(self) -> dict:
        return {**self.settings, "space": self.space.fingerprint()}

    def _open(self, resume: bool) -> None:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        run_file, log_file = self.out_dir / RUN, self.out_dir / LOG
        expected = json.loads(json.dumps(self._fingerprint(), default=str))
        if run_file.is_file():
            if not resume:
                raise ValueError(
                    f"{self.out_dir}: holds a run already; resume it (--resume / resume=True) "
                    "or choose another folder"
                )
            stored = json.loads(run_file.read_text())
            if stored != expected:
                raise ValueError(
                    f"{run_file}: the run was started with {stored}, not {expected}; resume "
                    "needs the same space, strategy, seed and options"
                )
            if log_file.is_file():
                self._replay(read_log(log_file)[0], log_file)
        else:
            write_json(run_file, expected)
        self._log = DurableLog(log_file)

    def _replay(self, events: list[dict], log_file: Path) -> None:
        """Re-apply logged asks and tells; the strategy must propose the same again."""
        for number, event in enumerate(events, start=1):
            kind = event.get("event")
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
                self.outcomes[event["index"]] = Outcome(
                    event["value"], event["error"], event["seconds"], event.get("info", {})
                )
            elif kind == "tell":
                self._tell_strategy(event["index"])
            else:
                raise DataFileError(log_file, f"event {number} has unknown type {kind!r}")

    def _write(self, event: dict) -> None:
        if self._log is not None:
            self._log.append(event)

    def close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

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
                "info": outcome.info,
            }
        )

    def _tell_strategy(self, index: int) -> None:
        outcome = self.outcomes[index]
        if outcome.ok:
            self.strategy.tell(index, outcome.value)
        else:
            self.strategy.tell_failure(index)
        self._told.add(index)

    def tell_recorded(self, trial: Trial) -> None:
        """Pass a recorded result to the strategy."""
        self._tell_strategy(trial.index)
        self._write({"event": "tell", "index": trial.index})

    def tell(self, trial: Trial | int, value: float | None = None, error: str | None = None):
        """Report a result: ``value``, or ``error`` text for a failed evaluation."""
        trial = self.trials[trial] if isinstance(trial, int) else trial
        outcome = Outcome(None, error, float("nan")) if error else _outcome(value, float("nan"))
        self.record(trial, outcome)
        self.tell_recorded(trial)

    @property
    def pending(self) -> list[Trial]:
        """Trials handed out and not yet told (in proposal order)."""
        return [t for i, t in self.trials.items() if i not in self._told]

    # --- results --------------------------------------------------------------------------
    def results(self) -> pd.DataFrame:
        """One row per finished evaluation, in proposal order (whatever finished first)."""
        rows = []
        finished = [(i, t) for i, t in self.trials.items() if i in self.outcomes]
        for order, (index, trial) in enumerate(finished, start=1):
            outcome = self.outcomes[index]
            rows.append(
                {
                    "order": order,
                    "iteration": trial.iteration,
                    "index": index,
                    "arch": self.space.to_string(index),
                    "status": "ok" if outcome.ok else "failed",
                    "value": outcome.value,
                    "error": outcome.error,
                    "seconds": outcome.seconds,
                    "predicted": trial.predicted,
                    **outcome.info,
                }
            )
        return pd.DataFrame(rows)

    def best(self) -> tuple[int, float] | None:
        """(index, value) of the best successful evaluation (the earliest on ties)."""
        done = [(i, o.value) for i, o in self.outcomes.items() if o.ok]
        return max(done, key=lambda pair: pair[1]) if done else None


@dataclass
class SearchResult:
    best_arch: object
    best_value: float | None
    evaluations: pd.DataFrame
    n_failed: int
    wall_seconds: float


def search(
    objective: Callable[[object], float],
    space: FiniteSpace,
    budget: int = 100,
    strategy: str = "weaknas",
    seed: int = 0,
    executor: str | Executor = "inline",
    workers: int = 1,
    timeout: float | None = None,
    out_dir: str | Path | None = None,
    resume: bool = False,
    progress: bool = False,
    on_result: Callable[[Trial, Outcome], None] | None = None,
    **options,
) -> SearchResult:
    """Evaluate ``objective(arch)`` on up to ``budget`` architectures chosen by ``strategy``.

    ``executor``: ``"inline"`` (default), ``"thread"``, ``"process"`` (a fresh process per
    evaluation: enforces ``timeout``, survives crashes), ``"ray"``, or any
    ``concurrent.futures.Executor``. With ``out_dir`` every event is logged durably and
    ``resume=True`` continues a run that was killed, re-running only unfinished evaluations.
    ``on_result(trial, outcome)`` is called as each evaluation finishes (for progress).
    """
    if budget < 1:
        raise ValueError(f"budget must be >= 1, got {budget}")
    if timeout is not None and executor == "inline":
        raise ValueError(
            "an inline objective cannot be stopped: use executor='process' for timeouts"
        )
    own_executor = isinstance(executor, str)
    pool = make_executor(executor, workers, timeout) if own_executor else executor
    run = Search(space, strategy, seed, out_dir=out_dir, resume=resume, **options)
    started = time.perf_counter()
    bar = tqdm(total=budget, initial=len(run.outcomes), disable=not progress, unit="eval")
    try:
        while True:
            batch = run.pending  # an interrupted batch first (after resume)
            if not batch:
                if len(run.trials) >= budget:
                    break
                batch = run.ask(budget - len(run.trials))
                if not batch:
                    break  # the space is used up
            _evaluate(objective, batch, run, pool, timeout, bar, on_result)
            for trial in batch:  # proposal order: independent of which worker finished first
                run.tell_recorded(trial)
    finally:
        bar.close()
        run.close()
        if own_executor:
            pool.shutdown(wait=False, cancel_futures=True)
    wall = time.perf_counter() - started
    evaluations = run.results()
    best = run.best()
    result = SearchResult(
        best_arch=run.space.architecture(best[0]) if best else None,
        best_value=best[1] if best else None,
        evaluations=evaluations,
        n_failed=int((evaluations["status"] == "failed").sum()) if len(evaluations) else 0,
        wall_seconds=wall,
    )
    if run.out_dir is not None:
        write_table(run.out_dir / RESULTS, evaluations)
        write_json(
            run.out_dir / SUMMARY,
            {
                "best_arch": run.space.to_string(best[0]) if best else None,
                "best_value": result.best_value,
                "n_evaluations": len(evaluations),
                "n_failed": result.n_failed,
                "wall_seconds": wall,
                "settings": run.settings,
            },
        )
    return result


def _evaluate(objective, batch, run: Search, pool: Executor, timeout, bar, on_result) -> None:
    """Evaluate the batch's unfinished trials in parallel; record each as it finishes."""
    submitted = {}
    for trial in batch:
        if trial.index not in run.outcomes:
            submitted[pool.submit(objective, trial.arch)] = (trial, time.perf_counter())
    order = {future: position for position, future in enumerate(submitted)}

    def finish(trial: Trial, outcome: Outcome) -> None:
        run.record(trial, outcome)
        if on_result is not None:
            on_result(trial, outcome)
        bar.update()
        best = run.best()
        if best is not None:
            bar.set_postfix(best=f"{best[1]:.4g}", refresh=False)

    waiting = set(submitted)
    while waiting:
        deadlines = [start + timeout for _, start in submitted.values()] if timeout else []
        left = max(0.0, min(deadlines) - time.perf_counter()) + 1.0 if deadlines else None
        done, waiting = wait(waiting, timeout=left, return_when=FIRST_COMPLETED)
        for future in sorted(done, key=order.get):
            trial, start = submitted.pop(future)
            seconds = time.perf_counter() - start
            try:
                outcome = _outcome(future.result(), seconds)
            except Exception as exc:  # noqa: BLE001 - a failed evaluation, recorded
                outcome = Outcome(None, _error_text(exc), seconds)
            finish(trial, outcome)
        if timeout and not getattr(pool, "enforces_timeout", False):
            # an executor that cannot stop a call itself: stop waiting for it
            now = time.perf_counter()
            for future in [f for f in waiting if now - submitted[f][1] > timeout + 1.0]:
                trial, start = submitted.pop(future)
                future.cancel()
                waiting.discard(future)
                error = EvaluationTimeout(f"timed out after {timeout:g} s (left running)")
                finish(trial, Outcome(None, _error_text(error), now - start))


def _error_text(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
