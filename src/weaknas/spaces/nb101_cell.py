"""NAS-Bench-101 cells: DAGs of up to 7 vertices, validity, pruning, hashing, mutation.

A cell is an upper-triangular adjacency matrix plus one op per vertex (vertex 0 is the
input, the last vertex the output). Many matrices describe the same network: vertices
that are not on an input->output path do nothing (they are pruned), and vertex order
does not matter. The benchmark identifies a cell by the published NAS-Bench-101 hash
(iterated md5 of each vertex's in/out degree and op label), which is the same for every
vertex order, so a cell given in any order maps to its benchmark row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

MAX_VERTICES = 7
MAX_EDGES = 9

# Op codes as the benchmark data stores them.
INPUT, CONV1X1, CONV3X3, MAXPOOL3X3, OUTPUT = 0, 1, 2, 3, 4
OP_NAMES = {
    INPUT: "input",
    CONV1X1: "conv1x1-bn-relu",
    CONV3X3: "conv3x3-bn-relu",
    MAXPOOL3X3: "maxpool3x3",
    OUTPUT: "output",
}
INTERIOR_OPS = (CONV1X1, CONV3X3, MAXPOOL3X3)
# Accepted spellings when parsing (the official names and short forms).
OP_CODES = {name: code for code, name in OP_NAMES.items()} | {
    "conv1x1": CONV1X1,
    "conv3x3": CONV3X3,
    "maxpool": MAXPOOL3X3,
}
# The labels the published hashing scheme uses (input -1, output -2, then the index in
# the benchmark's op list conv3x3, conv1x1, maxpool3x3).
_HASH_LABEL = {INPUT: -1, OUTPUT: -2, CONV3X3: 0, CONV1X1: 1, MAXPOOL3X3: 2}


@dataclass(frozen=True, eq=False)
class Cell:
    """An NB101 cell: ``matrix[i, j] == 1`` is an edge i -> j (i < j); ``ops[i]`` codes."""

    matrix: np.ndarray
    ops: tuple[int, ...]

    @property
    def num_vertices(self) -> int:
        return len(self.ops)

    @property
    def num_edges(self) -> int:
        return int(self.matrix.sum())

    def __str__(self) -> str:
        return format_cell(self)


def format_cell(cell: Cell) -> str:
    """``input,conv3x3-bn-relu,output|011/001/000``: ops, then adjacency rows."""
    ops = ",".join(OP_NAMES[op] for op in cell.ops)
    rows = "/".join("".join(str(int(bit)) for bit in row) for row in cell.matrix)
    return f"{ops}|{rows}"


def parse_cell(text: str) -> Cell:
    """Inverse of ``format_cell``; raises ``ValueError`` naming the bad part."""
    if not isinstance(text, str) or text.count("|") != 1:
        raise ValueError(
            f"NB101 cell {text!r}: expected 'op,op,...|row/row/...' "
            "(e.g. 'input,conv3x3-bn-relu,output|011/001/000')"
        )
    ops_text, rows_text = text.split("|")
    ops = []
    for position, name in enumerate(ops_text.split(",")):
        code = OP_CODES.get(name.strip())
        if code is None:
            raise ValueError(
                f"NB101 cell {text!r}: op {position} {name!r} is not one of {sorted(OP_CODES)}"
            )
        ops.append(code)
    rows = rows_text.split("/")
    if len(rows) != len(ops) or any(len(row) != len(ops) for row in rows):
        raise ValueError(
            f"NB101 cell {text!r}: adjacency must be {len(ops)} rows of {len(ops)} digits "
            f"(one per op), got {[len(row) for row in rows]}"
        )
    if any(ch not in "01" for row in rows for ch in row):
        raise ValueError(f"NB101 cell {text!r}: adjacency digits must be 0 or 1")
    matrix = np.array([[int(ch) for ch in row] for row in rows], dtype=np.uint8)
    return Cell(matrix, tuple(ops))


def check_cell(cell: Cell) -> None:
    """Raise ``ValueError`` unless ``cell`` is well formed (before pruning)."""
    matrix, ops = np.asarray(cell.matrix), cell.ops
    n = len(ops)
    if matrix.shape != (n, n):
        raise ValueError(f"NB101 cell: adjacency shape {matrix.shape} does not match {n} ops")
    if not 2 <= n <= MAX_VERTICES:
        raise ValueError(f"NB101 cell: {n} vertices, expected 2..{MAX_VERTICES}")
    if np.tril(matrix).any():
        raise ValueError("NB101 cell: adjacency must be strictly upper triangular (i -> j, i < j)")
    if ops[0] != INPUT or ops[-1] != OUTPUT:
        raise ValueError("NB101 cell: the first op must be 'input' and the last 'output'")
    bad = [i for i, op in enumerate(ops[1:-1], start=1) if op not in INTERIOR_OPS]
    if bad:
        raise ValueError(f"NB101 cell: vertex {bad[0]} has op {OP_NAMES[ops[bad[0]]]!r}")


def prune(cell: Cell) -> Cell | None:
    """Drop vertices not on an input->output path; None if the output is unreachable."""
    check_cell(cell)
    matrix = np.asarray(cell.matrix, dtype=np.uint8)
    n = len(cell.ops)
    from_input = {0}
    for v in range(1, n):
        if any(matrix[u, v] and u in from_input for u in range(v)):
            from_input.add(v)
    to_output = {n - 1}
    for v in range(n - 2, -1, -1):
        if any(matrix[v, w] and w in to_output for w in range(v + 1, n)):
            to_output.add(v)
    if n - 1 not in from_input:
        return None
    keep = sorted(from_input & to_output)
    return Cell(matrix[np.ix_(keep, keep)].copy(), tuple(cell.ops[i] for i in keep))


def canonical(cell: Cell) -> Cell:
    """The pruned cell; ``ValueError`` if it is not a valid NB101 cell."""
    pruned = prune(cell)
    if pruned is None:
        raise ValueError(f"NB101 cell {format_cell(cell)}: no path from input to output")
    if pruned.num_edges > MAX_EDGES:
        raise ValueError(
            f"NB101 cell {format_cell(cell)}: {pruned.num_edges} edges after pruning, "
            f"at most {MAX_EDGES} allowed"
        )
    return pruned


def is_valid(cell: Cell) -> bool:
    try:
        canonical(cell)
    except ValueError:
        return False
    return True


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def cell_hash(cell: Cell) -> str:
    """The NAS-Bench-101 module hash of a (pruned) cell: the same for every vertex order.

    Each vertex starts from the md5 of (out-degree, in-degree, op label); then, once per
    vertex, every vertex's hash becomes the md5 of its sorted in-neighbour hashes, its
    sorted out-neighbour hashes and its own hash. The cell's hash is the md5 of the sorted
    vertex hashes. This is the published scheme, so the result equals the benchmark's key.
    """
    matrix = np.asarray(cell.matrix)
    n = len(cell.ops)
    in_degree = matrix.sum(axis=0).tolist()
    out_degree = matrix.sum(axis=1).tolist()
    hashes = [_md5(str((out_degree[v], in_degree[v], _HASH_LABEL[cell.ops[v]]))) for v in range(n)]
    preds = [[u for u in range(n) if matrix[u, v]] for v in range(n)]
    succs = [[w for w in range(n) if matrix[v, w]] for v in range(n)]
    for _ in range(n):
        hashes = [
            _md5(
                "".join(sorted(hashes[u] for u in preds[v]))
                + "|"
                + "".join(sorted(hashes[w] for w in succs[v]))
                + "|"
                + hashes[v]
            )
            for v in range(n)
        ]
    return _md5(str(sorted(hashes)))


def random_cell(rng: np.random.Generator) -> Cell:
    """A uniformly drawn 7-vertex matrix and ops, redrawn until valid, then pruned.

    This is the benchmark authors' sampler: it is not uniform over the 423,624 distinct
    cells (large cells are favoured). Use the space's index sampling for that.
    """
    while True:
        matrix = np.triu(rng.integers(0, 2, size=(MAX_VERTICES, MAX_VERTICES)), 1)
        interior = rng.choice(INTERIOR_OPS, size=MAX_VERTICES - 2)
        cell = Cell(matrix.astype(np.uint8), (INPUT, *map(int, interior), OUTPUT))
        if is_valid(cell):
            return canonical(cell)


def pad(cell: Cell) -> Cell:
    """The 7-vertex form: unused vertices inserted before the output, no edges."""
    n = cell.num_vertices
    matrix = np.zeros((MAX_VERTICES, MAX_VERTICES), dtype=np.uint8)
    matrix[: n - 1, : n - 1] = cell.matrix[: n - 1, : n - 1]
    matrix[: n - 1, MAX_VERTICES - 1] = cell.matrix[: n - 1, n - 1]
    # Unused vertices get a real op so that mutation can bring them into the cell.
    ops = (*cell.ops[: n - 1], *([CONV3X3] * (MAX_VERTICES - n)), OUTPUT)
    return Cell(matrix, ops)


def mutation_draws(cell: Cell, rng: np.random.Generator, rate: float = 1.0) -> Iterator[Cell]:
    """Endless raw draws of the usual NB101 mutation on the padded 7-vertex form of
    ``cell``: each of the 21 possible edges flips with probability ``rate / 21`` and each
    of the 5 interior ops changes with probability ``rate / 5``. A draw may be invalid
    or the same cell; ``mutate`` takes the first that is neither."""
    base = pad(cell)
    n_edges = MAX_VERTICES * (MAX_VERTICES - 1) // 2
    upper = np.triu_indices(MAX_VERTICES, 1)
    while True:
        matrix = base.matrix.copy()
        flips = rng.random(n_edges) < rate / n_edges
        matrix[upper] ^= flips.astype(np.uint8)
        ops = list(base.ops)
        for v in range(1, MAX_VERTICES - 1):
            if rng.random() < rate / (MAX_VERTICES - 2):
                ops[v] = int(rng.choice([op for op in INTERIOR_OPS if op != ops[v]]))
        yield Cell(matrix, tuple(ops))


def mutate(cell: Cell, rng: np.random.Generator, rate: float = 1.0) -> Cell:
    """A different valid cell: each edge bit and interior op changes with prob. rate/count.

    The usual NB101 mutation (regularized evolution, BANANAS; ``mutation_draws``),
    retried until the result is valid and not the same cell.
    """
    original = cell_hash(canonical(cell))
    for candidate in mutation_draws(cell, rng, rate):
        if is_valid(candidate):
            candidate = canonical(candidate)
            if cell_hash(candidate) != original:
                return candidate
    raise AssertionError("mutation_draws never ends")
