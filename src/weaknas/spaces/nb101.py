"""The NAS-Bench-101 space: the 423,624 distinct cells of the benchmark.

Index ``i`` is the cell with the ``i``-th smallest NB101 hash, which is the row order
of the benchmark data. The cells themselves come with the data (adjacency, ops, hash);
enumerating them from scratch takes far longer than reading them.
"""

from __future__ import annotations

import re

import numpy as np

from weaknas.spaces.base import FiniteSpace
from weaknas.spaces.nb101_cell import (
    INTERIOR_OPS,
    MAX_VERTICES,
    Cell,
    canonical,
    cell_hash,
    format_cell,
    is_valid,
    mutate,
    mutation_draws,
    pad,
    parse_cell,
)
from weaknas.spaces.nb101_encodings import (
    adjacency_encoding,
    cell_statistics,
    edge_type_counts,
    graph_features,
    pad_arrays,
    parameter_counts,
    path_encoding,
)

_HASH = re.compile(r"^[0-9a-f]{32}$")
MAX_REMEMBERED_DRAWS = 200_000  # mutate_at_rate's memory of raw draws (about 70 MB)


class NB101Space(FiniteSpace):
    """NB101 cells from arrays: ``adjacency`` (N,7,7), ``ops`` (N,7), ``hashes`` sorted."""

    name = "nb101"
    #: ``adjacency``: the paper's 45 dims (edge bits and op one-hot per vertex column).
    #: ``adjacency+stats``: plus 9 vertex-order-free counts (ops, edges, depth, paths);
    #: the space's search default (WeakNAS prefers ``adjacency+stats+graf``): with rank
    #: targets it found the optimum in fewer queries than the 45 dims alone
    #: (``benchmarks/nb101_sample_efficiency.py``).
    #: ``adjacency+stats+edges``: plus 16 counts of edges by (source op, target op).
    #: ``adjacency+stats+graf``: plus 9 graph features as GRAF builds them (paths through
    #: each op, the shortest path, the most convolutions on a path, the output's inputs);
    #: WeakNAS's default on NB101 (issue 30). ``adjacency+stats+edges+graf``: both.
    #: ``+params``: plus the cell's network's parameter count (thousands), computed from
    #: the cell as the benchmark counts it.
    #: ``path``: which of the 364 input->output op sequences exist (BANANAS).
    encodings = (
        "adjacency",
        "adjacency+stats",
        "adjacency+stats+edges",
        "adjacency+stats+graf",
        "adjacency+stats+edges+graf",
        "adjacency+stats+params",
        "adjacency+stats+graf+params",
        "path",
    )
    search_encoding = "adjacency+stats"

    def __init__(
        self,
        adjacency: np.ndarray,
        ops: np.ndarray,
        num_vertices: np.ndarray,
        hashes: np.ndarray,
    ) -> None:
        n = len(hashes)
        if adjacency.shape != (n, MAX_VERTICES, MAX_VERTICES) or ops.shape != (n, MAX_VERTICES):
            raise ValueError(
                f"nb101: expected adjacency (N,7,7) and ops (N,7) for N={n} hashes, got "
                f"{adjacency.shape} and {ops.shape}"
            )
        if num_vertices.shape != (n,):
            raise ValueError(f"nb101: num_vertices has shape {num_vertices.shape}, expected ({n},)")
        hashes = np.asarray(hashes, dtype="S32")
        if n > 1 and not (hashes[1:] > hashes[:-1]).all():
            raise ValueError("nb101: hashes must be sorted ascending and unique")
        self.adjacency = adjacency
        self.ops = ops
        self.num_vertices = num_vertices
        self.hashes = hashes
        self._draw_index: dict[tuple[bytes, tuple], int] = {}  # mutate_at_rate's memory

    @property
    def size(self) -> int:
        return len(self.hashes)

    # --- cells ---------------------------------------------------------------------------
    def cell(self, index: int) -> Cell:
        """The stored cell of ``index`` (unpadded, as in the data)."""
        index = self.check_index(index)
        n = int(self.num_vertices[index])
        matrix = np.array(self.adjacency[index, :n, :n], dtype=np.uint8)
        return Cell(matrix, tuple(int(op) for op in self.ops[index, :n]))

    def hash_of(self, index: int) -> str:
        return self.hashes[self.check_index(index)].decode()

    def index_of_hash(self, key: str) -> int:
        """Row of a hash; ``ValueError`` if no cell of this space has it."""
        position = int(np.searchsorted(self.hashes, key.encode()))
        if position == self.size or self.hashes[position] != key.encode():
            raise ValueError(f"nb101: no cell with hash {key!r} in this space")
        return position

    def index_of_cell(self, cell: Cell) -> int:
        """Row of any cell isomorphic to ``cell`` (pruned first); ``ValueError`` if none."""
        pruned = canonical(cell)
        key = cell_hash(pruned)
        try:
            return self.index_of_hash(key)
        except ValueError:
            raise ValueError(
                f"nb101: cell {format_cell(cell)} (hash {key}) is valid but not in this space"
            ) from None

    def _index_or_none(self, cell: Cell) -> int:
        """Row of ``cell``, or -1 if it is invalid or not in this space (``index_of_cell``
        prunes it once and raises ``ValueError`` for both)."""
        try:
            return self.index_of_cell(cell)
        except ValueError:
            return -1

    def to_string(self, index: int) -> str:
        return format_cell(self.cell(index))

    def from_string(self, text: str) -> int:
        """A cell string (``ops|rows``, any vertex order, unpruned is fine) or its hash."""
        if isinstance(text, str) and _HASH.match(text.strip()):
            return self.index_of_hash(text.strip())
        return self.index_of_cell(parse_cell(text))

    def neighbours(self, index: int) -> list[int]:
        """Distinct valid cells one edge flip or one op change away (on the 7-vertex form)."""
        base = pad(self.cell(index))
        variants = []
        for u, v in zip(*np.triu_indices(MAX_VERTICES, 1), strict=True):
            matrix = base.matrix.copy()
            matrix[u, v] ^= 1
            variants.append(Cell(matrix, base.ops))
        for vertex in range(1, MAX_VERTICES - 1):
            for op in INTERIOR_OPS:
                if op != base.ops[vertex]:
                    ops = list(base.ops)
                    ops[vertex] = op
                    variants.append(Cell(base.matrix, tuple(ops)))
        found: list[int] = []
        for variant in variants:
            if is_valid(variant):
                neighbour = self.index_of_cell(variant)
                if neighbour != index and neighbour not in found:
                    found.append(neighbour)
        return found

    def mutate(self, index: int, rng: np.random.Generator) -> int:
        """A random valid neighbour of ``index`` in this space (the standard NB101 mutation)."""
        return self.index_of_cell(mutate(self.cell(index), rng))

    def mutate_at_rate(self, index: int, rng: np.random.Generator, rate: float = 1.0) -> int:
        """The same NB101 mutation at ``rate`` (BANANAS's: edges flip with probability
        rate / 21, interior ops change with probability rate / 5), the same draws as
        ``mutate``. BANANAS mutates the same few parents hundreds of times a step, so each
        raw draw's cell index (or invalidity) is remembered: the graph hash is the cost."""
        for draw in mutation_draws(self.cell(index), rng, rate):
            key = (draw.matrix.tobytes(), draw.ops)
            child = self._draw_index.get(key)
            if child is None:
                child = self._index_or_none(draw)
                if len(self._draw_index) >= MAX_REMEMBERED_DRAWS:
                    self._draw_index.clear()
                self._draw_index[key] = child
            if child >= 0 and child != index:
                return child
        raise AssertionError("mutation_draws never ends")

    # --- features ------------------------------------------------------------------------
    def _encode_all(self, encoding: str) -> np.ndarray:
        adj7, ops7 = pad_arrays(self.adjacency, self.ops, self.num_vertices)
        if encoding == "adjacency":
            return adjacency_encoding(adj7, ops7)
        if encoding.startswith("adjacency+stats"):
            parts = [adjacency_encoding(adj7, ops7), cell_statistics(adj7, ops7)]
            extras = encoding.split("+")[2:]
            if "edges" in extras:
                parts.append(edge_type_counts(adj7, ops7))
            if "graf" in extras:
                parts.append(graph_features(adj7, ops7))
            if "params" in extras:  # thousands: fits uint16 (at most 49,979)
                parts.append((parameter_counts(adj7, ops7) // 1000).astype(np.uint16)[:, None])
            return np.hstack(parts)
        return path_encoding(adj7, ops7)
