"""Counting a built network's multiply-adds, the convention every builder here states."""

from __future__ import annotations


def count_multiply_adds(model, resolution: int) -> int:
    """Multiply-adds of one image through convolutions and linear layers, in eval mode
    (``torch.utils.flop_counter`` FLOPs / 2: biases, BN, activations, pooling uncounted)."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    was_training = model.training
    model.eval()
    try:
        with torch.no_grad(), FlopCounterMode(display=False) as counter:
            model(torch.zeros(1, 3, resolution, resolution))
    finally:
        model.train(was_training)
    return counter.get_total_flops() // 2
