"""NAS-Bench-Graph (NeurIPS 2022 Datasets and Benchmarks), read from its PyPI wheel.

The ``nas-bench-graph`` wheel (Apache-2.0, extra ``weaknas[graph]``) ships the "light"
tables: for each of 9 graph datasets, every architecture's validation and test
performance (the mean over the benchmark's 3 training seeds), inference latency and
parameter count. weaknas reads those files as data and never imports the package.

The files are pickles. They are read by ``_TableUnpickler``, which admits only the two
numpy globals the tables use (numpy's scalar constructor and ``numpy.dtype``) and refuses
any other with an error naming the file: a pickle can run code, so it is never loaded
plainly.

One value per architecture: the search is told the mean validation performance
(noiseless, as on the shared NB101 data), so a "noisy" study sees no training noise here.
"""

from __future__ import annotations

import io
import os
import pickle
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from weaknas import names
from weaknas.benchmarks.base import TabularBenchmark
from weaknas.errors import DataFileError
from weaknas.spaces.nbgraph import PROTEINS_OPS, NBGraphSpace

DISTRIBUTION = "nas-bench-graph"
DATASETS = names.NBGRAPH_DATASETS
# ogbn-proteins is scored by ROC-AUC (OGB's metric for it), every other dataset by accuracy.
METRICS = {"proteins": "ROC-AUC"}
FIELDS = ("valid_perf", "perf", "latency", "para")
MEAN_NOTE = (
    "NAS-Bench-Graph holds one value per architecture (the mean over its 3 training "
    "seeds): the search is told the mean validation {metric} (noiseless), so a noisy "
    "study sees no training noise on this benchmark"
)
_NUMPY_GLOBALS = {
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"),
    ("numpy", "dtype"),
}


class _RefusedGlobal(pickle.UnpicklingError):
    """The pickle names a global outside the allowed two."""


class _TableUnpickler(pickle.Unpickler):
    """Dicts, floats and numpy scalars only: any other global is refused."""

    def find_class(self, module: str, name: str):  # noqa: D102
        if (module, name) == ("numpy", "dtype"):
            return np.dtype
        if (module, name) in _NUMPY_GLOBALS:
            from numpy._core.multiarray import scalar  # numpy >= 2; numpy.core is deprecated

            return scalar
        raise _RefusedGlobal(f"it names {module}.{name}; only numpy's scalar and dtype are allowed")


def table_path(dataset: str) -> Path:
    """The installed wheel's table for ``dataset``; ``DataFileError`` when not installed."""
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        raise DataFileError(
            f"{DISTRIBUTION}:{dataset}.bench",
            "NAS-Bench-Graph's tables come from its wheel: pip install 'weaknas[graph]'",
        ) from None
    path = Path(str(dist.locate_file(f"nas_bench_graph/light/{dataset}.bench")))
    if not path.is_file():
        raise DataFileError(path, f"missing from the installed {DISTRIBUTION} {dist.version}")
    return path


def read_table(path: str | os.PathLike) -> dict:
    """The dict of one ``.bench`` file, through the restricted unpickler."""
    try:
        raw = Path(path).read_bytes()
        table = _TableUnpickler(io.BytesIO(raw)).load()
    except _RefusedGlobal as exc:
        raise DataFileError(path, f"refused: {exc}") from None
    except (OSError, EOFError, ValueError, TypeError, IndexError, pickle.UnpicklingError) as exc:
        raise DataFileError(path, f"not a readable NAS-Bench-Graph table ({exc})") from None
    if not isinstance(table, dict):
        raise DataFileError(path, f"expected a dict of architectures, got {type(table).__name__}")
    return table


def load_nbgraph(dataset: str, path: str | os.PathLike | None = None) -> TabularBenchmark:
    """NAS-Bench-Graph on ``dataset``, from the installed wheel (or the ``.bench`` at ``path``)."""
    if dataset not in DATASETS:
        raise ValueError(f"unknown NAS-Bench-Graph dataset {dataset!r}; expected one of {DATASETS}")
    path = Path(path) if path is not None else table_path(dataset)
    space = NBGraphSpace(PROTEINS_OPS) if dataset == "proteins" else NBGraphSpace()
    columns = _columns(read_table(path), space, path)
    metric = METRICS.get(dataset, "accuracy")
    return TabularBenchmark(
        name=f"nbgraph-{dataset}",
        space=space,
        val_runs=columns["valid_perf"][:, None],
        test=columns["perf"],
        extra=pd.DataFrame({"latency_s": columns["latency"], "params_m": columns["para"]}),
        source=str(path),
        metric=f"mean validation {metric} (%)",
        notes=(MEAN_NOTE.format(metric=metric),),
    )


def _columns(table: dict, space: NBGraphSpace, path: Path) -> dict[str, np.ndarray]:
    """The four fields as arrays in index order; performances in percent. Checked."""
    if len(table) != space.size:
        raise DataFileError(
            path, f"{len(table)} architectures, expected {space.size} (truncated or wrong file?)"
        )
    keys = np.array(sorted(table), dtype=np.int64)
    if not np.array_equal(keys, space.hashes):
        unknown = sorted(set(keys.tolist()) - set(space.hashes.tolist()))[:3]
        raise DataFileError(path, f"architecture keys not in the {space.name} space: {unknown}")
    columns = {}
    for field in FIELDS:
        try:
            columns[field] = np.array([float(table[key][field]) for key in keys.tolist()])
        except (KeyError, TypeError, ValueError) as exc:
            raise DataFileError(path, f"an entry lacks a numeric {field!r} ({exc})") from None
        if not np.isfinite(columns[field]).all():
            raise DataFileError(path, f"field {field!r} holds NaN or infinite values")
    for field in ("valid_perf", "perf"):
        if columns[field].min() < 0 or columns[field].max() > 1:
            raise DataFileError(path, f"field {field!r} outside 0..1")
        columns[field] = 100.0 * columns[field]
    for field in ("latency", "para"):
        if columns[field].min() <= 0:
            raise DataFileError(path, f"field {field!r} has values <= 0")
    return columns
