import numpy as np
import pytest

from weaknas.spaces import NB201Space
from weaknas.spaces.nb201 import OPS

BEST_C10 = (
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|"
    "+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|"
)


def test_size_and_roundtrip_of_every_architecture():
    space = NB201Space()
    assert space.size == 15625
    strings = [space.to_string(i) for i in range(space.size)]
    assert len(set(strings)) == space.size
    assert [space.from_string(s) for s in strings] == list(range(space.size))


def test_index_is_base5_of_op_codes_in_edge_order():
    space = NB201Space()
    index = space.from_string(BEST_C10)
    assert space.op_codes(index) == (3, 3, 3, 1, 3, 2)
    assert index == int("333132", 5)
    assert space.to_string(index) == BEST_C10


def test_features_are_one_hot_per_edge():
    space = NB201Space()
    features = space.features
    assert features.shape == (15625, 30) and features.dtype == np.uint8
    assert np.all(features.reshape(-1, 6, 5).sum(axis=2) == 1)
    codes = space.all_op_codes()
    assert np.array_equal(features.reshape(-1, 6, 5).argmax(axis=2), codes)
    assert not features.flags.writeable


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|", "3 node groups"),
        (BEST_C10.replace("nor_conv_1x1~2", "conv_5x5~2"), "conv_5x5"),
        (BEST_C10.replace("skip_connect~0", "skip_connect~2"), "skip_connect~2"),
        (BEST_C10.replace("|nor_conv_3x3~1|+", "|+"), "2 edge(s)"),
        (BEST_C10.replace("nor_conv_3x3~0|+", "nor_conv_3x3|+", 1), "nor_conv_3x3"),
        ("", "3 node groups"),
    ],
)
def test_invalid_strings_name_the_bad_part(text, names):
    with pytest.raises(ValueError, match="nb201") as info:
        NB201Space().from_string(text)
    assert names in str(info.value)


@pytest.mark.parametrize("index", [-1, 15625, 2.5, "3", True])
def test_invalid_indices(index):
    with pytest.raises(ValueError, match="index"):
        NB201Space().to_string(index)


def test_ops_order_matches_the_benchmark():
    assert OPS == ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")


def test_onehot_plus_counts_encoding():
    space = NB201Space()
    both = space.encode("onehot+counts")
    assert both.shape == (15625, 35)
    np.testing.assert_array_equal(both[:, :30], space.features)
    np.testing.assert_array_equal(both[:, 30:].sum(axis=1), 6)
    index = space.from_string(BEST_C10)  # ops 3,3,3,1,3,2
    np.testing.assert_array_equal(both[index, 30:], [0, 1, 1, 4, 0])
    assert space.encode("onehot+counts") is both  # built once
    with pytest.raises(ValueError, match="unknown encoding"):
        space.encode("paths")


def test_graph_features_of_cells_counted_by_hand():
    """NB201's cifar10 optimum: every path open; one skip-only path (0->3), one
    3x3-only path (0->1->3); 1x1 at most once, 3x3 at most twice, 3 convolutions on
    0->1->2->3; the shortest open path one edge; no dead edge. An all-none cell: nothing
    open, all 6 edges dead. A cell whose output hangs on 2->3 only, with 0->2 closed."""
    from weaknas.spaces.nb201 import NB201Space

    space = NB201Space()
    features = space.encode("graf")[:, 35:]
    cell = (
        "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|"
        "+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|"
    )
    assert features[space.from_string(cell)].tolist() == [4, 1, 0, 1, 0, 1, 2, 3, 1, 0]
    empty = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"
    assert features[space.from_string(empty)].tolist() == [0] * 9 + [6]
    chain = "|avg_pool_3x3~0|+|none~0|avg_pool_3x3~1|+|none~0|none~1|avg_pool_3x3~2|"
    assert features[space.from_string(chain)].tolist() == [1, 0, 0, 0, 1, 0, 0, 0, 3, 3]


def test_bananas_mutation_changes_each_edge_with_probability_one_in_four():
    """naszilla's NB201 mutation: each of the 6 edges, w.p. rate / 4, to another op."""
    space = NB201Space()
    rng = np.random.default_rng(0)
    parent = space.from_string(BEST_C10)
    codes = np.array(space.op_codes(parent))
    changed = np.array(
        [np.array(space.op_codes(space.mutate_at_rate(parent, rng))) != codes for _ in range(4000)]
    )
    assert abs(changed.mean() - 0.25) < 0.02  # per edge
    assert abs(changed.sum(axis=1).mean() - 1.5) < 0.06  # 1.5 edits expected
    assert (changed.sum(axis=1) == 0).mean() > 0.1  # sometimes the parent itself
    twice = space.mutate_at_rate(parent, np.random.default_rng(1), rate=2.0)
    assert twice == space.mutate_at_rate(parent, np.random.default_rng(1), rate=2.0)


def test_path_encoding_counts_each_open_path_by_its_ops():
    space = NB201Space()
    path = space.encode("path")
    assert path.shape == (15625, 84)
    row = path[space.from_string(BEST_C10)]
    # 0->3 skip; 0->1->3 3x3,3x3; 0->2->3 3x3,1x1; 0->1->2->3 3x3,3x3,1x1 (codes 0..3 of
    # skip, 1x1, 3x3, pool; sequences of one op, then two, then three)
    expected = {0: 1, 4 + 2 * 4 + 2: 1, 4 + 2 * 4 + 1: 1, 20 + 2 * 16 + 2 * 4 + 1: 1}
    assert {int(i): int(row[i]) for i in np.flatnonzero(row)} == expected
    all_none = space.from_op_codes([0] * 6)
    assert path[all_none].sum() == 0
    same_paths = space.from_op_codes([1, 1, 0, 0, 1, 1])  # 0->1->3 and 0->2->3 both skip,skip
    assert path[same_paths][4 + 0] == 2 and path[same_paths].sum() == 2


def test_synflow_encoding_is_the_rank_of_the_shipped_scores_which_the_proxy_reproduces():
    pytest.importorskip("torch")
    from importlib.resources import as_file, files

    from weaknas.evaluators.proxy_objective import ProxyObjective
    from weaknas.spaces.nb201 import SYNFLOW_FILE

    space = NB201Space()
    with as_file(files("weaknas.spaces").joinpath(SYNFLOW_FILE)) as path:
        scores = np.load(path)["synflow"]
    assert scores.shape == (space.size,) and np.isfinite(scores).all()
    # the file holds what the project's own proxy computes for these cells
    proxy = ProxyObjective("nb201", "synflow")
    cells = [0, int("333333", 5), int("421211", 5), 12_345]
    for index in cells:
        computed = proxy(space.to_string(index))["value"]
        assert computed == pytest.approx(scores[index], rel=1e-6)
    features = space.encode("graf+synflow")
    assert features.shape == (space.size, 46) and features.dtype == np.uint16
    ranks = features[:, -1]
    # order-preserving, ties shared: a higher score never gets a lower rank
    order = np.argsort(scores, kind="stable")
    assert (np.diff(ranks[order].astype(int)) >= 0).all()
    assert (ranks[scores == 0] == 0).all() and ranks.max() == len(np.unique(scores)) - 1
    assert (space.encode("onehot+counts+synflow")[:, -1] == ranks).all()
