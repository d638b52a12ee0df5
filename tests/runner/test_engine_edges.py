"""Sharp edges of the engine: each once surprised a user; each now gets one clear answer."""

import subprocess
import sys

import pytest

from weaknas import CategoricalSpace, Search, search
from weaknas.runner.engine import SearchStopped
from weaknas.testing.objectives import quadratic, toy_space

README_EXAMPLE_WITHOUT_GUARD = """
import weaknas
space = weaknas.CategoricalSpace({"depth": [2, 4, 8], "width": [16, 32, 64]})
def objective(config):
    return config["depth"] * 0.1
result = weaknas.search(objective, space, budget=6, executor="process", workers=2)
print("finished", result.n_failed)
"""


def test_a_process_search_in_a_script_without_main_guard_stops_with_one_clear_error(tmp_path):
    script = tmp_path / "unguarded.py"
    script.write_text(README_EXAMPLE_WITHOUT_GUARD)
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0 and "finished" not in done.stdout
    assert 'if __name__ == "__main__":' in done.stderr
    assert "SearchStopped" in done.stderr
    assert "started a search of its own while it imported your script" in done.stderr
    # one message: no worker prints a traceback of its own
    assert done.stderr.count("Traceback") == 1 and done.stderr.count("Error:") == 0


def test_an_objective_defined_under_the_guard_is_one_message(tmp_path):
    script = tmp_path / "inner.py"
    script.write_text(
        "import weaknas\n"
        'if __name__ == "__main__":\n'
        '    def f(c):\n        return c["a"]\n'
        '    space = weaknas.CategoricalSpace({"a": list(range(10))})\n'
        '    weaknas.search(f, space, budget=6, executor="process", workers=4, n_init=4)\n'
    )
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0 and done.stderr.count("Traceback") == 1
    assert "cannot load the objective (AttributeError: Can't get attribute 'f'" in done.stderr


def test_the_same_script_with_the_guard_runs(tmp_path):
    guarded = README_EXAMPLE_WITHOUT_GUARD.replace(
        "result = weaknas.search", 'if __name__ == "__main__":\n    result = weaknas.search'
    ).replace('print("finished"', '    print("finished"')
    script = tmp_path / "guarded.py"
    script.write_text(guarded)
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "finished 0" in done.stdout


def test_a_lambda_objective_in_processes_stops_at_once():
    with pytest.raises(SearchStopped, match="lambda"):
        search(lambda config: 1.0, toy_space(), budget=8, executor="process", workers=2)


def test_the_thread_executor_times_evaluations_from_their_start_not_their_queueing():
    """2 workers, 1.0 s evaluations, 1.5 s timeout: nothing may time out."""
    space = CategoricalSpace({"a": list(range(10))})
    result = search(_sleepy, space, budget=6, executor="thread", workers=2, timeout=1.5, n_init=6)
    assert result.n_failed == 0, result.evaluations["error"].tolist()
    assert result.evaluations["seconds"].between(0.9, 1.4).all()


def _sleepy(config: dict) -> float:
    import time

    time.sleep(1.0)
    return float(config["a"])


@pytest.mark.parametrize("budget", ["abc", 0, -3, 2.5, True])
def test_a_bad_budget_is_one_clear_error(budget):
    with pytest.raises(ValueError, match="budget must be"):
        search(quadratic, toy_space(), budget=budget)


def test_telling_an_unknown_architecture_names_it():
    run = Search(toy_space(), seed=0, n_init=3, batch_size=3)
    run.ask()
    with pytest.raises(ValueError, match="out of range"):
        run.tell(10_000, 1.0)
    with pytest.raises(ValueError, match="was not handed out by ask"):
        run.tell(next(i for i in range(192) if i not in run.trials), 1.0)
    with pytest.raises(ValueError, match="must be an integer"):
        run.tell("7", 1.0)


def test_a_custom_predictor_factory_with_out_dir_finishes_and_resumes(tmp_path):
    from sklearn.ensemble import ExtraTreesRegressor

    factory = _extra_trees
    first = search(quadratic, toy_space(), budget=20, out_dir=tmp_path, predictor=factory)
    assert (tmp_path / "summary.json").is_file()
    again = search(
        quadratic, toy_space(), budget=30, out_dir=tmp_path, resume=True, predictor=factory
    )
    assert again.evaluations["index"].tolist()[:20] == first.evaluations["index"].tolist()
    assert len(again.evaluations) == 30
    assert ExtraTreesRegressor  # the factory's library


def _extra_trees(seed: int):
    from sklearn.ensemble import ExtraTreesRegressor

    return ExtraTreesRegressor(n_estimators=10, random_state=seed)


KILLED_PARENT = """
import weaknas
from weaknas.testing.objectives import hang_and_record_pid
if __name__ == "__main__":
    space = weaknas.CategoricalSpace({"a": list(range(10))})
    weaknas.search(
        hang_and_record_pid, space, budget=4, executor="process", workers=2, n_init=4, REUSE
    )
"""


@pytest.mark.parametrize("reuse", [False, True], ids=["per-call", "reused"])
def test_worker_processes_never_outlive_a_killed_search(tmp_path, ended_within, reuse):
    import os
    import signal
    import time

    pids = tmp_path / "pids"
    pids.mkdir()
    (tmp_path / "killed.py").write_text(KILLED_PARENT.replace("REUSE", f"reuse_workers={reuse}"))
    env = {**os.environ, "WEAKNAS_TEST_PIDS": str(pids)}
    parent = subprocess.Popen([sys.executable, "killed.py"], cwd=tmp_path, env=env)
    deadline = time.time() + 60
    while len(list(pids.iterdir())) < 2 and time.time() < deadline:
        time.sleep(0.1)
    workers = [int(p.name) for p in pids.iterdir()]
    assert len(workers) == 2, "the workers did not start"
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    assert ended_within(workers, 10), "a worker outlived its search"


def test_the_engine_builds_only_its_own_executors_and_names_the_way_to_ray():
    from weaknas.runner.engine import search as engine_search

    space = CategoricalSpace({"a": list(range(4))})
    with pytest.raises(ValueError, match="'ray' is an integration: use weaknas.search"):
        engine_search(lambda c: c["a"], space, budget=2, executor="ray")
    with pytest.raises(ValueError, match="an address is for the ray executor"):
        search(lambda c: c["a"], space, budget=2, address="auto")


def _always_the_same_failure(config):
    raise ModuleNotFoundError("No module named 'missing_dependency'")


def _fails_on_odd(config):
    if config["a"] % 2:
        raise ValueError(f"odd {config['a']}")
    return float(config["a"])


def test_a_first_batch_that_failed_with_one_error_stops_the_search_resumably(tmp_path):
    space = CategoricalSpace({"a": list(range(40))})
    with pytest.raises(SearchStopped, match="first batch \\(4\\) failed with the same error"):
        search(_always_the_same_failure, space, budget=40, n_init=4, out_dir=tmp_path)
    assert (tmp_path / "events.jsonl").read_text().count('"result"') == 4  # 4, not 40
    # different errors (or any success) in the first batch: the search goes on
    result = search(_fails_on_odd, space, budget=12, n_init=4, seed=1)
    assert len(result.evaluations) == 12


def test_a_process_executor_shut_down_with_cancel_starts_nothing_more_and_ends_its_workers():
    """A stopped search (``SearchStopped`` at the first worker that cannot start) ends the
    executor with ``cancel_futures``: the calls still queued never start a process, the
    running ones are killed, and no process is cut off in the middle of its start (that
    printed a second traceback from the child under load)."""
    import time

    from weaknas.runner.executors import ProcessPerCallExecutor
    from weaknas.testing.objectives import troublesome

    pool = ProcessPerCallExecutor(max_workers=1)
    hanging = pool.submit(troublesome, {"a": 3, "b": 0, "c": "x"})  # sleeps an hour
    queued = pool.submit(quadratic, {"a": 6, "b": 2, "c": "y"})
    deadline = time.monotonic() + 60
    while not pool._running and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pool._running, "the first call's process did not start"
    pool.shutdown(wait=False, cancel_futures=True)
    assert queued.cancelled()
    hanging.exception(timeout=30)  # the killed call settles at once, not in an hour
    assert "exit code -9" in str(hanging.exception())
    with pytest.raises(RuntimeError, match="shut down"):
        pool.submit(quadratic, {"a": 6, "b": 2, "c": "y"})
