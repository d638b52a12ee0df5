"""NAS-Bench-101 from an ``.npz`` file: every one of its 423,624 cells, CIFAR-10, 108 epochs.

Two kinds of file, same arrays at the core (see ``shared/data/README.md``):

* ``nb101.npz`` as shipped in ``shared/data``: cells plus the **mean test accuracy** and
  parameter count. It holds no validation accuracy, so searches on it are told the mean
  test accuracy (noiseless); every output says so.
* the output of ``weaknas data convert-nb101`` (from the official
  ``nasbench_only108.tfrecord``): adds per-repeat validation and test accuracies and
  training time, so searches see one repeat's validation accuracy, as on NB201.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from weaknas.benchmarks.base import TabularBenchmark
from weaknas.benchmarks.data_path import resolve_data_path
from weaknas.errors import DataFileError
from weaknas.spaces.nb101 import NB101Space
from weaknas.spaces.nb101_cell import MAX_VERTICES

NPZ_NAME = "nb101.npz"
# name -> (dtype kind, shape after the row axis)
CORE_ARRAYS = {
    "hash": ("S", ()),
    "adjacency": ("u", (MAX_VERTICES, MAX_VERTICES)),
    "ops": ("i", (MAX_VERTICES,)),
    "num_vertices": ("u", ()),
    "test_acc_mean": ("f", ()),
    "params": ("i", ()),
}
# Written by the converter; optional.
REPEAT_ARRAYS = ("val_acc_runs", "test_acc_runs", "train_time_s_runs")

NO_VALIDATION_NOTE = (
    "this NB101 data has no validation accuracy: the search is told each cell's mean "
    "108-epoch test accuracy (noiseless), and value/val_mean/test all hold that test accuracy"
)


def load_nb101(data: str | os.PathLike | None = None) -> TabularBenchmark:
    """Load NB101 from ``data`` (file or folder with ``nb101.npz``) or ``$WEAKNAS_DATA``."""
    path = resolve_data_path(data, NPZ_NAME)
    if path is None:
        raise DataFileError(
            NPZ_NAME,
            "nb101 needs its data file: pass --data with the folder holding nb101.npz "
            "(or a file made by 'weaknas data convert-nb101'), or set $WEAKNAS_DATA",
        )
    arrays = read_arrays(path)
    space = NB101Space(arrays["adjacency"], arrays["ops"], arrays["num_vertices"], arrays["hash"])
    extra = pd.DataFrame({"params": arrays["params"].astype(np.float64)})
    if "val_acc_runs" in arrays:
        val_runs = arrays["val_acc_runs"]
        metric = "validation accuracy (%)"
        notes: tuple[str, ...] = ()
        extra["train_time_s"] = np.nanmean(arrays["train_time_s_runs"], axis=1)
    else:
        val_runs = arrays["test_acc_mean"][:, None]
        metric = "mean test accuracy (%) - NB101 data without validation"
        notes = (NO_VALIDATION_NOTE,)
    return TabularBenchmark(
        name="nb101",
        space=space,
        val_runs=val_runs,
        test=arrays["test_acc_mean"],
        extra=extra,
        source=str(path),
        metric=metric,
        notes=notes,
    )


def read_arrays(path: Path) -> dict[str, np.ndarray]:
    """The arrays of an NB101 npz, checked; ``DataFileError`` naming what is wrong."""
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic != b"PK\x03\x04":  # every .npz is a zip archive
        looks = " (it is gzip-compressed: the NB201 table?)" if magic[:2] == b"\x1f\x8b" else ""
        raise DataFileError(path, f"not an .npz file{looks}; NB101 reads nb101.npz")
    try:
        with np.load(path, allow_pickle=False) as npz:
            names = set(npz.files)
            missing = sorted(set(CORE_ARRAYS) - names)
            if missing:
                raise DataFileError(path, f"missing array(s) {missing}; is this nb101.npz?")
            wanted = [*CORE_ARRAYS, *(name for name in REPEAT_ARRAYS if name in names)]
            arrays = {name: npz[name] for name in wanted}
    except DataFileError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise DataFileError(path, f"not a readable .npz file, or truncated ({exc})") from exc
    except ValueError:  # object arrays: loading them would unpickle, which can run code
        raise DataFileError(
            path, "holds pickled (object) arrays, which weaknas never loads; expected plain arrays"
        ) from None

    n = len(arrays["hash"])
    for name, (kind, shape) in CORE_ARRAYS.items():
        array = arrays[name]
        if array.dtype.kind != kind and not (kind == "u" and array.dtype.kind == "i"):
            raise DataFileError(path, f"array {name!r} has dtype {array.dtype}, expected {kind}")
        if array.shape != (n, *shape):
            raise DataFileError(
                path, f"array {name!r} has shape {array.shape}, expected {(n, *shape)}"
            )
    for name in REPEAT_ARRAYS:
        if name in arrays and (arrays[name].ndim != 2 or len(arrays[name]) != n):
            raise DataFileError(path, f"array {name!r} has shape {arrays[name].shape}")
    if "val_acc_runs" in arrays and "train_time_s_runs" not in arrays:
        raise DataFileError(path, "array 'val_acc_runs' given without 'train_time_s_runs'")
    if not np.isfinite(arrays["test_acc_mean"]).all():
        raise DataFileError(path, "array 'test_acc_mean' holds NaN or infinite values")
    vertices = arrays["num_vertices"]
    if vertices.min() < 2 or vertices.max() > MAX_VERTICES:
        raise DataFileError(path, f"array 'num_vertices' outside 2..{MAX_VERTICES}")
    hashes = arrays["hash"]
    if n > 1 and not (hashes[1:] > hashes[:-1]).all():
        raise DataFileError(path, "array 'hash' must be sorted ascending without repeats")
    arrays["adjacency"] = arrays["adjacency"].astype(np.uint8, copy=False)
    arrays["ops"] = arrays["ops"].astype(np.int8, copy=False)
    return arrays
