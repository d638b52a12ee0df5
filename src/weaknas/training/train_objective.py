"""``--objective train:DATASET``: train each architecture's network briefly, return its
validation accuracy (%).

Data come from ``weaknas.training.datasets`` (scikit-learn's digits, the CIFAR binary
releases, an ``.npz`` or an image folder; a fixed stratified 80/20 split). Networks:
NB201 cells (C=8, 1 cell per stage by default), DARTS genotypes on the CIFAR skeleton
(C=8, 5 cells: reductions after cells 1 and 3, so 8x8 digits end at 2x2), or OFA
MobileNetV3 sub-networks whole, their images resized to 1/7 of the sub-network's
resolution (224 -> 32x32, 128 -> 18x18) and grey ones repeated over 3 channels: the
ImageNet network's downsampling by 32 then ends at 1x1, and a smaller resolution choice
still sees a smaller image. A few epochs of Adam; ``augment`` adds random crops (padding
of 1/8 of the side) and horizontal flips. On a GPU (``device="auto"`` finds one) training
runs in mixed precision; on the CPU in float32, one thread, so results repeat exactly.
"""

from __future__ import annotations

import time

from weaknas.training.devices import check_device, resolve_device
from weaknas.training.nb201_net import _torch, build_network
from weaknas.training.steps import crop_and_flip, evaluate

SPACES = ("nb201", "darts", "mobilenetv3")
MOBILENETV3_SCALE = 7  # image side = the sub-network's resolution / 7
EVAL_BATCH = 1000


class TrainObjective:
    """Callable ``architecture -> {"value": validation accuracy, ...}``; picklable.

    Deterministic on the CPU for a given ``seed`` (one thread, seeded initialisation and
    batches); the data are loaded once per process.
    """

    def __init__(
        self,
        dataset: str = "digits",
        epochs: int = 8,
        channels: int = 8,
        cells_per_stage: int = 1,
        batch_size: int = 64,
        learning_rate: float = 3e-3,
        seed: int = 0,
        space: str = "nb201",
        width_mult: float = 1.0,
        augment: bool = False,
        image_size: int = 32,
        max_images: int | None = None,
        device: str = "auto",
    ) -> None:
        if space not in SPACES:
            raise ValueError(f"train:{dataset} builds networks of {SPACES}, not of {space!r}")
        if augment and dataset == "digits":
            raise ValueError(
                "--augment (augment=True) is not for train:digits: a flipped or shifted 8x8 "
                "digit is another picture (a mirrored 2 is no 2)"
            )
        self.dataset = dataset
        self.space = space
        self.epochs = epochs
        self.channels = channels
        self.cells_per_stage = cells_per_stage
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.seed = seed
        self.width_mult = width_mult  # mobilenetv3 only
        self.augment = augment
        self.image_size = image_size
        self.max_images = max_images
        self.device = check_device(device)
        self._split = None

    def __getstate__(self):
        return {**self.__dict__, "_split": None}  # workers load the data themselves

    def check(self) -> None:
        """Load the data now, and find the device: bad data or a GPU that is not there
        fail before the search starts."""
        resolve_device(self.device)
        self.data()

    def data(self):
        from weaknas.training.datasets import load_split

        if self._split is None:
            self._split = load_split(self.dataset, 0, self.image_size, self.max_images)
        return self._split

    def network(self, arch, in_channels: int | None = None, n_classes: int | None = None):
        """The network of ``arch`` for ``in_channels`` inputs and ``n_classes`` outputs
        (default: the data's)."""
        if in_channels is None or n_classes is None:
            split = self.data()
            in_channels = in_channels or split.x_train.shape[1]
            n_classes = n_classes or split.n_classes
        if self.space == "mobilenetv3":
            from weaknas.spaces.mobilenetv3 import parse_config
            from weaknas.training.mobilenetv3_net import build_network as build_mobilenetv3

            row = parse_config(arch, None)
            return build_mobilenetv3(row, self.width_mult, n_classes=n_classes)
        if self.space == "darts":
            from weaknas.spaces.darts import parse_genotype
            from weaknas.training.darts_net import cifar_network

            layers = max(5, 3 * self.cells_per_stage + 2)  # cells per stage, plus 2 reductions
            return cifar_network(
                parse_genotype(arch), self.channels, layers, n_classes, in_channels=in_channels
            )
        return build_network(
            arch,
            self.channels,
            self.cells_per_stage,
            in_channels=in_channels,
            num_classes=n_classes,
        )

    def _device(self, torch) -> str:
        return resolve_device(self.device)

    def _inputs(self, x, arch, nn):
        if self.space != "mobilenetv3":
            return x
        side = max(8, round(arch["r"] / MOBILENETV3_SCALE))
        x = nn.functional.interpolate(x, size=side, mode="bilinear")
        return x.repeat(1, 3, 1, 1) if x.shape[1] == 1 else x

    def __call__(self, arch) -> dict:
        torch, nn = _torch()
        device = self._device(torch)
        if device == "cpu":
            torch.set_num_threads(1)
        torch.manual_seed(self.seed)
        started = time.perf_counter()
        split = self.data()
        x_train = self._inputs(torch.from_numpy(split.x_train), arch, nn)
        x_val = self._inputs(torch.from_numpy(split.x_val), arch, nn)
        y_train, y_val = torch.from_numpy(split.y_train), torch.from_numpy(split.y_val)
        net = self.network(arch, x_train.shape[1], split.n_classes).to(device)
        optimizer = torch.optim.Adam(net.parameters(), lr=self.learning_rate)
        loss_fn = nn.CrossEntropyLoss()
        generator = torch.Generator().manual_seed(self.seed)
        mixed = device.startswith("cuda")
        scaler = torch.amp.GradScaler("cuda") if mixed else None
        for _ in range(self.epochs):
            net.train()
            order = torch.randperm(len(x_train), generator=generator)
            for start in range(0, len(order), self.batch_size):
                rows = order[start : start + self.batch_size]
                x = x_train[rows]
                if self.augment:
                    x = crop_and_flip(x, generator)
                x, y = x.to(device), y_train[rows].to(device)
                optimizer.zero_grad()
                if scaler is not None:  # mixed precision on CUDA
                    with torch.autocast("cuda", dtype=torch.float16):
                        loss = loss_fn(net(x), y)
                    scaler.scale(loss).backward()
                    scaler.step(optimizer)
                    scaler.update()
                else:
                    loss_fn(net(x), y).backward()
                    optimizer.step()
        accuracy = evaluate(net, x_val, y_val, device, batch=EVAL_BATCH)
        return {
            "value": accuracy,
            "seconds": time.perf_counter() - started,
            "parameters": float(sum(p.numel() for p in net.parameters())),
            "device": device,
        }


class DigitsObjective(TrainObjective):
    """``train:digits``: scikit-learn's 8x8 digits (1,797 images, always installed)."""

    def __init__(self, **options) -> None:
        super().__init__("digits", **options)
