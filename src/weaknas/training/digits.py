"""Train a space's networks on scikit-learn's ``load_digits`` (8x8 digits, ships with it).

A small, real training task that runs on a CPU in seconds per architecture: 1,797
images, a fixed stratified split (80% train, 20% validation), a few epochs of Adam.
The objective returns the validation accuracy (%), so searches maximise it. Networks:
NB201 cells (C=8, 1 cell per stage by default), DARTS genotypes on the CIFAR skeleton
(C=8, 5 cells: reductions after cells 1 and 3, so 8x8 inputs end at 2x2), or OFA
MobileNetV3 sub-networks whole (a 10-class head) on the digits scaled to 1/7 of the
sub-network's resolution (224 -> 32x32, 128 -> 18x18) and repeated over 3 channels: the
ImageNet network's downsampling by 32 then ends at 1x1, and a smaller resolution choice
still sees a smaller image.
"""

from __future__ import annotations

import time

import numpy as np

from weaknas.training.nb201_net import _torch, build_network

SPACES = ("nb201", "darts", "mobilenetv3")
MOBILENETV3_SCALE = 7  # digits side = the sub-network's resolution / 7


class DigitsObjective:
    """Callable ``arch string -> {"value": validation accuracy, ...}``; picklable for workers.

    Deterministic for a given ``seed`` (one thread, seeded initialisation and batches).
    """

    def __init__(
        self,
        epochs: int = 8,
        channels: int = 8,
        cells_per_stage: int = 1,
        batch_size: int = 64,
        learning_rate: float = 3e-3,
        seed: int = 0,
        space: str = "nb201",
        width_mult: float = 1.0,
    ) -> None:
        if space not in SPACES:
            raise ValueError(f"train:digits builds networks of {SPACES}, not of {space!r}")
        self.space = space
        self.epochs = epochs
        self.channels = channels
        self.cells_per_stage = cells_per_stage
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.seed = seed
        self.width_mult = width_mult  # mobilenetv3 only

    def network(self, arch):
        """The network of ``arch`` for 10 classes (1-channel 8x8 inputs; MobileNetV3:
        3-channel inputs of ``input_side(arch)``)."""
        if self.space == "mobilenetv3":
            from weaknas.spaces.mobilenetv3 import parse_config
            from weaknas.training.mobilenetv3_net import build_network as build_mobilenetv3

            return build_mobilenetv3(parse_config(arch, None), self.width_mult, n_classes=10)
        if self.space == "darts":
            from weaknas.spaces.darts import parse_genotype
            from weaknas.training.darts_net import cifar_network

            layers = max(5, 3 * self.cells_per_stage + 2)  # cells per stage, plus 2 reductions
            return cifar_network(parse_genotype(arch), self.channels, layers, in_channels=1)
        return build_network(arch, self.channels, self.cells_per_stage, in_channels=1)

    def data(self):
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split

        digits = load_digits()
        images = (digits.images / 16.0).astype(np.float32)[:, None]  # (n, 1, 8, 8)
        return train_test_split(
            images, digits.target, test_size=0.2, stratify=digits.target, random_state=0
        )

    def __call__(self, arch) -> dict:
        torch, nn = _torch()
        torch.set_num_threads(1)
        torch.manual_seed(self.seed)
        started = time.perf_counter()
        x_train, x_val, y_train, y_val = self.data()
        x_train, x_val = torch.from_numpy(x_train), torch.from_numpy(x_val)
        if self.space == "mobilenetv3":
            side = max(8, round(arch["r"] / MOBILENETV3_SCALE))
            x_train, x_val = (
                nn.functional.interpolate(x, size=side, mode="bilinear").repeat(1, 3, 1, 1)
                for x in (x_train, x_val)
            )
        y_train, y_val = torch.from_numpy(y_train), torch.from_numpy(y_val)
        net = self.network(arch)
        optimizer = torch.optim.Adam(net.parameters(), lr=self.learning_rate)
        loss_fn = nn.CrossEntropyLoss()
        generator = torch.Generator().manual_seed(self.seed)
        for _ in range(self.epochs):
            net.train()
            order = torch.randperm(len(x_train), generator=generator)
            for start in range(0, len(order), self.batch_size):
                rows = order[start : start + self.batch_size]
                optimizer.zero_grad()
                loss_fn(net(x_train[rows]), y_train[rows]).backward()
                optimizer.step()
        net.eval()
        with torch.no_grad():
            accuracy = (net(x_val).argmax(1) == y_val).float().mean().item() * 100
        return {
            "value": accuracy,
            "train_seconds": time.perf_counter() - started,
            "parameters": float(sum(p.numel() for p in net.parameters())),
        }
