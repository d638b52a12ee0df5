"""NAS-Bench-201 cell networks in PyTorch, on the benchmark's macro skeleton.

Stem (3x3 conv + BN) -> N cells at C channels -> residual reduction -> N cells at 2C ->
residual reduction -> N cells at 4C -> BN-ReLU -> global average pool -> linear. A cell
is the searched 4-node DAG: node j sums op(i -> j)(node i) over i < j; ops are zero,
identity, ReLU-Conv1x1-BN, ReLU-Conv3x3-BN and 3x3 average pooling (Dong & Yang, 2020).
"""

from __future__ import annotations

from weaknas.spaces.nb201 import EDGES, OPS, NB201Space


def _torch():
    try:
        import torch
        from torch import nn
    except ImportError as exc:
        raise ImportError("training needs PyTorch: pip install 'weaknas[torch]'") from exc
    return torch, nn


def build_network(
    arch: str,
    channels: int = 16,
    cells_per_stage: int = 5,
    in_channels: int = 3,
    num_classes: int = 10,
):
    """The network of NB201 cell ``arch`` (an arch string); the benchmark uses C=16, N=5."""
    _torch()  # a clear error without PyTorch
    from torch import nn

    codes = NB201Space().op_codes(NB201Space().from_string(arch))

    class ReLUConvBN(nn.Sequential):
        def __init__(self, c_in, c_out, kernel, stride=1):
            super().__init__(
                nn.ReLU(inplace=False),
                nn.Conv2d(c_in, c_out, kernel, stride, padding=kernel // 2, bias=False),
                nn.BatchNorm2d(c_out),
            )

    class Zero(nn.Module):
        def forward(self, x):
            return x.mul(0.0)

    def make_op(name: str, c: int) -> nn.Module:
        return {
            "none": lambda: Zero(),
            "skip_connect": lambda: nn.Identity(),
            "nor_conv_1x1": lambda: ReLUConvBN(c, c, 1),
            "nor_conv_3x3": lambda: ReLUConvBN(c, c, 3),
            "avg_pool_3x3": lambda: nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False),
        }[name]()

    class Cell(nn.Module):
        def __init__(self, c: int):
            super().__init__()
            self.edges = nn.ModuleList(make_op(OPS[code], c) for code in codes)

        def forward(self, x):
            nodes = [x]
            for target in (1, 2, 3):
                nodes.append(
                    sum(
                        op(nodes[src])
                        for op, (t, src) in zip(self.edges, EDGES, strict=True)
                        if t == target
                    )
                )
            return nodes[3]

    class Reduction(nn.Module):
        def __init__(self, c_in: int, c_out: int):
            super().__init__()
            self.a = ReLUConvBN(c_in, c_out, 3, stride=2)
            self.b = ReLUConvBN(c_out, c_out, 3)
            self.shortcut = nn.Sequential(
                nn.AvgPool2d(2, stride=2), nn.Conv2d(c_in, c_out, 1, bias=False)
            )

        def forward(self, x):
            return self.b(self.a(x)) + self.shortcut(x)

    layers: list[nn.Module] = [
        nn.Conv2d(in_channels, channels, 3, padding=1, bias=False),
        nn.BatchNorm2d(channels),
    ]
    c = channels
    for stage in range(3):
        if stage:
            layers.append(Reduction(c, 2 * c))
            c *= 2
        layers.extend(Cell(c) for _ in range(cells_per_stage))
    layers += [
        nn.BatchNorm2d(c),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(c, num_classes),
    ]
    return nn.Sequential(*layers)
