"""DARTS networks: the published sizes, a forward pass, and what the counters count."""

from weaknas.testing.extras import require

torch = require("torch")

from torch import nn  # noqa: E402

from weaknas.spaces.darts import PUBLISHED, parse_genotype  # noqa: E402
from weaknas.training.darts_net import (  # noqa: E402
    cifar_network,
    count_multiply_adds,
    count_parameters,
    imagenet_network,
)

V2 = parse_genotype(PUBLISHED["DARTS_V2"])


def test_darts_v2_sizes_match_the_paper():
    """DARTS (Liu et al., ICLR 2019): 3.3M parameters on CIFAR-10 (C=36, 20 cells, Table 1);
    4.7M in the ImageNet mobile setting (C=48, 14 cells, Table 3). Within 3%."""
    cifar = cifar_network(V2, auxiliary=True)
    assert abs(count_parameters(cifar) / 3.3e6 - 1) < 0.03
    assert count_parameters(cifar) < sum(p.numel() for p in cifar.parameters())  # aux excluded
    imagenet = imagenet_network(V2)
    assert abs(count_parameters(imagenet) / 4.7e6 - 1) < 0.03


def test_multiply_adds_are_those_of_convolutions_and_linear_layers():
    net = cifar_network(V2, channels=8, layers=5)
    counted = []

    def hook(module, inputs, output):
        if isinstance(module, nn.Conv2d):
            per_output = module.in_channels // module.groups * module.kernel_size[0] ** 2
            counted.append(output.numel() * per_output)
        elif isinstance(module, nn.Linear):
            counted.append(module.in_features * module.out_features)

    for module in net.modules():
        module.register_forward_hook(hook)
    assert count_multiply_adds(net, 32) == sum(counted)


def test_forward_with_and_without_the_auxiliary_head():
    net = cifar_network(parse_genotype(PUBLISHED["PC_DARTS"]), 8, 5, auxiliary=True)
    logits, auxiliary = net(torch.zeros(2, 3, 32, 32))
    assert logits.shape == auxiliary.shape == (2, 10)
    net.eval()
    assert net(torch.zeros(2, 3, 32, 32)).shape == (2, 10)
    small = imagenet_network(V2, channels=8, layers=5, num_classes=7).eval()
    assert small(torch.zeros(1, 3, 224, 224)).shape == (1, 7)


def test_darts_genotypes_train_on_digits():
    from weaknas.spaces.darts import format_genotype
    from weaknas.training.train_objective import DigitsObjective

    objective = DigitsObjective(epochs=2, seed=0, space="darts")
    result = objective(format_genotype(V2))
    assert result["value"] > 30  # 10 classes: chance is 10%
    assert result["parameters"] == count_parameters(objective.network(format_genotype(V2)))


def test_analytic_costs_equal_the_built_networks_counts():
    """``DartsSpace.known_metrics`` (no network built) counts exactly what the built
    CIFAR network has: the published genotypes and random pool members, at the paper's
    size and a small one."""
    import numpy as np

    from weaknas.spaces.darts import DartsSpace
    from weaknas.spaces.darts_costs import DartsCosts

    space = DartsSpace(pool_size=3, seed=1)
    rows = np.array([parse_genotype(text) for text in PUBLISHED.values()] + list(space.rows))
    for channels, layers in ((36, 20), (8, 5)):
        macs, params = DartsCosts(channels=channels, layers=layers).of(rows)
        for row, row_macs, row_params in zip(rows, macs, params, strict=True):
            network = cifar_network(row, channels=channels, layers=layers)
            assert count_multiply_adds(network, 32) == row_macs
            assert count_parameters(network) == row_params
    known = space.known_metrics()  # millions, of the paper's network
    for index, row in enumerate(space.rows):
        network = cifar_network(row)
        assert round(known["mflops"][index] * 1e6) == count_multiply_adds(network, 32)
        assert round(known["params_m"][index] * 1e6) == count_parameters(network)
