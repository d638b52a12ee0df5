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


def test_grad_norm_and_snip_equal_their_definitions_computed_by_hand():
    """One bias-free linear layer, W = [[1, 2], [0, -1]], one input x = (1, 0.5) of class 0.
    Logits z = W x = (2, -0.5); softmax p; the cross-entropy gradient is (p - e0) x^T, so
    with q = 1 - p0 = p1 it is [[-q, -q/2], [q, q/2]]:
    grad_norm = its Frobenius norm = q sqrt(2.5); snip = sum |W * grad| = q + q + q/2."""
    import math

    layer = nn.Linear(2, 2, bias=False)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor([[1.0, 2.0], [0.0, -1.0]]))
    x, target = torch.tensor([[1.0, 0.5]]), torch.tensor([0])
    q = math.exp(-0.5) / (math.exp(2.0) + math.exp(-0.5))
    assert proxies.grad_norm(layer, x, target) == pytest.approx(q * math.sqrt(2.5), rel=1e-6)
    assert proxies.snip(layer, x, target) == pytest.approx(2.5 * q, rel=1e-6)
    # two layers: the sum over layers of each layer's own value (not a norm of the union)
    twice = nn.Sequential(layer, nn.Linear(2, 2, bias=False))
    with torch.no_grad():
        twice[1].weight.copy_(torch.eye(2))  # the same logits: the first layer's terms stand
    # layer 2's gradient is (p - e0) z^T = q [[-2, 0.5], [2, -0.5]]: Frobenius q sqrt(8.5)
    second = q * math.sqrt(8.5)
    assert proxies.grad_norm(twice, x, target) == pytest.approx(
        q * math.sqrt(2.5) + second, rel=1e-6
    )


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
