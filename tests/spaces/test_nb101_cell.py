import numpy as np
import pytest

from weaknas.spaces.nb101_cell import (
    CONV1X1,
    CONV3X3,
    INPUT,
    MAXPOOL3X3,
    OUTPUT,
    Cell,
    canonical,
    cell_hash,
    format_cell,
    is_valid,
    mutate,
    parse_cell,
    prune,
    random_cell,
)

SMALL = "input,conv3x3-bn-relu,output|011/001/000"


def _cell(ops, edges, n=None):
    n = n or len(ops)
    matrix = np.zeros((n, n), dtype=np.uint8)
    for u, v in edges:
        matrix[u, v] = 1
    return Cell(matrix, tuple(ops))


def test_hash_is_invariant_to_vertex_order():
    # input -> conv3x3 -> maxpool -> output, plus input -> conv1x1 -> output
    a = _cell(
        [INPUT, CONV3X3, MAXPOOL3X3, CONV1X1, OUTPUT], [(0, 1), (1, 2), (2, 4), (0, 3), (3, 4)]
    )
    b = _cell(
        [INPUT, CONV1X1, CONV3X3, MAXPOOL3X3, OUTPUT], [(0, 1), (1, 4), (0, 2), (2, 3), (3, 4)]
    )
    c = _cell([INPUT, CONV1X1, CONV3X3, CONV3X3, OUTPUT], [(0, 1), (1, 4), (0, 2), (2, 3), (3, 4)])
    assert cell_hash(a) == cell_hash(b)
    assert cell_hash(a) != cell_hash(c)  # a different op is a different cell


def test_hash_matches_the_benchmark_on_a_sample(nb101):
    space = nb101.space
    rng = np.random.default_rng(0)
    for index in rng.choice(space.size, 300, replace=False):
        assert cell_hash(space.cell(int(index))) == space.hash_of(int(index))
    assert space.hash_of(0) == "00005c142e6f48ac74fdcf73e3439874"


def test_pruning_drops_vertices_off_the_input_output_paths():
    # vertex 2 has no input path (dangling), vertex 3 does not reach the output
    cell = _cell([INPUT, CONV3X3, CONV1X1, MAXPOOL3X3, OUTPUT], [(0, 1), (1, 4), (2, 4), (1, 3)])
    pruned = prune(cell)
    assert pruned.ops == (INPUT, CONV3X3, OUTPUT)
    assert pruned.matrix.tolist() == [[0, 1, 0], [0, 0, 1], [0, 0, 0]]
    assert cell_hash(pruned) == cell_hash(canonical(cell))


def test_invalid_cells_are_named():
    disconnected = _cell([INPUT, CONV3X3, OUTPUT], [(0, 1)])
    assert prune(disconnected) is None and not is_valid(disconnected)
    with pytest.raises(ValueError, match="no path from input to output"):
        canonical(disconnected)
    dense = Cell(np.triu(np.ones((7, 7), dtype=np.uint8), 1), (INPUT, *[CONV3X3] * 5, OUTPUT))
    with pytest.raises(ValueError, match="21 edges after pruning, at most 9"):
        canonical(dense)
    with pytest.raises(ValueError, match="strictly upper triangular"):
        canonical(_cell([INPUT, CONV3X3, OUTPUT], [(1, 0), (1, 2)]))
    with pytest.raises(ValueError, match="first op must be 'input'"):
        canonical(_cell([CONV3X3, CONV3X3, OUTPUT], [(0, 1), (1, 2)]))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("input,conv3x3-bn-relu,output", "expected 'op,op"),
        ("input,conv5x5,output|011/001/000", "op 1 'conv5x5'"),
        ("input,conv3x3,output|011/001", "3 rows of 3 digits"),
        ("input,conv3x3,output|012/001/000", "0 or 1"),
    ],
)
def test_parse_errors_name_the_bad_part(text, problem):
    with pytest.raises(ValueError, match=problem):
        parse_cell(text)


def test_format_and_parse_round_trip_with_short_op_names():
    cell = parse_cell(SMALL)
    assert format_cell(cell) == SMALL
    short = parse_cell("input,conv3x3,output|011/001/000")
    assert cell_hash(short) == cell_hash(cell)


def test_random_and_mutated_cells_are_valid_and_new():
    rng = np.random.default_rng(0)
    for _ in range(50):
        cell = random_cell(rng)
        assert is_valid(cell) and cell.num_edges <= 9
        child = mutate(cell, rng)
        assert is_valid(child)
        assert cell_hash(child) != cell_hash(cell)
