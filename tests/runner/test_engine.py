import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from weaknas import CategoricalSpace, Search, search
from weaknas.runner.durable_log import DurableLog, read_log
from weaknas.testing.objectives import quadratic, toy_space, troublesome


def test_search_finds_a_good_config_and_writes_results(tmp_path):
    result = search(quadratic, toy_space(), budget=60, seed=1, out_dir=tmp_path)
    assert len(result.evaluations) == 60 and result.n_failed == 0
    assert result.evaluations["index"].is_unique
    assert result.best_value >= -1  # within one step of the maximum (1.0) of 192 configs
    saved = pd.read_parquet(tmp_path / "evaluations.parquet")
    pd.testing.assert_frame_equal(saved, result.evaluations)
    again = search(quadratic, toy_space(), budget=60, seed=1)
    assert again.evaluations["index"].tolist() == result.evaluations["index"].tolist()


def test_ask_tell_api_never_hands_out_pending_configs():
    run = Search(toy_space(), seed=0, n_init=5, batch_size=5)
    first = run.ask()
    second = run.ask()  # asked again before telling: no repeats
    assert len(first) == len(second) == 5
    assert not {t.index for t in first} & {t.index for t in second}
    for trial in first + second:
        run.tell(trial, quadratic(trial.arch))
    third = run.ask()
    assert all(isinstance(t.arch, dict) for t in third) and len(third) == 5
    run.tell(third[0], error="CUDA out of memory")
    assert run.results()["status"].tolist().count("failed") == 1


def test_failures_are_recorded_and_the_search_goes_on():
    """Raises, NaN and a hang past the timeout, in worker processes; the budget is spent."""
    space = CategoricalSpace({"a": [0, 1, 2, 3, 5, 6, 7], "b": list(range(6)), "c": ["x", "y"]})
    result = search(
        troublesome,
        space,
        budget=20,
        seed=2,
        executor="process",
        workers=4,
        timeout=2,
        n_init=10,
        batch_size=10,
    )
    table = result.evaluations
    assert len(table) == 20 and table["index"].is_unique
    failed = table[table["status"] == "failed"]
    a = table["arch"].str.extract(r'"a": (\d)')[0].astype(int)
    assert set(a[table["status"] == "failed"]) <= {1, 2, 3}
    assert set(a[table["status"] == "ok"]).isdisjoint({1, 2, 3})
    errors = dict(zip(a[failed.index], failed["error"], strict=True))
    if 1 in errors:
        assert "training diverged" in errors[1] and "RuntimeError" in errors[1]
    if 2 in errors:
        assert "returned nan" in errors[2]
    if 3 in errors:
        assert "timed out after 2 s" in errors[3]
    assert {1, 2, 3} <= set(errors), "the seed should hit every kind of failure"
    assert result.n_failed == len(failed)


def test_a_worker_killed_mid_evaluation_loses_only_its_own_evaluation():
    space = CategoricalSpace({"a": [0, 4, 5, 6], "b": list(range(4)), "c": ["x", "y"]})
    result = search(troublesome, space, budget=10, seed=0, executor="process", workers=2, n_init=10)
    table = result.evaluations
    killed = table["arch"].str.contains('"a": 4')
    assert len(table) == 10 and killed.sum() > 0
    assert (table.loc[killed, "status"] == "failed").all()
    assert table.loc[killed, "error"].str.contains("died").all()
    assert (table.loc[~killed, "status"] == "ok").all()


def test_inline_timeouts_are_refused():
    with pytest.raises(ValueError, match="executor='process'"):
        search(quadratic, toy_space(), budget=5, timeout=1)


def test_durable_log_drops_a_partial_last_line(tmp_path):
    path = tmp_path / "log.jsonl"
    log = DurableLog(path)
    log.append({"event": "ask", "indices": [1, 2]})
    log.close()
    with path.open("a") as handle:
        handle.write('{"event": "res')  # a crash mid-write
    records, _ = read_log(path)
    assert records == [{"event": "ask", "indices": [1, 2]}]
    DurableLog(path).append({"event": "tell", "index": 1})
    assert [r["event"] for r in read_log(path)[0]] == ["ask", "tell"]


SCRIPT = """
import sys
from weaknas import search
from weaknas.testing.objectives import slow_quadratic, toy_space
search(slow_quadratic, toy_space(), budget=80, seed=7, out_dir=sys.argv[1],
       resume=len(sys.argv) > 2, batch_size=8)
"""


def test_sigkill_mid_run_then_resume_equals_an_uninterrupted_run(tmp_path):
    reference = search(
        quadratic, toy_space(), budget=80, seed=7, out_dir=tmp_path / "ref", batch_size=8
    )
    out = tmp_path / "killed"
    env = {**os.environ, "WEAKNAS_TEST_SLEEP": "0.03"}
    process = subprocess.Popen([sys.executable, "-c", SCRIPT, str(out)], env=env)
    log = out / "events.jsonl"
    deadline = time.time() + 60
    while time.time() < deadline:  # kill once about 30 results are on disk
        if log.is_file() and log.read_text().count('"result"') >= 30:
            break
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    events, _ = read_log(log)
    finished_before = [e["index"] for e in events if e["event"] == "result"]
    assert 30 <= len(finished_before) < 80, "the kill should land mid-run"

    calls = []

    def counting(config):
        calls.append(config)
        return quadratic(config)

    resumed = search(
        counting, toy_space(), budget=80, seed=7, out_dir=out, resume=True, batch_size=8
    )
    # nothing finished was lost or repeated, and the run ends where the uninterrupted one does
    assert len(calls) == 80 - len(finished_before)
    assert resumed.evaluations["index"].is_unique
    # the same evaluations in the same order (proposal order), iteration by iteration
    same = ["order", "iteration", "index", "arch", "status", "value"]
    pd.testing.assert_frame_equal(resumed.evaluations[same], reference.evaluations[same])
    assert resumed.best_value == reference.best_value
    with pytest.raises(ValueError, match="holds a run already"):
        search(quadratic, toy_space(), budget=80, seed=7, out_dir=out, batch_size=8)
    with pytest.raises(ValueError, match="same space, strategy, seed"):
        search(quadratic, toy_space(), budget=80, seed=8, out_dir=out, resume=True, batch_size=8)


def test_every_search_writes_the_same_documented_summary_keys(tmp_path, nb201_csv):
    import json
    from pathlib import Path

    from weaknas.benchmarks import load_benchmark
    from weaknas.runner import SearchConfig, run_search
    from weaknas.runner.output import OBJECTIVE_KEYS, SUMMARY_KEYS

    bench = load_benchmark("nb201-cifar10", nb201_csv)
    run_search(bench, SearchConfig(budget=30), seed=0, out_dir=tmp_path / "table")
    search(quadratic, toy_space(), budget=12, seed=0, out_dir=tmp_path / "own", n_init=4)
    for folder in ("table", "own"):
        summary = json.loads((tmp_path / folder / "summary.json").read_text())
        assert list(summary) == list(SUMMARY_KEYS), folder
        for name in ("events.jsonl", "run.json", "evaluations.parquet", "iterations.parquet"):
            assert (tmp_path / folder / name).is_file(), (folder, name)
    own = json.loads((tmp_path / "own" / "summary.json").read_text())
    assert own["benchmark"] is None and own["queries_to_optimum"] is None
    documented = (Path(__file__).parents[2] / "docs" / "outputs.md").read_text()
    assert all(f"`{key}`" in documented for key in [*SUMMARY_KEYS, *OBJECTIVE_KEYS])


def _reporting(config: dict) -> dict:
    return {"value": quadratic(config), "seconds": 0.5, "device": "cpu", "parameters": 7}


def test_an_evaluators_own_seconds_device_and_parameters_are_recorded(tmp_path):
    result = search(_reporting, toy_space(), budget=12, seed=0, out_dir=tmp_path)
    saved = pd.read_parquet(tmp_path / "evaluations.parquet")
    assert (saved["seconds"] == 0.5).all() and (saved["device"] == "cpu").all()
    assert (saved["parameters"] == 7).all() and saved["value"].dtype.kind == "f"
    resumed = search(_reporting, toy_space(), budget=12, seed=0, out_dir=tmp_path, resume=True)
    pd.testing.assert_frame_equal(resumed.evaluations, result.evaluations)
