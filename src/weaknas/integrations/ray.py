"""``RayExecutor``: evaluate objectives on a Ray cluster (``pip install 'weaknas[ray]'``).

    search(objective, space, executor=RayExecutor(address="auto"))   # a running cluster
    search(objective, space, executor="ray", workers=2)              # local Ray, 2 CPUs

Each evaluation is one Ray task (one CPU, never retried: a worker that dies fails only
its own evaluation, which the search records and moves past). A ``timeout`` cancels the
task (force-killing its worker). At most ``max_workers`` tasks are in flight (default:
the cluster's CPUs), so the timeout starts when a task is dispatched, not while it queues.
"""

from __future__ import annotations

import re
from concurrent.futures import Future

from weaknas.runner.executors import EvaluationTimeout, ObjectiveError, SlotExecutor, WorkerDied

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _ray():
    try:
        import ray
    except ImportError as exc:
        raise ImportError("the Ray executor needs Ray: pip install 'weaknas[ray]'") from exc
    return ray


CONNECT_SECONDS = 3.0  # a cluster's head answers at once; nothing answering is an error


def check_address(address: str) -> None:
    """Refuse a ``HOST:PORT`` (or ``ray://HOST:PORT``) where nothing answers, within
    ``CONNECT_SECONDS``: Ray itself would retry for minutes, printing its client's log
    lines. ``auto`` is left to Ray, which answers at once when no cluster runs."""
    import socket

    if address == "auto":
        return
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"--address {address!r}: expected auto or HOST:PORT (e.g. 10.0.0.1:6379)")
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_SECONDS).close()
    except OSError as exc:
        reason = "no answer" if isinstance(exc, TimeoutError) else (exc.strerror or str(exc))
        raise ValueError(
            f"--address {address}: no Ray cluster answers there ({reason}); start its head "
            f"with `ray start --head --port {port}`, or check the host and port"
        ) from None


def _connect(ray, address: str | None, max_workers: int | None) -> None:
    """``ray.init``, with a connection problem as one line naming the address."""
    if address is not None:
        check_address(address)
    try:
        ray.init(
            address=address,
            num_cpus=max_workers if address is None else None,
            include_dashboard=False,
            log_to_driver=False,
            configure_logging=False,
        )
    except (ConnectionError, TimeoutError) as exc:
        text = str(exc).strip()
        first = text.splitlines()[0].split(". ")[0] if text else type(exc).__name__
        hint = (
            "; start one with `ray start --head`, or leave out --address to run Ray locally"
            if address == "auto"
            else ""
        )
        raise ValueError(f"--address {address}: cannot connect to Ray ({first}){hint}") from None


def _call(fn, args, kwargs):
    """A streaming task: first says it started (the timeout counts from there), then returns."""
    yield "started"
    yield fn(*args, **kwargs)


class RayExecutor(SlotExecutor):
    """A ``concurrent.futures.Executor`` over Ray tasks.

    Starts a local Ray with ``max_workers`` CPUs unless Ray is already initialised or an
    ``address`` is given (``"auto"``: the cluster this machine belongs to).
    ``num_gpus_per_task`` asks Ray for that many GPUs per evaluation (fractions share
    one): Ray places evaluations on its GPU nodes and pins each to its GPUs.
    """

    enforces_timeout = True

    def __init__(
        self,
        max_workers: int | None = None,
        timeout: float | None = None,
        address: str | None = None,
        num_cpus_per_task: float = 1,
        num_gpus_per_task: float = 0,
    ) -> None:
        ray = _ray()
        self.timeout = timeout
        self._started_ray = False
        if not ray.is_initialized():
            _connect(ray, address, max_workers)
            self._started_ray = True
        super().__init__(max_workers or max(1, int(ray.cluster_resources().get("CPU", 1))))
        if num_gpus_per_task < 0:
            raise ValueError(f"GPUs per evaluation must be >= 0, got {num_gpus_per_task}")
        self._task = ray.remote(
            num_cpus=num_cpus_per_task,
            num_gpus=num_gpus_per_task,  # Ray sets each task's CUDA_VISIBLE_DEVICES
            max_retries=0,
            num_returns="streaming",
        )(_call)

    def _execute(self, future: Future, fn, args, kwargs) -> None:
        ray = _ray()
        stream = self._task.remote(fn, args, kwargs)
        try:
            ray.get(next(stream))  # the worker is up and the objective starts now
            ready, _ = ray.wait([stream], timeout=self.timeout)
            if not ready:
                ray.cancel(stream, force=True)
                future.set_exception(
                    EvaluationTimeout(f"timed out after {self.timeout:g} s and was cancelled")
                )
                return
            future.set_result(ray.get(next(stream)))
        except ray.exceptions.WorkerCrashedError as exc:
            future.set_exception(WorkerDied(f"Ray worker died: {exc}"))
        except ray.exceptions.RayTaskError as exc:  # the objective raised: keep its traceback
            future.set_exception(ObjectiveError(_ANSI.sub("", str(exc))))
        except Exception as exc:  # noqa: BLE001 - any other Ray failure fails this evaluation
            future.set_exception(exc)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self._started_ray:
            _ray().shutdown()
            self._started_ray = False
