"""Worker processes that evaluate many calls each: what an objective loads once (a
supernet checkpoint, decoded calibration images, CUDA) stays loaded between its calls.

``ReusedProcessExecutor`` keeps what ``ProcessPerCallExecutor`` promises: a call past its
``timeout`` is killed (with its worker, replaced by a fresh one at the next call), a worker
that dies fails only the call it ran, GPU placement pins each worker to its GPU for life.
What it gives up: calls share their worker's memory, so an objective's module-level state
carries from one call to the next (which is the point).
"""

from __future__ import annotations

import os
import pickle
import threading
import traceback
from concurrent.futures import Future

from weaknas.runner.executors import (
    EvaluationTimeout,
    ObjectiveError,
    ProcessPerCallExecutor,
    WorkerDied,
    WorkerStartError,
    _died_before_start,
    _visible_gpu,
    end_with_parent,
    pickled_call,
)


def _serve_calls(connection) -> None:
    """In a reused worker: run the calls the parent sends until it closes the pipe; per
    call, say ``started`` once it is loaded, then send its result or error."""
    if hasattr(os, "setpgid"):
        os.setpgid(0, 0)  # a group of its own: the objective's own children end with it
        end_with_parent(whole_group=True)
    try:
        while True:
            try:
                call = connection.recv_bytes()
            except EOFError:
                return  # the executor is done with this worker
            try:
                fn, args, kwargs = pickle.loads(call)
            except Exception as exc:  # noqa: BLE001 - reported, and the worker goes on
                connection.send(("unloadable", f"{type(exc).__name__}: {exc}"))
                continue
            connection.send(("started", None))
            try:
                message = ("ok", fn(*args, **kwargs))
            except BaseException:  # noqa: BLE001 - reported to the parent, which records it
                message = ("error", traceback.format_exc())
            connection.send(message)
    except (BrokenPipeError, OSError):
        os._exit(1)  # the parent is gone: end quietly
    finally:
        connection.close()


class _Worker:
    def __init__(self, process, connection, gpu: str | None) -> None:
        self.process, self.connection, self.gpu = process, connection, gpu

    def end(self) -> None:
        self.connection.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)


class ReusedProcessExecutor(ProcessPerCallExecutor):
    """``ProcessPerCallExecutor``'s slots, each served by a worker process that stays up
    between calls (started on first use, replaced when it dies or is killed)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._idle: list[_Worker] = []
        self._idle_lock = threading.Lock()

    def _take(self, gpu: str | None) -> _Worker:
        with self._idle_lock:
            for i, worker in enumerate(self._idle):
                if worker.gpu == gpu and worker.process.is_alive():
                    return self._idle.pop(i)
        receive, send = self._context.Pipe(duplex=True)
        process = self._context.Process(target=_serve_calls, args=(send,), daemon=True)
        with self._starting:
            if self._cancelled:
                receive.close()
                send.close()
                raise WorkerStartError("the executor was shut down")
            with _visible_gpu(gpu):
                process.start()
            self._running.add(process)
        send.close()
        return _Worker(process, receive, gpu)

    def _execute_on(self, gpu: str | None, future: Future, fn, args, kwargs) -> None:
        call = pickled_call(future, fn, args, kwargs)
        if call is None:
            return
        try:
            worker = self._take(gpu)
        except WorkerStartError as exc:
            future.set_exception(exc)
            return
        except Exception as exc:  # noqa: BLE001
            future.set_exception(WorkerStartError(f"{type(exc).__name__}: {exc}"))
            return
        if self._serve(worker, call, future):
            with self._idle_lock:
                self._idle.append(worker)
        else:
            self._running.discard(worker.process)
            worker.end()

    def _serve(self, worker: _Worker, call: bytes, future: Future) -> bool:
        """Run ``call`` on ``worker``, settle ``future``; whether the worker can go on."""
        connection = worker.connection
        try:
            connection.send_bytes(call)
            kind, payload = connection.recv()  # "started", once the objective is loaded
        except (EOFError, OSError):
            worker.process.join(5)
            future.set_exception(WorkerStartError(_died_before_start(worker.process.exitcode)))
            return False
        if kind == "unloadable":
            future.set_exception(
                WorkerStartError(f"the worker process cannot load the objective ({payload})")
            )
            return True
        try:
            if not connection.poll(self.timeout):
                future.set_exception(
                    EvaluationTimeout(f"timed out after {self.timeout:g} s and was killed")
                )
                return False  # killed by the caller: worker.end()
            kind, payload = connection.recv()
        except (EOFError, OSError):
            worker.process.join(5)
            future.set_exception(
                WorkerDied(f"worker process died (exit code {worker.process.exitcode})")
            )
            return False
        if kind == "ok":
            future.set_result(payload)
        else:
            future.set_exception(ObjectiveError(payload))
        return True

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait, cancel_futures=cancel_futures)
        with self._idle_lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            self._running.discard(worker.process)
            worker.end()


__all__ = ["ReusedProcessExecutor"]
