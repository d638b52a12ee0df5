"""Zero-cost proxies against NAS-Bench-201 (issue 11): Spearman rho with mean validation.

Every proxy of ``weaknas.evaluators.proxies`` computed with the project's own PyTorch
build of NB201 cells (the benchmark's skeleton: C=16, 5 cells per stage, 10 classes),
networks initialised from seed 0, data-dependent proxies on one fixed batch of 64
scikit-learn digits scaled to 32x32 (no CIFAR or ImageNet data here). A uniform sample of
``--sample`` architectures (seeded), or all 15,625; values are appended to
``--out``/nb201_proxies.csv as they are computed, so the run resumes where it stopped.
Then Spearman's rho of each proxy with the mean validation accuracy of cifar10,
cifar100 and ImageNet16-120 (architectures whose score is not finite are left out and
counted).

    python benchmarks/nb201_proxies.py --data ../shared/data --sample 3000
    python benchmarks/nb201_proxies.py --data ../shared/data --sample 0 --proxies synflow \\
        --out benchmarks/results/nb201_synflow --npz src/weaknas/spaces/data/nb201_synflow.npz
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from weaknas.benchmarks import load_benchmark
from weaknas.evaluators import proxies
from weaknas.evaluators.proxy_objective import ProxyObjective

DATASETS = ("nb201-cifar10", "nb201-cifar100", "nb201-imagenet16")
# Spearman rho with validation accuracy on all 15,625 NB201 cells, cifar10 / cifar100 /
# ImageNet16-120, from Abdelfattah et al., "Zero-Cost Proxies for Lightweight NAS" (ICLR
# 2021), Table 2 (CIFAR data, batch of 64 images, their NB201 networks). Their
# ``jacob_cov`` is NASWOT's first (correlation-based) score; ours is the later
# Jacobian-kernel score of Mellor et al. (ICML 2021), so that row compares related scores.
PUBLISHED = {
    "synflow": (0.74, 0.76, 0.75),
    "grad_norm": (0.58, 0.64, 0.58),
    "snip": (0.58, 0.63, 0.58),
    "naswot": (0.73, 0.71, 0.71),
}


def score(indices: np.ndarray, space, path: Path, names: list[str]) -> pd.DataFrame:
    done = set(pd.read_csv(path)["index"]) if path.is_file() else set()
    objectives = {name: ProxyObjective("nb201", name) for name in names}
    rows = []
    for count, index in enumerate(indices, start=1):
        if int(index) in done:
            continue
        arch = space.to_string(int(index))
        row = {"index": int(index), "arch": arch}
        for name, objective in objectives.items():
            result = objective(arch)
            row[name] = result["value"]
            row[f"{name}_s"] = result["seconds"]
        rows.append(row)
        if len(rows) == 25 or count == len(indices):
            pd.DataFrame(rows).to_csv(path, mode="a", header=not path.is_file(), index=False)
            rows = []
            print(f"scored {count}/{len(indices)}", flush=True)
    return pd.read_csv(path)


def write_npz(table: pd.DataFrame, names: list[str], size: int, path: Path) -> None:
    """Each proxy's value for every cell (row = NB201 index) and its total scoring minutes."""
    table = table.sort_values("index")
    if not np.array_equal(table["index"].to_numpy(), np.arange(size)):
        raise SystemExit(f"--npz needs all {size} cells scored (--sample 0)")
    arrays = {name: table[name].to_numpy(np.float64) for name in names}
    minutes = {f"{name}_minutes": np.float64(table[f"{name}_s"].sum() / 60) for name in names}
    np.savez_compressed(path, **arrays, **minutes)
    print(f"wrote {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="nb201.csv.gz or its folder")
    parser.add_argument("--sample", type=int, default=3000, help="0: all 15,625")
    parser.add_argument("--out", default="results/nb201_proxies")
    parser.add_argument(
        "--npz",
        default=None,
        help="also write the proxies of all 15,625 cells, by index, to this .npz (with the "
        "scoring minutes): the data file NB201's proxy encodings read",
    )
    parser.add_argument(
        "--proxies", default=",".join(proxies.PROXIES), help="comma-separated; default all"
    )
    args = parser.parse_args()
    names = args.proxies.split(",")
    unknown = [name for name in names if name not in proxies.PROXIES]
    if unknown:
        parser.error(f"unknown proxies {unknown}; expected some of {list(proxies.PROXIES)}")
    from scipy.stats import spearmanr

    benches = {name: load_benchmark(name, args.data) for name in DATASETS}
    space = benches[DATASETS[0]].space
    rng = np.random.default_rng(0)
    indices = (
        np.arange(space.size)
        if args.sample in (0, space.size)
        else np.sort(rng.choice(space.size, args.sample, replace=False))
    )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    table = score(indices, space, out / "nb201_proxies.csv", names)
    table = table[table["index"].isin(indices)]
    print(f"{len(table)} architectures ({time.perf_counter() - started:.0f} s this run)")
    lines = [
        f"Spearman rho with NB201 mean validation accuracy, {len(table)} architectures; "
        "in brackets the published figure (Abdelfattah et al. 2021; naswot: their jacob_cov)",
        "",
        "| proxy | " + " | ".join(DATASETS) + " | not finite | median s/arch |",
        "|---|" + "---|" * (len(DATASETS) + 2),
    ]
    for name in names:
        values = table[name].to_numpy(float)
        finite = np.isfinite(values)
        rhos = [
            spearmanr(values[finite], benches[d].val_mean[table["index"].to_numpy()][finite])[0]
            for d in DATASETS
        ]
        published = PUBLISHED.get(name)
        cells = " | ".join(
            f"{rho:.3f}" + ("" if published is None else f" ({published[i]:.2f})")
            for i, rho in enumerate(rhos)
        )
        seconds = table[f"{name}_s"].median()
        lines.append(f"| {name} | {cells} | {int((~finite).sum())} | {seconds:.3f} |")
    total = table[[f"{name}_s" for name in names]].to_numpy().sum()
    lines += [
        "",
        f"Scoring time, these proxies, all these architectures: {total / 60:.1f} min (one core)",
    ]
    if args.npz:
        write_npz(table, names, space.size, Path(args.npz))
    text = "\n".join(lines)
    (out / "table.md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
