import numpy as np
import pytest

from weaknas.spaces.nb101_cell import CONV3X3, INPUT, OUTPUT, cell_hash
from weaknas.spaces.nb101_encodings import (
    N_PATHS,
    adjacency_encoding,
    cell_statistics,
    edge_type_counts,
    pad_arrays,
    path_encoding,
)

OPTIMUM = (
    "input,conv1x1-bn-relu,conv3x3-bn-relu,maxpool3x3,conv3x3-bn-relu,conv3x3-bn-relu,output|"
    "0110011/0000010/0001000/0000100/0000010/0000001/0000000"
)


def test_space_round_trips_strings_hashes_and_other_vertex_orders(nb101):
    space = nb101.space
    assert space.size == 423_624
    assert space.from_string(OPTIMUM) == 4789 == nb101.optimum_index
    assert space.to_string(4789) == OPTIMUM
    assert space.from_string(space.hash_of(4789)) == 4789
    # Swap the two interior vertices 1 and 2 (both fed only by the input): same cell.
    cell = space.cell(4789)
    order = [0, 2, 1, 3, 4, 5, 6]
    swapped = cell.matrix[np.ix_(order, order)]
    ops = ",".join(
        ["input", "conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"]
        + ["conv3x3-bn-relu"] * 2
        + ["output"]
    )
    rows = "/".join("".join(map(str, row)) for row in swapped)
    assert np.triu(swapped, 1).sum() == swapped.sum()  # still upper triangular
    assert space.from_string(f"{ops}|{rows}") == 4789


def test_space_errors(nb101):
    space = nb101.space
    with pytest.raises(ValueError, match="no cell with hash"):
        space.from_string("f" * 32)
    with pytest.raises(ValueError, match="no path from input to output"):
        space.from_string("input,conv3x3,output|010/000/000")
    with pytest.raises(ValueError, match="out of range"):
        space.to_string(space.size)


def test_mutation_stays_in_the_space(nb101):
    rng = np.random.default_rng(1)
    index = 4789
    for _ in range(20):
        child = nb101.space.mutate(index, rng)
        assert child != index
        index = child


def _cells(nb101, rows):
    space = nb101.space
    return space.adjacency[rows], space.ops[rows], space.num_vertices[rows]


def test_adjacency_encoding_matches_its_definition(nb101):
    three_vertices = int(np.flatnonzero(nb101.space.num_vertices == 3)[0])
    rows = np.array([three_vertices, 4789, 100_000, 423_623])
    adj7, ops7 = pad_arrays(*_cells(nb101, rows))
    features = adjacency_encoding(adj7, ops7)
    assert features.shape == (4, 45) and features.dtype == np.uint8
    # The optimum is a 7-vertex cell: column j holds edges into vertex j, then its op.
    cell = nb101.space.cell(4789)
    op_bits = {1: 0, 2: 1, 3: 2, 4: 3}  # conv1x1, conv3x3, maxpool, output
    expected = []
    for j in range(1, 7):
        expected += list(cell.matrix[:j, j])
        onehot = [0, 0, 0, 0]
        onehot[op_bits[cell.ops[j]]] = 1
        expected += onehot
    assert features[1].tolist() == expected
    # A 3-vertex cell: its output moves to vertex 6, vertices 2..5 stay empty.
    small = nb101.space.cell(three_vertices)
    assert features[0, -10:-4].tolist() == [*small.matrix[:2, 2], 0, 0, 0, 0]
    assert features[0, 1:5].sum() == 1 and features[0, 7:-10].sum() == 0
    assert features[0].sum() == small.num_edges + 2  # edges, one interior op, output


def test_whole_space_encodings_are_distinct_and_compact(nb101):
    features = nb101.space.encode("adjacency")
    assert features.shape == (423_624, 45) and features.dtype == np.uint8
    assert len(np.unique(features, axis=0)) == 423_624


def test_path_encoding_lists_the_input_output_paths(nb101):
    adj7, ops7 = pad_arrays(*_cells(nb101, np.array([4789])))
    paths = path_encoding(adj7, ops7)
    assert paths.shape == (1, N_PATHS)
    # The optimum's edges: 0->1, 0->2, 0->5, 0->6, 1->5, 2->3, 3->4, 4->5, 5->6, with ops
    # 1 conv1x1, 2 conv3x3, 3 maxpool, 4 conv3x3, 5 conv3x3. Its input->output paths:
    # 0-6 (no op), 0-5-6, 0-1-5-6 and 0-2-3-4-5-6.
    cell = nb101.space.cell(4789)
    assert cell_hash(cell) == nb101.space.hash_of(4789)
    c1, c3, mp = 0, 1, 2  # base-3 digits of path ops

    def index(*ops):
        offset = sum(3**k for k in range(len(ops)))
        return offset + sum(op * 3 ** (len(ops) - 1 - i) for i, op in enumerate(ops))

    expected = {0, index(c3), index(c1, c3), index(c3, mp, c3, c3)}
    assert set(np.flatnonzero(paths[0]).tolist()) == expected


def test_cell_statistics_of_the_optimum(nb101):
    adj7, ops7 = pad_arrays(*_cells(nb101, np.array([4789])))
    stats = cell_statistics(adj7, ops7)[0].tolist()
    # 1 conv1x1, 3 conv3x3, 1 maxpool; 7 vertices, 9 edges; longest path 0-2-3-4-5-6 has
    # 5 edges; 4 input->output paths (listed above); input feeds 4, output has 2 inputs.
    assert stats == [1, 3, 1, 7, 9, 5, 4, 4, 2]
    features = nb101.space.encode("adjacency+stats")
    assert features.shape == (423_624, 54)
    assert features[4789, 45:].tolist() == stats


def test_edge_type_counts_of_the_optimum(nb101):
    adj7, ops7 = pad_arrays(*_cells(nb101, np.array([4789])))
    counts = edge_type_counts(adj7, ops7)[0].reshape(4, 4).tolist()
    # rows: from input, conv1x1, conv3x3, maxpool; columns: to conv1x1, conv3x3, maxpool, output
    assert counts == [[1, 2, 0, 1], [0, 1, 0, 0], [0, 1, 1, 1], [0, 1, 0, 0]]
    assert nb101.space.encode("adjacency+stats+edges").shape == (423_624, 70)
    both = nb101.space.encode("adjacency+stats+edges+graf")  # edge counts, then graph features
    assert both.shape == (423_624, 79)
    assert both[4789, 54:70].tolist() == sum(counts, [])
    graf = nb101.space.encode("adjacency+stats+graf")
    assert both[4789, 70:].tolist() == graf[4789, 54:].tolist()


def test_graph_features_of_the_optimum(nb101):
    from weaknas.spaces.nb101_encodings import graph_features

    adj7, ops7 = pad_arrays(*_cells(nb101, np.array([4789])))
    # paths 0-6, 0-5-6, 0-1-5-6, 0-2-3-4-5-6: through conv1x1 (vertex 1) 1, through conv3x3
    # 1 (vertex 2) + 1 (vertex 4) + 3 (vertex 5), through the maxpool 1; the shortest has
    # 1 edge; the long path holds 3 conv3x3 and 3 convolutions; the output's inputs are
    # the input and one conv3x3
    assert graph_features(adj7, ops7)[0].tolist() == [1, 5, 1, 1, 3, 3, 0, 1, 0]
    features = nb101.space.encode("adjacency+stats+graf")
    assert features.shape == (423_624, 63) and features[4789, 54:].tolist() == [
        1,
        5,
        1,
        1,
        3,
        3,
        0,
        1,
        0,
    ]


def test_bananas_mutation_is_the_nb101_mutation_at_its_rate(nb101):
    from weaknas.spaces.nb101_cell import mutate

    space = nb101.space
    for rate in (1.0, 2.0):
        child = space.mutate_at_rate(5, np.random.default_rng(4), rate)
        assert child == space.index_of_cell(mutate(space.cell(5), np.random.default_rng(4), rate))


def test_parameter_counts_by_hand_and_equal_the_benchmarks_for_every_cell(nb101):
    from weaknas.spaces.nb101_encodings import parameter_counts

    # input -> conv3x3 -> output: each cell a 1x1 projection (conv + BN) into a 3x3 conv
    # (conv + BN) of the cell's width w from c inputs: c*w + 2w + 9w^2 + 2w
    def cell(c, w):
        return c * w + 2 * w + 9 * w * w + 2 * w

    by_hand = 3 * 9 * 128 + 2 * 128  # stem
    by_hand += 3 * cell(128, 128)
    by_hand += cell(128, 256) + 2 * cell(256, 256)
    by_hand += cell(256, 512) + 2 * cell(512, 512)
    by_hand += 512 * 10 + 10  # linear head
    adjacency = np.zeros((1, 7, 7), dtype=np.uint8)
    adjacency[0, 0, 1] = adjacency[0, 1, 2] = 1
    ops = np.array([[0, 2, 4, -1, -1, -1, -1]])  # input, conv3x3, output
    assert (ops[0, :3] == [INPUT, CONV3X3, OUTPUT]).all()
    assert parameter_counts(*pad_arrays(adjacency, ops, np.array([3]))).tolist() == [by_hand]
    # and the benchmark's own parameter counts, all 423,624 cells (channel splits included)
    adj7, ops7 = pad_arrays(nb101.space.adjacency, nb101.space.ops, nb101.space.num_vertices)
    assert (parameter_counts(adj7, ops7) == nb101.extra["params"].to_numpy()).all()
    features = nb101.space.encode("adjacency+stats+graf+params")
    assert features.shape == (423_624, 64) and features.dtype == np.uint16
    assert features[4789, -1] == nb101.extra["params"][4789] // 1000
