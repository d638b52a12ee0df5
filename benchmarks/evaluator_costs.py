"""Seconds per architecture of each evaluator on this machine (one core, medians).

NB201 cell networks (a seeded sample of ``--archs`` architectures):

* ``proxy:NAME`` for every zero-cost proxy (the benchmark's C=16, 5-cell skeleton;
  data-dependent ones on 64 digits at 32x32);
* ``train:digits`` (C=8, 1 cell per stage, 8 epochs on 1,437 8x8 images);
* ``train:PATH`` on a CIFAR-10 binary folder of ``--cifar-images`` images, 1 epoch (the
  folder is written here from random bytes in CIFAR's format: no CIFAR on this machine,
  and the cost does not depend on the pixels).

MobileNetV3 sub-networks of the paper's pool (width 1.2, 224x224, 550-600 MFLOPs):
``proxy:synflow`` and ``supernet:PATH`` (an untrained OFA supernet from the ``ofa``
package, BN recalibrated on 200 images, scored on 200 images of a random image folder;
skipped without the package).

    python benchmarks/evaluator_costs.py --archs 10 | tee benchmarks/results/evaluator_costs.log
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from pathlib import Path

import numpy as np

from weaknas.evaluators import proxies
from weaknas.evaluators.proxy_objective import ProxyObjective
from weaknas.spaces import NB201Space
from weaknas.spaces.mobilenetv3 import MobileNetV3Space
from weaknas.training.train_objective import TrainObjective


def timed(objective, archs) -> list[float]:
    seconds = []
    for arch in archs:
        started = time.perf_counter()
        objective(arch)
        seconds.append(time.perf_counter() - started)
    return seconds


def report(label: str, seconds: list[float]) -> None:
    print(
        f"  {label:34} median {np.median(seconds):7.2f} s  (min {min(seconds):.2f}, "
        f"max {max(seconds):.2f}, {len(seconds)} architectures)",
        flush=True,
    )


def write_cifar(folder: Path, images: int) -> None:
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    labels = (np.arange(images) % 10).astype(np.uint8)
    pixels = rng.integers(0, 256, (images, 3072), dtype=np.uint8)
    np.hstack([labels[:, None], pixels]).tofile(folder / "data_batch_1.bin")


def write_image_folder(root: Path, per_class: int) -> None:
    from PIL import Image

    rng = np.random.default_rng(0)
    for split in ("train", "val"):
        for c in range(4):
            (root / split / f"n{c:08d}").mkdir(parents=True)
            for i in range(per_class):
                pixels = rng.integers(0, 256, (256, 256, 3), dtype=np.uint8)
                Image.fromarray(pixels).save(root / split / f"n{c:08d}" / f"{i}.jpg")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archs", type=int, default=10)
    parser.add_argument("--cifar-images", type=int, default=5000)
    args = parser.parse_args()
    print(f"{platform.machine()}, Python {platform.python_version()}, one thread per evaluation")
    space = NB201Space()
    rng = np.random.default_rng(0)
    archs = [space.to_string(int(i)) for i in rng.choice(space.size, args.archs, replace=False)]
    print("NB201 cell networks:")
    for name in proxies.PROXIES:
        report(f"proxy:{name}", timed(ProxyObjective("nb201", name), archs))
    report("train:digits (8 epochs)", timed(TrainObjective("digits"), archs))
    with tempfile.TemporaryDirectory() as folder:
        cifar = Path(folder) / "cifar-10-batches-bin"
        write_cifar(cifar, args.cifar_images)
        objective = TrainObjective(str(cifar), epochs=1)
        objective.check()
        report(f"train:CIFAR binary ({args.cifar_images} images, 1 epoch)", timed(objective, archs))

    pool = MobileNetV3Space(
        pool_size=args.archs, seed=0, width_mult=1.2, resolutions=224, flops=(550, 600)
    )
    configs = [pool.config(i) for i in range(pool.size)]
    print("MobileNetV3 sub-networks (width 1.2, 224x224, 550-600 MFLOPs):")
    synflow = ProxyObjective("mobilenetv3", "synflow", network_options={"width_mult": 1.2})
    report("proxy:synflow", timed(synflow, configs))
    try:
        import torch

        from weaknas.evaluators.ofa_supernet import SupernetObjective
        from weaknas.testing.extras import import_without_torchvision

        networks = import_without_torchvision("ofa.imagenet_classification.elastic_nn.networks")
    except ImportError as exc:
        print(f"  supernet:PATH skipped: {exc}")
        return
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        supernet = networks.OFAMobileNetV3(
            ks_list=[3, 5, 7], expand_ratio_list=[3, 4, 6], depth_list=[2, 3, 4], width_mult=1.2
        )
        torch.save({"state_dict": supernet.state_dict()}, root / "ofa.pth")
        write_image_folder(root / "images", per_class=50)
        torch.set_num_threads(1)
        objective = SupernetObjective(
            root / "ofa.pth", root / "images", calibration_images=200, batch_size=50
        )
        report("supernet:PATH (200 + 200 images)", timed(objective, configs))


if __name__ == "__main__":
    main()
