"""NAS-Bench-Graph read from its wheel, through the restricted unpickler."""

from __future__ import annotations

import os
import pickle
from collections import OrderedDict

import numpy as np
import pytest

from weaknas import names
from weaknas.benchmarks import load_benchmark
from weaknas.benchmarks.nbgraph import load_nbgraph, read_table, table_path
from weaknas.cli import main
from weaknas.errors import DataFileError
from weaknas.runner import SearchConfig, run_search
from weaknas.strategies.registry import STRATEGIES


@pytest.fixture(scope="module", autouse=True)
def _wheel_installed():
    try:
        table_path("cora")
    except DataFileError:
        if os.environ.get("CI"):
            pytest.fail("CI needs the graph extra (nas-bench-graph)")
        pytest.skip("nas-bench-graph is not installed")


@pytest.mark.parametrize("dataset", names.NBGRAPH_DATASETS)
def test_every_table_loads_checked(dataset):
    bench = load_benchmark(f"nbgraph-{dataset}")
    expected = 2_021 if dataset == "proteins" else 26_206
    assert bench.space.size == expected and bench.noiseless
    raw = read_table(table_path(dataset))
    # the hash round trip: every table key is one architecture of the space, and back
    for index, key in enumerate(bench.space.hashes.tolist()):
        link, ops = bench.space.form(index)
        assert bench.space.from_form(link, ops) == index
        assert bench.val_mean[index] == pytest.approx(100 * raw[key]["valid_perf"])
        assert bench.test[index] == pytest.approx(100 * raw[key]["perf"])
    assert set(raw) == set(bench.space.hashes.tolist())
    best = bench.optimum_index
    assert bench.val_mean[best] == max(100 * r["valid_perf"] for r in raw.values())
    assert (bench.extra["latency_s"] > 0).all() and (bench.extra["params_m"] > 0).all()
    assert "one value per architecture" in bench.notes[0]


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo never",))


@pytest.mark.parametrize(
    ("payload", "named"),
    [
        (_Evil(), "posix.system"),
        ({"a": np.int64(3), "b": np.arange(2)}, "numpy._core.multiarray._reconstruct"),
        ({1: OrderedDict(valid_perf=0.5)}, "collections.OrderedDict"),  # harmless, still no
    ],
)
def test_any_other_global_is_refused_naming_the_file(tmp_path, payload, named):
    path = tmp_path / "cora.bench"
    path.write_bytes(pickle.dumps(payload))
    with pytest.raises(DataFileError, match="only numpy's scalar and dtype") as error:
        read_table(path)
    assert str(path) in str(error.value) and named.split(".")[-1] in str(error.value)


def test_a_damaged_table_gets_a_clear_error(tmp_path):
    good = table_path("proteins").read_bytes()
    truncated = tmp_path / "proteins.bench"
    truncated.write_bytes(good[: len(good) // 2])
    with pytest.raises(DataFileError, match="not a readable NAS-Bench-Graph table"):
        load_nbgraph("proteins", truncated)
    wrong = tmp_path / "other.bench"
    wrong.write_bytes(good)
    with pytest.raises(DataFileError, match="architectures, expected 26206"):
        load_nbgraph("cora", wrong)  # proteins' table for a 9-op dataset


def test_every_strategy_searches_it():
    bench = load_benchmark("nbgraph-proteins")
    for strategy in STRATEGIES:
        config = SearchConfig(benchmark=bench.name, strategy=strategy, budget=150)
        result = run_search(bench, config, seed=3)
        evaluations = result.evaluations
        assert len(evaluations) == 150 and evaluations["index"].is_unique, strategy


def test_command_line(tmp_path, capsys):
    run = ["search", "--benchmark", "nbgraph-proteins"]
    assert main([*run, "--budget", "40", "--out", str(tmp_path / "run")]) == 0
    assert "one value per architecture" in capsys.readouterr().out
    assert main([*run, "--data", str(tmp_path)]) == 2
    assert "come from its wheel" in capsys.readouterr().err
