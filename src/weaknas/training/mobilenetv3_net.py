"""OFA MobileNetV3 sub-networks in PyTorch, built from a ``MobileNetV3Space`` row.

The same network OFA's ``OFAMobileNetV3.get_active_subnet`` extracts (layer for layer,
module names aside): stem, first block, the active inverted-residual blocks (1x1
expand, kxk depthwise, squeeze-excitation where the stage has it, 1x1 project; an
identity shortcut when stride 1 and widths match), final expand, global pooling,
feature mix and classifier. Weights are PyTorch's default initialisation: this module
builds networks to count, train or score with a proxy, not to load OFA's checkpoint.
``weaknas.spaces.mobilenetv3_layout`` documents the skeleton and the cost convention.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

try:
    import torch
    from torch import nn
except ImportError as exc:  # pragma: no cover - the extra is installed in CI
    raise ImportError("MobileNetV3 networks need PyTorch: pip install 'weaknas[torch]'") from exc

from weaknas.spaces.mobilenetv3 import KS, D, E, R
from weaknas.spaces.mobilenetv3_layout import (
    MAX_DEPTH,
    SE_REDUCTION,
    STAGE_ACTIVATIONS,
    STAGE_SE,
    STAGE_STRIDES,
    Layout,
    make_divisible,
)
from weaknas.training.counting import count_multiply_adds  # noqa: F401 (re-exported)


def _activation(name: str) -> nn.Module:
    return nn.ReLU(inplace=True) if name == "relu" else nn.Hardswish(inplace=True)


def _conv_bn_act(c_in, c_out, kernel, stride=1, groups=1, act: str | None = "relu"):
    """OFA's ``conv``/``bn``/``act`` triple (names as in its state dicts)."""
    layers = OrderedDict(
        conv=nn.Conv2d(c_in, c_out, kernel, stride, kernel // 2, groups=groups, bias=False),
        bn=nn.BatchNorm2d(c_out),
    )
    if act is not None:
        layers["act"] = _activation(act)
    return nn.Sequential(layers)


class SqueezeExcite(nn.Module):
    """OFA's SE: global mean, 1x1 reduce (bias) + ReLU, 1x1 expand (bias) + h-sigmoid."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        squeeze = make_divisible(channels // SE_REDUCTION)
        self.fc = nn.Sequential(
            OrderedDict(
                reduce=nn.Conv2d(channels, squeeze, 1, bias=True),
                relu=nn.ReLU(inplace=True),
                expand=nn.Conv2d(squeeze, channels, 1, bias=True),
                h_sigmoid=nn.Hardsigmoid(inplace=True),
            )
        )

    def forward(self, x):
        return x * self.fc(x.mean(dim=(2, 3), keepdim=True))


class MBConv(nn.Module):
    """1x1 expand (absent for expand ratio 1), kxk depthwise (+ SE), 1x1 linear project."""

    def __init__(self, c_in, c_out, kernel, stride, middle, act, se, expand=True):
        super().__init__()
        self.inverted_bottleneck = _conv_bn_act(c_in, middle, 1, act=act) if expand else None
        self.depth_conv = _conv_bn_act(middle, middle, kernel, stride, groups=middle, act=act)
        if se:
            self.depth_conv.add_module("se", SqueezeExcite(middle))
        self.point_linear = _conv_bn_act(middle, c_out, 1, act=None)

    def forward(self, x):
        if self.inverted_bottleneck is not None:
            x = self.inverted_bottleneck(x)
        return self.point_linear(self.depth_conv(x))


class InvertedResidual(nn.Module):
    """An ``MBConv`` with an identity shortcut when stride 1 and widths match."""

    def __init__(self, c_in, c_out, kernel, stride, middle, act, se, expand=True):
        super().__init__()
        self.conv = MBConv(c_in, c_out, kernel, stride, middle, act, se, expand)
        self.residual = stride == 1 and c_in == c_out

    def forward(self, x):
        y = self.conv(x)
        return x + y if self.residual else y


class MobileNetV3(nn.Module):
    """Parameter names are those of the network OFA extracts (``first_conv.conv.weight``,
    ``blocks.3.conv.depth_conv.se.fc.reduce.bias``, ``classifier.linear.weight``, ...),
    so OFA's sub-network state dicts load as they are."""

    def __init__(self, row: np.ndarray, layout: Layout, dropout: float = 0.1) -> None:
        super().__init__()
        row = np.asarray(row)
        self.resolution = int(row[R])
        self.first_conv = _conv_bn_act(3, layout.stem, 3, stride=2, act="h_swish")
        blocks = [
            InvertedResidual(
                layout.stem, layout.first_block, 3, 1, layout.stem, "relu", False, expand=False
            )
        ]
        kernels, expands, depths = row[KS], row[E], row[D]
        for stage, depth in enumerate(depths):
            for j in range(int(depth)):
                position = stage * MAX_DEPTH + j
                blocks.append(
                    InvertedResidual(
                        layout.block_input(position),
                        layout.stage_widths[stage],
                        int(kernels[position]),
                        STAGE_STRIDES[stage] if j == 0 else 1,
                        layout.middle(position, int(expands[position])),
                        STAGE_ACTIVATIONS[stage],
                        STAGE_SE[stage],
                    )
                )
        self.blocks = nn.ModuleList(blocks)
        self.final_expand_layer = _conv_bn_act(
            layout.stage_widths[-1], layout.final_expand, 1, act="h_swish"
        )
        self.feature_mix_layer = nn.Sequential(
            OrderedDict(
                conv=nn.Conv2d(layout.final_expand, layout.last_channel, 1, bias=False),
                act=nn.Hardswish(inplace=True),
            )
        )
        self.classifier = nn.Sequential(
            OrderedDict(
                dropout=nn.Dropout(dropout),
                linear=nn.Linear(layout.last_channel, layout.n_classes),
            )
        )

    def forward(self, x):
        x = self.first_conv(x)
        for block in self.blocks:
            x = block(x)
        x = self.final_expand_layer(x).mean(dim=(2, 3), keepdim=True)
        return self.classifier(torch.flatten(self.feature_mix_layer(x), 1))


def build_network(
    row: np.ndarray, width_mult: float = 1.0, n_classes: int = 1000, dropout: float = 0.1
) -> MobileNetV3:
    """The sub-network of a canonical row (``MobileNetV3Space.rows[i]``)."""
    return MobileNetV3(row, Layout.of(width_mult, n_classes), dropout)


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
