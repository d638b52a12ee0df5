"""The NAS-Bench-Graph space: graph neural networks as 4 computing nodes on a macro DAG.

Each computing node takes one input, the graph's raw features (node 0) or an earlier
computing node, and applies one operation (``OPS``); every node without a successor feeds
the output. An architecture is a *link* list (``link[i]``: the input of node ``i + 1``)
and four operations, as the benchmark's ``Arch(link, ops)`` takes them.

Many link/op lists build the same network: nodes can be listed in another order,
``skip`` is the identity, and a skip that only passes the raw features on adds nothing.
The benchmark stores each network once, under the hash of one representative form; this
module finds the same representative without the benchmark's code:

* ``structure`` reduces a form to what it computes: skips contracted, sibling order
  forgotten, a skip leaf kept as a residual output of the node it passes on (except the
  raw input's, which is dropped, and a lone one, which changes nothing).
* of all forms with one of the 9 sorted link patterns (``LINKS``) that share a structure,
  the representative is the one whose leading nodes form the longest chain of skips
  from the input (the benchmark parks unused nodes there), ties broken by the smallest
  hash.

Checked against the benchmark package (``tests/benchmarks/test_nbgraph.py``): the two
agree on every one of the 157,440 link/op lists, and the representatives are exactly the
26,206 architectures of its tables (2,021 for proteins' five operations).
"""

from __future__ import annotations

import functools
import itertools
import re

import numpy as np

from weaknas.spaces.base import FiniteSpace

OPS: tuple[str, ...] = ("gat", "gcn", "gin", "cheb", "sage", "arma", "graph", "fc", "skip")
# ogbn-proteins was benchmarked with five of the nine operations only.
PROTEINS_OPS: tuple[str, ...] = ("gcn", "sage", "arma", "fc", "skip")
SKIP = OPS.index("skip")
N_NODES = 4
# The link patterns the benchmark's hash knows, in its order (the hash's leading digit):
# every rooted tree of four computing nodes, nodes numbered parents-first.
LINKS: tuple[tuple[int, ...], ...] = (
    (0, 0, 0, 0),
    (0, 0, 0, 1),
    (0, 0, 1, 1),
    (0, 0, 1, 2),
    (0, 0, 1, 3),
    (0, 1, 1, 1),
    (0, 1, 1, 2),
    (0, 1, 2, 2),
    (0, 1, 2, 3),
)
_HASH_BASE = len(OPS) + 1  # the benchmark's: one digit per node, op position in OPS
_TOKEN = re.compile(r"^(?P<op>[a-z]+)~(?P<src>\d+)$")


def arch_hash(link_id: int, op_codes: tuple[int, ...]) -> int:
    """The benchmark's key of a form: the link pattern, then each node's op, base 10."""
    key = link_id
    for code in op_codes:
        key = key * _HASH_BASE + code
    return key


def structure(link: tuple[int, ...], op_codes: tuple[int, ...]) -> tuple:
    """What a form computes, as a hashable tree: equal exactly for forms of one network.

    Each non-skip node is ``(op, children, residual)``: its non-skip successors (in a
    canonical order) and how many skip leaves pass its output to the network's output.
    """
    parent = (0, *link)  # node 0, the input, has none
    op = (None, *op_codes)
    n = len(link)
    has_successor = set(link)

    def source(node: int) -> int:  # the nearest non-skip node at or above ``node``
        while node != 0 and op[node] == SKIP:
            node = parent[node]
        return node

    children: dict[int, list[int]] = {}
    residual: dict[int, int] = {}
    for node in range(1, n + 1):
        above = source(parent[node])
        if op[node] != SKIP:
            children.setdefault(above, []).append(node)
        elif node not in has_successor:
            residual[above] = residual.get(above, 0) + 1

    def tree(node: int) -> tuple:
        kids = tuple(sorted(tree(child) for child in children.get(node, ())))
        passes = residual.get(node, 0)
        if node == 0 or (not kids and passes == 1):
            passes = 0  # the raw features are not an output; a lone pass-on is a no-op
        return (op[node] if node else -1, kids, passes)

    return tree(0)


def _parked_skips(link: tuple[int, ...], op_codes: tuple[int, ...]) -> int:
    """Length of the leading chain of skips from the input that nothing else hangs off."""
    longest = 0
    for length in range(1, N_NODES):
        chain = all(op_codes[i] == SKIP and link[i] == i for i in range(length))
        if chain and all(source >= length for source in link[length:]):
            longest = length
    return longest


@functools.cache
def _representatives(op_codes: tuple[int, ...]) -> dict[tuple, int]:
    """structure -> hash of its representative form, over every form using ``op_codes``."""
    best: dict[tuple, tuple[int, int]] = {}
    for link_id, link in enumerate(LINKS):
        for ops in itertools.product(op_codes, repeat=N_NODES):
            if all(code == SKIP for code in ops):
                continue
            key = structure(link, ops)
            rank = (-_parked_skips(link, ops), arch_hash(link_id, ops))
            if key not in best or rank < best[key]:
                best[key] = rank
    return {key: rank[1] for key, rank in best.items()}


class NBGraphSpace(FiniteSpace):
    """Every distinct network of NAS-Bench-Graph (26,206; 2,021 with proteins' 5 ops).

    Index ``i`` is the ``i``-th smallest benchmark hash, so ``hashes[i]`` is the key of
    architecture ``i`` in the benchmark's tables.
    """

    #: ``onehot``: the link pattern (9) and each node's op (4 x ops), the benchmark's own
    #: description of an architecture. ``onehot+counts``: plus how many nodes carry each
    #: op, which lets a tree model rank "more gcn" in one split (as on NB201).
    encodings = ("onehot", "onehot+counts")
    search_encoding = "onehot+counts"

    def __init__(self, ops: tuple[str, ...] = OPS) -> None:
        unknown = [op for op in ops if op not in OPS]
        if unknown or "skip" not in ops or len(set(ops)) != len(ops):
            raise ValueError(f"nbgraph: ops must be distinct names from {OPS} with skip")
        self.ops = tuple(ops)
        self.name = "nbgraph" if self.ops == OPS else "nbgraph-proteins"
        self._codes = tuple(OPS.index(op) for op in self.ops)
        representatives = _representatives(tuple(sorted(self._codes)))
        self.hashes = np.array(sorted(representatives.values()), dtype=np.int64)
        position = {int(key): i for i, key in enumerate(self.hashes)}
        self._index_of = {key: position[h] for key, h in representatives.items()}

    @property
    def size(self) -> int:
        return len(self.hashes)

    # --- conversions -------------------------------------------------------------------
    def form(self, index: int) -> tuple[tuple[int, ...], tuple[str, ...]]:
        """The benchmark's ``(link, ops)`` of architecture ``index``."""
        key = int(self.hashes[self.check_index(index)])
        digits = [(key // _HASH_BASE**p) % _HASH_BASE for p in range(N_NODES, -1, -1)]
        return LINKS[digits[0]], tuple(OPS[d] for d in digits[1:])

    def from_form(self, link, ops) -> int:
        """Index of the network that ``link`` and ``ops`` build (any node order)."""
        link, ops = tuple(link), tuple(ops)
        if len(link) != N_NODES or len(ops) != N_NODES:
            raise ValueError(f"{self.name}: expected {N_NODES} links and {N_NODES} ops")
        for node, source in enumerate(link, start=1):
            if isinstance(source, bool) or not isinstance(source, int | np.integer):
                raise ValueError(f"{self.name}: input of node {node} must be an integer")
            if not 0 <= source < node:
                raise ValueError(
                    f"{self.name}: node {node} takes input {source}; it must be the raw "
                    f"features (0) or an earlier node (1..{node - 1})"
                )
        for op in ops:
            if op not in self.ops:
                raise ValueError(f"{self.name}: unknown op {op!r}; expected one of {self.ops}")
        if all(op == "skip" for op in ops):
            raise ValueError(f"{self.name}: every node is skip; the network computes nothing")
        codes = tuple(OPS.index(op) for op in ops)
        return self._index_of[structure(tuple(int(s) for s in link), codes)]

    def to_string(self, index: int) -> str:
        """``op~input`` per node, e.g. ``gcn~0|gin~1|fc~2|cheb~1``."""
        link, ops = self.form(index)
        return "|".join(f"{op}~{source}" for op, source in zip(ops, link, strict=True))

    def from_string(self, text: str) -> int:
        if not isinstance(text, str):
            raise ValueError(f"{self.name}: arch string must be a str, got {type(text).__name__}")
        tokens = text.strip().strip("|").split("|")
        if len(tokens) != N_NODES:
            raise ValueError(
                f"{self.name}: {text!r} must have {N_NODES} nodes 'op~input' joined by '|', "
                f"found {len(tokens)}"
            )
        link, ops = [], []
        for token in tokens:
            match = _TOKEN.match(token.strip())
            if match is None:
                raise ValueError(f"{self.name}: node {token!r} in {text!r} is not 'op~input'")
            ops.append(match["op"])
            link.append(int(match["src"]))
        return self.from_form(link, ops)

    def architecture(self, index: int) -> dict:
        """What a user's objective receives: ``{"link": [...], "ops": [...]}``."""
        link, ops = self.form(index)
        return {"link": list(link), "ops": list(ops)}

    def all_forms(self) -> tuple[np.ndarray, np.ndarray]:
        """Link-pattern id (n,) and op positions in ``self.ops`` (n, 4), row = index."""
        digits = self.hashes[:, None] // _HASH_BASE ** np.arange(N_NODES, -1, -1) % _HASH_BASE
        position = np.full(len(OPS), -1)
        position[list(self._codes)] = np.arange(len(self.ops))
        return digits[:, 0].astype(np.int8), position[digits[:, 1:]].astype(np.int8)

    def _encode_all(self, encoding: str) -> np.ndarray:
        link_ids, ops = self.all_forms()
        rows = np.arange(self.size)
        n_ops = len(self.ops)
        onehot = np.zeros((self.size, len(LINKS) + N_NODES * n_ops), dtype=np.uint8)
        onehot[rows, link_ids] = 1
        for node in range(N_NODES):
            onehot[rows, len(LINKS) + node * n_ops + ops[:, node]] = 1
        if encoding == "onehot":
            return onehot
        counts = onehot[:, len(LINKS) :].reshape(self.size, N_NODES, n_ops).sum(axis=1)
        return np.hstack([onehot, counts.astype(np.uint8)])

    # --- moves for evolution, local search and categorical samplers -----------------------
    def neighbours(self, index: int) -> list[int]:
        """Networks one edit away: one node's op changed, or the link pattern changed."""
        link, ops = self.form(index)
        found = set()
        edits = [
            (link, ops[:node] + (op,) + ops[node + 1 :])
            for node in range(N_NODES)
            for op in self.ops
            if op != ops[node]
        ]
        edits += [(other, ops) for other in LINKS if other != link]
        for new_link, new_ops in edits:
            if any(op != "skip" for op in new_ops):
                found.add(self.from_form(new_link, new_ops))
        found.discard(index)
        return sorted(found)

    def choices(self) -> dict[str, tuple]:
        """The link pattern and each node's op. Some combinations build one network."""
        patterns = tuple(",".join(map(str, link)) for link in LINKS)
        return {"link": patterns, **{f"node{n}": self.ops for n in range(1, N_NODES + 1)}}

    def to_choices(self, index: int) -> tuple[int, ...]:
        link, ops = self.form(index)
        return (LINKS.index(link), *(self.ops.index(op) for op in ops))

    def from_choices(self, codes) -> int:
        codes = [int(c) for c in codes]
        return self.from_form(LINKS[codes[0]], [self.ops[c] for c in codes[1:]])
