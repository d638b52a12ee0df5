"""Where a PyTorch objective runs: ``auto`` (a GPU when PyTorch sees one, else the CPU),
``cpu``, ``cuda`` or ``cuda:N``. A device that is not there is refused when the objective
is made, before the search, not by every evaluation."""

from __future__ import annotations

import re

DEVICE = re.compile(r"(auto|cpu|cuda(:\d+)?)")


def check_device(spec: str) -> str:
    """``spec`` if it names a device in a form PyTorch takes; ``ValueError`` otherwise."""
    if not isinstance(spec, str) or not DEVICE.fullmatch(spec):
        raise ValueError(f"device {spec!r}: expected auto, cpu, cuda or cuda:N")
    return spec


def resolve_device(spec: str) -> str:
    """The device ``spec`` means on this machine (``auto`` resolved); ``ValueError`` for a
    GPU that is not there."""
    import torch

    check_device(spec)
    if spec == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if spec.startswith("cuda"):
        count = torch.cuda.device_count() if torch.cuda.is_available() else 0
        number = int(spec.partition(":")[2] or 0)
        if number >= count:
            raise ValueError(
                f"--device {spec}: PyTorch sees {count} CUDA device(s) on this machine"
                + ("" if count else " (a CPU build of PyTorch, or no GPU)")
            )
    return spec
