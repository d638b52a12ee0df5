"""The network of one searched architecture, by its space: what ``weaknas export`` writes.

NB201 (the benchmark's C=16, N=5 skeleton; 10, 100 or 120 classes by dataset), NB101
(the benchmark's CIFAR-10 network), DARTS (the paper's CIFAR C=36, 20 cells, or the
ImageNet mobile setting C=48, 14 cells), MobileNetV3 (an OFA sub-network, with the
supernet's weights sliced when a supernet file is given) and, for a space of one's own,
the network a builder function returns for the architecture's settings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

BUILT_IN = ("nb201", "nb101", "darts", "mobilenetv3")
SKELETONS = ("cifar", "imagenet")
# NB201's datasets: classes and image side of each benchmark.
NB201_DATASETS = {
    "nb201-cifar10": (10, 32),
    "nb201-cifar100": (100, 32),
    "nb201-imagenet16": (120, 16),
}


@dataclass
class Network:
    """A built network and what it is."""

    model: Any  # torch.nn.Module, in eval mode
    input_shape: tuple[int, ...]  # one input, no batch dimension
    space: str
    arch: str
    details: dict[str, Any] = field(default_factory=dict)

    def parameters(self) -> int:
        """Trainable parameters (the benchmarks' ``params`` convention)."""
        return sum(p.numel() for p in self.model.parameters() if p.requires_grad)

    def multiply_adds(self) -> int:
        from weaknas.training.counting import multiply_adds

        return multiply_adds(self.model, self.input_shape)


def space_family(space: str | None, benchmark: str | None) -> str:
    """The builder a run's space or benchmark takes: ``nb201``, ``nb101``, ``darts``,
    ``mobilenetv3`` or, for anything else (a JSON space), ``own``."""
    name = benchmark or space or "nb201"
    for family in BUILT_IN:
        if name.startswith(family):
            return family
    if name.startswith("nbgraph"):
        raise ValueError(
            "NAS-Bench-Graph's networks are graph networks on their datasets' graphs: "
            "weaknas has no builder for them; pass --builder MODULE:FUNCTION"
        )
    return "own"


def build_network(
    space: str | None,
    arch: str,
    *,
    benchmark: str | None = None,
    skeleton: str = "cifar",
    num_classes: int | None = None,
    width_mult: float = 1.0,
    supernet: str | None = None,
    calibration: str | None = None,
    calibration_images: int | None = None,
    builder: str | None = None,
    input_shape: tuple[int, ...] | None = None,
    seed: int = 0,
) -> Network:
    """The network of ``arch`` (the architecture's text, as a run records it) in ``space``
    (or the space of ``benchmark``). ``builder`` (``MODULE:FUNCTION``: settings dict ->
    ``torch.nn.Module``) builds any space, and is required for one's own; ``input_shape``
    is then the shape of one input (default 3x32x32). Weights not sliced from a supernet
    are PyTorch's initialisation from ``seed``. ``calibration``: with ``supernet``, the
    image folder a ``supernet:`` search scored on; the batch-norm statistics are then
    recalibrated as the search's were, so the network scores what the search measured."""
    try:
        import torch
    except ImportError as exc:
        message = "exporting a network needs PyTorch: pip install 'weaknas[torch]'"
        raise ImportError(message) from exc
    if skeleton not in SKELETONS:
        raise ValueError(f"--skeleton {skeleton!r}: expected one of {SKELETONS}")
    torch.manual_seed(seed)
    family = "own" if builder else space_family(space, benchmark)
    if family == "own":
        return _own(space or benchmark or "own", arch, builder, input_shape)
    if family == "nb201":
        from weaknas.training.nb201_net import build_network as nb201

        classes, side = NB201_DATASETS.get(benchmark or "", (10, 32))
        classes = num_classes or classes
        model = nb201(arch, num_classes=classes)
        details = {"classes": classes, "skeleton": "NB201 C=16, N=5"}
        return Network(model.eval(), (3, side, side), family, arch, details)
    if family == "nb101":
        from weaknas.spaces.nb101_cell import check_cell, parse_cell
        from weaknas.training.nb101_net import build_network as nb101

        cell = parse_cell(arch)
        check_cell(cell)
        model = nb101(cell, num_classes=num_classes or 10)
        details = {"classes": num_classes or 10, "skeleton": "NB101 CIFAR-10, 3 stacks of 3"}
        return Network(model.eval(), (3, 32, 32), family, arch, details)
    if family == "darts":
        from weaknas.spaces.darts import parse_genotype
        from weaknas.training.darts_net import cifar_network, imagenet_network

        row = parse_genotype(arch)
        if skeleton == "cifar":
            model = cifar_network(row, num_classes=num_classes or 10)
            details = {"classes": num_classes or 10, "skeleton": "DARTS CIFAR C=36, 20 cells"}
            return Network(model.eval(), (3, 32, 32), family, arch, details)
        model = imagenet_network(row, num_classes=num_classes or 1000)
        details = {"classes": num_classes or 1000, "skeleton": "DARTS ImageNet C=48, 14 cells"}
        return Network(model.eval(), (3, 224, 224), family, arch, details)
    return _mobilenetv3(arch, width_mult, supernet, calibration, calibration_images, num_classes)


def _mobilenetv3(
    arch: str, width_mult: float, supernet, calibration, calibration_images, num_classes
) -> Network:
    from weaknas.spaces.mobilenetv3 import R, parse_config

    row = parse_config(arch, resolutions=None)
    side = int(row[R])
    if supernet and calibration:
        from weaknas.evaluators.ofa_supernet import SupernetObjective

        count = {} if calibration_images is None else {"calibration_images": calibration_images}
        scorer = SupernetObjective(supernet, calibration, **count)
        model = scorer.network(arch)
        width_mult = scorer.width_mult
        weights = f"sliced from {supernet}, batch norm recalibrated on {calibration}/train"
    elif supernet:
        from weaknas.evaluators.ofa_supernet import build_subnet, check_supernet, load_supernet

        state = load_supernet(supernet)
        check_supernet(state, width_mult, supernet)
        model = build_subnet(state, row, width_mult)
        weights = f"sliced from {supernet} (its batch-norm statistics)"
    else:
        from weaknas.training.mobilenetv3_net import build_network as mobilenetv3

        model = mobilenetv3(row, width_mult, n_classes=num_classes or 1000).eval()
        weights = "untrained"
    classes = int(model.classifier[-1].out_features)
    details = {"weights": weights, "classes": classes, "width_mult": width_mult}
    details["resolution"] = side
    return Network(model.eval(), (3, side, side), "mobilenetv3", arch, details)


def _own(space: str, arch: str, builder: str | None, input_shape) -> Network:
    if not builder:
        raise ValueError(
            f"{space}: weaknas builds networks of nb201, nb101, darts and mobilenetv3; for "
            "a space of your own pass --builder MODULE:FUNCTION (settings dict -> "
            "torch.nn.Module)"
        )
    from torch import nn

    from weaknas.callables import import_callable

    build = import_callable(builder, "--builder")
    try:
        settings = json.loads(arch)
    except json.JSONDecodeError:
        settings = arch  # an architecture text that is not JSON: handed over as it is
    model = build(settings)
    if not isinstance(model, nn.Module):
        raise ValueError(
            f"--builder {builder}: returned {type(model).__name__}, not a torch.nn.Module"
        )
    shape = tuple(input_shape or (3, 32, 32))
    return Network(model.eval(), shape, space, arch, {"builder": builder})
