"""Evaluating one batch: submit every trial to an executor, settle each future as it
finishes (its own time, from its start, not its queueing), stop waiting for calls past
the timeout on executors that cannot stop them, and stop the search when no evaluation
can start at all (``SearchStopped``)."""

from __future__ import annotations

import time
from concurrent.futures import FIRST_COMPLETED, Executor, wait
from typing import TYPE_CHECKING

from weaknas.runner.executors import EvaluationTimeout, WorkerStartError
from weaknas.runner.trials import Outcome, Trial, outcome_of

if TYPE_CHECKING:
    from weaknas.runner.engine import Search


class SearchStopped(ValueError):
    """The search cannot go on (every evaluation would fail the same way)."""


def evaluate_batch(objective, batch, run: Search, pool: Executor, timeout, bar, on_result) -> None:
    """Evaluate the batch's unfinished trials in parallel; record each as it finishes."""
    by_index = getattr(objective, "by_index", False)
    submitted = {}
    settled = []  # (future, trial, seconds) of calls that ran inside submit (inline)
    for trial in batch:
        if trial.index not in run.outcomes:
            argument = trial.index if by_index else trial.arch
            start = time.perf_counter()
            future = pool.submit(objective, argument)
            if future.done():
                settled.append((future, trial, time.perf_counter() - start))
            else:
                submitted[future] = (trial, start)
    order = {future: position for position, future in enumerate(submitted)}

    def finish_one(trial: Trial, outcome: Outcome) -> None:
        run.record(trial, outcome)
        if on_result is not None:
            on_result(trial, outcome)
        bar.update()
        if outcome.ok and not bar.disable:
            best = run.best()
            if best is not None:
                bar.set_postfix(best=f"{best[1]:.4g}", refresh=False)

    for future, trial, seconds in settled:
        finish_one(trial, _settle(future, seconds))

    def started(future) -> float | None:
        """When the call really started (slot executors stamp it), else its submit time;
        None while it still waits for a free worker."""
        stamped = getattr(future, "started_at", None)
        if stamped is not None:
            return stamped
        return None if getattr(pool, "stamps_start", False) else submitted[future][1]

    waiting = set(submitted)
    while waiting:
        starts = [started(f) for f in waiting] if timeout else []
        deadlines = [s + timeout for s in starts if s is not None]
        # nothing timed yet (all queued): look again once one may have started
        left = max(0.0, min(deadlines) - time.perf_counter()) + 0.05 if deadlines else timeout
        done, waiting = wait(waiting, timeout=left, return_when=FIRST_COMPLETED)
        for future in sorted(done, key=order.__getitem__):
            start = started(future) or time.perf_counter()
            trial, _ = submitted.pop(future)
            finish_one(trial, _settle(future, time.perf_counter() - start))
        if timeout and not getattr(pool, "enforces_timeout", False):
            # an executor that cannot stop a call itself: stop waiting for it
            now = time.perf_counter()
            late = [f for f in waiting if (s := started(f)) is not None and now - s > timeout]
            for future in late:
                start = started(future) or now
                trial, _ = submitted.pop(future)
                future.cancel()
                waiting.discard(future)
                error = EvaluationTimeout(f"timed out after {timeout:g} s (left running)")
                finish_one(trial, Outcome(None, _error_text(error), now - start))


def _settle(future, seconds: float) -> Outcome:
    try:
        return outcome_of(future.result(), seconds)
    except WorkerStartError as exc:
        raise SearchStopped(
            f"evaluations cannot start in worker processes ({exc}); {WorkerStartError.HINT}"
        ) from None
    except Exception as exc:  # noqa: BLE001 - a failed evaluation, recorded
        return Outcome(None, _error_text(exc), seconds)


def _error_text(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
