"""GPU placement, testable without a GPU: each process worker is pinned by
``CUDA_VISIBLE_DEVICES`` before it starts, ``workers_per_gpu`` at once on each GPU."""

import json

import pandas as pd
import pytest

from weaknas import search
from weaknas.cli import main
from weaknas.runner.executors import ProcessPerCallExecutor, check_gpus
from weaknas.testing.objectives import record_gpu, toy_space


def most_at_once(rows: pd.DataFrame) -> int:
    """The most evaluations of ``rows`` that ran at the same time."""
    events = sorted([(t, 1) for t in rows["started"]] + [(t, -1) for t in rows["ended"]])
    running = peak = 0
    for _, step in events:
        running += step
        peak = max(peak, running)
    return peak


def test_two_workers_on_each_of_two_gpus(monkeypatch):
    # each evaluation sleeps long enough that the 4 workers overlap even on a loaded
    # 2-core machine (their processes start one after another)
    monkeypatch.setenv("WEAKNAS_TEST_SLEEP", "1.5")
    result = search(
        record_gpu, toy_space(), budget=16, executor="process", gpus="0,1", workers_per_gpu=2
    )
    table = result.evaluations
    assert set(table["gpu"]) == {"0", "1"}
    assert most_at_once(table) == 4  # 4 workers
    for gpu in ("0", "1"):  # each GPU given to exactly 2 at a time
        assert most_at_once(table[table["gpu"] == gpu]) == 2


def test_the_command_places_its_workers_and_records_the_settings(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "toy.json").write_text(json.dumps(toy_space().choices()))
    args = ["search", "--space", "toy.json", "--objective", "weaknas.testing.objectives:record_gpu"]
    args += ["--gpus", "0,1", "--workers-per-gpu", "2", "--budget", "12", "--quiet"]
    assert main([*args, "--out", "run"]) == 0
    table = pd.read_parquet(tmp_path / "run" / "evaluations.parquet")
    assert set(table["gpu"]) == {"0", "1"} and most_at_once(table) <= 4
    recorded = json.loads((tmp_path / "run" / "cli.json").read_text())
    assert (recorded["gpus"], recorded["workers_per_gpu"]) == ("0,1", 2)
    capsys.readouterr()
    assert main([*args[:5], "--gpus", "0,1", "--workers", "3", "--out", "x"]) == 2
    assert "drop --workers" in capsys.readouterr().err
    assert main([*args[:5], "--workers-per-gpu", "2", "--out", "y"]) == 2
    assert "give --gpus" in capsys.readouterr().err
    assert main([*args[:5], "--gpus", "0,1", "--executor", "thread", "--out", "z"]) == 2
    assert "--gpus places process workers" in capsys.readouterr().err


@pytest.mark.parametrize("bad", ["0,0", "a,1", "", "-1"])
def test_bad_gpu_ids_are_named(bad):
    with pytest.raises(ValueError, match="GPUs"):
        check_gpus(bad)


def test_a_worker_count_that_contradicts_the_gpus_is_refused():
    with pytest.raises(ValueError, match="not a worker count"):
        ProcessPerCallExecutor(max_workers=3, gpus=["0", "1"], workers_per_gpu=2)
    assert ProcessPerCallExecutor(gpus=["0", "1"], workers_per_gpu=2).max_workers == 4
