"""Analytic multiply-adds and parameters of DARTS genotypes, without building a network.

The network costed is the one ``weaknas.training.darts_net`` builds and the DARTS paper
evaluates on CIFAR-10 (C=36 cells' channels, 20 cells, 32x32 inputs, 10 classes), with
that module's conventions: parameters without the auxiliary head (BN's weight and bias
counted), multiply-adds of convolutions and linear layers only. A genotype's cost is a
constant (stem, cells' input preprocessing, classifier) plus one table entry per edge:
every normal cell shares the normal genotype and every reduction cell the reduce one, so
each (cell kind, op, strided) costs the same sum over the cells of that kind. A test
holds these against the built network's counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from weaknas.spaces.darts import CELLS, OPS, _view


def _op_cost(op: str, channels: int, size: int, stride: int) -> tuple[int, int]:
    """(multiply-adds, parameters) of one edge's op at ``size`` output pixels square."""
    pixels = size * size
    if op in ("max_pool_3x3", "avg_pool_3x3") or (op == "skip_connect" and stride == 1):
        return 0, 0
    if op == "skip_connect":  # a factorized reduction: two 1x1 convs of C/2 outputs, BN
        return channels * channels * pixels, channels * channels + 2 * channels
    kernel = int(op[-1])
    # one ReLU-depthwise-pointwise-BN block; a separable conv applies two
    block_weights = channels * kernel * kernel + channels * channels
    blocks = 2 if op.startswith("sep_conv") else 1
    return blocks * block_weights * pixels, blocks * (block_weights + 2 * channels)


@dataclass(frozen=True)
class DartsCosts:
    """Cost tables of the CIFAR network of ``channels`` and ``layers`` cells."""

    channels: int = 36
    layers: int = 20
    num_classes: int = 10
    resolution: int = 32

    def tables(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``base`` (2,) and per-edge ``normal`` (ops, 2) and ``reduce`` (ops, 2, 2)
        tables of (multiply-adds, parameters); ``reduce[op, strided]``."""
        stem = 3 * self.channels
        base = np.array([3 * stem * 9 * self.resolution**2, 3 * stem * 9 + 2 * stem])
        normal = np.zeros((len(OPS), 2), dtype=np.int64)
        reduce = np.zeros((len(OPS), 2, 2), dtype=np.int64)
        c_prev_prev, c_prev, c_curr = stem, stem, self.channels
        size = self.resolution
        for i in range(self.layers):
            reduction = i in (self.layers // 3, 2 * self.layers // 3)
            c_curr = 2 * c_curr if reduction else c_curr
            # both inputs preprocessed to c_curr channels at the previous output's size
            # (a factorized reduction when the one before halved it: the same cost)
            base += [c_prev_prev * c_curr * size * size, c_prev_prev * c_curr + 2 * c_curr]
            base += [c_prev * c_curr * size * size, c_prev * c_curr + 2 * c_curr]
            out = size // 2 if reduction else size
            for k, op in enumerate(OPS):
                if reduction:
                    reduce[k, 1] += _op_cost(op, c_curr, out, 2)
                    reduce[k, 0] += _op_cost(op, c_curr, out, 1)
                else:
                    normal[k] += _op_cost(op, c_curr, out, 1)
            c_prev_prev, c_prev = c_prev, 4 * c_curr
            size = out
        base += [c_prev * self.num_classes, c_prev * self.num_classes + self.num_classes]
        return base, normal, reduce

    def of(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(multiply-adds, parameters) of each genotype row, as integers."""
        base, normal, reduce = self.tables()
        cells = _view(np.asarray(rows))  # (n, cells, nodes, edges, [input, op])
        normal_ops = cells[:, CELLS.index("normal"), :, :, 1].reshape(len(rows), -1)
        reduce_cell = cells[:, CELLS.index("reduce")].reshape(len(rows), -1, 2)
        strided = (reduce_cell[:, :, 0] < 2).astype(np.int64)
        total = (
            base
            + normal[normal_ops.astype(np.int64)].sum(axis=1)
            + reduce[reduce_cell[:, :, 1].astype(np.int64), strided].sum(axis=1)
        )
        return total[:, 0], total[:, 1]


__all__ = ["DartsCosts"]
