"""OFA's MobileNetV3 space: canonical rows, OFA's text form, encodings, costs, the pool."""

from __future__ import annotations

import json

import numpy as np
import pytest

from weaknas.spaces.mobilenetv3 import (
    ROW,
    MobileNetV3Space,
    active_blocks,
    canonical,
    encode_rows,
    format_config,
    mutate_row,
    parse_config,
    sample_rows,
)
from weaknas.spaces.mobilenetv3_layout import RESOLUTIONS, Layout

# OFA's published "flops@595M_top1@80.0_finetune@75" (w1.2, image size 236), read off its
# net.config: OFA's README lists it as 595M MACs and 9.1M parameters.
OFA_595M = {
    "ks": [3, 5, 3, 3, 5, 5, 3, 5, 7, 5, 3, 5, 3, 5, 7, 3, 3, 3, 5, 3],
    "e": [3, 4, 3, 3, 4, 4, 6, 3, 6, 6, 3, 4, 6, 6, 6, 4, 6, 6, 6, 3],
    "d": [3, 4, 4, 4, 4],
    "r": 236,
}


@pytest.fixture(scope="module")
def space() -> MobileNetV3Space:
    return MobileNetV3Space(pool_size=2000, seed=0)


def test_the_space_is_exported():
    import weaknas.spaces

    assert weaknas.spaces.MobileNetV3Space is MobileNetV3Space


def test_layout_widths_are_ofas():
    assert Layout.of(1.0).stage_widths == (24, 40, 80, 112, 160)
    wide = Layout.of(1.2)
    assert (wide.stem, wide.first_block, wide.stage_widths) == (24, 24, (32, 48, 96, 136, 192))
    assert (wide.final_expand, wide.last_channel) == (1152, 1536)


def test_blocks_beyond_a_stage_depth_do_not_make_another_architecture():
    a = dict(OFA_595M, r=224)
    b = json.loads(json.dumps(a))
    b["d"][0] = 2
    b["ks"][2], b["e"][2] = 7, 6  # stage 1, block 3: switched off by depth 2
    c = json.loads(json.dumps(b))
    c["ks"][2], c["e"][2] = 0, None  # written as nothing
    assert np.array_equal(parse_config(b), parse_config(c))
    assert not np.array_equal(parse_config(a), parse_config(b))
    assert parse_config(b)[2] == 0 and format_config(parse_config(b))["ks"][2] == 3


def test_text_round_trips_and_accepts_ofas_list_resolution(space):
    for index in range(space.size):
        assert space.from_string(space.to_string(index)) == index
    config = space.config(7)
    assert space.from_string(json.dumps(dict(config, r=[config["r"]], wid=None))) == 7
    fixed = MobileNetV3Space(pool_size=10, resolutions=224)
    text = fixed.config(3)
    del text["r"]
    assert fixed.from_string(json.dumps(text)) == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"x": 1}, r"unknown field\(s\) \['x'\]"),
        ({"ks": [3] * 19}, "'ks' must be a list of 20 numbers"),
        ({"d": [3, 4, 5, 4, 4]}, r"d\[2\] = 5; expected one of \(2, 3, 4\)"),
        ({"e": [3] * 19 + [5]}, r"e\[19\] = 5 \(stage 5, active\)"),
        ({"ks": [3] * 19 + [True]}, r"ks\[19\] = True is not a whole number"),
        ({"r": 225}, "r = 225; this space takes 128..224"),
        ({"r": 224.0}, "r = 224.0"),
        ({"wid": 1}, "'wid' must be null"),
    ],
)
def test_malformed_configurations_name_the_field(change, message):
    with pytest.raises(ValueError, match=message):
        parse_config({**OFA_595M, "r": 224, **change})
    with pytest.raises(ValueError, match="'r' is missing"):
        parse_config({k: v for k, v in OFA_595M.items() if k != "r"})
    with pytest.raises(ValueError, match="not JSON"):
        parse_config("{'ks': [3]}")


def test_a_valid_subnetwork_outside_the_pool_is_named(space):
    with pytest.raises(ValueError, match="valid sub-network but not in this pool"):
        space.from_string(json.dumps(dict(OFA_595M, r=128, ks=[7] * 20)))


def test_published_ofa_subnetwork_costs():
    space = MobileNetV3Space(pool_size=10, width_mult=1.2, resolutions=236)
    row = parse_config(OFA_595M, (236,))
    assert space.macs(row[None])[0] == pytest.approx(595.189032)  # OFA: 595M
    assert space.params(row[None])[0] == pytest.approx(9.135928)  # OFA: 9.1M


def _make_divisible(value: float, divisor: int = 8) -> int:
    """OFA's channel rounding (its ``make_divisible``): nearest multiple of 8, never
    more than 10% down."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def independent_count(width: float, config: dict, classes: int = 1000) -> tuple[float, float]:
    """Multiply-adds and parameters (millions) of an OFA MobileNetV3 sub-network, counted
    here from OFA's architecture as its paper and code define it, not from weaknas's
    layout: stem 3x3/2; a first block (depthwise 3x3, pointwise); five stages of 2-4
    inverted residuals (1x1 expand to make_divisible(in * e), k x k depthwise, squeeze-
    excitation to mid // 4 in stages 2, 4, 5, 1x1 project); final 1x1 expand; pooling;
    a bias-free 1x1 feature mix; the classifier. Convolution and linear multiply-adds
    (OFA's count), parameters with batch-norm scales and shifts."""
    base = (16, 16, 24, 40, 80, 112, 160, 960)
    stem, first, *stages, final = (_make_divisible(c * width) for c in base)
    last = _make_divisible(1280 * width) if width > 1 else 1280
    macs = params = 0

    def conv(side, c_in, c_out, k, stride=1, groups=1, bn=True, bias=False):
        nonlocal macs, params
        out = (side + 2 * (k // 2) - k) // stride + 1
        macs += out * out * c_in * c_out * k * k // groups
        params += c_in * c_out * k * k // groups + 2 * c_out * bn + c_out * bias
        return out

    side = conv(config["r"], 3, stem, 3, 2)
    side = conv(side, stem, stem, 3, groups=stem)
    side = conv(side, stem, first, 1)
    c_in = first
    for stage, (stride, se) in enumerate(zip((2, 2, 2, 1, 2), (0, 1, 0, 1, 1), strict=True)):
        for b in range(config["d"][stage]):
            k, e = config["ks"][4 * stage + b], config["e"][4 * stage + b]
            mid = _make_divisible(round(c_in * e))
            conv(side, c_in, mid, 1)
            side = conv(side, mid, mid, k, stride if b == 0 else 1, groups=mid)
            if se:
                reduced = _make_divisible(mid // 4)
                conv(1, mid, reduced, 1, bn=False, bias=True)
                conv(1, reduced, mid, 1, bn=False, bias=True)
            conv(side, mid, stages[stage], 1)
            c_in = stages[stage]
    conv(side, c_in, final, 1)
    conv(1, final, last, 1, bn=False)
    macs += last * classes
    params += last * classes + classes
    return macs / 1e6, params / 1e6


def test_costs_equal_an_independent_count_of_ofas_architecture():
    """The extremes, OFA's published sub-network and 100 random ones per width, against
    the count above (``benchmarks/mobilenetv3_costs.py`` also checks the ofa package's)."""
    small = {"ks": [3] * 20, "e": [3] * 20, "d": [2] * 5}
    large = {"ks": [7] * 20, "e": [6] * 20, "d": [4] * 5}
    assert independent_count(1.0, {**small, "r": 128}) == pytest.approx((41.476224, 3.410792))
    assert independent_count(1.0, {**large, "r": 224}) == pytest.approx((566.170656, 7.66476))
    assert independent_count(1.2, OFA_595M) == pytest.approx((595.189032, 9.135928))
    for width in (1.0, 1.2):
        space = MobileNetV3Space(pool_size=100, seed=3, width_mult=width, resolutions=RESOLUTIONS)
        configs = [small | {"r": 128}, large | {"r": 224}]
        rows = [parse_config(c) for c in configs] + list(space.rows)
        for row in rows:
            expected = independent_count(width, format_config(row))
            costs = (space.macs(row[None])[0], space.params(row[None])[0])
            assert costs == pytest.approx(expected, rel=1e-12), format_config(row)


def test_pool_is_seeded_distinct_and_within_the_flops_range():
    space = MobileNetV3Space(
        pool_size=500, seed=3, width_mult=1.2, resolutions=224, flops=(550, 600)
    )
    again = MobileNetV3Space(
        pool_size=500, seed=3, width_mult=1.2, resolutions=224, flops=(550, 600)
    )
    assert np.array_equal(space.rows, again.rows)
    assert len(np.unique(space.rows, axis=0)) == 500
    assert np.array_equal(canonical(space.rows), space.rows)
    macs = space.macs()
    assert macs.min() >= 550 and macs.max() <= 600
    assert "550-600" in space.fingerprint() and "550-600 MFLOPs" in repr(space)


def test_an_unreachable_flops_range_is_refused_quickly():
    with pytest.raises(ValueError, match="no sub-network lies within 900-950 MFLOPs"):
        MobileNetV3Space(pool_size=5, width_mult=1.0, flops=(900, 950))
    with pytest.raises(ValueError, match="only 0 of .* lie within 566.1-566.2 MFLOPs"):
        MobileNetV3Space(pool_size=5, width_mult=1.0, flops=(566.1, 566.2))  # the largest: 1 in 3e9
    with pytest.raises(ValueError, match="width_mult 1.5"):
        MobileNetV3Space(width_mult=1.5)
    with pytest.raises(ValueError, match="resolutions"):
        MobileNetV3Space(resolutions=(224, 16))


def test_encodings(space):
    integer = space.encode("integer")
    assert integer.shape == (space.size, 46) and integer.dtype == np.float32
    onehot = space.encode("onehot")
    assert onehot.shape == (space.size, 20 * 6 + 15 + len(RESOLUTIONS))
    active = active_blocks(space.rows).sum(axis=1)
    assert np.array_equal(onehot[:, :120].sum(axis=1), 2 * active)
    counts = space.encode("onehot+counts")[:, onehot.shape[1] :]
    assert np.array_equal(counts.sum(axis=1), 2 * active)
    fixed = encode_rows(space.rows[:5], "integer", resolutions=(224,))
    assert fixed.shape == (5, 45)  # no resolution column when it cannot vary


def test_mutation_changes_exactly_one_thing_and_stays_canonical():
    rng = np.random.default_rng(0)
    rows = sample_rows(300, rng)
    for row in rows:
        child = mutate_row(row, rng)
        assert not np.array_equal(child, row)
        assert np.array_equal(canonical(child)[0], child)
        changed_depths = (child[40:45] != row[40:45]).sum()
        changed_r = int(child[45] != row[45])
        if changed_r:
            assert abs(int(child[45]) - int(row[45])) == 4
        assert changed_depths + changed_r <= 1
        if changed_depths + changed_r == 0:
            assert (child[:40] != row[:40]).sum() == 1


def test_neighbours_are_the_closest_pool_members(space):
    near = space.neighbours(0)
    assert len(near) == 24 and 0 not in near
    distance = (space.rows != space.rows[0]).sum(axis=1)
    assert distance[near].max() <= np.sort(distance[1:])[23]


def test_pool_growth_adds_valid_unseen_members_to_a_copy_only():
    space = MobileNetV3Space(
        pool_size=300, seed=1, width_mult=1.2, resolutions=224, flops=(550, 600)
    )
    features = space.encode("onehot").copy()
    grown = space.grown_copy()
    rng = np.random.default_rng(0)
    added = grown.add_mutations(np.arange(5), 40, rng)
    assert len(added) > 0 and np.array_equal(added, np.arange(300, 300 + len(added)))
    assert space.size == 300 and np.array_equal(space.encode("onehot"), features)
    assert len(np.unique(grown.rows, axis=0)) == grown.size
    macs = grown.macs(grown.rows[added])
    assert macs.min() >= 550 and macs.max() <= 600
    assert np.array_equal(grown.encode("onehot"), encode_rows(grown.rows, "onehot", (224,)))
    for index in added:
        assert grown.from_string(grown.to_string(int(index))) == index
    assert grown.rows.shape[1] == ROW


MBV3_OBJECTIVE = """
def big_kernels(config):
    return sum(config["ks"][:4]) - 0.1 * config["r"] / 4
"""


def test_search_mobilenetv3_from_the_command_line(tmp_path, capsys, monkeypatch):
    from weaknas.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "mbv3_objective.py").write_text(MBV3_OBJECTIVE)
    args = ["search", "--preset", "ofa-paper", "--pool", "600", "--objective"]
    args += ["mbv3_objective:big_kernels", "--budget", "140", "--n-init", "40"]
    args += ["--batch-size", "20", "--top-m", "60", "--pool-grow", "30", "--quiet", "--out", "run"]
    assert main(args) == 0
    cli = json.loads((tmp_path / "run" / "cli.json").read_text())
    assert (cli["space"], cli["width"], cli["resolution"], cli["flops"]) == (
        "mobilenetv3",
        1.2,
        224,
        "550:600",
    )
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["options"]["predictor"] == "lgbm" and run["options"]["target"] == "value"
    assert run["options"]["n_init"] == 40 and run["options"]["pool_grow"] == 30
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["n_queries"] == 140
    assert main(["search", "--resume", "run"]) == 0  # the pool is rebuilt identically
    capsys.readouterr()
    bad = [
        (["--space", "darts", "--flops", "1:2"], "--flops: settings of --space mobilenetv3"),
        (["--preset", "ofa-paper", "--space", "darts"], "searches --space mobilenetv3, not"),
        (["--space", "mobilenetv3", "--flops", "600:550"], "expected LOW:HIGH"),
        (["--space", "nb201", "--pool-grow", "5"], "nb201 holds every architecture already"),
    ]
    for extra, message in bad:
        assert main(["search", "--objective", "mbv3_objective:big_kernels", *extra]) == 2
        assert message in capsys.readouterr().err
    assert main(["search", "--preset", "ofa-paper"]) == 2
    assert "give the --objective" in capsys.readouterr().err


def test_guide_mobilenetv3_command_runs_as_pasted(tmp_path, monkeypatch, capsys):
    """The newcomer's command: a synflow search of OFA sub-networks in well under minutes."""
    import shlex
    from pathlib import Path

    from weaknas.cli import main
    from weaknas.testing.extras import require

    require("torch")
    guide = (Path(__file__).parents[2] / "docs" / "benchmark-studies.md").read_text()
    line = next(x for x in guide.splitlines() if x.startswith("weaknas search --space mobilenetv3"))
    args = shlex.split(line.partition("#")[0])[1:]
    monkeypatch.chdir(tmp_path)
    assert main(args) == 0
    summary = json.loads((tmp_path / "runs" / "mbv3" / "summary.json").read_text())
    assert summary["n_queries"] == 50 and summary["n_failed"] == 0
    assert "best" in capsys.readouterr().out


def test_every_evaluation_records_the_sub_networks_analytic_costs():
    """A search of any objective over the MobileNetV3 space records each sub-network's
    MFLOPs and parameters (known before evaluation), beside what the objective returned."""
    from weaknas import search

    space = MobileNetV3Space(pool_size=50, seed=1)
    result = search(lambda config: float(sum(config["d"])), space, budget=12, n_init=5)
    table = result.evaluations
    assert (table["mflops"].to_numpy() == space.macs()[table["index"]]).all()
    assert (table["params_m"].to_numpy() == space.params()[table["index"]]).all()
