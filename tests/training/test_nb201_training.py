from weaknas.testing.extras import require

torch = require("torch")

from weaknas.training.nb201_net import build_network  # noqa: E402
from weaknas.training.train_objective import DigitsObjective  # noqa: E402

CONV = (
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|"
    "+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
)
EMPTY = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"


def test_network_follows_the_benchmark_skeleton():
    net = build_network(CONV, channels=16, cells_per_stage=5)
    out = net(torch.zeros(2, 3, 32, 32))
    assert out.shape == (2, 10)
    params = sum(p.numel() for p in net.parameters())
    # the benchmark's largest cell (all 3x3 convs) has 1.53 M parameters at C=16, N=5;
    # this cell has one skip instead of one conv, so somewhat fewer
    assert 1.0e6 < params < 1.53e6
    assert sum(p.numel() for p in build_network(EMPTY).parameters()) < params / 10


def test_digits_training_learns_and_is_deterministic():
    objective = DigitsObjective(epochs=2, seed=3)
    first = objective(CONV)
    assert first == {**objective(CONV), "seconds": first["seconds"]}
    assert first["device"] == "cpu" and first["parameters"] > 0
    assert first["value"] > 50  # 10 classes: chance is 10%
    assert objective(EMPTY)["value"] < 20  # a cell that passes nothing learns nothing
