"""Objectives by the names the command line gives them: ``train:DATASET`` (digits, or a
path: ``weaknas.training.datasets``), ``supernet:PATH``,
``proxy:NAME`` (a zero-cost proxy of the space's network) or ``MODULE:FUNCTION`` (a
function of the user's, importable from the working directory)."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable

from weaknas.callables import import_callable
from weaknas.spaces.base import FiniteSpace


def _require_torch(spec: str) -> None:
    """Fail before the search when the objective needs PyTorch and it is not installed."""
    if importlib.util.find_spec("torch") is None:
        raise ImportError(
            f"--objective {spec} needs PyTorch, which is not installed: "
            "pip install 'weaknas[torch]'"
        )


def _check_device(device: str) -> None:
    """A GPU that is not there fails here, before the search."""
    from weaknas.training.devices import resolve_device

    resolve_device(device)


def _network_options(space: FiniteSpace) -> dict:
    """What a network builder needs beyond the architecture (a MobileNetV3 width)."""
    width = getattr(space, "width_mult", None)  # only MobileNetV3Space has one
    return {"width_mult": width} if space.name == "mobilenetv3" else {}


def make_objective(
    spec: str,
    space: FiniteSpace,
    epochs: int,
    seed: int,
    data: str | None = None,
    eval_images: int | None = None,
    training: dict | None = None,
    device: str | None = None,
    calib_images: int | None = None,
) -> Callable:
    """The objective ``spec`` names, checked before any evaluation runs. ``device``
    (``auto``, ``cpu``, ``cuda``, ``cuda:N``; None: ``auto``) places the PyTorch ones;
    a GPU that is not there is refused here."""
    if device is not None and not spec.startswith(("train:", "proxy:", "supernet:")):
        raise ValueError(
            f"--device {device}: for the PyTorch objectives (train:, proxy:, supernet:); "
            f"place your own function's work yourself"
        )
    device = device or "auto"
    if spec.startswith("supernet:"):
        _require_torch(spec)
        from weaknas.evaluators.ofa_supernet import SupernetObjective

        if space.name != "mobilenetv3":
            raise ValueError(f"--objective {spec} scores OFA sub-networks: --space mobilenetv3")
        if data is None:
            raise ValueError(
                f"--objective {spec} needs --data DIR, an ImageNet-style folder with train/ "
                "and val/ class folders"
            )
        calibration = {} if calib_images is None else {"calibration_images": calib_images}
        objective = SupernetObjective(
            spec.partition(":")[2],
            data,
            eval_images=eval_images,
            seed=seed,
            device=device,
            **calibration,
        )
        _check_device(device)
        if objective.width_mult != getattr(space, "width_mult", None):
            raise ValueError(
                f"--objective {spec}: the supernet is OFA's width {objective.width_mult}; "
                f"search it with --width {objective.width_mult}"
            )
        return objective
    if eval_images is not None or calib_images is not None:
        raise ValueError("--eval-images and --calib-images are for --objective supernet:PATH")
    if spec.startswith("train:"):
        dataset = spec.partition(":")[2]
        if not dataset:
            raise ValueError(f"--objective {spec!r}: name the data: train:digits or train:PATH")
        if space.name not in ("nb201", "darts", "mobilenetv3"):
            raise ValueError(
                f"--objective {spec} trains networks of --space nb201, darts or mobilenetv3, "
                f"not {space.name}"
            )
        _require_torch(spec)
        from weaknas.training.train_objective import TrainObjective

        trainer = TrainObjective(
            dataset,
            epochs=epochs,
            seed=seed,
            space=space.name,
            **_network_options(space),
            **(training or {}),
            device=device,
        )
        trainer.check()  # bad data fail here, before the search starts
        return trainer
    if training:
        raise ValueError(
            f"{', '.join('--' + k.replace('_', '-') for k in training)}: for --objective train:"
        )
    if spec.startswith("proxy:"):
        _require_torch(spec)
        from weaknas.evaluators.proxy_objective import ProxyObjective

        _check_device(device)
        return ProxyObjective(
            space.name,
            spec.partition(":")[2],
            seed=seed,
            network_options=_network_options(space),
            device=device,
        )
    return import_callable(spec, "--objective")


def with_measurements(objective: Callable, space: FiniteSpace, named: tuple[str, ...]) -> Callable:
    """``objective``, also measuring what ``named`` (the search's objectives and
    constraints) asks for that it does not return: ``latency:cpu``
    (``weaknas.evaluators.latency``)."""
    from weaknas.evaluators.latency import MeasuredLatency, needs_cpu_latency

    if not needs_cpu_latency(*named):
        return objective
    _require_torch("latency:cpu")
    return MeasuredLatency(objective, space.name, _network_options(space))
