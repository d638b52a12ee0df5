"""MobileNetV3 sub-networks: the built network is the one the analytic costs describe."""

from weaknas.testing.extras import require

torch = require("torch")

import numpy as np  # noqa: E402

from weaknas.spaces.mobilenetv3 import MobileNetV3Space  # noqa: E402
from weaknas.training.mobilenetv3_net import (  # noqa: E402
    InvertedResidual,
    build_network,
    count_multiply_adds,
    count_parameters,
)


def test_analytic_costs_equal_the_built_networks_counts():
    """Exactly: torch's flop counter sees the same convolutions and linear layers."""
    for width in (1.0, 1.2):
        space = MobileNetV3Space(pool_size=4, seed=5, width_mult=width, resolutions=(128, 160, 224))
        for row in space.rows:
            network = build_network(row, width)
            resolution = int(row[-1])
            assert count_multiply_adds(network, resolution) == round(space.macs(row[None])[0] * 1e6)
            assert count_parameters(network) == round(space.params(row[None])[0] * 1e6)


def test_forward_pass_and_shortcuts():
    space = MobileNetV3Space(pool_size=3, seed=0, resolutions=128)
    row = space.rows[0]
    network = build_network(row, n_classes=10).eval()
    with torch.no_grad():
        out = network(torch.randn(2, 3, 128, 128))
    assert out.shape == (2, 10)
    blocks = [m for m in network.modules() if isinstance(m, InvertedResidual)]
    assert len(blocks) == 1 + int(row[40:45].sum())
    # a shortcut on every block but each stage's first (it changes width or stride)
    assert sum(b.residual for b in blocks) == 1 + int(row[40:45].sum()) - 5
    assert np.isfinite(out.numpy()).all()


def test_subnetworks_train_on_digits_at_a_seventh_of_their_resolution(monkeypatch):
    from weaknas.training.train_objective import DigitsObjective

    objective = DigitsObjective(epochs=1, space="mobilenetv3", width_mult=1.0, max_images=60)
    space = MobileNetV3Space(pool_size=2, seed=0, resolutions=128)
    seen = []
    forward = torch.nn.Module.__call__

    def record(module, x, *args, **kwargs):
        if module.__class__.__name__ == "MobileNetV3":
            seen.append(tuple(x.shape[1:]))
        return forward(module, x, *args, **kwargs)

    monkeypatch.setattr(torch.nn.Module, "__call__", record)
    result = objective(space.config(0))
    assert 0 <= result["value"] <= 100
    assert set(seen) == {(3, 18, 18)}  # 128 / 7
