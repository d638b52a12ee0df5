"""Do the exported networks have the published sizes (issue 28)?

Builds each network through ``weaknas.export.build_network`` (what ``weaknas export``
writes) and compares its trainable parameters with the published count: NB201 for a
seeded sample of cells on each dataset (the table's ``params`` in millions, 6 decimals),
NB101 for a seeded sample (``nb101.npz``'s ``params``, exactly), DARTS_V2 (the DARTS
code's 3.349342 M CIFAR / 4.718752 M ImageNet) and OFA's 595M MobileNetV3 (9.136 M).

    python benchmarks/export_sizes.py --data ../shared/data --cells 1000
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from weaknas.benchmarks import load_benchmark
from weaknas.export import build_network
from weaknas.spaces.darts import PUBLISHED

# OFA's "flops@595M_top1@80.0_finetune@75" (width 1.2), its README's 9.1M parameters.
OFA_595M = {
    "ks": [3, 5, 3, 3, 5, 5, 3, 5, 7, 5, 3, 5, 3, 5, 7, 3, 3, 3, 5, 3],
    "e": [3, 4, 3, 3, 4, 4, 6, 3, 6, 6, 3, 4, 6, 6, 6, 4, 6, 6, 6, 3],
    "d": [3, 4, 4, 4, 4],
    "r": 224,
}


def nb201(data: str | None, cells: int) -> None:
    for name in ("nb201-cifar10", "nb201-cifar100", "nb201-imagenet16"):
        bench = load_benchmark(name, data)
        params = bench.extra["params_mb"].to_numpy(float)
        rows = np.random.default_rng(1).choice(bench.space.size, cells, replace=False)
        started = time.perf_counter()
        differ = []
        for i in map(int, rows):
            built = build_network(None, bench.space.to_string(i), benchmark=name).parameters()
            if round(built / 1e6, 6) != round(params[i], 6):
                differ.append((i, built, params[i]))
        print(
            f"{name}: {cells - len(differ)} of {cells} cells equal the table's params "
            f"({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
        for i, built, table in differ[:5]:
            print(f"  differs: {bench.space.to_string(i)} built {built}, table {table} M")


def nb101(data: str, cells: int) -> None:
    bench = load_benchmark("nb101", data)
    params = bench.extra["params"].to_numpy()
    rows = np.random.default_rng(1).choice(bench.space.size, cells, replace=False)
    started = time.perf_counter()
    differ = [
        i
        for i in map(int, rows)
        if build_network("nb101", bench.space.to_string(i)).parameters() != params[i]
    ]
    print(
        f"nb101: {cells - len(differ)} of {cells} cells equal nb101.npz's params exactly "
        f"({time.perf_counter() - started:.0f} s)"
    )


def open_domain() -> None:
    cifar = build_network("darts", PUBLISHED["DARTS_V2"]).parameters()
    imagenet = build_network("darts", PUBLISHED["DARTS_V2"], skeleton="imagenet").parameters()
    print(f"DARTS_V2: {cifar:,} (CIFAR, C=36, 20 cells), {imagenet:,} (ImageNet, C=48, 14)")
    import json

    ofa = build_network("mobilenetv3", json.dumps(OFA_595M), width_mult=1.2)
    print(
        f"OFA 595M (width 1.2, 224 px): {ofa.parameters():,} parameters, "
        f"{ofa.multiply_adds() / 1e6:.1f} M multiply-adds"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="folder of nb201.csv.gz and nb101.npz")
    parser.add_argument("--cells", type=int, default=1000)
    args = parser.parse_args()
    open_domain()
    nb201(args.data, args.cells)
    nb101(args.data, args.cells)


if __name__ == "__main__":
    main()
