"""DARTS networks in PyTorch: the CIFAR network and the ImageNet "mobile setting" one.

The macro skeletons of Liu et al., "DARTS: Differentiable Architecture Search" (ICLR
2019), built from a ``weaknas.spaces.darts`` genotype:

* CIFAR: a 3x3 conv stem to 3C channels, then ``layers`` cells; the cells at 1/3 and 2/3
  of the depth are reduction cells (stride 2, channels doubled); global pooling and a
  linear classifier; optional auxiliary head after the 2/3 reduction.
* ImageNet: two stride-2 stems (C/2 then C channels, and one more to C), then cells as
  above from 56x56 (for 224x224 inputs), a 7x7 average pool and the classifier.

A cell preprocesses its two inputs to C channels (a 1x1 ReLU-conv-BN, or a factorized
reduction when the previous cell halved the resolution), runs every edge's op (stride 2
on the cell inputs of a reduction cell), sums each node's two edges, and concatenates
nodes 2..5 (4C channels). Ops: separable convolutions applied twice, dilated separable
convolutions, 3x3 max / average pooling (average without padded zeros), identity or a
factorized reduction for ``skip_connect``.

Counting conventions (``count_parameters``, ``count_multiply_adds``): parameters exclude
the auxiliary head (it is dropped after training, as DARTS counts); multiply-adds are
those of convolutions and linear layers (``torch.utils.flop_counter`` FLOPs / 2), the
convention of the mobile-setting papers; BN, activations, pooling and additions are not
counted.
"""

from __future__ import annotations

import numpy as np

try:
    import torch
    from torch import nn
except ImportError as exc:  # pragma: no cover - the extra is installed in CI
    raise ImportError("DARTS networks need PyTorch: pip install 'weaknas[torch]'") from exc

from weaknas.spaces.darts import CELLS, CONCAT, N_NODES, OPS, _view
from weaknas.training.counting import count_multiply_adds  # noqa: F401 (re-exported)


class ReLUConvBN(nn.Sequential):
    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int, padding: int):
        super().__init__(
            nn.ReLU(inplace=False),
            nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=padding, bias=False),
            nn.BatchNorm2d(c_out),
        )


class DilConv(nn.Sequential):
    """ReLU, depthwise (dilated) conv, pointwise conv, BN."""

    def __init__(self, c_in, c_out, kernel, stride, padding, dilation):
        super().__init__(
            nn.ReLU(inplace=False),
            nn.Conv2d(
                c_in, c_in, kernel, stride, padding, dilation=dilation, groups=c_in, bias=False
            ),
            nn.Conv2d(c_in, c_out, 1, bias=False),
            nn.BatchNorm2d(c_out),
        )


class SepConv(nn.Sequential):
    """Two depthwise-separable blocks; only the first has the stride."""

    def __init__(self, c_in, c_out, kernel, stride, padding):
        super().__init__(
            DilConv(c_in, c_in, kernel, stride, padding, dilation=1),
            DilConv(c_in, c_out, kernel, 1, padding, dilation=1),
        )


class FactorizedReduce(nn.Module):
    """Halve the resolution with two offset stride-2 1x1 convs, concatenated."""

    def __init__(self, c_in: int, c_out: int):
        super().__init__()
        self.relu = nn.ReLU(inplace=False)
        self.conv_1 = nn.Conv2d(c_in, c_out // 2, 1, stride=2, bias=False)
        self.conv_2 = nn.Conv2d(c_in, c_out - c_out // 2, 1, stride=2, bias=False)
        self.bn = nn.BatchNorm2d(c_out)

    def forward(self, x):
        x = self.relu(x)
        return self.bn(torch.cat([self.conv_1(x), self.conv_2(x[:, :, 1:, 1:])], dim=1))


def make_op(name: str, channels: int, stride: int) -> nn.Module:
    if name == "max_pool_3x3":
        return nn.MaxPool2d(3, stride=stride, padding=1)
    if name == "avg_pool_3x3":
        return nn.AvgPool2d(3, stride=stride, padding=1, count_include_pad=False)
    if name == "skip_connect":
        return nn.Identity() if stride == 1 else FactorizedReduce(channels, channels)
    kernel = int(name[-1])
    if name.startswith("sep_conv"):
        return SepConv(channels, channels, kernel, stride, kernel // 2)
    if name.startswith("dil_conv"):
        return DilConv(channels, channels, kernel, stride, 2 * (kernel // 2), dilation=2)
    raise ValueError(f"darts: unknown op {name!r}")


class Cell(nn.Module):
    def __init__(self, edges, c_prev_prev, c_prev, channels, reduction, reduction_prev):
        """``edges``: (nodes, 2, 2) array of (input, op) of one cell of a genotype row."""
        super().__init__()
        self.reduction = reduction
        if reduction_prev:
            self.preprocess0 = FactorizedReduce(c_prev_prev, channels)
        else:
            self.preprocess0 = ReLUConvBN(c_prev_prev, channels, 1, 1, 0)
        self.preprocess1 = ReLUConvBN(c_prev, channels, 1, 1, 0)
        self.inputs = [int(source) for source, _ in edges.reshape(-1, 2)]
        self.ops = nn.ModuleList(
            make_op(OPS[op], channels, 2 if reduction and source < 2 else 1)
            for source, op in edges.reshape(-1, 2).tolist()
        )
        self.multiplier = len(CONCAT)

    def forward(self, s0, s1, drop_prob: float = 0.0):
        states = [self.preprocess0(s0), self.preprocess1(s1)]
        for node in range(N_NODES):
            a, b = 2 * node, 2 * node + 1
            states.append(self._path(a, states, drop_prob) + self._path(b, states, drop_prob))
        return torch.cat([states[i] for i in CONCAT], dim=1)

    def _path(self, edge: int, states, drop_prob: float):
        """One edge's output; in training, dropped whole per example with ``drop_prob``
        (DARTS's drop path), an identity edge never."""
        op = self.ops[edge]
        out = op(states[self.inputs[edge]])
        if drop_prob > 0 and self.training and not isinstance(op, nn.Identity):
            keep = 1.0 - drop_prob
            mask = torch.empty(out.shape[0], 1, 1, 1, device=out.device).bernoulli_(keep)
            out = out / keep * mask
        return out


class AuxiliaryHead(nn.Module):
    """DARTS's auxiliary classifier (8x8 input for CIFAR, 14x14 for ImageNet)."""

    def __init__(self, channels: int, num_classes: int, imagenet: bool):
        super().__init__()
        self.features = nn.Sequential(
            nn.ReLU(inplace=True),
            nn.AvgPool2d(5, stride=2 if imagenet else 3, padding=0, count_include_pad=False),
            nn.Conv2d(channels, 128, 1, bias=False),
            nn.BatchNorm2d(128),
            nn.ReLU(inplace=True),
            nn.Conv2d(128, 768, 2, bias=False),
            nn.BatchNorm2d(768),
            nn.ReLU(inplace=True),
        )
        self.classifier = nn.Linear(768, num_classes)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


class DartsNetwork(nn.Module):
    """Stem, cells, classifier. ``forward`` returns the logits, and with the auxiliary
    head in training mode, ``(logits, auxiliary_logits)``."""

    def __init__(
        self,
        row: np.ndarray,
        channels: int,
        layers: int,
        num_classes: int,
        imagenet: bool,
        auxiliary: bool = False,
        in_channels: int = 3,
    ):
        super().__init__()
        cells = _view(np.asarray(row, dtype=np.int8)[None])[0]
        if imagenet:
            self.stem = nn.Sequential(
                nn.Conv2d(in_channels, channels // 2, 3, stride=2, padding=1, bias=False),
                nn.BatchNorm2d(channels // 2),
                nn.ReLU(inplace=True),
                nn.Conv2d(channels // 2, channels, 3, stride=2, padding=1, bias=False),
                nn.BatchNorm2d(channels),
            )
            self.stem1 = nn.Sequential(
                nn.ReLU(inplace=True),
                nn.Conv2d(channels, channels, 3, stride=2, padding=1, bias=False),
                nn.BatchNorm2d(channels),
            )
            c_prev_prev = c_prev = c_curr = channels
            reduction_prev = True
        else:
            stem = 3 * channels
            self.stem = nn.Sequential(
                nn.Conv2d(in_channels, stem, 3, padding=1, bias=False), nn.BatchNorm2d(stem)
            )
            self.stem1 = None  # type: ignore[assignment]  # CIFAR: one stem
            c_prev_prev, c_prev, c_curr = stem, stem, channels
            reduction_prev = False
        self.cells = nn.ModuleList()
        c_auxiliary = None
        for i in range(layers):
            reduction = i in (layers // 3, 2 * layers // 3)
            c_curr = 2 * c_curr if reduction else c_curr
            cell = Cell(
                cells[CELLS.index("reduce" if reduction else "normal")],
                c_prev_prev,
                c_prev,
                c_curr,
                reduction,
                reduction_prev,
            )
            self.cells.append(cell)
            reduction_prev = reduction
            c_prev_prev, c_prev = c_prev, cell.multiplier * c_curr
            if i == 2 * layers // 3:
                c_auxiliary = c_prev
        self.auxiliary_index = 2 * layers // 3
        self.auxiliary = (
            AuxiliaryHead(c_auxiliary, num_classes, imagenet)
            if auxiliary and c_auxiliary is not None
            else None
        )
        self.pool = nn.AvgPool2d(7) if imagenet else nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(c_prev, num_classes)
        self.drop_path_prob = 0.0  # set per epoch by a training that uses drop path

    def forward(self, x):
        s0 = self.stem(x)
        s1 = self.stem1(s0) if self.stem1 is not None else s0
        auxiliary_logits = None
        for i, cell in enumerate(self.cells):
            s0, s1 = s1, cell(s0, s1, self.drop_path_prob)
            if i == self.auxiliary_index and self.auxiliary is not None and self.training:
                auxiliary_logits = self.auxiliary(s1)
        logits = self.classifier(self.pool(s1).flatten(1))
        return logits if auxiliary_logits is None else (logits, auxiliary_logits)


def cifar_network(
    row, channels=36, layers=20, num_classes=10, auxiliary=False, in_channels=3
) -> DartsNetwork:
    """The DARTS CIFAR network (the paper's evaluation: C=36, 20 cells)."""
    return DartsNetwork(
        row, channels, layers, num_classes, False, auxiliary=auxiliary, in_channels=in_channels
    )


def imagenet_network(
    row, channels=48, layers=14, num_classes=1000, auxiliary=False
) -> DartsNetwork:
    """The DARTS ImageNet mobile-setting network (C=48, 14 cells, 224x224 inputs)."""
    return DartsNetwork(row, channels, layers, num_classes, imagenet=True, auxiliary=auxiliary)


def count_parameters(model: nn.Module) -> int:
    """Parameters, without the auxiliary head (DARTS's convention)."""
    return sum(
        p.numel() for name, p in model.named_parameters() if not name.startswith("auxiliary.")
    )
