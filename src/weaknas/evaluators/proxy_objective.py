"""``--objective proxy:NAME``: score each architecture's network with a zero-cost proxy.

The network comes from the space's PyTorch builder (``BUILDERS``): NB201 cells on the
benchmark's skeleton (C=16, 5 cells per stage, as NAS-Bench-201 trained them), DARTS
genotypes on the CIFAR network at a reduced scale (C=16, 8 cells, as NAS-Bench-301 scores
them at C=32, 8 cells), and MobileNetV3 sub-networks whole, with their 1000-class
ImageNet head, at their own input resolution. Data-dependent proxies see one fixed batch
of the data this machine has without a download: scikit-learn's 8x8 digits, scaled to
the input size and repeated over 3 channels (``fixed_batch``). An architecture gets the
same score in any process.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from weaknas.evaluators import proxies
from weaknas.training.devices import check_device, resolve_device


def _nb201_network(arch: str):
    from weaknas.training.nb201_net import build_network

    return build_network(arch, channels=16, cells_per_stage=5)


def _darts_network(genotype: str, channels: int = 16, layers: int = 8):
    from weaknas.spaces.darts import parse_genotype
    from weaknas.training.darts_net import cifar_network

    return cifar_network(parse_genotype(genotype), channels=channels, layers=layers)


def _mobilenetv3_network(config: dict, width_mult: float = 1.0):
    from weaknas.spaces.mobilenetv3 import parse_config
    from weaknas.training.mobilenetv3_net import build_network

    return build_network(parse_config(config, resolutions=None), width_mult)


def _own_resolution(config: dict) -> tuple[int, int, int]:
    resolution = config["r"]
    return (3, resolution, resolution)


# space name -> (network builder, input shape or a function of the architecture giving it)
BUILDERS: dict[str, tuple[Callable, tuple[int, ...] | Callable]] = {
    "nb201": (_nb201_network, (3, 32, 32)),
    "darts": (_darts_network, (3, 32, 32)),
    "mobilenetv3": (_mobilenetv3_network, _own_resolution),
}


def fixed_batch(size: int = 64, seed: int = 0, side: int = 32):
    """``size`` digits (inputs 3 x side x side in [0, 1], labels), the same every call."""
    import torch
    from sklearn.datasets import load_digits

    digits = load_digits()
    rows = np.random.default_rng(seed).choice(len(digits.target), size, replace=False)
    images = torch.from_numpy((digits.images[rows] / 16.0).astype(np.float32))[:, None]
    images = torch.nn.functional.interpolate(images, size=side, mode="nearest").repeat(1, 3, 1, 1)
    return images, torch.from_numpy(digits.target[rows]).long()


class ProxyObjective:
    """Callable ``architecture -> {"value": score, ...}``; picklable for process workers.

    The value is the proxy's score (log10 for synflow, whose scores span dozens of orders
    of magnitude). Each network is initialised from ``seed`` (on the CPU, so the same
    network on every device) and scored on ``device`` (``auto``: a GPU when PyTorch sees
    one; one thread on the CPU).
    """

    def __init__(
        self,
        space_name: str,
        proxy: str,
        seed: int = 0,
        batch_size: int = 64,
        network_options: dict | None = None,
        device: str = "auto",
    ):
        if proxy not in proxies.PROXIES:
            raise ValueError(
                f"--objective proxy:{proxy}: unknown proxy; expected one of {proxies.PROXIES}"
            )
        if space_name not in BUILDERS:
            raise ValueError(
                f"--objective proxy:{proxy} builds networks of {sorted(BUILDERS)}, "
                f"not of {space_name!r}"
            )
        self.space_name = space_name
        self.proxy = proxy
        self.seed = seed
        self.batch_size = batch_size
        self.network_options = dict(network_options or {})  # e.g. a width multiplier
        self.device = check_device(device)

    def build(self, architecture):
        return BUILDERS[self.space_name][0](architecture, **self.network_options)

    def input_shape(self, architecture) -> tuple[int, ...]:
        shape = BUILDERS[self.space_name][1]
        return shape(architecture) if callable(shape) else shape

    def __call__(self, architecture) -> dict:
        import torch

        device = resolve_device(self.device)
        if device == "cpu":
            torch.set_num_threads(1)
        torch.manual_seed(self.seed)
        started = time.perf_counter()
        network = self.build(architecture).to(device)
        shape = self.input_shape(architecture)
        inputs = targets = None
        if self.proxy not in proxies.DATA_FREE:
            inputs, targets = fixed_batch(self.batch_size, self.seed, side=shape[-1])
            inputs, targets = inputs.to(device), targets.to(device)
        elif self.proxy in ("synflow", "flops"):
            inputs = torch.zeros((1, *shape), device=device)
        parameters = proxies.params(network)
        score = proxies.compute(self.proxy, network, inputs, targets)
        value = np.log10(score) if self.proxy == "synflow" and score > 0 else score
        return {
            "value": proxies.finite(value),
            "seconds": time.perf_counter() - started,
            "device": device,
            "parameters": parameters,
        }
