"""Same seed, same search: on every CPU, across methods, and across a kill -9 and resume."""

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from weaknas.benchmarks import load_benchmark
from weaknas.runner import SearchConfig, run_search
from weaknas.strategies.base import best_first, top_k

TIMING = ["seconds", "elapsed"]


@pytest.fixture(scope="module")
def bench(nb201_csv):
    return load_benchmark("nb201-cifar10", nb201_csv)


def test_top_k_equals_best_first_without_sorting_everything():
    for trial in range(200):
        rng = np.random.default_rng(trial)
        n = int(rng.integers(1, 400))
        scores = rng.integers(0, 4, n).astype(float) if trial % 2 else rng.normal(size=n)
        k = int(rng.integers(1, n + 1))
        fast = top_k(scores, k, np.random.default_rng(trial))
        full = best_first(scores, np.random.default_rng(trial))[:k]
        np.testing.assert_array_equal(fast, full)


def _vector_groups() -> str:
    """numpy's dispatched CPU-feature groups that this CPU has (to switch off)."""
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    return " ".join(f for f in __cpu_dispatch__ if __cpu_features__.get(f))


SCRIPT = """
import hashlib, sys
from weaknas.benchmarks import load_benchmark
from weaknas.runner import SearchConfig, run_search
bench = load_benchmark("nb201-cifar10", sys.argv[1])
for strategy in ("weaknas", "bananas", "evolution"):
    table = run_search(bench, SearchConfig(strategy=strategy, budget=200), seed=5).evaluations
    data = table[["index", "value"]].to_numpy().tobytes()
    print(strategy, hashlib.sha1(data).hexdigest())
"""


def test_same_evaluations_with_the_cpu_vector_extensions_switched_off(nb201_csv):
    groups = _vector_groups()
    if not groups:
        pytest.skip("this CPU has no dispatched vector extensions to switch off")
    runs = []
    for disabled in ("", groups):
        env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": disabled}
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, str(nb201_csv)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        runs.append(done.stdout)
    assert runs[0] == runs[1] and runs[0].count("\n") == 3


def test_every_method_sees_the_same_value_for_the_same_architecture(bench):
    """Common random numbers: the noisy value depends on (seed, architecture) only."""
    values = {}
    for strategy in ("weaknas", "random", "evolution", "bananas"):
        table = run_search(bench, SearchConfig(strategy=strategy, budget=300), seed=11).evaluations
        for index, value in zip(table["index"], table["value"], strict=True):
            assert values.setdefault(index, value) == value
    assert len(values) < 4 * 300  # the methods did share architectures
    other_seed = run_search(bench, SearchConfig(strategy="random", budget=300), seed=12)
    differs = [
        values[i] != v for i, v in other_seed.evaluations[["index", "value"]].values if i in values
    ]
    assert any(differs)  # another seed: other training runs


def _search_in_child(bench, out: str) -> None:
    run_search(bench, SearchConfig(budget=300), seed=3, out_dir=out)
    os._exit(0)


def test_kill_9_then_resume_equals_an_uninterrupted_run(bench, tmp_path):
    """20 runs killed at random moments, each resumed: all identical to a plain run."""
    expected = run_search(bench, SearchConfig(budget=300), seed=3, out_dir=tmp_path / "plain")
    expected_table = expected.evaluations.drop(columns=TIMING)
    started = time.perf_counter()
    run_search(bench, SearchConfig(budget=300), seed=3)
    run_time = time.perf_counter() - started
    rng = np.random.default_rng(0)
    context = multiprocessing.get_context("fork")
    interrupted = 0
    for trial in range(20):
        out = tmp_path / f"killed{trial}"
        child = context.Process(target=_search_in_child, args=(bench, str(out)))
        child.start()
        started = time.perf_counter()  # the random moment is counted from the run's start
        while not (out / "run.json").exists() and time.perf_counter() - started < 30:
            time.sleep(0.001)
        time.sleep(rng.uniform(0.0, run_time))
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        if (out / "run.json").is_file() and not (out / "summary.json").is_file():
            interrupted += 1
        resumed = run_search(
            bench, SearchConfig(budget=300), seed=3, out_dir=out, resume=(out / "run.json").exists()
        )
        pd.testing.assert_frame_equal(resumed.evaluations.drop(columns=TIMING), expected_table)
        saved = pd.read_parquet(out / "evaluations.parquet").drop(columns=TIMING)
        pd.testing.assert_frame_equal(saved, expected_table)
        summary = json.loads((out / "summary.json").read_text())
        assert summary["queries_to_optimum"] == expected.summary["queries_to_optimum"]
    assert interrupted >= 10, f"only {interrupted} of 20 kills landed mid-run"
