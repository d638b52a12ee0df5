"""Search, then train what was found: does the architecture a search picks train better
than random ones (issue 28)?

End to end on data this machine has: scikit-learn's digits as an .npz whose last 297
images are a held-out test split. 1. ``weaknas search --space nb201 --objective
train:digits.npz`` (each architecture briefly trained, its validation accuracy told to
the search). 2. ``weaknas train`` of the search's best architecture and of 5 random NB201
architectures (seeded), each with the same recipe (NB201's, ``--epochs``, ``--width-scale``)
and the same training seeds; their test accuracies are compared.

    python benchmarks/search_then_train.py --budget 60 --epochs 30 --seeds 2
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits

from weaknas.cli import main as weaknas
from weaknas.spaces.nb201 import NB201Space

TEST_IMAGES = 297


def digits_npz(path: Path) -> None:
    digits = load_digits()
    x = (digits.images * 16).astype(np.uint8)
    order = np.random.default_rng(0).permutation(len(x))
    train, test = order[:-TEST_IMAGES], order[-TEST_IMAGES:]
    np.savez(path, x=x[train], y=digits.target[train], x_test=x[test], y_test=digits.target[test])


def train(arch: str, data: Path, out: Path, epochs: int, scale: float, seed: int) -> dict:
    args = ["train", "--arch", arch, "--space", "nb201", "--data", str(data), "--quiet"]
    args += ["--epochs", str(epochs), "--width-scale", str(scale), "--seed", str(seed)]
    assert weaknas([*args, "--out", str(out)]) == 0
    return json.loads((out / "summary.json").read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, default=60)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--width-scale", type=float, default=0.5)
    parser.add_argument("--seeds", type=int, default=2, help="training seeds per architecture")
    parser.add_argument("--random", type=int, default=5, help="random architectures")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="search_then_train_"))
    data = work / "digits.npz"
    digits_npz(data)
    started = time.perf_counter()
    search = ["search", "--space", "nb201", "--objective", f"train:{data}", "--quiet"]
    assert weaknas([*search, "--budget", str(args.budget), "--out", str(work / "search")]) == 0
    summary = json.loads((work / "search" / "summary.json").read_text())
    print(
        f"search: {args.budget} architectures, train:digits (8 epochs, C=8, N=1), best "
        f"validation {summary['best_value']:.2f} ({time.perf_counter() - started:.0f} s)\n"
        f"  best {summary['best_arch']}",
        flush=True,
    )
    space = NB201Space()
    picks = np.random.default_rng(12345).choice(space.size, args.random, replace=False)
    arms = {"search's best": summary["best_arch"]}
    arms |= {f"random {i + 1}": space.to_string(int(p)) for i, p in enumerate(picks)}
    print(
        f"\nfinal training: NB201 recipe, {args.epochs} epochs, width x{args.width_scale}, "
        f"seeds 0-{args.seeds - 1}; test accuracy on {TEST_IMAGES} held-out digits"
    )
    results = {}
    for name, arch in arms.items():
        tests = []
        for seed in range(args.seeds):
            out = work / "train" / f"{name.replace(' ', '_')}_{seed}"
            trained = train(arch, data, out, args.epochs, args.width_scale, seed)
            tests.append(trained["test_accuracy"])
        results[name] = tests
        print(
            f"  {name:14} test {np.mean(tests):6.2f} (seeds: "
            f"{', '.join(f'{t:.2f}' for t in tests)})  {arch}",
            flush=True,
        )
    best = np.mean(results["search's best"])
    randoms = [np.mean(v) for k, v in results.items() if k.startswith("random")]
    beaten = sum(best > r for r in randoms)
    print(
        f"\nthe search's best: {best:.2f}; random mean {np.mean(randoms):.2f} (range "
        f"{min(randoms):.2f}-{max(randoms):.2f}); it beats {beaten} of {len(randoms)} "
        f"({time.perf_counter() - started:.0f} s in all)"
    )


if __name__ == "__main__":
    main()
