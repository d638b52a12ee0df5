"""The fixed skeleton of Once-for-All's MobileNetV3 space (``ofa_mbv3_d234_e346_k357``),
as OFA's ``OFAMobileNetV3`` builds it, and the analytic cost of every sub-network.

Skeleton: a 3x3 stride-2 stem (h-swish); a first block (3x3 depthwise, expand 1, ReLU);
five searchable stages of 2-4 inverted-residual blocks (widths 24, 40, 80, 112, 160
times the width multiplier, rounded to multiples of 8; strides 2, 2, 2, 1, 2; ReLU in
the first two stages, h-swish after; squeeze-and-excitation in stages 2, 4 and 5); a
1x1 final expand to 960 (h-swish), global pooling, a 1x1 feature mix to 1280 (no
batch norm) and the classifier. A block's middle width is its input width times its
expand ratio (rounded to 8); its squeeze width a quarter of that (rounded to 8).

Costs follow OFA's convention (``ofa.utils.flops_counter``): FLOPs are multiply-adds of
convolutions and linear layers, biases, batch norm, activations, pooling and the
squeeze-excitation product not counted; "550-600 MFLOPs" in the papers means these
multiply-adds in millions. ``torch.utils.flop_counter`` counts 2 FLOPs per
multiply-add of the same layers, so it reports exactly twice these numbers.
Parameters are every weight, bias and batch-norm scale and shift (not running stats).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

KERNELS: tuple[int, ...] = (3, 5, 7)
EXPANDS: tuple[int, ...] = (3, 4, 6)
DEPTHS: tuple[int, ...] = (2, 3, 4)
N_STAGES = 5
MAX_DEPTH = max(DEPTHS)
N_BLOCKS = N_STAGES * MAX_DEPTH  # 20 block positions, 4 per stage
RESOLUTIONS: tuple[int, ...] = tuple(range(128, 225, 4))  # OFA's 128..224, step 4
WIDTH_MULTS: tuple[float, ...] = (1.0, 1.2)
# The input sizes each OFA supernet was trained for (OFA's README: 128-224 for w1.0,
# 160-224 for w1.2), the default choices of a space of that width.
TRAINED_RESOLUTIONS: dict[float, tuple[int, ...]] = {
    1.0: RESOLUTIONS,
    1.2: tuple(range(160, 225, 4)),
}

BASE_WIDTHS = (16, 16, 24, 40, 80, 112, 160, 960, 1280)
STAGE_STRIDES = (2, 2, 2, 1, 2)
STAGE_ACTIVATIONS = ("relu", "relu", "h_swish", "h_swish", "h_swish")
STAGE_SE = (False, True, False, True, True)
SE_REDUCTION = 4
N_CLASSES = 1000


def make_divisible(value: float, divisor: int = 8) -> int:
    """OFA's (and TensorFlow's) channel rounding: nearest multiple of ``divisor``, never
    below ``divisor`` nor more than 10% below ``value``."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * value:
        rounded += divisor
    return rounded


def spatial(size: int, stride: int) -> int:
    """Output side of a same-padded odd-kernel convolution: ``ceil(size / stride)``."""
    return math.ceil(size / stride)


@dataclass(frozen=True)
class Layout:
    """Channel widths of the skeleton for one width multiplier."""

    width_mult: float
    stem: int
    first_block: int
    stage_widths: tuple[int, ...]
    final_expand: int
    last_channel: int
    n_classes: int = N_CLASSES

    @classmethod
    def of(cls, width_mult: float = 1.0, n_classes: int = N_CLASSES) -> Layout:
        widths = [make_divisible(w * width_mult) for w in BASE_WIDTHS]
        return cls(
            width_mult,
            widths[0],
            widths[1],
            tuple(widths[2:7]),
            widths[7],
            widths[8],
            n_classes,
        )

    def block_input(self, position: int) -> int:
        """Input width of block ``position`` (0..19)."""
        stage, j = divmod(position, MAX_DEPTH)
        if j > 0:
            return self.stage_widths[stage]
        return self.first_block if stage == 0 else self.stage_widths[stage - 1]

    def middle(self, position: int, expand: int) -> int:
        return make_divisible(round(self.block_input(position) * expand))

    def stage_sides(self, resolution: int) -> list[int]:
        """Feature-map side entering each stage, and after the last (6 values)."""
        sides = [spatial(resolution, 2)]  # stem; the first block keeps the size
        for stride in STAGE_STRIDES:
            sides.append(spatial(sides[-1], stride))
        return sides


def block_cost(layout: Layout, position: int, kernel: int, expand: int, resolution: int):
    """(multiply-adds, parameters) of one searchable block."""
    stage, j = divmod(position, MAX_DEPTH)
    c_in, c_out = layout.block_input(position), layout.stage_widths[stage]
    mid = layout.middle(position, expand)
    sides = layout.stage_sides(resolution)
    side_in = sides[stage] if j == 0 else sides[stage + 1]
    side_out = sides[stage + 1]
    macs = c_in * mid * side_in**2 + mid * kernel**2 * side_out**2 + mid * c_out * side_out**2
    params = c_in * mid + 2 * mid + mid * kernel**2 + 2 * mid + mid * c_out + 2 * c_out
    if STAGE_SE[stage]:
        squeeze = make_divisible(mid // SE_REDUCTION)
        macs += 2 * mid * squeeze
        params += 2 * mid * squeeze + squeeze + mid
    return macs, params


def fixed_cost(layout: Layout, resolution: int):
    """(multiply-adds, parameters) of everything outside the searchable blocks."""
    sides = layout.stage_sides(resolution)
    stem, first = layout.stem, layout.first_block
    last_width = layout.stage_widths[-1]
    macs = 3 * stem * 9 * sides[0] ** 2  # stem conv
    macs += stem * 9 * sides[0] ** 2 + stem * first * sides[0] ** 2  # first block
    macs += last_width * layout.final_expand * sides[-1] ** 2
    macs += layout.final_expand * layout.last_channel + layout.last_channel * layout.n_classes
    params = 27 * stem + 2 * stem
    params += stem * 9 + 2 * stem + stem * first + 2 * first
    params += last_width * layout.final_expand + 2 * layout.final_expand
    params += layout.final_expand * layout.last_channel
    params += layout.last_channel * layout.n_classes + layout.n_classes
    return macs, params


class CostTable:
    """Multiply-adds and parameters of many sub-networks at once, from per-block tables.

    ``macs(kernels, expands, depths, resolutions)`` takes arrays of block values
    (``n x 20``, 0 where a block is beyond its stage's depth), depths (``n x 5``) and
    resolutions (``n``); the depth only decides which blocks count.
    """

    def __init__(self, layout: Layout, resolutions: tuple[int, ...] = RESOLUTIONS) -> None:
        self.layout = layout
        self.resolutions = tuple(resolutions)
        n_res = len(self.resolutions)
        # [position, kernel code, expand code, resolution code]; code 3 = inactive (0 cost)
        self.block_macs = np.zeros((N_BLOCKS, 4, 4, n_res), dtype=np.int64)
        self.block_params = np.zeros((N_BLOCKS, 4, 4), dtype=np.int64)
        for p in range(N_BLOCKS):
            for ki, k in enumerate(KERNELS):
                for ei, e in enumerate(EXPANDS):
                    for ri, r in enumerate(self.resolutions):
                        macs, params = block_cost(layout, p, k, e, r)
                        self.block_macs[p, ki, ei, ri] = macs
                    self.block_params[p, ki, ei] = params
        fixed = [fixed_cost(layout, r) for r in self.resolutions]
        self.fixed_macs = np.array([m for m, _ in fixed], dtype=np.int64)
        self.fixed_params = fixed[0][1]
        self._kernel_code = _codes(KERNELS, inactive=len(KERNELS))
        self._expand_code = _codes(EXPANDS, inactive=len(EXPANDS))
        self._resolution_code = _codes(self.resolutions)

    def macs(self, kernels, expands, resolutions) -> np.ndarray:
        k = self._kernel_code[np.asarray(kernels)]
        e = self._expand_code[np.asarray(expands)]
        r = self._resolution_code[np.asarray(resolutions)]
        positions = np.arange(N_BLOCKS)
        blocks = self.block_macs[positions, k, e, r[:, None]].sum(axis=1)
        return self.fixed_macs[r] + blocks

    def params(self, kernels, expands) -> np.ndarray:
        k = self._kernel_code[np.asarray(kernels)]
        e = self._expand_code[np.asarray(expands)]
        return self.fixed_params + self.block_params[np.arange(N_BLOCKS), k, e].sum(axis=1)


def _codes(values: tuple[int, ...], inactive: int | None = None) -> np.ndarray:
    """Lookup value -> position in ``values``; 0 (a block beyond its stage's depth) ->
    ``inactive``, the tables' zero column."""
    table = np.full(max(values) + 1, -1, dtype=np.int64)
    if inactive is not None:
        table[0] = inactive
    for i, v in enumerate(values):
        table[v] = i
    return table
