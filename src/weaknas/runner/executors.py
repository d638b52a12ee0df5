"""Where objective calls run: in-process, threads, a fresh process per call, or Ray.

``search`` accepts any ``concurrent.futures.Executor``. ``ProcessPerCallExecutor`` is the
robust choice for real trainings: each evaluation runs in its own process, so a
``timeout`` can kill it and a crash (segfault, out-of-memory kill) loses only that one
evaluation.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import queue
import signal
import threading
import time
import traceback
from collections.abc import Sequence
from concurrent.futures import Executor, Future
from multiprocessing.reduction import ForkingPickler

from weaknas.names import EXECUTORS


class EvaluationTimeout(Exception):
    """The objective ran longer than the timeout and was stopped."""


class WorkerDied(Exception):
    """The process evaluating the objective ended without returning a result."""


class ObjectiveError(Exception):
    """The objective raised; the message carries its traceback from the worker."""


class WorkerStartError(Exception):
    """No evaluation can run in a worker: the objective could not be sent to it, or the
    worker died before the objective started. Every other evaluation would fail the same
    way, so the search stops (``weaknas.runner.engine``)."""

    HINT = (
        "a worker process imports the objective's module again: in a script, start the "
        'search under `if __name__ == "__main__":`, and define the objective at module '
        "level (a lambda or a function defined inside another cannot be sent to a process)"
    )


# A spawned worker that found a search starting while it imported the user's script
# ends with this code, silently: the parent says why, once, instead of a traceback from
# every worker.
SEARCH_IN_WORKER_EXIT = 86


def refuse_search_in_worker_bootstrap() -> None:
    """End this process, quietly, if called while a spawned worker imports the user's
    script (no ``__main__`` guard): without the guard every worker would run a whole
    search of its own. The parent reports it (``SEARCH_IN_WORKER_EXIT``)."""
    import sys

    # While a spawned worker runs the parent's script, it is importing ``__mp_main__``;
    # once done, that module becomes ``__main__``.
    importing = sys.modules.get("__mp_main__")
    if importing is not None and importing is not sys.modules.get("__main__"):
        raise SystemExit(SEARCH_IN_WORKER_EXIT)


def _died_before_start(exitcode: int | None) -> str:
    if exitcode == SEARCH_IN_WORKER_EXIT:
        return "the worker process started a search of its own while it imported your script"
    return f"the worker process died before the objective started (exit code {exitcode})"


def pickled_call(future: Future, fn, args, kwargs) -> bytes | None:
    """The call as bytes for a worker process (pickled here, unpickled there), or None
    with ``future`` failed when it cannot be sent (a lambda, a local function)."""
    try:
        return bytes(ForkingPickler.dumps((fn, args, kwargs)))
    except Exception as exc:  # noqa: BLE001 - e.g. a lambda: it cannot be sent
        future.set_exception(WorkerStartError(f"{type(exc).__name__}: {exc}"))
        return None


def _run_into(future: Future, fn, args, kwargs) -> None:
    """Call ``fn`` here and settle ``future`` with its result or its exception."""
    try:
        future.set_result(fn(*args, **kwargs))
    except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
        future.set_exception(exc)


class InlineExecutor(Executor):
    """Runs each call at ``submit`` in the calling thread (no parallelism, no timeout)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        future.set_running_or_notify_cancel()
        _run_into(future, fn, args, kwargs)
        return future


PARENT_CHECK_SECONDS = 0.5


def _end_with_parent(parent: int, whole_group: bool) -> None:
    """In a worker: once the parent is gone (``kill -9``, crash), end this worker, and
    with ``whole_group`` everything it started (its own process group)."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    try:
        if whole_group:
            os.killpg(os.getpgid(0), signal.SIGKILL)
    finally:
        os._exit(1)


def end_with_parent(whole_group: bool = False) -> None:
    """Make this worker process end within ``PARENT_CHECK_SECONDS`` of its parent's death,
    so nothing outlives a killed search or study (a worker would otherwise finish its
    current call, and any calls already queued to it, writing results nobody reads).

    ``whole_group`` also kills the worker's process group: only for a worker that made a
    group of its own, never for one in its parent's (the user's shell job) group.
    """
    parent = os.getppid()
    threading.Thread(target=_end_with_parent, args=(parent, whole_group), daemon=True).start()


def _call_in_child(connection, call: bytes) -> None:
    """In a worker: load the call (here, so that an objective that cannot be loaded is
    reported to the parent, not printed as a traceback by each worker), run it, send
    its result or error."""
    if hasattr(os, "setpgid"):
        os.setpgid(0, 0)  # a group of its own: the objective's own children end with it
        end_with_parent(whole_group=True)
    try:
        try:
            fn, args, kwargs = pickle.loads(call)
        except Exception as exc:  # noqa: BLE001 - e.g. the objective is not importable here
            connection.send(("unloadable", f"{type(exc).__name__}: {exc}"))
            return
        try:
            connection.send(("started", None))  # the timeout counts from here, not spawn
            result = fn(*args, **kwargs)
            message = ("ok", result)
        except BaseException:  # noqa: BLE001 - reported to the parent, which records it
            message = ("error", traceback.format_exc())
        connection.send(message)
    except (BrokenPipeError, EOFError, OSError):
        os._exit(1)  # the parent is gone or gave up on this call: end quietly
    finally:
        connection.close()


class SlotExecutor(Executor):
    """Base for executors that run each call from its own thread, ``max_workers`` at once.

    A call waits for a free slot before it starts, so a per-call timeout counts from the
    start, not from the time spent queued. Subclasses implement ``_execute``.
    """

    stamps_start = True  # futures carry ``started_at`` once a slot is free

    def __init__(self, max_workers: int) -> None:
        self.max_workers = max_workers
        self._slots = threading.BoundedSemaphore(max_workers)
        self._threads: list[threading.Thread] = []
        self._futures: list[Future] = []
        self._cancelled = False  # shut down with cancel_futures: start nothing more

    def submit(self, fn, /, *args, **kwargs) -> Future:
        if self._cancelled:
            raise RuntimeError("cannot submit to an executor that was shut down")
        future: Future = Future()
        thread = threading.Thread(target=self._run, args=(future, fn, args, kwargs), daemon=True)
        self._threads.append(thread)
        self._futures.append(future)
        thread.start()
        return future

    def _run(self, future: Future, fn, args, kwargs) -> None:
        with self._slots:
            if future.set_running_or_notify_cancel():
                future.started_at = time.perf_counter()  # type: ignore[attr-defined]  # read by the engine's timing
                self._execute(future, fn, args, kwargs)

    def _execute(self, future: Future, fn, args, kwargs) -> None:
        """Run ``fn(*args, **kwargs)`` and settle ``future`` with its result or error."""
        raise NotImplementedError

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """``cancel_futures`` cancels the calls still waiting for a slot (and, for
        processes, ends those running: see ``ProcessPerCallExecutor.shutdown``)."""
        if cancel_futures:
            self._cancelled = True
            for future in self._futures:
                future.cancel()  # a running call is not cancelled by this
        if wait:
            for thread in self._threads:
                thread.join()


class ThreadSlotExecutor(SlotExecutor):
    """Each call in a thread, at most ``max_workers`` at once; a ``timeout`` counts from
    the call's start, not from the time it waited for a free thread. A thread cannot be
    killed: a call past its timeout is recorded as failed and left to finish."""

    def _execute(self, future: Future, fn, args, kwargs) -> None:
        _run_into(future, fn, args, kwargs)


class ProcessPerCallExecutor(SlotExecutor):
    """Each call in a fresh process, at most ``max_workers`` at once, killed after ``timeout``.

    ``start_method`` defaults to ``spawn`` (safe with threads; the objective must be
    importable, e.g. defined at module level in a script guarded by ``__main__``).

    ``gpus`` (GPU ids, e.g. ``["0", "1"]``) places the calls on GPUs: ``workers_per_gpu``
    calls at once on each (``max_workers`` is then their product), each process started
    with ``CUDA_VISIBLE_DEVICES`` set to its GPU, so CUDA sees that one only (as
    ``cuda:0``) from its first call. A GPU that fails a call (out of memory, lost) fails
    that evaluation only.
    """

    enforces_timeout = True

    def __init__(
        self,
        max_workers: int | None = None,
        timeout: float | None = None,
        start_method="spawn",
        gpus: Sequence[str] | None = None,
        workers_per_gpu: int = 1,
    ) -> None:
        self.gpus = check_gpus(gpus) if gpus is not None else None
        self._seats: queue.Queue[str] | None = None
        if self.gpus is not None:
            if isinstance(workers_per_gpu, bool) or not isinstance(workers_per_gpu, int):
                raise ValueError(f"workers_per_gpu must be a whole number, got {workers_per_gpu!r}")
            if workers_per_gpu < 1:
                raise ValueError(f"workers_per_gpu must be >= 1, got {workers_per_gpu}")
            seats = [gpu for _ in range(workers_per_gpu) for gpu in self.gpus]
            if max_workers is not None and max_workers != len(seats):
                raise ValueError(
                    f"{max_workers} workers on {len(self.gpus)} GPU(s) x {workers_per_gpu} per "
                    "GPU: give the GPUs and workers per GPU, not a worker count"
                )
            max_workers = len(seats)
            self._seats = queue.Queue()
            for gpu in seats:
                self._seats.put(gpu)
        super().__init__(max_workers or os.cpu_count() or 1)
        self.timeout = timeout
        self._context = multiprocessing.get_context(start_method)
        # Held while a worker process starts: a process whose start was cut short (the
        # interpreter ending under its slot thread) would print a traceback of its own.
        self._starting = threading.Lock()
        self._running: set = set()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """With ``cancel_futures`` also kill the worker processes still running (a
        stopped or interrupted search reads none of their results) and start no more;
        a process being started is let finish its start first."""
        if cancel_futures:
            with self._starting:
                self._cancelled = True
                running = list(self._running)
            for process in running:
                process.kill()
        super().shutdown(wait, cancel_futures=cancel_futures)

    def _execute(self, future: Future, fn, args, kwargs) -> None:
        if self._seats is None:
            self._execute_on(None, future, fn, args, kwargs)
            return
        gpu = self._seats.get()  # never waits long: the slots are as many as the seats
        try:
            self._execute_on(gpu, future, fn, args, kwargs)
        finally:
            self._seats.put(gpu)

    def _execute_on(self, gpu: str | None, future: Future, fn, args, kwargs) -> None:
        call = pickled_call(future, fn, args, kwargs)
        if call is None:
            return
        receive, send = self._context.Pipe(duplex=False)
        process = self._context.Process(target=_call_in_child, args=(send, call), daemon=True)
        with self._starting:
            if self._cancelled:
                receive.close()
                send.close()
                future.set_exception(WorkerStartError("the executor was shut down"))
                return
            try:
                with _visible_gpu(gpu):  # inherited by the process, before CUDA can start
                    process.start()
            except Exception as exc:  # noqa: BLE001
                future.set_exception(WorkerStartError(f"{type(exc).__name__}: {exc}"))
                return
            self._running.add(process)
        try:
            self._wait_for(future, process, receive, send)
        finally:
            self._running.discard(process)

    def _wait_for(self, future: Future, process, receive, send) -> None:
        """Settle ``future`` with what the started ``process`` sends back (or its death)."""
        send.close()
        try:
            kind, payload = receive.recv()  # "started", once the objective is loaded
        except (EOFError, OSError):
            receive.close()
            process.join()
            future.set_exception(WorkerStartError(_died_before_start(process.exitcode)))
            return
        if kind == "unloadable":
            receive.close()
            process.join()
            future.set_exception(
                WorkerStartError(f"the worker process cannot load the objective ({payload})")
            )
            return
        try:
            if not receive.poll(self.timeout):
                process.kill()
                future.set_exception(
                    EvaluationTimeout(f"timed out after {self.timeout:g} s and was killed")
                )
                return
            kind, payload = receive.recv()
        except (EOFError, OSError):
            process.join()
            future.set_exception(WorkerDied(f"worker process died (exit code {process.exitcode})"))
            return
        finally:
            receive.close()
            if process.is_alive() and future.done():
                process.join(5)
        process.join()
        if kind == "ok":
            future.set_result(payload)
        else:
            future.set_exception(ObjectiveError(payload))


def check_gpus(gpus: Sequence[str] | str) -> list[str]:
    """GPU ids as ``CUDA_VISIBLE_DEVICES`` takes them: ``"0,1"`` or ``["0", "1"]``, whole
    numbers >= 0, each once (``ValueError`` naming the bad one)."""
    ids = [g.strip() for g in gpus.split(",")] if isinstance(gpus, str) else [str(g) for g in gpus]
    if not ids or not all(g.isdigit() for g in ids):
        raise ValueError(f"GPUs {gpus!r}: expected ids like 0,1,2 (whole numbers >= 0)")
    if len(set(ids)) != len(ids):
        raise ValueError(f"GPUs {gpus!r}: an id listed twice")
    return ids


@contextlib.contextmanager
def _visible_gpu(gpu: str | None):
    """``CUDA_VISIBLE_DEVICES=gpu`` for what starts inside (processes are started one at
    a time, under the executor's lock); the value before is restored."""
    if gpu is None:
        yield
        return
    before = os.environ.get("CUDA_VISIBLE_DEVICES")
    os.environ["CUDA_VISIBLE_DEVICES"] = gpu
    try:
        yield
    finally:
        if before is None:
            del os.environ["CUDA_VISIBLE_DEVICES"]
        else:
            os.environ["CUDA_VISIBLE_DEVICES"] = before


# The executors the engine builds by name; "ray" (weaknas.integrations.ray) is an
# integration above the runner, built by ``weaknas.resolve.make_executor``.
BUILT_IN = {
    "inline": InlineExecutor,
    "thread": ThreadSlotExecutor,
    "process": ProcessPerCallExecutor,
}


def make_executor(name: str, workers: int = 1, timeout: float | None = None) -> Executor:
    """A built-in executor by name (``BUILT_IN``)."""
    if name not in BUILT_IN:
        if name in EXECUTORS:
            raise ValueError(
                f"executor {name!r} is an integration: use weaknas.search (it builds one), "
                "or pass its executor instance"
            )
        raise ValueError(f"unknown executor {name!r}; expected one of {EXECUTORS}")
    if name == "inline":
        return InlineExecutor()
    if name == "thread":
        return ThreadSlotExecutor(max_workers=workers)
    return ProcessPerCallExecutor(max_workers=workers, timeout=timeout)
