"""The DARTS cell space: genotype text, canonical rows, encodings, the seeded pool."""

from __future__ import annotations

import numpy as np
import pytest

from weaknas.spaces.darts import (
    EDGES,
    OPS,
    PUBLISHED,
    DartsSpace,
    canonical,
    encode_rows,
    format_genotype,
    mutate_row,
    parse_genotype,
    sample_rows,
)


@pytest.fixture(scope="module")
def space() -> DartsSpace:
    return DartsSpace(pool_size=3000, seed=0)


def test_published_genotypes_parse_and_print_canonically():
    for text in PUBLISHED.values():
        row = parse_genotype(text)
        assert np.array_equal(parse_genotype(format_genotype(row)), row)
    v2 = format_genotype(parse_genotype(PUBLISHED["DARTS_V2"]))
    # node 4 of the normal cell is ('sep_conv_3x3', 1), ('skip_connect', 0): printed by input
    assert "('skip_connect', 0), ('sep_conv_3x3', 1)" in v2
    assert v2.endswith("reduce_concat=[2, 3, 4, 5])")


def test_random_genotypes_round_trip_and_swapped_inputs_agree():
    rng = np.random.default_rng(0)
    rows = sample_rows(1000, rng)
    for row in rows:
        text = format_genotype(row)
        assert format_genotype(parse_genotype(text)) == text
    swapped = rows.reshape(-1, 2, 4, 2, 2)[:, :, :, ::-1].reshape(rows.shape)
    assert np.array_equal(canonical(swapped), rows)
    inputs = rows.reshape(-1, 2, 4, 2, 2)[..., 0]
    assert (inputs[..., 0] != inputs[..., 1]).all()  # two different inputs per node
    assert all(inputs[:, :, node].max() <= node + 1 for node in range(4))


def test_per_node_lists_and_range_concat_are_accepted():
    text = PUBLISHED["DARTS_V2"].replace("[2, 3, 4, 5]", "range(2, 6)")
    assert np.array_equal(parse_genotype(text), parse_genotype(PUBLISHED["DARTS_V2"]))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("'sep_conv_3x3', 0", "'conv_7x7', 0"), "normal edge 0 \\(node 2\\) has unknown op"),
        (("('dil_conv_3x3', 2)", "('dil_conv_3x3', 5)"), "normal edge 7 \\(node 5\\) reads node 5"),
        (("('dil_conv_3x3', 2)], normal", "], normal"), "needs 8 \\(op, input\\) pairs"),
        (("normal_concat=[2, 3, 4, 5]", "normal_concat=[2, 5]"), "normal_concat must be"),
        (("Genotype(", "__import__('os').system("), "expected Genotype"),
        (
            (
                "('sep_conv_3x3', 1), ('sep_conv_3x3', 0)",
                "('sep_conv_3x3', 1), ('sep_conv_3x3', 1)",
            ),
            "reads input 1 twice",
        ),
    ],
)
def test_malformed_genotypes_name_the_part(change, message):
    text = PUBLISHED["DARTS_V2"].replace(*change, 1)
    assert text != PUBLISHED["DARTS_V2"]
    with pytest.raises(ValueError, match=message):
        parse_genotype(text)


def test_the_text_is_never_evaluated():
    with pytest.raises(ValueError):
        parse_genotype("Genotype(normal=__import__('os').getcwd(), reduce=[])")


def test_duplicate_inputs_when_admitted():
    text = PUBLISHED["DARTS_V2"].replace(
        "('sep_conv_3x3', 1), ('sep_conv_3x3', 0)", "('sep_conv_3x3', 1), ('sep_conv_3x3', 1)", 1
    )
    row = parse_genotype(text, distinct_inputs=False)
    features = encode_rows(row[None], "adjacency")
    assert features.max() == 2  # the repeated edge counts twice
    rows = sample_rows(500, np.random.default_rng(1), distinct_inputs=False)
    inputs = rows.reshape(-1, 2, 4, 2, 2)[..., 0]
    assert (inputs[..., 0] == inputs[..., 1]).any()


def test_pool_is_seeded_distinct_and_indexed(space):
    assert space.size == 3000
    assert len(np.unique(space.rows, axis=0)) == 3000
    assert np.array_equal(DartsSpace(pool_size=3000, seed=0).rows, space.rows)
    assert not np.array_equal(DartsSpace(pool_size=3000, seed=1).rows, space.rows)
    for index in (0, 17, 2999):
        assert space.from_string(space.to_string(index)) == index
    with pytest.raises(ValueError, match="not in this pool"):
        space.from_string(PUBLISHED["DARTS_V2"])


def test_encodings(space):
    features = space.encode("adjacency")
    assert features.shape == (3000, 2 * len(EDGES) * len(OPS))
    assert (features.sum(axis=1) == 16).all()  # 8 edges per cell, one op each
    counts = space.encode("adjacency+counts")[:, features.shape[1] :]
    assert counts.shape[1] == 14 and (counts.sum(axis=1) == 16).all()


def test_neighbours_are_the_closest_pool_members(space):
    found = space.neighbours(5)
    assert len(found) == space.n_neighbours and 5 not in found
    edges = space.rows.reshape(-1, 16, 2)
    distance = (edges != edges[5]).any(axis=-1).sum(axis=1)
    assert distance[found].max() <= np.sort(np.delete(distance, 5))[space.n_neighbours - 1]


def test_a_mutation_always_changes_the_canonical_genotype():
    rng = np.random.default_rng(2)
    for row in sample_rows(500, rng):
        child = mutate_row(row, rng)
        assert not np.array_equal(child, row)
        assert (child.reshape(-1, 2)[:, 0] != row.reshape(-1, 2)[:, 0]).sum() <= 2
        edges_changed = (child.reshape(16, 2) != row.reshape(16, 2)).any(axis=1).sum()
        assert edges_changed <= 2  # one edit, maybe re-ordered within its node
        reparsed = parse_genotype(format_genotype(child))  # still a valid genotype
        assert np.array_equal(reparsed, child)


DARTS_OBJECTIVE = '''
def convolutions(genotype):
    """A cheap stand-in for training: more separable convolutions score higher."""
    return genotype.count("sep_conv") + 0.1 * genotype.count("dil_conv")
'''


def test_search_darts_from_the_command_line(tmp_path, capsys, monkeypatch):
    import json

    from weaknas.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "darts_objective.py").write_text(DARTS_OBJECTIVE)
    args = ["search", "--space", "darts", "--pool", "400", "--objective"]
    args += ["darts_objective:convolutions", "--budget", "60", "--quiet", "--out", "run"]
    assert main(args) == 0
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["n_queries"] == 60 and summary["best_value"] >= 8
    assert main(["search", "--resume", "run"]) == 0  # the pool is rebuilt identically
    capsys.readouterr()
    assert main(["search", "--pool", "50", "--objective", "darts_objective:convolutions"]) == 2
    assert "--pool is for spaces searched over a candidate pool" in capsys.readouterr().err
    # the analytic costs as a second objective: the front trades convolutions for MFLOPs
    import pandas as pd

    args = ["search", "--space", "darts", "--pool", "400", "--objective"]
    args += ["darts_objective:convolutions", "--budget", "30", "--quiet", "--out", "front"]
    assert main([*args, "--objectives", "value:max,mflops:min"]) == 0

    front = pd.read_parquet(tmp_path / "front" / "pareto.parquet").sort_values("mflops")
    assert len(front) >= 2 and front["value"].is_monotonic_increasing


def test_every_evaluation_records_the_genotypes_analytic_costs():
    """A search of any objective over the DARTS space records each genotype's MFLOPs and
    parameters (known before evaluation, no network built), and a bound on them holds."""
    from weaknas import search

    space = DartsSpace(pool_size=60, seed=2)
    known = space.known_metrics()
    assert set(known) == {"mflops", "params_m"}
    bound = float(np.median(known["params_m"]))
    result = search(
        lambda config: float(len(config)),
        space,
        budget=10,
        n_init=5,
        constraints=[f"params_m<={bound}"],
    )
    table = result.evaluations
    assert (table["mflops"].to_numpy() == known["mflops"][table["index"]]).all()
    assert (table["params_m"].to_numpy() == known["params_m"][table["index"]]).all()
    assert (table["params_m"] <= bound).all()
