"""The NASNet/DARTS cell space, searched over a seeded pool of genotypes.

A genotype is two cells, ``normal`` and ``reduce``. Each has 4 intermediate nodes
(2..5); node ``k`` adds two edges, each an operation (``OPS``) applied to one earlier
node (0 and 1 are the cell's two inputs). The cell outputs the concatenation of nodes
2..5. Users write genotypes as DARTS prints them::

    Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ...], normal_concat=[2, 3, 4, 5],
             reduce=[...], reduce_concat=[2, 3, 4, 5])

In weaknas a genotype is a row of 32 small integers: for each cell, node and edge, the
input and the op. A node's two edges are summed, so their order means nothing: the
canonical row lists them in ascending (input, op). Two edges of one node come from two
different inputs, as DARTS derives them and as NAS-Bench-301 samples them (about 1.1e18
genotypes); ``distinct_inputs=False`` also admits a node reading one input twice, which
DARTS's network builder accepts.

The space is far too large to enumerate: a ``DartsSpace`` is a seeded pool of distinct
random genotypes (``pool_size``), which is what WeakNAS ranks each iteration (and may
grow: ``WeakNAS(pool_grow=K)``).
"""

from __future__ import annotations

import ast

import numpy as np

from weaknas.spaces.pool import PoolSpace, first_occurrences

OPS: tuple[str, ...] = (
    "max_pool_3x3",
    "avg_pool_3x3",
    "skip_connect",
    "sep_conv_3x3",
    "sep_conv_5x5",
    "dil_conv_3x3",
    "dil_conv_5x5",
)
CELLS = ("normal", "reduce")
N_NODES = 4
CONCAT = (2, 3, 4, 5)
ROW = len(CELLS) * N_NODES * 2 * 2  # cells x nodes x edges x (input, op) = 32
# Every (node, input) pair of a cell: node k (0-based) reads inputs 0 .. k + 1: 14 edges.
EDGES: tuple[tuple[int, int], ...] = tuple(
    (node, source) for node in range(N_NODES) for source in range(node + 2)
)
_EDGE_ID = {edge: i for i, edge in enumerate(EDGES)}

# Published genotypes as their papers' code gives them (for tests and examples).
PUBLISHED: dict[str, str] = {
    # Liu et al., "DARTS: Differentiable Architecture Search", ICLR 2019, first order.
    "DARTS_V1": "Genotype(normal=[('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('skip_connect', 0), "
    "('sep_conv_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), "
    "('skip_connect', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), "
    "('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 0), ('max_pool_3x3', 0), "
    "('skip_connect', 2), ('skip_connect', 2), ('avg_pool_3x3', 0)], reduce_concat=[2, 3, 4, 5])",
    # The same paper, second order: the cell of its Tables 1 and 3.
    "DARTS_V2": "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), "
    "('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), "
    "('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), "
    "('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), "
    "('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])",
    # Xu et al., "PC-DARTS", ICLR 2020, CIFAR-10 cell.
    "PC_DARTS": "Genotype(normal=[('sep_conv_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 0), "
    "('dil_conv_3x3', 1), ('sep_conv_5x5', 0), ('sep_conv_3x3', 1), ('avg_pool_3x3', 0), "
    "('dil_conv_3x3', 1)], normal_concat=range(2, 6), reduce=[('sep_conv_5x5', 1), "
    "('max_pool_3x3', 0), ('sep_conv_5x5', 1), ('sep_conv_5x5', 2), ('sep_conv_3x3', 0), "
    "('sep_conv_3x3', 3), ('sep_conv_3x3', 1), ('sep_conv_3x3', 2)], reduce_concat=range(2, 6))",
}


# --- rows: (n, 32) int8, [cell][node][edge][input, op] ------------------------------------
def _view(rows: np.ndarray) -> np.ndarray:
    """(n, cells, nodes, edges, 2) view of genotype rows."""
    return rows.reshape(len(rows), len(CELLS), N_NODES, 2, 2)


def canonical(rows: np.ndarray) -> np.ndarray:
    """Rows with each node's two edges in ascending (input, op) order."""
    rows = np.array(rows, dtype=np.int8, ndmin=2)
    cells = _view(rows)
    key = cells[..., 0].astype(np.int16) * len(OPS) + cells[..., 1]
    swap = key[..., 0] > key[..., 1]
    cells[swap] = cells[swap][:, ::-1]
    return rows


def sample_rows(n: int, rng: np.random.Generator, distinct_inputs: bool = True) -> np.ndarray:
    """``n`` random canonical genotypes: uniform inputs and ops per edge."""
    rows = np.empty((n, len(CELLS), N_NODES, 2, 2), dtype=np.int8)
    for node in range(N_NODES):
        sources = node + 2
        first = rng.integers(0, sources, size=(n, len(CELLS)))
        if distinct_inputs:  # uniform over the other inputs
            second = rng.integers(0, sources - 1, size=(n, len(CELLS)))
            second += second >= first
        else:
            second = rng.integers(0, sources, size=(n, len(CELLS)))
        rows[:, :, node, 0, 0] = first
        rows[:, :, node, 1, 0] = second
    rows[..., 1] = rng.integers(0, len(OPS), size=rows.shape[:-1])
    return canonical(rows.reshape(n, ROW))


def mutate_row(row: np.ndarray, rng: np.random.Generator, distinct_inputs: bool = True):
    """One edit of one random edge: another op, or another input; the canonical result
    always differs from ``row`` (a node's other edge can never make up for the edit)."""
    cells = _view(np.array(row, dtype=np.int8)[None])[0]
    cell, node, edge = rng.integers(len(CELLS)), rng.integers(N_NODES), rng.integers(2)
    source, op = cells[cell, node, edge]
    other = cells[cell, node, 1 - edge, 0]
    inputs = [s for s in range(node + 2) if s != source and not (distinct_inputs and s == other)]
    if inputs and rng.random() < 0.5:
        cells[cell, node, edge, 0] = rng.choice(inputs)
    else:
        cells[cell, node, edge, 1] = rng.choice([o for o in range(len(OPS)) if o != op])
    return canonical(cells.reshape(1, ROW))[0]


def encode_rows(rows: np.ndarray, encoding: str) -> np.ndarray:
    """``adjacency``: per cell, the op one-hot on each of its 14 possible edges (196 dims,
    NAS-Bench-301's description); ``adjacency+counts``: plus each cell's op counts (14)."""
    cells = _view(np.asarray(rows))
    n = len(cells)
    edge_id = np.array(
        [[_EDGE_ID.get((node, s), -1) for s in range(N_NODES + 1)] for node in range(N_NODES)]
    )
    width = len(EDGES) * len(OPS)
    onehot = np.zeros((n, len(CELLS), width), dtype=np.uint8)
    row_ids = np.arange(n)
    for cell in range(len(CELLS)):
        for node in range(N_NODES):
            for edge in range(2):
                source = cells[:, cell, node, edge, 0]
                op = cells[:, cell, node, edge, 1]
                column = edge_id[node, source] * len(OPS) + op
                onehot[row_ids, cell, column] += 1  # a repeated input adds up (2)
    features = onehot.reshape(n, len(CELLS) * width)
    if encoding == "adjacency":
        return features
    counts = onehot.reshape(n, len(CELLS), len(EDGES), len(OPS)).sum(axis=2, dtype=np.uint8)
    return np.hstack([features, counts.reshape(n, -1)])


# --- text --------------------------------------------------------------------------------
def format_genotype(row: np.ndarray) -> str:
    """The canonical DARTS text of one row."""
    cells = _view(np.asarray(row, dtype=np.int8)[None])[0]
    parts = []
    for c, name in enumerate(CELLS):
        edges = ", ".join(
            f"('{OPS[op]}', {source})" for node in cells[c] for source, op in node.tolist()
        )
        parts.append(f"{name}=[{edges}], {name}_concat=[2, 3, 4, 5]")
    return f"Genotype({', '.join(parts)})"


def parse_genotype(text: str, distinct_inputs: bool = True) -> np.ndarray:
    """A canonical row from DARTS text; ``ValueError`` naming the bad part. Never evaluates
    the text: it is read as a syntax tree of literals (``range(2, 6)`` allowed for concat)."""
    if not isinstance(text, str):
        raise ValueError(f"darts: a genotype must be text, got {type(text).__name__}")
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ValueError(f"darts: not a Genotype(...) expression ({exc.msg})") from None
    if not (isinstance(tree, ast.Call) and getattr(tree.func, "id", "") == "Genotype"):
        raise ValueError("darts: expected Genotype(normal=[...], normal_concat=..., reduce=...)")
    fields: dict[str, ast.expr | None] = dict.fromkeys(
        ("normal", "normal_concat", "reduce", "reduce_concat")
    )
    if len(tree.args) > len(fields):
        raise ValueError("darts: Genotype takes 4 fields")
    given: list[tuple[str | None, ast.expr]] = list(zip(fields, tree.args, strict=False))
    given += [(k.arg, k.value) for k in tree.keywords]
    for name, value in given:
        if name is None or name not in fields:
            raise ValueError(f"darts: unknown Genotype field {name!r}")
        fields[name] = value
    row = np.empty((len(CELLS), N_NODES, 2, 2), dtype=np.int8)
    for c, cell in enumerate(CELLS):
        node = fields[cell]
        if node is None:
            raise ValueError(f"darts: the genotype has no {cell!r} cell")
        row[c] = _parse_cell(cell, node, distinct_inputs)
        concat = fields[f"{cell}_concat"]
        if concat is not None and _concat(cell, concat) != CONCAT:
            raise ValueError(
                f"darts: {cell}_concat must be [2, 3, 4, 5] (every intermediate node), "
                f"got {_concat(cell, concat)}"
            )
    return canonical(row.reshape(1, ROW))[0]


def _parse_cell(cell: str, node: ast.AST, distinct_inputs: bool) -> np.ndarray:
    try:
        edges = ast.literal_eval(node)
    except ValueError:
        raise ValueError(f"darts: {cell} must be a list of (op, input) pairs") from None
    if isinstance(edges, list) and all(isinstance(e, list) for e in edges):  # per node lists
        edges = [edge for pair in edges for edge in pair]
    if not isinstance(edges, list | tuple) or len(edges) != 2 * N_NODES:
        count = len(edges) if isinstance(edges, list | tuple) else "no"
        raise ValueError(
            f"darts: {cell} needs {2 * N_NODES} (op, input) pairs, two per node for "
            f"{N_NODES} nodes; got {count}"
        )
    out = np.empty((N_NODES, 2, 2), dtype=np.int8)
    for i, edge in enumerate(edges):
        node_id = i // 2
        where = f"{cell} edge {i} (node {node_id + 2})"
        if not (isinstance(edge, list | tuple) and len(edge) == 2):
            raise ValueError(f"darts: {where} is {edge!r}, not an (op, input) pair")
        op, source = edge
        if op not in OPS:
            raise ValueError(f"darts: {where} has unknown op {op!r}; expected one of {OPS}")
        if isinstance(source, bool) or not isinstance(source, int):
            raise ValueError(f"darts: {where} input {source!r} is not an integer")
        if not 0 <= source <= node_id + 1:
            raise ValueError(
                f"darts: {where} reads node {source}; node {node_id + 2} can only read the "
                f"cell inputs 0, 1 or an earlier node (up to {node_id + 1})"
            )
        out[node_id, i % 2] = (source, OPS.index(op))
    if distinct_inputs:
        for node_id in range(N_NODES):
            if out[node_id, 0, 0] == out[node_id, 1, 0]:
                raise ValueError(
                    f"darts: {cell} node {node_id + 2} reads input {out[node_id, 0, 0]} twice; "
                    "this space takes two different inputs per node "
                    "(DartsSpace(distinct_inputs=False) admits it)"
                )
    return out


def _concat(cell: str, node: ast.AST) -> tuple[int, ...]:
    if (
        isinstance(node, ast.Call)
        and getattr(node.func, "id", "") == "range"
        and all(isinstance(a, ast.Constant) and isinstance(a.value, int) for a in node.args)
    ):
        bounds = [a.value for a in node.args if isinstance(a, ast.Constant)]
        return tuple(range(*(b for b in bounds if isinstance(b, int))))
    try:
        return tuple(ast.literal_eval(node))
    except (ValueError, TypeError):
        raise ValueError(f"darts: {cell}_concat must be a list of node numbers") from None


# --- the space ---------------------------------------------------------------------------
class DartsSpace(PoolSpace):
    """A seeded pool of ``pool_size`` distinct DARTS genotypes (all published ones parse;
    only pool members have an index)."""

    encodings = ("adjacency", "adjacency+counts")
    search_encoding = "adjacency+counts"
    #: neighbours: the pool members nearest in edits (a random pool rarely holds a
    #: genotype exactly one edit away).
    n_neighbours = 24
    #: Measured 636 bytes (benchmarks/results/pool_memory.log), with headroom.
    search_bytes_per_member = 800

    def __init__(self, pool_size: int = 10_000, seed: int = 0, distinct_inputs: bool = True):
        if isinstance(pool_size, bool) or not isinstance(pool_size, int) or pool_size < 1:
            raise ValueError(f"darts: pool_size must be a whole number >= 1, got {pool_size!r}")
        self.check_pool_memory("darts", pool_size)
        self.name = "darts"
        self.distinct_inputs = distinct_inputs
        self.seed = seed
        self._set_rows(self._pool(pool_size, np.random.default_rng(seed)))

    def _pool(self, size: int, rng: np.random.Generator) -> np.ndarray:
        """``size`` distinct canonical genotypes in draw order (duplicates redrawn)."""
        rows = np.empty((0, ROW), dtype=np.int8)
        while len(rows) < size:
            draw = np.vstack([rows, sample_rows(size - len(rows), rng, self.distinct_inputs)])
            rows = first_occurrences(draw)
        return np.ascontiguousarray(rows)

    def to_string(self, index: int) -> str:
        return format_genotype(self.rows[self.check_index(index)])

    def from_string(self, text: str) -> int:
        row = parse_genotype(text, self.distinct_inputs)
        return self._member(row, format_genotype(row), "genotype")

    def _encode_rows(self, rows: np.ndarray, encoding: str) -> np.ndarray:
        return encode_rows(rows, encoding)

    def known_metrics(self) -> dict[str, np.ndarray]:
        """Every member's multiply-adds (``mflops``, millions) and parameters
        (``params_m``, millions) in the paper's CIFAR-10 network (C=36, 20 cells),
        analytic (``weaknas.spaces.darts_costs``)."""
        from weaknas.spaces.darts_costs import DartsCosts  # it imports this module

        macs, params = DartsCosts().of(self.rows)
        return {"mflops": macs / 1e6, "params_m": params / 1e6}

    def _mutate_row(self, row: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return mutate_row(row, rng, self.distinct_inputs)

    def neighbours(self, index: int) -> list[int]:
        """The ``n_neighbours`` pool members with the fewest edge edits from ``index``."""
        row = self.rows[self.check_index(index)]
        edges = _view(self.rows)
        differs = (edges != _view(row[None])).any(axis=-1).sum(axis=(1, 2, 3))
        differs[index] = np.iinfo(differs.dtype).max
        order = np.argsort(differs, kind="stable")[: self.n_neighbours]
        return sorted(int(i) for i in order)
