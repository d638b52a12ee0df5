"""The NAS-Bench-101 network: its parameter count is the benchmark's ``params``."""

import numpy as np

from weaknas.testing.extras import require

torch = require("torch")

from weaknas.spaces.nb101_cell import parse_cell  # noqa: E402
from weaknas.training.nb101_net import (  # noqa: E402
    build_network,
    count_parameters,
    vertex_channels,
)


def test_parameter_counts_equal_the_benchmarks(nb101):
    """40 random cells and the ones with the fewest and the most parameters."""
    params = nb101.extra["params"].to_numpy()
    rows = np.random.default_rng(0).choice(nb101.space.size, 40, replace=False)
    rows = [*rows, int(np.argmin(params)), int(np.argmax(params))]
    for index in rows:
        network = build_network(nb101.space.cell(int(index)))
        assert count_parameters(network) == params[index], nb101.space.to_string(int(index))


def test_the_optimum_runs_forward_and_backward(nb101):
    network = build_network(nb101.space.cell(nb101.optimum_index))
    images = torch.randn(2, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    logits = network(images)
    assert logits.shape == (2, 10)
    logits.sum().backward()
    assert all(p.grad is not None for p in network.parameters())


def test_channels_are_split_as_the_benchmark_splits_them():
    # vertices 2, 3 and 4 feed the output: 128 = 43 + 43 + 42 (the remainder to the
    # first); vertex 1 feeds only vertex 2, so it takes vertex 2's width
    cell = parse_cell(
        "input,conv3x3,conv1x1,maxpool,conv3x3,output|011000/001000/000111/000001/000001/000000"
    )
    matrix = np.asarray(cell.matrix)
    assert vertex_channels(128, 128, matrix) == [128, 43, 43, 43, 42, 128]
    network = build_network(cell)
    out = network.cells[0](torch.zeros(1, 128, 8, 8))
    assert out.shape == (1, 128, 8, 8)
