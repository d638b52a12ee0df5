"""Zero-cost proxies on tiny networks: what each computes, determinism, overflow."""

import pytest

from weaknas.testing.extras import require

torch = require("torch")

from torch import nn  # noqa: E402

from weaknas.evaluators import proxies  # noqa: E402


def small_net(seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(4 * 8 * 8, 10),
    )


@pytest.fixture(scope="module")
def batch():
    generator = torch.Generator().manual_seed(0)
    return torch.randn(16, 1, 8, 8, generator=generator), torch.arange(16) % 10


def test_synflow_is_data_free_deterministic_and_leaves_the_weights(batch):
    net = small_net()
    before = [p.detach().clone() for p in net.parameters()]
    score = proxies.compute("synflow", net, batch[0])
    assert score > 0 and score == proxies.compute("synflow", small_net(), batch[0])
    assert all(torch.equal(a, b) for a, b in zip(before, net.parameters(), strict=True))
    # by hand for a bias-free linear map y = W x, x = 1: dR/dW = 1, score = sum |W|
    linear = nn.Linear(3, 2, bias=False)
    assert proxies.synflow(linear, (3,)) == pytest.approx(float(linear.weight.detach().abs().sum()))


def test_synflow_falls_back_to_float64_when_float32_overflows():
    layers = []
    for _ in range(12):
        layer = nn.Linear(64, 64, bias=False)
        nn.init.constant_(layer.weight, 30.0)
        layers.append(layer)
    deep = nn.Sequential(*layers)  # 64 * (64 * 30) ** 12: beyond float32's 3.4e38
    score = proxies.synflow(deep, (64,))
    assert 1e38 < score < float("inf")
    assert deep[0].weight.dtype == torch.float32  # handed back as it came


def test_gradient_proxies(batch):
    inputs, targets = batch
    g = proxies.compute("grad_norm", small_net(), inputs, targets)
    s = proxies.compute("snip", small_net(), inputs, targets)
    assert g > 0 and s > 0
    assert g == proxies.compute("grad_norm", small_net(), inputs, targets)
    assert s != proxies.compute("snip", small_net(seed=1), inputs, targets)


def test_naswot_counts_distinct_activation_patterns(batch):
    inputs, _ = batch
    score = proxies.compute("naswot", small_net(), inputs)
    assert score == proxies.compute("naswot", small_net(), inputs)
    same = inputs[:1].repeat(16, 1, 1, 1)  # identical codes: a singular kernel
    assert proxies.compute("naswot", small_net(), same) == float("-inf")


def test_params_and_flops():
    net = nn.Sequential(nn.Linear(10, 5), nn.ReLU(), nn.Linear(5, 2))
    assert proxies.compute("params", net) == 10 * 5 + 5 + 5 * 2 + 2
    assert proxies.compute("flops", net, torch.zeros(4, 10)) == 10 * 5 + 5 * 2


def test_bad_requests_are_clear(batch):
    with pytest.raises(ValueError, match="unknown proxy 'zen'"):
        proxies.compute("zen", small_net(), batch[0])
    with pytest.raises(ValueError, match="needs a batch"):
        proxies.compute("snip", small_net())
    with pytest.raises(ValueError, match="needs the batch's labels"):
        proxies.compute("snip", small_net(), batch[0])
