"""Train NB201 cell networks on scikit-learn's ``load_digits`` (8x8 digits, ships with it).

A small, real training task that runs on a CPU in seconds per architecture: 1,797
images, a fixed stratified split (80% train, 20% validation), a few epochs of Adam.
The objective returns the validation accuracy (%), so searches maximise it.
"""

from __future__ import annotations

import time

import numpy as np

from weaknas.training.nb201_net import _torch, build_network


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
    ) -> None:
        self.epochs = epochs
        self.channels = channels
        self.cells_per_stage = cells_per_stage
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.seed = seed

    def data(self):
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split

        digits = load_digits()
        images = (digits.images / 16.0).astype(np.float32)[:, None]  # (n, 1, 8, 8)
        return train_test_split(
            images, digits.target, test_size=0.2, stratify=digits.target, random_state=0
        )

    def __call__(self, arch: str) -> dict:
        torch, nn = _torch()
        torch.set_num_threads(1)
        torch.manual_seed(self.seed)
        started = time.perf_counter()
        x_train, x_val, y_train, y_val = self.data()
        x_train, x_val = torch.from_numpy(x_train), torch.from_numpy(x_val)
        y_train, y_val = torch.from_numpy(y_train), torch.from_numpy(y_val)
        net = build_network(arch, self.channels, self.cells_per_stage, in_channels=1)
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
