"""Tabular benchmarks and the names they go by on the command line."""

from __future__ import annotations

import os

from weaknas import names
from weaknas.benchmarks.base import TabularBenchmark
from weaknas.benchmarks.nb101 import load_nb101
from weaknas.benchmarks.nb201 import load_nb201
from weaknas.benchmarks.nbgraph import load_nbgraph

BENCHMARKS: dict[str, str] = {  # name -> dataset
    "nb201-cifar10": "cifar10",
    "nb201-cifar100": "cifar100",
    "nb201-imagenet16": "imagenet16",
    "nb101": "cifar10",
    **{f"nbgraph-{dataset}": dataset for dataset in names.NBGRAPH_DATASETS},
}
if tuple(BENCHMARKS) != names.BENCHMARKS:
    raise ImportError(f"benchmark registry {tuple(BENCHMARKS)} != weaknas.names {names.BENCHMARKS}")


def load_benchmark(name: str, data: str | os.PathLike | None = None) -> TabularBenchmark:
    """Load a benchmark by its command-line name (e.g. ``nb201-cifar10``)."""
    if name not in BENCHMARKS:
        raise ValueError(f"unknown benchmark {name!r}; expected one of {sorted(BENCHMARKS)}")
    if name == "nb101":
        return load_nb101(data)
    if name.startswith("nbgraph-"):  # from its wheel; --data does not apply
        return load_nbgraph(BENCHMARKS[name])
    return load_nb201(BENCHMARKS[name], data)


__all__ = [
    "BENCHMARKS",
    "TabularBenchmark",
    "load_benchmark",
    "load_nb101",
    "load_nb201",
    "load_nbgraph",
]
