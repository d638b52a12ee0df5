"""``--objective proxy:NAME``: the space's network scored by a proxy, in any process."""

import pickle

import pytest

from weaknas.testing.extras import require

require("torch")

from weaknas.evaluators.proxy_objective import ProxyObjective, fixed_batch  # noqa: E402
from weaknas.spaces.darts import PUBLISHED  # noqa: E402

CONV = (
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|"
    "+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
)
POOLS = "|avg_pool_3x3~0|+|avg_pool_3x3~0|none~1|+|skip_connect~0|none~1|avg_pool_3x3~2|"


def test_fixed_batch_is_fixed():
    a, labels = fixed_batch(8)
    b, _ = fixed_batch(8)
    assert a.shape == (8, 3, 32, 32) and labels.shape == (8,) and (a == b).all()
    assert float(a.min()) >= 0 and float(a.max()) <= 1


@pytest.mark.parametrize("proxy", ["synflow", "naswot", "params"])
def test_nb201_proxies_rank_a_convolutional_cell_above_a_pooling_one(proxy):
    objective = pickle.loads(pickle.dumps(ProxyObjective("nb201", proxy)))  # process-ready
    conv, pools = objective(CONV), objective(POOLS)
    assert conv["value"] > pools["value"]
    assert conv == {**objective(CONV), "seconds": conv["seconds"]}  # deterministic
    assert conv["device"] == "cpu" and conv["parameters"] > pools["parameters"]


def test_darts_genotypes_are_scored():
    result = ProxyObjective("darts", "grad_norm")(PUBLISHED["DARTS_V2"])
    assert result["value"] > 0 and result["parameters"] > 1e5


def test_mobilenetv3_subnetworks_are_scored_at_their_own_resolution():
    from weaknas.spaces.mobilenetv3 import MobileNetV3Space

    space = MobileNetV3Space(pool_size=2, seed=0, width_mult=1.2, resolutions=(128, 160))
    config = space.config(0)
    params = ProxyObjective("mobilenetv3", "params", network_options={"width_mult": 1.2})
    assert params(config)["value"] == round(space.params(space.rows[:1])[0] * 1e6)
    flops = ProxyObjective("mobilenetv3", "flops", network_options={"width_mult": 1.2})
    assert flops(config)["value"] == round(space.macs(space.rows[:1])[0] * 1e6)
    result = ProxyObjective("mobilenetv3", "grad_norm", batch_size=4)(space.config(1))
    assert result["value"] > 0


def test_bad_objectives_are_clear():
    with pytest.raises(ValueError, match="unknown proxy; expected one of"):
        ProxyObjective("nb201", "zen")
    with pytest.raises(
        ValueError, match="builds networks of \\['darts', 'mobilenetv3', 'nb201'\\]"
    ):
        ProxyObjective("nb101", "synflow")
