"""The NAS-Bench-Graph space: one index per distinct network, the benchmark's own hashes."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from weaknas.spaces.nbgraph import LINKS, OPS, PROTEINS_OPS, NBGraphSpace
from weaknas.testing.extras import require


@pytest.fixture(scope="module")
def space() -> NBGraphSpace:
    return NBGraphSpace()


def test_sizes_are_the_benchmarks():
    assert NBGraphSpace().size == 26_206
    assert NBGraphSpace(PROTEINS_OPS).size == 2_021


def test_text_form_round_trips_every_architecture(space):
    for index in range(space.size):
        assert space.from_string(space.to_string(index)) == index
        assert space.from_choices(space.to_choices(index)) == index
        link, ops = space.form(index)
        assert space.from_form(link, ops) == index
        assert space.architecture(index) == {"link": list(link), "ops": list(ops)}


def test_forms_of_one_network_share_an_index(space):
    # Nodes may be listed in any order (the benchmark README's example lists node 4's
    # input as 2 where it means 3: its own hash also tells those two apart).
    readme = space.from_form([0, 1, 2, 1], ["gcn", "gin", "fc", "cheb"])
    assert readme == space.from_form([0, 1, 1, 3], ["gcn", "cheb", "gin", "fc"])
    assert readme != space.from_form([0, 1, 1, 2], ["gcn", "cheb", "gin", "fc"])
    # Skip is the identity: a skip between two nodes, or a lone skip after the last one,
    # leaves the network a chain of gcn, gin and sage.
    chain = space.from_string("gcn~0|gin~1|sage~2|skip~3")
    assert space.from_string("gcn~0|skip~1|gin~2|sage~3") == chain
    assert space.from_string("skip~0|gcn~1|gin~2|sage~3") == chain
    # A skip beside another successor is a residual output: another network.
    assert space.from_string("gcn~0|gin~1|sage~2|skip~2") != chain


def test_hashes_are_the_benchmarks_keys(space):
    assert space.to_string(0) == "gat~0|gat~0|gat~0|gat~0" and space.hashes[0] == 0
    # the largest key: the chain gcn -> ... is parked behind skips as the benchmark does
    assert space.hashes[-1] == 88887
    assert space.form(space.size - 1) == ((0, 1, 2, 3), ("skip", "skip", "skip", "fc"))
    assert np.all(np.diff(space.hashes) > 0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("gcn~0|gin~1|fc~2", "must have 4 nodes"),
        ("gcn~0|gin~1|fc~2|conv~1", "unknown op 'conv'"),
        ("gcn~0|gin~2|fc~2|sage~1", "node 2 takes input 2"),
        ("gcn~0|gin~1|fc~2|sage", "'sage' in"),
        ("skip~0|skip~1|skip~2|skip~3", "every node is skip"),
    ],
)
def test_bad_text_names_the_part(space, text, message):
    with pytest.raises(ValueError, match=message):
        space.from_string(text)


def test_proteins_space_refuses_the_other_ops():
    with pytest.raises(ValueError, match="unknown op 'gat'"):
        NBGraphSpace(PROTEINS_OPS).from_string("gat~0|gcn~1|fc~2|sage~1")


def test_encodings(space):
    onehot = space.encode("onehot")
    assert onehot.shape == (space.size, len(LINKS) + 4 * len(OPS))
    assert (onehot.sum(axis=1) == 5).all()  # one link pattern, one op per node
    counts = space.encode("onehot+counts")[:, onehot.shape[1] :]
    assert (counts.sum(axis=1) == 4).all()
    assert len(np.unique(onehot, axis=0)) == space.size  # distinct networks, distinct rows
    assert NBGraphSpace(PROTEINS_OPS).encode("onehot+counts").shape == (2_021, 9 + 20 + 5)


def test_neighbours_are_one_edit_away(space):
    rng = np.random.default_rng(0)
    for index in rng.choice(space.size, 50, replace=False):
        found = space.neighbours(int(index))
        assert found and int(index) not in found and found == sorted(set(found))
        assert all(0 <= n < space.size for n in found)
        assert space.mutate(int(index), rng) in found


def test_same_networks_as_the_benchmark_package(space):
    """Every link/op list the benchmark's ``Arch`` accepts maps to its own hash."""
    architecture = require("nas_bench_graph.architecture")
    links = itertools.product(*(range(node) for node in range(1, 5)))
    checked = 0
    for link in links:
        for ops in itertools.product(OPS, repeat=4):
            if set(ops) == {"skip"}:
                continue
            expected = architecture.Arch(list(link), list(ops)).valid_hash()
            assert space.hashes[space.from_form(link, ops)] == expected, (link, ops)
            checked += 1
    assert checked == 24 * 9**4 - 24


def test_bananas_mutation_gives_networks_of_the_space(space):
    rng = np.random.default_rng(0)
    children = [space.mutate_at_rate(7, rng) for _ in range(300)]
    assert all(0 <= child < space.size for child in children)
    assert len(set(children)) > 20 and set(space.neighbours(7)) & set(children)
