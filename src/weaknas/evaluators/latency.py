"""``latency:cpu``: each architecture's measured inference latency on this machine's CPU.

The network is the one a user would deploy: NB201's benchmark skeleton (C=16, 5 cells
per stage), DARTS's CIFAR evaluation network (C=36, 20 cells) and MobileNetV3
sub-networks whole at their own resolution. One input (batch 1) in inference mode, a
fixed number of threads, a few warm-up passes, then the median of ``runs`` timed passes,
in milliseconds. ``MeasuredLatency`` wraps any objective of these spaces and adds the
measurement to what it returns, so a search can use it as an objective
(``--objectives value:max,latency:cpu:min``). It is observed with each evaluation (a
strategy sees it only for evaluated architectures), and like every measured time it
depends on the machine and its load.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping
from typing import Any

LATENCY_CPU = "latency:cpu"


def _nb201(arch: str, **_: Any):
    from weaknas.training.nb201_net import build_network

    return build_network(arch, channels=16, cells_per_stage=5), (3, 32, 32)


def _darts(genotype: str, **_: Any):
    from weaknas.spaces.darts import parse_genotype
    from weaknas.training.darts_net import cifar_network

    return cifar_network(parse_genotype(genotype)), (3, 32, 32)


def _mobilenetv3(config: dict, width_mult: float = 1.0, **_: Any):
    from weaknas.spaces.mobilenetv3 import parse_config
    from weaknas.training.mobilenetv3_net import build_network

    side = int(config["r"])
    return build_network(parse_config(config, resolutions=None), width_mult), (3, side, side)


# space name -> builder: architecture -> (network, input shape without the batch)
DEPLOYED: dict[str, Callable] = {"nb201": _nb201, "darts": _darts, "mobilenetv3": _mobilenetv3}


def cpu_latency_ms(model, input_shape, runs: int = 20, warmup: int = 3, threads: int = 1) -> float:
    """Median milliseconds of one batch-1 forward pass of ``model`` on the CPU."""
    import torch

    torch.set_num_threads(threads)
    model = model.eval()
    inputs = torch.zeros((1, *input_shape))
    times = []
    with torch.inference_mode():
        for i in range(warmup + runs):
            started = time.perf_counter()
            model(inputs)
            if i >= warmup:
                times.append((time.perf_counter() - started) * 1000)
    return float(statistics.median(times))


class MeasuredLatency:
    """An objective that also reports ``latency:cpu`` (milliseconds); picklable for
    process workers. ``network_options``: what the space's builder needs (a MobileNetV3
    width)."""

    def __init__(
        self,
        objective: Callable,
        space_name: str,
        network_options: dict | None = None,
        runs: int = 20,
        warmup: int = 3,
        threads: int = 1,
    ) -> None:
        if space_name not in DEPLOYED:
            raise ValueError(
                f"{LATENCY_CPU} measures networks of {sorted(DEPLOYED)}, not of "
                f"{space_name!r}; return your own latency from your objective instead"
            )
        if runs < 1 or warmup < 0 or threads < 1:
            raise ValueError(f"{LATENCY_CPU}: runs >= 1, warmup >= 0, threads >= 1")
        self.objective = objective
        self.space_name = space_name
        self.network_options = dict(network_options or {})
        self.runs, self.warmup, self.threads = runs, warmup, threads

    def __call__(self, architecture) -> dict:
        result = self.objective(architecture)
        found = dict(result) if isinstance(result, Mapping) else {"value": result}
        model, shape = DEPLOYED[self.space_name](architecture, **self.network_options)
        found[LATENCY_CPU] = cpu_latency_ms(model, shape, self.runs, self.warmup, self.threads)
        return found


def needs_cpu_latency(*specs: str) -> bool:
    """Whether objectives or constraints (their texts) name ``latency:cpu``."""
    return any(LATENCY_CPU in str(spec) for spec in specs)


__all__ = ["DEPLOYED", "LATENCY_CPU", "MeasuredLatency", "cpu_latency_ms", "needs_cpu_latency"]
