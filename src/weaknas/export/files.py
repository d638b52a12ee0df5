"""Writing a built network to a file that says what it is.

``torch``: the weights (``state_dict``) and a ``metadata`` dict, loaded with
``torch.load(path, weights_only=True)`` (no pickled code) and rebuilt by ``load_torch``.
``torchscript``: the traced network, loadable by ``torch.jit.load`` without weaknas; the
metadata is its extra file ``weaknas.json``. ``onnx``: the exported graph (the ``onnx``
extra), the metadata in its ``metadata_props``. Every file records the architecture text,
the space, the parameter count and multiply-adds, the input shape, and where it came from.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from weaknas.export.networks import Network, build_network

FORMATS = ("torch", "torchscript", "onnx")
SUFFIXES = {"torch": ".pt", "torchscript": ".torchscript.pt", "onnx": ".onnx"}
METADATA_FILE = "weaknas.json"  # a TorchScript file's extra file


def metadata(network: Network, source: dict[str, Any] | None = None) -> dict[str, Any]:
    """What a file says of its network: architecture, space, size, and its ``source``."""
    from weaknas import __version__

    return {
        "arch": network.arch,
        "space": network.space,
        "params": network.parameters(),
        "multiply_adds": network.multiply_adds(),
        "input_shape": list(network.input_shape),
        **network.details,
        "source": source or {},
        "weaknas_version": __version__,
    }


def write_network(network: Network, path: str | Path, fmt: str, about: dict[str, Any]) -> Path:
    """Write ``network`` as ``fmt`` to ``path`` with ``about`` (``metadata``)."""
    import torch

    if fmt not in FORMATS:
        raise ValueError(f"--format {fmt!r}: expected one of {FORMATS}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    model = network.model.eval()
    example = torch.zeros(1, *network.input_shape)
    if fmt == "torch":
        torch.save({"state_dict": model.state_dict(), "metadata": about}, path)
    elif fmt == "torchscript":
        with torch.no_grad():
            traced = torch.jit.trace(model, example)
        torch.jit.save(traced, str(path), _extra_files={METADATA_FILE: json.dumps(about)})
    else:
        _write_onnx(model, example, path, about)
    return path


def _write_onnx(model, example, path: Path, about: dict[str, Any]) -> None:
    """PyTorch's ``torch.export``-based exporter (the TorchScript-based one is deprecated),
    any batch size."""
    import torch

    try:
        import onnx
        import onnxscript  # noqa: F401 - the exporter's own dependency
    except ImportError:
        message = "--format onnx needs the onnx extra: pip install 'weaknas[onnx]'"
        raise ImportError(message) from None
    batch = torch.export.Dim("batch")
    torch.onnx.export(
        model,
        (example.expand(2, *example.shape[1:]).contiguous(),),  # 2: a batch, not a constant 1
        str(path),
        input_names=["images"],
        output_names=["logits"],
        dynamic_shapes=({0: batch},),
        dynamo=True,
        verbose=False,
    )
    graph = onnx.load(str(path))
    entry = graph.metadata_props.add()
    entry.key, entry.value = "weaknas", json.dumps(about)
    onnx.save(graph, str(path))


def read_metadata(path: str | Path) -> dict[str, Any]:
    """The metadata of a file ``write_network`` wrote, in any of its formats."""
    import torch

    path = Path(path)
    if path.suffix == ".onnx":
        import onnx

        props = {p.key: p.value for p in onnx.load(str(path)).metadata_props}
        return json.loads(props["weaknas"])
    try:
        extra = {METADATA_FILE: ""}
        torch.jit.load(str(path), _extra_files=extra)
        return json.loads(extra[METADATA_FILE])
    except RuntimeError:  # not TorchScript: the weights format
        return torch.load(path, weights_only=True)["metadata"]


def load_torch(path: str | Path, builder: str | None = None):
    """The network of a ``torch``-format file, rebuilt from its metadata and loaded with
    its weights (``builder`` for a space of one's own, as at export)."""
    import torch

    saved = torch.load(Path(path), weights_only=True)
    about = saved["metadata"]
    network = build_network(
        about["space"],
        about["arch"],
        benchmark=about.get("source", {}).get("benchmark"),
        skeleton="imagenet" if about["input_shape"][-1] == 224 else "cifar",
        num_classes=about.get("classes"),
        width_mult=about.get("width_mult", 1.0),
        builder=builder or about.get("builder"),
        input_shape=tuple(about["input_shape"]),
    )
    network.model.load_state_dict(saved["state_dict"])
    return network.model.eval()
