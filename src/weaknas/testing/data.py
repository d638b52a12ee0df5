"""Small training data sets written to disk in the formats ``train:PATH`` reads.

Shared by the tests and ``benchmarks/train_on_disk.py``: a CIFAR-10 *binary* folder
(raw bytes, as the official ``cifar-10-batches-bin`` release) and a class-per-folder PNG
image folder, both with a class signal a network can learn in an epoch or two.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def write_cifar10(folder: Path, n_per_file: int = 30, files: int = 2) -> Path:
    """``data_batch_{i}.bin`` files of ``n_per_file`` records (label byte + 3,072 pixels)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for i in range(1, files + 1):
        labels = np.arange(n_per_file, dtype=np.uint8) % 10
        pixels = rng.integers(0, 256, (n_per_file, 3072), dtype=np.uint8)
        pixels[:, :1024] = labels[:, None] * 25  # the red plane says the class
        np.hstack([labels[:, None], pixels]).tofile(folder / f"data_batch_{i}.bin")
    (folder / "test_batch.bin").write_bytes(b"")  # not read
    return folder


def write_image_folder(root: Path, classes: int = 3, per_class: int = 6) -> Path:
    """``root/class{c}/{i}.png`` images of varying height; brightness says the class."""
    from PIL import Image

    rng = np.random.default_rng(1)
    for c in range(classes):
        (root / f"class{c}").mkdir(parents=True)
        for i in range(per_class):
            pixels = rng.integers(0, 60, (20 + i % 8, 24, 3), dtype=np.uint8) + 90 * c
            Image.fromarray(pixels.astype(np.uint8)).save(root / f"class{c}" / f"{i}.png")
    return root
