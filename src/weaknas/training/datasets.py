"""Training data from disk, for ``--objective train:DATASET``: no downloads, no unpickling.

``DATASET`` is ``digits`` (scikit-learn's 8x8 digits, always there) or a path, whose
kind is read off what it holds:

* a folder with ``data_batch_1.bin`` ... : the CIFAR-10 binary release (records of one
  label byte and 3,072 pixel bytes; the ``data_batch_*`` files are used);
* a folder with ``train.bin``: the CIFAR-100 binary release (a coarse and a fine label
  byte, then the pixels; fine labels are used);
* a ``.npz`` file with arrays ``x`` (``n x h x w``, ``n x h x w x c`` or ``n x c x h x w``;
  integers are read as 0..255) and ``y`` (whole-number labels), read without pickle;
* a folder of class folders of images (PNG, JPEG, ... read with Pillow; class = folder
  name in sorted order), each image resized (shorter side) and centre-cropped to
  ``image_size`` pixels, in RGB.

Every kind becomes float32 images in [0, 1], ``n x c x h x w``, and a seeded stratified
80/20 train/validation split (``max_images`` keeps a seeded stratified subset first).
Problems (a missing path, one class, an unreadable image, a binary file whose length is
not a whole number of records, NaN or infinite pixels, images of one constant value,
labels other than 0..classes-1) are one-line ``ValueError``\\ s naming the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")
CIFAR_PIXELS = 3 * 32 * 32


@dataclass(frozen=True)
class Split:
    """A dataset split for training: images ``n x c x h x w`` in [0, 1] and labels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    n_classes: int
    source: str


def load_images(spec: str, image_size: int = 32) -> tuple[np.ndarray, np.ndarray, str]:
    """(images, labels, description) of ``spec`` (see the module docstring)."""
    if spec == "digits":
        from sklearn.datasets import load_digits

        digits = load_digits()
        images = (digits.images / 16.0).astype(np.float32)[:, None]
        return images, digits.target.astype(np.int64), "scikit-learn digits (8x8)"
    path = Path(spec)
    if not path.exists():
        raise ValueError(f"train:{spec}: no such file or folder (expected digits or a path)")
    if path.is_file():
        if path.suffix != ".npz":
            raise ValueError(f"train:{spec}: a file must be an .npz with arrays x and y")
        return (*_npz(path), f"{path} (npz)")
    if sorted(path.glob("data_batch_*.bin")):
        files = sorted(path.glob("data_batch_*.bin"))
        return (*_cifar_binary(files, label_bytes=1, label_at=0), f"{path} (CIFAR-10 binary)")
    if (path / "train.bin").is_file():
        return (
            *_cifar_binary([path / "train.bin"], label_bytes=2, label_at=1),
            f"{path} (CIFAR-100 binary, fine labels)",
        )
    return (*_image_folder(path, image_size), f"{path} (image folder, {image_size}x{image_size})")


def _cifar_binary(files: list[Path], label_bytes: int, label_at: int):
    record = label_bytes + CIFAR_PIXELS
    images, labels = [], []
    for file in files:
        raw = np.fromfile(file, dtype=np.uint8)
        if raw.size == 0 or raw.size % record:
            raise ValueError(
                f"train: {file} holds {raw.size} bytes, not a whole number of {record}-byte "
                "CIFAR records; is it the binary release?"
            )
        rows = raw.reshape(-1, record)
        labels.append(rows[:, label_at].astype(np.int64))
        images.append(rows[:, label_bytes:].reshape(-1, 3, 32, 32))
    return np.concatenate(images).astype(np.float32) / 255.0, np.concatenate(labels)


def _npz(path: Path):
    try:
        with np.load(path, allow_pickle=False) as arrays:
            missing = [k for k in ("x", "y") if k not in arrays]
            if missing:
                raise ValueError(f"train: {path} has no array(s) {missing}; expected x and y")
            x, y = arrays["x"], arrays["y"]
    except (OSError, ValueError) as exc:
        if "expected x and y" in str(exc):
            raise
        raise ValueError(f"train: {path} is not a readable .npz without pickles ({exc})") from None
    if len(x) != len(y) or y.ndim != 1:
        raise ValueError(f"train: {path}: x has {len(x)} rows but y has shape {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"train: {path}: labels y must be whole numbers, got {y.dtype}")
    classes = np.unique(y)  # the binary releases and folders number classes themselves
    if classes.size and (classes[0] < 0 or classes[-1] >= classes.size):
        shown = classes[:5].tolist() + (["..."] if classes.size > 5 else [])
        raise ValueError(
            f"train: {path}: labels y must be 0..{classes.size - 1} for its {classes.size} "
            f"classes, got {shown} (min {classes[0]}, max {classes[-1]}); renumber them"
        )
    if x.ndim == 3:
        x = x[:, None]
    elif x.ndim == 4 and x.shape[-1] in (1, 3) and x.shape[1] not in (1, 3):
        x = x.transpose(0, 3, 1, 2)  # n x h x w x c
    elif x.ndim != 4:
        raise ValueError(f"train: {path}: x must hold images (3 or 4 dims), got {x.shape}")
    x = x.astype(np.float32) / 255.0 if np.issubdtype(x.dtype, np.integer) else x
    return x.astype(np.float32), y.astype(np.int64)


def _image_folder(root: Path, side: int):
    files, labels = image_folder_files(root)
    if not files:
        nested = sorted(
            {
                p.parent
                for pattern in ("*/data_batch_1.bin", "*/train.bin")
                for p in root.glob(pattern)
            }
        )
        hint = (
            f"; the CIFAR binary files are in {nested[0]}: use train:{nested[0]}" if nested else ""
        )
        raise ValueError(
            f"train: {root} holds no CIFAR binary files, .npz or class folders of images{hint}"
        )
    images = np.empty((len(files), 3, side, side), dtype=np.float32)
    for i, path in enumerate(files):
        images[i] = read_centre_crop(path, side, what="train")
    return images, labels


def image_folder_files(root: Path) -> tuple[list[Path], np.ndarray]:
    """The images of a folder of class folders and their labels (class = position of the
    folder name in sorted order, as torchvision's ``ImageFolder``); empty if none."""
    classes = sorted(p.name for p in root.iterdir() if p.is_dir())
    found = [
        (path, label)
        for label, name in enumerate(classes)
        for path in sorted((root / name).iterdir())
        if path.suffix.lower() in IMAGE_SUFFIXES
    ]
    return [path for path, _ in found], np.array([label for _, label in found], dtype=np.int64)


def read_centre_crop(
    path: Path, crop: int, shorter_side: int | None = None, what: str = "train"
) -> np.ndarray:
    """One image in RGB, its shorter side resized to ``shorter_side`` (default ``crop``),
    centre-cropped: (3, crop, crop) in [0, 1]. ``what`` prefixes the error of a bad file."""
    try:
        from PIL import Image
    except ImportError as exc:
        raise ImportError("reading images needs Pillow: pip install 'weaknas[supernet]'") from exc
    side = shorter_side or crop
    try:
        with Image.open(path) as image:
            image = image.convert("RGB")
            w, h = image.size
            scale = side / min(w, h)
            image = image.resize(
                (max(side, round(w * scale)), max(side, round(h * scale))),
                Image.Resampling.BILINEAR,
            )
            w, h = image.size
            left, top = (w - crop) // 2, (h - crop) // 2
            pixels = np.asarray(image.crop((left, top, left + crop, top + crop)), dtype=np.float32)
    except OSError as exc:
        raise ValueError(f"{what}: cannot read image {path} ({exc})") from None
    return pixels.transpose(2, 0, 1) / 255.0


def check_images(x: np.ndarray, y: np.ndarray, what: str) -> None:
    """Refuse data a network cannot learn from, before any search: non-finite pixels
    (every architecture would score chance and the search would optimise noise), images
    that are all one constant, and labels that are not 0..classes-1."""
    finite = np.isfinite(x)
    if not finite.all():
        bad = int((~finite.reshape(len(x), -1).all(axis=1)).sum())
        raise ValueError(
            f"{what}: {bad} of {len(x)} images hold NaN or infinite values; clean the data "
            "(or drop those images) first"
        )
    if x.size and x.min() == x.max():
        raise ValueError(f"{what}: every pixel of every image is {x.flat[0]:g}; nothing to learn")


def load_test_images(spec: str) -> tuple[np.ndarray, np.ndarray, str] | None:
    """The data's own test split, if it has one: the CIFAR binary releases' test file
    (``test_batch.bin``, ``test.bin``) or an ``.npz``'s arrays ``x_test`` and ``y_test``;
    None for digits and image folders (their validation split is all there is)."""
    path = Path(spec)
    if spec == "digits" or not path.exists():
        return None
    if path.is_file() and path.suffix == ".npz":
        with np.load(path, allow_pickle=False) as arrays:
            if "x_test" not in arrays or "y_test" not in arrays:
                return None
            x, y = arrays["x_test"], arrays["y_test"]
        if x.ndim == 3:
            x = x[:, None]
        elif x.ndim == 4 and x.shape[-1] in (1, 3) and x.shape[1] not in (1, 3):
            x = x.transpose(0, 3, 1, 2)
        x = x.astype(np.float32) / 255.0 if np.issubdtype(x.dtype, np.integer) else x
        return x.astype(np.float32), y.astype(np.int64), f"{path} (x_test, y_test)"
    if (path / "test_batch.bin").is_file():
        images = _cifar_binary([path / "test_batch.bin"], label_bytes=1, label_at=0)
        return (*images, f"{path / 'test_batch.bin'}")
    if (path / "test.bin").is_file():
        images = _cifar_binary([path / "test.bin"], label_bytes=2, label_at=1)
        return (*images, f"{path / 'test.bin'}")
    return None


def load_split(
    spec: str, seed: int = 0, image_size: int = 32, max_images: int | None = None
) -> Split:
    """Images of ``spec`` split 80/20 (stratified, seeded) into train and validation."""
    from sklearn.model_selection import train_test_split

    x, y, source = load_images(spec, image_size)
    check_images(x, y, f"train:{spec}")
    classes = np.unique(y)
    if len(classes) < 2:
        raise ValueError(f"train:{spec}: one class only ({classes.tolist()}); nothing to learn")
    counts = np.bincount(y - y.min())
    if counts[counts > 0].min() < 2:
        raise ValueError(f"train:{spec}: a class has a single image; each needs two or more")
    try:
        if max_images is not None and max_images < len(y):
            x, _, y, _ = train_test_split(
                x, y, train_size=max_images, stratify=y, random_state=seed
            )
        x_train, x_val, y_train, y_val = train_test_split(
            x, y, test_size=0.2, stratify=y, random_state=seed
        )
    except ValueError as exc:  # too few images for a stratified split
        raise ValueError(
            f"train:{spec}: {len(y)} images of {len(classes)} classes are too few for a "
            f"stratified 80/20 split ({exc})"
        ) from None
    return Split(x_train, y_train, x_val, y_val, int(y.max()) + 1, source)
