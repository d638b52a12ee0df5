"""Counting a built network's multiply-adds, the convention every builder here states."""

from __future__ import annotations


def count_multiply_adds(model, resolution: int) -> int:
    """Multiply-adds of one RGB image of ``resolution`` pixels square (see
    ``multiply_adds``)."""
    return multiply_adds(model, (3, resolution, resolution))


def multiply_adds(model, input_shape: tuple[int, ...]) -> int:
    """Multiply-adds of one input of ``input_shape`` (no batch dimension) through
    convolutions and linear layers, in eval mode (``torch.utils.flop_counter`` FLOPs / 2:
    biases, BN, activations, pooling uncounted)."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    was_training = model.training
    model.eval()
    try:
        with torch.no_grad(), FlopCounterMode(display=False) as counter:
            model(torch.zeros(1, *input_shape))
    finally:
        model.train(was_training)
    return counter.get_total_flops() // 2
