"""``--objective supernet:PATH``: score a MobileNetV3 sub-network inside OFA's trained supernet.

What the paper's ImageNet search queries: the sub-network's weights are taken from the
Once-for-All MobileNetV3 supernet checkpoint (``ofa_mbv3_d234_e346_k357_w1.0`` or
``_w1.2``, as OFA publishes them), its batch-norm statistics are recalibrated on a
few training images at its resolution, and its top-1 accuracy on held-out images is the
value. The OFA package is not needed: ``subnet_state_dict`` slices the supernet's
tensors as ``OFAMobileNetV3.get_active_subnet`` does (the first channels of every
layer; a smaller depthwise kernel is the centre of the larger one passed through the
supernet's learned ``7to5``/``5to3`` transforms) into ``weaknas.training.mobilenetv3_net``
(same parameter names as OFA's extracted networks).

The checkpoint is read with ``torch.load(weights_only=True)``: tensors only, never
unpickled code. Images come from an ImageNet-style folder, ``DATA/train/CLASS/*.JPEG``
and ``DATA/val/CLASS/*.JPEG`` (class index = position of the folder name in sorted
order, as torchvision's ``ImageFolder``), read with Pillow (``weaknas.training.datasets``),
resized (shorter side ``ceil(r / 0.875)``), centre-cropped to ``r`` and normalised with
ImageNet's mean and std, OFA's evaluation transform. Batch-norm recalibration uses that
same transform on ``calibration_images`` seeded training images and keeps the running
averages of the batch statistics (OFA's ``set_running_statistics`` takes random-crop
training batches; this one is deterministic).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from weaknas.spaces.mobilenetv3_layout import MAX_DEPTH, SE_REDUCTION, STAGE_SE, Layout
from weaknas.spaces.mobilenetv3_layout import make_divisible as _divisible
from weaknas.training.devices import check_device, resolve_device

MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)


def _torch():
    try:
        import torch
    except ImportError as exc:
        raise ImportError(
            "supernet evaluation needs PyTorch: pip install 'weaknas[torch]'"
        ) from exc
    return torch


def load_supernet(path: str | Path) -> dict:
    """The supernet's tensors (``{"state_dict": ...}`` as OFA saves them, or a bare one)."""
    torch = _torch()
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"supernet:{path}: no such file")
    try:
        loaded = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # a pickle with code, a truncated file, not torch at all
        raise ValueError(f"supernet:{path}: {_load_failure(exc)}") from None
    if isinstance(loaded, Mapping) and isinstance(loaded.get("state_dict"), Mapping):
        loaded = loaded["state_dict"]
    if not isinstance(loaded, Mapping) or "first_conv.conv.weight" not in loaded:
        raise ValueError(
            f"supernet:{path}: not an OFA MobileNetV3 supernet (no first_conv.conv.weight)"
        )
    # OFA's released checkpoints come from its 2020 code, which named the blocks' layers
    # ``mobile_inverted_conv``; the ofa package renames them on loading, as here.
    return {
        k.removeprefix("module.").replace(".mobile_inverted_conv.", ".conv."): v
        for k, v in loaded.items()
    }


def check_supernet(state: Mapping, width_mult: float, path: str | Path) -> None:
    """Slice the largest and the smallest sub-network once: every tensor an evaluation
    reads is then known to be there and to fit, before the search starts (not one
    failed evaluation per query)."""
    from weaknas.spaces.mobilenetv3 import parse_config

    for kernel, expand, depth in ((7, 6, 4), (3, 3, 2)):
        config = {"ks": [kernel] * 20, "e": [expand] * 20, "d": [depth] * 5, "r": 224}
        try:
            build_subnet(state, parse_config(config, resolutions=None), width_mult)
        except ValueError as exc:
            raise ValueError(f"supernet:{path}: {str(exc).removeprefix('supernet: ')}") from None


def _load_failure(exc: Exception) -> str:
    """Why a checkpoint did not load, in one line. torch's own message for a pickle with
    objects suggests loading it with weights_only=False, which would run its code: never
    repeated here."""
    text = str(exc)
    if "Unsupported global" in text:
        return (
            "holds more than tensors (pickled Python objects, which weaknas never loads: "
            "they could run code); save the weights alone, torch.save(net.state_dict(), PATH)"
        )
    if "Weights only load failed" in text:
        return "not a checkpoint of tensors (torch cannot read it as one)"
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return f"not a checkpoint of tensors ({first})"


def supernet_width(state: Mapping) -> float:
    """The width multiplier a supernet was built with, read off its stem."""
    stem = int(state["first_conv.conv.weight"].shape[0])
    for width in (1.0, 1.2):
        if Layout.of(width).stem == stem:
            return width
    raise ValueError(f"supernet: a stem of {stem} channels matches no OFA MobileNetV3 width")


def _active_kernel(state: Mapping, prefix: str, channels: int, kernel: int):
    """OFA's ``DynamicSeparableConv2d.get_active_filter``."""
    import torch.nn.functional as F  # noqa: N812

    weight = state[f"{prefix}.conv.weight"][:channels]
    size = weight.shape[-1]
    while size > kernel:
        target = size - 2
        start = (size - target) // 2
        cropped = weight[:, :, start : start + target, start : start + target].reshape(
            -1, target * target
        )
        matrix = state.get(f"{prefix}.{size}to{target}_matrix")
        if matrix is not None:
            cropped = F.linear(cropped, matrix)
        weight = cropped.reshape(channels, 1, target, target)
        size = target
    return weight


def _copy_bn(out: dict, target: str, state: Mapping, source: str, channels: int) -> None:
    for name in ("weight", "bias", "running_mean", "running_var"):
        out[f"{target}.{name}"] = state[f"{source}.{name}"][:channels]
    tracked = state.get(f"{source}.num_batches_tracked")
    if tracked is not None:
        out[f"{target}.num_batches_tracked"] = tracked


def subnet_state_dict(state: Mapping, row: np.ndarray, width_mult: float) -> dict:
    """The weights of sub-network ``row`` (a ``MobileNetV3Space`` row) in a supernet's
    ``state``, keyed as ``weaknas.training.mobilenetv3_net.MobileNetV3`` names them."""
    layout = Layout.of(width_mult)
    out = {}
    fixed = ("first_conv.", "blocks.0.", "final_expand_layer.", "feature_mix_layer.", "classifier.")
    for key, value in state.items():
        if key.startswith(fixed):
            out[key] = value
    kernels, expands, depths = row[0:20], row[20:40], row[40:45]
    block = 1
    for stage, depth in enumerate(depths):
        for j in range(int(depth)):
            position = stage * MAX_DEPTH + j
            source = f"blocks.{1 + position}.conv"
            target = f"blocks.{block}.conv"
            c_in, c_out = layout.block_input(position), layout.stage_widths[stage]
            middle = layout.middle(position, int(expands[position]))
            ib = f"{source}.inverted_bottleneck"
            out[f"{target}.inverted_bottleneck.conv.weight"] = state[f"{ib}.conv.conv.weight"][
                :middle, :c_in
            ]
            _copy_bn(out, f"{target}.inverted_bottleneck.bn", state, f"{ib}.bn.bn", middle)
            dw = f"{source}.depth_conv"
            out[f"{target}.depth_conv.conv.weight"] = _active_kernel(
                state, f"{dw}.conv", middle, int(kernels[position])
            )
            _copy_bn(out, f"{target}.depth_conv.bn", state, f"{dw}.bn.bn", middle)
            if STAGE_SE[stage]:
                squeeze = _divisible(middle // SE_REDUCTION)
                se = f"{dw}.se.fc"
                out[f"{target}.depth_conv.se.fc.reduce.weight"] = state[f"{se}.reduce.weight"][
                    :squeeze, :middle
                ]
                out[f"{target}.depth_conv.se.fc.reduce.bias"] = state[f"{se}.reduce.bias"][:squeeze]
                out[f"{target}.depth_conv.se.fc.expand.weight"] = state[f"{se}.expand.weight"][
                    :middle, :squeeze
                ]
                out[f"{target}.depth_conv.se.fc.expand.bias"] = state[f"{se}.expand.bias"][:middle]
            pl = f"{source}.point_linear"
            out[f"{target}.point_linear.conv.weight"] = state[f"{pl}.conv.conv.weight"][
                :c_out, :middle
            ]
            _copy_bn(out, f"{target}.point_linear.bn", state, f"{pl}.bn.bn", c_out)
            block += 1
    return {k: v.clone() for k, v in out.items()}


def build_subnet(state: Mapping, row: np.ndarray, width_mult: float | None = None):
    """Sub-network ``row`` of the supernet, as a ready PyTorch module (eval mode)."""
    from weaknas.training.mobilenetv3_net import build_network

    width_mult = supernet_width(state) if width_mult is None else width_mult
    n_classes = int(state["classifier.linear.weight"].shape[0])
    network = build_network(row, width_mult, n_classes=n_classes)
    try:
        network.load_state_dict(subnet_state_dict(state, row, width_mult))
    except (KeyError, RuntimeError) as exc:
        raise ValueError(
            f"supernet: its tensors do not fit an OFA MobileNetV3 (width {width_mult}): {exc}"
        ) from None
    return network.eval()


# --- images -------------------------------------------------------------------------------
def image_folder(root: Path) -> tuple[list[Path], np.ndarray]:
    """(files, labels) of an ImageNet-style folder of class folders."""
    from weaknas.training.datasets import image_folder_files

    if not root.is_dir():
        raise ValueError(f"supernet data: {root} is not a folder")
    files, labels = image_folder_files(root)
    if not files:
        raise ValueError(f"supernet data: no images in class folders under {root}")
    return files, labels


def load_images(files: list[Path], resolution: int):
    """OFA's evaluation transform: resize, centre crop, normalise; (n, 3, r, r) floats."""
    return normalise(decode_crops(files, resolution))


DECODE_THREADS = 4  # Pillow decodes and resizes without the GIL


def decode_crops(files: list[Path], resolution: int) -> np.ndarray:
    """The images resized to ``resolution / 0.875`` and centre-cropped, as bytes
    (n, 3, r, r), decoded in threads (a daemonic worker process may start no processes,
    so not a ``DataLoader``'s)."""
    from concurrent.futures import ThreadPoolExecutor

    from weaknas.training.datasets import read_centre_crop

    side = int(math.ceil(resolution / 0.875))
    crops = np.empty((len(files), 3, resolution, resolution), dtype=np.uint8)

    def decode(i: int) -> None:
        pixels = read_centre_crop(files[i], resolution, side, "supernet data")
        crops[i] = np.rint(pixels * 255.0)  # read_centre_crop's values are bytes / 255

    with ThreadPoolExecutor(min(DECODE_THREADS, max(1, len(files)))) as pool:
        list(pool.map(decode, range(len(files))))
    return crops


def normalise(crops: np.ndarray):
    """Bytes (n, 3, r, r) -> ImageNet-normalised float tensor."""
    torch = _torch()
    mean, std = np.array(MEAN)[:, None, None], np.array(STD)[:, None, None]
    return torch.from_numpy(((crops.astype(np.float32) / 255.0 - mean) / std).astype(np.float32))


# Per process: a worker that evaluates many sub-networks loads the supernet once and
# decodes the calibration images once per resolution.
_SUPERNETS: dict[tuple, dict] = {}
_CROPS: dict[tuple, np.ndarray] = {}
MAX_CACHED_RESOLUTIONS = 2  # calibration crops kept (2,000 at 224 px: 300 MB each)


def cached_supernet(path: str | Path) -> dict:
    """``load_supernet``, once per process (per file and its modification time)."""
    stat = Path(path).stat()
    key = (str(Path(path).resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _SUPERNETS:
        _SUPERNETS.clear()
        _SUPERNETS[key] = load_supernet(path)
    return _SUPERNETS[key]


def cached_crops(files: list[Path], resolution: int) -> np.ndarray:
    """``decode_crops``, once per process for the same files and resolution."""
    key = (tuple(str(f) for f in files), resolution)
    if key not in _CROPS:
        while len(_CROPS) >= MAX_CACHED_RESOLUTIONS:
            _CROPS.pop(next(iter(_CROPS)))
        _CROPS[key] = decode_crops(files, resolution)
    return _CROPS[key]


def recalibrate(network, batches, device: str = "cpu") -> None:
    """Set every batch norm's running statistics as OFA's ``set_running_statistics`` does:
    each batch normalised by its own statistics, the running mean and (biased) variance
    the batch-size-weighted average of the batches'. PyTorch's own cumulative average
    would weigh batches equally and keep the unbiased variance."""
    torch = _torch()
    norms = [m for m in network.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    sums = {id(m): [0.0, 0.0, 0] for m in norms}  # weighted mean, weighted var, count

    def record(module, inputs):
        x = inputs[0]
        mean = x.mean(dim=(0, 2, 3))
        var = ((x - mean[None, :, None, None]) ** 2).mean(dim=(0, 2, 3))
        entry = sums[id(module)]
        entry[0] = entry[0] + mean * len(x)
        entry[1] = entry[1] + var * len(x)
        entry[2] += len(x)

    hooks = [m.register_forward_pre_hook(record) for m in norms]
    network.train()  # normalise each batch by its own statistics, as OFA's forward does
    try:
        with torch.no_grad():
            for images in batches:
                network(images.to(device))
    finally:
        for hook in hooks:
            hook.remove()
    for module in norms:
        weighted_mean, weighted_var, count = sums[id(module)]
        if count:
            module.running_mean.copy_(weighted_mean / count)
            module.running_var.copy_(weighted_var / count)
    network.eval()


class SupernetObjective:
    """Callable ``config -> {"value": top-1 %, ...}``; picklable for process workers.

    ``data``: a folder with ``train/`` (calibration images) and ``val/`` (scored images);
    ``eval_images`` scores a seeded subset of ``val`` (None: all of it).
    """

    def __init__(
        self,
        checkpoint: str | Path,
        data: str | Path,
        calibration_images: int = 2000,
        eval_images: int | None = None,
        batch_size: int = 100,
        seed: int = 0,
        device: str = "auto",
    ) -> None:
        self.checkpoint = Path(checkpoint)
        self.data = Path(data)
        for name in ("train", "val"):
            if not (self.data / name).is_dir():
                raise ValueError(
                    f"supernet data: {self.data} needs {name}/CLASS/image folders "
                    "(ImageNet's layout)"
                )
        self.calibration_images = calibration_images
        self.eval_images = eval_images
        self.batch_size = batch_size
        self.seed = seed
        self.device = check_device(device)  # resolved in each worker: its own GPU
        self._state: dict | None = None  # loaded once per process, on first use
        state = load_supernet(self.checkpoint)  # fail now on a bad checkpoint
        self.width_mult = supernet_width(state)
        check_supernet(state, self.width_mult, self.checkpoint)

    def __getstate__(self):
        return {**self.__dict__, "_state": None}  # workers load the checkpoint themselves

    def _subset(self, split: str, count: int | None, salt: int):
        files, labels = image_folder(self.data / split)
        if count is not None and count < len(files):
            rows = np.sort(
                np.random.default_rng([self.seed, salt]).choice(len(files), count, replace=False)
            )
            files, labels = [files[i] for i in rows], labels[rows]
        return files, labels

    def network(self, config: dict | str, device: str = "cpu"):
        """The sub-network ``config`` as this objective scores it: the supernet's sliced
        weights, batch-norm statistics recalibrated on the seeded ``train`` subset (eval
        mode, on ``device``)."""
        from weaknas.spaces.mobilenetv3 import parse_config

        state = self._state
        if state is None:
            state = self._state = cached_supernet(self.checkpoint)
        row = parse_config(config, resolutions=None)
        network = build_subnet(state, row, self.width_mult).to(device)
        files, _ = self._subset("train", self.calibration_images, 1)
        self._recalibrate(network, files, int(row[-1]), device)
        return network

    def __call__(self, config: dict) -> dict:
        from weaknas.spaces.mobilenetv3 import parse_config

        torch = _torch()
        started = time.perf_counter()
        device = resolve_device(self.device)
        resolution = int(parse_config(config, resolutions=None)[-1])
        network = self.network(config, device)
        files, labels = self._subset("val", self.eval_images, 2)
        correct = 0
        network.eval()
        with torch.no_grad():
            for start in range(0, len(files), self.batch_size):
                images = load_images(files[start : start + self.batch_size], resolution)
                predicted = network(images.to(device)).argmax(dim=1).cpu().numpy()
                correct += int((predicted == labels[start : start + self.batch_size]).sum())
        return {
            "value": 100.0 * correct / len(files),
            "seconds": time.perf_counter() - started,
            "device": device,
            "parameters": float(sum(p.numel() for p in network.parameters())),
            "eval_images": len(files),
        }

    def _recalibrate(self, network, files: list[Path], resolution: int, device: str) -> None:
        """Batch-norm statistics as OFA's ``set_running_statistics`` sets them, on the
        calibration images decoded once per process and resolution (kept as bytes)."""
        pixels = cached_crops(files, resolution)
        batches = (
            normalise(pixels[start : start + self.batch_size])
            for start in range(0, len(files), self.batch_size)
        )
        recalibrate(network, batches, device)
