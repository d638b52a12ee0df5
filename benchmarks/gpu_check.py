"""A prepared GPU check (issue 27), under 5 minutes: the same evaluations on the CPU and
on the GPU, their seconds, and whether their values agree.

1. ``train:``: NB201 cells trained 2 epochs on a CIFAR-10-format binary folder this script
   writes (random pixels, 10 classes), on the CPU (float32) and on the GPU (mixed
   precision); the validation accuracies must agree within AMP's tolerance (2 points on
   400 images).
2. ``supernet:``: sub-networks of a supernet built by the ``ofa`` package (randomised
   weights), batch norm recalibrated and scored on generated images, on both devices;
   the accuracies must agree within 1 point (the same images and statistics, float32).

Without a GPU it runs the CPU half and says so.

    python benchmarks/gpu_check.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from weaknas.evaluators.ofa_supernet import SupernetObjective
from weaknas.spaces.mobilenetv3 import MobileNetV3Space
from weaknas.spaces.nb201 import NB201Space
from weaknas.testing.extras import import_without_torchvision
from weaknas.training.train_objective import TrainObjective

ARCHS = 3


def cifar_folder(root: Path, images: int = 2000) -> Path:
    """A CIFAR-10 binary release of random images (one label byte, 3,072 pixel bytes)."""
    rng = np.random.default_rng(0)
    root.mkdir(parents=True, exist_ok=True)
    labels = rng.integers(0, 10, images, dtype=np.uint8)
    pixels = rng.integers(0, 256, (images, 3072), dtype=np.uint8)
    (root / "data_batch_1.bin").write_bytes(np.column_stack([labels, pixels]).tobytes())
    return root


def supernet_data(root: Path) -> tuple[Path, Path]:
    from PIL import Image

    rng = np.random.default_rng(1)
    for split, count in (("train", 200), ("val", 200)):
        for i in range(count):
            folder = root / split / f"n{i % 10:08d}"
            folder.mkdir(parents=True, exist_ok=True)
            Image.fromarray(rng.integers(0, 256, (256, 256, 3), dtype=np.uint8)).save(
                folder / f"{i}.png"
            )
    ofa = import_without_torchvision("ofa.imagenet_classification.elastic_nn.networks")
    supernet = ofa.OFAMobileNetV3(
        ks_list=[3, 5, 7], expand_ratio_list=[3, 4, 6], depth_list=[2, 3, 4], width_mult=1.2
    )
    torch.save({"state_dict": supernet.state_dict()}, root / "ofa.pth")
    return root / "ofa.pth", root


def run(objective, archs) -> tuple[list[float], list[float]]:
    values, seconds = [], []
    for arch in archs:
        started = time.perf_counter()
        values.append(objective(arch)["value"])
        seconds.append(time.perf_counter() - started)
    return values, seconds


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="gpu_check_"))
    gpu = torch.cuda.is_available()
    devices = ["cpu", "cuda"] if gpu else ["cpu"]
    print(f"PyTorch {torch.__version__}; GPU: {torch.cuda.get_device_name(0) if gpu else 'none'}")
    space = NB201Space()
    archs = [space.to_string(i) for i in np.random.default_rng(0).choice(space.size, ARCHS)]
    cifar = cifar_folder(work / "cifar")
    train = {}
    for device in devices:
        objective = TrainObjective(str(cifar), epochs=2, max_images=2000, device=device)
        train[device] = run(objective, archs)
        print(
            f"train: on {device}: median {statistics.median(train[device][1]):.2f} s per "
            f"evaluation; accuracies {', '.join(f'{v:.2f}' for v in train[device][0])}",
            flush=True,
        )
    checkpoint, data = supernet_data(work / "imagenet")
    pool = MobileNetV3Space(pool_size=ARCHS, seed=0, width_mult=1.2, resolutions=224)
    configs = [pool.config(i) for i in range(pool.size)]
    scored = {}
    for device in devices:
        objective = SupernetObjective(checkpoint, data, calibration_images=200, device=device)
        scored[device] = run(objective, configs)
        print(
            f"supernet: on {device}: median {statistics.median(scored[device][1]):.2f} s per "
            f"sub-network (200 + 200 images); accuracies "
            f"{', '.join(f'{v:.2f}' for v in scored[device][0])}",
            flush=True,
        )
    if not gpu:
        print("no GPU here: the GPU half was not run (run this script where one is)")
        return
    train_gap = max(abs(a - b) for a, b in zip(*(train[d][0] for d in devices), strict=True))
    net_gap = max(abs(a - b) for a, b in zip(*(scored[d][0] for d in devices), strict=True))
    print(
        f"agreement: train: max |cpu - gpu| {train_gap:.2f} points (AMP; <= 2 expected: "
        f"{'ok' if train_gap <= 2 else 'NO'}); supernet: {net_gap:.2f} points (<= 1 expected: "
        f"{'ok' if net_gap <= 1 else 'NO'})"
    )


if __name__ == "__main__":
    main()
