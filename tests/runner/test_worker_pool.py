"""Reused worker processes: many calls per worker, and every failure a fresh process
would survive (a raise, NaN, a hang past the timeout, a killed worker) survived too."""

from weaknas import CategoricalSpace, search
from weaknas.runner.worker_pool import ReusedProcessExecutor
from weaknas.testing.objectives import toy_space, troublesome, worker_pid


def test_two_workers_serve_every_evaluation():
    result = search(
        worker_pid, toy_space(), budget=14, executor="process", workers=2, reuse_workers=True
    )
    assert result.evaluations["pid"].nunique() <= 2
    assert (result.evaluations["status"] == "ok").all()


def test_failures_kill_only_their_worker_and_the_search_goes_on():
    """a=1 raises, a=2 returns NaN, a=3 hangs past the timeout, a=4 kills its worker."""
    space = CategoricalSpace({"a": [0, 1, 2, 3, 4, 5, 6], "b": list(range(3)), "c": ["x", "y"]})
    pool = ReusedProcessExecutor(max_workers=2, timeout=3)
    try:
        result = search(troublesome, space, budget=14, seed=3, executor=pool, n_init=14)
    finally:
        pool.shutdown()
    table = result.evaluations
    a = table["arch"].str.extract(r'"a": (\d)')[0].astype(int)
    errors = table.set_index(a)["error"].astype(str)
    assert {1, 2, 3, 4} <= set(a)
    assert (table.loc[a.isin([0, 5, 6]).to_numpy(), "status"] == "ok").all()
    assert errors.loc[[1]].str.contains("training diverged").all()
    assert errors.loc[[2]].str.contains("returned nan").all()
    assert errors.loc[[3]].str.contains("timed out after 3 s").all()
    assert errors.loc[[4]].str.contains("worker process died").all()
    assert not pool._idle and not pool._running  # every worker ended at shutdown


def test_reused_workers_on_gpus_keep_their_gpu():
    from weaknas.testing.objectives import record_gpu

    result = search(
        record_gpu,
        toy_space(),
        budget=12,
        executor="process",
        gpus="0,1",
        workers_per_gpu=1,
        reuse_workers=True,
    )
    assert set(result.evaluations["gpu"]) == {"0", "1"}
