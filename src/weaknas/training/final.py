"""``weaknas train``: the final training of an architecture found, from scratch with its
space's published recipe; a checkpoint every epoch, and a run killed at any moment
continues, from its last checkpoint, on the same curve to the same final weights.

Recipes (``RECIPES``), each the one its space's paper trained with:

* NB201 (Dong & Yang, 2020): SGD with Nesterov momentum 0.9, learning rate 0.1 decayed by
  a cosine to 0, weight decay 5e-4, batch 256, 200 epochs, random crops and flips; the
  benchmark's C=16, N=5 network.
* NB101 (Ying et al., 2019): RMSProp (decay 0.9, momentum 0.9, epsilon 1.0), learning
  rate 0.2 decayed by a cosine, weight decay 1e-4, batch 256, 108 epochs, random crops and
  flips; the benchmark's network (128 stem channels).
* DARTS (Liu et al., 2019): SGD with momentum 0.9, learning rate 0.025 decayed by a cosine,
  weight decay 3e-4, batch 96, 600 epochs, cutout 16, drop path 0.2 (rising linearly over
  the epochs), an auxiliary head weighted 0.4, gradients clipped to norm 5; C=36, 20 cells.
* MobileNetV3: fine-tuning of a sub-network (from its supernet's weights when the search
  used one). OFA publishes no fine-tuning schedule for its searched sub-networks: this one
  is weaknas's choice, named as such: SGD with Nesterov momentum 0.9, learning rate 0.01
  decayed by a cosine, weight decay 4e-5, batch 64, 25 epochs, random crops and flips,
  inputs resized to the sub-network's resolution.

``epochs`` and ``width_scale`` (NB201's C, NB101's stem, DARTS's C times the scale) shrink
a recipe for a small machine. On CUDA training runs in mixed precision (float16 autocast,
a gradient scaler saved with each checkpoint); on the CPU in float32. Digits (8x8) get no
crops or flips (a flipped digit is another picture). Each epoch draws its batches,
augmentations and drop-path masks from generators seeded by (seed, epoch), which is why a
resumed run repeats an uninterrupted one exactly on the CPU.
"""

from __future__ import annotations

import csv
import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from weaknas.training.devices import resolve_device
from weaknas.training.steps import crop_and_flip, cutout, evaluate

CHECKPOINT = "checkpoint.pt"
SETTINGS = "train.json"
METRICS = "metrics.csv"
SUMMARY = "summary.json"
CURVES = "curves.png"
METRIC_COLUMNS = ("epoch", "train_loss", "val_accuracy", "learning_rate", "seconds")


@dataclass(frozen=True)
class Recipe:
    """How a space's networks are trained (see the module docstring)."""

    optimizer: str  # "sgd" or "rmsprop"
    learning_rate: float
    weight_decay: float
    batch_size: int
    epochs: int
    momentum: float = 0.9
    nesterov: bool = False
    cutout: int = 0  # side of the cut square at 32 pixels (scaled with the image); 0: none
    drop_path: float = 0.0  # the last epoch's drop-path probability
    auxiliary: float = 0.0  # weight of the auxiliary head's loss; 0: no head
    grad_clip: float = 0.0  # 0: none
    rmsprop_eps: float = 1.0


RECIPES = {
    "nb201": Recipe("sgd", 0.1, 5e-4, 256, 200, nesterov=True),
    "nb101": Recipe("rmsprop", 0.2, 1e-4, 256, 108),
    "darts": Recipe(
        "sgd", 0.025, 3e-4, 96, 600, cutout=16, drop_path=0.2, auxiliary=0.4, grad_clip=5.0
    ),
    "mobilenetv3": Recipe("sgd", 0.01, 4e-5, 64, 25, nesterov=True),
}
BASE_WIDTH = {"nb201": 16, "nb101": 128, "darts": 36}


def training_network(
    space: str,
    arch: str,
    in_channels: int,
    n_classes: int,
    width_scale: float = 1.0,
    image_side: int = 32,
):
    """The network a recipe trains (NB201, NB101, DARTS; MobileNetV3 comes built). DARTS's
    auxiliary head reads an 8x8 map of a 32-pixel image: smaller images train without it."""
    width = max(2, round(BASE_WIDTH[space] * width_scale))
    if space == "nb201":
        from weaknas.training.nb201_net import build_network

        return build_network(arch, width, 5, in_channels=in_channels, num_classes=n_classes)
    if space == "nb101":
        from weaknas.spaces.nb101_cell import check_cell, parse_cell
        from weaknas.training.nb101_net import build_network as nb101

        cell = parse_cell(arch)
        check_cell(cell)
        return nb101(cell, n_classes, in_channels, stem_channels=width)
    from weaknas.spaces.darts import parse_genotype
    from weaknas.training.darts_net import cifar_network

    return cifar_network(
        parse_genotype(arch),
        width,
        20,
        n_classes,
        auxiliary=image_side >= 32,
        in_channels=in_channels,
    )


@dataclass(frozen=True)
class TrainSettings:
    """What defines a final training (``train.json``); the same settings resume it."""

    space: str
    arch: str
    data: str
    epochs: int
    seed: int = 0
    width_scale: float = 1.0
    batch_size: int | None = None  # None: the recipe's
    max_images: int | None = None
    image_size: int = 32
    source: str | None = None  # where the architecture came from (a run folder)


class FinalTraining:
    """One final training in ``out``: ``run()`` trains (or continues) and returns the
    summary. ``network`` builds the network (``in_channels, n_classes, image side ->
    nn.Module``)."""

    def __init__(
        self,
        settings: TrainSettings,
        out: str | Path,
        network: Callable[[int, int, int], Any],
        device: str = "auto",
        progress: bool = True,
    ) -> None:
        if settings.space not in RECIPES:
            raise ValueError(f"no training recipe for space {settings.space!r}; {sorted(RECIPES)}")
        self.settings = settings
        self.recipe = replace(
            RECIPES[settings.space],
            epochs=settings.epochs,
            batch_size=settings.batch_size or RECIPES[settings.space].batch_size,
        )
        self.out = Path(out)
        self.build = network
        self.device = device
        self.progress = progress
        self._side: int | None = None  # MobileNetV3: the sub-network's resolution
        if settings.space == "mobilenetv3":
            from weaknas.spaces.mobilenetv3 import R, parse_config

            self._side = int(parse_config(settings.arch, None)[R])

    # --- the folder --------------------------------------------------------------------
    def _claim_folder(self) -> dict[str, Any] | None:
        """Write ``train.json``, or check it equals these settings; the checkpoint to
        continue from, if any."""
        import torch

        self.out.mkdir(parents=True, exist_ok=True)
        settings_file = self.out / SETTINGS
        mine = {**asdict(self.settings), "recipe": asdict(self.recipe)}
        if settings_file.is_file():
            stored = json.loads(settings_file.read_text())
            if stored != mine:
                changed = sorted(k for k in mine if stored.get(k) != mine[k])
                raise ValueError(
                    f"{self.out} holds a training with other settings ({', '.join(changed)}); "
                    "run the same command to continue it, or use another --out"
                )
        else:
            settings_file.write_text(json.dumps(mine, indent=1))
        checkpoint = self.out / CHECKPOINT
        if checkpoint.is_file():
            return torch.load(checkpoint, weights_only=True)
        return None

    def _save(self, state: dict[str, Any]) -> None:
        import torch

        partial = self.out / (CHECKPOINT + ".partial")
        torch.save(state, partial)
        os.replace(partial, self.out / CHECKPOINT)  # a kill leaves the old one or the new

    # --- training ----------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        import torch
        from tqdm import tqdm

        from weaknas.training.datasets import load_split

        resumed = self._claim_folder()
        settings, recipe = self.settings, self.recipe
        device = resolve_device(self.device)
        if device == "cpu":
            torch.set_num_threads(1)  # the same sums in the same order: exact resumes
        split = load_split(settings.data, settings.seed, settings.image_size, settings.max_images)
        torch.manual_seed(settings.seed)
        model = self.build(split.x_train.shape[1], split.n_classes, split.x_train.shape[-1])
        model = model.to(device)
        optimizer = self._optimizer(model)
        schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=recipe.epochs)
        # mixed precision on CUDA, as the train: objective; float32 on the CPU (exact resumes)
        self.scaler = torch.amp.GradScaler("cuda") if device.startswith("cuda") else None
        history: list[dict[str, float]] = []
        if resumed is not None:
            model.load_state_dict(resumed["model"])
            optimizer.load_state_dict(resumed["optimizer"])
            schedule.load_state_dict(resumed["schedule"])
            if self.scaler is not None and resumed.get("scaler"):
                self.scaler.load_state_dict(resumed["scaler"])
            history = list(resumed["history"])
        self._write_metrics(history)
        mean = split.x_train.mean(axis=(0, 2, 3), keepdims=True)
        std = split.x_train.std(axis=(0, 2, 3), keepdims=True) + 1e-6
        x_train = torch.from_numpy((split.x_train - mean) / std)
        x_val = torch.from_numpy((split.x_val - mean) / std)
        y_train, y_val = torch.from_numpy(split.y_train), torch.from_numpy(split.y_val)
        augment = settings.data != "digits" and x_train.shape[-1] >= 16
        self.input_shape = tuple(self._resize(x_val[:1]).shape[1:])  # what the network takes
        bar = tqdm(
            total=recipe.epochs, initial=len(history), disable=not self.progress, unit="epoch"
        )
        for epoch in range(len(history) + 1, recipe.epochs + 1):
            started = time.perf_counter()
            learning_rate = optimizer.param_groups[0]["lr"]
            loss = self._epoch(model, optimizer, x_train, y_train, epoch, augment, device)
            schedule.step()
            accuracy = evaluate(model, x_val, y_val, device, self._resize)
            row = {
                "epoch": epoch,
                "train_loss": loss,
                "val_accuracy": accuracy,
                "learning_rate": learning_rate,
                "seconds": time.perf_counter() - started,
            }
            history.append(row)
            self._save(
                {
                    "epoch": epoch,
                    "model": model.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "schedule": schedule.state_dict(),
                    "scaler": self.scaler.state_dict() if self.scaler is not None else {},
                    "history": history,
                }
            )
            self._write_metrics(history)
            bar.update()
            bar.set_postfix(loss=f"{loss:.3f}", val=f"{accuracy:.2f}", refresh=False)
        bar.close()
        summary = self._summary(model, history, mean, std, device)
        (self.out / SUMMARY).write_text(json.dumps(summary, indent=1))
        self.model = model.eval()
        return summary

    def _optimizer(self, model):
        import torch

        recipe = self.recipe
        if recipe.optimizer == "rmsprop":
            return torch.optim.RMSprop(
                model.parameters(),
                lr=recipe.learning_rate,
                alpha=0.9,
                eps=recipe.rmsprop_eps,
                momentum=recipe.momentum,
                weight_decay=recipe.weight_decay,
            )
        return torch.optim.SGD(
            model.parameters(),
            lr=recipe.learning_rate,
            momentum=recipe.momentum,
            nesterov=recipe.nesterov,
            weight_decay=recipe.weight_decay,
        )

    def _resize(self, x):
        """MobileNetV3 sees its sub-network's resolution."""
        if self._side is None:
            return x
        import torch

        x = torch.nn.functional.interpolate(x, size=self._side, mode="bilinear")
        return x.repeat(1, 3, 1, 1) if x.shape[1] == 1 else x

    def _epoch(self, model, optimizer, x_train, y_train, epoch, augment, device) -> float:
        import torch

        recipe = self.recipe
        generator = torch.Generator().manual_seed(self.settings.seed * 1_000_003 + epoch)
        torch.manual_seed(self.settings.seed * 1_000_003 + epoch)  # drop path, dropout
        if hasattr(model, "drop_path_prob"):
            model.drop_path_prob = recipe.drop_path * (epoch - 1) / max(1, recipe.epochs)
        model.train()
        loss_fn = torch.nn.CrossEntropyLoss()
        order = torch.randperm(len(x_train), generator=generator)
        total, count = 0.0, 0
        for start in range(0, len(order), recipe.batch_size):
            rows = order[start : start + recipe.batch_size]
            if len(rows) < 2:
                continue  # batch norm needs two examples
            x = x_train[rows]
            if augment:
                x = crop_and_flip(x, generator)
            if recipe.cutout:
                x = cutout(x, max(1, recipe.cutout * x.shape[-1] // 32), generator)
            x, y = self._resize(x).to(device), y_train[rows].to(device)
            optimizer.zero_grad()
            with torch.autocast("cuda", dtype=torch.float16, enabled=self.scaler is not None):
                out = model(x)
                if isinstance(out, tuple):  # with the auxiliary head
                    logits, auxiliary = out
                    loss = loss_fn(logits, y) + recipe.auxiliary * loss_fn(auxiliary, y)
                else:
                    loss = loss_fn(out, y)
            if self.scaler is None:
                loss.backward()
                if recipe.grad_clip:
                    torch.nn.utils.clip_grad_norm_(model.parameters(), recipe.grad_clip)
                optimizer.step()
            else:  # mixed precision: unscale before clipping, as PyTorch's AMP recipe
                self.scaler.scale(loss).backward()
                if recipe.grad_clip:
                    self.scaler.unscale_(optimizer)
                    torch.nn.utils.clip_grad_norm_(model.parameters(), recipe.grad_clip)
                self.scaler.step(optimizer)
                self.scaler.update()
            total += float(loss.detach()) * len(rows)
            count += len(rows)
        return total / max(1, count)

    def _write_metrics(self, history: list[dict[str, float]]) -> None:
        """``metrics.csv``, rewritten whole from the checkpoint's history (a run killed
        between its checkpoint and this file loses no row)."""
        partial = self.out / (METRICS + ".partial")
        with open(partial, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=METRIC_COLUMNS)
            writer.writeheader()
            writer.writerows(history)
        os.replace(partial, self.out / METRICS)

    def _summary(self, model, history, mean, std, device) -> dict[str, Any]:
        import torch

        from weaknas.training.datasets import load_test_images

        summary: dict[str, Any] = {
            "space": self.settings.space,
            "arch": self.settings.arch,
            "epochs": len(history),
            "final_val_accuracy": history[-1]["val_accuracy"] if history else None,
            "best_val_accuracy": max((r["val_accuracy"] for r in history), default=None),
            "train_seconds": float(sum(r["seconds"] for r in history)),
            "parameters": int(sum(p.numel() for p in model.parameters() if p.requires_grad)),
            "device": device,
            "test_accuracy": None,
        }
        test = load_test_images(self.settings.data)
        if test is not None:
            x_test, y_test, source = test
            x = torch.from_numpy((x_test - mean) / std)
            summary["test_accuracy"] = evaluate(
                model, x, torch.from_numpy(y_test), device, self._resize
            )
            summary["test_data"] = source
        summary["curves"] = draw_curves(history, self.out / CURVES)
        return summary


def draw_curves(history: list[dict[str, float]], path: Path) -> str | None:
    """A PNG of training loss and validation accuracy per epoch; None without
    matplotlib (the ``report`` extra)."""
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = [r["epoch"] for r in history]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    left.plot(epochs, [r["train_loss"] for r in history])
    left.set_xlabel("epoch")
    left.set_ylabel("training loss")
    right.plot(epochs, [r["val_accuracy"] for r in history])
    right.set_xlabel("epoch")
    right.set_ylabel("validation accuracy (%)")
    for ax in (left, right):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path.name


__all__ = [
    "RECIPES",
    "FinalTraining",
    "Recipe",
    "TrainSettings",
    "training_network",
]
