"""The NAS-Bench-101 network in PyTorch: the CIFAR-10 network whose training the
benchmark records, built from a ``weaknas.spaces.nb101_cell`` cell.

As the NAS-Bench-101 paper (Ying et al., ICML 2019) and its released code define it: a
3x3 conv-BN-ReLU stem of 128 channels, then 3 stacks of 3 cells; between stacks a 2x2
max pool halves the resolution and the channels double (128, 256, 512); global average
pooling and a linear classifier. A cell splits its output channels among the vertices
that feed the output (the remainder to the first ones), and every other vertex takes
the largest width among its successors; the cell input reaches a vertex through a 1x1
conv-BN-ReLU projection to that width, a vertex's output reaches another by truncation
to the receiver's width, a vertex sums what it receives and applies its op
(conv3x3-bn-relu, conv1x1-bn-relu, or a 3x3 max pool, stride 1); the output
concatenates the vertices that feed it, plus the projected input when it is connected.
Convolutions have no bias; batch norm has a scale and a shift (TensorFlow's defaults,
momentum 0.997, epsilon 1e-5). The parameter count then equals the benchmark's
``params`` (``tests/training/test_nb101_net.py``).
"""

from __future__ import annotations

import numpy as np

try:
    import torch
    from torch import nn
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError("NAS-Bench-101 networks need PyTorch: pip install 'weaknas[torch]'") from exc

from weaknas.spaces.nb101_cell import CONV1X1, CONV3X3, MAXPOOL3X3, Cell
from weaknas.spaces.nb101_encodings import CELLS_PER_STACK, STACK_WIDTHS, STEM_CHANNELS

STACKS = len(STACK_WIDTHS)  # the benchmark's layout, as its parameter counts use it
BN_MOMENTUM = 1 - 0.997  # TensorFlow's decay 0.997, as PyTorch's momentum
BN_EPSILON = 1e-5


def vertex_channels(in_channels: int, out_channels: int, matrix: np.ndarray) -> list[int]:
    """Each vertex's width: the output's channels split among the vertices feeding it
    (the remainder one by one to the first), every other interior vertex the largest
    width among its successors; the input keeps ``in_channels``."""
    n = len(matrix)
    widths = [0] * n
    widths[0], widths[n - 1] = in_channels, out_channels
    if n == 2:
        return widths
    feeding = int(matrix[1:, n - 1].sum())
    share, remainder = divmod(out_channels, feeding)
    for v in range(1, n - 1):
        if matrix[v, n - 1]:
            widths[v] = share + (1 if remainder else 0)
            remainder -= 1 if remainder else 0
    for v in range(n - 3, 0, -1):  # n - 2 feeds only the output
        if not matrix[v, n - 1]:
            widths[v] = max([widths[v]] + [widths[d] for d in range(v + 1, n - 1) if matrix[v, d]])
    return widths


class ConvBnRelu(nn.Sequential):
    def __init__(self, kernel: int, in_channels: int, out_channels: int) -> None:
        super().__init__(
            nn.Conv2d(in_channels, out_channels, kernel, padding=kernel // 2, bias=False),
            nn.BatchNorm2d(out_channels, eps=BN_EPSILON, momentum=BN_MOMENTUM),
            nn.ReLU(inplace=False),
        )


def _vertex_op(op: int, channels: int) -> nn.Module:
    if op == CONV3X3:
        return ConvBnRelu(3, channels, channels)
    if op == CONV1X1:
        return ConvBnRelu(1, channels, channels)
    if op == MAXPOOL3X3:
        return nn.MaxPool2d(3, stride=1, padding=1)
    raise ValueError(f"NB101 cell: no interior op with code {op}")


class NB101Cell(nn.Module):
    """One cell of ``in_channels`` to ``out_channels`` (see the module docstring)."""

    def __init__(self, cell: Cell, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.matrix = np.asarray(cell.matrix, dtype=bool)
        n = len(self.matrix)
        self.widths = vertex_channels(in_channels, out_channels, self.matrix)
        self.projections = nn.ModuleDict(
            {
                str(t): ConvBnRelu(1, in_channels, self.widths[t])
                for t in range(1, n)
                if self.matrix[0, t]
            }
        )
        self.ops = nn.ModuleList(_vertex_op(cell.ops[t], self.widths[t]) for t in range(1, n - 1))

    def forward(self, x):
        n = len(self.matrix)
        values = [x]
        for t in range(1, n - 1):
            received = [values[s][:, : self.widths[t]] for s in range(1, t) if self.matrix[s, t]]
            if self.matrix[0, t]:
                received.append(self.projections[str(t)](x))
            values.append(self.ops[t - 1](sum(received)))
        feeding = [values[t] for t in range(1, n - 1) if self.matrix[t, n - 1]]
        if not feeding:  # the input alone reaches the output
            return self.projections[str(n - 1)](x)
        out = torch.cat(feeding, dim=1)
        return out + self.projections[str(n - 1)](x) if self.matrix[0, n - 1] else out


class NB101Network(nn.Module):
    """NAS-Bench-101's CIFAR network for ``cell`` (a pruned cell, as the benchmark's)."""

    def __init__(
        self,
        cell: Cell,
        num_classes: int = 10,
        in_channels: int = 3,
        stem_channels: int = STEM_CHANNELS,
    ) -> None:
        super().__init__()
        self.stem = ConvBnRelu(3, in_channels, stem_channels)
        layers: list[nn.Module] = []
        channels = width = stem_channels
        for stack in range(STACKS):
            if stack:
                layers.append(nn.MaxPool2d(2, stride=2))
                width *= 2
            for _ in range(CELLS_PER_STACK):
                layers.append(NB101Cell(cell, channels, width))
                channels = width
        self.cells = nn.Sequential(*layers)
        self.classifier = nn.Linear(channels, num_classes)

    def forward(self, x):
        features = self.cells(self.stem(x))
        return self.classifier(features.mean(dim=(2, 3)))


def build_network(
    cell: Cell, num_classes: int = 10, in_channels: int = 3, stem_channels: int = STEM_CHANNELS
) -> NB101Network:
    """The benchmark's network (``stem_channels`` 128); fewer stem channels scale every
    stack's width down with it (for small machines)."""
    return NB101Network(cell, num_classes, in_channels, stem_channels)


def count_parameters(model: nn.Module) -> int:
    """Trainable parameters, the benchmark's ``params`` (BN scales and shifts included)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
