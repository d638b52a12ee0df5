"""Feature encodings of NB101 cells, computed for the whole space at once with numpy.

Both work on the padded 7-vertex form (unused vertices inserted before the output), so
every cell has the same layout. They are binary and returned as ``uint8`` to keep the
whole-space matrices small (423,624 x 45 is 19 MB; the path encoding 154 MB).
"""

from __future__ import annotations

import numpy as np

from weaknas.spaces.nb101_cell import CONV1X1, CONV3X3, INPUT, MAX_VERTICES, MAXPOOL3X3, OUTPUT

# Op one-hot order of the paper's encoding (per vertex column).
ADJACENCY_OPS = (CONV1X1, CONV3X3, MAXPOOL3X3, OUTPUT)
# Interior ops along a path, in the order path indices use.
PATH_OPS = (CONV1X1, CONV3X3, MAXPOOL3X3)
MAX_PATH_LENGTH = MAX_VERTICES - 2  # interior vertices on one input->output path
# First index of the paths with k interior vertices: 1 + 3 + ... + 3^(k-1).
_PATH_OFFSETS = np.cumsum([0] + [3**k for k in range(MAX_PATH_LENGTH + 1)])
N_PATHS = int(_PATH_OFFSETS[-1])  # 364


def pad_arrays(
    adjacency: np.ndarray, ops: np.ndarray, num_vertices: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(N, 7, 7) adjacency and (N, 7) ops with the output moved to vertex 6.

    Unused vertices get op -1 and no edges.
    """
    n_cells = len(num_vertices)
    adj7 = np.zeros((n_cells, MAX_VERTICES, MAX_VERTICES), dtype=np.uint8)
    ops7 = np.full((n_cells, MAX_VERTICES), -1, dtype=np.int8)
    for n in np.unique(num_vertices):
        rows = np.flatnonzero(num_vertices == n)
        inner = n - 1  # input and interior vertices keep their places
        adj7[rows, :inner, :inner] = adjacency[rows, :inner, :inner]
        adj7[rows, :inner, MAX_VERTICES - 1] = adjacency[rows, :inner, n - 1]
        ops7[rows, :inner] = ops[rows, :inner]
        ops7[rows, MAX_VERTICES - 1] = OUTPUT
    return adj7, ops7


def adjacency_encoding(adj7: np.ndarray, ops7: np.ndarray) -> np.ndarray:
    """The paper's 45 dims: per vertex column 1..6, its incoming edge bits, then op one-hot.

    Column j contributes j edge bits (from vertices 0..j-1) and 4 op bits (conv1x1,
    conv3x3, maxpool3x3, output): 21 + 24 = 45.
    """
    parts = []
    for j in range(1, MAX_VERTICES):
        parts.append(adj7[:, :j, j])
        parts.append(np.stack([ops7[:, j] == op for op in ADJACENCY_OPS], axis=1))
    return np.concatenate(parts, axis=1).astype(np.uint8)


def _extension_tables() -> list[tuple[np.ndarray, np.ndarray]]:
    """For each path op: (source, target) path indices of 'append this op'."""
    tables = []
    for code in range(len(PATH_OPS)):
        sources, targets = [], []
        for length in range(MAX_PATH_LENGTH):
            for rank in range(3**length):
                sources.append(_PATH_OFFSETS[length] + rank)
                targets.append(_PATH_OFFSETS[length + 1] + 3 * rank + code)
        tables.append((np.array(sources), np.array(targets)))
    return tables


def path_encoding(adj7: np.ndarray, ops7: np.ndarray, chunk: int = 32768) -> np.ndarray:
    """Which of the 364 input->output op sequences occur in each cell (BANANAS' paths).

    Index 0 is the direct input->output edge; then the 3 one-op paths, the 9 two-op
    paths, ... up to 3^5 five-op paths, each numbered in base 3 over (conv1x1, conv3x3,
    maxpool3x3). Computed by dynamic programming over vertices in topological order.
    """
    tables = _extension_tables()
    n_cells = len(adj7)
    out = np.zeros((n_cells, N_PATHS), dtype=np.uint8)
    for start in range(0, n_cells, chunk):
        adj = adj7[start : start + chunk].astype(bool)
        ops = ops7[start : start + chunk]
        size = len(adj)
        paths = np.zeros((MAX_VERTICES, size, N_PATHS), dtype=bool)
        paths[0, :, 0] = True  # the empty path reaches the input
        for v in range(1, MAX_VERTICES):
            reaching = np.zeros((size, N_PATHS), dtype=bool)
            for u in range(v):
                reaching |= paths[u] & adj[:, u, v, None]
            if v == MAX_VERTICES - 1:
                paths[v] = reaching  # the output adds no op to a path
                continue
            for code, op in enumerate(PATH_OPS):
                rows = np.flatnonzero(ops[:, v] == op)
                sources, targets = tables[code]
                block = np.zeros((len(rows), N_PATHS), dtype=bool)
                block[:, targets] = reaching[np.ix_(rows, sources)]
                paths[v, rows] = block
        out[start : start + size] = paths[MAX_VERTICES - 1]
    return out


def cell_statistics(adj7: np.ndarray, ops7: np.ndarray) -> np.ndarray:
    """Vertex-order-free summaries a tree can split on in one step (9 columns).

    Counts of conv1x1, conv3x3 and maxpool3x3 vertices; vertices; edges; the longest
    input->output path (edges); the number of input->output paths; the input's
    out-degree and the output's in-degree. The 45-dim encoding holds all of this only
    spread over vertex positions that differ between isomorphic cells.
    """
    n_cells = len(adj7)
    counts = [(ops7 == op).sum(axis=1) for op in PATH_OPS]
    vertices = (ops7 >= 0).sum(axis=1)
    edges = adj7.sum(axis=(1, 2))
    depth = np.full((n_cells, MAX_VERTICES), -1, dtype=np.int16)  # -1: unreachable
    paths = np.zeros((n_cells, MAX_VERTICES), dtype=np.int32)
    depth[:, 0], paths[:, 0] = 0, 1
    for v in range(1, MAX_VERTICES):
        edge = adj7[:, :v, v].astype(bool) & (depth[:, :v] >= 0)
        depth[:, v] = np.where(
            edge.any(axis=1), np.where(edge, depth[:, :v] + 1, -1).max(axis=1), -1
        )
        paths[:, v] = (paths[:, :v] * edge).sum(axis=1)
    out = MAX_VERTICES - 1
    columns = [*counts, vertices, edges, depth[:, out], paths[:, out]]
    columns += [adj7[:, 0, :].sum(axis=1), adj7[:, :, out].sum(axis=1)]
    return np.stack(columns, axis=1).astype(np.uint8)


def edge_type_counts(adj7: np.ndarray, ops7: np.ndarray) -> np.ndarray:
    """How many edges join each (source op, target op) pair (16 columns).

    Sources input, conv1x1, conv3x3, maxpool3x3; targets conv1x1, conv3x3, maxpool3x3,
    output. Like the statistics, the same for every vertex order of a cell.
    """
    edges = adj7.astype(bool)
    columns = [
        (edges & (ops7[:, :, None] == source) & (ops7[:, None, :] == target)).sum(axis=(1, 2))
        for source in (INPUT, *PATH_OPS)
        for target in (*PATH_OPS, OUTPUT)
    ]
    return np.stack(columns, axis=1).astype(np.uint8)


def graph_features(adj7: np.ndarray, ops7: np.ndarray) -> np.ndarray:
    """Training-free graph features of cells, as GRAF (Kadlecova et al., ICML 2024) builds
    them (9 columns): per op (conv1x1, conv3x3, maxpool3x3), the input->output paths that
    pass through a vertex of that op; the shortest input->output path (edges); the most
    conv3x3 and the most convolutions of either size on one input->output path; per op,
    the edges from a vertex of that op into the output. Order-free, like the statistics.
    """
    n_cells = len(adj7)
    edges = adj7.astype(bool)
    out = MAX_VERTICES - 1
    unreachable = np.int16(-100)
    paths_in = np.zeros((n_cells, MAX_VERTICES), dtype=np.int32)
    shortest = np.full((n_cells, MAX_VERTICES), 99, dtype=np.int16)
    most3 = np.full((n_cells, MAX_VERTICES), unreachable, dtype=np.int16)
    most_conv = np.full((n_cells, MAX_VERTICES), unreachable, dtype=np.int16)
    paths_in[:, 0], shortest[:, 0], most3[:, 0], most_conv[:, 0] = 1, 0, 0, 0
    for v in range(1, MAX_VERTICES):
        into = edges[:, :v, v] & (paths_in[:, :v] > 0)
        paths_in[:, v] = (paths_in[:, :v] * into).sum(axis=1)
        shortest[:, v] = np.where(into, shortest[:, :v] + 1, 99).min(axis=1)
        is3 = (ops7[:, v] == CONV3X3).astype(np.int16)
        conv = is3 + (ops7[:, v] == CONV1X1)
        most3[:, v] = np.where(into, most3[:, :v], unreachable).max(axis=1) + is3
        most_conv[:, v] = np.where(into, most_conv[:, :v], unreachable).max(axis=1) + conv
    paths_out = np.zeros((n_cells, MAX_VERTICES), dtype=np.int32)
    paths_out[:, out] = 1
    for v in range(out - 1, -1, -1):
        paths_out[:, v] = (paths_out[:, v + 1 :] * edges[:, v, v + 1 :]).sum(axis=1)
    through = paths_in * paths_out
    columns = [np.where(ops7 == op, through, 0).sum(axis=1) for op in PATH_OPS]
    columns += [shortest[:, out], np.maximum(most3[:, out], 0), np.maximum(most_conv[:, out], 0)]
    columns += [(edges[:, :, out] & (ops7 == op)).sum(axis=1) for op in PATH_OPS]
    return np.stack(columns, axis=1).astype(np.uint8)


# The benchmark's network (``weaknas.training.nb101_net`` builds it from these): a 3x3 stem
# of 128 channels, then 3 stacks of 3 cells whose width doubles from stack to stack, and a
# 10-way linear head.
STEM_CHANNELS = 128
STACK_WIDTHS = (128, 256, 512)
CELLS_PER_STACK = 3
N_CLASSES = 10


def _vertex_widths(edges: np.ndarray, out_channels: int) -> np.ndarray:
    """(N, 7) width of every vertex in cells of ``out_channels`` (input's left 0): the
    output's channels split among the vertices feeding it, remainder one by one to the
    first; every other interior vertex takes its widest successor's width."""
    out = MAX_VERTICES - 1
    feeding = edges[:, 1:out, out]
    count = np.maximum(feeding.sum(axis=1), 1)
    share, remainder = np.divmod(out_channels, count)
    order = np.cumsum(feeding, axis=1)  # 1 for the first feeding vertex, 2 for the next...
    widths = np.zeros((len(edges), MAX_VERTICES), dtype=np.int64)
    widths[:, 1:out] = feeding * (share[:, None] + (order <= remainder[:, None]))
    widths[:, out] = out_channels
    for v in range(out - 1, 0, -1):
        successors = np.where(edges[:, v, v + 1 : out], widths[:, v + 1 : out], 0)
        if successors.shape[1]:
            widths[:, v] = np.where(feeding[:, v - 1], widths[:, v], successors.max(axis=1))
    return widths


def parameter_counts(adj7: np.ndarray, ops7: np.ndarray) -> np.ndarray:
    """Trainable parameters of each cell's network as the benchmark counts them (its
    ``params``: convolutions without bias, two per batch norm, the linear head), from the
    cell alone: a training-free cost that, unlike op counts, sees how a cell splits its
    channels. int64, one per cell."""
    edges = adj7.astype(bool)
    conv3 = ops7 == CONV3X3
    conv1 = ops7 == CONV1X1
    total = np.full(len(adj7), 3 * 9 * STEM_CHANNELS + 2 * STEM_CHANNELS, dtype=np.int64)
    total += STACK_WIDTHS[-1] * N_CLASSES + N_CLASSES
    in_channels = STEM_CHANNELS
    for width in STACK_WIDTHS:
        widths = _vertex_widths(edges, width)
        ops = (9 * conv3 + conv1) * widths**2 + 2 * (conv3 | conv1) * widths
        for _ in range(CELLS_PER_STACK):
            projected = np.where(edges[:, 0, 1:], (in_channels + 2) * widths[:, 1:], 0)
            total += ops.sum(axis=1) + projected.sum(axis=1)
            in_channels = width
    return total
