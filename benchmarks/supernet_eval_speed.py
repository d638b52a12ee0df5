"""Seconds per supernet sub-network evaluation: a fresh process per evaluation (loading
the checkpoint and decoding the calibration images each time) against reused workers
(issue 27), side by side on the same sub-networks and images.

A randomised OFA MobileNetV3 supernet (width 1.2, built by the ``ofa`` package) and a
generated ImageNet-style folder stand in for the real ones (neither is on this machine):
the cost is the same, the accuracies are meaningless. Then the paper's protocol (2,000
calibration images, the 50,000 validation images, 224 pixels, 1,000 queries) is projected
from the measured per-image cost, on this CPU, labelled as such.

    python benchmarks/supernet_eval_speed.py --calib 200 --val 100 --evals 10
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from weaknas.evaluators.ofa_supernet import SupernetObjective
from weaknas.runner.executors import ProcessPerCallExecutor
from weaknas.runner.worker_pool import ReusedProcessExecutor
from weaknas.spaces.mobilenetv3 import MobileNetV3Space
from weaknas.testing.extras import import_without_torchvision


def image_folder(root: Path, per_split: dict[str, int], classes: int = 10) -> None:
    rng = np.random.default_rng(0)
    for split, count in per_split.items():
        for i in range(count):
            folder = root / split / f"n{i % classes:08d}"
            folder.mkdir(parents=True, exist_ok=True)
            pixels = rng.integers(0, 256, (300, 400, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(folder / f"img{i}.jpg", quality=90)


def timed(executor, objective, configs) -> list[float]:
    seconds = []
    for config in configs:
        started = time.perf_counter()
        executor.submit(objective, config).result()
        seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calib", type=int, default=200, help="calibration images")
    parser.add_argument("--val", type=int, default=100, help="validation images")
    parser.add_argument("--evals", type=int, default=10, help="sub-networks per arm")
    args = parser.parse_args()
    torch.set_num_threads(1)
    work = Path(tempfile.mkdtemp(prefix="supernet_speed_"))
    ofa = import_without_torchvision("ofa.imagenet_classification.elastic_nn.networks")
    supernet = ofa.OFAMobileNetV3(
        ks_list=[3, 5, 7], expand_ratio_list=[3, 4, 6], depth_list=[2, 3, 4], width_mult=1.2
    )
    torch.save({"state_dict": supernet.state_dict()}, work / "ofa_w12.pth")
    size = (work / "ofa_w12.pth").stat().st_size / 1e6
    image_folder(work / "imagenet", {"train": args.calib, "val": args.val})
    objective = SupernetObjective(
        work / "ofa_w12.pth", work / "imagenet", calibration_images=args.calib, device="cpu"
    )
    space = MobileNetV3Space(pool_size=args.evals, seed=0, width_mult=1.2, resolutions=224)
    configs = [space.config(i) for i in range(space.size)]
    fresh, reused = ProcessPerCallExecutor(max_workers=1), ReusedProcessExecutor(max_workers=1)
    per_call, per_worker = [], []
    for config in configs:  # interleaved: the same machine state for both
        per_call += timed(fresh, objective, [config])
        per_worker += timed(reused, objective, [config])
    reused.shutdown()
    first, rest = per_worker[0], per_worker[1:]
    before, after = statistics.median(per_call), statistics.median(rest)
    print(
        f"checkpoint {size:.0f} MB (width 1.2), {args.calib} calibration + {args.val} "
        f"validation images at 224 px, one CPU thread, {args.evals} sub-networks each\n"
        f"  fresh process per evaluation: median {before:.2f} s "
        f"(range {min(per_call):.2f}-{max(per_call):.2f})\n"
        f"  reused worker:                median {after:.2f} s after its first "
        f"({first:.2f} s: loads the checkpoint, decodes the calibration images)\n"
        f"  ratio {before / after:.2f}x",
        flush=True,
    )
    # per-image cost, from an in-process evaluation with cached calibration
    objective(configs[0])
    started = time.perf_counter()
    objective(configs[1])
    seconds = time.perf_counter() - started
    per_image = seconds / (args.calib + args.val)
    paper = 1000 * (2000 + 50_000) * per_image
    print(
        f"projected from this CPU ({per_image * 1e3:.0f} ms per image, forward only): the "
        f"paper's 1,000-query search (2,000 calibration + 50,000 validation images per "
        f"sub-network) takes {paper / 86_400:.0f} days in one CPU process; no GPU was "
        "measured here (none lent), so no GPU projection is made"
    )


if __name__ == "__main__":
    main()
